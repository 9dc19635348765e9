/* userland/src/tools/touch.c: touch [-c] FILE... ; creates or sets times to now. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools.h"

int touch_main(int argc, char **argv)
{
	int no_create = 0, i = 1, status = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "-c"))
			no_create = 1;
		else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else
			return warnx("invalid option -- '%s'", argv[i] + 1), 1;
	}
	if (i == argc) {
		warnx("missing file operand");
		return 1;
	}
	for (; i < argc; i++) {
		if (utimensat(AT_FDCWD, argv[i], NULL, 0) == 0)
			continue;
		if (errno != ENOENT) {
			warn_errno("cannot touch '%s'", argv[i]);
			status = 1;
			continue;
		}
		if (no_create)
			continue;
		int fd = open(argv[i], O_WRONLY | O_CREAT | O_NOCTTY, 0666);
		if (fd < 0) {
			warn_errno("cannot touch '%s'", argv[i]);
			status = 1;
			continue;
		}
		close(fd);
	}
	return status;
}
