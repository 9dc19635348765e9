/* userland/src/tools/head.c: head [-n N | -N] [-c N] [FILE...]; "==> f <==" headers for
 * several files, as coreutils. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools.h"

static int head_fd(int fd, long lines, long bytes)
{
	char buf[4096];
	ssize_t r;
	while ((lines > 0 || bytes > 0) && (r = read(fd, buf, sizeof(buf))) > 0) {
		ssize_t n = 0;
		if (bytes > 0) {
			n = r < bytes ? r : bytes;
			bytes -= n;
		} else {
			while (n < r && lines > 0)
				if (buf[n++] == '\n')
					lines--;
		}
		if (write_all(1, buf, (size_t)n) < 0)
			return -1;
	}
	return 0;
}

int head_main(int argc, char **argv)
{
	long lines = 10, bytes = 0;
	int i = 1, status = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if ((!strcmp(argv[i], "-n") || !strcmp(argv[i], "-c")) && i + 1 < argc) {
			long v = strtol(argv[i + 1], NULL, 10);
			if (argv[i][1] == 'n')
				lines = v;
			else
				bytes = v, lines = 0;
			i++;
		} else if (argv[i][1] == 'n' || argv[i][1] == 'c') {
			long v = strtol(argv[i] + 2, NULL, 10);
			if (argv[i][1] == 'n')
				lines = v;
			else
				bytes = v, lines = 0;
		} else if (argv[i][1] >= '0' && argv[i][1] <= '9') {
			lines = strtol(argv[i] + 1, NULL, 10);
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			return warnx("invalid option -- '%s'", argv[i] + 1), 1;
		}
	}
	int nfiles = argc - i;
	if (nfiles == 0)
		return head_fd(0, lines, bytes) < 0;
	for (int k = i; k < argc; k++) {
		int fd = strcmp(argv[k], "-") ? open(argv[k], O_RDONLY) : 0;
		if (fd < 0) {
			warn_errno("cannot open '%s' for reading", argv[k]);
			status = 1;
			continue;
		}
		if (nfiles > 1) {
			char h[4200];
			int n = snprintf(h, sizeof(h), "%s==> %s <==\n", k > i ? "\n" : "",
					 fd ? argv[k] : "standard input");
			write_all(1, h, (size_t)n);
		}
		if (head_fd(fd, lines, bytes) < 0)
			status = 1;
		if (fd)
			close(fd);
	}
	return status;
}
