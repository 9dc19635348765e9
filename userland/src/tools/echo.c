/* userland/src/tools/echo.c: echo [-neE] [string...], as coreutils (escapes only with -e). */
#include <stdio.h>
#include <string.h>

#include "tools.h"

int echo_main(int argc, char **argv)
{
	int nl = 1, esc = 0, i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *f = argv[i] + 1;
		if (strspn(f, "neE") != strlen(f))
			break;
		for (; *f; f++) {
			if (*f == 'n')
				nl = 0;
			else
				esc = *f == 'e';
		}
	}
	for (; i < argc; i++) {
		if (esc ? echo_escapes(argv[i]) : (fputs(argv[i], stdout), 0))
			return fflush(stdout) ? 1 : 0;
		if (i + 1 < argc)
			putchar(' ');
	}
	if (nl)
		putchar('\n');
	if (fflush(stdout) != 0) {
		warn_errno("write error");
		return 1;
	}
	return 0;
}
