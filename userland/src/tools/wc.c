/* userland/src/tools/wc.c: wc [-lwc] [FILE...]. Column widths as coreutils: one count alone
 * from standard input is unpadded; otherwise counts are right-aligned to the width of the
 * total size of the regular files (7 when standard input is involved). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools.h"

struct counts {
	unsigned long long lines, words, bytes;
};

static int count_fd(int fd, struct counts *c)
{
	char buf[65536];
	ssize_t r;
	int in_word = 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		c->bytes += (unsigned long long)r;
		for (ssize_t i = 0; i < r; i++) {
			unsigned char ch = (unsigned char)buf[i];
			int space = ch == ' ' || (ch >= '\t' && ch <= '\r');
			if (ch == '\n')
				c->lines++;
			if (!space && !in_word)
				c->words++;
			in_word = !space;
		}
	}
	return r < 0 ? -1 : 0;
}

static int show_l, show_w, show_c;

static void print_counts(struct counts *c, int width, const char *name)
{
	int first = 1;
	if (show_l)
		printf("%*llu", width, c->lines), first = 0;
	if (show_w)
		printf("%s%*llu", first ? "" : " ", width, c->words), first = 0;
	if (show_c)
		printf("%s%*llu", first ? "" : " ", width, c->bytes);
	if (name)
		printf(" %s", name);
	putchar('\n');
}

int wc_main(int argc, char **argv)
{
	int i = 1, status = 0, width = 1, stdin_used = 0;
	struct counts total = {0};
	unsigned long long size_sum = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		for (const char *f = argv[i] + 1; *f; f++) {
			if (*f == 'l') show_l = 1;
			else if (*f == 'w') show_w = 1;
			else if (*f == 'c' || *f == 'm') show_c = 1;
			else return warnx("invalid option -- '%c'", *f), 1;
		}
	}
	if (!show_l && !show_w && !show_c)
		show_l = show_w = show_c = 1;
	int nfiles = argc - i, ncols = show_l + show_w + show_c;
	for (int k = i; k < argc; k++) {
		struct stat st;
		if (!strcmp(argv[k], "-"))
			stdin_used = 1;
		else if (stat(argv[k], &st) == 0 && S_ISREG(st.st_mode))
			size_sum += (unsigned long long)st.st_size;
		else
			stdin_used = 1; /* not a regular file: size unknown */
	}
	if (nfiles == 0)
		stdin_used = 1;
	for (unsigned long long v = size_sum; v >= 10; v /= 10)
		width++;
	if (stdin_used && width < 7)
		width = 7;
	if (ncols == 1 && nfiles <= 1)
		width = nfiles == 0 ? 1 : width;
	if (ncols == 1 && nfiles == 1)
		width = 1;
	if (nfiles == 0) {
		struct counts c = {0};
		if (count_fd(0, &c) < 0) {
			warn_errno("standard input");
			return 1;
		}
		print_counts(&c, width, NULL);
		return 0;
	}
	for (int k = i; k < argc; k++) {
		struct counts c = {0};
		int fd = strcmp(argv[k], "-") ? open(argv[k], O_RDONLY) : 0;
		if (fd < 0 || count_fd(fd, &c) < 0) {
			warn_errno("%s", argv[k]);
			status = 1;
			if (fd > 0)
				close(fd);
			continue;
		}
		if (fd)
			close(fd);
		print_counts(&c, width, argv[k]);
		total.lines += c.lines;
		total.words += c.words;
		total.bytes += c.bytes;
	}
	if (nfiles > 1)
		print_counts(&total, width, "total");
	return status;
}
