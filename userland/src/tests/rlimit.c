/* rlimit.c: RLIMIT_AS against mmap, MAP_FIXED replacement, mremap, brk and stack growth
 * (SIGSEGV), and RLIMIT_MEMLOCK against mlock, mlock2, mlockall, mmap(MAP_LOCKED) and mremap
 * of a locked mapping, for root (CAP_IPC_LOCK: no limit) and for a child that dropped to
 * uid 1000. Limits are set relative to the VmSize the process has, so the two kernels'
 * different startup footprints do not matter. Compared with this machine's kernel natively
 * (which must run it as root for the uid switch; as non-root both sides print the same
 * "setresuid failed" line instead). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096L

static void check(const char *what, long r)
{
	printf("%s: %s", what, r < 0 ? "-1" : "ok");
	if (r < 0)
		printf(" errno=%d", errno);
	printf("\n");
	errno = 0;
}

static long map(long pages, int flags)
{
	void *p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	return p == MAP_FAILED ? -1 : (long)p;
}

/* VmSize from /proc/self/status, in pages. */
static long vm_pages(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmSize: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb / 4;
}

static void set_limit(int res, rlim_t cur, rlim_t max)
{
	struct rlimit rl = { cur, max };
	if (setrlimit(res, &rl) != 0)
		printf("setrlimit %d failed: errno=%d\n", res, errno);
}

static int grow_stack(int depth)
{
	volatile char buf[64 * 1024];
	memset((char *)buf, depth, sizeof buf);
	return depth > 0 ? grow_stack(depth - 1) + buf[100] : buf[7];
}

static void report(const char *what, pid_t pid)
{
	int st;
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
}

static void address_space(void)
{
	struct rlimit rl;
	getrlimit(RLIMIT_AS, &rl);
	printf("RLIMIT_AS default infinite: %d %d\n", rl.rlim_cur == RLIM_INFINITY, rl.rlim_max == RLIM_INFINITY);
	check("getrlimit syscall", syscall(SYS_getrlimit, RLIMIT_NOFILE, &rl));
	printf("RLIMIT_NOFILE hard limit set: %d\n", rl.rlim_max > 0);
	check("getrlimit bad resource", syscall(SYS_getrlimit, 99, &rl));
	check("getrlimit bad pointer", syscall(SYS_getrlimit, RLIMIT_AS, (void *)8));
	check("setrlimit bad pointer", syscall(SYS_setrlimit, 99, (void *)8));
	check("setrlimit cur > max", syscall(SYS_setrlimit, RLIMIT_CORE, &(struct rlimit){ 2, 1 }));
	pid_t pid = fork();
	if (pid == 0) {
		long base = vm_pages();
		set_limit(RLIMIT_AS, (base + 100) * PG, RLIM_INFINITY);
		long a = map(50, 0);
		check("mmap 50 pages under the limit", a);
		check("mmap 80 more pages", map(80, 0));
		void *f = mmap((void *)a, 50 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		check("MAP_FIXED over the same 50 pages", f == MAP_FAILED ? -1 : 0);
		void *g = mremap((void *)a, 50 * PG, 130 * PG, MREMAP_MAYMOVE);
		check("mremap 50 -> 130 pages", g == MAP_FAILED ? -1 : 0);
		g = mremap((void *)a, 50 * PG, 60 * PG, MREMAP_MAYMOVE);
		check("mremap 50 -> 60 pages", g == MAP_FAILED ? -1 : 0);
		void *cur = sbrk(0);
		check("sbrk 200 pages", sbrk(200 * PG) == (void *)-1 ? -1 : 0);
		printf("break unchanged: %d\n", sbrk(0) == cur);
		check("munmap", munmap(g, 60 * PG));
		check("mmap 80 pages after munmap", map(80, 0));
		_exit(0);
	}
	report("address space child", pid);
	pid = fork();
	if (pid == 0) {
		set_limit(RLIMIT_AS, (vm_pages() + 16) * PG, RLIM_INFINITY);
		grow_stack(64); /* 4 MiB of stack: far past 16 pages */
		_exit(0);
	}
	report("stack growth past RLIMIT_AS", pid);
}

static void memlock_root(void)
{
	set_limit(RLIMIT_MEMLOCK, 0, 0);
	long a = map(16, 0);
	check("root, limit 0: mlock 16 pages", mlock((void *)a, 16 * PG));
	check("root, limit 0: mmap MAP_LOCKED", map(4, MAP_LOCKED));
	check("root: munlock", munlock((void *)a, 16 * PG));
}

static void memlock_user(void)
{
	set_limit(RLIMIT_MEMLOCK, 8 * PG, 8 * PG);
	if (setresuid(1000, 1000, 1000) != 0) {
		printf("setresuid failed\n");
		return;
	}
	long a = map(32, 0);
	check("mlock 4 pages", mlock((void *)a, 4 * PG));
	check("mlock 16 pages", mlock((void *)(a + 8 * PG), 16 * PG));
	check("mlock the same 4 and 4 more", mlock((void *)a, 8 * PG));
	check("mlock 1 more page", mlock((void *)(a + 8 * PG), PG));
	check("mlock2 1 more page", syscall(SYS_mlock2, a + 8 * PG, PG, 0));
	check("munlock 4 pages", munlock((void *)(a + 4 * PG), 4 * PG));
	check("mmap MAP_LOCKED 16 pages", map(16, MAP_LOCKED));
	check("mmap MAP_LOCKED 2 pages", map(2, MAP_LOCKED));
	check("mlockall(MCL_CURRENT)", mlockall(MCL_CURRENT));
	check("mlockall(MCL_FUTURE)", mlockall(MCL_FUTURE));
	check("munlockall", munlockall());
	long b = map(2, 0);
	check("mlock 2 pages", mlock((void *)b, 2 * PG));
	void *g = mremap((void *)b, 2 * PG, 16 * PG, MREMAP_MAYMOVE);
	check("mremap locked 2 -> 16 pages", g == MAP_FAILED ? -1 : 0);
	g = mremap((void *)b, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
	check("mremap locked 2 -> 4 pages", g == MAP_FAILED ? -1 : 0);
	struct rlimit rl = { 16 * PG, 16 * PG };
	check("raise the hard limit", setrlimit(RLIMIT_MEMLOCK, &rl));
	set_limit(RLIMIT_MEMLOCK, 0, 0);
	check("limit 0: mlock", mlock((void *)a, PG));
	check("limit 0: mlock2", syscall(SYS_mlock2, a, PG, 0));
	check("limit 0: mlockall", mlockall(MCL_CURRENT));
	check("limit 0: mmap MAP_LOCKED", map(1, MAP_LOCKED));
	check("limit 0: munlock", munlock((void *)a, PG));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	address_space();
	pid_t pid = fork();
	if (pid == 0) {
		memlock_root();
		_exit(0);
	}
	report("memlock as root", pid);
	pid = fork();
	if (pid == 0) {
		memlock_user();
		_exit(0);
	}
	report("memlock as uid 1000", pid);
	return 0;
}
