/* uffd_wp.c: userfaultfd(2) in write-protect mode. The errnos of bad calls (flags, the API
 * handshake, register and write-protect ranges), then a monitor thread that reads the
 * write-protect faults of the main thread and resolves them by un-write-protecting, poll()
 * readiness, O_NONBLOCK reads, UFFDIO_WAKE, unregister, close with a fault pending, and what a
 * fork child keeps. Addresses print relative to the base. Compared with this machine's kernel
 * running the same source natively. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096UL
/* The range ioctls this test uses; the others Linux offers (MOVE, POISON) are left out of the
 * comparison: umwasm does not offer them yet. */
#define WP_IOCTLS ((1ULL << _UFFDIO_WAKE) | (1ULL << _UFFDIO_WRITEPROTECT) | (1ULL << _UFFDIO_COPY) | \
		   (1ULL << _UFFDIO_ZEROPAGE))

static void check(const char *what, long r)
{
	printf("%s: %ld", what, r);
	if (r < 0)
		printf(" errno=%d", errno);
	printf("\n");
	errno = 0;
}

static char *base;
static int uffd;

static int uffd_open(int flags)
{
	return (int)syscall(SYS_userfaultfd, flags);
}

static int api(int fd, uint64_t features)
{
	struct uffdio_api a = { .api = UFFD_API, .features = features };
	return ioctl(fd, UFFDIO_API, &a);
}

static long reg(int fd, unsigned long off, unsigned long len, uint64_t mode, uint64_t *ioctls)
{
	struct uffdio_register r = { .range = { (uintptr_t)base + off, len }, .mode = mode };
	long ret = ioctl(fd, UFFDIO_REGISTER, &r);
	if (ioctls)
		*ioctls = r.ioctls;
	return ret;
}

static char *mbase;

static long unreg(int fd, unsigned long off, unsigned long len)
{
	struct uffdio_range r = { (uintptr_t)(mbase ? mbase : base) + off, len };
	return ioctl(fd, UFFDIO_UNREGISTER, &r);
}

static long wp(int fd, unsigned long off, unsigned long len, uint64_t mode)
{
	struct uffdio_writeprotect w = { .range = { (uintptr_t)base + off, len }, .mode = mode };
	return ioctl(fd, UFFDIO_WRITEPROTECT, &w);
}

