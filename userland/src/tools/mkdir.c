/* userland/src/tools/mkdir.c: mkdir [-p] [-m MODE] DIR... */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools.h"

static int make_parents(char *path, mode_t mode)
{
	struct stat st;
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			warn_errno("cannot create directory '%s'", path);
			*p = '/';
			return 1;
		}
		*p = '/';
	}
	if (mkdir(path, mode) < 0) {
		if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		warn_errno("cannot create directory '%s'", path);
		return 1;
	}
	return 0;
}

int mkdir_main(int argc, char **argv)
{
	int parents = 0, status = 0, i = 1;
	mode_t mode = 0777;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "-p")) {
			parents = 1;
		} else if (!strcmp(argv[i], "-m") && i + 1 < argc) {
			mode = (mode_t)strtol(argv[++i], NULL, 8);
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			warnx("invalid option -- '%s'", argv[i] + 1);
			return 1;
		}
	}
	if (i == argc) {
		warnx("missing operand");
		return 1;
	}
	for (; i < argc; i++) {
		if (parents) {
			status |= make_parents(argv[i], mode);
		} else if (mkdir(argv[i], mode) < 0) {
			warn_errno("cannot create directory '%s'", argv[i]);
			status = 1;
		}
		if (mode != 0777 && !status)
			chmod(argv[i], mode);
	}
	return status;
}
