/* userland/src/tools/sleep.c: sleep NUMBER[smhd]... ; fractions allowed; the sum is slept. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools.h"

int sleep_main(int argc, char **argv)
{
	double total = 0;
	struct timespec ts, rem;
	if (argc < 2) {
		warnx("missing operand");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		char *end;
		double v = strtod(argv[i], &end);
		double mul = 1;
		if (*end && !end[1] && strchr("smhd", *end))
			mul = *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 1, end++;
		if (*end || end == argv[i] || v < 0 || v != v) {
			warnx("invalid time interval '%s'", argv[i]);
			return 1;
		}
		total += v * mul;
	}
	if (total > 1e15)
		total = 1e15;
	ts.tv_sec = (time_t)total;
	ts.tv_nsec = (long)((total - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
	return 0;
}
