/* madvise.c: madvise(2) semantics checked the same way natively and under umwasm:
 * DONTNEED gives zeros back, WIPEONFORK gives the child zeros, DONTFORK leaves the child
 * without the mapping, POPULATE_WRITE, and Linux's errnos for bad arguments. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25 /* glibc 2.36 headers predate it */
#endif

#define PG 4096

static int child_value(char *p)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(p[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

static void check(const char *what, int r)
{
	printf("%s: %d", what, r);
	if (r < 0)
		printf(" errno=%d", errno);
	printf("\n");
	errno = 0;
}

int main(void)
{
	char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 7, 4 * PG);
	check("dontneed", madvise(p + PG, PG, MADV_DONTNEED));
	printf("after dontneed: %d %d %d\n", p[0], p[PG], p[2 * PG]);

	p[0] = 9;
	check("wipeonfork", madvise(p, PG, MADV_WIPEONFORK));
	printf("child sees wiped page: %d, parent keeps: %d\n", child_value(p), p[0]);
	check("keeponfork", madvise(p, PG, MADV_KEEPONFORK));
	printf("child sees kept page: %d\n", child_value(p));

	check("dontfork", madvise(p + 3 * PG, PG, MADV_DONTFORK));
	printf("child touching a dontfork page: %d\n", child_value(p + 3 * PG));
	check("dofork", madvise(p + 3 * PG, PG, MADV_DOFORK));

	check("populate_write", madvise(p, 4 * PG, MADV_POPULATE_WRITE));
	check("willneed", madvise(p, 4 * PG, MADV_WILLNEED));
	check("unaligned", madvise(p + 1, PG, MADV_DONTNEED));
	check("bad advice", madvise(p, PG, 12345));
	check("zero length", madvise(p, 0, MADV_DONTNEED));
	munmap(p + PG, PG);
	check("over a hole", madvise(p, 4 * PG, MADV_DONTNEED));
	check("wipeonfork shared", madvise(mmap(NULL, PG, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0), PG, MADV_WIPEONFORK));
	check("collapse", madvise(p, PG, MADV_COLLAPSE));
	return 0;
}
