/* pagemap.c: /proc/<pid>/pagemap and /proc/<pid>/clear_refs, checked natively and under
 * umwasm. PFNs differ between machines, so only whether one is shown (non-zero) is printed,
 * with the flag bits: 55 soft-dirty (always 0: CONFIG_MEM_SOFT_DIRTY is not set), 56
 * exclusively mapped, 57 uffd-wp, 58 guard region, 61 file or shared-anon, 62 swapped,
 * 63 present. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096UL

static int pm_fd;

static void check(const char *what, long r)
{
	printf("%s: %ld", what, r);
	if (r < 0)
		printf(" errno=%d", errno);
	printf("\n");
	errno = 0;
}

static void show_entry(const char *what, uint64_t e)
{
	if (e == 0) {
		printf("%s: 0\n", what);
		return;
	}
	printf("%s: present=%d swap=%d file=%d excl=%d sd=%d wp=%d guard=%d pfn=%s\n", what,
	       (int)(e >> 63 & 1), (int)(e >> 62 & 1), (int)(e >> 61 & 1), (int)(e >> 56 & 1),
	       (int)(e >> 55 & 1), (int)(e >> 57 & 1), (int)(e >> 58 & 1),
	       (e & ((1ULL << 55) - 1)) ? "yes" : "no");
}

static uint64_t entry_of(int fd, const void *addr)
{
	uint64_t e = 0;
	ssize_t r = pread(fd, &e, 8, (off_t)((uintptr_t)addr / PG * 8));
	if (r != 8)
		printf("pread: %zd errno=%d\n", r, errno);
	return e;
}

static void pm(const char *what, const void *addr)
{
	show_entry(what, entry_of(pm_fd, addr));
}

/* The value of field (e.g. "Referenced:") of the smaps entry starting at addr, in kB. */
static long smaps_field(const void *addr, const char *field)
{
	char line[512], start[32];
	long v = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");
	snprintf(start, sizeof(start), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') && strchr(line, '-') < strchr(line, ' ') &&
		    !strchr(line, ':'))
			in = strncmp(line, start, strlen(start)) == 0;
		else if (strncmp(line, start, strlen(start)) == 0)
			in = 1;
		else if (in && strncmp(line, field, strlen(field)) == 0) {
			v = atol(line + strlen(field));
			break;
		}
	}
	fclose(f);
	return v;
}

static long status_kb(const char *field)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0)
			v = atol(line + strlen(field));
	fclose(f);
	return v;
}

static long clear_refs(const char *s, size_t len)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);
	long r = write(fd, s, len);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

/* An isolated read-write vma of n pages: PROT_NONE guards on both sides keep it unmerged. */
static char *isolated(size_t n, int flags)
{
	char *g = mmap(NULL, (n + 2) * PG, PROT_NONE, flags, -1, 0);
	char *p = mmap(g + PG, n * PG, PROT_READ | PROT_WRITE, flags | MAP_FIXED, -1, 0);
	return p;
}

static void anon_private(void)
{
	char *p = isolated(2, MAP_PRIVATE | MAP_ANONYMOUS);
	pm("anon fresh", p);
	volatile char c = p[0];
	(void)c;
	pm("anon after read (zero page)", p);
	p[0] = 1;
	pm("anon after write", p);
	pm("anon untouched neighbour", p + PG);
	p[PG] = 1;
	pm("anon neighbour written", p + PG);
}

