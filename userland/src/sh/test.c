/* userland/src/sh/test.c: the test and [ builtins (POSIX test, with -a -o ! and parentheses).
 *   expr := and ('-o' and)* ; and := not ('-a' not)* ; not := '!' not | primary
 *   primary := '(' expr ')' | unary-op arg | arg binary-op arg | arg
 * Exit status: 0 true, 1 false, 2 error (as coreutils). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh.h"

struct tst {
	char **v;
	int n, i, err, depth;
};

static const char *binops[] = {"=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge",
			       "-nt", "-ot", "-ef", "<", ">", NULL};

static int is_binop(const char *s)
{
	for (int k = 0; binops[k]; k++)
		if (!strcmp(s, binops[k]))
			return 1;
	return 0;
}

static long num(struct tst *t, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	while (*end == ' ')
		end++;
	if (*end || end == s) {
		sh_error("test: %s: integer expression expected", s);
		t->err = 1;
	}
	return v;
}

static int binary(struct tst *t, const char *a, const char *op, const char *b)
{
	struct stat sa, sb;
	if (!strcmp(op, "=") || !strcmp(op, "=="))
		return !strcmp(a, b);
	if (!strcmp(op, "!="))
		return strcmp(a, b) != 0;
	if (!strcmp(op, "<"))
		return strcmp(a, b) < 0;
	if (!strcmp(op, ">"))
		return strcmp(a, b) > 0;
	if (op[1] == 'n' && op[2] == 't')
		return stat(a, &sa) == 0 && (stat(b, &sb) < 0 || sa.st_mtime > sb.st_mtime);
	if (op[1] == 'o' && op[2] == 't')
		return stat(b, &sb) == 0 && (stat(a, &sa) < 0 || sa.st_mtime < sb.st_mtime);
	if (!strcmp(op, "-ef"))
		return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
		       sa.st_ino == sb.st_ino;
	long x = num(t, a), y = num(t, b);
	if (!strcmp(op, "-eq")) return x == y;
	if (!strcmp(op, "-ne")) return x != y;
	if (!strcmp(op, "-lt")) return x < y;
	if (!strcmp(op, "-le")) return x <= y;
	if (!strcmp(op, "-gt")) return x > y;
	return x >= y;
}

static int unary(char op, const char *a)
{
	struct stat st;
	switch (op) {
	case 'z': return !*a;
	case 'n': return *a != 0;
	case 't': return isatty(atoi(a));
	case 'r': return access(a, R_OK) == 0;
	case 'w': return access(a, W_OK) == 0;
	case 'x': return access(a, X_OK) == 0;
	case 'L': case 'h': return lstat(a, &st) == 0 && S_ISLNK(st.st_mode);
	}
	if (stat(a, &st) < 0)
		return 0;
	switch (op) {
	case 'e': return 1;
	case 'f': return S_ISREG(st.st_mode);
	case 'd': return S_ISDIR(st.st_mode);
	case 'c': return S_ISCHR(st.st_mode);
	case 'b': return S_ISBLK(st.st_mode);
	case 'p': return S_ISFIFO(st.st_mode);
	case 'S': return S_ISSOCK(st.st_mode);
	case 's': return st.st_size > 0;
	case 'u': return (st.st_mode & S_ISUID) != 0;
	case 'g': return (st.st_mode & S_ISGID) != 0;
	case 'k': return (st.st_mode & S_ISVTX) != 0;
	}
	return 0;
}

static int is_unop(const char *s)
{
	return s[0] == '-' && s[1] && !s[2] && strchr("zntrwxLhefdcbpSsugk", s[1]);
}

static int t_or(struct tst *t);

static const char *arg(struct tst *t)
{
	if (t->i >= t->n) {
		sh_error("test: argument expected");
		t->err = 1;
		return "";
	}
	return t->v[t->i++];
}

static int t_primary(struct tst *t)
{
	int left = t->n - t->i;
	const char *a;
	if (left >= 3 && is_binop(t->v[t->i + 1])) {
		const char *x = t->v[t->i], *op = t->v[t->i + 1], *y = t->v[t->i + 2];
		t->i += 3;
		return binary(t, x, op, y);
	}
	a = arg(t);
	if (!strcmp(a, "(") && left >= 2) {
		int v = t_or(t);
		if (strcmp(arg(t), ")")) {
			sh_error("test: ')' expected");
			t->err = 1;
		}
		return v;
	}
	if (is_unop(a) && left >= 2)
		return unary(a[1], arg(t));
	return *a != 0;
}

static int t_not(struct tst *t)
{
	if (++t->depth > SH_DEPTH_MAX) {
		t->err = 1;
		return 0;
	}
	int v;
	if (t->i < t->n && !strcmp(t->v[t->i], "!") && t->n - t->i > 1) {
		t->i++;
		v = !t_not(t);
	} else {
		v = t_primary(t);
	}
	t->depth--;
	return v;
}

static int t_and(struct tst *t)
{
	int v = t_not(t);
	while (t->i < t->n && !strcmp(t->v[t->i], "-a")) {
		t->i++;
		v = t_not(t) && v;
	}
	return v;
}

static int t_or(struct tst *t)
{
	int v = t_and(t);
	while (t->i < t->n && !strcmp(t->v[t->i], "-o")) {
		t->i++;
		v = t_and(t) || v;
	}
	return v;
}

int test_main(int argc, char **argv)
{
	struct tst t = {.v = argv + 1, .n = argc - 1};
	int v;
	if (!strcmp(argv[0], "[")) {
		if (argc < 2 || strcmp(argv[argc - 1], "]")) {
			sh_error("[: missing ']'");
			return 2;
		}
		t.n--;
	}
	if (t.n == 0)
		return 1;
	v = t_or(&t);
	if (!t.err && t.i < t.n) {
		sh_error("test: %s: unexpected operator", t.v[t.i]);
		return 2;
	}
	return t.err ? 2 : !v;
}
