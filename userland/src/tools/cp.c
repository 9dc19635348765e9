/* userland/src/tools/cp.c: cp [-rRapf] SOURCE... DEST. With several sources, or a DEST that
 * is a directory, each source is copied into DEST. Without -r directories are skipped with
 * coreutils' message. Symbolic links are copied as links under -r/-a, followed otherwise.
 * copy_tree() is shared with mv for moves across file systems. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "tools.h"

#define CP_DEPTH_MAX 256

int copy_tree(const char *src, const char *dst, int recursive, int preserve, int depth);

static int copy_file(const char *src, const char *dst, struct stat *st, int preserve)
{
	int in = open(src, O_RDONLY), out, status = 0;
	if (in < 0) {
		warn_errno("cannot open '%s' for reading", src);
		return 1;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st->st_mode & 07777);
	if (out < 0) {
		warn_errno("cannot create regular file '%s'", dst);
		close(in);
		return 1;
	}
	if (copy_fd(in, out) < 0) {
		warn_errno("error copying '%s' to '%s'", src, dst);
		status = 1;
	}
	if (preserve) {
		struct timespec ts[2] = {st->st_atim, st->st_mtim};
		futimens(out, ts);
		fchmod(out, st->st_mode & 07777);
	}
	close(in);
	if (close(out) < 0) {
		warn_errno("error writing '%s'", dst);
		status = 1;
	}
	return status;
}

static int copy_dir(const char *src, const char *dst, struct stat *st, int preserve, int depth)
{
	DIR *d;
	struct dirent *de;
	int status = 0;
	if (depth > CP_DEPTH_MAX) {
		warnx("'%s': directory tree too deep", src);
		return 1;
	}
	if (mkdir(dst, st->st_mode & 07777) < 0 && errno != EEXIST) {
		warn_errno("cannot create directory '%s'", dst);
		return 1;
	}
	if (!(d = opendir(src))) {
		warn_errno("cannot access '%s'", src);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		char *s, *t;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&s, "%s/%s", src, de->d_name) < 0 ||
		    asprintf(&t, "%s/%s", dst, de->d_name) < 0)
			abort();
		status |= copy_tree(s, t, 1, preserve, depth + 1);
		free(s);
		free(t);
	}
	closedir(d);
	return status;
}

int copy_tree(const char *src, const char *dst, int recursive, int preserve, int depth)
{
	struct stat st;
	if ((recursive ? lstat(src, &st) : stat(src, &st)) < 0) {
		warn_errno("cannot stat '%s'", src);
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!recursive) {
			warnx("-r not specified; omitting directory '%s'", src);
			return 1;
		}
		return copy_dir(src, dst, &st, preserve, depth);
	}
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(src, target, sizeof(target) - 1);
		if (n < 0) {
			warn_errno("cannot read symbolic link '%s'", src);
			return 1;
		}
		target[n] = 0;
		unlink(dst);
		if (symlink(target, dst) < 0) {
			warn_errno("cannot create symbolic link '%s'", dst);
			return 1;
		}
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		if (mknod(dst, st.st_mode, st.st_rdev) < 0) {
			warn_errno("cannot create special file '%s'", dst);
			return 1;
		}
		return 0;
	}
	return copy_file(src, dst, &st, preserve);
}

/* target_path: DEST itself, or DEST/basename(src) when DEST is a directory. */
char *target_path(const char *src, const char *dst, int dst_is_dir)
{
	char *out;
	const char *base;
	size_t n = strlen(src);
	if (!dst_is_dir)
		return strdup(dst);
	while (n > 1 && src[n - 1] == '/')
		n--;
	base = src + n;
	while (base > src && base[-1] != '/')
		base--;
	if (asprintf(&out, "%s/%.*s", dst, (int)(src + n - base), base) < 0)
		abort();
	return out;
}

int cp_main(int argc, char **argv)
{
	int recursive = 0, preserve = 0, i = 1, status = 0;
	struct stat st;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			if (*c == 'r' || *c == 'R')
				recursive = 1;
			else if (*c == 'a')
				recursive = preserve = 1;
			else if (*c == 'p')
				preserve = 1;
			else if (*c != 'f' && *c != 'v' && *c != 'd')
				return warnx("invalid option -- '%c'", *c), 1;
		}
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
		char *t = target_path(argv[i], dst, is_dir);
		status |= copy_tree(argv[i], t, recursive, preserve, 0);
		free(t);
	}
	return status;
}
