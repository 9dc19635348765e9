/* epoll.c: epoll_create1, epoll_ctl, epoll_pwait and epoll_pwait2 on pipes, eventfds and
 * nested epoll fds: the errnos of bad calls, level- and edge-triggered reports, EPOLLONESHOT,
 * hang-up and error bits, the round robin of a short maxevents, timeouts, a sigmask that lets
 * a pending signal in (EINTR), a wait woken by another process, and what closing a watched
 * file does. Compared with this machine's kernel running the same source natively. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void check(const char *what, long r)
{
	printf("%s: %ld", what, r);
	if (r < 0)
		printf(" errno=%d", errno);
	printf("\n");
	errno = 0;
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int mod(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

/* One epoll_wait, printed as "what: n [data:events ...]". */
static void wait_print(const char *what, int ep, int max, int timeout)
{
	struct epoll_event evs[8];
	int n = epoll_wait(ep, evs, max, timeout);
	printf("%s: %d", what, n);
	if (n < 0)
		printf(" errno=%d", errno);
	for (int i = 0; i < n; i++)
		printf(" %llu:%x", (unsigned long long)evs[i].data.u64, evs[i].events);
	printf("\n");
	errno = 0;
}

static void errnos(void)
{
	int ep = epoll_create1(0);
	check("epoll_create1(0) ok", ep >= 0 ? 0 : -1);
	check("epoll_create1(1)", epoll_create1(1));
	int epc = epoll_create1(EPOLL_CLOEXEC);
	check("cloexec FD_CLOEXEC", fcntl(epc, F_GETFD));
	check("F_GETFL", fcntl(ep, F_GETFL));
	char path[64], link[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", ep);
	ssize_t n = readlink(path, link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	printf("fd link: %s\n", link);

	int p[2];
	pipe(p);
	int reg = open("/tmp/epoll_reg", O_CREAT | O_RDWR | O_TRUNC, 0600);
	int dir = open("/", O_RDONLY | O_DIRECTORY);
	int null = open("/dev/null", O_RDWR);
	int opath = open("/tmp", O_PATH);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 1 };
	check("bad epfd", epoll_ctl(999, EPOLL_CTL_ADD, p[0], &ev));
	check("bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev));
	check("O_PATH fd", epoll_ctl(ep, EPOLL_CTL_ADD, opath, &ev));
	check("regular file", epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev));
	check("directory", epoll_ctl(ep, EPOLL_CTL_ADD, dir, &ev));
	check("/dev/null", epoll_ctl(ep, EPOLL_CTL_ADD, null, &ev));
	check("epfd == fd", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	check("epfd not epoll", epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev));
	check("bad op", epoll_ctl(ep, 99, p[0], &ev));
	check("bad op, bad pointer", epoll_ctl(ep, 99, p[0], (void *)8));
	check("add, bad pointer", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], (void *)8));
	check("mod missing", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	check("del missing", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	check("add", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	check("add again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	check("mod", mod(ep, p[0], EPOLLIN | EPOLLET, 2));
	check("del, NULL event", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	check("del again", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));

	check("exclusive add", add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 3));
	check("exclusive mod", mod(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 3));
	check("mod of an exclusive item", mod(ep, p[0], EPOLLIN, 3));
	check("exclusive + oneshot", add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 4));
	check("exclusive + rdhup", add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLRDHUP, 4));
	check("exclusive + et", add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLET, 4));
	int inner = epoll_create1(0);
	check("exclusive epoll fd", add(ep, inner, EPOLLIN | EPOLLEXCLUSIVE, 5));

	check("maxevents 0", epoll_wait(ep, (struct epoll_event *)&ev, 0, 0));
	volatile int minus_one = -1;
	check("maxevents -1", epoll_wait(ep, (struct epoll_event *)&ev, minus_one, 0));
	check("wait on a pipe", epoll_wait(p[0], (struct epoll_event *)&ev, 1, 0));
	check("wait bad epfd", epoll_wait(999, (struct epoll_event *)&ev, 1, 0));
	check("events beyond user space", epoll_wait(ep, (void *)-4096L, 1, 0));
	write(p[1], "x", 1);
	check("NULL events with one ready", syscall(SYS_epoll_pwait, ep, NULL, 1, 0, NULL, 8));
	sigset_t none;
	sigemptyset(&none);
	check("pwait sigsetsize 4", syscall(SYS_epoll_pwait, ep, &ev, 1, 0, &none, 4));
	struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 };
	check("pwait2 nsec 1e9", syscall(SYS_epoll_pwait2, ep, &ev, 1, &bad, NULL, 8));
	check("pwait2 sec -1", syscall(SYS_epoll_pwait2, ep, &ev, 1, &neg, NULL, 8));
	check("pwait2 bad timeout", syscall(SYS_epoll_pwait2, ep, &ev, 1, (void *)8, NULL, 8));
	close(p[0]);
	close(p[1]);
	close(reg);
	close(dir);
	close(null);
	close(opath);
	close(inner);
	close(epc);
	close(ep);
	unlink("/tmp/epoll_reg");
}

