/* kmsg.c: /dev/kmsg and syslog(2) as a root reader sees them: the record format and its
 * escapes, <N> prefixes and facilities, EINVAL for a short buffer (the record is skipped),
 * EAGAIN at the end, the seeks, the 1024-byte limit, the per-open rate limit with its
 * message at close, and syslog's errnos. Compared with this machine's kernel natively.
 * The host's log is live (other programs may log meanwhile), so only records this program
 * wrote, tagged "kmsg-test:", are printed, without their sequence numbers and times. It
 * never clears the log or changes the console level. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

static void check(const char *what, long r)
{
	printf("%s: %ld", what, r);
	if (r < 0)
		printf(" errno=%d", errno);
	printf("\n");
	errno = 0;
}

/* Read to the end (EAGAIN), printing our records as "prio,flags;text" and the rate-limit
 * note (its comm left out). Returns the last errno. */
static int drain(int fd, unsigned long long *last_seq)
{
	char rec[2048];
	for (;;) {
		ssize_t n = read(fd, rec, sizeof rec - 1);
		if (n < 0)
			return errno;
		rec[n] = 0;
		unsigned prio;
		unsigned long long seq, usec;
		char flag;
		int off = 0;
		if (sscanf(rec, "%u,%llu,%llu,%c;%n", &prio, &seq, &usec, &flag, &off) != 4 || off == 0)
			continue;
		char *text = rec + off;
		int missed;
		if (sscanf(text, "printk: %*[^:]: %d output lines suppressed", &missed) == 1 && prio == 4)
			printf("  suppressed note: prio %u, %d lines\n", prio, missed);
		if (!strstr(text, "kmsg-test:"))
			continue;
		if (last_seq && *last_seq && seq != *last_seq + 1)
			printf("  (seq did not follow)\n");
		if (last_seq)
			*last_seq = seq;
		if (strlen(text) > 60)
			printf("  %u,%c;%.40s... (%zu bytes)\n", prio, flag, text, strlen(text));
		else
			printf("  %u,%c;%s", prio, flag, text);
	}
}

static void put(int fd, const char *s)
{
	ssize_t n = write(fd, s, strlen(s));
	if (n != (ssize_t)strlen(s))
		printf("write %zd errno=%d\n", n, errno);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	check("SIZE_BUFFER", klogctl(10, NULL, 0));
	check("bad action", klogctl(11, NULL, 0));
	check("READ_ALL NULL buffer", klogctl(3, NULL, 10));
	char buf[4096];
	check("READ_ALL length -1", klogctl(3, buf, -1));
	check("READ_ALL length 0", klogctl(3, buf, 0));
	check("READ NULL buffer", klogctl(2, NULL, 10));
	check("READ_ALL bad buffer", klogctl(3, (char *)-4096L, 10));
	check("CONSOLE_LEVEL 0", klogctl(8, NULL, 0));
	check("CONSOLE_LEVEL 9", klogctl(8, NULL, 9));
	int n = klogctl(3, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	unsigned lvl;
	unsigned long s, us;
	printf("READ_ALL starts with <N>[sec.usec]: %d\n", sscanf(buf, "<%u>[%lu.%lu]", &lvl, &s, &us) == 3);
	printf("READ_ALL ends with a newline: %d\n", n > 0 && buf[n - 1] == '\n');

	int fd = open("/dev/kmsg", O_RDWR | O_NONBLOCK);
	check("lseek SEEK_END", lseek(fd, 0, SEEK_END));
	check("lseek offset 1", lseek(fd, 1, SEEK_SET));
	check("lseek SEEK_CUR", lseek(fd, 0, SEEK_CUR));
	check("lseek whence 9", lseek(fd, 0, 9));
	put(fd, "<14>kmsg-test: user info\n");
	put(fd, "<6>kmsg-test: facility 0 becomes user\n");
	put(fd, "<29>kmsg-test: daemon notice\n");
	put(fd, "kmsg-test: no prefix\n");
	put(fd, "<14>kmsg-test: tab\there, backslash \\, two\nlines\n");
	put(fd, "<14> kmsg-test: leading space kept\n");
	unsigned long long seq = 0;
	printf("records:\n");
	check("drained", -drain(fd, &seq));
	put(fd, "<14>kmsg-test: short buffer\n");
	put(fd, "<14>kmsg-test: after it\n");
	check("read 10 bytes", read(fd, buf, 10));
	seq = 0;
	check("drained", -drain(fd, &seq));
	put(fd, "<14>kmsg-test: no newline, open until the next message");
	check("drained (open record)", -drain(fd, NULL));
	put(fd, "<14>kmsg-test: closes it\n");
	check("drained", -drain(fd, NULL));

	char big[1100];
	memset(big, 'x', sizeof big);
	memcpy(big, "<14>kmsg-test:", 14);
	/* A second writer: the first has used up its burst of ten (its next write is dropped). */
	put(fd, "<14>kmsg-test: the eleventh write of this open\n");
	int w = open("/dev/kmsg", O_WRONLY);
	check("write 1025 bytes", write(w, big, 1025));
	big[1023] = '\n';
	check("write 1024 bytes", write(w, big, 1024));
	close(w);
	check("drained", -drain(fd, NULL));

	/* A fresh open: ten messages pass the rate limit, the rest are dropped and counted. */
	w = open("/dev/kmsg", O_WRONLY);
	for (int i = 0; i < 13; i++) {
		char m[64];
		snprintf(m, sizeof m, "<14>kmsg-test: burst %d\n", i);
		put(w, m);
	}
	close(w);
	check("drained", -drain(fd, NULL));
	close(fd);

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ssize_t r = read(fd, buf, sizeof buf);
	printf("a new reader starts at the oldest record: %d\n", r > 0);
	close(fd);
	return 0;
}
