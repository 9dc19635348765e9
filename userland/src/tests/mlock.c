/* mlock.c: mlock/mlock2/munlock/mlockall, mincore and msync checked natively and under
 * umwasm: vma splits show in /proc/self/maps-independent ways (mincore residency, errnos). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096

static void check(const char *what, int r)
{
	printf("%s: %d", what, r);
	if (r < 0)
		printf(" errno=%d", errno);
	printf("\n");
	errno = 0;
}

static void residency(const char *what, char *p, int pages)
{
	unsigned char v[16];
	int r = mincore(p, pages * PG, v);
	printf("%s:", what);
	if (r < 0) {
		printf(" errno=%d\n", errno);
		errno = 0;
		return;
	}
	for (int i = 0; i < pages; i++)
		printf(" %d", v[i] & 1);
	printf("\n");
}

int main(void)
{
	char *p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	residency("fresh", p, 8);
	p[0] = 1;
	residency("one touched", p, 8);
	check("mlock middle", mlock(p + 2 * PG + 100, PG));
	residency("after mlock", p, 8);
	check("mlock2 onfault", mlock2(p + 5 * PG, PG, MLOCK_ONFAULT));
	residency("after mlock2 onfault", p, 8);
	check("mlock2 bad flags", mlock2(p, PG, 2));
	check("munlock", munlock(p, 8 * PG));
	check("mlockall bad", mlockall(0));
	check("mlockall onfault only", mlockall(MCL_ONFAULT));
	check("munlockall", munlockall());
	check("mincore unaligned", mincore(p + 1, PG, (unsigned char[1]){0}));
	check("msync", msync(p, PG, MS_SYNC));
	check("msync both", msync(p, PG, MS_SYNC | MS_ASYNC));
	check("msync unaligned", msync(p + 1, PG, MS_ASYNC));
	munmap(p + 3 * PG, PG);
	check("mlock over a hole", mlock(p, 8 * PG));
	residency("mincore over a hole", p, 8);
	check("msync over a hole", msync(p, 8 * PG, MS_ASYNC));
	return 0;
}
