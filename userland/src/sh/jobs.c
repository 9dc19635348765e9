/* userland/src/sh/jobs.c: jobs, process groups and the terminal's foreground group.
 *
 * A job is one pipeline (or one & list): its processes share a process group when job control
 * is on, and the terminal's foreground group is handed to it while the shell waits, so ^C and
 * ^Z from the line discipline reach the job and not the shell. When the job stops or ends, the
 * shell takes the terminal back and restores its own terminal modes, remembering the job's so
 * `fg` can give them back (what bash and dash do for editors stopped with ^Z).
 *
 * Without job control (scripts, no terminal) jobs still exist for `wait`, `jobs` and $!, but
 * every process stays in the shell's process group.
 *
 * Output follows bash: "[1] 42" when a job starts in the background, "[1]+  Stopped  cmd",
 * "[1]+  Done  cmd" before the next prompt.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "sh.h"

#define JOBS_MAX 64

enum pstate { P_RUNNING, P_STOPPED, P_DONE };

struct proc {
	pid_t pid;
	int status;
	enum pstate state;
};

struct job {
	int id;         /* 0 = free slot */
	pid_t pgid;
	char *text;
	struct proc *procs;
	int nr, cap;
	unsigned long seq; /* recency, for the + and - marks and the default of fg/bg */
	int notified;      /* the current stop was reported */
	int bg;            /* started with & (shown with a trailing &) */
	int have_tmodes;
	struct termios tmodes;
};

static struct job jobs[JOBS_MAX];
static unsigned long job_seq;
static struct termios shell_tmodes;
static int have_shell_tmodes;

void jobs_init(void)
{
	if (sh.jobctl && tcgetattr(sh.tty_fd, &shell_tmodes) == 0)
		have_shell_tmodes = 1;
}

int status_to_exit(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	if (WIFSTOPPED(wstatus))
		return 128 + WSTOPSIG(wstatus);
	return 0;
}

struct job *job_new(const char *text, int nr)
{
	for (int i = 0; i < JOBS_MAX; i++) {
		if (jobs[i].id)
			continue;
		struct job *j = &jobs[i];
		int id = 1;
		for (int again = 1; again;) {
			again = 0;
			for (int k = 0; k < JOBS_MAX; k++)
				if (jobs[k].id == id) {
					id++;
					again = 1;
				}
		}
		memset(j, 0, sizeof(*j));
		j->id = id;
		j->text = strdup(text ? text : "");
		j->cap = nr > 0 ? nr : 1;
		j->procs = calloc((size_t)j->cap, sizeof(*j->procs));
		j->seq = ++job_seq;
		return j;
	}
	return NULL;
}

static void job_free(struct job *j)
{
	free(j->text);
	free(j->procs);
	memset(j, 0, sizeof(*j));
}

void job_add_pid(struct job *j, pid_t pid)
{
	if (j->nr == j->cap) {
		j->cap *= 2;
		j->procs = realloc(j->procs, sizeof(*j->procs) * (size_t)j->cap);
	}
	j->procs[j->nr++] = (struct proc){.pid = pid, .state = P_RUNNING};
	if (!j->pgid)
		j->pgid = pid;
}

pid_t job_pgid(struct job *j)
{
	return j->pgid;
}

static int job_is(struct job *j, enum pstate s)
{
	for (int i = 0; i < j->nr; i++)
		if (j->procs[i].state != s)
			return 0;
	return j->nr > 0;
}

static int job_any(struct job *j, enum pstate s)
{
	for (int i = 0; i < j->nr; i++)
		if (j->procs[i].state == s)
			return 1;
	return 0;
}

/* record: stores a wait status for pid; returns 1 if pid belongs to a job. */
static int record(pid_t pid, int status)
{
	for (int i = 0; i < JOBS_MAX; i++) {
		for (int k = 0; jobs[i].id && k < jobs[i].nr; k++) {
			struct proc *p = &jobs[i].procs[k];
			if (p->pid != pid)
				continue;
			p->status = status;
			if (WIFSTOPPED(status)) {
				p->state = P_STOPPED;
				jobs[i].notified = 0;
			} else if (WIFCONTINUED(status)) {
				p->state = P_RUNNING;
			} else {
				p->state = P_DONE;
			}
			return 1;
		}
	}
	return 0;
}

static char mark(struct job *j)
{
	unsigned long first = 0, second = 0;
	for (int i = 0; i < JOBS_MAX; i++) {
		if (!jobs[i].id)
			continue;
		if (jobs[i].seq > first) {
			second = first;
			first = jobs[i].seq;
		} else if (jobs[i].seq > second) {
			second = jobs[i].seq;
		}
	}
	return j->seq == first ? '+' : j->seq == second ? '-' : ' ';
}

