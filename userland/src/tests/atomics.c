/* atomics.c: the A extension as C sees it, single-threaded so the output is deterministic.
 * C11 <stdatomic.h> and the __atomic builtins compile to AMO instructions (amoadd, amoand,
 * amoor, amoxor, amoswap) and to LR/SC loops (compare_exchange); amomin/amomax have no C
 * spelling, so they are issued with inline assembly. Each operation prints its old and new
 * value; a wrong AMO result or a spuriously failing SC that never succeeds shows up here. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static _Atomic int32_t a32;
static _Atomic int64_t a64;
static _Atomic uint32_t u32;
static _Atomic uint64_t u64;

static void fetch_ops(void)
{
	int32_t o32;
	int64_t o64;

	atomic_store(&a32, 0x7ffffff0);
	o32 = atomic_fetch_add(&a32, 0x20); /* wraps to negative: amoadd.w sign-extends */
	printf("add.w   old=%" PRId32 " new=%" PRId32 "\n", o32, atomic_load(&a32));
	o32 = atomic_fetch_sub(&a32, 1);
	printf("sub.w   old=%" PRId32 " new=%" PRId32 "\n", o32, atomic_load(&a32));
	o32 = atomic_fetch_and(&a32, 0x0ff00ff0);
	printf("and.w   old=%" PRIx32 " new=%" PRIx32 "\n", (uint32_t)o32, (uint32_t)atomic_load(&a32));
	o32 = atomic_fetch_or(&a32, (int32_t)0x80000001u);
	printf("or.w    old=%" PRIx32 " new=%" PRIx32 "\n", (uint32_t)o32, (uint32_t)atomic_load(&a32));
	o32 = atomic_fetch_xor(&a32, -1);
	printf("xor.w   old=%" PRIx32 " new=%" PRIx32 "\n", (uint32_t)o32, (uint32_t)atomic_load(&a32));
	o32 = atomic_exchange(&a32, -5);
	printf("swap.w  old=%" PRIx32 " new=%" PRId32 "\n", (uint32_t)o32, atomic_load(&a32));

	atomic_store(&a64, INT64_MAX - 1);
	o64 = atomic_fetch_add(&a64, 3);
	printf("add.d   old=%" PRId64 " new=%" PRId64 "\n", o64, atomic_load(&a64));
	o64 = atomic_fetch_and(&a64, 0x00ff00ff00ff00ffLL);
	printf("and.d   old=%" PRIx64 " new=%" PRIx64 "\n", (uint64_t)o64, (uint64_t)atomic_load(&a64));
	o64 = atomic_fetch_or(&a64, 0x1000000000000000LL);
	printf("or.d    old=%" PRIx64 " new=%" PRIx64 "\n", (uint64_t)o64, (uint64_t)atomic_load(&a64));
	o64 = atomic_fetch_xor(&a64, 0x5555555555555555LL);
	printf("xor.d   old=%" PRIx64 " new=%" PRIx64 "\n", (uint64_t)o64, (uint64_t)atomic_load(&a64));
	o64 = atomic_exchange(&a64, -1);
	printf("swap.d  old=%" PRIx64 " new=%" PRId64 "\n", (uint64_t)o64, atomic_load(&a64));
}

/* amomin/amomax, signed and unsigned, 32 and 64 bits. Returns the old value. */
#define DEFINE_AMO(name, insn, type)                                                   \
	static type name(_Atomic type *p, type v)                                        \
	{                                                                                \
		type old;                                                                \
		__asm__ volatile(insn " %0, %2, %1" : "=r"(old), "+A"(*p) : "r"(v) : "memory"); \
		return old;                                                              \
	}
DEFINE_AMO(amomin_w, "amomin.w.aqrl", int32_t)
DEFINE_AMO(amomax_w, "amomax.w.aqrl", int32_t)
DEFINE_AMO(amominu_w, "amominu.w.aqrl", uint32_t)
DEFINE_AMO(amomaxu_w, "amomaxu.w.aqrl", uint32_t)
DEFINE_AMO(amomin_d, "amomin.d.aqrl", int64_t)
DEFINE_AMO(amomax_d, "amomax.d.aqrl", int64_t)
DEFINE_AMO(amominu_d, "amominu.d.aqrl", uint64_t)
DEFINE_AMO(amomaxu_d, "amomaxu.d.aqrl", uint64_t)

static void min_max(void)
{
	int32_t o32;
	uint32_t ou32;
	int64_t o64;
	uint64_t ou64;

	atomic_store(&a32, 10);
	o32 = amomin_w(&a32, -3);
	printf("min.w   old=%" PRId32 " new=%" PRId32 "\n", o32, atomic_load(&a32));
	o32 = amomax_w(&a32, 7);
	printf("max.w   old=%" PRId32 " new=%" PRId32 "\n", o32, atomic_load(&a32));
	atomic_store(&u32, 10);
	ou32 = amominu_w(&u32, 0xfffffffdu); /* -3 as unsigned is the larger */
	printf("minu.w  old=%" PRIu32 " new=%" PRIu32 "\n", ou32, atomic_load(&u32));
	ou32 = amomaxu_w(&u32, 0x80000000u);
	printf("maxu.w  old=%" PRIu32 " new=%" PRIu32 "\n", ou32, atomic_load(&u32));

	atomic_store(&a64, 1);
	o64 = amomin_d(&a64, INT64_MIN);
	printf("min.d   old=%" PRId64 " new=%" PRId64 "\n", o64, atomic_load(&a64));
	o64 = amomax_d(&a64, -1);
	printf("max.d   old=%" PRId64 " new=%" PRId64 "\n", o64, atomic_load(&a64));
	atomic_store(&u64, 1);
	ou64 = amominu_d(&u64, UINT64_MAX);
	printf("minu.d  old=%" PRIu64 " new=%" PRIu64 "\n", ou64, atomic_load(&u64));
	ou64 = amomaxu_d(&u64, 0x8000000000000000ULL);
	printf("maxu.d  old=%" PRIu64 " new=%" PRIu64 "\n", ou64, atomic_load(&u64));
}