static void errnos(void)
{
	uint64_t io = 0;
	int fd;

	check("userfaultfd(bad flags)", uffd_open(0x1));
	check("userfaultfd(O_APPEND)", uffd_open(O_APPEND));
	fd = uffd_open(O_CLOEXEC | O_NONBLOCK);
	check("userfaultfd(O_CLOEXEC|O_NONBLOCK) ok", fd >= 0 ? 0 : -1);
	check("fcntl F_GETFD", fcntl(fd, F_GETFD));
	check("fcntl F_GETFL & (O_NONBLOCK|O_ACCMODE)", fcntl(fd, F_GETFL) & (O_NONBLOCK | O_ACCMODE));
	check("register before API", reg(fd, 0, PG, UFFDIO_REGISTER_MODE_WP, NULL));
	{
		struct uffdio_api a = { .api = 0xab, .features = 0 };
		check("API bad api", ioctl(fd, UFFDIO_API, &a));
		printf("  after: api=%llx features=%llx ioctls=%llx\n", (unsigned long long)a.api,
		       (unsigned long long)a.features, (unsigned long long)a.ioctls);
	}
	{
		struct uffdio_api a = { .api = UFFD_API, .features = 1ULL << 62 };
		check("API unknown feature", ioctl(fd, UFFDIO_API, &a));
		printf("  after: api=%llx features=%llx ioctls=%llx\n", (unsigned long long)a.api,
		       (unsigned long long)a.features, (unsigned long long)a.ioctls);
	}
	{
		struct uffdio_api a = { .api = UFFD_API, .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP };
		check("API", ioctl(fd, UFFDIO_API, &a));
		printf("  api=%llx has_wp=%d ioctls=%llx\n", (unsigned long long)a.api,
		       !!(a.features & UFFD_FEATURE_PAGEFAULT_FLAG_WP), (unsigned long long)a.ioctls);
	}
	check("API again", api(fd, 0));
	check("ioctl unknown", ioctl(fd, _IOWR(UFFDIO, 0x3e, struct uffdio_api), &io));
	check("register mode 0", reg(fd, 0, PG, 0, NULL));
	check("register mode 8", reg(fd, 0, PG, 8, NULL));
	check("register unaligned start", reg(fd, 1, PG, UFFDIO_REGISTER_MODE_WP, NULL));
	check("register unaligned len", reg(fd, 0, PG + 1, UFFDIO_REGISTER_MODE_WP, NULL));
	check("register len 0", reg(fd, 0, 0, UFFDIO_REGISTER_MODE_WP, NULL));
	check("register unmapped", reg(fd, 40 * PG, PG, UFFDIO_REGISTER_MODE_WP, NULL));
	check("register over a hole", reg(fd, 6 * PG, 4 * PG, UFFDIO_REGISTER_MODE_WP, NULL));
	check("register high", reg(fd, 0, (1UL << 47), UFFDIO_REGISTER_MODE_WP, NULL));
	check("register wp", reg(fd, 0, 2 * PG, UFFDIO_REGISTER_MODE_WP, &io));
	printf("  ioctls wake|copy|zeropage|writeprotect=%llx\n", (unsigned long long)(io & WP_IOCTLS));
	check("register missing|wp", reg(fd, 2 * PG, PG, UFFDIO_REGISTER_MODE_WP | UFFDIO_REGISTER_MODE_MISSING, &io));
	printf("  ioctls wake|copy|zeropage|writeprotect=%llx\n", (unsigned long long)(io & WP_IOCTLS));
	{
		int other = uffd_open(0);
		api(other, 0);
		check("register taken by another uffd", reg(other, PG, PG, UFFDIO_REGISTER_MODE_WP, NULL));
		close(other);
	}
	check("writeprotect bad mode", wp(fd, 0, PG, 4));
	check("writeprotect wp|dontwake", wp(fd, 0, PG, UFFDIO_WRITEPROTECT_MODE_WP | UFFDIO_WRITEPROTECT_MODE_DONTWAKE));
	check("writeprotect unaligned", wp(fd, 1, PG, UFFDIO_WRITEPROTECT_MODE_WP));
	check("writeprotect unregistered", wp(fd, 3 * PG, PG, UFFDIO_WRITEPROTECT_MODE_WP));
	check("writeprotect len 0", wp(fd, 0, 0, UFFDIO_WRITEPROTECT_MODE_WP));
	check("writeprotect ok", wp(fd, 0, 2 * PG, UFFDIO_WRITEPROTECT_MODE_WP));
	{
		struct uffdio_range r = { (uintptr_t)base + 1, PG };
		check("wake unaligned", ioctl(fd, UFFDIO_WAKE, &r));
		r.start = (uintptr_t)base;
		check("wake ok", ioctl(fd, UFFDIO_WAKE, &r));
	}
	{
		struct uffd_msg m;
		check("read nonblock empty", read(fd, &m, sizeof(m)));
		check("read short buffer", read(fd, &m, 8));
	}
	check("unregister unaligned", unreg(fd, 1, PG));
	check("unregister hole", unreg(fd, 6 * PG, 4 * PG));
	check("unregister unmapped", unreg(fd, 40 * PG, PG));
	check("unregister ok", unreg(fd, 0, 3 * PG));
	check("writeprotect after unregister", wp(fd, 0, PG, UFFDIO_WRITEPROTECT_MODE_WP));
	base[0] = 1; /* no longer registered: the write goes through */
	check("write after unregister", base[0]);
	close(fd);
}

static int faults_seen;

static void *monitor(void *arg)
{
	int n = (int)(intptr_t)arg;
	for (int i = 0; i < n; i++) {
		struct pollfd p = { .fd = uffd, .events = POLLIN };
		int r = poll(&p, 1, -1);
		if (r != 1 || !(p.revents & POLLIN)) {
			printf("monitor: poll %d revents %x\n", r, p.revents);
			return NULL;
		}
		struct uffd_msg m;
		ssize_t got = read(uffd, &m, sizeof(m));
		if (got != sizeof(m)) {
			printf("monitor: read %zd errno=%d\n", got, errno);
			return NULL;
		}
		unsigned long off = (unsigned long)(m.arg.pagefault.address - (uintptr_t)base);
		printf("monitor: event=%x flags=%llx off=%#lx\n", m.event,
		       (unsigned long long)m.arg.pagefault.flags, off);
		faults_seen++;
		/* Un-write-protect just the faulting page: the writer wakes. */
		if (wp(uffd, off & ~(PG - 1), PG, 0) != 0)
			printf("monitor: unprotect errno=%d\n", errno);
	}
	return NULL;
}

