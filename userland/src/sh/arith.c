/* userland/src/sh/arith.c: $((...)) arithmetic, signed 64-bit like dash and bash.
 *
 * Precedence climbing over the C operators POSIX requires: ?: || && | ^ & == != < <= > >=
 * << >> + - * / % and unary + - ! ~, parentheses, decimal/octal/hex constants, variables
 * (unset or empty = 0) and the assignments = += -= *= /= %=. The input has already been through
 * parameter expansion, so $x has become its value; bare names are read here.
 * Division by zero is an error, as in every shell.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct ar {
	const char *p;
	int err;
	int depth;
	int skip; /* evaluating the dead side of && || ?: : no assignments, no errors */
};

static long ar_expr(struct ar *a);

static void ws(struct ar *a)
{
	while (*a->p == ' ' || *a->p == '\t' || *a->p == '\n')
		a->p++;
}

static int eat(struct ar *a, const char *op)
{
	size_t n = strlen(op);
	ws(a);
	if (strncmp(a->p, op, n) != 0)
		return 0;
	/* Do not take "<" out of "<<" or "<=", nor "&" out of "&&", nor "=" out of "==". */
	if (n == 1 && strchr("<>&|=!", op[0]) && (a->p[1] == op[0] || a->p[1] == '='))
		return 0;
	a->p += n;
	return 1;
}

static void fail(struct ar *a, const char *what)
{
	if (!a->err && !a->skip)
		sh_error("arithmetic syntax error: %s", what);
	a->err = 1;
}

static long var_num(const char *name)
{
	const char *v = var_get(name);
	if (!v || !*v)
		return 0;
	return strtol(v, NULL, 0);
}

static long ar_primary(struct ar *a)
{
	ws(a);
	if (++a->depth > SH_DEPTH_MAX) {
		fail(a, "nested too deeply");
		return 0;
	}
	long v = 0;
	if (eat(a, "(")) {
		v = ar_expr(a);
		if (!eat(a, ")"))
			fail(a, "missing ')'");
	} else if (eat(a, "-")) {
		v = -ar_primary(a);
	} else if (eat(a, "+")) {
		v = ar_primary(a);
	} else if (eat(a, "!")) {
		v = !ar_primary(a);
	} else if (eat(a, "~")) {
		v = ~ar_primary(a);
	} else if (isdigit_c(*a->p)) {
		char *end;
		v = strtol(a->p, &end, 0);
		a->p = end;
	} else if (isalpha_c(*a->p) || *a->p == '_') {
		char name[256];
		size_t n = 0;
		while ((isalnum_c(*a->p) || *a->p == '_') && n < sizeof(name) - 1)
			name[n++] = *a->p++;
		name[n] = 0;
		ws(a);
		static const char *ops[] = {"+=", "-=", "*=", "/=", "%=", "="};
		for (int k = 0; k < 6; k++) {
			if (strncmp(a->p, ops[k], strlen(ops[k])) == 0 && !(k == 5 && a->p[1] == '=')) {
				a->p += strlen(ops[k]);
				long r = ar_expr(a), cur = var_num(name);
				if ((k == 3 || k == 4) && r == 0) {
					fail(a, "division by zero");
					r = 1;
				}
				v = k == 0 ? cur + r : k == 1 ? cur - r : k == 2 ? cur * r :
				    k == 3 ? cur / r : k == 4 ? cur % r : r;
				if (!a->skip) {
					char buf[32];
					snprintf(buf, sizeof(buf), "%ld", v);
					var_set(name, buf, 0);
				}
				a->depth--;
				return v;
			}
		}
		v = var_num(name);
	} else {
		fail(a, *a->p ? a->p : "missing operand");
	}
	a->depth--;
	return v;
}

/* Binary operators by level, loosest first; level 0 is ||. */
static const char *levels[][5] = {
	{"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<=", ">=", "<", ">"},
	{"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
};
#define NR_LEVELS 10

static long apply(struct ar *a, const char *op, long l, long r)
{
	if ((op[0] == '/' || op[0] == '%') && r == 0) {
		if (!a->skip)
			fail(a, "division by zero");
		return 0;
	}
	switch (op[0]) {
	case '|': return op[1] ? (l || r) : (l | r);
	case '&': return op[1] ? (l && r) : (l & r);
	case '^': return l ^ r;
	case '=': return l == r;
	case '!': return l != r;
	case '<': return op[1] == '=' ? l <= r : op[1] == '<' ? l << (r & 63) : l < r;
	case '>': return op[1] == '=' ? l >= r : op[1] == '>' ? l >> (r & 63) : l > r;
	case '+': return (long)((unsigned long)l + (unsigned long)r);
	case '-': return (long)((unsigned long)l - (unsigned long)r);
	case '*': return (long)((unsigned long)l * (unsigned long)r);
	case '/': return (l == -__LONG_MAX__ - 1 && r == -1) ? l : l / r;
	case '%': return (r == -1) ? 0 : l % r;
	}
	return 0;
}

static long ar_binary(struct ar *a, int level)
{
	if (level == NR_LEVELS)
		return ar_primary(a);
	long l = ar_binary(a, level + 1);
	for (;;) {
		const char *op = NULL;
		for (int k = 0; k < 5 && levels[level][k]; k++)
			if (eat(a, levels[level][k])) {
				op = levels[level][k];
				break;
			}
		if (!op)
			return l;
		int short_circuit = (level == 0 && l) || (level == 1 && !l);
		a->skip += short_circuit;
		long r = ar_binary(a, level + 1);
		a->skip -= short_circuit;
		l = short_circuit ? (level == 0) : apply(a, op, l, r);
	}
}

static long ar_expr(struct ar *a)
{
	long c = ar_binary(a, 0);
	if (eat(a, "?")) {
		a->skip += !c;
		long t = ar_expr(a);
		a->skip -= !c;
		if (!eat(a, ":"))
			fail(a, "missing ':'");
		a->skip += !!c;
		long f = ar_expr(a);
		a->skip -= !!c;
		return c ? t : f;
	}
	return c;
}

int arith_eval(const char *expr, long *result)
{
	struct ar a = {.p = expr};
	*result = 0;
	ws(&a);
	if (!*a.p)
		return 0;
	*result = ar_expr(&a);
	ws(&a);
	if (*a.p && !a.err)
		fail(&a, a.p);
	return a.err ? -1 : 0;
}
