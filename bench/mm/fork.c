/* bench/mm/fork.c: fork + exit + wait of a process with 64 MiB of anonymous memory touched.
 * Each fork copies the page tables and shares every page copy-on-write; the child exits at
 * once, tearing its copy down; the parent waits. Reports cycles per second; a few cycles
 * first warm up and are not counted. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "mm_common.h"

#define REGION (64L << 20)
#define CYCLES 40

int main(void)
{
	char *p = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (long off = 0; off < REGION; off += PG)
		p[off] = 1;
	double t0 = 0;
	for (int i = -5; i < CYCLES; i++) {
		if (i == 0)
			t0 = now_s();
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		if (c < 0 || waitpid(c, NULL, 0) != c)
			return 1;
	}
	result("fork_exit_wait_64MiB_per_s", CYCLES, now_s() - t0);
	return 0;
}
