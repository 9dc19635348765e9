/* userland/src/tools/tail.c: tail [-n N | -n +N | -N] [-c N] [FILE...]. The input is read
 * whole (files and pipes alike), then the last N lines or bytes are written. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools.h"

static char *slurp(int fd, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	ssize_t r;
	while ((r = read(fd, buf + n, cap - n)) > 0) {
		n += (size_t)r;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	*len = n;
	return buf;
}

static void tail_buf(const char *buf, size_t n, long count, int from_start, int bytes)
{
	size_t start;
	if (bytes) {
		if (from_start)
			start = count > 0 && (size_t)(count - 1) < n ? (size_t)(count - 1) : (count > 0 ? n : 0);
		else
			start = (size_t)count < n ? n - (size_t)count : 0;
	} else if (from_start) {
		long line = 1;
		for (start = 0; start < n && line < count; start++)
			if (buf[start] == '\n')
				line++;
	} else {
		long seen = 0;
		start = n;
		/* A final line without a newline still counts as a line. */
		size_t k = n;
		if (k && buf[k - 1] == '\n')
			k--;
		while (k > 0) {
			if (buf[k - 1] == '\n' && ++seen == count)
				break;
			k--;
		}
		start = count == 0 ? n : k;
	}
	write_all(1, buf + start, n - start);
}

int tail_main(int argc, char **argv)
{
	long count = 10;
	int from_start = 0, bytes = 0, i = 1, status = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *v = NULL;
		if ((!strcmp(argv[i], "-n") || !strcmp(argv[i], "-c")) && i + 1 < argc) {
			bytes = argv[i][1] == 'c';
			v = argv[++i];
		} else if (argv[i][1] == 'n' || argv[i][1] == 'c') {
			bytes = argv[i][1] == 'c';
			v = argv[i] + 2;
		} else if (argv[i][1] >= '0' && argv[i][1] <= '9') {
			v = argv[i] + 1;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			return warnx("invalid option -- '%s'", argv[i] + 1), 1;
		}
		from_start = v[0] == '+';
		count = strtol(v + (v[0] == '+' || v[0] == '-'), NULL, 10);
	}
	int nfiles = argc - i;
	if (nfiles == 0)
		argv[--i] = "-", nfiles = 1;
	for (int k = i; k < argc; k++) {
		size_t n;
		int fd = strcmp(argv[k], "-") ? open(argv[k], O_RDONLY) : 0;
		if (fd < 0) {
			warn_errno("cannot open '%s' for reading", argv[k]);
			status = 1;
			continue;
		}
		if (nfiles > 1) {
			char h[4200];
			int len = snprintf(h, sizeof(h), "%s==> %s <==\n", k > i ? "\n" : "",
					   fd ? argv[k] : "standard input");
			write_all(1, h, (size_t)len);
		}
		char *buf = slurp(fd, &n);
		tail_buf(buf, n, count, from_start, bytes);
		free(buf);
		if (fd)
			close(fd);
	}
	return status;
}
