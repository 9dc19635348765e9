/* userland/src/sh/expand.c: word expansion (POSIX 2.6).
 *
 * A word is expanded into a buffer where every character carries a flag saying where it came
 * from, because the later steps depend on it:
 *   Q_LIT    unquoted text of the word itself: pathname expansion applies, splitting does not
 *   Q_QUOTED quoted text or a quoted expansion: neither applies
 *   Q_EXP    the result of an unquoted expansion: both apply
 * Field splitting (on IFS) and pathname expansion (glob(3)) then run over the flagged buffer,
 * and quote removal has already happened because quotes are never copied into it.
 *
 * "$@" is the one expansion that makes several fields inside quotes; it ends the current field
 * between parameters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

enum { Q_LIT = 0, Q_QUOTED = 1, Q_EXP = 2 };
enum mode { M_FIELDS, M_STRING, M_HEREDOC, M_PATTERN };

int expand_error;

struct xbuf {
	struct str s, q;
	int has_field;     /* quotes were seen: an empty result is still one field */
	int no_empty;      /* "$@" with no parameters: an empty result makes no field */
	enum mode mode;
	struct strv *out;  /* fields of M_FIELDS */
	int depth;
};

void strv_push(struct strv *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = realloc(sv->v, sizeof(char *) * (size_t)sv->cap);
		if (!sv->v)
			abort();
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strv_free(struct strv *sv)
{
	for (int i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

static void xput(struct xbuf *x, char c, int flag)
{
	str_putc(&x->s, c);
	str_putc(&x->q, (char)flag);
}

static void xputs(struct xbuf *x, const char *v, int quoted)
{
	for (; *v; v++)
		xput(x, *v, quoted ? Q_QUOTED : Q_EXP);
}

static void finish_fields(struct xbuf *x);

static void expand_into(struct xbuf *x, const char *w, size_t len, int in_dq);

/* command_subst: runs src in a subshell and returns its output without trailing newlines. */
static char *command_subst(const char *src, size_t n)
{
	int fds[2], status;
	pid_t pid;
	struct str out = {0};
	char buf[4096], *code = strndup(src, n);
	ssize_t r;
	fflush(NULL);
	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		sh_error("cannot fork: %s", strerror(errno));
		free(code);
		return strdup("");
	}
	if (pid == 0) {
		close(fds[0]);
		if (fds[1] != 1) {
			dup2(fds[1], 1);
			close(fds[1]);
		}
		sh.is_subshell = 1;
		sh.jobctl = 0;
		sh.interactive = 0;
		exec_string(code, "sh");
		sh_exit(sh.last_status);
	}
	close(fds[1]);
	while ((r = read(fds[0], buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		str_putn(&out, buf, (size_t)r);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sh.subst_status = status_to_exit(status);
	sh.had_subst = 1;
	free(code);
	while (out.len && out.s[out.len - 1] == '\n')
		out.len--;
	str_putc(&out, 0);
	return out.s;
}

static char *special_param(char c, char *tmp)
{
	switch (c) {
	case '?': sprintf(tmp, "%d", sh.last_status); return tmp;
	case '$': sprintf(tmp, "%d", (int)sh.top_pid); return tmp;
	case '#': sprintf(tmp, "%d", sh.argc); return tmp;
	case '!':
		if (!sh.last_bg_pid)
			return "";
		sprintf(tmp, "%d", (int)sh.last_bg_pid);
		return tmp;
	case '0': return sh.arg0;
	case '-':
		sprintf(tmp, "%s%s%s%s", sh.opt_e ? "e" : "", sh.opt_x ? "x" : "",
			sh.opt_f ? "f" : "", sh.interactive ? "i" : "");
		return tmp;
	}
	return NULL;
}

/* param_value: the value of a named, positional or special parameter, NULL if unset. */
static const char *param_value(const char *name, char *tmp)
{
	if (name[0] && !name[1] && strchr("?$#!0-", name[0]))
		return special_param(name[0], tmp);
	if (name[0] >= '1' && name[0] <= '9') {
		int k = atoi(name);
		return k <= sh.argc ? sh.argv[k - 1] : NULL;
	}
	if (name[0] == '*' || name[0] == '@') {
		struct str b = {0};
		const char *ifs = var_get("IFS");
		char sep = ifs ? ifs[0] : ' ';
		for (int i = 0; i < sh.argc; i++) {
			if (i && sep)
				str_putc(&b, sep);
			str_puts(&b, sh.argv[i]);
		}
		str_putc(&b, 0);
		snprintf(tmp, 4096, "%s", b.s);
		free(b.s);
		return tmp;
	}
	return var_get(name);
}

/* trim: ${v#p} ${v##p} ${v%p} ${v%%p}; returns a malloc'd result. */
static char *trim(const char *v, const char *pat, int suffix, int longest)
{
	size_t n = strlen(v);
	char *c = strdup(v);
	for (size_t k = 0; k <= n; k++) {
		size_t len = longest ? n - k : k;
		if (!suffix) {
			char save = c[len];
			c[len] = 0;
			int m = fnmatch(pat, c, 0) == 0;
			c[len] = save;
			if (m) {
				memmove(c, c + len, n - len + 1);
				return c;
			}
		} else if (fnmatch(pat, v + (n - len), 0) == 0) {
			c[n - len] = 0;
			return c;
		}
	}
	return c;
}

static void quoted_at(struct xbuf *x);

static void brace_op(struct xbuf *x, const char *name, const char *val, const char *op,
		     const char *arg, size_t arglen, int in_dq)
{
	int colon = op[0] == ':';
	char o = colon ? op[1] : op[0];
	int set = val && (!colon || val[0]);
	char *w;
	if (o == '-' || o == '=') {
		if (set) {
			xputs(x, val, in_dq);
			return;
		}
		if (o == '=') {
			w = strndup(arg, arglen);
			char *v = expand_string(w);
			var_set(name, v, 0);
			xputs(x, v, in_dq);
			free(v);
			free(w);
			return;
		}
		expand_into(x, arg, arglen, in_dq);
	} else if (o == '+') {
		if (set)
			expand_into(x, arg, arglen, in_dq);
	} else if (o == '?') {
		if (set) {
			xputs(x, val, in_dq);
			return;
		}
		w = strndup(arg, arglen);
		char *msg = expand_string(w);
		sh_error("%s: %s", name, msg[0] ? msg : "parameter not set");
		free(msg);
		free(w);
		expand_error = 1;
	} else if (o == '#' || o == '%') {
		int longest = op[1] == o;
		w = strndup(arg + longest, arglen - (size_t)longest);
		char *pat = expand_pattern(w), *r = trim(val ? val : "", pat, o == '%', longest);
		xputs(x, r, in_dq);
		free(r);
		free(pat);
		free(w);
	}
}

/* dollar_brace: w[i..end) is "${...}". */
static void dollar_brace(struct xbuf *x, const char *w, size_t i, size_t end, int in_dq)
{
	const char *p = w + i + 2, *e = w + end - 1;
	char name[256], tmp[4096];
	size_t n = 0;
	int length = 0;
	const char *val;
	if (*p == '#' && p + 1 < e) {
		length = 1;
		p++;
	}
	if (p < e && strchr("?$#!@*-0123456789", *p)) {
		name[n++] = *p++;
		while (isdigit_c(name[0]) && p < e && isdigit_c(*p) && n < sizeof(name) - 1)
			name[n++] = *p++;
	} else {
		while (p < e && (isalnum_c(*p) || *p == '_') && n < sizeof(name) - 1)
			name[n++] = *p++;
	}
	name[n] = 0;
	if (!n) {
		sh_error("${%.*s}: bad substitution", (int)(e - (w + i + 2)), w + i + 2);
		expand_error = 1;
		return;
	}
	val = param_value(name, tmp);
	if (!val && sh.opt_u && !(p < e && strchr("-=?+", p[p[0] == ':'])) && !length) {
		sh_error("%s: parameter not set", name);
		expand_error = 1;
		return;
	}
	if (length) {
		sprintf(tmp, "%zu", val ? strlen(val) : 0);
		xputs(x, tmp, in_dq);
		return;
	}
	if (p == e) {
		if (name[0] == '@' && in_dq && x->mode == M_FIELDS) {
			quoted_at(x);
			return;
		}
		if (val)
			xputs(x, val, in_dq);
		return;
	}
	char op[3] = {p[0], 0, 0};
	if ((p[0] == ':' && p + 1 < e) || ((p[0] == '#' || p[0] == '%') && p[1] == p[0]))
		op[1] = p[1];
	brace_op(x, name, val, op, p + (op[1] && op[0] == ':' ? 2 : 1),
		 (size_t)(e - p) - (op[1] && op[0] == ':' ? 2 : 1), in_dq);
}

/* quoted_at: "$@" — one field per positional parameter. */
static void quoted_at(struct xbuf *x)
{
	if (sh.argc == 0) {
		x->no_empty = 1;
		return;
	}
	for (int i = 0; i < sh.argc; i++) {
		if (i)
			finish_fields(x);
		x->has_field = 1;
		xputs(x, sh.argv[i], 1);
	}
}

/* expand_dollar: w[i] == '$'; expands what follows and returns the index after it. */
static size_t expand_dollar(struct xbuf *x, const char *w, size_t i, int in_dq)
{
	char c = w[i + 1], tmp[4096];
	size_t end;
	if (c == '(' && w[i + 2] == '(') {
		end = lex_skip_unit(w, i);
		char *inner = strndup(w + i + 3, end - i - 5 > end ? 0 : end - i - 5);
		char *e = expand_string(inner);
		long v = 0;
		if (arith_eval(e, &v) < 0)
			expand_error = 1;
		sprintf(tmp, "%ld", v);
		xputs(x, tmp, in_dq);
		free(e);
		free(inner);
		return end;
	}
	if (c == '(') {
		end = lex_skip_unit(w, i);
		char *out = command_subst(w + i + 2, end - i - 3);
		xputs(x, out, in_dq);
		free(out);
		return end;
	}
	if (c == '{') {
		end = lex_skip_unit(w, i);
		dollar_brace(x, w, i, end, in_dq);
		return end;
	}
	if (c == '@' && in_dq && x->mode == M_FIELDS) {
		quoted_at(x);
		return i + 2;
	}
	if (c && strchr("?$#!@*-0123456789", c)) {
		char name[2] = {c, 0};
		const char *v = param_value(name, tmp);
		if (c == '@' || (c == '*' && !in_dq)) {
			/* Unquoted $@ and $*: each parameter is subject to splitting anyway. */
			for (int k = 0; k < sh.argc; k++) {
				if (k)
					xput(x, ' ', in_dq ? Q_QUOTED : Q_EXP);
				xputs(x, sh.argv[k], in_dq);
			}
			return i + 2;
		}
		if (v)
			xputs(x, v, in_dq);
		return i + 2;
	}
	if (isalpha_c(c) || c == '_') {
		char name[256];
		size_t n = 0;
		end = i + 1;
		while ((isalnum_c(w[end]) || w[end] == '_') && n < sizeof(name) - 1)
			name[n++] = w[end++];
		name[n] = 0;
		const char *v = var_get(name);
		if (!v && sh.opt_u) {
			sh_error("%s: parameter not set", name);
			expand_error = 1;
		}
		if (v)
			xputs(x, v, in_dq);
		return end;
	}
	xput(x, '$', in_dq ? Q_QUOTED : Q_LIT);
	return i + 1;
}

/* backquote: `...` with \` \\ \$ unescaped, then run like $(...). */
static size_t backquote(struct xbuf *x, const char *w, size_t i, int in_dq)
{
	size_t end = lex_skip_unit(w, i);
	struct str src = {0};
	for (size_t k = i + 1; k + 1 < end; k++) {
		if (w[k] == '\\' && strchr("`\\$", w[k + 1]))
			k++;
		str_putc(&src, w[k]);
	}
	str_putc(&src, 0);
	char *out = command_subst(src.s, strlen(src.s));
	xputs(x, out, in_dq);
	free(out);
	free(src.s);
	return end;
}

static size_t single_quote(struct xbuf *x, const char *w, size_t i, size_t len)
{
	x->has_field = 1;
	for (i++; i < len && w[i] != '\''; i++)
		xput(x, w[i], Q_QUOTED);
	return i + 1;
}

static void expand_into(struct xbuf *x, const char *w, size_t len, int in_dq)
{
	int heredoc = x->mode == M_HEREDOC;
	if (++x->depth > SH_DEPTH_MAX) {
		sh_error("expansion nested too deeply");
		expand_error = 1;
		x->depth--;
		return;
	}
	for (size_t i = 0; i < len && !expand_error;) {
		char c = w[i];
		if (c == '\'' && !in_dq && !heredoc) {
			i = single_quote(x, w, i, len);
		} else if (c == '"' && !heredoc) {
			in_dq = !in_dq;
			x->has_field = 1;
			i++;
		} else if (c == '\\' && i + 1 < len) {
			char n = w[i + 1];
			if (n == '\n') {
				i += 2;
			} else if ((in_dq || heredoc) && !strchr(heredoc ? "$`\\" : "$`\"\\", n)) {
				xput(x, '\\', Q_QUOTED);
				i++;
			} else {
				xput(x, n, Q_QUOTED);
				i += 2;
			}
		} else if (c == '$') {
			i = expand_dollar(x, w, i, in_dq || heredoc);
		} else if (c == '`') {
			i = backquote(x, w, i, in_dq || heredoc);
		} else if (c == '~' && i == 0 && !in_dq && !heredoc && (w[1] == 0 || w[1] == '/')) {
			const char *home = var_get("HOME");
			xputs(x, home ? home : "~", 1);
			i++;
		} else {
			xput(x, c, in_dq || heredoc ? Q_QUOTED : Q_LIT);
			i++;
		}
	}
	x->depth--;
}

static int has_glob(const char *s, const char *q, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (q[i] != Q_QUOTED && (s[i] == '*' || s[i] == '?' || s[i] == '['))
			return 1;
	return 0;
}

/* emit: one field s[0..n) with flags q; pathname expansion if it has unquoted glob chars. */
static void emit(struct xbuf *x, const char *s, const char *q, size_t n)
{
	if (!sh.opt_f && has_glob(s, q, n)) {
		struct str pat = {0};
		glob_t g;
		for (size_t i = 0; i < n; i++) {
			if (q[i] == Q_QUOTED && strchr("*?[\\", s[i]))
				str_putc(&pat, '\\');
			str_putc(&pat, s[i]);
		}
		str_putc(&pat, 0);
		if (glob(pat.s, 0, NULL, &g) == 0) {
			for (size_t k = 0; k < g.gl_pathc; k++)
				strv_push(x->out, strdup(g.gl_pathv[k]));
			globfree(&g);
			free(pat.s);
			return;
		}
		free(pat.s);
	}
	strv_push(x->out, strndup(s, n));
}

/* finish_fields: splits the buffer on unquoted-expansion IFS characters into x->out. */
static void finish_fields(struct xbuf *x)
{
	const char *ifs = var_get("IFS");
	size_t start = 0, n = x->s.len;
	const char *s = x->s.s, *q = x->q.s;
	int any = 0;
	if (!ifs)
		ifs = " \t\n";
	for (size_t i = 0; i <= n; i++) {
		int sep = i == n || (q[i] == Q_EXP && s[i] && strchr(ifs, s[i]));
		if (!sep)
			continue;
		if (i > start) {
			emit(x, s + start, q + start, i - start);
			any = 1;
		}
		start = i + 1;
	}
	if (!any && x->has_field && !x->no_empty)
		strv_push(x->out, strdup(""));
	x->s.len = x->q.len = 0;
	x->has_field = 0;
	x->no_empty = 0;
}

int expand_fields(const char *word, struct strv *out)
{
	struct xbuf x = {.mode = M_FIELDS, .out = out};
	str_putc(&x.s, 0);
	str_putc(&x.q, 0);
	x.s.len = x.q.len = 0;
	expand_into(&x, word, strlen(word), 0);
	finish_fields(&x);
	free(x.s.s);
	free(x.q.s);
	return expand_error ? -1 : 0;
}

static char *expand_mode(const char *word, enum mode m)
{
	struct xbuf x = {.mode = m};
	expand_into(&x, word, strlen(word), 0);
	if (m == M_PATTERN) {
		struct str p = {0};
		for (size_t i = 0; i < x.s.len; i++) {
			if (x.q.s[i] == Q_QUOTED && strchr("*?[\\", x.s.s[i]))
				str_putc(&p, '\\');
			str_putc(&p, x.s.s[i]);
		}
		str_putc(&p, 0);
		free(x.s.s);
		free(x.q.s);
		return p.s;
	}
	str_putc(&x.s, 0);
	free(x.q.s);
	return x.s.s;
}

char *expand_string(const char *word)
{
	return expand_mode(word, M_STRING);
}

char *expand_heredoc(const char *body)
{
	return expand_mode(body, M_HEREDOC);
}

char *expand_pattern(const char *word)
{
	return expand_mode(word, M_PATTERN);
}
