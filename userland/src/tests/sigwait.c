/* sigwait.c: sigtimedwait/sigwaitinfo on blocked signals (one already pending, one sent by a
 * child later, a timeout) and sigqueue carrying a value; compared with the native kernel. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	siginfo_t si;
	union sigval v = { .sival_int = 1234 };
	sigqueue(getpid(), SIGUSR2, v);
	int r = sigwaitinfo(&set, &si);
	printf("pending: sig=%d code=%d value=%d self=%d\n", r, si.si_code, si.si_value.sival_int, si.si_pid == getpid());

	pid_t pid = fork();
	if (pid == 0) {
		usleep(20000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	struct timespec ts = { 5, 0 };
	r = sigtimedwait(&set, &si, &ts);
	printf("from child: sig=%d code=%d from_child=%d\n", r, si.si_code, si.si_pid == pid);
	waitpid(pid, NULL, 0);

	struct timespec shortwait = { 0, 20000000 };
	errno = 0;
	r = sigtimedwait(&set, &si, &shortwait);
	printf("timeout: %d errno=%d\n", r, errno);
	struct timespec bad = { 0, 2000000000 };
	errno = 0;
	r = sigtimedwait(&set, &si, &bad);
	printf("bad timeout: %d errno=%d\n", r, errno);
	return 0;
}
