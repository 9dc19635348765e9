/* userland/src/sh/sh.h: shared declarations of the umwasm shell (/bin/sh).
 *
 * The shell is split the way its work flows:
 *   lexer.c    source text → tokens (words keep their quotes; here-document bodies)
 *   parser.c   tokens → a tree of struct node, allocated in an arena per top-level command
 *   expand.c   words → fields: parameters, $(...), $((...)), quote removal, splitting, globs
 *   arith.c    $((...)) evaluation
 *   exec.c     runs the tree: pipelines, redirections, compound commands, functions
 *   jobs.c     the job table, process groups, the terminal's foreground group, wait
 *   builtins.c cd, exit, export, set, test, jobs, fg, bg, ...
 *   vars.c     shell variables and the environment
 *   main.c     options, the interactive loop, script files, -c
 *
 * Contract: every parse tree lives in an arena that the caller frees after running it, so a
 * long interactive session does not grow. Function bodies are kept as source text and parsed
 * again at each call for the same reason. Nesting is bounded by SH_DEPTH_MAX so a hostile
 * script gets an error, never a stack overflow.
 */
#ifndef SH_H
#define SH_H

#include <stddef.h>
#include <sys/types.h>

#define SH_DEPTH_MAX 200 /* parser and evaluator recursion bound */

