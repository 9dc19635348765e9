/* userland/src/tools/cat.c: cat [-n] [file...]; "-" or no file is standard input. Files in
 * /proc are read with plain read(2) until it returns 0, like any other file. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tools.h"

static int cat_numbered(int fd, unsigned long *line, int *at_start)
{
	char buf[4096];
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < r; i++) {
			if (*at_start)
				printf("%6lu\t", ++*line);
			putchar(buf[i]);
			*at_start = buf[i] == '\n';
		}
	}
	fflush(stdout);
	return r < 0 ? -1 : 0;
}

int cat_main(int argc, char **argv)
{
	int status = 0, number = 0, i = 1, at_start = 1;
	unsigned long line = 0;
	if (i < argc && !strcmp(argv[i], "-n")) {
		number = 1;
		i++;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i == argc)
		argv[--i] = "-";
	for (; i < argc; i++) {
		int fd = strcmp(argv[i], "-") ? open(argv[i], O_RDONLY) : 0;
		if (fd < 0) {
			warn_errno("%s", argv[i]);
			status = 1;
			continue;
		}
		if ((number ? cat_numbered(fd, &line, &at_start) : copy_fd(fd, 1)) < 0) {
			warn_errno("%s", argv[i]);
			status = 1;
		}
		if (fd)
			close(fd);
	}
	return status;
}
