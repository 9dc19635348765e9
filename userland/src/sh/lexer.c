/* userland/src/sh/lexer.c: shell source → tokens.
 *
 * Words are returned raw, quotes and expansions included, because what a quote means depends
 * on where the word is used (a here-document delimiter, a case pattern, an argument); expand.c
 * interprets them. The lexer only has to find where a word ends, which means skipping over
 * '...', "...", \x, $(...), $((...)), ${...} and `...` as units.
 *
 * Here-documents: the parser registers each << redirection as it parses it; the lexer reads the
 * pending bodies right after the next newline it consumes, as POSIX specifies.
 *
 * Running out of input inside a construct sets lx->incomplete so the interactive loop can read
 * a continuation line (PS2) and parse the whole text again.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

void lex_init(struct lexer *lx, const char *src, size_t len, struct arena *a)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->len = len;
	lx->arena = a;
}

static int at(struct lexer *lx, size_t i)
{
	return i < lx->len ? (unsigned char)lx->src[i] : -1;
}

static int is_meta(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' ||
	       c == '<' || c == '>' || c == '(' || c == ')' || c == -1;
}

static size_t skip_quoted(struct lexer *lx, size_t i, int depth);

/* skip_single: i is just past a ' ; returns the index just past the closing one. */
static size_t skip_single(struct lexer *lx, size_t i)
{
	while (at(lx, i) != '\'') {
		if (at(lx, i) < 0) {
			lx->incomplete = 1;
			return i;
		}
		i++;
	}
	return i + 1;
}

/* skip_paren: i is just past "$(" or "(" ; skips to just past the matching ')'. */
static size_t skip_paren(struct lexer *lx, size_t i, int depth)
{
	int level = 1;
	while (level > 0) {
		int c = at(lx, i);
		if (c < 0) {
			lx->incomplete = 1;
			return i;
		}
		if (c == '(') {
			level++;
			i++;
		} else if (c == ')') {
			level--;
			i++;
		} else if (c == '#' && (i == 0 || is_meta(at(lx, i - 1)))) {
			while (at(lx, i) >= 0 && at(lx, i) != '\n')
				i++;
		} else {
			i = skip_quoted(lx, i, depth + 1);
		}
	}
	return i;
}

/* skip_brace: i is just past "${" ; skips to just past the matching '}'. */
static size_t skip_brace(struct lexer *lx, size_t i, int depth)
{
	while (at(lx, i) != '}') {
		if (at(lx, i) < 0) {
			lx->incomplete = 1;
			return i;
		}
		i = skip_quoted(lx, i, depth + 1);
	}
	return i + 1;
}

/* skip_double: i is just past a " ; returns the index just past the closing one. */
static size_t skip_double(struct lexer *lx, size_t i, int depth)
{
	for (;;) {
		int c = at(lx, i);
		if (c < 0) {
			lx->incomplete = 1;
			return i;
		}
		if (c == '"')
			return i + 1;
		if (c == '\\') {
			i += at(lx, i + 1) < 0 ? 1 : 2;
		} else if (c == '$' || c == '`') {
			i = skip_quoted(lx, i, depth + 1);
		} else {
			i++;
		}
	}
}

/* skip_quoted: skips one unit starting at i: a quoted string, an expansion, an escaped
 * character, or a single plain character. Returns the index after it. */
static size_t skip_quoted(struct lexer *lx, size_t i, int depth)
{
	int c = at(lx, i);
	if (depth > SH_DEPTH_MAX) {
		lx->error = 1;
		return lx->len;
	}
	if (c == '\'')
		return skip_single(lx, i + 1);
	if (c == '"')
		return skip_double(lx, i + 1, depth);
	if (c == '\\') {
		if (at(lx, i + 1) < 0) {
			lx->incomplete = 1;
			return i + 1;
		}
		return i + 2;
	}
	if (c == '`') {
		i++;
		while (at(lx, i) != '`') {
			if (at(lx, i) < 0) {
				lx->incomplete = 1;
				return i;
			}
			i += at(lx, i) == '\\' ? 2 : 1;
		}
		return i + 1;
	}
	if (c == '$' && at(lx, i + 1) == '(')
		return skip_paren(lx, i + 2, depth);
	if (c == '$' && at(lx, i + 1) == '{')
		return skip_brace(lx, i + 2, depth);
	return i + 1;
}

/* heredoc_delim: the delimiter with quotes removed; sets *quoted if any quoting was present. */
static char *heredoc_delim(struct lexer *lx, const char *w, int *quoted)
{
	struct str b = {0};
	char *out;
	*quoted = 0;
	for (size_t i = 0; w[i]; i++) {
		if (w[i] == '\'' || w[i] == '"') {
			*quoted = 1;
			continue;
		}
		if (w[i] == '\\' && w[i + 1]) {
			*quoted = 1;
			i++;
		}
		str_putc(&b, w[i]);
	}
	out = arena_strndup(lx->arena, b.s ? b.s : "", b.len);
	free(b.s);
	return out;
}

