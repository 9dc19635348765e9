/* poll.c: poll and select (ppoll/pselect6 underneath) on pipes and eventfds: readiness,
 * timeouts, hang-up, a wait woken by another process's write, and a signal handler ending
 * the wait with EINTR. Compared with this machine's kernel running it natively. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_usr1(int sig) { (void)sig; }

int main(void)
{
	int p[2];
	pipe(p);
	struct pollfd fds[3] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 }, { 99, POLLIN, 0 } };
	int r = poll(fds, 3, 0);
	printf("empty pipe: %d revents=%x %x %x\n", r, fds[0].revents, fds[1].revents, fds[2].revents);
	write(p[1], "x", 1);
	r = poll(fds, 2, 0);
	printf("after write: %d revents=%x %x\n", r, fds[0].revents, fds[1].revents);
	char c;
	read(p[0], &c, 1);
	r = poll(fds, 1, 30);
	printf("timeout: %d\n", r);

	pid_t pid = fork();
	if (pid == 0) {
		usleep(20000);
		write(p[1], "y", 1);
		_exit(0);
	}
	r = poll(fds, 1, 5000);
	printf("woken by child: %d revents=%x\n", r, fds[0].revents);
	waitpid(pid, NULL, 0);
	read(p[0], &c, 1);

	fd_set rd, wr;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	struct timeval tv = { 0, 0 };
	r = select(p[1] + 1, &rd, &wr, NULL, &tv);
	printf("select: %d rd=%d wr=%d\n", r, FD_ISSET(p[0], &rd), FD_ISSET(p[1], &wr));
	FD_ZERO(&rd);
	FD_SET(42, &rd);
	errno = 0;
	r = select(43, &rd, NULL, NULL, &tv);
	printf("select bad fd: %d errno=%d\n", r, errno);

	int e = eventfd(0, 0);
	struct pollfd ef = { e, POLLIN | POLLOUT, 0 };
	poll(&ef, 1, 0);
	printf("eventfd: revents=%x\n", ef.revents);

	close(p[1]);
	fds[0].revents = 0;
	r = poll(fds, 1, 0);
	printf("hangup: %d revents=%x\n", r, fds[0].revents);

	signal(SIGUSR1, on_usr1);
	int q[2];
	pipe(q);
	pid = fork();
	if (pid == 0) {
		usleep(20000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	struct pollfd qf = { q[0], POLLIN, 0 };
	errno = 0;
	r = poll(&qf, 1, 5000);
	printf("signal: %d errno=%d\n", r, errno);
	waitpid(pid, NULL, 0);
	return 0;
}