static void state_text(struct job *j, char *buf, size_t n)
{
	int st = j->nr ? j->procs[j->nr - 1].status : 0;
	if (job_any(j, P_STOPPED)) {
		snprintf(buf, n, "Stopped");
	} else if (!job_is(j, P_DONE)) {
		snprintf(buf, n, "Running");
	} else if (WIFSIGNALED(st)) {
		snprintf(buf, n, "%s%s", strsignal(WTERMSIG(st)),
			 WCOREDUMP(st) ? " (core dumped)" : "");
	} else if (WEXITSTATUS(st)) {
		snprintf(buf, n, "Exit %d", WEXITSTATUS(st));
	} else {
		snprintf(buf, n, "Done");
	}
}

static void print_job(struct job *j, FILE *f, int with_pid)
{
	char st[64];
	state_text(j, st, sizeof(st));
	if (with_pid)
		fprintf(f, "[%d]%c %d %-24s%s%s\n", j->id, mark(j), (int)j->pgid, st, j->text,
			j->bg && !job_any(j, P_STOPPED) && !job_is(j, P_DONE) ? " &" : "");
	else
		fprintf(f, "[%d]%c  %-24s%s%s\n", j->id, mark(j), st, j->text,
			j->bg && !job_any(j, P_STOPPED) && !job_is(j, P_DONE) ? " &" : "");
	fflush(f);
}

void term_take(void)
{
	if (!sh.jobctl)
		return;
	tcsetpgrp(sh.tty_fd, sh.shell_pgid);
	if (have_shell_tmodes)
		tcsetattr(sh.tty_fd, TCSADRAIN, &shell_tmodes);
}

/* report_signal: what a shell prints when a foreground job dies of a signal. */
static void report_signal(int st)
{
	if (!WIFSIGNALED(st) || WTERMSIG(st) == SIGPIPE)
		return;
	if (WTERMSIG(st) == SIGINT) {
		if (sh.interactive)
			fputc('\n', stderr);
		return;
	}
	fprintf(stderr, "%s%s\n", strsignal(WTERMSIG(st)), WCOREDUMP(st) ? " (core dumped)" : "");
}

/* pipeline_status: the wait status that decides a finished job's exit status: its last
 * process's, or under pipefail the rightmost one that did not exit 0. */
static int pipeline_status(struct job *j)
{
	if (sh.opt_pipefail)
		for (int i = j->nr - 1; i >= 0; i--)
			if (status_to_exit(j->procs[i].status) != 0)
				return j->procs[i].status;
	return j->procs[j->nr - 1].status;
}

int job_wait_fg(struct job *j)
{
	int st, status;
	if (sh.jobctl)
		tcsetpgrp(sh.tty_fd, j->pgid);
	for (int i = 0; i < j->nr; i++) {
		while (j->procs[i].state == P_RUNNING) {
			pid_t pid = waitpid(j->procs[i].pid, &st, sh.jobctl ? WUNTRACED : 0);
			if (pid < 0) {
				if (errno == EINTR)
					continue;
				j->procs[i].state = P_DONE; /* ECHILD: reaped elsewhere */
				break;
			}
			record(pid, st);
		}
	}
	term_take();
	st = pipeline_status(j);
	if (job_any(j, P_STOPPED)) {
		if (sh.jobctl)
			j->have_tmodes = tcgetattr(sh.tty_fd, &j->tmodes) == 0;
		if (sh.jobctl && have_shell_tmodes)
			tcsetattr(sh.tty_fd, TCSADRAIN, &shell_tmodes);
		j->seq = ++job_seq;
		j->bg = 0;
		fputc('\n', stderr);
		print_job(j, stderr, 0);
		j->notified = 1;
		for (int i = 0; i < j->nr; i++)
			if (j->procs[i].state == P_STOPPED)
				st = j->procs[i].status;
		return status_to_exit(st);
	}
	status = status_to_exit(st);
	report_signal(st);
	job_free(j);
	return status;
}

void job_background(struct job *j)
{
	j->bg = 1;
	sh.last_bg_pid = j->procs[j->nr - 1].pid;
	if (sh.interactive) {
		fprintf(stderr, "[%d] %d\n", j->id, (int)j->procs[j->nr - 1].pid);
		fflush(stderr);
	}
}

void jobs_reap(int report)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG | WUNTRACED | WCONTINUED)) > 0)
		record(pid, st);
	if (!report)
		return;
	for (int i = 0; i < JOBS_MAX; i++) {
		struct job *j = &jobs[i];
		if (!j->id)
			continue;
		if (job_is(j, P_DONE)) {
			if (sh.interactive)
				print_job(j, stderr, 0);
			job_free(j);
		} else if (job_any(j, P_STOPPED) && !j->notified) {
			if (sh.interactive)
				print_job(j, stderr, 0);
			j->notified = 1;
		}
	}
}

