/* setjmp.c: setjmp/longjmp across several frames. glibc's riscv64 __longjmp restores ra, sp,
 * s0-s11 and fs0-fs11, so this checks that callee-saved integer and FP registers survive the
 * jump, that volatile locals keep values written after setjmp, that the value passed to
 * longjmp arrives (0 arrives as 1), and that the stack is usable again afterwards. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

static jmp_buf env;
static jmp_buf env2;
static volatile int depth_reached;

/* noinline keeps each level a real frame with its own saved registers. */
__attribute__((noinline)) static void dive(int depth, int target, int value)
{
	volatile char pad[64]; /* forces a frame and dirties the stack below setjmp's sp */

	pad[depth & 63] = (char)depth;
	depth_reached = depth;
	if (depth == target)
		longjmp(env, value + pad[depth & 63] - (char)depth);
	if (depth > target)
		return; /* unreachable; gives the recursion a base case */
	dive(depth + 1, target, value);
	pad[0] = 0; /* not a tail call */
}

/* Fills many callee-saved registers with live values, then jumps over them. */
__attribute__((noinline)) static double clobber(double x, long n)
{
	double a = x * 1.5, b = x * 2.5, c = x * 3.5, d = x * 4.5;
	long i, j = n, k = n * 3;

	for (i = 0; i < n; i++) {
		a += b * 0.5;
		b -= c * 0.25;
		c += d * 0.125;
		d -= a * 0.0625;
		j ^= k + i;
		k += j >> 3;
	}
	if (n == 7)
		longjmp(env2, (int)(j & 0x7f) | 1);
	return a + b + c + d + (double)(j + k);
}

static void test_depths(void)
{
	static const int targets[] = { 0, 1, 10, 1000, 20000 };

	for (unsigned i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		volatile int after = -1;
		int r = setjmp(env);

		if (r == 0) {
			after = 123;
			dive(0, targets[i], (int)i * 10);
			printf("not reached\n");
		} else {
			printf("target=%d returned=%d reached=%d after=%d\n", targets[i], r,
			       depth_reached, after);
		}
	}
}

static void test_callee_saved(void)
{
	/* Values live across setjmp in callee-saved registers; they are not modified after
	 * setjmp, so C guarantees they are intact after longjmp. */
	register double f1 = 1.25, f2 = -3.75, f3 = 1e100;
	register long s1 = 0x1122334455667788L, s2 = -42, s3 = 99;
	volatile double vf = 0.5;
	volatile long vs = 1;
	int r;

	__asm__ volatile("" : "+f"(f1), "+f"(f2), "+f"(f3), "+r"(s1), "+r"(s2), "+r"(s3));
	r = setjmp(env2);
	if (r == 0) {
		vf = 2.5;
		vs = 0x7fffffff00000001L;
		printf("clobber result %.17g\n", clobber(vf, 5));
		clobber(vf, 7);
		printf("not reached\n");
	}
	__asm__ volatile("" : "+f"(f1), "+f"(f2), "+f"(f3), "+r"(s1), "+r"(s2), "+r"(s3));
	printf("r=%d f=%g %g %g s=%lx %ld %ld volatile=%g %lx\n", r, f1, f2, f3, s1, s2, s3, vf,
	       vs);
}

static void test_zero_and_reuse(void)
{
	static int rounds;
	jmp_buf local;
	volatile int count = 0;
	int r = setjmp(local);

	count++;
	if (r == 0 && rounds == 0) {
		rounds++;
		longjmp(local, 0); /* longjmp(…, 0) must make setjmp return 1 */
	}
	printf("jump: r=%d count=%d\n", r, count);
	if (count < 4)
		longjmp(local, count + 1); /* jumping to the same buffer repeatedly is allowed */
	printf("reuse: count=%d\n", count);
}

int main(void)
{
	test_depths();
	test_callee_saved();
	test_zero_and_reuse();
	return 0;
}
