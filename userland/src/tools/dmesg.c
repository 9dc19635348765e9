/* userland/src/tools/dmesg.c: prints the kernel log as util-linux dmesg does by default,
 * "[sec.usec] text" per line. Like util-linux it reads /dev/kmsg ("prio,seq,usec,flags;text"
 * records, \xNN escapes undone), from where the last clear left off (SEEK_DATA), and falls
 * back to syslog(2) (SYSLOG_ACTION_READ_ALL) when /dev/kmsg cannot be read.
 * Options: -c (print, then clear) and -C (clear only), both through syslog(2). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "tools.h"

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_SIZE_BUFFER 10

/* One record's text, unescaped; each of its lines gets the record's timestamp. */
static void print_record(unsigned long long usec, const char *text)
{
	printf("[%5llu.%06llu] ", usec / 1000000, usec % 1000000);
	for (const char *p = text; *p && *p != '\n'; p++) {
		unsigned int c;
		if (p[0] == '\\' && p[1] == 'x' && sscanf(p + 2, "%2x", &c) == 1) {
			p += 3;
			if (c == '\n') {
				printf("\n[%5llu.%06llu] ", usec / 1000000, usec % 1000000);
				continue;
			}
			putchar((int)c);
		} else {
			putchar(*p);
		}
	}
	putchar('\n');
}

/* 0 when /dev/kmsg was read to its end; -1 (errno set) when it could not be opened. */
static int from_kmsg(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	char rec[8192];
	if (fd < 0)
		return -1;
	lseek(fd, 0, SEEK_DATA);
	for (;;) {
		ssize_t r = read(fd, rec, sizeof(rec) - 1);
		if (r < 0 && errno == EPIPE)
			continue; /* overwritten records: go on from the oldest left */
		if (r <= 0)
			break;
		rec[r] = 0;
		unsigned long long usec = 0;
		char *semi = strchr(rec, ';');
		if (!semi || sscanf(rec, "%*u,%*u,%llu", &usec) != 1)
			continue;
		print_record(usec, semi + 1);
	}
	close(fd);
	return 0;
}

/* The whole buffer through syslog(2), "<pri>" prefixes dropped; action may clear it too. */
static int from_syslog(int action)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	if (size <= 0)
		return -1;
	char *buf = malloc((size_t)size);
	int n = klogctl(action, buf, size);
	if (n < 0) {
		free(buf);
		return -1;
	}
	for (char *p = buf; p < buf + n;) {
		char *nl = memchr(p, '\n', (size_t)(buf + n - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(buf + n - p);
		size_t advance = nl ? len + 1 : len;
		char *text = p;
		char *gt = len > 2 && *p == '<' ? memchr(p, '>', len) : NULL;
		if (gt) {
			len -= (size_t)(gt + 1 - p);
			text = gt + 1;
		}
		printf("%.*s\n", (int)len, text);
		p += advance;
	}
	free(buf);
	return 0;
}

int dmesg_main(int argc, char **argv)
{
	int opt, clear = 0, print = 1;
	while ((opt = getopt(argc, argv, "cC")) != -1) {
		switch (opt) {
		case 'c':
			clear = 1;
			break;
		case 'C':
			clear = 1;
			print = 0;
			break;
		default:
			fprintf(stderr, "Usage: %s [-c|-C]\n", prog);
			return 1;
		}
	}
	if (!print) {
		if (klogctl(SYSLOG_ACTION_CLEAR, NULL, 0) < 0) {
			warn_errno("klogctl failed");
			return 1;
		}
		return 0;
	}
	int r = clear ? from_syslog(SYSLOG_ACTION_READ_CLEAR) : from_kmsg();
	if (r < 0 && !clear)
		r = from_syslog(SYSLOG_ACTION_READ_ALL);
	if (r < 0) {
		warn_errno(clear ? "klogctl failed" : "read kernel buffer failed");
		return 1;
	}
	return fflush(stdout) ? 1 : 0;
}
