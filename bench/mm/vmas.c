/* bench/mm/vmas.c: the cost of vma operations as the number of vmas grows. For 100, 10,000
 * and 100,000 vmas present (pages of alternating protection in one region), times
 *   mmap+munmap: map one anonymous page anywhere and unmap it again, and
 *   mprotect split/merge: make the middle page of a 3-page mapping read-only (one vma becomes
 *   three) and writable again (they merge back into one).
 * Raises vm.max_map_count as root when the largest count needs it and restores it at exit;
 * if it cannot, the counts are capped to what the limit allows and a note says so. One
 * untimed pass over both loops first warms up (a JIT's tiers, free lists). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "mm_common.h"

#define ITERS 20000
static const long counts[] = { 100, 10000, 100000 };

static long read_max_map_count(void)
{
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_max_map_count(long v)
{
	FILE *f = fopen("/proc/sys/vm/max_map_count", "w");
	if (!f)
		return -1;
	int ok = fprintf(f, "%ld\n", v) > 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* n vmas: a region of n pages whose odd pages are read-only. Returns the region. */
static char *make_vmas(long n)
{
	char *r = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return NULL;
	for (long i = 1; i < n; i += 2)
		if (mprotect(r + i * PG, PG, PROT_READ) != 0)
			return NULL;
	return r;
}

int main(void)
{
	long old = read_max_map_count(), need = counts[2] + 1000, limit = old;
	if (old >= 0 && old < need) {
		if (write_max_map_count(need) == 0)
			limit = need;
		else
			printf("note: vm.max_map_count is %ld and cannot be raised\n", old);
	}
	for (int c = -1; c < 3; c++) {
		long n = c < 0 ? counts[0] : counts[c];
		if (n + 1000 > limit) {
			printf("note: %ld vmas capped to %ld by vm.max_map_count\n", n, limit - 1000);
			n = limit - 1000;
		}
		char *region = make_vmas(n);
		char *m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (!region || m == MAP_FAILED) {
			printf("setup of %ld vmas failed\n", n);
			return 1;
		}
		char metric[64];
		double t0 = now_s();
		for (int i = 0; i < ITERS; i++) {
			void *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED || munmap(p, PG) != 0)
				return 1;
		}
		snprintf(metric, sizeof(metric), "mmap_munmap_per_s@%ld", counts[c < 0 ? 0 : c]);
		if (c >= 0)
			result(metric, ITERS, now_s() - t0);
		t0 = now_s();
		for (int i = 0; i < ITERS; i++) {
			if (mprotect(m + PG, PG, PROT_READ) != 0 || mprotect(m + PG, PG, PROT_READ | PROT_WRITE) != 0)
				return 1;
		}
		snprintf(metric, sizeof(metric), "mprotect_split_merge_per_s@%ld", counts[c < 0 ? 0 : c]);
		if (c >= 0)
			result(metric, ITERS, now_s() - t0);
		munmap(m, 3 * PG);
		munmap(region, n * PG);
	}
	if (limit != old)
		write_max_map_count(old);
	return 0;
}
