/* userland/src/tools/mv.c: mv SOURCE... DEST; rename(2), or copy and remove across file
 * systems (EXDEV). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools.h"

int copy_tree(const char *src, const char *dst, int recursive, int preserve, int depth);
char *target_path(const char *src, const char *dst, int dst_is_dir);
int rm_main(int argc, char **argv);

static int move(const char *src, const char *dst)
{
	if (rename(src, dst) == 0)
		return 0;
	if (errno != EXDEV) {
		warn_errno("cannot move '%s' to '%s'", src, dst);
		return 1;
	}
	if (copy_tree(src, dst, 1, 1, 0))
		return 1;
	char *argv[] = {"rm", "-rf", (char *)src, NULL};
	return rm_main(3, argv);
}

int mv_main(int argc, char **argv)
{
	int i = 1, status = 0;
	struct stat st;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-f") && strcmp(argv[i], "-v"))
			return warnx("invalid option -- '%s'", argv[i] + 1), 1;
	}
	if (argc - i < 2) {
		if (argc - i == 1)
			warnx("missing destination file operand after '%s'", argv[i]);
		else
			warnx("missing file operand");
		return 1;
	}
	const char *dst = argv[argc - 1];
	int is_dir = stat(dst, &st) == 0 && S_ISDIR(st.st_mode);
	if (argc - i > 2 && !is_dir) {
		warnx("target '%s' is not a directory", dst);
		return 1;
	}
	for (; i < argc - 1; i++) {
		struct stat s;
		char *t = target_path(argv[i], dst, is_dir);
		if (lstat(argv[i], &s) < 0) {
			warn_errno("cannot stat '%s'", argv[i]);
			status = 1;
		} else {
			status |= move(argv[i], t);
		}
		free(t);
	}
	return status;
}
