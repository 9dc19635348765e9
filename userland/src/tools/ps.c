/* userland/src/tools/ps.c: ps from /proc/<pid>/{stat,cmdline,status}, procps-ng formats.
 *
 *   ps            PID TTY TIME CMD of the processes on this terminal (procps's default)
 *   ps -e | -A    the same columns for every process
 *   ps -f, -ef    UID PID PPID C STIME TTY TIME CMD
 *   ps aux        USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND
 *
 * Processes are listed in pid order (readdir of /proc sorted numerically).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tools.h"

struct proc {
	int pid, ppid, pgrp, session, tty_nr, tpgid;
	char state;
	char comm[64];
	unsigned long utime, stime, vsize_bytes, starttime;
	long rss_pages, nice;
	uid_t uid;
	char *cmdline; /* spaces for NULs; NULL when empty (kernel threads, zombies) */
};

static int read_proc(int pid, struct proc *p)
{
	char path[64], *text, *rp;
	struct stat st;
	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(text = read_file(path, NULL)))
		return -1;
	/* comm may hold spaces and parentheses: it ends at the last ')'. */
	char *lp = strchr(text, '('), *end;
	rp = strrchr(text, ')');
	if (!lp || !rp) {
		free(text);
		return -1;
	}
	p->pid = pid;
	snprintf(p->comm, sizeof(p->comm), "%.*s", (int)(rp - lp - 1), lp + 1);
	sscanf(rp + 2, "%c %d %d %d %d %d %*u %*u %*u %*u %*u %lu %lu %*d %*d %*d %ld %*d %*d %lu %lu %ld",
	       &p->state, &p->ppid, &p->pgrp, &p->session, &p->tty_nr, &p->tpgid, &p->utime,
	       &p->stime, &p->nice, &p->starttime, &p->vsize_bytes, &p->rss_pages);
	(void)end;
	free(text);
	snprintf(path, sizeof(path), "/proc/%d", pid);
	p->uid = stat(path, &st) == 0 ? st.st_uid : 0;
	size_t len = 0;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	p->cmdline = read_file(path, &len);
	if (p->cmdline && len == 0) {
		free(p->cmdline);
		p->cmdline = NULL;
	}
	for (size_t i = 0; p->cmdline && i + 1 < len; i++)
		if (!p->cmdline[i])
			p->cmdline[i] = ' ';
	return 0;
}

static void tty_name(int tty_nr, char *buf, size_t n)
{
	unsigned maj = ((unsigned)tty_nr >> 8) & 0xfff, min = ((unsigned)tty_nr & 0xff) |
			((unsigned)tty_nr >> 12 & 0xfff00);
	if (tty_nr == 0)
		snprintf(buf, n, "?");
	else if (maj == 136)
		snprintf(buf, n, "pts/%u", min);
	else if (maj == 4 && min < 64)
		snprintf(buf, n, "tty%u", min);
	else if (maj == 4)
		snprintf(buf, n, "ttyS%u", min - 64);
	else if (maj == 5 && min == 1)
		snprintf(buf, n, "console");
	else if (maj == 204 && min >= 64)
		snprintf(buf, n, "ttyAMA%u", min - 64);
	else
		snprintf(buf, n, "%u:%u", maj, min);
}

static void cputime(unsigned long ticks, char *buf, size_t n, int with_hours)
{
	long hz = sysconf(_SC_CLK_TCK);
	unsigned long s = ticks / (unsigned long)(hz > 0 ? hz : 100);
	if (with_hours)
		snprintf(buf, n, "%02lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, n, "%lu:%02lu", s / 60, s % 60);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int *list_pids(int *n)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int *pids = NULL, cap = 0;
	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		if (*n == cap)
			pids = realloc(pids, sizeof(int) * (size_t)(cap = cap ? cap * 2 : 128));
		pids[(*n)++] = (int)pid;
	}
	closedir(d);
	qsort(pids, (size_t)*n, sizeof(int), cmp_int);
	return pids;
}

static unsigned long mem_total_kb(void)
{
	char *t = read_file("/proc/meminfo", NULL), *p;
	unsigned long v = 0;
	if (t && (p = strstr(t, "MemTotal:")))
		v = strtoul(p + 9, NULL, 10);
	free(t);
	return v;
}

static double uptime_s(void)
{
	char *t = read_file("/proc/uptime", NULL);
	double v = t ? strtod(t, NULL) : 0;
	free(t);
	return v;
}

