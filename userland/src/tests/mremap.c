/* mremap.c: mremap(2) shrinking, growing in place, moving with its contents, MREMAP_FIXED,
 * the errnos of bad calls. Compared with this machine's kernel running it natively. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define PG 4096

static void show(const char *what, void *r)
{
	if (r == MAP_FAILED)
		printf("%s: failed errno=%d\n", what, errno);
	else
		printf("%s: ok\n", what);
	errno = 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	char *a = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(a + 4 * PG, 4 * PG); /* a has room to grow: 4 free pages after it */
	memset(a, 'a', 4 * PG);
	char *r = mremap(a, 4 * PG, 6 * PG, 0);
	show("grow in place", r);
	printf("in place: %d, data kept: %d, new page zero: %d\n", r == a, r[4 * PG - 1] == 'a', r[5 * PG] == 0);
	r = mremap(a, 6 * PG, 2 * PG, 0);
	show("shrink", r);
	printf("same address: %d\n", r == a);

	/* b is followed by a read-only page of its own mapping, which blocks growth in place. */
	char *b = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(b + 3 * PG, PG, PROT_READ);
	memset(b, 'b', 3 * PG);
	show("grow blocked, no MAYMOVE", mremap(b, 3 * PG, 5 * PG, 0));
	r = mremap(b, 3 * PG, 5 * PG, MREMAP_MAYMOVE);
	show("grow by moving", r);
	printf("moved: %d, data moved: %d\n", r != b, r[0] == 'b' && r[3 * PG - 1] == 'b');

	char *c = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *target = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c[0] = 'c';
	r = mremap(c, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	show("fixed", r);
	printf("at target: %d, data: %c, writable: %d\n", r == target, r[0], (r[1] = 1) == 1);

	char *d = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	show("bad flags", mremap(d, PG, PG, 8));
	show("fixed without maymove", mremap(d, PG, PG, MREMAP_FIXED, target));
	show("unaligned", mremap(d + 1, PG, PG, 0));
	show("zero new length", mremap(d, PG, 0, 0));
	char *hole = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, PG);
	show("not mapped", mremap(hole, PG, 2 * PG, MREMAP_MAYMOVE));
	show("beyond the vma", mremap(d, 4 * PG, 8 * PG, MREMAP_MAYMOVE));

	return 0;
}
