/* userland/src/tools/env.c: env [-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...] */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools.h"

extern char **environ;

int env_main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-i") || !strcmp(argv[i], "-")) {
			clearenv();
		} else if (!strcmp(argv[i], "-u") && i + 1 < argc) {
			unsetenv(argv[++i]);
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			warnx("invalid option -- '%s'", argv[i] + 1);
			return 125;
		}
	}
	for (; i < argc && strchr(argv[i], '='); i++)
		putenv(argv[i]);
	if (i == argc) {
		for (char **e = environ; e && *e; e++)
			printf("%s\n", *e);
		return fflush(stdout) ? 1 : 0;
	}
	execvp(argv[i], argv + i);
	int err = errno;
	warn_errno("'%s'", argv[i]);
	return err == ENOENT ? 127 : 126;
}
