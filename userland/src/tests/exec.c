/* exec.c: execve — re-executes itself with new arguments and environment, runs a `#!` script
 * that names this program as its interpreter, and checks the errnos of missing files. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		printf("child: argc=%d", argc);
		for (int i = 2; i < argc; i++)
			printf(" [%s]", argv[i]);
		printf(" X=%s\n", getenv("X") ? getenv("X") : "(unset)");
		return 4;
	}
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { argv[0], "child", "a b", "", "c", NULL };
		char *env[] = { "X=from-exec", NULL };
		execve(argv[0], args, env);
		_exit(100 + errno);
	}
	int status;
	waitpid(pid, &status, 0);
	fflush(stdout);
	printf("exec: status=%d\n", WEXITSTATUS(status));

	char *none[] = { "nope", NULL };
	errno = 0;
	execve("/nonexistent/prog", none, none);
	printf("missing: errno=%d\n", errno);
	errno = 0;
	execve("", none, none);
	printf("empty path: errno=%d\n", errno);
	return 0;
}
