/* userland/src/selftests/ksft_nproc.c: RLIMIT_NPROC bounds fork for users other than root.
 *
 * kernel/fork.c copy_process: a task whose user already has RLIMIT_NPROC processes gets
 * EAGAIN from fork unless the user is root (or has CAP_SYS_RESOURCE/CAP_SYS_ADMIN). The limit
 * counts every process of the real uid, so the tests run as a uid nothing else uses.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"

#define TEST_UID 48213 /* a uid no other process runs as */
#define LIMIT 4
#define MAX_TRIES 16

/* fork_until_eagain: forks children that wait on a pipe until fork fails; returns how many
 * forks succeeded (+100 when the failure was not EAGAIN), after releasing and reaping them. */
static int fork_until_eagain(void)
{
	int p[2], n = 0, err = 0;
	pid_t kids[MAX_TRIES];
	if (pipe(p) < 0)
		return 200;
	while (n < MAX_TRIES) {
		pid_t pid = fork();
		if (pid < 0) {
			err = errno;
			break;
		}
		if (pid == 0) {
			char c;
			close(p[1]);
			_exit(read(p[0], &c, 1) == 0 ? 0 : 1);
		}
		kids[n++] = pid;
	}
	close(p[1]); /* every child sees EOF and exits */
	int bad = 0;
	for (int i = 0; i < n; i++) {
		int st;
		if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad = 1;
	}
	if (bad)
		return 201;
	return err == EAGAIN ? n : 100 + n;
}

static int as_user(void)
{
	struct rlimit rl = {LIMIT, LIMIT};
	if (setrlimit(RLIMIT_NPROC, &rl) < 0)
		return 202;
	if (setresuid(TEST_UID, TEST_UID, TEST_UID) < 0)
		return 203;
	return fork_until_eagain();
}

static int as_root(void)
{
	struct rlimit rl = {1, 1};
	if (setrlimit(RLIMIT_NPROC, &rl) < 0)
		return 202;
	return fork_until_eagain();
}

static int as_user_raise(void)
{
	struct rlimit rl = {LIMIT, LIMIT};
	if (setrlimit(RLIMIT_NPROC, &rl) < 0 || setresuid(TEST_UID, TEST_UID, TEST_UID) < 0)
		return 202;
	rl.rlim_max = LIMIT + 1;
	return setrlimit(RLIMIT_NPROC, &rl) < 0 ? errno : 0;
}

static int run(int (*fn)(void))
{
	int st;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(3);
	if (geteuid() != 0) {
		ksft_test_result_skip("fork stops at RLIMIT_NPROC for a user", "needs root to change uid");
		ksft_test_result_skip("root forks past RLIMIT_NPROC", "needs root");
		ksft_test_result_skip("raising the NPROC hard limit unprivileged", "needs root to change uid");
		ksft_finished();
	}
	int n = run(as_user);
	/* The forking process is one of the user's LIMIT processes. */
	if (n != LIMIT - 1)
		ksft_print_msg("as uid %d with RLIMIT_NPROC %d: %d forks (+100: not EAGAIN)\n", TEST_UID, LIMIT, n);
	ksft_test_result(n == LIMIT - 1, "fork stops with EAGAIN at RLIMIT_NPROC for a user");
	n = run(as_root);
	ksft_test_result(n == MAX_TRIES + 100, "root forks past RLIMIT_NPROC");
	n = run(as_user_raise);
	ksft_test_result(n == EPERM, "raising the NPROC hard limit unprivileged: EPERM");
	ksft_finished();
}