static void loops(void)
{
	int a = epoll_create1(0), b = epoll_create1(0);
	check("a watches b", add(a, b, EPOLLIN, 0));
	check("b watches a", add(b, a, EPOLLIN, 0));
	close(a);
	close(b);
	int e[8];
	for (int i = 0; i < 8; i++)
		e[i] = epoll_create1(0);
	/* A chain e0 -> e1 -> e2 ...: how long may it grow, built top down and bottom up? */
	for (int i = 0; i < 7; i++) {
		char what[32];
		snprintf(what, sizeof what, "chain e%d watches e%d", i, i + 1);
		check(what, add(e[i], e[i + 1], EPOLLIN, i));
	}
	for (int i = 0; i < 8; i++)
		close(e[i]);
	for (int i = 0; i < 8; i++)
		e[i] = epoll_create1(0);
	for (int i = 6; i >= 0; i--) {
		char what[32];
		snprintf(what, sizeof what, "up e%d watches e%d", i, i + 1);
		check(what, add(e[i], e[i + 1], EPOLLIN, i));
	}
	for (int i = 0; i < 8; i++)
		close(e[i]);
}

static void triggers(void)
{
	int ep = epoll_create1(0);
	int p[2];
	pipe(p);
	char buf[16];
	add(ep, p[0], EPOLLIN, 10);
	wait_print("lt empty", ep, 8, 0);
	write(p[1], "ab", 2);
	wait_print("lt data", ep, 8, 0);
	wait_print("lt data again", ep, 8, 0);
	read(p[0], buf, 1);
	wait_print("lt after partial read", ep, 8, 0);
	read(p[0], buf, 1);
	wait_print("lt drained", ep, 8, 0);

	mod(ep, p[0], EPOLLIN | EPOLLET, 11);
	wait_print("et empty", ep, 8, 0);
	write(p[1], "cd", 2);
	wait_print("et data", ep, 8, 0);
	wait_print("et no new edge", ep, 8, 0);
	write(p[1], "e", 1);
	wait_print("et second write", ep, 8, 0);
	read(p[0], buf, sizeof buf);

	mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 12);
	wait_print("oneshot empty", ep, 8, 0);
	write(p[1], "f", 1);
	wait_print("oneshot data", ep, 8, 0);
	wait_print("oneshot disabled", ep, 8, 0);
	write(p[1], "g", 1);
	wait_print("oneshot disabled after write", ep, 8, 0);
	mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 13);
	wait_print("oneshot rearmed", ep, 8, 0);
	read(p[0], buf, sizeof buf);

	mod(ep, p[0], EPOLLIN | EPOLLRDHUP, 14);
	add(ep, p[1], EPOLLOUT | EPOLLRDHUP, 15);
	wait_print("rdhup, writable", ep, 8, 0);
	close(p[1]);
	wait_print("writer closed", ep, 8, 0);
	close(p[0]);
	wait_print("both closed", ep, 8, 0);

	pipe(p);
	add(ep, p[1], EPOLLOUT, 16);
	close(p[0]);
	wait_print("reader closed", ep, 8, 0);
	close(p[1]);

	pipe(p);
	add(ep, p[0], 0, 17);
	wait_print("no events asked", ep, 8, 0);
	close(p[1]);
	wait_print("no events asked, hangup", ep, 8, 0);
	close(p[0]);
	close(ep);
}

