/* userland/src/selftests/ksft_jobctl.c: process groups, sessions and job-control stops.
 *
 * setpgid/getpgid/setsid and their errnos; SIGSTOP/SIGCONT as waitpid (WUNTRACED, WCONTINUED)
 * and waitid (CLD_STOPPED, CLD_CONTINUED, CLD_EXITED) report them; kill(-pgrp); SIGTSTP's
 * default stop; and a process group orphaned while one of its members is stopped getting
 * SIGHUP and SIGCONT, after which SIGTSTP no longer stops it (kernel/exit.c
 * kill_orphaned_pgrp, kernel/signal.c do_signal_stop).
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"

#define NO_SUCH_PID 0x3ffffff0

/* pauser: a child that waits for signals; in its own process group when own_pgrp. */
static pid_t pauser(int own_pgrp)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (own_pgrp)
			setpgid(0, 0);
		for (;;)
			pause();
	}
	if (pid > 0 && own_pgrp)
		setpgid(pid, pid); /* both sides, so it holds whoever runs first */
	return pid;
}

/* child_status: runs fn in a child and returns its exit status (or -1). */
static int child_status(int (*fn)(void))
{
	int st;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int leader_setsid(void)
{
	if (setpgid(0, 0) < 0)
		return 100;
	return setsid() < 0 ? errno : 0;
}

static int new_session(void)
{
	pid_t sid = setsid();
	if (sid != getpid() || getsid(0) != sid || getpgrp() != sid)
		return 100;
	/* A session leader cannot move to another process group. */
	return setpgid(0, 0) < 0 ? errno : 0;
}

static void test_pgid_errnos(void)
{
	ksft_test_result(getpgid(0) == getpgrp() && getpgid(getpid()) == getpgrp() && getsid(0) == getsid(getpid()),
			 "getpgid(0) and getsid(0) name the caller's group and session");
	KSFT_EXPECT_ERRNO(getpgid(NO_SUCH_PID), ESRCH, "getpgid of no process: ESRCH");
	KSFT_EXPECT_ERRNO(getsid(NO_SUCH_PID), ESRCH, "getsid of no process: ESRCH");
	KSFT_EXPECT_ERRNO(setpgid(0, -1), EINVAL, "setpgid to a negative group: EINVAL");
	KSFT_EXPECT_ERRNO(setpgid(NO_SUCH_PID, 0), ESRCH, "setpgid of no process: ESRCH");
	ksft_test_result(child_status(leader_setsid) == EPERM, "setsid by a process group leader: EPERM");
	ksft_test_result(child_status(new_session) == EPERM,
			 "setsid makes a session and group leader; setpgid then: EPERM");

	pid_t c = pauser(0);
	KSFT_EXPECT_ERRNO(setpgid(c, NO_SUCH_PID), EPERM, "setpgid into no group of the session: EPERM");
	ksft_test_result(setpgid(c, c) == 0 && getpgid(c) == c && setpgid(c, getpgrp()) == 0 && getpgid(c) == getpgrp(),
			 "setpgid moves a child into a new group and back");
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
}

static int stop_reports_ok(pid_t c, int stopsig)
{
	int st = 0;
	pid_t w = 0;
	/* Bounded: a stop that never comes is a failure, not a hang. */
	for (int i = 0; i < 5000 && w == 0; i++) {
		w = waitpid(c, &st, WUNTRACED | WNOHANG);
		if (w == 0)
			usleep(1000);
	}
	if (w != c || !WIFSTOPPED(st) || WSTOPSIG(st) != stopsig)
		return 0;
	/* A stop is reported once. */
	return waitpid(c, &st, WUNTRACED | WNOHANG) == 0;
}

static void test_stop_cont_waitpid(void)
{
	int st = 0;
	pid_t c = pauser(0);
	kill(c, SIGSTOP);
	int stopped = stop_reports_ok(c, SIGSTOP);
	kill(c, SIGCONT);
	int cont = waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st) && waitpid(c, &st, WCONTINUED | WNOHANG) == 0;
	kill(c, SIGTERM);
	int term = waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM;
	ksft_test_result(stopped, "waitpid WUNTRACED reports a SIGSTOP stop once");
	ksft_test_result(cont, "waitpid WCONTINUED reports the SIGCONT once");
	ksft_test_result(term, "a continued child dies of SIGTERM");
}

static int waitid_is(pid_t c, int options, int code, int status)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)c, &si, options) != 0)
		return 0;
	return si.si_pid == c && si.si_signo == SIGCHLD && si.si_code == code && si.si_status == status;
}