static void after_fork(void)
{
	char *p = isolated(1, MAP_PRIVATE | MAP_ANONYMOUS);
	char *s = isolated(1, MAP_SHARED | MAP_ANONYMOUS);
	char path[] = "/tmp/pagemapXXXXXX";
	int fd = mkstemp(path);
	write(fd, "file", 4);
	char *f = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
	volatile char c = f[0];
	(void)c;
	p[0] = 1;
	s[0] = 1;
	pm("parent before fork", p);
	pm("parent file page before fork", f);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/pagemap", getppid());
		int pfd = open(path, O_RDONLY);
		int own = open("/proc/self/pagemap", O_RDONLY);
		/* pm_fd was opened by the parent: it still reads the parent's address space. */
		pm("child via the inherited fd: private page", p);
		show_entry("child: private page", entry_of(own, p));
		show_entry("child: parent's private page", entry_of(pfd, p));
		/* fork copies no PTEs of a vma without an anon_vma (vma_needs_copy): the shared page
		 * is faulted in again on first touch, and the read-only file page too. */
		show_entry("child: shared anon page", entry_of(own, s));
		show_entry("child: parent's shared anon page", entry_of(pfd, s));
		show_entry("child: read-only file page", entry_of(own, f));
		volatile char c = s[0] + f[0];
		(void)c;
		show_entry("child: shared anon page after a read", entry_of(own, s));
		show_entry("child: parent's shared anon page now", entry_of(pfd, s));
		show_entry("child: file page after a read", entry_of(own, f));
		p[0] = 2;
		show_entry("child: private page after its write", entry_of(own, p));
		show_entry("child: parent's page after the child's write", entry_of(pfd, p));
		close(pfd);
		close(own);
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	pm("parent after the child exited", p);
	pm("parent shared anon after the child exited", s);
	munmap(f, PG);
	close(fd);
	unlink(path);
}

static void shared_anon(void)
{
	char *s = isolated(2, MAP_SHARED | MAP_ANONYMOUS);
	pm("shared anon fresh", s);
	volatile char c = s[0];
	(void)c;
	pm("shared anon after read", s);
	s[PG] = 1;
	pm("shared anon after write", s + PG);
}

static void memfd_shared(void)
{
	int fd = memfd_create("pm", 0);
	ftruncate(fd, 2 * PG);
	char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pm("memfd fresh", m);
	m[0] = 1;
	pm("memfd after write", m);
	char *m2 = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	volatile char c = m2[0];
	(void)c;
	pm("memfd mapped twice", m);
	pm("memfd second mapping", m2);
	munmap(m2, PG);
	pm("memfd after the second munmap", m);
	munmap(m, 2 * PG);
	close(fd);
}

static void private_file(void)
{
	char path[] = "/tmp/pagemapXXXXXX";
	char buf[PG];
	int fd = mkstemp(path);
	memset(buf, 'f', sizeof(buf));
	write(fd, buf, sizeof(buf));
	char *a = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *b = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
	pm("file fresh", a);
	volatile char c = a[0];
	(void)c;
	pm("file after read", a);
	c = b[0];
	pm("file read through two mappings", a);
	a[0] = 'x';
	pm("file after a private write", a);
	pm("file other mapping after the write", b);
	munmap(a, PG);
	munmap(b, PG);
	close(fd);
	unlink(path);
}

static void holes(void)
{
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = p[2 * PG] = 1;
	munmap(p + PG, PG);
	uint64_t e[3] = {0};
	check("read three entries over a hole", pread(pm_fd, e, 24, (off_t)((uintptr_t)p / PG * 8)));
	show_entry("before the hole", e[0]);
	show_entry("the hole", e[1]);
	show_entry("after the hole", e[2]);
	show_entry("page 0", entry_of(pm_fd, (void *)0));
	munmap(p, 3 * PG);
}

static void read_errors(void)
{
	uint64_t e[2];
	check("read 4 bytes", pread(pm_fd, e, 4, 0));
	check("read 12 bytes", pread(pm_fd, e, 12, 0));
	check("read at offset 4", pread(pm_fd, e, 8, 4));
	check("read 0 bytes at offset 4", pread(pm_fd, e, 0, 4));
	check("read 0 bytes", pread(pm_fd, e, 0, 8));
	check("read far past the address space", pread(pm_fd, e, 16, (off_t)(1ULL << 50) / PG * 8));
	check("lseek SEEK_END", lseek(pm_fd, 0, SEEK_END));
	check("lseek SEEK_SET 4096", lseek(pm_fd, 4096, SEEK_SET));
	check("read 16 bytes", read(pm_fd, e, 16));
	check("position after the read", lseek(pm_fd, 0, SEEK_CUR));
	check("lseek SEEK_CUR +8", lseek(pm_fd, 8, SEEK_CUR));
	check("write to pagemap", write(pm_fd, e, 8));
	struct stat st;
	stat("/proc/self/pagemap", &st);
	printf("pagemap mode %o size %lld\n", st.st_mode, (long long)st.st_size);
	stat("/proc/self/clear_refs", &st);
	printf("clear_refs mode %o size %lld\n", st.st_mode, (long long)st.st_size);
}

