/* userland/src/sh/parser.c: tokens → parse tree (POSIX shell grammar, recursive descent).
 *
 *   complete_command := list (NEWLINE | EOF)
 *   list      := and_or ((';' | '&' | NEWLINE) and_or)*      (compound bodies span lines)
 *   and_or    := pipeline (('&&' | '||') linebreak pipeline)*
 *   pipeline  := ['!'] command ('|' linebreak command)*
 *   command   := simple | compound redirect* | NAME '(' ')' linebreak compound
 *   compound  := '{' list '}' | '(' list ')' | if | while | until | for | case
 *
 * Reserved words are recognised only where a command may start, as POSIX requires. Depth is
 * bounded by SH_DEPTH_MAX. All nodes come from the lexer's arena.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

static struct node *parse_list(struct parser *p, int one_line);
static struct node *parse_and_or(struct parser *p);

static struct node *new_node(struct parser *p, enum node_kind k)
{
	struct node *n = arena_alloc(p->lx.arena, sizeof(*n));
	n->kind = k;
	return n;
}

static const char *tok_name(enum tok t, const char *text)
{
	static const char *names[] = {
		[T_EOF] = "end of file", [T_NEWLINE] = "newline", [T_SEMI] = ";", [T_DSEMI] = ";;",
		[T_AMP] = "&", [T_AND] = "&&", [T_PIPE] = "|", [T_OR] = "||", [T_LPAREN] = "(",
		[T_RPAREN] = ")", [T_LESS] = "<", [T_GREAT] = ">", [T_DGREAT] = ">>",
		[T_DLESS] = "<<", [T_DLESSDASH] = "<<-", [T_LESSAND] = "<&", [T_GREATAND] = ">&",
		[T_LESSGREAT] = "<>", [T_CLOBBER] = ">|",
	};
	if (t == T_WORD || t == T_IONUM)
		return text;
	return names[t];
}

/* syntax: reports an unexpected token, or marks the input incomplete at end of file. */
static void *syntax(struct parser *p)
{
	char *text;
	enum tok t = lex_peek(&p->lx, &text);
	if (p->lx.error)
		return NULL;
	if (t == T_EOF || p->lx.incomplete) {
		p->lx.incomplete = 1;
		return NULL;
	}
	sh_error("syntax error: unexpected '%s'", tok_name(t, text));
	p->lx.error = 1;
	return NULL;
}

static int failed(struct parser *p)
{
	return p->lx.error || p->lx.incomplete;
}

static int peek_word(struct parser *p, const char *w)
{
	char *text;
	return lex_peek(&p->lx, &text) == T_WORD && strcmp(text, w) == 0;
}

static int expect_word(struct parser *p, const char *w)
{
	if (!peek_word(p, w)) {
		syntax(p);
		return -1;
	}
	lex_next(&p->lx, NULL);
	return 0;
}

static int is_terminator(struct parser *p)
{
	static const char *words[] = {"then", "else", "elif", "fi", "do", "done", "esac", "}"};
	char *text;
	enum tok t = lex_peek(&p->lx, &text);
	if (t == T_EOF || t == T_RPAREN || t == T_DSEMI)
		return 1;
	if (t != T_WORD)
		return 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(text, words[i]) == 0)
			return 1;
	return 0;
}

static void push_word(struct parser *p, char ***v, int *n, char *w)
{
	char **nv = arena_alloc(p->lx.arena, sizeof(char *) * (size_t)(*n + 2));
	if (*n)
		memcpy(nv, *v, sizeof(char *) * (size_t)*n);
	nv[(*n)++] = w;
	nv[*n] = NULL;
	*v = nv;
}

