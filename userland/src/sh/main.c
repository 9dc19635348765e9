/* userland/src/sh/main.c: /bin/sh entry point: options, the interactive loop, scripts.
 *
 *   sh [-eixufn] [-c command [name [arg...]]]   run command
 *   sh [-eixufn] script [arg...]                 run a script file
 *   sh [-eixufn] [-s] [arg...]                   read commands from standard input
 *
 * Interactive when -i is given or when stdin and stderr are terminals and there is no script.
 * An interactive shell on a terminal turns job control on: it puts itself in its own process
 * group, takes the terminal, and ignores SIGTSTP/SIGTTIN/SIGTTOU; SIGINT only abandons the line
 * being typed. Lines come from the terminal in canonical mode, so the kernel's line discipline
 * does the editing; stdin that is not a terminal is read one byte at a time so that commands
 * the shell runs can read the rest of it (POSIX requires this).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

struct shell sh;

static void on_sigint(int sig)
{
	(void)sig;
	sh.got_sigint = 1;
}

static void setup_job_control(void)
{
	pid_t pg;
	sh.tty_fd = 0;
	if (!isatty(0))
		return;
	/* Wait until we are in the foreground, as every job-control shell does. */
	for (int tries = 0; tries < 100; tries++) {
		pg = tcgetpgrp(sh.tty_fd);
		if (pg < 0)
			return; /* no controlling terminal: no job control */
		if (pg == getpgrp())
			break;
		kill(0, SIGTTIN);
	}
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	if (getpgrp() != getpid() && setpgid(0, 0) < 0)
		return;
	sh.shell_pgid = getpid();
	if (tcsetpgrp(sh.tty_fd, sh.shell_pgid) < 0)
		return;
	sh.jobctl = 1;
}

static void setup_signals(void)
{
	struct sigaction sa = {0};
	if (!sh.interactive)
		return;
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL); /* no SA_RESTART: a read at the prompt returns EINTR */
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	setup_job_control();
	jobs_init();
}

static void init_vars(char **envp)
{
	char cwd[4096];
	var_import_env(envp);
	if (!var_get("PATH"))
		var_set("PATH", "/bin:/usr/bin:/sbin:/usr/sbin", 0);
	if (!var_get("PS1"))
		var_set("PS1", geteuid() == 0 ? "# " : "$ ", 0);
	if (!var_get("PS2"))
		var_set("PS2", "> ", 0);
	if (!var_get("PS4"))
		var_set("PS4", "+ ", 0);
	if (getcwd(cwd, sizeof(cwd)))
		var_set("PWD", cwd, 1);
}

/* read_line: appends one line (with its newline) to acc. Returns 0, 1 at EOF with nothing
 * read, -1 when interrupted by SIGINT. */
static int read_line(struct str *acc, int is_tty)
{
	char buf[4096];
	size_t got = 0;
	for (;;) {
		ssize_t r = read(0, buf, is_tty ? sizeof(buf) : 1);
		if (r < 0) {
			if (errno == EINTR) {
				if (sh.got_sigint)
					return -1;
				run_pending_traps();
				continue;
			}
			return got ? 0 : 1;
		}
		if (r == 0)
			return got ? 0 : 1;
		str_putn(acc, buf, (size_t)r);
		got += (size_t)r;
		if (buf[r - 1] == '\n')
			return 0;
	}
}

static void prompt(const char *var)
{
	const char *ps = var_get(var);
	char *p;
	if (!sh.interactive || !ps)
		return;
	p = expand_string(ps);
	fputs(p, stderr);
	fflush(stderr);
	free(p);
}

/* try_parse: parses all of text; 1 if it is complete (and runs it), 0 if more input is
 * needed, -1 on a syntax error. */
static int try_run(const char *text)
{
	struct arena a = {0};
	struct parser p = {0};
	struct node *cmds[256];
	int nr = 0, at_eof = 0, rc = 1;
	lex_init(&p.lx, text, strlen(text), &a);
	while (nr < 256) {
		struct node *n = parse_command(&p, &at_eof);
		if (!n) {
			if (!at_eof)
				rc = p.lx.incomplete && !p.lx.error ? 0 : -1;
			break;
		}
		cmds[nr++] = n;
	}
	for (int i = 0; rc == 1 && i < nr && !sh.opt_n; i++)
		exec_node(cmds[i], 0);
	if (rc == -1)
		sh.last_status = 2;
	arena_free(&a);
	return rc;
}

static int repl(void)
{
	int is_tty = isatty(0);
	struct str acc = {0};
	for (;;) {
		int r;
		if (sh.interactive)
			jobs_reap(1);
		run_pending_traps();
		sh.got_sigint = 0;
		prompt(acc.len ? "PS2" : "PS1");
		r = read_line(&acc, is_tty);
		if (r < 0) {
			fputc('\n', stderr);
			acc.len = 0;
			sh.last_status = 130;
			continue;
		}
		if (r > 0) {
			if (acc.len) {
				if (!sh.interactive)
					try_run(acc.s); /* reports "unexpected end of file" */
				sh_error("syntax error: unexpected end of file");
				sh.last_status = 2;
			}
			if (sh.interactive)
				fputs("exit\n", stderr);
			break;
		}
		r = try_run(acc.s);
		if (r == 0)
			continue;
		acc.len = 0;
		if (r < 0 && !sh.interactive)
			sh_exit(2);
	}
	free(acc.s);
	return sh.last_status;
}

static void usage(void)
{
	fputs("usage: sh [-eixufn] [-c command [name [arg...]] | script [arg...] | -s [arg...]]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv, char **envp)
{
	int i = 1, force_i = 0, read_stdin = 0;
	const char *command = NULL;
	sh.top_pid = getpid();
	sh.shell_pgid = getpgrp();
	sh.arg0 = argv[0];
	init_vars(envp);
	for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			int on = argv[i][0] == '-';
			switch (*c) {
			case 'c': command = ""; break;
			case 'i': force_i = on; break;
			case 's': read_stdin = 1; break;
			case 'e': sh.opt_e = on; break;
			case 'x': sh.opt_x = on; break;
			case 'u': sh.opt_u = on; break;
			case 'f': sh.opt_f = on; break;
			case 'n': sh.opt_n = on; break;
			case 'm': break;
			default: usage();
			}
		}
	}
	if (command) {
		if (i >= argc)
			usage();
		command = argv[i++];
		if (i < argc)
			sh.arg0 = argv[i++];
	} else if (!read_stdin && i < argc) {
		sh.arg0 = argv[i++];
		sh.argv = argv + i;
		sh.argc = argc - i;
		setup_signals();
		sh_exit(exec_file(sh.arg0, 1));
	}
	sh.argv = argv + i;
	sh.argc = argc - i;
	sh.interactive = force_i || (!command && isatty(0) && isatty(2));
	setup_signals();
	if (command)
		sh_exit(exec_string(command, "sh"));
	sh_exit(repl());
}
