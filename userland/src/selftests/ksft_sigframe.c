/* userland/src/selftests/ksft_sigframe.c: what a signal handler sees and what sigreturn
 * restores.
 *
 * SA_SIGINFO handlers read siginfo (kill's si_pid/si_uid, SIGSEGV's si_addr and
 * SEGV_MAPERR/SEGV_ACCERR), edit the interrupted context (step the pc past a faulting load and
 * plant a value in its destination register, add a signal to uc_sigmask) and return through
 * rt_sigreturn; the mask in force during a handler; sigaltstack with SA_ONSTACK; nesting with
 * and without SA_NODEFER. The faulting load is a two-instruction assembly function per
 * architecture, so the handler knows where it faulted and where to resume without decoding.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "kselftest.h"

/* probe_load(addr): returns *(long *)addr. The load is at probe_load, the return at
 * probe_resume (local symbols: the multi-call image links several programs); a handler that
 * moves the pc to probe_resume returns the value it put in the result register. */
long probe_load(const long *addr) __asm__("ksft_sigframe_probe_load");
extern char probe_resume[] __asm__("ksft_sigframe_probe_resume");

#if defined(__riscv) && __riscv_xlen == 64
__asm__(".text\nksft_sigframe_probe_load:\n\tld a0, 0(a0)\nksft_sigframe_probe_resume:\n\tret\n");
#define UC_PC(uc) ((uc)->uc_mcontext.__gregs[REG_PC])
#define UC_RESULT(uc) ((uc)->uc_mcontext.__gregs[REG_A0])
#elif defined(__x86_64__)
__asm__(".text\nksft_sigframe_probe_load:\n\tmovq (%rdi), %rax\nksft_sigframe_probe_resume:\n\tret\n");
#define UC_PC(uc) ((uc)->uc_mcontext.gregs[REG_RIP])
#define UC_RESULT(uc) ((uc)->uc_mcontext.gregs[REG_RAX])
#else
#error "ksft_sigframe needs probe_load for this architecture"
#endif

#define PLANTED 0x5eed

static volatile sig_atomic_t hits;
static siginfo_t last_info;
static sigset_t mask_in_handler;
static volatile sig_atomic_t pc_was_probe;

/* on_info: records what kill/sigqueue delivered. */
static void on_info(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	last_info = *si;
	hits++;
}

/* on_fault: records the fault, resumes after the load with PLANTED + si_code as its result. */
static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	(void)sig;
	last_info = *si;
	hits++;
	sigprocmask(SIG_SETMASK, NULL, &mask_in_handler);
	pc_was_probe = (uintptr_t)UC_PC(uc) == (uintptr_t)probe_load;
	UC_PC(uc) = (uintptr_t)probe_resume;
	UC_RESULT(uc) = PLANTED + si->si_code;
}

/* on_edit_mask: sigreturn takes the mask from the frame, so this blocks SIGUSR2 afterwards. */
static void on_edit_mask(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	(void)sig;
	(void)si;
	sigaddset(&uc->uc_sigmask, SIGUSR2);
	hits++;
}

static char *alt_base;
#define ALT_SIZE (64 * 1024)
static volatile sig_atomic_t alt_on_stack, alt_flags, alt_change_errno;

static void on_alt(int sig, siginfo_t *si, void *ctx)
{
	char here;
	stack_t ss, other;
	(void)sig;
	(void)si;
	(void)ctx;
	alt_on_stack = &here >= alt_base && &here < alt_base + ALT_SIZE;
	sigaltstack(NULL, &ss);
	alt_flags = ss.ss_flags;
	/* Changing the stack one is running on is refused. */
	other.ss_sp = alt_base;
	other.ss_size = ALT_SIZE;
	other.ss_flags = 0;
	alt_change_errno = sigaltstack(&other, NULL) < 0 ? errno : 0;
	hits++;
}

static volatile sig_atomic_t depth, max_depth;

static void on_nest(int sig, siginfo_t *si, void *ctx)
{
	(void)si;
	(void)ctx;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	hits++;
	if (hits == 1)
		raise(sig); /* with SA_NODEFER it nests now; without, it waits for this return */
	depth--;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags, int also_block)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (also_block)
		sigaddset(&sa.sa_mask, also_block);
	sigaction(sig, &sa, NULL);
}

static void test_kill_siginfo(void)
{
	install(SIGUSR1, on_info, 0, 0);
	hits = 0;
	memset(&last_info, 0, sizeof(last_info));
	kill(getpid(), SIGUSR1);
	ksft_test_result(hits == 1 && last_info.si_signo == SIGUSR1 && last_info.si_code == SI_USER &&
			 last_info.si_pid == getpid() && last_info.si_uid == getuid(),
			 "kill: si_signo, si_code SI_USER, si_pid and si_uid of the sender");
	union sigval v = {.sival_int = 42};
	hits = 0;
	sigqueue(getpid(), SIGUSR1, v);
	ksft_test_result(hits == 1 && last_info.si_code == SI_QUEUE && last_info.si_value.sival_int == 42 &&
			 last_info.si_pid == getpid(),
			 "sigqueue: si_code SI_QUEUE and si_value");
	signal(SIGUSR1, SIG_DFL);
}

