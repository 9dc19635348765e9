/* userland/src/selftests/ksft_threads.c: POSIX threads on clone, futex and tgkill.
 *
 * Creation and join, futex-backed mutexes and condition variables (a bounded producer/
 * consumer queue), barriers, thread-local storage, per-thread ids, tgkill to one thread, the
 * main thread leaving with pthread_exit while another runs on, and a robust mutex whose owner
 * dies. Output is the same on any kernel that gets these right: no ids or addresses.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"

#define NTHREADS 4

static pid_t sys_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void *double_it(void *arg)
{
	return (void *)((uintptr_t)arg * 2);
}

static void test_create_join(void)
{
	pthread_t t[NTHREADS];
	uintptr_t sum = 0;
	int bad = 0;
	for (uintptr_t i = 0; i < NTHREADS; i++)
		bad |= pthread_create(&t[i], NULL, double_it, (void *)(i + 1)) != 0;
	for (int i = 0; i < NTHREADS; i++) {
		void *ret = NULL;
		bad |= pthread_join(t[i], &ret) != 0;
		sum += (uintptr_t)ret;
	}
	ksft_test_result(!bad && sum == 20, "pthread_create and pthread_join pass values");
}

/* A counter many threads bump under one mutex: contention goes through FUTEX_WAIT/WAKE. */
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
#define BUMPS 3000

static void *bump(void *arg)
{
	(void)arg;
	for (int i = 0; i < BUMPS; i++) {
		pthread_mutex_lock(&count_lock);
		long v = counter;
		if (i % 64 == 0)
			sched_yield(); /* hold the lock across a reschedule: others must wait */
		counter = v + 1;
		pthread_mutex_unlock(&count_lock);
	}
	return NULL;
}

static void test_mutex(void)
{
	pthread_t t[NTHREADS];
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, bump, NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	if (counter != NTHREADS * BUMPS)
		ksft_print_msg("counter %ld, expected %d\n", counter, NTHREADS * BUMPS);
	ksft_test_result(counter == NTHREADS * BUMPS, "mutex serialises %d threads", NTHREADS);
}

/* A bounded queue: the producer waits on not_full, the consumer on not_empty. */
#define QLEN 4
#define ITEMS 200
static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	int buf[QLEN], head, len;
} q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, 0};

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&q.lock);
		while (q.len == QLEN)
			pthread_cond_wait(&q.not_full, &q.lock);
		q.buf[(q.head + q.len++) % QLEN] = i;
		pthread_cond_signal(&q.not_empty);
		pthread_mutex_unlock(&q.lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	long sum = 0, in_order = 1, prev = 0;
	(void)arg;
	for (int i = 0; i < ITEMS; i++) {
		pthread_mutex_lock(&q.lock);
		while (q.len == 0)
			pthread_cond_wait(&q.not_empty, &q.lock);
		int v = q.buf[q.head];
		q.head = (q.head + 1) % QLEN;
		q.len--;
		pthread_cond_signal(&q.not_full);
		pthread_mutex_unlock(&q.lock);
		in_order &= v == prev + 1;
		prev = v;
		sum += v;
	}
	return (void *)(in_order ? sum : -1);
}

static void test_condvar(void)
{
	pthread_t p, c;
	void *ret;
	pthread_create(&c, NULL, consumer, NULL);
	pthread_create(&p, NULL, producer, NULL);
	pthread_join(p, NULL);
	pthread_join(c, &ret);
	ksft_test_result((long)ret == ITEMS * (ITEMS + 1) / 2,
			 "condition variables: producer/consumer moves %d items in order", ITEMS);
}

static pthread_barrier_t barrier;
static int arrived, saw_all, serial;

static void *at_barrier(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
	int r = pthread_barrier_wait(&barrier);
	if (r == PTHREAD_BARRIER_SERIAL_THREAD)
		__atomic_add_fetch(&serial, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) == NTHREADS)
		__atomic_add_fetch(&saw_all, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_barrier(void)
{
	pthread_t t[NTHREADS];
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, at_barrier, NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&barrier);
	ksft_test_result(saw_all == NTHREADS && serial == 1,
			 "pthread_barrier: nobody leaves early, one serial thread");
}

static __thread long tls_value = 7;
static __thread char tls_bss[64];

static void *tls_worker(void *arg)
{
	long me = (long)(uintptr_t)arg;
	int ok = tls_value == 7 && tls_bss[5] == 0;
	tls_value = me;
	tls_bss[5] = (char)me;
	for (int i = 0; i < 10; i++)
		sched_yield();
	ok &= tls_value == me && tls_bss[5] == (char)me;
	return (void *)(uintptr_t)ok;
}

static void test_tls(void)
{
	pthread_t t[NTHREADS];
	int ok = 1;
	tls_value = 100;
	for (uintptr_t i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, tls_worker, (void *)(i + 1));
	for (int i = 0; i < NTHREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		ok &= (uintptr_t)r == 1;
	}
	ksft_test_result(ok && tls_value == 100, "thread-local storage is per thread");
}