static void start_time(struct proc *p, char *buf, size_t n, double up)
{
	long hz = sysconf(_SC_CLK_TCK);
	time_t start = time(NULL) - (time_t)(up - (double)p->starttime / (double)(hz > 0 ? hz : 100));
	struct tm tm;
	localtime_r(&start, &tm);
	strftime(buf, n, time(NULL) - start < 86400 ? "%H:%M" : "%b%d", &tm);
}

enum fmt { F_DEFAULT, F_FULL, F_AUX };

/* pid_w: procps sizes the PID columns to the digits of pid_max, at least 5. */
static int pid_w = 5;

static void set_pid_width(void)
{
	char *t = read_file("/proc/sys/kernel/pid_max", NULL);
	long v = t ? strtol(t, NULL, 10) : 0;
	free(t);
	for (pid_w = 1; v >= 10; v /= 10)
		pid_w++;
	if (pid_w < 5)
		pid_w = 5;
}

static void header(enum fmt f)
{
	if (f == F_FULL)
		printf("UID      %*s %*s  C STIME TTY          TIME CMD\n", pid_w, "PID", pid_w, "PPID");
	else if (f == F_AUX)
		printf("USER     %*s %%CPU %%MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n", pid_w, "PID");
	else
		printf("%*s TTY          TIME CMD\n", pid_w, "PID");
}

static void row(struct proc *p, enum fmt f, unsigned long total_kb, double up)
{
	char tty[32], tm[32], st[16];
	const char *cmd = p->cmdline;
	char bracket[80];
	long page_kb = sysconf(_SC_PAGESIZE) / 1024;
	if (!cmd) {
		snprintf(bracket, sizeof(bracket), "[%s]", p->comm);
		cmd = bracket;
	}
	tty_name(p->tty_nr, tty, sizeof(tty));
	if (f == F_DEFAULT) {
		cputime(p->utime + p->stime, tm, sizeof(tm), 1);
		printf("%*d %-8s %s %s\n", pid_w, p->pid, tty, tm, p->comm);
	} else if (f == F_FULL) {
		cputime(p->utime + p->stime, tm, sizeof(tm), 1);
		start_time(p, st, sizeof(st), up);
		printf("%-8s %*d %*d  0 %-5s %-8s %s %s\n", uid_name(p->uid), pid_w, p->pid, pid_w, p->ppid, st, tty,
		       tm, cmd);
	} else {
		char stat[8];
		int k = 0;
		unsigned long rss_kb = (unsigned long)(p->rss_pages > 0 ? p->rss_pages : 0) *
				       (unsigned long)page_kb;
		stat[k++] = p->state;
		if (p->nice < 0)
			stat[k++] = '<';
		else if (p->nice > 0)
			stat[k++] = 'N';
		if (p->session == p->pid)
			stat[k++] = 's';
		if (p->tty_nr && p->tpgid == p->pgrp)
			stat[k++] = '+';
		stat[k] = 0;
		cputime(p->utime + p->stime, tm, sizeof(tm), 0);
		start_time(p, st, sizeof(st), up);
		printf("%-8s %*d %4.1f %4.1f %6lu %5lu %-8s %-4s %-5s %6s %s\n", uid_name(p->uid),
		       pid_w, p->pid, 0.0, total_kb ? 100.0 * (double)rss_kb / (double)total_kb : 0.0,
		       p->vsize_bytes / 1024, rss_kb, tty, stat, st, tm, cmd);
	}
}

int ps_main(int argc, char **argv)
{
	int all = 0, n, self_tty;
	enum fmt f = F_DEFAULT;
	struct proc me;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int dash = a[0] == '-';
		for (a += dash; *a; a++) {
			if (*a == 'e' || *a == 'A' || (!dash && (*a == 'a' || *a == 'x')))
				all = 1;
			else if (*a == 'f' && dash)
				f = F_FULL;
			else if (*a == 'u' && !dash)
				f = F_AUX;
			else if (*a != 'w') {
				warnx("unsupported option '%c' (supported: -e -A -f aux)", *a);
				return 1;
			}
		}
	}
	if (read_proc(getpid(), &me) < 0) {
		warn_errno("cannot read /proc/self/stat (is /proc mounted?)");
		return 1;
	}
	self_tty = me.tty_nr;
	free(me.cmdline);
	int *pids = list_pids(&n);
	unsigned long total = mem_total_kb();
	double up = uptime_s();
	set_pid_width();
	header(f);
	for (int i = 0; i < n; i++) {
		struct proc p;
		if (read_proc(pids[i], &p) < 0)
			continue;
		if (all || (p.tty_nr == self_tty && p.uid == geteuid() && self_tty))
			row(&p, f, total, up);
		free(p.cmdline);
	}
	free(pids);
	return fflush(stdout) ? 1 : 0;
}
