/* userland/src/tools/rm.c: rm [-rRf] FILE... ; directories need -r; -f ignores missing files.
 * Recursion walks with an explicit depth bound (RM_DEPTH_MAX) instead of trusting the tree. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools.h"

#define RM_DEPTH_MAX 256

static int force, recursive;

static int remove_path(const char *path, int depth)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		if (force && errno == ENOENT)
			return 0;
		warn_errno("cannot remove '%s'", path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0) {
			warn_errno("cannot remove '%s'", path);
			return 1;
		}
		return 0;
	}
	if (!recursive) {
		warnx("cannot remove '%s': Is a directory", path);
		return 1;
	}
	if (depth > RM_DEPTH_MAX) {
		warnx("cannot remove '%s': directory tree too deep", path);
		return 1;
	}
	int status = 0;
	DIR *d = opendir(path);
	struct dirent *de;
	if (!d) {
		warn_errno("cannot remove '%s'", path);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		char *child;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&child, "%s/%s", path, de->d_name) < 0)
			abort();
		status |= remove_path(child, depth + 1);
		free(child);
	}
	closedir(d);
	if (rmdir(path) < 0) {
		warn_errno("cannot remove '%s'", path);
		return 1;
	}
	return status;
}

int rm_main(int argc, char **argv)
{
	int status = 0, i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			if (*c == 'f')
				force = 1;
			else if (*c == 'r' || *c == 'R')
				recursive = 1;
			else {
				warnx("invalid option -- '%c'", *c);
				return 1;
			}
		}
	}
	if (i == argc && !force) {
		warnx("missing operand");
		return 1;
	}
	for (; i < argc; i++) {
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		if (!strcmp(base, ".") || !strcmp(base, "..")) {
			warnx("refusing to remove '.' or '..' directory: skipping '%s'", argv[i]);
			status = 1;
			continue;
		}
		status |= remove_path(argv[i], 0);
	}
	return status;
}
