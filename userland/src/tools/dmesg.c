/* userland/src/tools/dmesg.c: prints the kernel log, from syslog(2) (SYSLOG_ACTION_READ_ALL)
 * or, failing that, from /dev/kmsg records ("pri,seq,usec,flags;text" → "[sec.usec] text").
 * umwasm's kernel may have neither yet: then it says so and exits 1, like util-linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "tools.h"

static int from_kmsg(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	char rec[8192];
	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t r = read(fd, rec, sizeof(rec) - 1);
		if (r < 0 && errno == EPIPE)
			continue; /* overwritten records: skip ahead */
		if (r <= 0)
			break;
		rec[r] = 0;
		unsigned long long usec = 0;
		char *semi = strchr(rec, ';');
		sscanf(rec, "%*u,%*u,%llu", &usec);
		if (!semi)
			continue;
		char *nl = strchr(semi, '\n');
		if (nl)
			*nl = 0;
		printf("[%5llu.%06llu] %s\n", usec / 1000000, usec % 1000000, semi + 1);
	}
	close(fd);
	return 0;
}

int dmesg_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int size = klogctl(10, NULL, 0); /* SYSLOG_ACTION_SIZE_BUFFER */
	if (size > 0) {
		char *buf = malloc((size_t)size);
		int n = klogctl(3, buf, size); /* SYSLOG_ACTION_READ_ALL */
		if (n >= 0) {
			/* Strip the "<pri>" prefix of each line, as dmesg does by default. */
			for (char *p = buf; p < buf + n;) {
				char *nl = memchr(p, '\n', (size_t)(buf + n - p));
				size_t len = nl ? (size_t)(nl - p) : (size_t)(buf + n - p);
				char *text = p;
				if (len > 2 && *p == '<' && memchr(p, '>', len)) {
					char *gt = memchr(p, '>', len);
					len -= (size_t)(gt + 1 - p);
					text = gt + 1;
				}
				printf("%.*s\n", (int)len, text);
				p += (nl ? (size_t)(nl - p) + 1 : (size_t)(buf + n - p));
			}
			free(buf);
			return fflush(stdout) ? 1 : 0;
		}
		free(buf);
	}
	int err = errno;
	if (from_kmsg() == 0)
		return fflush(stdout) ? 1 : 0;
	errno = err;
	warn_errno("read kernel buffer failed");
	return 1;
}
