/* userland/src/selftests/ksft_sigbus.c: SIGBUS past the end of a truncated file mapping.
 *
 * mm/filemap.c: a fault on a page of a shared file mapping that lies wholly beyond i_size is
 * VM_FAULT_SIGBUS, delivered as SIGBUS with BUS_ADRERR and the faulting address. Needs file
 * mappings: where mmap of a regular file fails, the tests skip and say so.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "kselftest.h"

/* probe_load(addr): *(long *)addr, with the load at probe_load and the return at
 * probe_resume (local symbols: the multi-call image links several programs). */
long probe_load(const long *addr) __asm__("ksft_sigbus_probe_load");
extern char probe_resume[] __asm__("ksft_sigbus_probe_resume");
#if defined(__riscv) && __riscv_xlen == 64
__asm__(".text\nksft_sigbus_probe_load:\n\tld a0, 0(a0)\nksft_sigbus_probe_resume:\n\tret\n");
#define UC_PC(uc) ((uc)->uc_mcontext.__gregs[REG_PC])
#define UC_RESULT(uc) ((uc)->uc_mcontext.__gregs[REG_A0])
#elif defined(__x86_64__)
__asm__(".text\nksft_sigbus_probe_load:\n\tmovq (%rdi), %rax\nksft_sigbus_probe_resume:\n\tret\n");
#define UC_PC(uc) ((uc)->uc_mcontext.gregs[REG_RIP])
#define UC_RESULT(uc) ((uc)->uc_mcontext.gregs[REG_RAX])
#else
#error "ksft_sigbus needs probe_load for this architecture"
#endif

#define PAGE 4096
static volatile sig_atomic_t hits;
static siginfo_t last_info;

static void on_bus(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	(void)sig;
	last_info = *si;
	hits++;
	UC_PC(uc) = (uintptr_t)probe_resume;
	UC_RESULT(uc) = -1;
}

int main(void)
{
	char path[] = "/tmp/ksft_sigbus.XXXXXX";
	static char buf[2 * PAGE];
	ksft_print_header();
	ksft_set_plan(3);
	int fd = mkstemp(path);
	if (fd < 0) {
		ksft_print_msg("mkstemp: %s\n", strerror(errno));
		ksft_cnt.error++;
		ksft_finished();
	}
	unlink(path);
	for (int i = 0; i < 2 * PAGE; i++)
		buf[i] = (char)(i / PAGE + 1);
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		ksft_print_msg("write: %s\n", strerror(errno));
		ksft_cnt.error++;
		ksft_finished();
	}
	long *map = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		const char *why = "file mappings not supported";
		ksft_print_msg("mmap of a regular file: %s\n", ksft_errno_name(errno));
		ksft_test_result_skip("a shared file mapping reads the file", why);
		ksft_test_result_skip("stores through it reach the file", why);
		ksft_test_result_skip("SIGBUS BUS_ADRERR past the end of a truncated file", why);
		ksft_finished();
	}
	ksft_test_result(((char *)map)[0] == 1 && ((char *)map)[PAGE] == 2, "a shared file mapping reads the file");
	((char *)map)[1] = 9;
	char c = 0;
	ksft_test_result(pread(fd, &c, 1, 1) == 1 && c == 9, "stores through it reach the file");

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	ftruncate(fd, PAGE);
	long *beyond = map + PAGE / sizeof(long) + 2;
	long got = probe_load(beyond);
	ksft_test_result(hits == 1 && got == -1 && last_info.si_signo == SIGBUS && last_info.si_code == BUS_ADRERR &&
			 last_info.si_addr == (void *)beyond,
			 "SIGBUS BUS_ADRERR past the end of a truncated file");
	munmap(map, 2 * PAGE);
	close(fd);
	ksft_finished();
}