static pid_t tids[NTHREADS];
static pid_t pids[NTHREADS];
static pthread_barrier_t id_barrier;

static void *record_ids(void *arg)
{
	int i = (int)(uintptr_t)arg;
	tids[i] = sys_gettid();
	pids[i] = getpid();
	pthread_barrier_wait(&id_barrier); /* all alive at once, so no tid is reused */
	return NULL;
}

static void test_gettid(void)
{
	pthread_t t[NTHREADS];
	int ok = 1;
	pthread_barrier_init(&id_barrier, NULL, NTHREADS);
	for (uintptr_t i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, record_ids, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&id_barrier);
	ok &= sys_gettid() == getpid(); /* the main thread's tid is the tgid */
	for (int i = 0; i < NTHREADS; i++) {
		ok &= pids[i] == getpid() && tids[i] != getpid();
		for (int j = 0; j < i; j++)
			ok &= tids[i] != tids[j];
	}
	ksft_test_result(ok, "gettid is distinct per thread, getpid shared");
}

static volatile pid_t signalled_tid;
static volatile int target_ready, target_done;

static void note_tid(int sig)
{
	(void)sig;
	signalled_tid = sys_gettid();
}

static void *tgkill_target(void *arg)
{
	(void)arg;
	tids[0] = sys_gettid();
	__atomic_store_n(&target_ready, 1, __ATOMIC_SEQ_CST);
	while (!signalled_tid)
		sched_yield();
	__atomic_store_n(&target_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *tgkill_bystander(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&target_done, __ATOMIC_SEQ_CST))
		sched_yield();
	return NULL;
}

static void test_tgkill(void)
{
	pthread_t target, bystander;
	sigset_t usr1, old;
	signal(SIGUSR1, note_tid);
	/* Only the target may take it: block it in main (inherited by the bystander). */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, &old);
	pthread_create(&bystander, NULL, tgkill_bystander, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_create(&target, NULL, tgkill_target, NULL);
	while (!__atomic_load_n(&target_ready, __ATOMIC_SEQ_CST))
		sched_yield();
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	int r = (int)syscall(SYS_tgkill, getpid(), tids[0], SIGUSR1);
	pthread_join(target, NULL);
	pthread_join(bystander, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
	ksft_test_result(r == 0 && signalled_tid == tids[0], "tgkill reaches the named thread");
	errno = 0;
	r = (int)syscall(SYS_tgkill, getpid() + 0x3fff0000, tids[0], 0);
	ksft_expect_errno(r, errno, ESRCH, "tgkill with the wrong tgid fails with ESRCH");
}

/* In a child: the main thread calls pthread_exit; the process lives on in the other thread,
 * whose exit status becomes the process's. */
static int leave_fd;
static volatile int main_leaving;

static void *outlive_main(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&main_leaving, __ATOMIC_SEQ_CST))
		sched_yield();
	usleep(20000);
	if (write(leave_fd, "alive", 5) != 5)
		_exit(1);
	exit(42);
}

static void test_main_pthread_exit(void)
{
	int p[2], status = 0;
	char buf[8] = {0};
	if (pipe(p) < 0) {
		ksft_test_result_fail("pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t t;
		close(p[0]);
		leave_fd = p[1];
		pthread_create(&t, NULL, outlive_main, NULL);
		__atomic_store_n(&main_leaving, 1, __ATOMIC_SEQ_CST);
		pthread_exit(NULL);
	}
	close(p[1]);
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	waitpid(pid, &status, 0);
	ksft_test_result(n == 5 && !strcmp(buf, "alive") && WIFEXITED(status) && WEXITSTATUS(status) == 42,
			 "main thread leaves with pthread_exit, the process runs on");
}

static pthread_mutex_t robust;

static void *die_holding(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust);
	return NULL; /* exits with the lock held: the kernel walks the robust list */
}

static void test_robust(void)
{
	pthread_mutexattr_t a;
	pthread_t t;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &a);
	pthread_create(&t, NULL, die_holding, NULL);
	pthread_join(t, NULL);
	int r1 = pthread_mutex_lock(&robust);
	int r2 = r1 == EOWNERDEAD ? pthread_mutex_consistent(&robust) : -1;
	pthread_mutex_unlock(&robust);
	int r3 = pthread_mutex_lock(&robust);
	pthread_mutex_unlock(&robust);
	if (r1 != EOWNERDEAD)
		ksft_print_msg("pthread_mutex_lock: %s\n", ksft_errno_name(r1));
	ksft_test_result(r1 == EOWNERDEAD && r2 == 0 && r3 == 0,
			 "robust mutex: EOWNERDEAD after its owner died, consistent again");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(10);
	test_create_join();
	test_mutex();
	test_condvar();
	test_barrier();
	test_tls();
	test_gettid();
	test_tgkill();
	test_main_pthread_exit();
	test_robust();
	ksft_finished();
}
