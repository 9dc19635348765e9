/* bench/mm/mm_common.h: timing and reporting shared by the mm benchmarks. Each benchmark prints
 * "result <metric> <value>" lines (value: operations per second, higher is better) that
 * bench/run.ts collects from the guest run and from the same source run natively. */
#ifndef MM_COMMON_H
#define MM_COMMON_H
#include <stdio.h>
#include <time.h>

#define PG 4096L

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void result(const char *metric, double ops, double seconds)
{
	printf("result %s %.1f\n", metric, seconds > 0 ? ops / seconds : 0.0);
}
#endif
