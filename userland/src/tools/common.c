/* userland/src/tools/common.c: helpers shared by the tools. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools.h"

void warnx(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void warn_errno(const char *fmt, ...)
{
	va_list ap;
	int err = errno;
	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
}

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int copy_fd(int in, int out)
{
	static char buf[65536];
	for (;;) {
		ssize_t r = read(in, buf, sizeof(buf));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return 0;
		if (write_all(out, buf, (size_t)r) < 0)
			return -1;
	}
}

char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *buf;
	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	for (;;) {
		if (n + 1 >= cap)
			buf = realloc(buf, cap *= 2);
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;
			free(buf);
			close(fd);
			errno = err;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* id_name: the name for id in /etc/passwd or /etc/group (field 3), or the number. glibc's
 * getpwuid needs NSS modules a static binary cannot load, so the file is read directly. */
static const char *id_name(const char *file, unsigned id, char *cache_name, unsigned *cache_id,
			   int *cached)
{
	static char num[16];
	if (*cached && *cache_id == id)
		return cache_name;
	char *text = read_file(file, NULL), *line, *save = NULL;
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = {line};
		int k = 1;
		for (char *p = line; *p && k < 4; p++)
			if (*p == ':') {
				*p = 0;
				f[k++] = p + 1;
			}
		if (k == 4 && (unsigned)strtoul(f[2], NULL, 10) == id && strlen(f[0]) < 64) {
			strcpy(cache_name, f[0]);
			*cache_id = id;
			*cached = 1;
			free(text);
			return cache_name;
		}
	}
	free(text);
	snprintf(num, sizeof(num), "%u", id);
	return num;
}

const char *uid_name(uid_t uid)
{
	static char name[64];
	static unsigned id;
	static int cached;
	return id_name("/etc/passwd", uid, name, &id, &cached);
}

const char *gid_name(gid_t gid)
{
	static char name[64];
	static unsigned id;
	static int cached;
	return id_name("/etc/group", gid, name, &id, &cached);
}

const char *sig_name(int sig)
{
	const char *a = sig > 0 && sig < 32 ? sigabbrev_np(sig) : NULL;
	return a ? a : "?";
}

int sig_from_name(const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);
	if (!*end && end != name)
		return n >= 0 && n <= 64 ? (int)n : -1;
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (int s = 1; s < 32; s++) {
		const char *a = sigabbrev_np(s);
		if (a && !strcasecmp(a, name))
			return s;
	}
	return -1;
}

int echo_escapes(const char *s)
{
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			putchar(*s);
			continue;
		}
		switch (*++s) {
		case 'n': putchar('\n'); break;
		case 't': putchar('\t'); break;
		case 'r': putchar('\r'); break;
		case 'a': putchar('\a'); break;
		case 'b': putchar('\b'); break;
		case 'f': putchar('\f'); break;
		case 'v': putchar('\v'); break;
		case 'e': putchar(27); break;
		case '\\': putchar('\\'); break;
		case 'c': return 1;
		case '0': {
			int v = 0;
			for (int k = 0; k < 3 && s[1] >= '0' && s[1] <= '7'; k++)
				v = v * 8 + (*++s - '0');
			putchar(v);
			break;
		}
		default: putchar('\\'); putchar(*s); break;
		}
	}
	return 0;
}
