/* userland/src/tools/ln.c: ln [-sf] TARGET [LINK_NAME], or ln [-sf] TARGET... DIRECTORY. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools.h"

char *target_path(const char *src, const char *dst, int dst_is_dir);

int ln_main(int argc, char **argv)
{
	int sym = 0, force = 0, i = 1, status = 0;
	struct stat st;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			if (*c == 's')
				sym = 1;
			else if (*c == 'f')
				force = 1;
			else if (*c != 'n' && *c != 'v')
				return warnx("invalid option -- '%c'", *c), 1;
		}
	}
	if (i == argc) {
		warnx("missing file operand");
		return 1;
	}
	if (argc - i == 1)
		argv[argc++] = ".";
	const char *dst = argv[argc - 1];
	int is_dir = stat(dst, &st) == 0 && S_ISDIR(st.st_mode);
	if (argc - i > 2 && !is_dir) {
		warnx("target '%s' is not a directory", dst);
		return 1;
	}
	for (; i < argc - 1; i++) {
		char *name = target_path(argv[i], dst, is_dir);
		if (force)
			unlink(name);
		if ((sym ? symlink(argv[i], name) : link(argv[i], name)) < 0) {
			if (sym)
				warn_errno("failed to create symbolic link '%s'", name);
			else
				warn_errno("failed to create hard link '%s' => '%s'", name, argv[i]);
			status = 1;
		}
		free(name);
	}
	return status;
}