/* find_job: %n, %+, %%, %-, %string, or a pid; NULL (after a message) if none. */
static struct job *find_job(const char *spec, const char *who)
{
	struct job *best = NULL;
	int want_prev = spec && (strcmp(spec, "%-") == 0);
	if (!spec || !strcmp(spec, "%%") || !strcmp(spec, "%+") || !strcmp(spec, "%") || want_prev) {
		for (int i = 0; i < JOBS_MAX; i++)
			if (jobs[i].id && mark(&jobs[i]) == (want_prev ? '-' : '+'))
				best = &jobs[i];
		if (!best)
			sh_error("%s: %s: no such job", who, spec ? spec : "current");
		return best;
	}
	for (int i = 0; i < JOBS_MAX; i++) {
		struct job *j = &jobs[i];
		if (!j->id)
			continue;
		if (spec[0] == '%' && isdigit_c(spec[1]) && j->id == atoi(spec + 1))
			return j;
		if (spec[0] == '%' && !isdigit_c(spec[1]) && !strncmp(j->text, spec + 1, strlen(spec + 1)))
			return j;
		for (int k = 0; spec[0] != '%' && k < j->nr; k++)
			if (j->procs[k].pid == atoi(spec))
				return j;
	}
	sh_error("%s: %s: no such job", who, spec);
	return NULL;
}

int kill_job_spec(const char *spec, pid_t *pgid_out)
{
	struct job *j = find_job(spec, "kill");
	if (!j)
		return -1;
	*pgid_out = j->pgid;
	return 0;
}

int jobs_builtin(int argc, char **argv)
{
	int with_pid = argc > 1 && !strcmp(argv[1], "-l");
	int pids_only = argc > 1 && !strcmp(argv[1], "-p");
	jobs_reap(0);
	for (int i = 0; i < JOBS_MAX; i++) {
		struct job *j = &jobs[i];
		if (!j->id)
			continue;
		if (pids_only)
			printf("%d\n", (int)j->pgid);
		else
			print_job(j, stdout, with_pid);
		if (job_is(j, P_DONE))
			job_free(j);
		else if (job_any(j, P_STOPPED))
			j->notified = 1;
	}
	fflush(stdout);
	return 0;
}

static void job_continue(struct job *j)
{
	for (int i = 0; i < j->nr; i++)
		if (j->procs[i].state == P_STOPPED)
			j->procs[i].state = P_RUNNING;
	j->notified = 0;
	kill(sh.jobctl ? -j->pgid : j->procs[0].pid, SIGCONT);
}

int fg_builtin(int argc, char **argv)
{
	struct job *j;
	if (!sh.jobctl) {
		sh_error("fg: no job control");
		return 1;
	}
	jobs_reap(0);
	if (!(j = find_job(argc > 1 ? argv[1] : NULL, "fg")))
		return 1;
	printf("%s\n", j->text);
	fflush(stdout);
	tcsetpgrp(sh.tty_fd, j->pgid);
	if (j->have_tmodes)
		tcsetattr(sh.tty_fd, TCSADRAIN, &j->tmodes);
	j->bg = 0;
	job_continue(j);
	return job_wait_fg(j);
}

int bg_builtin(int argc, char **argv)
{
	struct job *j;
	if (!sh.jobctl) {
		sh_error("bg: no job control");
		return 1;
	}
	jobs_reap(0);
	if (!(j = find_job(argc > 1 ? argv[1] : NULL, "bg")))
		return 1;
	j->bg = 1;
	job_continue(j);
	printf("[%d]%c %s &\n", j->id, mark(j), j->text);
	fflush(stdout);
	return 0;
}

/* wait_one: blocks until every process of j has ended; returns the last one's status. */
static int wait_one(struct job *j)
{
	int st;
	while (!job_is(j, P_DONE)) {
		pid_t pid = waitpid(-1, &st, 0);
		if (pid < 0) {
			if (errno == EINTR && !sh.got_sigint)
				continue;
			return errno == EINTR ? 130 : 127;
		}
		record(pid, st);
	}
	st = status_to_exit(pipeline_status(j));
	job_free(j);
	return st;
}

int wait_builtin(int argc, char **argv)
{
	int status = 0;
	sh.got_sigint = 0;
	if (argc == 1) {
		for (int i = 0; i < JOBS_MAX; i++)
			if (jobs[i].id && !job_any(&jobs[i], P_STOPPED))
				status = wait_one(&jobs[i]);
		return sh.got_sigint ? 130 : 0;
	}
	for (int a = 1; a < argc; a++) {
		struct job *j = NULL;
		for (int i = 0; i < JOBS_MAX && !j; i++)
			for (int k = 0; jobs[i].id && k < jobs[i].nr; k++)
				if ((argv[a][0] == '%' && jobs[i].id == atoi(argv[a] + 1)) ||
				    jobs[i].procs[k].pid == atoi(argv[a]))
					j = &jobs[i];
		status = j ? wait_one(j) : 127;
	}
	return status;
}