static void referenced(void)
{
	char *p = isolated(10, MAP_PRIVATE | MAP_ANONYMOUS);
	char *s = isolated(1, MAP_SHARED | MAP_ANONYMOUS);
	for (int i = 0; i < 8; i++)
		p[i * PG] = 1;
	s[0] = 1;
	printf("Referenced after writes: anon %ld shared %ld\n", smaps_field(p, "Referenced:"),
	       smaps_field(s, "Referenced:"));
	check("clear_refs 4", clear_refs("4", 1));
	printf("Referenced after 4: anon %ld shared %ld\n", smaps_field(p, "Referenced:"),
	       smaps_field(s, "Referenced:"));
	check("clear_refs 2", clear_refs("2", 1));
	printf("Referenced after 2: anon %ld shared %ld\n", smaps_field(p, "Referenced:"),
	       smaps_field(s, "Referenced:"));
	/* A page whose translation the CPU still caches may not get its accessed bit back on
	 * x86 (clear_refs flushes no TLB there for types 1-3), so only bounds are printed. */
	for (int i = 0; i < 3; i++) {
		volatile char c = p[i * PG];
		(void)c;
	}
	long ref = smaps_field(p, "Referenced:");
	printf("Referenced after reading 3 pages at most 12 kB: %d\n", ref >= 0 && ref <= 12 && ref % 4 == 0);
	check("clear_refs 3", clear_refs("3\n", 2));
	printf("Referenced after 3: anon unchanged %d shared %ld\n", smaps_field(p, "Referenced:") == ref,
	       smaps_field(s, "Referenced:"));
	check("clear_refs 1", clear_refs(" 1 ", 3));
	printf("Referenced after 1: anon %ld shared %ld\n", smaps_field(p, "Referenced:"),
	       smaps_field(s, "Referenced:"));
	/* Pages faulted in after the clear are young: their new PTE has the accessed bit. */
	p[8 * PG] = 2;
	p[9 * PG] = 2;
	printf("Referenced after two new pages: anon %ld\n", smaps_field(p, "Referenced:"));
	pm("anon page after clear_refs (still present)", p);
}

static void hiwater(void)
{
	size_t n = 512;
	char *p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (size_t i = 0; i < n; i++)
		p[i * PG] = 1;
	munmap(p, n * PG);
	long hwm = status_kb("VmHWM:"), rss = status_kb("VmRSS:");
	printf("VmHWM above VmRSS by at least 1024 kB after munmap: %d\n", hwm - rss >= 1024);
	check("clear_refs 5", clear_refs("5", 1));
	hwm = status_kb("VmHWM:");
	rss = status_kb("VmRSS:");
	printf("VmHWM within 64 kB of VmRSS after 5: %d\n", hwm >= rss && hwm - rss <= 64);
}

static void clear_refs_errors(void)
{
	check("clear_refs 0", clear_refs("0", 1));
	check("clear_refs 6", clear_refs("6", 1));
	check("clear_refs -1", clear_refs("-1", 2));
	check("clear_refs +5", clear_refs("+5", 2));
	check("clear_refs abc", clear_refs("abc", 3));
	check("clear_refs 1x", clear_refs("1x", 2));
	check("clear_refs 0x1", clear_refs("0x1", 3));
	check("clear_refs empty", clear_refs("", 0));
	check("clear_refs 99999999999", clear_refs("99999999999", 11));
	check("clear_refs 13 chars, 12 read", clear_refs("1           x", 13));
	check("clear_refs 13 digits, 12 read", clear_refs("0000000000001", 13));
	check("clear_refs 1 NUL x", clear_refs("1\0x", 3));
	int fd = open("/proc/self/clear_refs", O_RDONLY);
	char c;
	check("read clear_refs", read(fd, &c, 1));
	close(fd);
}

int main(void)
{
	pm_fd = open("/proc/self/pagemap", O_RDONLY);
	check("open pagemap", pm_fd >= 0 ? 0 : -1);
	anon_private();
	after_fork();
	shared_anon();
	memfd_shared();
	private_file();
	holes();
	read_errors();
	referenced();
	hiwater();
	clear_refs_errors();
	return 0;
}
