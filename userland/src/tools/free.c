/* userland/src/tools/free.c: free [-b|-k|-m|-g|-h] from /proc/meminfo, as procps-ng 4.0:
 * used = total - available; buff/cache = Buffers + Cached + SReclaimable. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools.h"

static unsigned long field(const char *text, const char *name)
{
	const char *p = text;
	size_t n = strlen(name);
	while ((p = strstr(p, name)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ':')
			return strtoul(p + n + 1, NULL, 10);
		p += n;
	}
	return 0;
}

static int shift; /* 0 bytes... in units of 2^shift bytes relative to KiB; -10 = bytes */
static int human;

static void col(unsigned long kb)
{
	char buf[32];
	if (human) {
		static const char units[] = "KMGTP";
		double v = (double)kb;
		int u = 0;
		if (kb < 1024) {
			snprintf(buf, sizeof(buf), "%luKi", kb);
		} else {
			while (v >= 1024 && u < 4) {
				v /= 1024;
				u++;
			}
			snprintf(buf, sizeof(buf), v < 10 ? "%.1f%ci" : "%.0f%ci", v, units[u]);
		}
		printf("%12s", buf);
		return;
	}
	unsigned long long v = shift < 0 ? (unsigned long long)kb << 10 : kb >> shift;
	printf("%12llu", v);
}

int free_main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-b")) shift = -10;
		else if (!strcmp(argv[i], "-k")) shift = 0;
		else if (!strcmp(argv[i], "-m")) shift = 10;
		else if (!strcmp(argv[i], "-g")) shift = 20;
		else if (!strcmp(argv[i], "-h")) human = 1;
		else {
			warnx("invalid option -- '%s'", argv[i]);
			fprintf(stderr, "Usage: free [-b|-k|-m|-g|-h]\n");
			return 1;
		}
	}
	char *t = read_file("/proc/meminfo", NULL);
	if (!t) {
		warn_errno("cannot read /proc/meminfo");
		return 1;
	}
	unsigned long total = field(t, "MemTotal"), mfree = field(t, "MemFree");
	unsigned long avail = field(t, "MemAvailable");
	unsigned long cache = field(t, "Buffers") + field(t, "Cached") + field(t, "SReclaimable");
	unsigned long shmem = field(t, "Shmem");
	unsigned long st = field(t, "SwapTotal"), sf = field(t, "SwapFree");
	if (!strstr(t, "MemAvailable:"))
		avail = mfree + cache;
	if (avail > total)
		avail = mfree;
	unsigned long used = total - avail;
	free(t);
	printf("               total        used        free      shared  buff/cache   available\n");
	printf("Mem:    ");
	col(total); col(used); col(mfree); col(shmem); col(cache); col(avail);
	printf("\nSwap:   ");
	col(st); col(st - sf); col(sf);
	printf("\n");
	return fflush(stdout) ? 1 : 0;
}
