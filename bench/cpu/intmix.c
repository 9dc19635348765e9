/* intmix.c: an integer CPU benchmark of four kernels that stress different parts of an
 * emulator: a byte-at-a-time FNV-1a and a word-at-a-time xxhash-like mix (loads, multiplies,
 * rotates), quicksorts of 300,000 ints (data-dependent branches, recursion), an int64 matrix
 * multiply (loads, mul, address arithmetic) and a bytecode interpreter loop (an indirect
 * jump per op, as emulators and scripting engines have). Sized for ~1-3 s under qemu-riscv64.
 * Prints one checksum line per kernel and a total, compared by bench/run.ts across runners. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_state = 0x853c49e6748fea9bULL;
static uint64_t rng_next(void)
{
	/* xorshift64*: fixed seed, so every runner sees the same data. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rotl64(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

/* --- 1. hashing ------------------------------------------------------------------------- */
enum { hash_len_bytes = 1 << 20, hash_rounds = 128 };
static unsigned char hash_buf[hash_len_bytes];

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t xxmix(const unsigned char *p, size_t n, uint64_t seed)
{
	const uint64_t p1 = 0x9e3779b185ebca87ULL, p2 = 0xc2b2ae3d27d4eb4fULL;
	uint64_t a = seed + p1, b = seed ^ p2, c = seed, d = seed - p1;

	for (size_t i = 0; i + 32 <= n; i += 32) {
		const uint64_t *w = (const uint64_t *)(p + i);

		a = rotl64(a + w[0] * p2, 31) * p1;
		b = rotl64(b + w[1] * p2, 31) * p1;
		c = rotl64(c + w[2] * p2, 31) * p1;
		d = rotl64(d + w[3] * p2, 31) * p1;
	}
	uint64_t h = rotl64(a, 1) + rotl64(b, 7) + rotl64(c, 12) + rotl64(d, 18);
	h ^= h >> 33;
	h *= p2;
	h ^= h >> 29;
	return h;
}

static uint64_t bench_hash(void)
{
	uint64_t h = 0;

	for (size_t i = 0; i < hash_len_bytes; i++)
		hash_buf[i] = (unsigned char)(rng_next() >> 56);
	for (int r = 0; r < hash_rounds; r++) {
		h ^= fnv1a(hash_buf, hash_len_bytes / 4) + (uint64_t)r;
		h = rotl64(h, 5) ^ xxmix(hash_buf, hash_len_bytes, h);
		hash_buf[(size_t)r * 4099] ^= (unsigned char)h;
	}
	return h;
}

/* --- 2. sorting ------------------------------------------------------------------------- */
enum { sort_len = 300000, sort_reps = 8 };
static int32_t sort_buf[sort_len];

/* Hand-written so the work is in the measured binary, not in libc's qsort callbacks. */
static void quicksort(int32_t *a, long lo, long hi)
{
	while (hi - lo > 16) {
		int32_t pivot = a[lo + (hi - lo) / 2];
		long i = lo, j = hi;

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				int32_t t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		/* Recurse into the smaller half, loop on the larger: depth stays O(log n). */
		if (j - lo < hi - i) {
			quicksort(a, lo, j);
			lo = i;
		} else {
			quicksort(a, i, hi);
			hi = j;
		}
	}
	for (long k = lo + 1; k <= hi; k++) {
		int32_t v = a[k];
		long m = k - 1;

		while (m >= lo && a[m] > v) {
			a[m + 1] = a[m];
			m--;
		}
		a[m + 1] = v;
	}
}

static uint64_t bench_sort(void)
{
	uint64_t h = 0;

	for (int rep = 0; rep < sort_reps; rep++) {
		for (long i = 0; i < sort_len; i++)
			sort_buf[i] = (int32_t)(rng_next() >> 32);
		quicksort(sort_buf, 0, sort_len - 1);
		for (long i = 0; i < sort_len; i++) {
			if (i > 0 && sort_buf[i - 1] > sort_buf[i])
				return 0; /* unsorted: a checksum of 0 flags the failure */
			h = h * 31 + (uint32_t)sort_buf[i];
		}
	}
	return h;
}

/* --- 3. int64 matrix multiply ----------------------------------------------------------- */
enum { mat_n = 128, mat_reps = 12 };
static int64_t mat_a[mat_n][mat_n], mat_b[mat_n][mat_n], mat_c[mat_n][mat_n];