static int parse_redir(struct parser *p, struct redir ***tail)
{
	char *text, *word;
	int fd = -1;
	enum tok t = lex_next(&p->lx, &text);
	struct redir *r = arena_alloc(p->lx.arena, sizeof(*r));
	if (t == T_IONUM) {
		fd = atoi(text);
		t = lex_next(&p->lx, &text);
	}
	switch (t) {
	case T_LESS: r->kind = R_IN; break;
	case T_GREAT: case T_CLOBBER: r->kind = R_OUT; break;
	case T_DGREAT: r->kind = R_APPEND; break;
	case T_LESSAND: r->kind = R_DUPIN; break;
	case T_GREATAND: r->kind = R_DUPOUT; break;
	case T_LESSGREAT: r->kind = R_RDWR; break;
	case T_DLESSDASH: r->strip_tabs = 1; /* fall through */
	case T_DLESS: r->kind = R_HEREDOC; break;
	default: syntax(p); return -1;
	}
	r->fd = fd >= 0 ? fd : (r->kind == R_IN || r->kind == R_DUPIN || r->kind == R_RDWR ||
				 r->kind == R_HEREDOC) ? 0 : 1;
	if (lex_peek(&p->lx, &word) != T_WORD) {
		syntax(p);
		return -1;
	}
	lex_next(&p->lx, NULL);
	r->word = word;
	if (r->kind == R_HEREDOC) {
		if (p->lx.nr_heredocs >= 16) {
			sh_error("too many here-documents");
			p->lx.error = 1;
			return -1;
		}
		p->lx.heredocs[p->lx.nr_heredocs++] = r;
	}
	**tail = r;
	*tail = &r->next;
	return 0;
}

static int is_redir_tok(enum tok t)
{
	return t == T_IONUM || (t >= T_LESS && t <= T_CLOBBER);
}

static int parse_redirs(struct parser *p, struct node *n)
{
	struct redir **tail = &n->redirs;
	while (*tail)
		tail = &(*tail)->next;
	while (is_redir_tok(lex_peek(&p->lx, NULL)))
		if (parse_redir(p, &tail) < 0)
			return -1;
	return 0;
}

static int is_assignment(const char *w)
{
	const char *eq = strchr(w, '=');
	return eq && eq != w && var_is_name(w, (size_t)(eq - w));
}

static struct node *parse_compound(struct parser *p);

/* parse_funcdef: NAME '(' ')' already seen up to NAME; the body is a compound command. */
static struct node *parse_funcdef(struct parser *p, char *name)
{
	struct node *n = new_node(p, N_FUNC), *body;
	size_t start;
	lex_next(&p->lx, NULL); /* ( */
	if (lex_peek(&p->lx, NULL) != T_RPAREN)
		return syntax(p);
	lex_next(&p->lx, NULL);
	lex_skip_blank_lines(&p->lx);
	lex_peek(&p->lx, NULL);
	start = p->lx.peek_start;
	body = parse_compound(p);
	if (!body)
		return failed(p) ? NULL : syntax(p);
	if (parse_redirs(p, body) < 0)
		return NULL;
	n->var = name;
	n->func_body = arena_strndup(p->lx.arena, p->lx.src + start, p->lx.last_end - start);
	return n;
}

static struct node *parse_simple(struct parser *p)
{
	struct node *n = new_node(p, N_CMD);
	struct redir **tail = &n->redirs;
	char *text;
	for (;;) {
		enum tok t = lex_peek(&p->lx, &text);
		if (is_redir_tok(t)) {
			if (parse_redir(p, &tail) < 0)
				return NULL;
		} else if (t == T_WORD) {
			lex_next(&p->lx, NULL);
			if (n->nr_words == 0 && is_assignment(text)) {
				push_word(p, &n->assigns, &n->nr_assigns, text);
			} else if (n->nr_words == 0 && !n->nr_assigns && !n->redirs &&
				   lex_peek(&p->lx, NULL) == T_LPAREN && var_is_name(text, strlen(text))) {
				return parse_funcdef(p, text);
			} else {
				push_word(p, &n->words, &n->nr_words, text);
			}
		} else {
			break;
		}
	}
	if (!n->nr_words && !n->nr_assigns && !n->redirs)
		return syntax(p);
	return n;
}

static struct node *parse_if(struct parser *p)
{
	struct node *n = new_node(p, N_IF);
	lex_next(&p->lx, NULL); /* if or elif */
	if (!(n->a = parse_list(p, 0)) || expect_word(p, "then") < 0)
		return failed(p) ? NULL : syntax(p);
	if (!(n->b = parse_list(p, 0)))
		return failed(p) ? NULL : syntax(p);
	if (peek_word(p, "elif")) {
		n->c = parse_if(p);
		return n->c ? n : NULL; /* the nested if consumed the fi */
	}
	if (peek_word(p, "else")) {
		lex_next(&p->lx, NULL);
		if (!(n->c = parse_list(p, 0)))
			return failed(p) ? NULL : syntax(p);
	}
	if (expect_word(p, "fi") < 0)
		return NULL;
	return n;
}

static struct node *parse_do_body(struct parser *p, struct node *n)
{
	lex_skip_blank_lines(&p->lx);
	if (expect_word(p, "do") < 0)
		return NULL;
	if (!(n->b = parse_list(p, 0)))
		return failed(p) ? NULL : syntax(p);
	if (expect_word(p, "done") < 0)
		return NULL;
	return n;
}

