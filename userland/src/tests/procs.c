/* procs.c: processes and threads — fork/wait status, vfork, pthreads with a mutex and a
 * condition variable, nanosleep. Prints deterministic text; the same source runs on the host
 * kernel and under qemu-riscv64 for comparison. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int counter, turn;

static void *worker(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	while (turn != id)
		pthread_cond_wait(&cond, &lock);
	printf("thread %ld done\n", id);
	fflush(stdout);
	turn++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	return (void *)(id * 10);
}

int main(void)
{
	int status;
	pid_t pid = fork();
	if (pid == 0)
		_exit(42);
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	printf("fork: exited=%d status=%d\n", WIFEXITED(status), WEXITSTATUS(status));

	/* The child of vfork borrows the parent's memory until _exit (qemu-user runs it as a
	 * fork, so only the status is compared). */
	pid = vfork();
	if (pid == 0)
		_exit(3);
	waitpid(pid, &status, 0);
	printf("vfork: status=%d\n", WEXITSTATUS(status));

	pid = fork();
	if (pid == 0) {
		*(volatile int *)0 = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("segv child: signaled=%d sig=%d\n", WIFSIGNALED(status), WTERMSIG(status));

	errno = 0;
	printf("wait with no children: %d errno=%d\n", (int)waitpid(-1, &status, WNOHANG), errno);

	pthread_t th[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	long sum = 0;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(th[i], &r);
		sum += (long)r;
	}
	printf("threads: counter=%d sum=%ld\n", counter, sum);

	struct timespec ts = { 0, 2000000 };
	printf("nanosleep: %d\n", nanosleep(&ts, NULL));
	return 0;
}
