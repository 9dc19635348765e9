/* userland/src/tools/uname.c: uname [-asnrvmo], fields in coreutils' order; -a omits the
 * unknown processor and hardware platform, as coreutils does on Linux. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "tools.h"

int uname_main(int argc, char **argv)
{
	struct utsname u;
	int want = 0; /* bits: s n r v m o */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || !a[1]) {
			warnx("extra operand '%s'", a);
			return 1;
		}
		for (a++; *a; a++) {
			const char *p = strchr("snrvmo", *a);
			if (*a == 'a')
				want = 0x3f;
			else if (p)
				want |= 1 << (p - "snrvmo");
			else if (*a == 'p' || *a == 'i')
				continue;
			else {
				warnx("invalid option -- '%c'", *a);
				return 1;
			}
		}
	}
	if (!want)
		want = 1;
	if (uname(&u) < 0) {
		warn_errno("cannot get system name");
		return 1;
	}
	const char *f[] = {u.sysname, u.nodename, u.release, u.version, u.machine, "GNU/Linux"};
	int first = 1;
	for (int k = 0; k < 6; k++) {
		if (!(want & (1 << k)))
			continue;
		printf("%s%s", first ? "" : " ", f[k]);
		first = 0;
	}
	putchar('\n');
	return fflush(stdout) ? 1 : 0;
}
