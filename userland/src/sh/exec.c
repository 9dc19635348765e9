/* userland/src/sh/exec.c: running parse trees.
 *
 * Simple commands expand their words, then run as a function, a builtin (in the shell, with
 * redirections saved and restored around it) or a program (forked, unless the caller is already
 * a child that may exec in place: EX_NOFORK). Pipelines and & lists fork one process per
 * member; with job control each job gets its own process group and, in the foreground, the
 * terminal. Compound commands run in the shell; ( ) forks.
 *
 * Loop control (break, continue, return, exit) is carried in struct shell and stops the
 * enclosing lists until the matching construct consumes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

#define EX_NOFORK 2 /* we are a forked child: exec programs in place, exit when done */
#define REDIRS_MAX 32

void sh_error(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("sh: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void sh_exit(int status)
{
	if (!sh.is_subshell)
		run_exit_trap();
	fflush(NULL);
	if (sh.is_subshell)
		_exit(status);
	exit(status);
}

static int stop_list(void)
{
	return sh.break_count || sh.continue_count || sh.returning || sh.exiting;
}

void child_reset_signals(void)
{
	static const int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD, SIGPIPE};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	trap_reset_child();
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* ---- redirections ---- */

static int heredoc_fd(struct redir *r)
{
	int p[2];
	char *body = r->quoted ? strdup(r->body) : expand_heredoc(r->body);
	size_t len = strlen(body);
	if (pipe(p) < 0) {
		free(body);
		return -1;
	}
	if (len <= 4096) {
		/* Fits in any pipe buffer: write it now, no helper process. */
		if (write(p[1], body, len) < 0)
			sh_error("here-document: %s", strerror(errno));
	} else {
		pid_t pid = fork();
		if (pid == 0) {
			close(p[0]);
			signal(SIGPIPE, SIG_DFL);
			for (size_t off = 0; off < len;) {
				ssize_t w = write(p[1], body + off, len - off);
				if (w <= 0)
					_exit(1);
				off += (size_t)w;
			}
			_exit(0);
		}
	}
	free(body);
	close(p[1]);
	return p[0];
}

static int open_target(struct redir *r)
{
	char *file;
	int fd;
	if (r->kind == R_HEREDOC)
		return heredoc_fd(r);
	file = expand_string(r->word);
	if (r->kind == R_DUPIN || r->kind == R_DUPOUT) {
		if (!strcmp(file, "-")) {
			free(file);
			return -2; /* close */
		}
		char *end;
		long n = strtol(file, &end, 10);
		if (*end || end == file || n < 0 || fcntl((int)n, F_GETFD) < 0) {
			sh_error("%s: bad file descriptor", file);
			free(file);
			return -1;
		}
		free(file);
		return -3 - (int)n; /* dup of n */
	}
	int flags = r->kind == R_IN ? O_RDONLY : r->kind == R_RDWR ? O_RDWR | O_CREAT :
		    r->kind == R_APPEND ? O_WRONLY | O_CREAT | O_APPEND : O_WRONLY | O_CREAT | O_TRUNC;
	fd = open(file, flags | O_CLOEXEC, 0666);
	if (fd < 0)
		sh_error("cannot %s %s: %s", r->kind == R_IN ? "open" : "create", file,
			 errno == ENOENT ? "No such file or directory" : strerror(errno));
	free(file);
	return fd;
}

/* apply_redirs: performs each redirection; with save, records how to undo them in saved[]
 * as (fd, copy) pairs. Returns 0, or -1 after printing why. */
int apply_redirs(struct redir *r, int save, int *saved, int *nr_saved)
{
	for (; r; r = r->next) {
		int fd = open_target(r);
		if (fd == -1)
			return -1;
		if (save && *nr_saved < REDIRS_MAX * 2) {
			saved[(*nr_saved)++] = r->fd;
			saved[(*nr_saved)++] = fcntl(r->fd, F_DUPFD_CLOEXEC, 10);
		}
		if (fd == -2) {
			close(r->fd);
		} else if (fd <= -3) {
			if (-3 - fd != r->fd && dup2(-3 - fd, r->fd) < 0)
				return -1;
		} else if (fd != r->fd) {
			if (dup2(fd, r->fd) < 0) {
				sh_error("%d: %s", r->fd, strerror(errno));
				close(fd);
				return -1;
			}
			close(fd);
		} else {
			fcntl(fd, F_SETFD, 0);
		}
	}
	return 0;
}

void restore_redirs(int *saved, int nr_saved)
{
	fflush(NULL);
	for (int i = nr_saved - 2; i >= 0; i -= 2) {
		if (saved[i + 1] >= 0) {
			dup2(saved[i + 1], saved[i]);
			close(saved[i + 1]);
		} else {
			close(saved[i]);
		}
	}
}

/* ---- programs ---- */

char *find_in_path(const char *name)
{
	const char *path = var_get("PATH");
	struct stat st;
	if (!path)
		path = "/bin:/usr/bin:/sbin:/usr/sbin";
	while (1) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		char *full = malloc(n + strlen(name) + 2);
		sprintf(full, "%.*s%s%s", (int)n, path, n ? "/" : "", name);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0)
			return full;
		free(full);
		if (!colon)
			return NULL;
		path = colon + 1;
	}
}