/* read_heredocs: reads the bodies of the pending here-documents from lx->pos on. */
static void read_heredocs(struct lexer *lx)
{
	for (int h = 0; h < lx->nr_heredocs; h++) {
		struct redir *r = lx->heredocs[h];
		struct str body = {0};
		char *delim = heredoc_delim(lx, r->word, &r->quoted);
		size_t dlen = strlen(delim);
		for (;;) {
			size_t s = lx->pos, e = s;
			if (s >= lx->len) {
				lx->incomplete = 1;
				break;
			}
			while (e < lx->len && lx->src[e] != '\n')
				e++;
			lx->pos = e < lx->len ? e + 1 : e;
			if (r->strip_tabs)
				while (s < e && lx->src[s] == '\t')
					s++;
			if (e - s == dlen && memcmp(lx->src + s, delim, dlen) == 0)
				break;
			str_putn(&body, lx->src + s, e - s);
			str_putc(&body, '\n');
		}
		r->body = arena_strndup(lx->arena, body.s ? body.s : "", body.len);
		free(body.s);
	}
	lx->nr_heredocs = 0;
}

struct op {
	const char *text;
	enum tok tok;
};
static const struct op ops[] = {
	{"<<-", T_DLESSDASH}, {"&&", T_AND}, {"||", T_OR}, {";;", T_DSEMI}, {"<<", T_DLESS},
	{">>", T_DGREAT}, {"<&", T_LESSAND}, {">&", T_GREATAND}, {"<>", T_LESSGREAT},
	{">|", T_CLOBBER}, {"&", T_AMP}, {"|", T_PIPE}, {";", T_SEMI}, {"<", T_LESS},
	{">", T_GREAT}, {"(", T_LPAREN}, {")", T_RPAREN},
};

static enum tok lex_raw(struct lexer *lx, char **text)
{
	int c;
	size_t start;
	*text = NULL;
	for (;;) {
		c = at(lx, lx->pos);
		if (c == ' ' || c == '\t') {
			lx->pos++;
		} else if (c == '\\' && at(lx, lx->pos + 1) == '\n') {
			lx->pos += 2;
		} else if (c == '#') {
			while (at(lx, lx->pos) >= 0 && at(lx, lx->pos) != '\n')
				lx->pos++;
		} else {
			break;
		}
	}
	lx->peek_start = lx->pos;
	if (c < 0)
		return T_EOF;
	if (c == '\n') {
		lx->pos++;
		if (lx->nr_heredocs)
			read_heredocs(lx);
		return T_NEWLINE;
	}
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		size_t n = strlen(ops[k].text);
		if (lx->pos + n <= lx->len && memcmp(lx->src + lx->pos, ops[k].text, n) == 0) {
			lx->pos += n;
			return ops[k].tok;
		}
	}
	start = lx->pos;
	while (!is_meta(at(lx, lx->pos))) {
		lx->pos = skip_quoted(lx, lx->pos, 0);
	}
	*text = arena_strndup(lx->arena, lx->src + start, lx->pos - start);
	/* An all-digit word directly followed by < or > is an IO number. */
	c = at(lx, lx->pos);
	if ((c == '<' || c == '>') && lx->pos - start <= 2 &&
	    strspn(*text, "0123456789") == lx->pos - start)
		return T_IONUM;
	return T_WORD;
}

enum tok lex_peek(struct lexer *lx, char **text)
{
	if (!lx->have_peek) {
		lx->peek = lex_raw(lx, &lx->peek_text);
		lx->peek_end = lx->pos;
		lx->have_peek = 1;
	}
	if (text)
		*text = lx->peek_text;
	return lx->peek;
}

enum tok lex_next(struct lexer *lx, char **text)
{
	enum tok t = lex_peek(lx, text);
	lx->have_peek = 0;
	lx->last_start = lx->peek_start;
	lx->last_end = lx->peek_end;
	return t;
}

void lex_skip_blank_lines(struct lexer *lx)
{
	while (lex_peek(lx, NULL) == T_NEWLINE)
		lex_next(lx, NULL);
}

/* lex_skip_unit: the index just past the quoted string or expansion starting at s[i]; used by
 * expand.c to find the end of $(...), ${...} and `...` inside a word. */
size_t lex_skip_unit(const char *s, size_t i)
{
	struct lexer lx;
	lex_init(&lx, s, strlen(s), NULL);
	return skip_quoted(&lx, i, 0);
}
