/* userland/src/selftests/kselftest.h: the TAP 13 output of Linux's kselftest programs.
 *
 * A program prints a header and a plan, one result line per test and a totals line, and exits
 * with the kselftest status (KSFT_PASS, KSFT_FAIL or KSFT_SKIP when every test skipped):
 *
 *	TAP version 13
 *	1..3
 *	ok 1 first
 *	not ok 2 second
 *	ok 3 third # SKIP why
 *	# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0
 *
 * Everything is static so that every program of the multi-call image keeps its own counters.
 * stdout is made line buffered: a fork after a print must not duplicate buffered output, and
 * the host reads the lines as they come.
 */
#ifndef KSELFTEST_H
#define KSELFTEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_XFAIL 2
#define KSFT_XPASS 3
#define KSFT_SKIP 4

static struct {
	unsigned pass, fail, skip, error, plan;
} ksft_cnt;

static inline unsigned ksft_test_num(void)
{
	return ksft_cnt.pass + ksft_cnt.fail + ksft_cnt.skip + ksft_cnt.error + 1;
}

static inline void ksft_print_header(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
}

static inline void ksft_set_plan(unsigned plan)
{
	ksft_cnt.plan = plan;
	printf("1..%u\n", plan);
}

/* ksft_print_msg: a diagnostic line, "# " and the message. */
static inline __attribute__((format(printf, 1, 2))) void ksft_print_msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static inline void ksft_vresult(const char *status, const char *directive, const char *fmt, va_list ap)
{
	printf("%s %u ", status, ksft_test_num());
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	putchar('\n');
	fflush(stdout);
}

static inline __attribute__((format(printf, 1, 2))) void ksft_test_result_pass(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ksft_vresult("ok", NULL, fmt, ap);
	va_end(ap);
	ksft_cnt.pass++;
}

static inline __attribute__((format(printf, 1, 2))) void ksft_test_result_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ksft_vresult("not ok", NULL, fmt, ap);
	va_end(ap);
	ksft_cnt.fail++;
}

/* ksft_test_result: ok when cond holds, else not ok. */
static inline __attribute__((format(printf, 2, 3))) void ksft_test_result(int cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ksft_vresult(cond ? "ok" : "not ok", NULL, fmt, ap);
	va_end(ap);
	if (cond)
		ksft_cnt.pass++;
	else
		ksft_cnt.fail++;
}

/* ksft_test_result_skip: "ok N desc # SKIP reason". */
static inline void ksft_test_result_skip(const char *desc, const char *reason)
{
	char directive[256];
	snprintf(directive, sizeof(directive), "SKIP %s", reason);
	printf("ok %u %s # %s\n", ksft_test_num(), desc, directive);
	fflush(stdout);
	ksft_cnt.skip++;
}

/* ksft_errno_name: a stable name for the errno values the tests compare, so a failure line
 * says what came back. */
static inline const char *ksft_errno_name(int e)
{
	static char buf[16];
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case ECHILD: return "ECHILD";
	case EAGAIN: return "EAGAIN";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case EDEADLK: return "EDEADLK";
	case ENOSYS: return "ENOSYS";
	case ENOMEM: return "ENOMEM";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	case ENODEV: return "ENODEV";
	case EOWNERDEAD: return "EOWNERDEAD";
	case ENOTRECOVERABLE: return "ENOTRECOVERABLE";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* ksft_expect_errno: ok when a call returned -1 with errno want (ret and err as it left them). */
static inline void ksft_expect_errno(long ret, int err, int want, const char *desc)
{
	if (ret == -1 && err == want) {
		ksft_test_result_pass("%s", desc);
		return;
	}
	ksft_print_msg("%s: returned %ld, errno %s, expected %s\n", desc, ret,
		       ret == -1 ? ksft_errno_name(err) : "unset", ksft_errno_name(want));
	ksft_test_result_fail("%s", desc);
}

/* KSFT_EXPECT_ERRNO: runs call with errno cleared and checks it failed with want. */
#define KSFT_EXPECT_ERRNO(call, want, desc)                                                        \
	do {                                                                                       \
		errno = 0;                                                                         \
		long ksft_ret_ = (long)(call);                                                     \
		ksft_expect_errno(ksft_ret_, errno, want, desc);                                   \
	} while (0)

/* ksft_finished: the totals line, a warning if the plan was not met, and the exit status. */
static inline __attribute__((noreturn)) void ksft_finished(void)
{
	unsigned ran = ksft_test_num() - 1;
	if (ksft_cnt.plan && ran != ksft_cnt.plan)
		printf("# Planned tests != run tests (%u != %u)\n", ksft_cnt.plan, ran);
	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:%u\n", ksft_cnt.pass,
	       ksft_cnt.fail, ksft_cnt.skip, ksft_cnt.error);
	fflush(stdout);
	if (ksft_cnt.fail || ksft_cnt.error || (ksft_cnt.plan && ran != ksft_cnt.plan))
		exit(KSFT_FAIL);
	if (ksft_cnt.skip && !ksft_cnt.pass)
		exit(KSFT_SKIP);
	exit(KSFT_PASS);
}

#endif
