/* vma_merge.c: the vma merges /proc/self/maps shows after mprotect: a faulted vma merges with
 * unfaulted neighbours (Linux 879bca0a2c4f) unless it was forked; a second fault reuses a
 * neighbour's anon_vma so the two merge later; an unfaulted vma made read-only loses its
 * VM_ACCOUNT charge and so stays apart from a faulted one. Compared with this machine's
 * kernel running it natively; maps lines are printed relative to a private region. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096L
static char *base; /* 16 pages; pages 0 and 15 stay PROT_NONE guards */

static void dump(const char *what)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	printf("%s:\n", what);
	while (fgets(line, sizeof line, f)) {
		unsigned long s, e;
		char perms[8], name[256] = "";
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255[^\n]", &s, &e, perms, name) < 3)
			continue;
		unsigned long b = (unsigned long)base, end = b + 16 * PG;
		if (e <= b || s >= end)
			continue;
		if (s < b) s = b;
		if (e > end) e = end;
		printf("  %2lu-%2lu %s %s\n", (s - b) / PG, (e - b) / PG, perms, name);
	}
	fclose(f);
}

static void fresh(void)
{
	base = mmap(base, 16 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | (base ? MAP_FIXED : 0), -1, 0);
	mmap(base + PG, 14 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}


int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);

	/* r W r: only the middle is faulted; made read-only it keeps VM_ACCOUNT, the unfaulted
	 * sides lost theirs: three vmas. */
	fresh();
	mprotect(base + 2 * PG, PG, PROT_READ);
	mprotect(base + 4 * PG, PG, PROT_READ);
	base[3 * PG] = 1;
	mprotect(base + 3 * PG, PG, PROT_READ);
	dump("read-only sides lost their charge");

	/* w X w: the middle (rwx) is faulted; made rw again it joins both unfaulted sides. */
	fresh();
	mprotect(base + 3 * PG, PG, PROT_READ | PROT_WRITE | PROT_EXEC);
	dump("rwx middle");
	base[3 * PG] = 1;
	mprotect(base + 3 * PG, PG, PROT_READ | PROT_WRITE);
	dump("faulted middle merges with unfaulted sides");

	/* The same after fork, in the child: its middle is a fork child and stays apart; the
	 * parent still merges. */
	fresh();
	mprotect(base + 3 * PG, PG, PROT_READ | PROT_WRITE | PROT_EXEC);
	base[3 * PG] = 1;
	pid_t pid = fork();
	if (pid == 0) {
		mprotect(base + 3 * PG, PG, PROT_READ | PROT_WRITE);
		dump("forked middle does not merge");
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	mprotect(base + 3 * PG, PG, PROT_READ | PROT_WRITE);
	dump("the parent's middle merges");

	/* Faulted on both sides with their own anon_vmas: the middle joins one side only. */
	fresh();
	mprotect(base + 3 * PG, PG, PROT_READ | PROT_WRITE | PROT_EXEC);
	mprotect(base + 5 * PG, PG, PROT_READ | PROT_WRITE | PROT_EXEC);
	base[3 * PG] = 1;
	base[5 * PG] = 1;
	mprotect(base + 4 * PG, PG, PROT_READ | PROT_WRITE | PROT_EXEC);
	dump("between two anon_vmas");

	/* W wx: the second fault reuses the first's anon_vma, so the two merge later. */
	fresh();
	mprotect(base + 3 * PG, PG, PROT_READ | PROT_WRITE | PROT_EXEC);
	base[2 * PG] = 1;
	base[3 * PG] = 1;
	mprotect(base + 3 * PG, PG, PROT_READ | PROT_WRITE);
	dump("neighbours sharing an anon_vma merge");

	/* mremap moves an unfaulted vma next to a like one: it takes the new address's pgoff
	 * and merges; a faulted one keeps its pgoff and does not. */
	fresh();
	munmap(base + 8 * PG, 7 * PG);
	char *r = mremap(base + 2 * PG, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, base + 9 * PG);
	printf("mremap unfaulted: %d\n", r == base + 9 * PG);
	dump("moved unfaulted");
	base[5 * PG] = 1;
	r = mremap(base + 5 * PG, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, base + 11 * PG);
	printf("mremap faulted: %d\n", r == base + 11 * PG);
	dump("moved faulted");
	return 0;
}