static struct node *parse_while(struct parser *p, enum node_kind k)
{
	struct node *n = new_node(p, k);
	lex_next(&p->lx, NULL);
	if (!(n->a = parse_list(p, 0)))
		return failed(p) ? NULL : syntax(p);
	return parse_do_body(p, n);
}

static struct node *parse_for(struct parser *p)
{
	struct node *n = new_node(p, N_FOR);
	char *text;
	lex_next(&p->lx, NULL);
	if (lex_next(&p->lx, &n->var) != T_WORD || !var_is_name(n->var, strlen(n->var)))
		return syntax(p);
	lex_skip_blank_lines(&p->lx);
	if (peek_word(p, "in")) {
		int nr = 0;
		lex_next(&p->lx, NULL);
		n->words = arena_alloc(p->lx.arena, sizeof(char *));
		while (lex_peek(&p->lx, &text) == T_WORD) {
			lex_next(&p->lx, NULL);
			push_word(p, &n->words, &nr, text);
		}
		n->nr_words = nr;
		if (lex_peek(&p->lx, NULL) != T_SEMI && lex_peek(&p->lx, NULL) != T_NEWLINE)
			return syntax(p);
		lex_next(&p->lx, NULL);
	} else if (lex_peek(&p->lx, NULL) == T_SEMI) {
		lex_next(&p->lx, NULL);
	}
	return parse_do_body(p, n);
}

static struct case_item *parse_case_item(struct parser *p)
{
	struct case_item *it = arena_alloc(p->lx.arena, sizeof(*it));
	char *text;
	if (lex_peek(&p->lx, NULL) == T_LPAREN)
		lex_next(&p->lx, NULL);
	for (;;) {
		if (lex_next(&p->lx, &text) != T_WORD)
			return syntax(p);
		push_word(p, &it->pats, &it->nr_pats, text);
		if (lex_peek(&p->lx, NULL) != T_PIPE)
			break;
		lex_next(&p->lx, NULL);
	}
	if (lex_next(&p->lx, NULL) != T_RPAREN)
		return syntax(p);
	lex_skip_blank_lines(&p->lx);
	if (!peek_word(p, "esac") && lex_peek(&p->lx, NULL) != T_DSEMI) {
		if (!(it->body = parse_list(p, 0)))
			return failed(p) ? NULL : syntax(p);
	}
	if (lex_peek(&p->lx, NULL) == T_DSEMI)
		lex_next(&p->lx, NULL);
	else if (!peek_word(p, "esac"))
		return syntax(p);
	lex_skip_blank_lines(&p->lx);
	return it;
}

static struct node *parse_case(struct parser *p)
{
	struct node *n = new_node(p, N_CASE);
	struct case_item **tail = &n->items;
	lex_next(&p->lx, NULL);
	if (lex_next(&p->lx, &n->var) != T_WORD)
		return syntax(p);
	lex_skip_blank_lines(&p->lx);
	if (expect_word(p, "in") < 0)
		return NULL;
	lex_skip_blank_lines(&p->lx);
	while (!peek_word(p, "esac")) {
		struct case_item *it = parse_case_item(p);
		if (!it)
			return NULL;
		*tail = it;
		tail = &it->next;
	}
	lex_next(&p->lx, NULL);
	return n;
}

static struct node *parse_group(struct parser *p, enum node_kind k)
{
	struct node *n = new_node(p, k);
	lex_next(&p->lx, NULL);
	if (!(n->a = parse_list(p, 0)))
		return failed(p) ? NULL : syntax(p);
	if (k == N_GROUP)
		return expect_word(p, "}") < 0 ? NULL : n;
	if (lex_peek(&p->lx, NULL) != T_RPAREN)
		return syntax(p);
	lex_next(&p->lx, NULL);
	return n;
}

static struct node *parse_compound(struct parser *p)
{
	char *text;
	enum tok t = lex_peek(&p->lx, &text);
	if (t == T_LPAREN)
		return parse_group(p, N_SUBSHELL);
	if (t != T_WORD)
		return NULL;
	if (strcmp(text, "{") == 0)
		return parse_group(p, N_GROUP);
	if (strcmp(text, "if") == 0)
		return parse_if(p);
	if (strcmp(text, "while") == 0)
		return parse_while(p, N_WHILE);
	if (strcmp(text, "until") == 0)
		return parse_while(p, N_UNTIL);
	if (strcmp(text, "for") == 0)
		return parse_for(p);
	if (strcmp(text, "case") == 0)
		return parse_case(p);
	return NULL;
}

