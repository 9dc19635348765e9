/* filemap: file-backed and shared mappings through the page cache — memfd and tmpfs files
 * mapped shared and private, coherence with read/write, COW of private file pages, shared
 * anonymous memory across fork, SIGBUS past EOF after truncation, hole punching, the
 * mapping's errnos. Prints only what the host kernel must print identically. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096

static sigjmp_buf env;
static volatile int got_sig, got_code;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	siglongjmp(env, 1);
}

/* Read one byte at p, reporting the signal it raised (0 if none). */
static int probe(volatile char *p, char *out)
{
	got_sig = 0;
	if (sigsetjmp(env, 1) == 0)
		*out = *p;
	return got_sig;
}

/* The maps line covering addr without the addresses, device and inode: perms, offset, name. */
static void show_map(const char *what, void *addr)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi, off;
		char perms[8], dev[16], name[256] = "";
		unsigned long ino;
		if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %255[^\n]", &lo, &hi, perms, &off, dev, &ino, name) < 6)
			continue;
		if ((unsigned long)addr >= lo && (unsigned long)addr < hi) {
			char *n = name;
			while (*n == ' ')
				n++;
			printf("%s: %lu pages %s %08lx %s\n", what, (hi - lo) / PG, perms, off, n);
		}
	}
	fclose(f);
}

static const char *err(long r)
{
	return r == -1 ? strerror(errno) : "ok";
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	/* 1. write() then a shared mapping sees it; stores through the mapping reach read(). */
	int fd = memfd_create("fm", MFD_ALLOW_SEALING);
	if (write(fd, "hello page cache", 16) != 16) return 1;
	if (ftruncate(fd, 2 * PG) != 0) return 1;
	char *s = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("shared map: %.16s\n", s);
	memcpy(s + PG, "second", 6);
	char buf[32] = { 0 };
	pread(fd, buf, 6, PG);
	printf("read after store: %s\n", buf);
	pwrite(fd, "HELLO", 5, 0);
	printf("store after write: %.16s\n", s);

	show_map("memfd shared", s);
	char *o = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, PG);
	show_map("memfd at offset", o);
	munmap(o, PG);

	/* 2. A private mapping copies on write; the file keeps its bytes. */
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("private sees: %.5s\n", p);
	p[0] = 'j';
	pread(fd, buf, 5, 0);
	printf("private wrote %.5s, file has %.5s, shared has %.5s\n", p, buf, s);
	pwrite(fd, "X", 1, PG);
	printf("unwritten private page follows the file: %c\n", p[PG]);

	/* 3. A child's stores to a shared mapping are the parent's. */
	pid_t pid = fork();
	if (pid == 0) {
		memcpy(s, "child", 5);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("after child: %.5s\n", s);

	/* 4. Shared anonymous memory across fork, even after the parent only read it. */
	char *a = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	printf("anon shared reads %d\n", a[100]);
	pid = fork();
	if (pid == 0) {
		strcpy(a, "from the child");
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("anon shared: %s\n", a);
	show_map("anon shared", a);

	/* 5. Truncation: the page past EOF raises SIGBUS, in both mappings. */
	ftruncate(fd, PG);
	char c;
	int sig = probe(s + PG, &c);
	printf("shared past EOF: %s code %d\n", sig == SIGBUS ? "SIGBUS" : sig ? "other" : "none", sig ? got_code : 0);
	sig = probe(p + PG, &c);
	printf("private past EOF: %s\n", sig == SIGBUS ? "SIGBUS" : sig ? "other" : "none");
	sig = probe(s + 100, &c);
	printf("inside EOF: %s\n", sig ? "signal" : "fine");
	ftruncate(fd, 2 * PG);
	sig = probe(s + PG, &c);
	printf("regrown page reads %d (%s)\n", c, sig ? "signal" : "fine");

	/* 6. Punching a hole zeroes the shared view. */
	memset(s, 'z', PG);
	fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, PG);
	printf("after punch: %d %d\n", s[0], s[PG - 1]);

	/* 7. Errnos. */
	int rw = open("/tmp/filemap.ro", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ftruncate(rw, PG);
	close(rw);
	int ro = open("/tmp/filemap.ro", O_RDONLY);
	int pp[2];
	pipe(pp);
	printf("mmap pipe: %s\n", err((long)mmap(NULL, PG, PROT_READ, MAP_SHARED, pp[0], 0)));
	printf("mmap bad fd: %s\n", err((long)mmap(NULL, PG, PROT_READ, MAP_SHARED, 1000, 0)));
	printf("shared writable of O_RDONLY: %s\n", err((long)mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0)));
	printf("private writable of O_RDONLY: %s\n", err((long)mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0)));
	char *r = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
	printf("mprotect write of shared O_RDONLY: %s\n", err(mprotect(r, PG, PROT_READ | PROT_WRITE)));
	int wo = open("/tmp/filemap.wo", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	printf("mmap O_WRONLY: %s\n", err((long)mmap(NULL, PG, PROT_READ, MAP_SHARED, wo, 0)));
	printf("validate unknown flag: %s\n", err((long)mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | 0x200000, fd, 0)));
	printf("seal write while mapped: %s\n", err(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
	munmap(s, 2 * PG);
	printf("seal write unmapped: %s\n", err(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
	printf("shared writable of sealed: %s\n", err((long)mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)));

	/* 8. A tmpfs file: mapped, unlinked, still there through the mapping. */
	int tf = open("/tmp/filemap.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ftruncate(tf, PG);
	char *t = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, tf, 0);
	strcpy(t, "tmpfs bytes");
	close(tf);
	unlink("/tmp/filemap.dat");
	printf("unlinked, closed, mapped: %s\n", t);
	show_map("tmpfs unlinked", t);
	char *big = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	munmap(big + PG, PG);
	show_map("split tail", big + 2 * PG);
	big = mremap(big + 2 * PG, 2 * PG, 3 * PG, MREMAP_MAYMOVE);
	show_map("mremapped", big);
	unlink("/tmp/filemap.wo");
	unlink("/tmp/filemap.ro");
	return 0;
}
