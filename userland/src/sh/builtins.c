/* userland/src/sh/builtins.c: commands the shell runs itself.
 *
 * Special builtins (POSIX 2.14: : . break continue eval exec exit export return set shift
 * unset) keep the variable assignments written before them; the others get them only for
 * their duration (exec.c). Messages follow bash ("sh: cd: x: No such file or directory").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh.h"

static int bi_true(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int bi_false(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 1;
}

static int bi_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : var_get("HOME");
	char cwd[4096];
	int print = 0;
	if (!dir) {
		sh_error("cd: HOME not set");
		return 1;
	}
	if (!strcmp(dir, "-")) {
		dir = var_get("OLDPWD");
		if (!dir) {
			sh_error("cd: OLDPWD not set");
			return 1;
		}
		print = 1;
	}
	if (chdir(dir) < 0) {
		sh_error("cd: %s: %s", dir, strerror(errno));
		return 1;
	}
	if (var_get("PWD"))
		var_set("OLDPWD", var_get("PWD"), 0);
	if (getcwd(cwd, sizeof(cwd)))
		var_set("PWD", cwd, 0);
	if (print)
		printf("%s\n", cwd);
	return 0;
}

static int bi_pwd(int argc, char **argv)
{
	char cwd[4096];
	(void)argc;
	(void)argv;
	if (!getcwd(cwd, sizeof(cwd))) {
		sh_error("pwd: %s", strerror(errno));
		return 1;
	}
	printf("%s\n", cwd);
	return 0;
}

static int parse_status(const char *who, const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end) {
		sh_error("%s: %s: numeric argument required", who, s);
		*out = 2;
		return -1;
	}
	*out = (int)(v & 255);
	return 0;
}

static int bi_exit(int argc, char **argv)
{
	int status = sh.last_status;
	if (argc > 1)
		parse_status("exit", argv[1], &status);
	sh_exit(status);
}

static int bi_return(int argc, char **argv)
{
	int status = sh.last_status;
	if (argc > 1 && parse_status("return", argv[1], &status) < 0)
		return 2;
	sh.last_status = status;
	sh.returning = 1;
	return status;
}

static int loop_ctl(int argc, char **argv, int *counter)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	if (n < 1) {
		sh_error("%s: %s: loop count out of range", argv[0], argv[1]);
		return 1;
	}
	if (!sh.loop_depth)
		return 0;
	*counter = n > sh.loop_depth ? sh.loop_depth : n;
	return 0;
}

static int bi_break(int argc, char **argv)
{
	return loop_ctl(argc, argv, &sh.break_count);
}

static int bi_continue(int argc, char **argv)
{
	return loop_ctl(argc, argv, &sh.continue_count);
}

static int bi_export(int argc, char **argv)
{
	int i = 1;
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "-p"))) {
		var_print(1);
		return 0;
	}
	if (!strcmp(argv[1], "-p"))
		i++;
	for (; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		if (!var_is_name(argv[i], n)) {
			sh_error("export: `%s': not a valid identifier", argv[i]);
			return 1;
		}
		if (eq) {
			*eq = 0;
			var_set(argv[i], eq + 1, 1);
			*eq = '=';
		} else {
			var_export(argv[i]);
		}
	}
	return 0;
}

static int bi_unset(int argc, char **argv)
{
	int funcs = 0, i = 1;
	if (argc > 1 && (!strcmp(argv[1], "-f") || !strcmp(argv[1], "-v"))) {
		funcs = argv[1][1] == 'f';
		i++;
	}
	for (; i < argc; i++) {
		if (funcs)
			func_unset(argv[i]);
		else
			var_unset(argv[i]);
	}
	return 0;
}

static int set_option(char c, int on)
{
	switch (c) {
	case 'e': sh.opt_e = on; return 0;
	case 'x': sh.opt_x = on; return 0;
	case 'u': sh.opt_u = on; return 0;
	case 'f': sh.opt_f = on; return 0;
	case 'n': sh.opt_n = on; return 0;
	case 'm': case 'i': case 'h': case 'b': case 'C': case 'v': return 0;
	}
	sh_error("set: -%c: invalid option", c);
	return -1;
}

static int set_long_option(const char *name, int on)
{
	static const char *names[] = {"errexit", "xtrace", "nounset", "noglob", "noexec"};
	static const char letters[] = "exufn";
	if (!name) {
		for (int k = 0; k < 5; k++)
			printf("%-15s %s\n", names[k], (k == 0 ? sh.opt_e : k == 1 ? sh.opt_x :
				k == 2 ? sh.opt_u : k == 3 ? sh.opt_f : sh.opt_n) ? "on" : "off");
		return 0;
	}
	for (int k = 0; k < 5; k++)
		if (!strcmp(name, names[k]))
			return set_option(letters[k], on);
	if (!strcmp(name, "pipefail")) {
		sh.opt_pipefail = on;
		return 0;
	}
	if (!strcmp(name, "monitor"))
		return 0;
	sh_error("set: %s: invalid option name", name);
	return 1;
}

static void set_positional(int argc, char **argv)
{
	/* Leaked on purpose: a function may still hold the old array (exec.c restores it). */
	char **v = calloc((size_t)argc + 1, sizeof(char *));
	for (int i = 0; i < argc; i++)
		v[i] = strdup(argv[i]);
	sh.argv = v;
	sh.argc = argc;
}

