/* mmaps.c: sequences of mmap, mprotect, mremap, madvise, munmap and mlock inside a reserved
 * window, copy-on-write after fork, zero-page reads and stack growth, each followed by the
 * window's vmas as /proc/self/smaps shows them: offsets in pages from the window's base, the
 * permissions, the smaps counters and VmFlags. Compared with this machine's kernel running
 * it natively, so every counter must match Linux's accounting exactly. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096L
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#define WINDOW 64 /* pages per scenario */
#define NWINDOWS 8

static char *base;
static char smaps[1 << 20];

static long field(const char *entry, const char *name)
{
	const char *p = strstr(entry, name);
	return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

/* Print every vma of /proc/self/smaps that overlaps [w, w + npages pages). */
static void show(const char *title, char *w, int npages)
{
	int fd = open("/proc/self/smaps", O_RDONLY);
	size_t len = 0;
	ssize_t n;
	while ((n = read(fd, smaps + len, sizeof(smaps) - 1 - len)) > 0)
		len += n;
	close(fd);
	smaps[len] = 0;
	printf("== %s\n", title);
	unsigned long lo = (unsigned long)w, hi = lo + npages * PG;
	char *entry = smaps;
	while (entry && *entry) {
		char *next = strstr(entry, "VmFlags:");
		char *eol = next ? strchr(next, '\n') : NULL;
		if (!eol)
			break;
		*eol = 0;
		unsigned long s, e;
		char perms[5];
		if (sscanf(entry, "%lx-%lx %4s", &s, &e, perms) == 3 && s < hi && e > lo) {
			long so = ((long)s - (long)lo) / PG, eo = ((long)e - (long)lo) / PG;
			printf("  [%ld,%ld) %s size=%ld rss=%ld pss=%ld pss_dirty=%ld shared=%ld/%ld "
			       "private=%ld/%ld ref=%ld anon=%ld lazyfree=%ld ahp=%ld swap=%ld locked=%ld thp=%ld\n"
			       "    %s\n",
			       so, eo, perms, field(entry, "\nSize:"), field(entry, "\nRss:"),
			       field(entry, "\nPss:"), field(entry, "\nPss_Dirty:"), field(entry, "\nShared_Clean:"),
			       field(entry, "\nShared_Dirty:"), field(entry, "\nPrivate_Clean:"),
			       field(entry, "\nPrivate_Dirty:"), field(entry, "\nReferenced:"),
			       field(entry, "\nAnonymous:"), field(entry, "\nLazyFree:"),
			       field(entry, "\nAnonHugePages:"), field(entry, "\nSwap:"), field(entry, "\nLocked:"),
			       field(entry, "\nTHPeligible:"), next);
		}
		entry = eol + 1;
	}
}

static char *win(int k)
{
	return base + (long)k * WINDOW * PG;
}

static void *map_at(char *at, long pages, int prot, int extra)
{
	void *r = mmap(at, pages * PG, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | extra, -1, 0);
	if (r == MAP_FAILED)
		printf("mmap at +%ld failed: errno=%d\n", (long)(at - base) / PG, errno);
	return r;
}

static void touch(char *p, long pages)
{
	for (long i = 0; i < pages; i++)
		p[i * PG] = (char)(i + 1);
}

static long read_pages(char *p, long pages)
{
	long sum = 0;
	for (long i = 0; i < pages; i++)
		sum += ((volatile char *)p)[i * PG];
	return sum;
}

static void rc(const char *what, int r)
{
	printf("%s: %d", what, r);
	if (r < 0)
		printf(" errno=%d", errno);
	printf("\n");
	errno = 0;
}

static void mmap_merge(void)
{
	char *w = win(0);
	map_at(w + 4 * PG, 4, PROT_READ | PROT_WRITE, 0);
	map_at(w + 8 * PG, 2, PROT_READ | PROT_WRITE, 0); /* merges with the mapping below */
	touch(w + 4 * PG, 2);
	printf("read of untouched pages: %ld\n", read_pages(w + 6 * PG, 2));
	show("fixed maps in a PROT_NONE reservation, merged; 2 written, 2 read", w, WINDOW);
	rc("munmap middle", munmap(w + 5 * PG, 2 * PG));
	show("after munmap of 2 pages in the middle", w, WINDOW);
}

static void mprotect_split_merge(void)
{
	char *w = win(1);
	map_at(w, 8, PROT_READ | PROT_WRITE, 0);
	touch(w, 8);
	rc("mprotect middle read-only", mprotect(w + 2 * PG, 2 * PG, PROT_READ));
	show("mprotect splits one vma into three", w, WINDOW);
	rc("mprotect back", mprotect(w + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE));
	show("mprotect back merges them", w, WINDOW);
	rc("mprotect none at the end", mprotect(w + 6 * PG, 2 * PG, PROT_NONE));
	show("the tail PROT_NONE keeps its pages", w, WINDOW);
}

static void mremap_moves(void)
{
	char *w = win(2);
	rc("munmap window", munmap(w, WINDOW * PG));
	map_at(w, 4, PROT_READ | PROT_WRITE, 0);
	touch(w, 4);
	char *r = mremap(w, 4 * PG, 6 * PG, 0);
	printf("grow in place: %s\n", r == w ? "same address" : "moved");
	show("grown to 6 pages, 4 resident", w, WINDOW);
	r = mremap(w, 6 * PG, 3 * PG, 0);
	show("shrunk to 3 pages", w, WINDOW);
	r = mremap(w, 3 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, w + 20 * PG);
	printf("moved to +%ld\n", (long)(r - w) / PG);
	show("moved with its pages", w, WINDOW);
	printf("data after the move: %d %d %d\n", r[0], r[PG], r[2 * PG]);
}

static void madvise_flags(void)
{
	char *w = win(3);
	map_at(w, 8, PROT_READ | PROT_WRITE, 0);
	touch(w, 8);
	rc("MADV_DONTNEED", madvise(w, 2 * PG, MADV_DONTNEED));
	rc("MADV_DONTFORK", madvise(w + 2 * PG, 2 * PG, MADV_DONTFORK));
	rc("MADV_WIPEONFORK", madvise(w + 4 * PG, PG, MADV_WIPEONFORK));
	rc("MADV_DONTDUMP", madvise(w + 5 * PG, PG, MADV_DONTDUMP));
	rc("MADV_RANDOM", madvise(w + 6 * PG, PG, MADV_RANDOM));
	rc("MADV_SEQUENTIAL", madvise(w + 7 * PG, PG, MADV_SEQUENTIAL));
	show("one vma per advice; the first 2 pages dropped", w, WINDOW);
	printf("dropped pages read back: %ld\n", read_pages(w, 2));
	rc("MADV_NOHUGEPAGE", madvise(w + 6 * PG, PG, MADV_NOHUGEPAGE));
	rc("MADV_HUGEPAGE", madvise(w + 7 * PG, PG, MADV_HUGEPAGE));
	rc("MADV_COLLAPSE on a vma too small for a huge page", madvise(w + 7 * PG, PG, MADV_COLLAPSE));
	rc("MADV_NORMAL all", madvise(w + 2 * PG, 6 * PG, MADV_NORMAL));
	show("after NOHUGEPAGE, HUGEPAGE and NORMAL", w, WINDOW);
}

static void zero_page(void)
{
	char *w = win(4);
	map_at(w, 8, PROT_READ | PROT_WRITE, 0);
	printf("reads of fresh memory: %ld\n", read_pages(w, 8));
	show("8 pages read: all map the zero page, none resident", w, WINDOW);
	touch(w, 1);
	rc("MADV_POPULATE_READ", madvise(w + PG, 3 * PG, MADV_POPULATE_READ));
	rc("MADV_POPULATE_WRITE", madvise(w + 4 * PG, 2 * PG, MADV_POPULATE_WRITE));
	show("one written, three populated for reading, two for writing", w, WINDOW);
}

static void cow_fork(void)
{
	char *w = win(5);
	int go[2], done[2];
	map_at(w, 4, PROT_READ | PROT_WRITE, 0);
	touch(w, 4);
	if (pipe(go) < 0 || pipe(done) < 0)
		return;
	/* Child 2 only holds the pages; it is forked first so that child 1 sees three mappers. */
	pid_t c2 = fork();
	if (c2 == 0) {
		close(go[1]);
		char b;
		read(go[0], &b, 1);
		_exit(0);
	}
	pid_t c1 = fork();
	if (c1 == 0) {
		close(go[1]); /* so that the parent's close is the last writer's: EOF releases us */
		show("child 1 after fork: shared by three, none referenced by the child", w, WINDOW);
		w[0] = 'x';
		show("child 1 wrote page 0: its own copy", w, WINDOW);
		write(done[1], "1", 1);
		char b;
		read(go[0], &b, 1);
		_exit(0);
	}
	char b;
	read(done[0], &b, 1);
	show("parent while both children live: page 0 shared by two, pages 1-3 by three", w, WINDOW);
	close(go[1]);
	waitpid(c1, NULL, 0);
	waitpid(c2, NULL, 0);
	show("parent after the children exited: private again", w, WINDOW);
	w[PG] = 'y';
	show("parent wrote page 1", w, WINDOW);
}

static void stack_growth(void)
{
	char *w = win(6);
	rc("munmap window", munmap(w, WINDOW * PG));
	char *s = map_at(w + 56 * PG, 4, PROT_READ | PROT_WRITE, MAP_GROWSDOWN);
	touch(s, 1);
	show("MAP_GROWSDOWN mapping", w, WINDOW);
	s[-3 * PG] = 1; /* three pages below its start */
	show("after a write three pages below: grown down", w, WINDOW);
}

static void mlock_split(void)
{
	char *w = win(7);
	map_at(w, 4, PROT_READ | PROT_WRITE, 0);
	rc("mlock middle", mlock(w + PG, 2 * PG));
	show("mlock populates and splits", w, WINDOW);
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmLck:", 6) == 0)
			printf("%s", line);
	if (f)
		fclose(f);
	rc("munlock", munlock(w + PG, 2 * PG));
	show("munlock merges back; the pages stay", w, WINDOW);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	base = mmap(NULL, NWINDOWS * WINDOW * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return 1;
	show("the reservation", base, WINDOW);
	mmap_merge();
	mprotect_split_merge();
	mremap_moves();
	madvise_flags();
	zero_page();
	cow_fork();
	stack_growth();
	mlock_split();
	return 0;
}