static void wp_faults(void)
{
	pthread_t t;
	uffd = uffd_open(O_CLOEXEC | O_NONBLOCK);
	api(uffd, UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	for (int i = 0; i < 4; i++)
		base[i * PG] = (char)(10 + i);
	check("register 4 pages", reg(uffd, 0, 4 * PG, UFFDIO_REGISTER_MODE_WP, NULL));
	check("protect 4 pages", wp(uffd, 0, 4 * PG, UFFDIO_WRITEPROTECT_MODE_WP));
	/* Reads of protected pages do not fault. */
	check("read page 2", base[2 * PG]);
	pthread_create(&t, NULL, monitor, (void *)(intptr_t)3);
	/* volatile: the compiler must keep the stores, and their order, as written. */
	volatile char *b = base;
	b[0 * PG + 8] = 20;
	b[2 * PG + 16] = 22;
	b[3 * PG + 100] = 23;
	b[2 * PG + 17] = 24; /* unprotected already: no fault */
	pthread_join(t, NULL);
	check("faults", faults_seen);
	check("page 0", base[8]);
	check("page 2", base[2 * PG + 16] + base[2 * PG + 17]);
	check("page 3", base[3 * PG + 100]);
	check("page 1 kept", base[PG]);
	{
		struct pollfd p = { .fd = uffd, .events = POLLIN };
		check("poll idle", poll(&p, 1, 0));
	}
}

static void *closer(void *arg)
{
	(void)arg;
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 7 }, got;
	epoll_ctl(ep, EPOLL_CTL_ADD, uffd, &ev);
	check("closer epoll_wait", epoll_wait(ep, &got, 1, -1));
	printf("closer: events=%x data=%llu\n", got.events, (unsigned long long)got.data.u64);
	close(ep);
	struct uffd_msg m;
	check("closer read", read(uffd, &m, sizeof(m)) == sizeof(m));
	printf("closer: off=%#lx, closing\n", (unsigned long)(m.arg.pagefault.address - (uintptr_t)base));
	close(uffd);
	return NULL;
}

static void close_wakes(void)
{
	pthread_t t;
	check("protect page 1", wp(uffd, PG, PG, UFFDIO_WRITEPROTECT_MODE_WP));
	pthread_create(&t, NULL, closer, NULL);
	((volatile char *)base)[PG + 4] = 42; /* the fault ends when the uffd closes */
	pthread_join(t, NULL);
	check("page 1 after close", base[PG + 4]);
}

static pthread_t main_thread;
static volatile int handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

/* A signal interrupts the sleep of a faulting thread: the handler runs, then the write faults
 * again and the monitor sees a second message for the same page. */
static void *interrupter(void *arg)
{
	(void)arg;
	struct uffd_msg m;
	struct pollfd p = { .fd = uffd, .events = POLLIN };
	poll(&p, 1, -1);
	check("interrupter read 1", read(uffd, &m, sizeof(m)) == sizeof(m));
	pthread_kill(main_thread, SIGUSR1);
	poll(&p, 1, -1);
	check("interrupter read 2", read(uffd, &m, sizeof(m)) == sizeof(m));
	printf("interrupter: off=%#lx handled=%d\n", (unsigned long)(m.arg.pagefault.address - (uintptr_t)base), handled);
	wp(uffd, 2 * PG, PG, 0);
	return NULL;
}

static void signal_interrupts(void)
{
	pthread_t t;
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	main_thread = pthread_self();
	check("protect page 2", wp(uffd, 2 * PG, PG, UFFDIO_WRITEPROTECT_MODE_WP));
	pthread_create(&t, NULL, interrupter, NULL);
	((volatile char *)base)[2 * PG + 1] = 5;
	pthread_join(t, NULL);
	check("handled", handled);
	check("page 2 written", base[2 * PG + 1]);
}

