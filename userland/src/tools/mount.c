/* userland/src/tools/mount.c: mount [-r] [-t TYPE] [-o OPTIONS] SOURCE DIR ; mount with no
 * arguments lists /proc/mounts. As util-linux, the options that are mount flags (ro, rw,
 * nosuid, nodev, noexec, noatime, nodiratime) become mountflags and the rest is passed to the
 * file system as its data string (`mount -t hostfs none /mnt -o /host/dir`). A failed mount
 * exits with 32, util-linux's "mount failure". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "tools.h"

static const struct {
	const char *name;
	unsigned long set, clear;
} flag_opts[] = {
	{"ro", MS_RDONLY, 0},	      {"rw", 0, MS_RDONLY},	    {"nosuid", MS_NOSUID, 0},
	{"suid", 0, MS_NOSUID},	      {"nodev", MS_NODEV, 0},	    {"dev", 0, MS_NODEV},
	{"noexec", MS_NOEXEC, 0},     {"exec", 0, MS_NOEXEC},	    {"noatime", MS_NOATIME, 0},
	{"nodiratime", MS_NODIRATIME, 0}, {"defaults", 0, 0},
};

/* Split opts into mount flags (*flags) and the data string (what is left, in data). */
static void parse_opts(char *opts, unsigned long *flags, char *data, size_t size)
{
	size_t used = 0;
	for (char *save = NULL, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < sizeof(flag_opts) / sizeof(flag_opts[0]); i++)
			if (!strcmp(o, flag_opts[i].name))
				break;
		if (i < sizeof(flag_opts) / sizeof(flag_opts[0])) {
			*flags = (*flags | flag_opts[i].set) & ~flag_opts[i].clear;
			continue;
		}
		size_t n = strlen(o);
		if (used + n + 2 > size)
			break;
		if (used)
			data[used++] = ',';
		memcpy(data + used, o, n + 1);
		used += n;
	}
}

int mount_main(int argc, char **argv)
{
	const char *type = NULL;
	unsigned long flags = 0;
	static char data[4096];
	const char *args[2];
	int nargs = 0;
	/* Options may come before, between or after SOURCE and DIR, as util-linux takes them. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc)
			type = argv[++i];
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			parse_opts(argv[++i], &flags, data, sizeof(data));
		else if (!strcmp(argv[i], "-r"))
			flags |= MS_RDONLY;
		else if (argv[i][0] == '-' && argv[i][1])
			return warnx("invalid option -- '%s'", argv[i] + 1), 1;
		else if (nargs < 2)
			args[nargs++] = argv[i];
		else
			return warnx("usage: mount [-r] [-t TYPE] [-o OPTIONS] SOURCE DIR"), 1;
	}
	if (nargs == 0 && !type && !flags && !data[0]) {
		int fd = open("/proc/mounts", O_RDONLY);
		if (fd < 0 || copy_fd(fd, 1) < 0)
			return warn_errno("/proc/mounts"), 1;
		return 0;
	}
	if (nargs != 2)
		return warnx("usage: mount [-r] [-t TYPE] [-o OPTIONS] SOURCE DIR"), 1;
	if (mount(args[0], args[1], type, flags, data[0] ? data : NULL) < 0)
		return warn_errno("%s", args[1]), 32;
	return 0;
}