static inline int isdigit_c(int c) { return c >= '0' && c <= '9'; }
static inline int isalpha_c(int c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static inline int isalnum_c(int c) { return isdigit_c(c) || isalpha_c(c); }

/* ---- arena ---- */
struct arena {
	struct arena_chunk *head;
};
void *arena_alloc(struct arena *a, size_t n_bytes);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

/* ---- growable string ---- */
struct str {
	char *s;
	size_t len, cap;
};
void str_putc(struct str *b, char c);
void str_puts(struct str *b, const char *s);
void str_putn(struct str *b, const char *s, size_t n);
char *str_take(struct str *b); /* returns the malloc'd NUL-terminated buffer, resets b */

/* ---- tokens ---- */
enum tok {
	T_EOF, T_WORD, T_NEWLINE, T_IONUM,
	T_SEMI, T_DSEMI, T_AMP, T_AND, T_PIPE, T_OR, T_LPAREN, T_RPAREN,
	T_LESS, T_GREAT, T_DGREAT, T_DLESS, T_DLESSDASH, T_LESSAND, T_GREATAND, T_LESSGREAT,
	T_CLOBBER,
};

struct redir;

struct lexer {
	const char *src;
	size_t pos, len;
	int incomplete;        /* hit end of input inside a construct: more input may finish it */
	int error;             /* a syntax error was reported */
	struct redir *heredocs[16]; /* pending here-documents, read after the next newline */
	int nr_heredocs;
	struct arena *arena;
	/* one token of lookahead */
	int have_peek;
	enum tok peek;
	char *peek_text;
	size_t peek_start, peek_end; /* source span of the peeked token */
	size_t last_start, last_end; /* source span of the last consumed token */
};
void lex_init(struct lexer *lx, const char *src, size_t len, struct arena *a);
enum tok lex_peek(struct lexer *lx, char **text);
enum tok lex_next(struct lexer *lx, char **text);
void lex_skip_blank_lines(struct lexer *lx);
size_t lex_skip_unit(const char *s, size_t i);

/* ---- parse tree ---- */
enum redir_kind { R_IN, R_OUT, R_APPEND, R_DUPIN, R_DUPOUT, R_RDWR, R_HEREDOC };

struct redir {
	struct redir *next;
	enum redir_kind kind;
	int fd;
	char *word;      /* target word, or the here-document delimiter */
	char *body;      /* here-document body */
	int quoted;      /* here-document delimiter was quoted: no expansion */
	int strip_tabs;  /* <<- */
};

enum node_kind {
	N_CMD, N_PIPE, N_AND, N_OR, N_SEQ, N_BG, N_NOT,
	N_IF, N_WHILE, N_UNTIL, N_FOR, N_CASE, N_SUBSHELL, N_GROUP, N_FUNC,
};

struct case_item {
	struct case_item *next;
	char **pats;
	int nr_pats;
	struct node *body;
};

struct node {
	enum node_kind kind;
	struct redir *redirs;
	/* N_CMD */
	char **words;
	int nr_words;
	char **assigns;
	int nr_assigns;
	/* N_PIPE: cmds; N_AND/N_OR/N_SEQ: a, b; N_BG/N_NOT: a; N_IF: a cond, b then, c else;
	 * N_WHILE/N_UNTIL: a cond, b body; N_FOR: var, words (NULL words = "$@"), b body;
	 * N_SUBSHELL/N_GROUP: a; N_FUNC: var name, func_body; N_CASE: var word, items */
	struct node **cmds;
	int nr_cmds;
	struct node *a, *b, *c;
	char *var;
	char *text; /* source text of the command, for job listings */
	char *func_body; /* N_FUNC: source text of the body, parsed again at each call */
	struct case_item *items;
};

struct parser {
	struct lexer lx;
	int depth;
	int ended_line; /* the last complete command ended with a newline */
};
/* parse_command: parses one complete command (up to a newline or EOF).
 * Returns the tree, or NULL at EOF / on error (check lx.error, lx.incomplete). */
struct node *parse_command(struct parser *p, int *at_eof);

/* ---- expansion ---- */
struct strv {
	char **v;
	int n, cap;
};
void strv_push(struct strv *sv, char *s);
void strv_free(struct strv *sv);
/* expand_fields: full expansion with field splitting and pathname expansion. */
int expand_fields(const char *word, struct strv *out);
/* expand_string: expansion without splitting or globbing (assignments, redirections). */
char *expand_string(const char *word);
/* expand_heredoc: parameter, command and arithmetic expansion of a here-document body. */
char *expand_heredoc(const char *body);
/* expand_pattern: like expand_string but quoted glob characters are backslash-escaped. */
char *expand_pattern(const char *word);
extern int expand_error; /* set when an expansion failed (${x?}, bad arithmetic) */

/* ---- arithmetic ---- */
int arith_eval(const char *expr, long *result); /* 0 ok, -1 error (message printed) */

/* ---- variables ---- */
const char *var_get(const char *name);
int var_set(const char *name, const char *value, int export_it);
int var_unset(const char *name);
void var_export(const char *name);
int var_is_name(const char *s, size_t n);
char **var_environ(void);
void var_print(int exported_only);
void var_import_env(char **envp);

/* ---- execution ---- */
struct shell {
	int interactive;
	int jobctl;       /* job control on: interactive with a terminal */
	int tty_fd;
	pid_t shell_pgid;
	pid_t top_pid;    /* $$: the pid of the shell itself, also inside subshells */
	int last_status;
	int subst_status, had_subst; /* status of the last $(...) of the current command */
	pid_t last_bg_pid;
	int opt_e, opt_x, opt_u, opt_n, opt_f;
	int opt_pipefail; /* set -o pipefail: a pipeline fails with its rightmost failure */
	int cond_depth;   /* >0 inside if/while conditions and && || operands: set -e is off */
	int loop_depth;
	int break_count, continue_count;
	int returning;
	int func_depth;
	int eval_depth;
	int exiting;
	int exit_status;
	char *arg0;
	char **argv;      /* positional parameters $1.. (not including $0) */
	int argc;
	int is_subshell;
	volatile int got_sigint;
};
extern struct shell sh;

int exec_node(struct node *n, int flags);
#define EX_ASYNC_CHILD 1 /* we are already a forked child: exec directly, don't fork */
int exec_string(const char *src, const char *name); /* parse and run source text */
int run_pending_traps(void);
void run_exit_trap(void);
void trap_reset_child(void);
int bi_trap(int argc, char **argv);
int exec_file(const char *path, int must_exist);
void sh_exit(int status) __attribute__((noreturn));
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int apply_redirs(struct redir *r, int save, int *saved, int *nr_saved);
void restore_redirs(int *saved, int nr_saved);
void child_reset_signals(void);
char *find_in_path(const char *name);
int func_define(const char *name, const char *body);
const char *func_lookup(const char *name);
int func_unset(const char *name);
int run_function(const char *body, int argc, char **argv);

/* ---- builtins ---- */
typedef int (*builtin_fn)(int argc, char **argv);
builtin_fn builtin_lookup(const char *name);
int builtin_is_special(const char *name);

/* ---- jobs ---- */
struct job;
void jobs_init(void);
/* job_new: a job for a pipeline of nr processes in process group pgid (0 = not yet). */
struct job *job_new(const char *text, int nr);
void job_add_pid(struct job *j, pid_t pid);
pid_t job_pgid(struct job *j);
int job_wait_fg(struct job *j);       /* wait for a foreground job; returns its status */
void job_background(struct job *j);   /* announce "[n] pid" */
void jobs_reap(int report);           /* collect finished children without blocking */
int jobs_builtin(int argc, char **argv);
int fg_builtin(int argc, char **argv);
int bg_builtin(int argc, char **argv);
int wait_builtin(int argc, char **argv);
int kill_job_spec(const char *spec, pid_t *pgid_out);
void term_take(void);                  /* give the terminal back to the shell */
int status_to_exit(int wstatus);

#endif