/* is_binary: a NUL in the first line means a binary, never a script (as bash decides). */
static int is_binary(const char *path)
{
	char buf[128];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	if (fd >= 0)
		close(fd);
	for (ssize_t i = 0; i < n && buf[i] != '\n'; i++)
		if (!buf[i])
			return 1;
	return 0;
}

/* exec_program: replaces this (child) process with argv[0]; never returns. */
static void __attribute__((noreturn)) exec_program(char **argv)
{
	char *path = strchr(argv[0], '/') ? strdup(argv[0]) : find_in_path(argv[0]);
	char **env = var_environ();
	if (!path) {
		sh_error("%s: not found", argv[0]);
		_exit(127);
	}
	execve(path, argv, env);
	int err = errno;
	if (err == ENOEXEC && is_binary(path)) {
		sh_error("%s: cannot execute binary file: Exec format error", argv[0]);
		_exit(126);
	}
	if (err == ENOEXEC) {
		/* No #! line: POSIX says run it as a shell script. */
		int n = 0;
		while (argv[n])
			n++;
		sh.arg0 = path;
		sh.argv = argv + 1;
		sh.argc = n - 1;
		sh.is_subshell = 1;
		exec_file(path, 1);
		_exit(sh.last_status);
	}
	sh_error("%s: %s", argv[0], err == ENOENT ? "not found" : strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

/* ---- simple commands ---- */

static void trace(char **argv, char **assigns, int nr_assigns)
{
	const char *ps4 = var_get("PS4");
	fputs(ps4 ? ps4 : "+ ", stderr);
	for (int i = 0; i < nr_assigns; i++)
		fprintf(stderr, "%s%s", i ? " " : "", assigns[i]);
	for (int i = 0; argv[i]; i++)
		fprintf(stderr, "%s%s", i || nr_assigns ? " " : "", argv[i]);
	fputc('\n', stderr);
	fflush(stderr);
}

static int expand_cmd(struct node *n, struct strv *args, struct strv *assigns)
{
	expand_error = 0;
	for (int i = 0; i < n->nr_assigns; i++) {
		char *eq = strchr(n->assigns[i], '=');
		char *v = expand_string(eq + 1);
		size_t len = (size_t)(eq - n->assigns[i]);
		char *a = malloc(len + strlen(v) + 2);
		sprintf(a, "%.*s=%s", (int)len, n->assigns[i], v);
		free(v);
		strv_push(assigns, a);
	}
	for (int i = 0; i < n->nr_words && !expand_error; i++)
		expand_fields(n->words[i], args);
	if (!args->v)
		strv_push(args, NULL), args->n = 0;
	if (!assigns->v)
		strv_push(assigns, NULL), assigns->n = 0;
	return expand_error ? -1 : 0;
}

static void set_assigns(struct strv *assigns, int export_them)
{
	for (int i = 0; i < assigns->n; i++) {
		char *eq = strchr(assigns->v[i], '=');
		*eq = 0;
		var_set(assigns->v[i], eq + 1, export_them);
		*eq = '=';
	}
}

/* run_builtin: a builtin or function in the shell itself, redirections undone afterwards.
 * Assignments before a regular builtin or function only last for the command. */
static int run_in_shell(struct node *n, builtin_fn fn, const char *func, struct strv *args,
			struct strv *assigns)
{
	int saved[REDIRS_MAX * 2], nr_saved = 0, status;
	int special = fn && builtin_is_special(args->v[0]);
	struct strv old = {0};
	for (int i = 0; !special && i < assigns->n; i++) {
		char *eq = strchr(assigns->v[i], '=');
		const char *v;
		*eq = 0;
		v = var_get(assigns->v[i]);
		size_t len = strlen(assigns->v[i]) + (v ? strlen(v) : 0) + 3;
		char *o = malloc(len);
		snprintf(o, len, "%s%s%s", assigns->v[i], v ? "=" : "", v ? v : "");
		strv_push(&old, o);
		*eq = '=';
	}
	set_assigns(assigns, 0);
	if (apply_redirs(n->redirs, 1, saved, &nr_saved) < 0) {
		restore_redirs(saved, nr_saved);
		status = 1;
	} else {
		status = fn ? fn(args->n, args->v) : run_function(func, args->n, args->v);
		fflush(NULL);
		restore_redirs(saved, nr_saved);
	}
	for (int i = 0; i < old.n; i++) {
		char *eq = strchr(old.v[i], '=');
		if (eq) {
			*eq = 0;
			var_set(old.v[i], eq + 1, 0);
		} else {
			var_unset(old.v[i]);
		}
	}
	strv_free(&old);
	return status;
}

static int fork_program(struct node *n, struct strv *args, struct strv *assigns, int flags)
{
	struct job *j;
	pid_t pid;
	if (flags & EX_NOFORK) {
		if (apply_redirs(n->redirs, 0, NULL, NULL) < 0)
			_exit(1);
		set_assigns(assigns, 1);
		exec_program(args->v);
	}
	j = job_new(n->text ? n->text : args->v[0], 1);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		sh_error("fork: %s", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		if (sh.jobctl) {
			setpgid(0, 0);
			tcsetpgrp(sh.tty_fd, getpid());
		}
		child_reset_signals();
		sh.is_subshell = 1;
		if (apply_redirs(n->redirs, 0, NULL, NULL) < 0)
			_exit(1);
		set_assigns(assigns, 1);
		exec_program(args->v);
	}
	if (sh.jobctl)
		setpgid(pid, pid);
	if (!j) {
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		return status_to_exit(st);
	}
	job_add_pid(j, pid);
	return job_wait_fg(j);
}

/* exec_builtin: `exec cmd` replaces the shell; `exec` alone makes its redirections stick. */
static int exec_builtin(struct node *n, struct strv *args, struct strv *assigns)
{
	if (apply_redirs(n->redirs, 0, NULL, NULL) < 0)
		return 1;
	set_assigns(assigns, args->n > 1);
	if (args->n == 1)
		return 0;
	fflush(NULL);
	child_reset_signals();
	exec_program(args->v + 1);
}

static int exec_simple(struct node *n, int flags)
{
	struct strv args = {0}, assigns = {0};
	int status;
	const char *func;
	builtin_fn fn;
	sh.had_subst = 0; /* a bare assignment reports the status of its last $(...) */
	if (expand_cmd(n, &args, &assigns) < 0) {
		status = 1;
		if (!sh.interactive && !sh.is_subshell)
			sh_exit(2);
		goto out;
	}
	if (sh.opt_x)
		trace(args.v, assigns.v, assigns.n);
	if (args.n == 0) {
		int saved[REDIRS_MAX * 2], nr_saved = 0;
		status = sh.had_subst ? sh.subst_status : 0;
		set_assigns(&assigns, 0);
		if (apply_redirs(n->redirs, 1, saved, &nr_saved) < 0)
			status = 1;
		restore_redirs(saved, nr_saved);
	} else if (!strcmp(args.v[0], "exec")) {
		status = exec_builtin(n, &args, &assigns);
	} else if ((func = func_lookup(args.v[0])) != NULL) {
		status = run_in_shell(n, NULL, func, &args, &assigns);
	} else if ((fn = builtin_lookup(args.v[0])) != NULL) {
		status = run_in_shell(n, fn, NULL, &args, &assigns);
	} else {
		status = fork_program(n, &args, &assigns, flags);
	}
out:
	strv_free(&args);
	strv_free(&assigns);
	return status;
}

/* ---- pipelines and background jobs ---- */

static void pipeline_child(struct node *cmd, int in, int out, pid_t pgid, int bg)
{
	if (sh.jobctl) {
		setpgid(0, pgid);
		if (!bg)
			tcsetpgrp(sh.tty_fd, pgid ? pgid : getpid());
	}
	child_reset_signals();
	if (bg && !sh.jobctl) {
		/* POSIX: without job control, & commands ignore SIGINT/SIGQUIT, read /dev/null. */
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		if (in < 0) {
			int fd = open("/dev/null", O_RDONLY);
			if (fd >= 0 && fd != 0) {
				dup2(fd, 0);
				close(fd);
			}
		}
	}
	if (in >= 0) {
		dup2(in, 0);
		close(in);
	}
	if (out >= 0) {
		dup2(out, 1);
		close(out);
	}
	sh.jobctl = 0;
	sh.interactive = 0;
	sh.is_subshell = 1;
	sh_exit(exec_node(cmd, EX_NOFORK));
}

static int run_pipeline(struct node **cmds, int nr, const char *text, int bg)
{
	struct job *j = job_new(text, nr);
	int prev = -1, status = 0;
	if (!j) {
		sh_error("too many jobs");
		return 2;
	}
	fflush(NULL);
	for (int i = 0; i < nr; i++) {
		int p[2] = {-1, -1};
		if (i < nr - 1 && pipe2(p, O_CLOEXEC) < 0) {
			sh_error("pipe: %s", strerror(errno));
			break;
		}
		pid_t pid = fork();
		if (pid < 0) {
			sh_error("fork: %s", strerror(errno));
			close(p[0]);
			close(p[1]);
			break;
		}
		if (pid == 0) {
			if (p[0] >= 0)
				close(p[0]);
			pipeline_child(cmds[i], prev, p[1], job_pgid(j), bg);
		}
		if (sh.jobctl)
			setpgid(pid, job_pgid(j) ? job_pgid(j) : pid);
		job_add_pid(j, pid);
		if (prev >= 0)
			close(prev);
		if (p[1] >= 0)
			close(p[1]);
		prev = p[0];
	}
	if (prev >= 0)
		close(prev);
	if (bg) {
		job_background(j);
		return 0;
	}
	status = job_wait_fg(j);
	return status;
}

/* ---- compound commands ---- */

static int exec_loop(struct node *n)
{
	int status = 0;
	sh.loop_depth++;
	for (;;) {
		sh.cond_depth++;
		int c = exec_node(n->a, 0);
		sh.cond_depth--;
		if (stop_list() && !sh.continue_count)
			break;
		if ((n->kind == N_WHILE) != (c == 0))
			break;
		status = exec_node(n->b, 0);
		if (sh.break_count) {
			sh.break_count--;
			break;
		}
		if (sh.continue_count && --sh.continue_count)
			break;
		if (stop_list())
			break;
	}
	sh.loop_depth--;
	return status;
}

static int exec_for(struct node *n)
{
	struct strv words = {0};
	int status = 0;
	if (n->words) {
		expand_error = 0;
		for (int i = 0; i < n->nr_words; i++)
			expand_fields(n->words[i], &words);
	} else {
		for (int i = 0; i < sh.argc; i++)
			strv_push(&words, strdup(sh.argv[i]));
	}
	sh.loop_depth++;
	for (int i = 0; i < words.n; i++) {
		var_set(n->var, words.v[i], 0);
		status = exec_node(n->b, 0);
		if (sh.break_count) {
			sh.break_count--;
			break;
		}
		if (sh.continue_count && --sh.continue_count)
			break;
		if (stop_list())
			break;
	}
	sh.loop_depth--;
	strv_free(&words);
	return status;
}

static int exec_case(struct node *n)
{
	char *word = expand_string(n->var);
	int status = 0;
	for (struct case_item *it = n->items; it; it = it->next) {
		for (int k = 0; k < it->nr_pats; k++) {
			char *pat = expand_pattern(it->pats[k]);
			int m = fnmatch(pat, word, 0) == 0;
			free(pat);
			if (m) {
				status = it->body ? exec_node(it->body, 0) : 0;
				free(word);
				return status;
			}
		}
	}
	free(word);
	return status;
}

static int exec_compound(struct node *n, int flags)
{
	int saved[REDIRS_MAX * 2], nr_saved = 0, status = 0;
	if (n->kind == N_SUBSHELL && !(flags & EX_NOFORK))
		return run_pipeline(&n, 1, n->text ? n->text : "( ... )", 0);
	if (apply_redirs(n->redirs, 1, saved, &nr_saved) < 0) {
		restore_redirs(saved, nr_saved);
		return 1;
	}
	switch (n->kind) {
	case N_IF:
		sh.cond_depth++;
		status = exec_node(n->a, 0);
		sh.cond_depth--;
		if (stop_list())
			break;
		status = status == 0 ? exec_node(n->b, 0) : n->c ? exec_node(n->c, 0) : 0;
		break;
	case N_WHILE:
	case N_UNTIL: status = exec_loop(n); break;
	case N_FOR: status = exec_for(n); break;
	case N_CASE: status = exec_case(n); break;
	case N_GROUP:
	case N_SUBSHELL: status = exec_node(n->a, 0); break;
	default: break;
	}
	restore_redirs(saved, nr_saved);
	return status;
}

static int exec_bg(struct node *n)
{
	struct node *a = n->a;
	if (a->kind == N_PIPE)
		return run_pipeline(a->cmds, a->nr_cmds, n->text, 1);
	return run_pipeline(&a, 1, n->text, 1);
}

int exec_node(struct node *n, int flags)
{
	int status = 0, checked = 1;
	if (!n || stop_list())
		return sh.last_status;
	if (++sh.eval_depth > SH_DEPTH_MAX) {
		sh_error("nesting too deep");
		sh.eval_depth--;
		return 2;
	}
	switch (n->kind) {
	case N_SEQ:
		exec_node(n->a, 0);
		status = stop_list() ? sh.last_status : exec_node(n->b, flags);
		checked = 0;
		break;
	case N_AND:
	case N_OR:
		sh.cond_depth++;
		status = exec_node(n->a, 0);
		sh.cond_depth--;
		if (!stop_list() && (status == 0) == (n->kind == N_AND))
			status = exec_node(n->b, flags);
		checked = 0;
		break;
	case N_NOT:
		sh.cond_depth++;
		status = !exec_node(n->a, flags);
		sh.cond_depth--;
		break;
	case N_BG: status = exec_bg(n); break;
	case N_PIPE: status = run_pipeline(n->cmds, n->nr_cmds, n->text ? n->text : "", 0); break;
	case N_CMD: status = exec_simple(n, flags); break;
	case N_FUNC: status = func_define(n->var, n->func_body); break;
	default: status = exec_compound(n, flags); break;
	}
	sh.eval_depth--;
	if (!sh.returning && !sh.exiting)
		sh.last_status = status;
	else
		status = sh.last_status;
	if (checked && sh.opt_e && status != 0 && sh.cond_depth == 0 && n->kind != N_NOT &&
	    !sh.returning)
		sh_exit(status);
	return status;
}

/* ---- functions ---- */

struct func {
	char *name, *body;
};
static struct func *funcs;
static int nr_funcs;

const char *func_lookup(const char *name)
{
	for (int i = 0; i < nr_funcs; i++)
		if (!strcmp(funcs[i].name, name))
			return funcs[i].body;
	return NULL;
}

int func_unset(const char *name)
{
	for (int i = 0; i < nr_funcs; i++) {
		if (strcmp(funcs[i].name, name))
			continue;
		free(funcs[i].name);
		free(funcs[i].body);
		funcs[i] = funcs[--nr_funcs];
		return 1;
	}
	return 0;
}

int func_define(const char *name, const char *body)
{
	func_unset(name);
	funcs = realloc(funcs, sizeof(*funcs) * (size_t)(nr_funcs + 1));
	funcs[nr_funcs++] = (struct func){strdup(name), strdup(body)};
	return 0;
}

int run_function(const char *body, int argc, char **argv)
{
	char **old_argv = sh.argv, *copy;
	int old_argc = sh.argc, status;
	if (sh.func_depth >= SH_DEPTH_MAX / 2) {
		sh_error("%s: function nesting too deep", argv[0]);
		return 2;
	}
	copy = strdup(body); /* the definition may be replaced while it runs */
	sh.func_depth++;
	sh.argv = argv + 1;
	sh.argc = argc - 1;
	status = exec_string(copy, argv[0]);
	if (sh.returning) {
		sh.returning = 0;
		status = sh.last_status;
	}
	sh.argv = old_argv;
	sh.argc = old_argc;
	sh.func_depth--;
	free(copy);
	return status;
}

/* ---- source text ---- */

int exec_string(const char *src, const char *name)
{
	struct arena a = {0};
	struct parser p = {0};
	int at_eof = 0;
	(void)name;
	lex_init(&p.lx, src, strlen(src), &a);
	for (;;) {
		struct node *n = parse_command(&p, &at_eof);
		if (!n) {
			if (at_eof)
				break;
			if (p.lx.incomplete && !p.lx.error)
				sh_error("syntax error: unexpected end of file");
			sh.last_status = 2;
			if (!sh.interactive || sh.is_subshell)
				sh_exit(2);
			break;
		}
		if (!sh.opt_n)
			exec_node(n, 0);
		if (stop_list())
			break;
	}
	arena_free(&a);
	return sh.last_status;
}

int exec_file(const char *path, int must_exist)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct str text = {0};
	char buf[4096];
	ssize_t r;
	if (fd < 0) {
		if (must_exist)
			sh_error("%s: %s", path, strerror(errno));
		return must_exist ? 127 : 0;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		str_putn(&text, buf, (size_t)r);
	close(fd);
	if (!text.s)
		return 0;
	int status = exec_string(text.s, path);
	free(text.s);
	return status;
}
