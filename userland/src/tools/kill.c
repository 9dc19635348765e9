/* userland/src/tools/kill.c: kill [-s SIG | -SIG | -n NUM] PID... ; kill -l [N], as procps. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools.h"

static int list(int argc, char **argv)
{
	if (argc > 2) {
		int n = atoi(argv[2]);
		if (n > 128)
			n -= 128;
		if (n <= 0 || n >= 32) {
			warnx("unknown signal: %s", argv[2]);
			return 1;
		}
		printf("%s\n", sig_name(n));
		return 0;
	}
	for (int s = 1; s < 32; s++)
		printf("%s%s", sig_name(s), s == 31 || s == 16 ? "\n" : " ");
	return 0;
}

int kill_main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;
	if (argc > 1 && (!strcmp(argv[1], "-l") || !strcmp(argv[1], "-L")))
		return list(argc, argv);
	if (i < argc && (!strcmp(argv[i], "-s") || !strcmp(argv[i], "-n")) && i + 1 < argc) {
		sig = sig_from_name(argv[i + 1]);
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") &&
		   !(argv[i][1] >= '0' && argv[i][1] <= '9' && i + 1 >= argc)) {
		sig = sig_from_name(argv[i] + 1);
		i++;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (sig < 0) {
		warnx("unknown signal name: %s", argv[i - 1]);
		return 1;
	}
	if (i >= argc) {
		fprintf(stderr, "Usage: kill [-s SIGNAL | -SIGNAL] PID...\n       kill -l [NUMBER]\n");
		return 1;
	}
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		if (*end || end == argv[i]) {
			warnx("failed to parse argument: '%s'", argv[i]);
			status = 1;
			continue;
		}
		if (kill((pid_t)pid, sig) < 0) {
			fprintf(stderr, "kill: (%ld): %s\n", pid, strerror(errno));
			status = 1;
		}
	}
	return status;
}