static void eventfds_and_nesting(void)
{
	int ep = epoll_create1(0);
	int efd = eventfd(0, EFD_NONBLOCK);
	add(ep, efd, EPOLLIN | EPOLLOUT, 20);
	wait_print("eventfd zero", ep, 8, 0);
	uint64_t v = 3;
	write(efd, &v, 8);
	wait_print("eventfd three", ep, 8, 0);
	read(efd, &v, 8);

	int inner = epoll_create1(0);
	int p[2];
	pipe(p);
	add(inner, p[0], EPOLLIN, 21);
	add(ep, inner, EPOLLIN, 22);
	mod(ep, efd, EPOLLIN, 20);
	wait_print("nested idle", ep, 8, 0);
	write(p[1], "x", 1);
	struct pollfd pf = { inner, POLLIN, 0 };
	check("poll inner", poll(&pf, 1, 0));
	printf("poll inner revents: %x\n", pf.revents);
	wait_print("nested ready", ep, 8, 0);
	wait_print("inner reports", inner, 8, 0);
	char c;
	read(p[0], &c, 1);
	wait_print("nested drained", ep, 8, 0);

	int q[2][2];
	int ep2 = epoll_create1(0);
	for (int i = 0; i < 2; i++) {
		pipe(q[i]);
		write(q[i][1], "z", 1);
	}
	write(p[1], "y", 1);
	add(ep2, p[0], EPOLLIN, 30);
	add(ep2, q[0][0], EPOLLIN, 31);
	add(ep2, q[1][0], EPOLLIN, 32);
	wait_print("round robin 1", ep2, 2, 0);
	wait_print("round robin 2", ep2, 2, 0);
	wait_print("round robin 3", ep2, 2, 0);
	wait_print("round robin all", ep2, 8, 0);
	for (int i = 0; i < 2; i++) {
		close(q[i][0]);
		close(q[i][1]);
	}
	close(p[0]);
	close(p[1]);
	close(ep2);
	close(inner);
	close(efd);
	close(ep);
}

static void closing(void)
{
	int ep = epoll_create1(0);
	int p[2];
	pipe(p);
	add(ep, p[0], EPOLLIN, 40);
	write(p[1], "x", 1);
	int d = dup(p[0]);
	close(p[0]);
	wait_print("closed fd, dup open", ep, 8, 0);
	check("del by the dup fd", epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL));
	check("del by the closed fd", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	close(d);
	wait_print("last reference closed", ep, 8, 0);
	check("re-add a new file at the old fd", add(ep, p[1], EPOLLOUT, 41));
	wait_print("new item", ep, 8, 0);
	close(p[1]);
	close(ep);
}

static void on_usr1(int sig) { (void)sig; }

static void waiting(void)
{
	int ep = epoll_create1(0);
	int p[2];
	pipe(p);
	add(ep, p[0], EPOLLIN, 50);
	wait_print("timeout 30ms", ep, 8, 30);
	struct timespec ts = { 0, 20000000 };
	struct epoll_event ev;
	check("pwait2 20ms", syscall(SYS_epoll_pwait2, ep, &ev, 1, &ts, NULL, 8));
	struct timespec zero = { 0, 0 };
	check("pwait2 zero", syscall(SYS_epoll_pwait2, ep, &ev, 1, &zero, NULL, 8));

	pid_t pid = fork();
	if (pid == 0) {
		usleep(20000);
		write(p[1], "y", 1);
		_exit(0);
	}
	wait_print("woken by child", ep, 8, -1);
	waitpid(pid, NULL, 0);
	char c;
	read(p[0], &c, 1);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t usr1, none;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	kill(getpid(), SIGUSR1);
	check("pwait, mask lets SIGUSR1 in", epoll_pwait(ep, &ev, 1, -1, &none));
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("SIGUSR1 blocked again: %d\n", sigismember(&now, SIGUSR1));
	kill(getpid(), SIGUSR1);
	write(p[1], "z", 1);
	check("pwait, ready beats the signal", epoll_pwait(ep, &ev, 1, -1, &none));
	sigprocmask(SIG_BLOCK, NULL, &now);
	sigset_t pend;
	sigpending(&pend);
	printf("SIGUSR1 still pending: %d\n", sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);

	pid = fork();
	if (pid == 0) {
		usleep(20000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	read(p[0], &c, 1);
	check("SA_RESTART handler still ends the wait", epoll_wait(ep, &ev, 1, -1));
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
	close(ep);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	errnos();
	loops();
	triggers();
	eventfds_and_nesting();
	closing();
	waiting();
	return 0;
}