static void test_segv(const char *what, int prot, int unmap, int want_code)
{
	long *page = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		ksft_test_result_fail("%s: mmap: %s", what, strerror(errno));
		return;
	}
	if (unmap)
		munmap(page, 4096);
	install(SIGSEGV, on_fault, 0, SIGUSR2);
	hits = 0;
	long *addr = page + 3;
	long got = probe_load(addr);
	signal(SIGSEGV, SIG_DFL);
	if (!unmap)
		munmap(page, 4096);
	ksft_test_result(hits == 1 && got == PLANTED + want_code && last_info.si_signo == SIGSEGV &&
			 last_info.si_code == want_code && last_info.si_addr == (void *)addr && pc_was_probe,
			 "SIGSEGV %s: si_code, si_addr; the handler moves the pc and sets a register", what);
}

static void test_mask_in_handler(void)
{
	sigset_t after;
	/* mask_in_handler is from the ACCERR run: sa_mask had SIGUSR2, no SA_NODEFER. */
	sigprocmask(SIG_SETMASK, NULL, &after);
	ksft_test_result(sigismember(&mask_in_handler, SIGSEGV) && sigismember(&mask_in_handler, SIGUSR2) &&
			 !sigismember(&after, SIGSEGV) && !sigismember(&after, SIGUSR2),
			 "handler runs with its signal and sa_mask blocked; sigreturn restores the mask");
}

static void test_edit_uc_sigmask(void)
{
	sigset_t now;
	install(SIGUSR1, on_edit_mask, 0, 0);
	hits = 0;
	raise(SIGUSR1);
	sigprocmask(SIG_SETMASK, NULL, &now);
	ksft_test_result(hits == 1 && sigismember(&now, SIGUSR2) && !sigismember(&now, SIGUSR1),
			 "sigreturn installs the mask the handler wrote into uc_sigmask");
	sigemptyset(&now);
	sigprocmask(SIG_SETMASK, &now, NULL);
	signal(SIGUSR1, SIG_DFL);
}

static void test_altstack(void)
{
	stack_t ss, old;
	alt_base = malloc(ALT_SIZE);
	ss.ss_sp = alt_base;
	ss.ss_size = 1024;
	ss.ss_flags = 0;
	KSFT_EXPECT_ERRNO(sigaltstack(&ss, NULL), ENOMEM, "sigaltstack smaller than MINSIGSTKSZ: ENOMEM");
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 0x1234;
	KSFT_EXPECT_ERRNO(sigaltstack(&ss, NULL), EINVAL, "sigaltstack with unknown flags: EINVAL");
	ss.ss_flags = 0;
	int r = sigaltstack(&ss, NULL);
	install(SIGUSR2, on_alt, SA_ONSTACK, 0);
	hits = 0;
	raise(SIGUSR2);
	sigaltstack(NULL, &old);
	ksft_test_result(r == 0 && hits == 1 && alt_on_stack && (alt_flags & SS_ONSTACK) && alt_change_errno == EPERM &&
			 old.ss_flags == 0 && old.ss_sp == alt_base && old.ss_size == ALT_SIZE,
			 "SA_ONSTACK runs on the sigaltstack, SS_ONSTACK inside, EPERM to change it there");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	signal(SIGUSR2, SIG_DFL);
	free(alt_base);
}

static void test_nesting(int flags, int want_depth, const char *what)
{
	install(SIGUSR1, on_nest, flags, 0);
	hits = 0;
	depth = max_depth = 0;
	raise(SIGUSR1);
	signal(SIGUSR1, SIG_DFL);
	if (hits != 2 || max_depth != want_depth)
		ksft_print_msg("%d deliveries, nested %d deep\n", (int)hits, (int)max_depth);
	ksft_test_result(hits == 2 && max_depth == want_depth, "%s", what);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(11);
	test_kill_siginfo();
	test_segv("SEGV_MAPERR on an unmapped page", PROT_READ, 1, SEGV_MAPERR);
	test_segv("SEGV_ACCERR on a PROT_NONE page", PROT_NONE, 0, SEGV_ACCERR);
	test_mask_in_handler();
	test_edit_uc_sigmask();
	test_altstack();
	test_nesting(SA_NODEFER, 2, "SA_NODEFER: the same signal nests inside its handler");
	test_nesting(0, 1, "without SA_NODEFER the same signal waits for the handler to return");
	ksft_finished();
}
