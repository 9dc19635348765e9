/* robust.c: a robust mutex held by a thread that exits is handed to the next locker with
 * EOWNERDEAD (the kernel's robust-list cleanup at exit), then made consistent. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m;

static void *locker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	return NULL; /* exits holding the lock */
}

int main(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&m, &a);
	pthread_t t;
	pthread_create(&t, NULL, locker, NULL);
	pthread_join(t, NULL);
	int r = pthread_mutex_lock(&m);
	printf("lock after owner died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : r == 0 ? "0" : "other");
	printf("consistent: %d\n", pthread_mutex_consistent(&m));
	printf("unlock: %d\n", pthread_mutex_unlock(&m));
	printf("relock: %d\n", pthread_mutex_lock(&m));
	return 0;
}