static int bi_set(int argc, char **argv)
{
	int i = 1;
	if (argc == 1) {
		var_print(0);
		return 0;
	}
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			set_positional(argc - i, argv + i);
			return 0;
		}
		if ((a[0] != '-' && a[0] != '+') || !a[1])
			break;
		if (a[1] == 'o') {
			if (set_long_option(i + 1 < argc ? argv[i + 1] : NULL, a[0] == '-'))
				return 1;
			i++;
			continue;
		}
		for (const char *c = a + 1; *c; c++)
			if (set_option(*c, a[0] == '-') < 0)
				return 2;
	}
	if (i < argc)
		set_positional(argc - i, argv + i);
	return 0;
}

static int bi_shift(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	if (n < 0 || n > sh.argc) {
		sh_error("shift: can't shift that many");
		return 1;
	}
	sh.argv += n;
	sh.argc -= n;
	return 0;
}

static int bi_source(int argc, char **argv)
{
	char *path;
	int status;
	if (argc < 2) {
		sh_error("%s: filename argument required", argv[0]);
		return 2;
	}
	path = strchr(argv[1], '/') ? strdup(argv[1]) : find_in_path(argv[1]);
	if (!path)
		path = strdup(argv[1]);
	if (argc > 2) {
		char **old = sh.argv;
		int old_n = sh.argc;
		sh.argv = argv + 2;
		sh.argc = argc - 2;
		status = exec_file(path, 1);
		sh.argv = old;
		sh.argc = old_n;
	} else {
		status = exec_file(path, 1);
	}
	if (sh.returning)
		sh.returning = 0;
	free(path);
	return status;
}

static int bi_eval(int argc, char **argv)
{
	struct str s = {0};
	int status;
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			str_putc(&s, ' ');
		str_puts(&s, argv[i]);
	}
	if (!s.s)
		return 0;
	status = exec_string(s.s, "eval");
	free(s.s);
	return status;
}

