/* userland/src/tools/grep.c: grep [-ivncqlhHEFsw] [-e PATTERN] PATTERN [FILE...], with POSIX
 * basic (default) or extended (-E) regular expressions through regcomp(3), or fixed strings
 * (-F). Exit status: 0 a line was selected, 1 none, 2 an error (as GNU grep). */
#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools.h"

static int opt_i, opt_v, opt_n, opt_c, opt_q, opt_l, opt_H = -1, opt_E, opt_F, opt_s, opt_w;
static regex_t re;
static const char *pattern;

static int matches(const char *line)
{
	if (opt_F) {
		const char *p = opt_i ? strcasestr(line, pattern) : strstr(line, pattern);
		if (!opt_w || !p)
			return p != NULL;
	}
	if (!opt_w)
		return regexec(&re, line, 0, NULL, 0) == 0;
	/* -w: some match must be delimited by non-word characters. */
	regmatch_t m;
	for (const char *s = line; regexec(&re, s, 1, &m, s == line ? 0 : REG_NOTBOL) == 0;) {
		const char *b = s + m.rm_so, *e = s + m.rm_eo;
		int wb = b == line || !(isalnum((unsigned char)b[-1]) || b[-1] == '_');
		int we = !*e || !(isalnum((unsigned char)*e) || *e == '_');
		if (wb && we && e > b)
			return 1;
		s = e > b ? b + 1 : e + 1;
		if (s > line + strlen(line))
			break;
	}
	return 0;
}

/* grep_fd: returns the number of selected lines. */
static long grep_fd(FILE *f, const char *name)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long count = 0, lineno = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (matches(line) == opt_v)
			continue;
		count++;
		if (opt_q)
			break;
		if (opt_l) {
			printf("%s\n", name);
			break;
		}
		if (opt_c)
			continue;
		if (opt_H)
			printf("%s:", name);
		if (opt_n)
			printf("%ld:", lineno);
		printf("%s\n", line);
	}
	free(line);
	if (opt_c)
		opt_H ? printf("%s:%ld\n", name, count) : printf("%ld\n", count);
	return count;
}

static int parse_opts(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--"))
			return i + 1;
		for (const char *c = argv[i] + 1; *c; c++) {
			switch (*c) {
			case 'i': opt_i = 1; break;
			case 'v': opt_v = 1; break;
			case 'n': opt_n = 1; break;
			case 'c': opt_c = 1; break;
			case 'q': opt_q = 1; break;
			case 'l': opt_l = 1; break;
			case 'h': opt_H = 0; break;
			case 'H': opt_H = 1; break;
			case 'E': opt_E = 1; break;
			case 'F': opt_F = 1; break;
			case 's': opt_s = 1; break;
			case 'w': opt_w = 1; break;
			case 'e':
				if (c[1]) pattern = c + 1;
				else if (i + 1 < argc) pattern = argv[++i];
				goto next;
			default:
				warnx("invalid option -- '%c'", *c);
				fprintf(stderr, "Usage: grep [-ivncqlhHEFsw] PATTERN [FILE]...\n");
				exit(2);
			}
		}
next:;
	}
	return i;
}

int grep_main(int argc, char **argv)
{
	int i = parse_opts(argc, argv), status = 1, err = 0;
	if (!pattern) {
		if (i >= argc) {
			fprintf(stderr, "Usage: grep [-ivncqlhHEFsw] PATTERN [FILE]...\n");
			return 2;
		}
		pattern = argv[i++];
	}
	if (!opt_F || opt_w) {
		int rc = regcomp(&re, pattern, (opt_E ? REG_EXTENDED : 0) | (opt_i ? REG_ICASE : 0) |
						       REG_NOSUB * 0);
		if (rc) {
			char msg[256];
			regerror(rc, &re, msg, sizeof(msg));
			warnx("%s", msg);
			return 2;
		}
	}
	int nfiles = argc - i;
	if (opt_H < 0)
		opt_H = nfiles > 1;
	if (nfiles == 0) {
		status = grep_fd(stdin, "(standard input)") ? 0 : 1;
	}
	for (; i < argc; i++) {
		FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;
		if (!f) {
			if (!opt_s)
				warn_errno("%s", argv[i]);
			err = 1;
			continue;
		}
		if (grep_fd(f, f == stdin ? "(standard input)" : argv[i]))
			status = 0;
		if (f != stdin)
			fclose(f);
		if (opt_q && status == 0)
			break;
	}
	fflush(stdout);
	return err && !(opt_q && status == 0) ? 2 : status;
}