/* compare_exchange: a failing strong CAS reports the current value; weak CAS loops (LR/SC
 * that may fail spuriously) implement operations the ISA lacks. */
static void cas(void)
{
	int32_t expected32 = 5;
	int64_t expected64;
	int ok;

	atomic_store(&a32, 7);
	ok = atomic_compare_exchange_strong(&a32, &expected32, 9);
	printf("cas.w fail ok=%d expected=%" PRId32 " value=%" PRId32 "\n", ok, expected32,
	       atomic_load(&a32));
	ok = atomic_compare_exchange_strong(&a32, &expected32, 9);
	printf("cas.w pass ok=%d expected=%" PRId32 " value=%" PRId32 "\n", ok, expected32,
	       atomic_load(&a32));

	/* A 32-bit value whose upper register bits matter: lr.w sign-extends 0x80000000. */
	atomic_store(&a32, INT32_MIN);
	expected32 = INT32_MIN;
	ok = atomic_compare_exchange_strong(&a32, &expected32, 1);
	printf("cas.w signext ok=%d value=%" PRId32 "\n", ok, atomic_load(&a32));

	/* Atomic multiply by weak-CAS loop: 3^40 overflows 64 bits, so the result wraps. */
	atomic_store(&a64, 1);
	unsigned tries = 0;
	for (int i = 0; i < 40; i++) {
		expected64 = atomic_load_explicit(&a64, memory_order_relaxed);
		while (!atomic_compare_exchange_weak(&a64, &expected64, expected64 * 3))
			tries++;
	}
	printf("cas.d loop value=%" PRId64 " retries_ok=%d\n", atomic_load(&a64), tries < 1000);

	/* Saturating increment of a 32-bit counter with a weak-CAS loop. */
	atomic_store(&a32, INT32_MAX - 3);
	for (int i = 0; i < 6; i++) {
		expected32 = atomic_load(&a32);
		while (expected32 != INT32_MAX &&
		       !atomic_compare_exchange_weak(&a32, &expected32, expected32 + 1))
			;
	}
	printf("cas.w saturate value=%" PRId32 "\n", atomic_load(&a32));
}

/* A byte fetch_add done the way compilers lower sub-word atomics: a weak-CAS loop on the
 * aligned 32-bit word that holds the byte, changing only the byte's lane. GCC 12 would call
 * libatomic for __atomic_fetch_add_1; writing the loop here keeps the image self-contained. */
static uint8_t fetch_add_u8(uint8_t *p, uint8_t v)
{
	uint32_t *word = (uint32_t *)((uintptr_t)p & ~(uintptr_t)3);
	unsigned shift = ((uintptr_t)p & 3) * 8; /* riscv64 is little-endian */
	uint32_t mask = 0xffu << shift;
	uint32_t old = __atomic_load_n(word, __ATOMIC_RELAXED), new;

	do {
		new = (old & ~mask) | ((old + ((uint32_t)v << shift)) & mask);
	} while (!__atomic_compare_exchange_n(word, &old, new, 1, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return (uint8_t)((old & mask) >> shift);
}

/* The GCC __atomic builtins with explicit memory orders. */
static void builtins(void)
{
	static uint8_t bytes[8] __attribute__((aligned(8))) = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static uint64_t word = 100;
	uint64_t old, exp;

	old = __atomic_fetch_add(&word, 5, __ATOMIC_RELAXED);
	printf("__atomic add old=%" PRIu64 " new=%" PRIu64 "\n", old, __atomic_load_n(&word, __ATOMIC_ACQUIRE));
	old = __atomic_exchange_n(&word, 7, __ATOMIC_ACQ_REL);
	printf("__atomic xchg old=%" PRIu64 " new=%" PRIu64 "\n", old, word);
	exp = 7;
	int ok = __atomic_compare_exchange_n(&word, &exp, 8, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
	printf("__atomic cas ok=%d new=%" PRIu64 "\n", ok, word);
	old = __atomic_nand_fetch(&word, 0xf0, __ATOMIC_SEQ_CST);
	printf("__atomic nand new=%" PRIx64 "\n", old);
	ok = __atomic_test_and_set(&bytes[0], __ATOMIC_SEQ_CST);
	printf("__atomic tas was=%d\n", ok);

	uint8_t b = fetch_add_u8(&bytes[5], 250);
	printf("byte lane old=%u new=%u neighbours=%u,%u,%u\n", b, bytes[5], bytes[4], bytes[6],
	       bytes[7]);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	printf("lock-free: 1:%d 2:%d 4:%d 8:%d\n", __atomic_always_lock_free(1, 0),
	       __atomic_always_lock_free(2, 0), __atomic_always_lock_free(4, 0),
	       __atomic_always_lock_free(8, 0));
}

int main(void)
{
	fetch_ops();
	min_max();
	cas();
	builtins();
	return 0;
}