/* echo_escape: prints s interpreting \n \t \\ \c \0nnn...; returns 1 after \c. */
int echo_escape(const char *s)
{
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			putchar(*s);
			continue;
		}
		switch (*++s) {
		case 'n': putchar('\n'); break;
		case 't': putchar('\t'); break;
		case 'r': putchar('\r'); break;
		case 'a': putchar('\a'); break;
		case 'b': putchar('\b'); break;
		case 'f': putchar('\f'); break;
		case 'v': putchar('\v'); break;
		case 'e': putchar(27); break;
		case '\\': putchar('\\'); break;
		case 'c': return 1;
		case '0': {
			int v = 0, k = 0;
			while (k < 3 && s[1] >= '0' && s[1] <= '7') {
				v = v * 8 + (*++s - '0');
				k++;
			}
			putchar(v);
			break;
		}
		default: putchar('\\'); putchar(*s); break;
		}
	}
	return 0;
}

static int bi_echo(int argc, char **argv)
{
	int nl = 1, esc = 0, i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *f = argv[i] + 1;
		if (strspn(f, "neE") != strlen(f))
			break;
		for (; *f; f++) {
			if (*f == 'n')
				nl = 0;
			else
				esc = *f == 'e';
		}
	}
	for (; i < argc; i++) {
		if (esc ? echo_escape(argv[i]) : (fputs(argv[i], stdout), 0))
			return fflush(stdout), 0;
		if (i + 1 < argc)
			putchar(' ');
	}
	if (nl)
		putchar('\n');
	if (fflush(stdout) != 0) {
		sh_error("echo: write error: %s", strerror(errno));
		clearerr(stdout);
		return 1;
	}
	return 0;
}

static int bi_umask(int argc, char **argv)
{
	mode_t m = umask(0);
	umask(m);
	if (argc < 2) {
		printf("%04o\n", (unsigned)m);
		return 0;
	}
	if (!strcmp(argv[1], "-S")) {
		mode_t p = ~m & 0777;
		printf("u=%s%s%s,g=%s%s%s,o=%s%s%s\n", p & 0400 ? "r" : "", p & 0200 ? "w" : "",
		       p & 0100 ? "x" : "", p & 040 ? "r" : "", p & 020 ? "w" : "", p & 010 ? "x" : "",
		       p & 04 ? "r" : "", p & 02 ? "w" : "", p & 01 ? "x" : "");
		return 0;
	}
	char *end;
	long v = strtol(argv[1], &end, 8);
	if (*end || v < 0 || v > 0777) {
		sh_error("umask: %s: invalid octal number", argv[1]);
		return 1;
	}
	umask((mode_t)v);
	return 0;
}

static int bi_read(int argc, char **argv)
{
	int raw = 0, i = 1, eof = 0;
	struct str line = {0};
	const char *ifs = var_get("IFS");
	if (!ifs)
		ifs = " \t\n";
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-r")) {
			raw = 1;
		} else if (!strcmp(argv[i], "-p") && i + 1 < argc) {
			fputs(argv[++i], stderr);
			fflush(stderr);
		} else {
			break;
		}
	}
	for (;;) {
		char c;
		ssize_t r = read(0, &c, 1);
		if (r < 0 && errno == EINTR && !sh.got_sigint)
			continue;
		if (r <= 0) {
			eof = 1;
			break;
		}
		if (c == '\\' && !raw) {
			if (read(0, &c, 1) == 1 && c != '\n')
				str_putc(&line, c);
			continue;
		}
		if (c == '\n')
			break;
		str_putc(&line, c);
	}
	char *p = line.s ? line.s : "";
	if (i >= argc) {
		var_set("REPLY", p, 0);
	}
	for (; i < argc; i++) {
		while (*p && strchr(ifs, *p) && strchr(" \t\n", *p))
			p++;
		if (i == argc - 1) {
			size_t n = strlen(p);
			while (n && strchr(ifs, p[n - 1]) && strchr(" \t\n", p[n - 1]))
				p[--n] = 0;
			var_set(argv[i], p, 0);
			break;
		}
		char *s = p;
		while (*p && !strchr(ifs, *p))
			p++;
		char save = *p;
		*p = 0;
		var_set(argv[i], s, 0);
		*p = save;
		if (*p)
			p++;
	}
	free(line.s);
	return eof && !line.len ? 1 : eof;
}