/* With UFFD_USER_MODE_ONLY a fault of the kernel's own access is not handed to the monitor:
 * read() into a write-protected buffer fails with EFAULT. */
static void user_mode_only(void)
{
	int fd = uffd_open(UFFD_USER_MODE_ONLY);
	int p[2];
	api(fd, UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	check("register user-mode-only", reg(fd, 0, PG, UFFDIO_REGISTER_MODE_WP, NULL));
	check("protect user-mode-only", wp(fd, 0, PG, UFFDIO_WRITEPROTECT_MODE_WP));
	pipe(p);
	check("pipe write", write(p[1], "abcd", 4));
	check("read into protected page", read(p[0], base + 64, 4));
	check("page 0 unchanged", base[64]);
	close(p[0]);
	close(p[1]);
	close(fd);
}

/* Missing mode: the first touch of each page goes to the monitor, which fills it. */
static char src_page[4096] __attribute__((aligned(4096)));

static long copy(int fd, unsigned long off, const void *src, unsigned long len, uint64_t mode, int64_t *out)
{
	struct uffdio_copy c = { .dst = (uintptr_t)mbase + off, .src = (uintptr_t)src, .len = len, .mode = mode };
	long r = ioctl(fd, UFFDIO_COPY, &c);
	if (out)
		*out = c.copy;
	return r;
}

static long zeropage(int fd, unsigned long off, unsigned long len, uint64_t mode, int64_t *out)
{
	struct uffdio_zeropage z = { .range = { (uintptr_t)mbase + off, len }, .mode = mode };
	long r = ioctl(fd, UFFDIO_ZEROPAGE, &z);
	if (out)
		*out = z.zeropage;
	return r;
}

/* The filler's log, printed by the main thread once it has joined: what the filler does after
 * waking the main thread would otherwise race with the main thread's own lines. */
static char fill_log[1024];
static int fill_len;
#define LOG(...) (fill_len += snprintf(fill_log + fill_len, sizeof(fill_log) - fill_len, __VA_ARGS__))

static void *filler(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++) {
		struct pollfd p = { .fd = uffd, .events = POLLIN };
		poll(&p, 1, -1);
		struct uffd_msg m;
		if (read(uffd, &m, sizeof(m)) != sizeof(m))
			return NULL;
		unsigned long off = (unsigned long)(m.arg.pagefault.address - (uintptr_t)mbase);
		LOG("filler: event=%x flags=%llx off=%#lx\n", m.event, (unsigned long long)m.arg.pagefault.flags, off);
		int64_t n = 0;
		long r, w = 0;
		if (i == 0) {
			r = zeropage(uffd, off, PG, 0, &n);
		} else if (i == 1) {
			memset(src_page, 'x', PG);
			r = copy(uffd, off, src_page, PG, 0, &n);
		} else {
			memset(src_page, 'y', PG);
			r = copy(uffd, off, src_page, PG, UFFDIO_COPY_MODE_DONTWAKE, &n);
			struct uffdio_range rg = { (uintptr_t)mbase + off, PG };
			w = ioctl(uffd, UFFDIO_WAKE, &rg);
		}
		LOG("filler: ret=%ld filled=%lld wake=%ld\n", r, (long long)n, w);
	}
	return NULL;
}