static struct node *parse_cmd(struct parser *p)
{
	struct node *n;
	if (++p->depth > SH_DEPTH_MAX) {
		sh_error("syntax error: nesting too deep");
		p->lx.error = 1;
		return NULL;
	}
	n = parse_compound(p);
	if (n) {
		if (parse_redirs(p, n) < 0)
			n = NULL;
	} else if (!failed(p)) {
		n = is_terminator(p) ? syntax(p) : parse_simple(p);
	}
	p->depth--;
	return n;
}

static struct node *parse_pipeline(struct parser *p)
{
	struct node *n = new_node(p, N_PIPE), *c;
	int bang = 0;
	while (peek_word(p, "!")) {
		lex_next(&p->lx, NULL);
		bang = !bang;
	}
	for (;;) {
		if (!(c = parse_cmd(p)))
			return NULL;
		push_word(p, (char ***)&n->cmds, &n->nr_cmds, (char *)c);
		if (lex_peek(&p->lx, NULL) != T_PIPE)
			break;
		lex_next(&p->lx, NULL);
		lex_skip_blank_lines(&p->lx);
	}
	if (n->nr_cmds == 1)
		n = n->cmds[0];
	if (bang) {
		struct node *b = new_node(p, N_NOT);
		b->a = n;
		n = b;
	}
	return n;
}

static struct node *parse_and_or(struct parser *p)
{
	struct node *n = parse_pipeline(p);
	while (n) {
		enum tok t = lex_peek(&p->lx, NULL);
		struct node *op;
		if (t != T_AND && t != T_OR)
			break;
		lex_next(&p->lx, NULL);
		lex_skip_blank_lines(&p->lx);
		op = new_node(p, t == T_AND ? N_AND : N_OR);
		op->a = n;
		if (!(op->b = parse_pipeline(p)))
			return NULL;
		n = op;
	}
	return n;
}

static struct node *seq(struct parser *p, struct node *a, struct node *b)
{
	struct node *s;
	if (!a)
		return b;
	s = new_node(p, N_SEQ);
	s->a = a;
	s->b = b;
	return s;
}

/* parse_list: one_line = a complete command ending at NEWLINE/EOF; otherwise a compound
 * list that spans lines and ends before a reserved terminator word. */
static struct node *parse_list(struct parser *p, int one_line)
{
	struct node *list = NULL, *n;
	for (;;) {
		size_t start;
		enum tok t;
		if (!one_line)
			lex_skip_blank_lines(&p->lx);
		if (is_terminator(p))
			break;
		lex_peek(&p->lx, NULL);
		start = p->lx.peek_start;
		if (!(n = parse_and_or(p)))
			return NULL;
		n->text = arena_strndup(p->lx.arena, p->lx.src + start, p->lx.last_end - start);
		t = lex_peek(&p->lx, NULL);
		if (t == T_AMP) {
			struct node *bg = new_node(p, N_BG);
			bg->a = n;
			bg->text = n->text;
			n = bg;
		}
		list = seq(p, list, n);
		if (t == T_AMP || t == T_SEMI) {
			lex_next(&p->lx, NULL);
			if (one_line && lex_peek(&p->lx, NULL) == T_NEWLINE) {
				lex_next(&p->lx, NULL);
				p->ended_line = 1;
				break;
			}
		} else if (t == T_NEWLINE) {
			lex_next(&p->lx, NULL);
			if (one_line) {
				p->ended_line = 1;
				break;
			}
		} else {
			break;
		}
	}
	if (!list && !failed(p) && !one_line)
		return NULL;
	return list;
}

struct node *parse_command(struct parser *p, int *at_eof)
{
	struct node *n;
	*at_eof = 0;
	lex_skip_blank_lines(&p->lx);
	if (lex_peek(&p->lx, NULL) == T_EOF && !p->lx.incomplete) {
		*at_eof = 1;
		return NULL;
	}
	p->ended_line = 0;
	n = parse_list(p, 1);
	if (!failed(p) && !p->ended_line && lex_peek(&p->lx, NULL) != T_EOF) {
		/* The list stopped at a token that cannot follow it: ")", ";;", "fi"... */
		return syntax(p);
	}
	if (failed(p))
		return NULL;
	return n;
}
