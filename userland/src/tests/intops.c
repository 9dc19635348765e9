/* intops.c: integer arithmetic as the RV64 M and base ISA define it, including the cases C
 * leaves undefined but RISC-V does not (division by zero, INT_MIN / -1, 32-bit W forms).
 * Operands pass through volatile variables so the compiler emits the real instructions
 * instead of folding them; the printed text is the oracle, compared against qemu-riscv64. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int64_t v64[] = {
	0, 1, -1, 2, -2, 7, -7, 0x7fffffffffffffffLL, (int64_t)0x8000000000000000ULL,
	0x123456789abcdefLL, -0x123456789abcdefLL, 0xffffffffLL, 0x80000000LL, 3,
};
static volatile int32_t v32[] = {
	0, 1, -1, 2, -2, 7, -7, 0x7fffffff, (int32_t)0x80000000u, 0x12345678, -0x12345678, 3,
};
#define N64 (sizeof(v64) / sizeof(v64[0]))
#define N32 (sizeof(v32) / sizeof(v32[0]))

/* Folds one result into a running checksum so the long tables print as one line each. */
static uint64_t mix(uint64_t h, uint64_t x)
{
	h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

/* Division and remainder with RISC-V semantics: x/0 = -1 (all ones unsigned), x%0 = x,
 * INT_MIN/-1 = INT_MIN, INT_MIN%-1 = 0. Each pair is computed with the real div/rem. */
static void div_edge_cases(void)
{
	volatile int64_t zero = 0, m1 = -1, imin = INT64_MIN, a = 1234567;
	volatile int32_t zero32 = 0, m132 = -1, imin32 = INT32_MIN, a32 = -1234567;
	volatile uint64_t ua = 99, uzero = 0;
	volatile uint32_t ua32 = 99, uzero32 = 0;

	printf("div0: %" PRId64 " %" PRId64 " %" PRIu64 " %" PRIu64 "\n",
	       a / zero, a % zero, ua / uzero, ua % uzero);
	printf("divw0: %" PRId32 " %" PRId32 " %" PRIu32 " %" PRIu32 "\n",
	       a32 / zero32, a32 % zero32, ua32 / uzero32, ua32 % uzero32);
	printf("ovf: %" PRId64 " %" PRId64 "\n", imin / m1, imin % m1);
	printf("ovfw: %" PRId32 " %" PRId32 "\n", imin32 / m132, imin32 % m132);
}

/* Every pair from the 64-bit table through mul, mulh, mulhu, mulhsu, div, divu, rem, remu. */
static void table64(void)
{
	uint64_t h = 0;

	for (unsigned i = 0; i < N64; i++) {
		for (unsigned j = 0; j < N64; j++) {
			int64_t a = v64[i], b = v64[j];
			uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

			h = mix(h, ua * ub);
			h = mix(h, (uint64_t)(((__int128)a * b) >> 64));
			h = mix(h, (uint64_t)(((unsigned __int128)ua * ub) >> 64));
			h = mix(h, (uint64_t)(((__int128)a * (unsigned __int128)ub) >> 64));
			if (b != 0 && !(a == INT64_MIN && b == -1)) {
				h = mix(h, (uint64_t)(a / b));
				h = mix(h, (uint64_t)(a % b));
			}
			if (ub != 0) {
				h = mix(h, ua / ub);
				h = mix(h, ua % ub);
			}
		}
	}
	printf("table64: %016" PRIx64 "\n", h);
}

/* The same for the W forms, whose 32-bit results are sign-extended into 64-bit registers. */
static void table32(void)
{
	uint64_t h = 0;

	for (unsigned i = 0; i < N32; i++) {
		for (unsigned j = 0; j < N32; j++) {
			int32_t a = v32[i], b = v32[j];
			uint32_t ua = (uint32_t)a, ub = (uint32_t)b;

			h = mix(h, (uint64_t)(int64_t)(int32_t)(ua * ub));
			h = mix(h, (uint64_t)(int64_t)a + (int64_t)b);
			h = mix(h, (uint64_t)(int64_t)(int32_t)(ua - ub));
			if (b != 0 && !(a == INT32_MIN && b == -1)) {
				h = mix(h, (uint64_t)(int64_t)(a / b));
				h = mix(h, (uint64_t)(int64_t)(a % b));
			}
			if (ub != 0) {
				h = mix(h, (uint64_t)(int64_t)(int32_t)(ua / ub));
				h = mix(h, (uint64_t)(int64_t)(int32_t)(ua % ub));
			}
		}
	}
	printf("table32: %016" PRIx64 "\n", h);
}

/* Shifts by every amount the encoding allows, logical and arithmetic, 64- and 32-bit. */
static void shifts(void)
{
	volatile uint64_t x = 0x8123456789abcdefULL;
	volatile uint32_t y = 0x89abcdefu;
	uint64_t h = 0;

	for (volatile unsigned s = 0; s < 64; s++) {
		h = mix(h, x << s);
		h = mix(h, x >> s);
		h = mix(h, (uint64_t)((int64_t)x >> s));
	}
	for (volatile unsigned s = 0; s < 32; s++) {
		h = mix(h, (uint64_t)(int64_t)(int32_t)(y << s));
		h = mix(h, (uint64_t)(int64_t)(int32_t)(y >> s));
		h = mix(h, (uint64_t)(int64_t)((int32_t)y >> s));
	}
	printf("shifts: %016" PRIx64 "\n", h);
	printf("sample: %016" PRIx64 " %016" PRIx64 " %08" PRIx32 " %08" PRIx32 "\n",
	       x << 4, (uint64_t)((int64_t)x >> 60), y << 31, (uint32_t)((int32_t)y >> 31));
}

/* Comparisons and the bit tricks compilers lower to base-ISA sequences (no Zbb assumed). */
static void bits(void)
{
	uint64_t h = 0;

	for (unsigned i = 0; i < N64; i++) {
		uint64_t a = (uint64_t)v64[i];

		if (a != 0) {
			h = mix(h, (uint64_t)__builtin_clzll(a));
			h = mix(h, (uint64_t)__builtin_ctzll(a));
		}
		h = mix(h, (uint64_t)__builtin_popcountll(a));
		h = mix(h, __builtin_bswap64(a));
		h = mix(h, a & -a);
		h = mix(h, a & (a - 1));
		h = mix(h, (a << 13) | (a >> 51));
		for (unsigned j = 0; j < N64; j++) {
			int64_t b = v64[j];

			h = mix(h, (uint64_t)((int64_t)a < b) | (uint64_t)(a < (uint64_t)b) << 1);
		}
	}
	printf("bits: %016" PRIx64 " popcount(-1)=%d clz(1)=%d ctz(2^63)=%d\n", h,
	       __builtin_popcountll((uint64_t)v64[2]), __builtin_clzll((uint64_t)v64[1]),
	       __builtin_ctzll((uint64_t)v64[8]));
}

/* A 64-bit LCG (Knuth's MMIX constants) so the sort input is the same everywhere. */
static uint64_t lcg_state = 0x2545f4914f6cdd1dULL;
static uint64_t lcg_next(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return lcg_state;
}

static int cmp_i32(const void *pa, const void *pb)
{
	int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;

	return (a > b) - (a < b);
}

static void sort(void)
{
	enum { n = 5000 };
	static int32_t arr[n];
	uint64_t h = 0;
	int sorted = 1;

	for (int i = 0; i < n; i++)
		arr[i] = (int32_t)(lcg_next() >> 32);
	qsort(arr, n, sizeof(arr[0]), cmp_i32);
	for (int i = 0; i < n; i++) {
		if (i > 0 && arr[i - 1] > arr[i])
			sorted = 0;
		h = mix(h, (uint64_t)(uint32_t)arr[i]);
	}
	printf("qsort: n=%d sorted=%d min=%" PRId32 " max=%" PRId32 " hash=%016" PRIx64 "\n", n,
	       sorted, arr[0], arr[n - 1], h);
}

/* CRC-32 (IEEE 802.3, reflected, the zlib polynomial) built from a table at run time. */
static uint32_t crc32(const unsigned char *p, size_t len)
{
	static uint32_t table[256];
	uint32_t crc = 0xffffffffu;

	if (table[1] == 0) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	for (size_t i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}

static void crc(void)
{
	static unsigned char buf[65536];
	const char *check = "123456789";

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(lcg_next() >> 56);
	/* 0xcbf43926 is the published check value of CRC-32 over "123456789". */
	printf("crc32: check=%08" PRIx32 " buf=%08" PRIx32 "\n",
	       crc32((const unsigned char *)check, strlen(check)), crc32(buf, sizeof(buf)));
}

int main(void)
{
	div_edge_cases();
	table64();
	table32();
	shifts();
	bits();
	sort();
	crc();
	return 0;
}