static void missing_mode(void)
{
	pthread_t t;
	int64_t n = 0;
	mbase = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uffd = uffd_open(O_CLOEXEC);
	api(uffd, 0);
	{
		struct uffdio_register r = { .range = { (uintptr_t)mbase, 4 * PG }, .mode = UFFDIO_REGISTER_MODE_MISSING };
		check("register missing", ioctl(uffd, UFFDIO_REGISTER, &r));
		printf("  ioctls wake|copy|zeropage|writeprotect=%llx\n", (unsigned long long)(r.ioctls & WP_IOCTLS));
	}
	check("copy unaligned dst", copy(uffd, 1, src_page, PG, 0, NULL));
	check("copy len 0", copy(uffd, 0, src_page, 0, 0, NULL));
	check("copy bad mode", copy(uffd, 0, src_page, PG, 4, NULL));
	check("copy wp on missing-only", copy(uffd, 3 * PG, src_page, PG, UFFDIO_COPY_MODE_WP, &n));
	printf("  copy=%lld\n", (long long)n);
	check("copy unregistered", copy(uffd, 5 * PG, src_page, PG, 0, &n));
	printf("  copy=%lld\n", (long long)n);
	check("copy across the end", copy(uffd, 3 * PG, src_page, 2 * PG, 0, &n));
	check("zeropage bad mode", zeropage(uffd, 0, PG, 2, NULL));
	pthread_create(&t, NULL, filler, NULL);
	volatile char *b = mbase;
	check("read page 0", b[0]);
	b[PG + 3] = 'z';
	check("page 1", b[PG + 3] + b[PG + 4]);
	check("read page 2", b[2 * PG + 9]);
	pthread_join(t, NULL);
	fputs(fill_log, stdout);
	check("copy onto present", copy(uffd, PG, src_page, PG, 0, &n));
	printf("  copy=%lld\n", (long long)n);
	check("copy page 3 dontwake", copy(uffd, 3 * PG, src_page, PG, UFFDIO_COPY_MODE_DONTWAKE, &n));
	check("page 3", b[3 * PG]);
	check("unregister missing", unreg(uffd, 0, 4 * PG) == 0 ? 0 : -1);
	close(uffd);
	munmap(mbase, 8 * PG);
}

/* vm.unprivileged_userfaultfd is 0: without CAP_SYS_PTRACE only UFFD_USER_MODE_ONLY works. */
static void unprivileged(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (setuid(1000) != 0)
			_exit(2);
		check("unprivileged userfaultfd(0)", uffd_open(0));
		check("unprivileged userfaultfd(O_APPEND)", uffd_open(O_APPEND));
		int fd = uffd_open(UFFD_USER_MODE_ONLY);
		check("unprivileged userfaultfd(UFFD_USER_MODE_ONLY) ok", fd >= 0 ? 0 : -1);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	check("unprivileged status", st);
}

/* The registration shows in /proc/self/smaps as VmFlags "um" (missing) and "uw" (wp). */
static void smaps_flags(void)
{
	int fd = uffd_open(0);
	char line[256], want[32];
	api(fd, 0);
	check("register for smaps", reg(fd, 4 * PG, PG, UFFDIO_REGISTER_MODE_WP | UFFDIO_REGISTER_MODE_MISSING, NULL));
	FILE *f = fopen("/proc/self/smaps", "r");
	snprintf(want, sizeof(want), "%lx-", (unsigned long)(base + 4 * PG));
	int in = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, strlen(want)) == 0)
			in = 1;
		else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			fputs(line, stdout);
			break;
		}
	}
	if (f)
		fclose(f);
	close(fd);
}

static void fork_drops(void)
{
	int fd = uffd_open(0);
	api(fd, UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	check("register for fork", reg(fd, 0, 4 * PG, UFFDIO_REGISTER_MODE_WP, NULL));
	check("protect for fork", wp(fd, 0, 4 * PG, UFFDIO_WRITEPROTECT_MODE_WP));
	pid_t pid = fork();
	if (pid == 0) {
		((volatile char *)base)[PG] = 77; /* the child's vma is not registered: no fault */
		printf("child wrote %d\n", base[PG]);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	check("child status", st);
	check("unprotect for fork", wp(fd, 0, 4 * PG, 0));
	base[PG] = 78;
	check("parent page 1", base[PG]);
	/* mremap without UFFD_FEATURE_EVENT_REMAP: the moved page is neither registered nor
	 * protected any more. */
	check("protect for mremap", wp(fd, 2 * PG, PG, UFFDIO_WRITEPROTECT_MODE_WP));
	char *moved = mremap(base + 2 * PG, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, base + 40 * PG);
	check("mremap", moved == base + 40 * PG ? 0 : -1);
	((volatile char *)moved)[1] = 9;
	check("moved page written", moved[1]);
	check("writeprotect moved", wp(fd, 40 * PG, PG, UFFDIO_WRITEPROTECT_MODE_WP));
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	base = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(base + 7 * PG, PG);
	munmap(base + 32 * PG, 32 * PG);
	errnos();
	wp_faults();
	signal_interrupts();
	close_wakes();
	user_mode_only();
	missing_mode();
	unprivileged();
	smaps_flags();
	fork_drops();
	printf("done\n");
	return 0;
}