static void test_waitid(void)
{
	siginfo_t si;
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		raise(SIGSTOP);
		_exit(3);
	}
	int stopped = waitid_is(c, WSTOPPED, CLD_STOPPED, SIGSTOP);
	kill(c, SIGCONT);
	int cont = waitid_is(c, WCONTINUED, CLD_CONTINUED, SIGCONT);
	int peek = waitid_is(c, WEXITED | WNOWAIT, CLD_EXITED, 3);
	int exited = waitid_is(c, WEXITED, CLD_EXITED, 3);
	ksft_test_result(stopped && cont, "waitid: CLD_STOPPED with SIGSTOP, CLD_CONTINUED with SIGCONT");
	ksft_test_result(peek && exited, "waitid: CLD_EXITED, left waitable by WNOWAIT");
	KSFT_EXPECT_ERRNO(waitid(P_ALL, 0, &si, 0), EINVAL, "waitid without WEXITED, WSTOPPED or WCONTINUED: EINVAL");
}

static void test_kill_pgrp(void)
{
	int st1 = 0, st2 = 0;
	pid_t a = pauser(1);
	fflush(stdout);
	pid_t b = fork();
	if (b == 0) {
		setpgid(0, a);
		for (;;)
			pause();
	}
	setpgid(b, a);
	int r = kill(-a, SIGTERM);
	waitpid(a, &st1, 0);
	waitpid(b, &st2, 0);
	ksft_test_result(r == 0 && WIFSIGNALED(st1) && WTERMSIG(st1) == SIGTERM && WIFSIGNALED(st2) &&
			 WTERMSIG(st2) == SIGTERM, "kill(-pgrp) signals every member");
	KSFT_EXPECT_ERRNO(kill(-NO_SUCH_PID, SIGTERM), ESRCH, "kill of an empty process group: ESRCH");
}

static void test_sigtstp(void)
{
	int st = 0;
	/* Its own group, whose parent (us) is in another group of the same session: not orphaned. */
	pid_t c = pauser(1);
	kill(c, SIGTSTP);
	int stopped = stop_reports_ok(c, SIGTSTP);
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	ksft_test_result(stopped, "SIGTSTP's default action stops a process");
}

/* The orphaned group: S (a new session) forks C, which leads group G and forks D into it. D
 * stops itself; C waits for the stop and exits. D is re-parented out of the session, so G is
 * orphaned with a stopped member: the kernel sends it SIGHUP then SIGCONT. D reports both,
 * then shows that SIGTSTP no longer stops it. S exits with a bit per finding. */
static volatile sig_atomic_t orphan_got;
static int report_fd;

static void orphan_sig(int sig)
{
	if (sig == SIGHUP)
		orphan_got |= 1;
	else if (sig == SIGCONT)
		orphan_got |= 2;
	else if (sig == SIGUSR1 && write(report_fd, "u", 1) != 1)
		_exit(1);
}

static void orphan_member(void)
{
	signal(SIGHUP, orphan_sig);
	signal(SIGCONT, orphan_sig);
	signal(SIGUSR1, orphan_sig);
	raise(SIGSTOP);
	for (int i = 0; i < 1000 && orphan_got != 3; i++)
		usleep(1000);
	char b = orphan_got == 3 ? 'y' : 'n';
	if (write(report_fd, &b, 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

/* read_report: one byte from D, or 0 if none comes within five seconds. */
static char read_report(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char b = 0;
	if (poll(&pfd, 1, 5000) != 1 || read(fd, &b, 1) != 1)
		return 0;
	return b;
}

static int orphan_session(void)
{
	int p[2], st = 0, bits = 0;
	if (setsid() < 0 || pipe(p) < 0)
		return 100;
	report_fd = p[1];
	pid_t c = fork();
	if (c == 0) {
		setpgid(0, 0);
		pid_t d = fork();
		if (d == 0)
			orphan_member();
		if (waitpid(d, &st, WUNTRACED) != d || !WIFSTOPPED(st))
			_exit(1);
		_exit(0);
	}
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 101;
	if (read_report(p[0]) == 'y')
		bits |= 1;
	/* Stopped by SIGTSTP it could not answer SIGUSR1; orphaned, the stop is discarded. */
	kill(-c, SIGTSTP);
	kill(-c, SIGUSR1);
	if (read_report(p[0]) == 'u')
		bits |= 2;
	kill(-c, SIGKILL);
	return bits;
}

static void test_orphaned_pgrp(void)
{
	int bits = child_status(orphan_session);
	if (bits < 0 || bits >= 100)
		ksft_print_msg("orphan test setup failed (%d)\n", bits);
	ksft_test_result(bits >= 0 && bits < 100 && (bits & 1),
			 "a group orphaned with a stopped member gets SIGHUP and SIGCONT");
	ksft_test_result(bits >= 0 && bits < 100 && (bits & 2), "SIGTSTP does not stop an orphaned group");
}

int main(void)
{
	/* As init (a bare `umwasm run`) our children's groups would count as orphaned, since a
	 * parent that is init links no group to its session: run the tests one level down. */
	if (getpid() == 1) {
		int st;
		pid_t pid = fork();
		if (pid > 0)
			return waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : KSFT_FAIL;
	}
	ksft_print_header();
	ksft_set_plan(20);
	test_pgid_errnos();
	test_stop_cont_waitpid();
	test_waitid();
	test_kill_pgrp();
	test_sigtstp();
	test_orphaned_pgrp();
	ksft_finished();
}