static int sig_number(const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);
	if (!*end && end != name)
		return n >= 0 && n < 65 ? (int)n : -1;
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (int s = 1; s < 32; s++) {
		const char *a = sigabbrev_np(s);
		if (a && !strcasecmp(a, name))
			return s;
	}
	return -1;
}

static int bi_kill(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;
	if (argc > 1 && !strcmp(argv[1], "-l")) {
		if (argc > 2) {
			int n = atoi(argv[2]);
			n = n > 128 ? n - 128 : n;
			const char *a = sigabbrev_np(n);
			printf("%s\n", a ? a : "?");
			return a ? 0 : 1;
		}
		for (int s = 1; s < 32; s++)
			printf("%2d) SIG%-9s%s", s, sigabbrev_np(s), s % 5 == 0 ? "\n" : " ");
		printf("\n");
		return 0;
	}
	if (i < argc && (!strcmp(argv[i], "-s") || !strcmp(argv[i], "-n")) && i + 1 < argc) {
		sig = sig_number(argv[i + 1]);
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--")) {
		sig = sig_number(argv[i] + 1);
		i++;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (sig < 0) {
		sh_error("kill: %s: invalid signal specification", argv[i - 1]);
		return 1;
	}
	if (i >= argc) {
		sh_error("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]");
		return 2;
	}
	for (; i < argc; i++) {
		pid_t pid;
		if (argv[i][0] == '%') {
			if (kill_job_spec(argv[i], &pid) < 0) {
				status = 1;
				continue;
			}
			pid = sh.jobctl ? -pid : pid;
		} else {
			char *end;
			pid = (pid_t)strtol(argv[i], &end, 10);
			if (*end || end == argv[i]) {
				sh_error("kill: %s: arguments must be process or job IDs", argv[i]);
				status = 1;
				continue;
			}
		}
		if (kill(pid, sig) < 0) {
			sh_error("kill: (%s) - %s", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}

static int bi_type(int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++) {
		char *p;
		if (func_lookup(argv[i])) {
			printf("%s is a function\n", argv[i]);
		} else if (builtin_lookup(argv[i])) {
			printf("%s is a shell builtin\n", argv[i]);
		} else if ((p = strchr(argv[i], '/') ? strdup(argv[i]) : find_in_path(argv[i]))) {
			printf("%s is %s\n", argv[i], p);
			free(p);
		} else {
			sh_error("type: %s: not found", argv[i]);
			status = 1;
		}
	}
	return status;
}

int test_main(int argc, char **argv);

static const struct {
	const char *name;
	builtin_fn fn;
	int special;
} builtins[] = {
	{".", bi_source, 1}, {":", bi_true, 1}, {"[", test_main, 0}, {"bg", bg_builtin, 0},
	{"break", bi_break, 1}, {"cd", bi_cd, 0}, {"continue", bi_continue, 1},
	{"echo", bi_echo, 0}, {"eval", bi_eval, 1}, {"exit", bi_exit, 1},
	{"export", bi_export, 1}, {"false", bi_false, 0}, {"fg", fg_builtin, 0},
	{"jobs", jobs_builtin, 0}, {"kill", bi_kill, 0}, {"pwd", bi_pwd, 0}, {"read", bi_read, 0},
	{"return", bi_return, 1}, {"set", bi_set, 1}, {"shift", bi_shift, 1},
	{"source", bi_source, 1}, {"test", test_main, 0}, {"trap", bi_trap, 1}, {"true", bi_true, 0},
	{"type", bi_type, 0}, {"umask", bi_umask, 0}, {"unset", bi_unset, 1},
	{"wait", wait_builtin, 0},
};

builtin_fn builtin_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(builtins[i].name, name))
			return builtins[i].fn;
	return NULL;
}

int builtin_is_special(const char *name)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(builtins[i].name, name))
			return builtins[i].special;
	return 0;
}
