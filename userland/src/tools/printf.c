/* userland/src/tools/printf.c: printf FORMAT [ARG...], as coreutils: the format is reused
 * until the arguments run out; %b expands escapes in its argument; numeric arguments may be
 * 'c (the character's code). Bad numbers are reported and count as 0, status 1. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools.h"

static int status;

static long long num_arg(const char *s)
{
	char *end;
	long long v;
	if (s[0] == '\'' || s[0] == '"')
		return (unsigned char)s[1];
	errno = 0;
	v = strtoll(s, &end, 0);
	if (*end || end == s || errno) {
		warnx("'%s': %s", s, errno ? strerror(errno) : "expected a numeric value");
		status = 1;
	}
	return v;
}

static double float_arg(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (*end || end == s) {
		warnx("'%s': expected a numeric value", s);
		status = 1;
	}
	return v;
}

/* escape: prints the escape at f (just past the backslash); returns chars consumed. */
static int escape(const char *f)
{
	static const char from[] = "abfnrtv\\\"'", to[] = "\a\b\f\n\r\t\v\\\"'";
	const char *p = *f ? strchr(from, *f) : NULL;
	if (p) {
		putchar(to[p - from]);
		return 1;
	}
	if (*f >= '0' && *f <= '7') {
		int v = 0, k = 0;
		while (k < 3 && f[k] >= '0' && f[k] <= '7')
			v = v * 8 + (f[k++] - '0');
		putchar(v);
		return k;
	}
	putchar('\\');
	return 0;
}

/* conversion: f points at '%'; prints one conversion; returns chars of format consumed. */
static int conversion(const char *f, char ***args)
{
	char spec[64];
	size_t n = 1;
	const char *arg;
	while (f[n] && strchr("-+ #0", f[n]))
		n++;
	while (f[n] && (isdigit((unsigned char)f[n]) || f[n] == '.' || f[n] == '*'))
		n++;
	char conv = f[n];
	if (!conv || n >= sizeof(spec) - 4 || strchr(f, '*')) {
		/* '*' widths are not supported: print the text as it is. */
		if (conv == 0 || n >= sizeof(spec) - 4) {
			fputs(f, stdout);
			return (int)strlen(f);
		}
	}
	if (conv == '%') {
		putchar('%');
		return (int)n + 1;
	}
	arg = **args ? *(*args)++ : NULL;
	memcpy(spec, f, n);
	spec[n] = 0;
	switch (conv) {
	case 'd': case 'i':
		strcat(spec, "lld");
		printf(spec, arg ? num_arg(arg) : 0LL);
		break;
	case 'u': case 'x': case 'X': case 'o':
		spec[n] = 'l'; spec[n + 1] = 'l'; spec[n + 2] = conv; spec[n + 3] = 0;
		printf(spec, arg ? (unsigned long long)num_arg(arg) : 0ULL);
		break;
	case 'f': case 'e': case 'g': case 'E': case 'G': case 'F': case 'a': case 'A':
		spec[n] = conv; spec[n + 1] = 0;
		printf(spec, arg ? float_arg(arg) : 0.0);
		break;
	case 'c':
		spec[n] = 'c'; spec[n + 1] = 0;
		printf(spec, arg ? arg[0] : 0);
		break;
	case 's':
		spec[n] = 's'; spec[n + 1] = 0;
		printf(spec, arg ? arg : "");
		break;
	case 'b':
		if (arg && echo_escapes(arg))
			return -1;
		break;
	default:
		warnx("%%%c: invalid conversion specification", conv);
		status = 1;
		return -1;
	}
	return (int)n + 1;
}

int printf_main(int argc, char **argv)
{
	char **args;
	const char *fmt;
	int i = 1;
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc) {
		warnx("missing operand");
		return 1;
	}
	fmt = argv[i];
	args = argv + i + 1;
	do {
		char **before = args;
		for (const char *f = fmt; *f;) {
			if (*f == '\\') {
				f += 1 + escape(f + 1);
			} else if (*f == '%') {
				int k = conversion(f, &args);
				if (k < 0) {
					fflush(stdout);
					return status;
				}
				f += k;
			} else {
				putchar(*f++);
			}
		}
		if (args == before)
			break; /* the format consumes no arguments */
	} while (*args);
	if (fflush(stdout) != 0)
		return 1;
	return status;
}
