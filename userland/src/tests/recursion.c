/* recursion.c: the stack as Linux gives it to a new process. A chain of 100,000 real frames
 * (about 6 MiB) must fit in the default 8 MiB RLIMIT_STACK, growing the stack vma downwards
 * page by page; a 1 MiB on-stack array then touches 256 fresh pages in one frame, and the
 * classic ackermann(2, n) and fib recursions check call/return with results known in closed
 * form. noinline and the use after each call stop the compiler turning recursion into loops. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Prevents the compiler from proving anything about a value or a buffer. */
#define opaque(x) __asm__ volatile("" : "+r"(x))
#define clobber_mem(p) __asm__ volatile("" : : "r"(p) : "memory")

/* One frame per level: a 32-byte local buffer escapes into the asm, so the frame is real
 * (about 64 bytes) and the add after the call is not a tail position. */
__attribute__((noinline)) static uint64_t chain(uint64_t n)
{
	unsigned char buf[32];
	uint64_t r;

	if (n == 0)
		return 0;
	memset(buf, (int)(n & 0xff), sizeof(buf));
	clobber_mem(buf);
	r = chain(n - 1);
	clobber_mem(buf);
	return r + buf[n & 31];
}

/* Reports how far below this frame the deepest frame went, from the address of a local. */
static uintptr_t deepest;
__attribute__((noinline)) static void probe(uint64_t n)
{
	volatile char here;

	if (n == 0) {
		deepest = (uintptr_t)&here;
		return;
	}
	probe(n - 1);
	here = 0;
}

__attribute__((noinline)) static uint64_t ackermann(uint64_t m, uint64_t n)
{
	opaque(m);
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

__attribute__((noinline)) static uint64_t fib(uint64_t n)
{
	opaque(n);
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/* Writes one byte per 4 KiB page of a 1 MiB array from the top down (the order in which a
 * stack grows), then sums them. */
__attribute__((noinline)) static uint64_t big_frame(unsigned seed)
{
	enum { len_bytes = 1 << 20, page_bytes = 4096 };
	volatile unsigned char big[len_bytes];
	uint64_t sum = 0;

	for (long i = len_bytes - 1; i >= 0; i -= page_bytes)
		big[i] = (unsigned char)(seed + (unsigned)(i >> 12));
	for (long i = len_bytes - 1; i >= 0; i -= page_bytes)
		sum += big[i];
	return sum;
}

int main(void)
{
	enum { depth = 100000 };
	volatile char top;
	uint64_t expect = 0;

	for (uint64_t n = 1; n <= depth; n++)
		expect += n & 0xff;
	printf("chain(%d) = %llu expect %llu\n", depth, (unsigned long long)chain(depth),
	       (unsigned long long)expect);

	probe(depth);
	uintptr_t used = (uintptr_t)&top - deepest;
	/* Frame sizes depend on the compiler, so print a bucket, not the byte count. */
	printf("probe(%d) used more than 1 MiB: %d, less than 7 MiB: %d\n", depth,
	       used > (1u << 20), used < (7u << 20));

	printf("big_frame = %llu\n", (unsigned long long)big_frame(7));
	/* ackermann(2, n) = 2n + 3; fib(25) = 75025. */
	printf("ackermann(2, 400) = %llu\n", (unsigned long long)ackermann(2, 400));
	printf("ackermann(3, 5) = %llu\n", (unsigned long long)ackermann(3, 5));
	printf("fib(25) = %llu\n", (unsigned long long)fib(25));
	return 0;
}
