/* userland/src/tools/umount.c: umount [-l] DIR... ; -l detaches lazily (MNT_DETACH). A failure
 * exits with 32, as util-linux's umount. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mount.h>

#include "tools.h"

int umount_main(int argc, char **argv)
{
	int flags = 0, status = 0, i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "-l"))
			flags |= MNT_DETACH;
		else
			return warnx("invalid option -- '%s'", argv[i] + 1), 1;
	}
	if (i == argc)
		return warnx("usage: umount [-l] DIR..."), 1;
	for (; i < argc; i++) {
		if (umount2(argv[i], flags) < 0) {
			warn_errno("%s", argv[i]);
			status = 32;
		}
	}
	return status;
}
