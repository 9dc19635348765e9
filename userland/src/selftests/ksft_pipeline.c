/* userland/src/selftests/ksft_pipeline.c: our /bin/sh and tools, composed.
 *
 * Each case runs `/bin/sh -c SCRIPT` with stdout on a pipe and checks what it printed and
 * how it ended: pipelines through grep, wc, head and tail, redirections to and from files in
 * /tmp, here the exit status of a pipeline (its last command, or the first failure under
 * pipefail), command substitution and a shell killed by a signal. It needs the image's
 * /bin/sh and tools, whose output formats it expects, so it runs only inside the image.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"

struct pipeline_case {
	const char *desc;
	const char *script;
	const char *out;
	int status; /* exit status, or -signal for a shell killed by one */
};

static const struct pipeline_case cases[] = {
	{"echo | grep | wc -l counts the matching line", "echo hello world | grep world | wc -l", "1\n", 0},
	{"grep in a pipeline filters lines", "printf 'one\\ntwo\\nthree\\n' | grep t", "two\nthree\n", 0},
	{"head and tail cut a stream", "printf 'a\\nb\\nc\\nd\\n' | head -n 3 | tail -n 1", "c\n", 0},
	{"> and >> write a file, cat reads it",
	 "echo first > /tmp/ksft_pl; echo second >> /tmp/ksft_pl; cat /tmp/ksft_pl", "first\nsecond\n", 0},
	{"< feeds a file to wc -c", "printf 'abcd' > /tmp/ksft_pl; wc -c < /tmp/ksft_pl", "4\n", 0},
	{"2> sends errors to a file, stdout stays clean",
	 "cat /no/such/file 2>/tmp/ksft_pl_err; echo $?; grep -c 'No such file' /tmp/ksft_pl_err", "1\n1\n", 0},
	{"a pipeline's status is its last command's", "true | false", "", 1},
	{"a failing command before the last does not count", "false | true", "", 0},
	{"pipefail reports the failure", "set -o pipefail; false | true", "", 1},
	{"grep without a match exits 1", "echo abc | grep xyz", "", 1},
	{"$? after a pipeline", "echo abc | grep -q abc; echo $?", "0\n", 0},
	{"command substitution", "x=$(echo inner | wc -c); echo \"got $x\"", "got 6\n", 0},
	{"exit N is the shell's status", "exit 7", "", 7},
	{"a shell killed by SIGTERM", "kill -TERM $$; echo unreachable", "", -SIGTERM},
	{"rm removes the files", "rm /tmp/ksft_pl /tmp/ksft_pl_err; ls /tmp/ksft_pl 2>/dev/null; echo $?", "2\n", 0},
};

/* run_sh: runs script, collecting stdout into out (NUL-terminated); returns the wait status. */
static int run_sh(const char *script, char *out, size_t size)
{
	int p[2], st = 0;
	size_t len = 0;
	if (pipe(p) < 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], out + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	return st;
}

int main(void)
{
	char out[4096];
	size_t n = sizeof(cases) / sizeof(cases[0]);
	ksft_print_header();
	ksft_set_plan((unsigned)n);
	if (access("/bin/sh", X_OK) != 0 || access("/bin/umbox", X_OK) != 0) {
		for (size_t i = 0; i < n; i++)
			ksft_test_result_skip(cases[i].desc, "needs the image's /bin/sh and /bin/umbox");
		ksft_finished();
	}
	for (size_t i = 0; i < n; i++) {
		const struct pipeline_case *c = &cases[i];
		int st = run_sh(c->script, out, sizeof(out));
		int got = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? -WTERMSIG(st) : 1000;
		int ok = got == c->status && !strcmp(out, c->out);
		if (!ok) {
			ksft_print_msg("sh -c '%s': status %d (expected %d), output:\n", c->script, got, c->status);
			for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
				ksft_print_msg("  %s\n", line);
		}
		ksft_test_result(ok, "%s", c->desc);
	}
	ksft_finished();
}
