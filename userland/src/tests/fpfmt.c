/* fpfmt.c: floating point as glibc and the RV64 F/D extensions see it: printf conversions
 * (%f %e %g %a with precisions), strtod round trips, a few math.h functions, the dynamic
 * rounding mode (fesetround → frm) and the accrued exception flags (fflags).
 * Operands pass through volatile variables so the FPU computes them at run time. */
#include <fenv.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile double dv[] = {
	0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, 2.5, 3.5, -2.5, 1e-300, 4.9406564584124654e-324,
	2.2250738585072014e-308, 1.7976931348623157e308, 123456789.125, 6.02214076e23, 1e22,
	-9.999999e-5, 0.5, 299792458.0,
};
static volatile float fv[] = {
	0.0f, -0.0f, 1.0f, 0.1f, 1.0f / 3.0f, -2.5f, 1e-45f, 3.4028235e38f, 16777217.0f, 1e-38f,
};
#define ND (sizeof(dv) / sizeof(dv[0]))
#define NF (sizeof(fv) / sizeof(fv[0]))

static void print_doubles(void)
{
	for (unsigned i = 0; i < ND; i++) {
		double d = dv[i];

		printf("d%-2u %.17g | %f | %.3f | %e | %.0e | %g | %.10g | %a | %.3a\n", i, d, d, d,
		       d, d, d, d, d, d);
	}
	printf("special: %f %f %f %e %g %a\n", (double)INFINITY, -(double)INFINITY, (double)NAN,
	       (double)INFINITY, -(double)NAN, (double)INFINITY);
	printf("width: [%12.4f] [%-12.2e] [%+g] [% g] [%#g] [%012.3f]\n", dv[5], dv[3], dv[2], dv[2],
	       dv[2], dv[3]);
}

static void print_floats(void)
{
	for (unsigned i = 0; i < NF; i++) {
		float f = fv[i];

		/* printf promotes float to double, so this also checks fcvt.d.s. */
		printf("f%-2u %.9g | %f | %e | %a\n", i, f, f, f, f);
	}
	volatile float a = 1.0f, b = 3.0f;
	printf("fdiv: %.9g fsqrt: %.9g fmadd: %.9g\n", a / b, sqrtf(b), fmaf(a / b, b, -a));
}

/* Printing with %.17g and reading back with strtod must give the same bits. */
static void round_trips(void)
{
	unsigned ok = 0;

	for (unsigned i = 0; i < ND; i++) {
		char buf[64];
		double d = dv[i], back;

		snprintf(buf, sizeof(buf), "%.17g", d);
		back = strtod(buf, NULL);
		if (memcmp(&d, &back, sizeof(d)) == 0)
			ok++;
		else
			printf("round trip failed: %s\n", buf);
	}
	printf("round trips: %u/%u\n", ok, (unsigned)ND);
	const char *inputs[] = { "0x1.8p1", "1e-320", "-inf", "nan", "2.5e+3x", "  .125", "1e400" };
	for (unsigned i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		char *end;
		double d = strtod(inputs[i], &end);

		printf("strtod(\"%s\") = %a rest=\"%s\"\n", inputs[i], d, end);
	}
	printf("strtof(\"0.1\") = %a\n", (double)strtof("0.1", NULL));
}

static void math_funcs(void)
{
	volatile double two = 2.0, x = 2.7, y = -2.5, z = 1e16, one = 1.0, tiny = 0x1p-30;
	volatile double nan = NAN, pz = 0.0, nz = -0.0, sq;

	printf("sqrt(2)=%.17g floor=%g %g ceil=%g %g trunc=%g round=%g\n", sqrt(two), floor(x),
	       floor(y), ceil(x), ceil(y), trunc(y), round(y));
	/* fma rounds once: (1 + 2^-30)^2 - 1 keeps the 2^-60 term that the separately rounded
	 * product loses. The volatile store keeps the compiler from contracting it to fmadd. */
	sq = (one + tiny) * (one + tiny);
	printf("fma=%a plain=%a\n", fma(one + tiny, one + tiny, -one), sq - one);
	printf("fmin=%g fmax=%g fmin(-0,0)=%g fmax(-0,0)=%g fmin(nan,1)=%g fmax(1,nan)=%g\n",
	       fmin(x, y), fmax(x, y), fmin(nz, pz), fmax(nz, pz), fmin(nan, one), fmax(one, nan));
	printf("fabs=%g copysign=%g z+1-z=%g\n", fabs(y), copysign(x, y), (z + one) - z);
	printf("lrint(2.5)=%ld llround(-2.5)=%lld (int)-2.7=%d (unsigned)3.9=%u\n",
	       lrint(y * -1.0), llround(y), (int)(x * -1.0), (unsigned)(x + 1.2));
}

