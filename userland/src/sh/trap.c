/* trap.c: the trap builtin. A trapped signal only sets a flag in its handler; the commands
 * run at safe points (between commands, and when a read at the prompt is interrupted), as
 * POSIX shells do. Traps are reset to the default action in child processes. */
#include "sh.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NTRAP 32
static char *trap_cmd[NTRAP];            /* index 0 is EXIT */
static volatile sig_atomic_t trap_pending[NTRAP];
static volatile sig_atomic_t any_pending;

static const char *const signames[NTRAP] = {
	"EXIT", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
	"USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
	"URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
};

static int signum(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && !*end)
		return n >= 0 && n < NTRAP ? (int)n : -1;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int i = 0; i < NTRAP; i++)
		if (!strcasecmp(s, signames[i]))
			return i;
	return -1;
}

static void on_trap(int sig)
{
	trap_pending[sig] = 1;
	any_pending = 1;
}

/* Run the commands of every trap whose signal arrived; returns whether any ran. */
int run_pending_traps(void)
{
	int ran = 0;
	while (any_pending) {
		any_pending = 0;
		for (int i = 1; i < NTRAP; i++) {
			if (!trap_pending[i])
				continue;
			trap_pending[i] = 0;
			if (trap_cmd[i] && *trap_cmd[i]) {
				int saved = sh.last_status;
				exec_string(trap_cmd[i], "trap");
				sh.last_status = saved;
				ran = 1;
			}
		}
	}
	return ran;
}

void run_exit_trap(void)
{
	char *cmd = trap_cmd[0];
	trap_cmd[0] = NULL;
	if (cmd && *cmd)
		exec_string(cmd, "trap");
}

/* In a child: trapped signals go back to their defaults (ignored ones stay ignored). */
void trap_reset_child(void)
{
	for (int i = 1; i < NTRAP; i++)
		if (trap_cmd[i] && *trap_cmd[i])
			signal(i, SIG_DFL);
}

static int set_trap(const char *cmd, int sig)
{
	if (sig == SIGKILL || sig == SIGSTOP) {
		sh_error("trap: %s: cannot be trapped", signames[sig]);
		return 1;
	}
	free(trap_cmd[sig]);
	trap_cmd[sig] = cmd && strcmp(cmd, "-") ? strdup(cmd) : NULL;
	if (sig == 0)
		return 0;
	struct sigaction sa = {0};
	sigemptyset(&sa.sa_mask);
	if (!cmd || !strcmp(cmd, "-"))
		sa.sa_handler = SIG_DFL;
	else if (!*cmd)
		sa.sa_handler = SIG_IGN;
	else
		sa.sa_handler = on_trap; /* no SA_RESTART: the prompt's read returns to run it */
	sigaction(sig, &sa, NULL);
	return 0;
}

int bi_trap(int argc, char **argv)
{
	if (argc == 1) {
		for (int i = 0; i < NTRAP; i++)
			if (trap_cmd[i])
				printf("trap -- '%s' %s\n", trap_cmd[i], signames[i]);
		return 0;
	}
	int first = 1;
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--"))
		cmd = argv[++first];
	if (!cmd)
		return 0;
	/* "trap SIG..." with a number as the first word resets them, as POSIX says. */
	if (signum(cmd) >= 0 && strcmp(cmd, "") && first == 1 && strspn(cmd, "0123456789") == strlen(cmd)) {
		cmd = "-";
		first = 0;
	}
	int status = 0;
	for (int i = first + 1; i < argc; i++) {
		int sig = signum(argv[i]);
		if (sig < 0) {
			sh_error("trap: %s: bad trap", argv[i]);
			status = 1;
			continue;
		}
		status |= set_trap(cmd, sig);
	}
	return status;
}
