/* signals.c: handlers, masks, siginfo and ucontext on riscv64 — kill to self, a blocked signal
 * kept pending, SIGCHLD from an exiting child, a SIGSEGV handler reading si_addr/si_code and
 * skipping the faulting instruction through the ucontext, an alternate signal stack, and
 * SA_RESETHAND. Prints deterministic text. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr1, got_chld, chld_code, chld_status, on_alt;
static volatile uintptr_t segv_addr;
static volatile int segv_code;
static char altstack[16384];

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_usr1 = sig + (si->si_code == SI_USER ? 1000 : 0);
}

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	got_chld++;
	chld_code = si->si_code;
	chld_status = si->si_status;
}

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	int local;
	(void)sig;
	segv_addr = (uintptr_t)si->si_addr;
	segv_code = si->si_code;
	on_alt = (char *)&local >= altstack && (char *)&local < altstack + sizeof altstack;
	/* Skip the faulting 4-byte store: resume after it. */
	uc->uc_mcontext.__gregs[REG_PC] += 4;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	printf("usr1: %d\n", (int)got_usr1);

	sigset_t set, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	got_usr1 = 0;
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR1);
	sigpending(&pend);
	printf("blocked: got=%d pending=%d\n", (int)got_usr1, sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("unblocked: got=%d\n", (int)got_usr1);

	sa.sa_sigaction = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(9);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		;
	printf("sigchld: count=%d code=%d status=%d exit=%d\n", (int)got_chld, (int)chld_code,
	       (int)chld_status, WEXITSTATUS(status));

	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
	sigaltstack(&ss, NULL);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	*(volatile int *)0x1230 = 5;
	printf("segv: addr=%#lx code=%d altstack=%d\n", (unsigned long)segv_addr, segv_code, (int)on_alt);

	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	struct sigaction now;
	sigaction(SIGUSR2, NULL, &now);
	printf("resethand: got=%d reset=%d\n", (int)got_usr1, now.sa_handler == SIG_DFL);

	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	printf("sigterm child: signaled=%d sig=%d\n", WIFSIGNALED(status), WTERMSIG(status));
	return 0;
}
