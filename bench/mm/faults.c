/* bench/mm/faults.c: first-touch anonymous page faults. Maps 64 MiB, writes one byte to each
 * page (each write is a fault that allocates, zeroes and maps a page), unmaps; several rounds.
 * Reports faults per second over the touch loops only; the first round warms up (a JIT's
 * tiers, the allocator's free lists) and is not counted. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "mm_common.h"

#define REGION (64L << 20)
#define ROUNDS 7

int main(void)
{
	double t = 0;
	long faults = 0, sum = 0;
	for (int r = 0; r < ROUNDS; r++) {
		char *p = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		double t0 = now_s();
		for (long off = 0; off < REGION; off += PG)
			p[off] = (char)(off >> 12);
		if (r > 0) {
			t += now_s() - t0;
			faults += REGION / PG;
		}
		for (long off = 0; off < REGION; off += 64 * PG)
			sum += p[off];
		munmap(p, REGION);
	}
	printf("checksum %ld\n", sum);
	result("first_touch_faults_per_s", (double)faults, t);
	return 0;
}