/* rint obeys the current rounding mode; each mode is set with fesetround, which writes frm. */
static void rounding_modes(void)
{
	static const struct { int mode; const char *name; } modes[] = {
		{ FE_TONEAREST, "nearest" }, { FE_TOWARDZERO, "zero" },
		{ FE_UPWARD, "up" }, { FE_DOWNWARD, "down" },
	};
	volatile double vals[] = { 2.5, 3.5, -2.5, -0.5, 1.25, -1.75 };
	volatile double one = 1.0, three = 3.0;

	for (unsigned m = 0; m < 4; m++) {
		if (fesetround(modes[m].mode) != 0) {
			printf("fesetround(%s) failed\n", modes[m].name);
			continue;
		}
		printf("%-7s get=%d rint:", modes[m].name, fegetround() == modes[m].mode);
		for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
			printf(" %g", rint(vals[i]));
		volatile double q = one / three;
		volatile float qf = (float)one / (float)three;
		printf(" 1/3=%a %a lrint(-2.5)=%ld\n", q, (double)qf, lrint(vals[2]));
	}
	fesetround(FE_TONEAREST);
}

static void print_flags(const char *what)
{
	int f = fetestexcept(FE_ALL_EXCEPT);

	printf("%-10s flags:%s%s%s%s%s%s\n", what, f & FE_INEXACT ? " inexact" : "",
	       f & FE_UNDERFLOW ? " underflow" : "", f & FE_OVERFLOW ? " overflow" : "",
	       f & FE_DIVBYZERO ? " divbyzero" : "", f & FE_INVALID ? " invalid" : "",
	       f == 0 ? " none" : "");
}

static void exception_flags(void)
{
	volatile double one = 1.0, zero = 0.0, three = 3.0, big = DBL_MAX, small = DBL_MIN;
	volatile double sink;

	feclearexcept(FE_ALL_EXCEPT);
	print_flags("clear");
	sink = one + one;
	print_flags("exact");
	sink = one / three;
	print_flags("1/3");
	feclearexcept(FE_ALL_EXCEPT);
	sink = one / zero;
	print_flags("1/0");
	feclearexcept(FE_ALL_EXCEPT);
	sink = zero / zero;
	print_flags("0/0");
	feclearexcept(FE_ALL_EXCEPT);
	sink = big * three;
	print_flags("max*3");
	feclearexcept(FE_ALL_EXCEPT);
	sink = small / three;
	print_flags("min/3");
	feclearexcept(FE_ALL_EXCEPT);
	sink = sqrt(-one);
	print_flags("sqrt(-1)");
	feclearexcept(FE_ALL_EXCEPT);
	volatile long l = (long)(big);
	print_flags("(long)max");
	(void)sink;
	(void)l;
	feclearexcept(FE_ALL_EXCEPT);
	feraiseexcept(FE_OVERFLOW | FE_INEXACT);
	print_flags("raised");
	feclearexcept(FE_ALL_EXCEPT);
}

static uint64_t dbits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static uint32_t fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

/* RISC-V returns the canonical NaN (positive, quiet, zero payload) from every arithmetic
 * operation, unlike x86, and defines the result of out-of-range float→int conversions
 * (saturation; NaN converts to the largest value), which C leaves undefined. */
static void nan_and_conversions(void)
{
	volatile double zero = 0.0, one = 1.0, inf = INFINITY, nnan = -NAN;
	volatile float fzero = 0.0f, finf = INFINITY;
	volatile double big = 1e300, neg = -1.0, half = 2147483647.5;

	printf("nan bits: 0/0=%016" PRIx64 " inf-inf=%016" PRIx64 " sqrt(-1)=%016" PRIx64
	       " -nan+1=%016" PRIx64 " fmin(nan,nan)=%016" PRIx64 "\n",
	       dbits(zero / zero), dbits(inf - inf), dbits(sqrt(-one)), dbits(nnan + one),
	       dbits(fmin(nnan, nnan)));
	printf("nan bits f: 0/0=%08" PRIx32 " inf*0=%08" PRIx32 " widened=%016" PRIx64 "\n",
	       fbits(fzero / fzero), fbits(finf * fzero), dbits((double)(fzero / fzero)));
	printf("fcvt: l(nan)=%" PRId64 " l(-inf)=%" PRId64 " w(1e300)=%" PRId32 " w(-1e300)=%" PRId32
	       " lu(-1)=%" PRIu64 " wu(-1)=%" PRIu32 " w(2^31-0.5)=%" PRId32 " wu(1e300)=%" PRIu32 "\n",
	       (int64_t)(zero / zero), (int64_t)(-inf), (int32_t)big, (int32_t)(-big),
	       (uint64_t)neg, (uint32_t)neg, (int32_t)half, (uint32_t)big);
}

int main(void)
{
	print_doubles();
	print_floats();
	round_trips();
	math_funcs();
	rounding_modes();
	exception_flags();
	nan_and_conversions();
	return 0;
}