static uint64_t bench_matmul(void)
{
	uint64_t h = 0;

	for (int i = 0; i < mat_n; i++)
		for (int j = 0; j < mat_n; j++) {
			mat_a[i][j] = (int64_t)(rng_next() >> 40) - (1 << 23);
			mat_b[i][j] = (int64_t)(rng_next() >> 40) - (1 << 23);
		}
	for (int rep = 0; rep < mat_reps; rep++) {
		for (int i = 0; i < mat_n; i++)
			for (int j = 0; j < mat_n; j++) {
				int64_t s = 0;

				for (int k = 0; k < mat_n; k++)
					s += mat_a[i][k] * mat_b[k][j];
				mat_c[i][j] = s;
			}
		/* Feed the result back so repetitions cannot be merged. */
		for (int i = 0; i < mat_n; i++)
			mat_a[i][(i + rep) % mat_n] ^= mat_c[i][i] & 0xff;
	}
	for (int i = 0; i < mat_n; i++)
		for (int j = 0; j < mat_n; j++)
			h = rotl64(h, 3) ^ (uint64_t)mat_c[i][j];
	return h;
}

/* --- 4. bytecode interpreter ------------------------------------------------------------ */
/* A tiny register VM. The program computes, for each seed, the length of its Collatz
 * sequence and folds it into an accumulator. */
enum { interp_seeds = 60000 };
enum op { OP_LOADI, OP_ADD, OP_ADDI, OP_AND, OP_SHR, OP_MUL3P1, OP_JZ, OP_JNZ, OP_JMP, OP_DEC,
	  OP_XORMIX, OP_HALT };
struct insn {
	uint8_t op, rd, rs;
	int32_t imm;
};

static uint64_t vm_run(const struct insn *prog, uint64_t *r)
{
	uint64_t steps = 0;

	for (const struct insn *pc = prog;; steps++) {
		const struct insn *in = pc++;

		switch (in->op) {
		case OP_LOADI: r[in->rd] = (uint64_t)(int64_t)in->imm; break;
		case OP_ADD: r[in->rd] += r[in->rs]; break;
		case OP_ADDI: r[in->rd] += (uint64_t)(int64_t)in->imm; break;
		case OP_AND: r[in->rd] = r[in->rs] & (uint64_t)in->imm; break;
		case OP_SHR: r[in->rd] >>= in->imm; break;
		case OP_MUL3P1: r[in->rd] = r[in->rd] * 3 + 1; break;
		case OP_JZ: if (r[in->rs] == 0) pc = prog + in->imm; break;
		case OP_JNZ: if (r[in->rs] != 0) pc = prog + in->imm; break;
		case OP_JMP: pc = prog + in->imm; break;
		case OP_DEC: r[in->rd]--; break;
		case OP_XORMIX: r[in->rd] = rotl64(r[in->rd] ^ r[in->rs], 7) * 0x9e3779b97f4a7c15ULL; break;
		case OP_HALT: return steps;
		default: abort();
		}
	}
}

static uint64_t bench_interp(void)
{
	/* r0 = seed, r1 = n, r2 = steps, r3 = n & 1, r4 = accumulator, r5 = n - 1 */
	static const struct insn prog[] = {
		/*  0 */ { OP_LOADI, 0, 0, interp_seeds },
		/*  1 */ { OP_LOADI, 1, 0, 0 },      /* next seed: n = seed */
		/*  2 */ { OP_ADD, 1, 0, 0 },
		/*  3 */ { OP_LOADI, 2, 0, 0 },      /* steps = 0 */
		/*  4 */ { OP_LOADI, 5, 0, 0 },      /* loop: r5 = n - 1 */
		/*  5 */ { OP_ADD, 5, 1, 0 },
		/*  6 */ { OP_DEC, 5, 0, 0 },
		/*  7 */ { OP_JZ, 0, 5, 15 },        /* n == 1: done with this seed */
		/*  8 */ { OP_ADDI, 2, 0, 1 },
		/*  9 */ { OP_AND, 3, 1, 1 },
		/* 10 */ { OP_JNZ, 0, 3, 13 },
		/* 11 */ { OP_SHR, 1, 0, 1 },        /* even: n /= 2 */
		/* 12 */ { OP_JMP, 0, 0, 4 },
		/* 13 */ { OP_MUL3P1, 1, 0, 0 },     /* odd: n = 3n + 1 */
		/* 14 */ { OP_JMP, 0, 0, 4 },
		/* 15 */ { OP_XORMIX, 4, 2, 0 },     /* fold the step count in */
		/* 16 */ { OP_DEC, 0, 0, 0 },
		/* 17 */ { OP_JNZ, 0, 0, 1 },
		/* 18 */ { OP_HALT, 0, 0, 0 },
	};
	uint64_t r[8] = { 0 };
	uint64_t steps = vm_run(prog, r);

	return r[4] ^ steps;
}

int main(void)
{
	uint64_t h = bench_hash();
	uint64_t s = bench_sort();
	uint64_t m = bench_matmul();
	uint64_t v = bench_interp();

	printf("hash   %016" PRIx64 "\n", h);
	printf("sort   %016" PRIx64 "\n", s);
	printf("matmul %016" PRIx64 "\n", m);
	printf("interp %016" PRIx64 "\n", v);
	printf("checksum %016" PRIx64 "\n", h ^ rotl64(s, 16) ^ rotl64(m, 32) ^ rotl64(v, 48));
	return 0;
}
