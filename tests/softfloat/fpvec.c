/* tests/softfloat/fpvec.c — oracle for assembly/arch/um/softfloat.ts.
 * Built static for riscv64 and run under qemu-riscv64-static by gen_vectors.sh: the RISC-V FPU
 * (QEMU's model of it) computes every vector. Deterministic: a fixed-seed xorshift generator.
 * Output, one vector per line, all hex without 0x:
 *   <op> <rm> <a> <b> <c> <result> <fflags>
 * Unused operands are 0. f32 values and 32-bit integers are printed as 32-bit patterns; the
 * integer results of fcvt.{w,wu,l,lu} are the full 64-bit register. Ops without a rounding mode
 * print rm 0. Every operation runs in one asm block: set frm, clear fflags, move the raw bits in
 * (fmv keeps NaN payloads and boxes binary32), execute with the dynamic rounding mode, read back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef uint64_t u64;
typedef uint32_t u32;

static u64 rng = 0x2545f4914f6cdd1dull;
static int scale = 1; /* fpvec [seed [scale]]: more random vectors for a local soak run */

static u64 rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

#define PRE "fsrm %[rm]\n\tfsflags x0\n\t"
#define POST "\n\tfrflags %[f]\n\tfsrm x0"
#define OUTS [r] "=&r"(r), [f] "=&r"(f)

/* Binary ops on floats: fop.fmt ft2, ft0, ft1. */
#define DEF_FFF(name, mv_in, mv_out, insn)                                                   \
  static u64 name(u64 a, u64 b, u64 c, u64 rm, u64 *fl) {                                    \
    u64 r, f;                                                                                \
    (void)c;                                                                                 \
    asm volatile(PRE mv_in " ft0, %[a]\n\t" mv_in " ft1, %[b]\n\t" insn " ft2, ft0, ft1\n\t" \
                 mv_out " %[r], ft2" POST                                                    \
                 : OUTS : [a] "r"(a), [b] "r"(b), [rm] "r"(rm) : "ft0", "ft1", "ft2");       \
    *fl = f;                                                                                 \
    return r;                                                                                \
  }
/* Fused multiply-add: fop ft3, ft0, ft1, ft2. */
#define DEF_FMA(name, mv_in, mv_out, insn)                                                   \
  static u64 name(u64 a, u64 b, u64 c, u64 rm, u64 *fl) {                                    \
    u64 r, f;                                                                                \
    asm volatile(PRE mv_in " ft0, %[a]\n\t" mv_in " ft1, %[b]\n\t" mv_in " ft2, %[c]\n\t"    \
                 insn " ft3, ft0, ft1, ft2\n\t" mv_out " %[r], ft3" POST                     \
                 : OUTS : [a] "r"(a), [b] "r"(b), [c] "r"(c), [rm] "r"(rm)                   \
                 : "ft0", "ft1", "ft2", "ft3");                                              \
    *fl = f;                                                                                 \
    return r;                                                                                \
  }
/* Float -> float unary: fop ft2, ft0. */
#define DEF_FF(name, mv_in, mv_out, insn)                                                    \
  static u64 name(u64 a, u64 b, u64 c, u64 rm, u64 *fl) {                                    \
    u64 r, f;                                                                                \
    (void)b; (void)c;                                                                        \
    asm volatile(PRE mv_in " ft0, %[a]\n\t" insn " ft2, ft0\n\t" mv_out " %[r], ft2" POST    \
                 : OUTS : [a] "r"(a), [rm] "r"(rm) : "ft0", "ft2");                          \
    *fl = f;                                                                                 \
    return r;                                                                                \
  }
/* Float -> integer register (compares take two floats, the rest one). */
#define DEF_XFF(name, mv_in, insn)                                                           \
  static u64 name(u64 a, u64 b, u64 c, u64 rm, u64 *fl) {                                    \
    u64 r, f;                                                                                \
    (void)c;                                                                                 \
    asm volatile(PRE mv_in " ft0, %[a]\n\t" mv_in " ft1, %[b]\n\t" insn " %[r], ft0, ft1" POST \
                 : OUTS : [a] "r"(a), [b] "r"(b), [rm] "r"(rm) : "ft0", "ft1");              \
    *fl = f;                                                                                 \
    return r;                                                                                \
  }
#define DEF_XF(name, mv_in, insn)                                                            \
  static u64 name(u64 a, u64 b, u64 c, u64 rm, u64 *fl) {                                    \
    u64 r, f;                                                                                \
    (void)b; (void)c;                                                                        \
    asm volatile(PRE mv_in " ft0, %[a]\n\t" insn " %[r], ft0" POST                           \
                 : OUTS : [a] "r"(a), [rm] "r"(rm) : "ft0");                                 \
    *fl = f;                                                                                 \
    return r;                                                                                \
  }
/* Integer register -> float. */
#define DEF_FX(name, mv_out, insn)                                                           \
  static u64 name(u64 a, u64 b, u64 c, u64 rm, u64 *fl) {                                    \
    u64 r, f;                                                                                \
    (void)b; (void)c;                                                                        \
    asm volatile(PRE insn " ft2, %[a]\n\t" mv_out " %[r], ft2" POST                          \
                 : OUTS : [a] "r"(a), [rm] "r"(rm) : "ft2");                                 \
    *fl = f;                                                                                 \
    return r;                                                                                \
  }

DEF_FFF(d_add, "fmv.d.x", "fmv.x.d", "fadd.d")
DEF_FFF(d_sub, "fmv.d.x", "fmv.x.d", "fsub.d")
DEF_FFF(d_mul, "fmv.d.x", "fmv.x.d", "fmul.d")
DEF_FFF(d_div, "fmv.d.x", "fmv.x.d", "fdiv.d")
DEF_FFF(d_min, "fmv.d.x", "fmv.x.d", "fmin.d")
DEF_FFF(d_max, "fmv.d.x", "fmv.x.d", "fmax.d")
DEF_FMA(d_fmadd, "fmv.d.x", "fmv.x.d", "fmadd.d")
DEF_FMA(d_fmsub, "fmv.d.x", "fmv.x.d", "fmsub.d")
DEF_FMA(d_fnmsub, "fmv.d.x", "fmv.x.d", "fnmsub.d")
DEF_FMA(d_fnmadd, "fmv.d.x", "fmv.x.d", "fnmadd.d")
DEF_FF(d_sqrt, "fmv.d.x", "fmv.x.d", "fsqrt.d")
DEF_XFF(d_eq, "fmv.d.x", "feq.d")
DEF_XFF(d_lt, "fmv.d.x", "flt.d")
DEF_XFF(d_le, "fmv.d.x", "fle.d")
DEF_XF(d_class, "fmv.d.x", "fclass.d")
DEF_XF(d_to_w, "fmv.d.x", "fcvt.w.d")
DEF_XF(d_to_wu, "fmv.d.x", "fcvt.wu.d")
DEF_XF(d_to_l, "fmv.d.x", "fcvt.l.d")
DEF_XF(d_to_lu, "fmv.d.x", "fcvt.lu.d")
DEF_FX(w_to_d, "fmv.x.d", "fcvt.d.w")
DEF_FX(wu_to_d, "fmv.x.d", "fcvt.d.wu")
DEF_FX(l_to_d, "fmv.x.d", "fcvt.d.l")
DEF_FX(lu_to_d, "fmv.x.d", "fcvt.d.lu")

DEF_FFF(s_add, "fmv.w.x", "fmv.x.w", "fadd.s")
DEF_FFF(s_sub, "fmv.w.x", "fmv.x.w", "fsub.s")
DEF_FFF(s_mul, "fmv.w.x", "fmv.x.w", "fmul.s")
DEF_FFF(s_div, "fmv.w.x", "fmv.x.w", "fdiv.s")
DEF_FFF(s_min, "fmv.w.x", "fmv.x.w", "fmin.s")
DEF_FFF(s_max, "fmv.w.x", "fmv.x.w", "fmax.s")
DEF_FMA(s_fmadd, "fmv.w.x", "fmv.x.w", "fmadd.s")
DEF_FMA(s_fmsub, "fmv.w.x", "fmv.x.w", "fmsub.s")
DEF_FMA(s_fnmsub, "fmv.w.x", "fmv.x.w", "fnmsub.s")
DEF_FMA(s_fnmadd, "fmv.w.x", "fmv.x.w", "fnmadd.s")
DEF_FF(s_sqrt, "fmv.w.x", "fmv.x.w", "fsqrt.s")
DEF_XFF(s_eq, "fmv.w.x", "feq.s")
DEF_XFF(s_lt, "fmv.w.x", "flt.s")
DEF_XFF(s_le, "fmv.w.x", "fle.s")
DEF_XF(s_class, "fmv.w.x", "fclass.s")
DEF_XF(s_to_w, "fmv.w.x", "fcvt.w.s")
DEF_XF(s_to_wu, "fmv.w.x", "fcvt.wu.s")
DEF_XF(s_to_l, "fmv.w.x", "fcvt.l.s")
DEF_XF(s_to_lu, "fmv.w.x", "fcvt.lu.s")
DEF_FX(w_to_s, "fmv.x.w", "fcvt.s.w")
DEF_FX(wu_to_s, "fmv.x.w", "fcvt.s.wu")
DEF_FX(l_to_s, "fmv.x.w", "fcvt.s.l")
DEF_FX(lu_to_s, "fmv.x.w", "fcvt.s.lu")

DEF_FF(s_to_d, "fmv.w.x", "fmv.x.d", "fcvt.d.s")
DEF_FF(d_to_s, "fmv.d.x", "fmv.x.w", "fcvt.s.d")

typedef u64 (*op_fn)(u64, u64, u64, u64, u64 *);

/* Operand kinds: what the generator feeds and how wide the printed patterns are. */
enum { K_F32, K_F64, K_I32, K_I64 };

static void emit(const char *name, op_fn fn, int nargs, int kin, int kout, u64 rm, u64 a, u64 b, u64 c) {
  u64 fl;
  u64 mask = (kin == K_F32 || kin == K_I32) ? 0xffffffffull : ~0ull;
  if (kin == K_I32) a = (u64)(int64_t)(int32_t)a; /* what the register holds for a 32-bit int */
  u64 r = fn(a & (kin == K_I32 ? ~0ull : mask), b & mask, c & mask, rm, &fl);
  if (kout == K_F32) r &= 0xffffffffull;
  a &= mask;
  if (nargs < 2) b = 0;
  if (nargs < 3) c = 0;
  printf("%s %llu %llx %llx %llx %llx %llx\n", name, (unsigned long long)rm, (unsigned long long)a,
         (unsigned long long)(b & mask), (unsigned long long)(c & mask), (unsigned long long)r,
         (unsigned long long)fl);
}

/* ------------------------------------------------------------------------------------------ */
/* Operand generators. */

static const u64 corner64[] = {
  0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
  0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4000000000000000ull, 0x3ff0000000000001ull,
  0x7fefffffffffffffull, 0xffefffffffffffffull, 0x0010000000000000ull, 0x8010000000000000ull,
  0x000fffffffffffffull, 0x0000000000000001ull, 0x8000000000000001ull, 0x7ff0000000000000ull,
  0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000001ull, 0xfff4000000000123ull,
  0x41e0000000000000ull, 0xc1e0000000000000ull, 0x43e0000000000000ull, 0x43f0000000000000ull,
  0x3fb999999999999aull, 0x400921fb54442d18ull, 0x4004000000000000ull, 0xc004000000000000ull,
  0x3fefffffffffffffull, 0x0018000000000000ull, 0x41dfffffffc00000ull, 0x41efffffffe00000ull,
};
static const u64 corner32[] = {
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40000000, 0x3f800001,
  0x7f7fffff, 0xff7fffff, 0x00800000, 0x80800000, 0x007fffff, 0x00000001, 0x80000001, 0x7f800000,
  0xff800000, 0x7fc00000, 0x7f800001, 0xffa00123, 0x4f000000, 0xcf000000, 0x5f000000, 0x5f800000,
  0x3dcccccd, 0x40490fdb, 0x40200000, 0xc0200000, 0x3f7fffff, 0x00c00000, 0x4effffff, 0x4f7fffff,
};
#define NCORNER 32

/* A random value of the format, shaped to hit interesting cases. exp_bits/frac_bits give the
 * format; bias is its exponent bias. */
static u64 rand_float(int is64) {
  int fb = is64 ? 52 : 23, eb = is64 ? 11 : 8;
  u64 emax = (1ull << eb) - 1, bias = emax >> 1;
  u64 r = rnd(), m = rnd() & ((1ull << fb) - 1), sign = (r >> 60) & 1, e;
  switch (r % 16) {
  case 0: return is64 ? rnd() : rnd() & 0xffffffffull;                /* any bits */
  case 1: return is64 ? corner64[rnd() % NCORNER] : corner32[rnd() % NCORNER];
  case 2: e = rnd() % 4; break;                                      /* subnormal / tiny */
  case 3: e = emax - 1 - rnd() % 4; break;                           /* huge */
  case 4: m &= ~0ull << (fb - (int)(rnd() % 8)); e = bias + rnd() % 8 - 4; break; /* short */
  case 5: m = (rnd() % 2) ? 0 : ((1ull << fb) - 1); e = bias + rnd() % 70 - 35; break;
  default: e = bias + rnd() % 40 - 20; break;                          /* ordinary */
  }
  return (sign << (fb + eb)) | (e << fb) | m;
}

/* A second operand related to a: near it, near its negation, or a scale of it. */
static u64 related(u64 a, int is64) {
  int fb = is64 ? 52 : 23;
  u64 sign = 1ull << (is64 ? 63 : 31);
  switch (rnd() % 6) {
  case 0: return a ^ sign;                                             /* exact cancel */
  case 1: return (a ^ sign) + (rnd() % 5) - 2;                         /* near cancel */
  case 2: return a + ((u64)(rnd() % 60) << fb);                        /* scaled apart */
  case 3: return (a ^ (rnd() & sign)) - ((u64)(rnd() % 60) << fb);
  case 4: return a + (rnd() % 3);
  default: return rand_float(is64);
  }
}

/* A value near an integer boundary that float->int conversions care about. */
static u64 near_int(int is64) {
  static const double bases[] = { 0, 1, 2, 3, 2147483648.0, 4294967296.0, 9223372036854775808.0,
                                  18446744073709551616.0, 16777216.0, 9007199254740992.0, 100 };
  static const double offs[] = { 0, 0.5, -0.5, 0.25, -0.25, 0.75, -0.75, 1, -1, 1.5, -1.5, 2.5 };
  double v = bases[rnd() % 11] + offs[rnd() % 12];
  if (rnd() % 2) v = -v;
  u64 bits;
  if (is64) {
    __builtin_memcpy(&bits, &v, 8);
    if (rnd() % 4 == 0) bits += (rnd() % 3) - 1; /* one ulp either way */
    return bits;
  }
  float f = (float)v;
  u32 b32;
  __builtin_memcpy(&b32, &f, 4);
  if (rnd() % 4 == 0) b32 += (rnd() % 3) - 1;
  return b32;
}

/* A random integer with a random bit length, low bits often shaped into ties. */
static u64 rand_int(void) {
  int len = 1 + rnd() % 64;
  u64 v = rnd() >> (64 - len);
  switch (rnd() % 4) {
  case 0: v |= 1ull << (len - 1); break;
  case 1: v = (v & ~0xffull) | 0x80; break;                  /* halfway-ish low bits */
  case 2: v = (rnd() % 2) ? (1ull << (len - 1)) + 1 : v; break;
  default: break;
  }
  if (rnd() % 3 == 0) v = -v;
  return v;
}

/* ------------------------------------------------------------------------------------------ */
/* Per-op drivers. */

/* Binary arithmetic: every corner pair in RNE and RDN (zero signs), samples in the others,
 * then random and related pairs in every mode. */
static void gen_binary(const char *name, op_fn fn, int is64, int nrand) {
  int k = is64 ? K_F64 : K_F32;
  const u64 *corner = is64 ? corner64 : corner32;
  for (u64 rm = 0; rm < 5; rm++) {
    if (rm == 0 || rm == 2) {
      for (int i = 0; i < NCORNER; i += 2)
        for (int j = 0; j < NCORNER; j++) emit(name, fn, 2, k, k, rm, corner[i + (j & 1)], corner[j], 0);
    }
    for (int n = 0; n < scale * nrand; n++) {
      u64 a = rand_float(is64), b = (n & 1) ? related(a, is64) : rand_float(is64);
      emit(name, fn, 2, k, k, rm, a, b, 0);
    }
  }
}

/* Products that land near the underflow and overflow thresholds. */
static void gen_mul_edges(const char *name, op_fn fn, int is64, int count) {
  int fb = is64 ? 52 : 23, k = is64 ? K_F64 : K_F32;
  int emin_biased = 1, bias = is64 ? 1023 : 127;
  for (u64 rm = 0; rm < 5; rm++) {
    for (int n = 0; n < scale * count; n++) {
      u64 ea = bias / 2 + rnd() % bias;
      /* target product exponent near emin - a few, or near emax */
      int64_t target = (n & 1) ? (int64_t)(emin_biased - (int)(rnd() % (fb + 3))) : 2 * bias - (int)(rnd() % 3);
      int64_t eb = target - (int64_t)ea + bias;
      if (eb < 1) eb = 1;
      if (eb > 2 * bias) eb = 2 * bias;
      u64 ma = rnd() & ((1ull << fb) - 1), mb = rnd() & ((1ull << fb) - 1);
      if (n % 4 == 0) mb = 0;
      u64 sign = (rnd() & 3) << (is64 ? 62 : 30) & (1ull << (is64 ? 63 : 31));
      emit(name, fn, 2, k, k, rm, (ea << fb) | ma | sign, ((u64)eb << fb) | mb, 0);
    }
  }
}

/* Results just below and at the smallest normal, where tininess after rounding decides UF:
 * x * y and x / (1/y) for x with an all-ones significand near 2^emin, and narrowing to binary32. */
static void gen_tiny_boundary(void) {
  static const u64 xs64[] = { 0x001fffffffffffffull, 0x001ffffffffffffeull, 0x001fffffffffffe0ull,
                              0x0017ffffffffffffull, 0x0020000000000000ull, 0x0010000000000001ull };
  static const u64 ys64[] = { 0x3fe0000000000000ull, 0x3fefffffffffffffull, 0x3fe0000000000001ull,
                              0x3feffffffffffffeull, 0x3ff0000000000001ull, 0x3fdfffffffffffffull };
  static const u64 xs32[] = { 0x00ffffff, 0x00fffffe, 0x00fffff0, 0x00bfffff, 0x01000000, 0x00800001 };
  static const u64 ys32[] = { 0x3f000000, 0x3f7fffff, 0x3f000001, 0x3f7ffffe, 0x3f800001, 0x3effffff };
  for (u64 rm = 0; rm < 5; rm++) {
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 6; j++) {
        u64 sign64 = (u64)(j & 1) << 63, sign32 = (u64)(j & 1) << 31;
        emit("f64_mul", d_mul, 2, K_F64, K_F64, rm, xs64[i] | sign64, ys64[j], 0);
        emit("f32_mul", s_mul, 2, K_F32, K_F32, rm, xs32[i] | sign32, ys32[j], 0);
        emit("f64_div", d_div, 2, K_F64, K_F64, rm, xs64[i] | sign64, ys64[j] + (1ull << 53), 0);
        emit("f32_div", s_div, 2, K_F32, K_F32, rm, xs32[i] | sign32, ys32[j] + (1u << 24), 0);
        emit("f64_fmadd", d_fmadd, 3, K_F64, K_F64, rm, xs64[i] | sign64, ys64[j], xs64[(i + j) % 6] >> 30);
        emit("f32_fmadd", s_fmadd, 3, K_F32, K_F32, rm, xs32[i] | sign32, ys32[j], xs32[(i + j) % 6] >> 20);
      }
      /* binary64 values around binary32's smallest normal and largest finite */
      for (int d = -3; d <= 3; d++) {
        u64 base = (i & 1) ? 0x380fffffe0000000ull : 0x47efffffe0000000ull;
        u64 v = base + (u64)(int64_t)d * (1ull << (26 + i));
        emit("f64_to_f32", d_to_s, 1, K_F64, K_F32, rm, v | ((u64)(i >= 3) << 63), 0, 0);
      }
    }
  }
}

static void gen_fma(const char *name, op_fn fn, int is64, int nrand) {
  int k = is64 ? K_F64 : K_F32;
  const u64 *corner = is64 ? corner64 : corner32;
  for (u64 rm = 0; rm < 5; rm++) {
    for (int n = 0; n < scale * nrand; n++) {
      u64 a, b, c;
      switch (n % 4) {
      case 0: a = corner[rnd() % NCORNER]; b = corner[rnd() % NCORNER]; c = corner[rnd() % NCORNER]; break;
      case 1: { /* c cancels most of a*b: compute a*b in the oracle itself */
        u64 fl;
        a = rand_float(is64); b = rand_float(is64);
        c = (is64 ? d_mul : s_mul)(a, b, 0, rnd() % 5, &fl) ^ (1ull << (is64 ? 63 : 31));
        c += (rnd() % 5) - 2;
        break;
      }
      case 2: a = rand_float(is64); b = rand_float(is64); c = related(a, is64); break;
      default: a = rand_float(is64); b = rand_float(is64); c = rand_float(is64); break;
      }
      emit(name, fn, 3, k, k, rm, a, b, c);
    }
  }
}

static void gen_unary(const char *name, op_fn fn, int kin, int kout, int is64, int modes, int nrand) {
  const u64 *corner = is64 ? corner64 : corner32;
  for (u64 rm = 0; rm < (u64)modes; rm++) {
    for (int i = 0; i < NCORNER; i++) emit(name, fn, 1, kin, kout, rm, corner[i], 0, 0);
    for (int n = 0; n < scale * nrand; n++) {
      u64 a = (n % 3 == 0) ? near_int(is64) : rand_float(is64);
      emit(name, fn, 1, kin, kout, rm, a, 0, 0);
    }
  }
}

static void gen_from_int(const char *name, op_fn fn, int kin, int kout, int nrand) {
  static const u64 special[] = { 0, 1, ~0ull, 0x7fffffffull, 0x80000000ull, 0xffffffffull,
                                 0x1000001ull, 0x1000003ull, 0x20000000000001ull,
                                 0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
                                 0xfffffffffffff800ull, 0x7ffffe0000000001ull, 0x7fffff8000000000ull };
  for (u64 rm = 0; rm < 5; rm++) {
    for (int i = 0; i < 15; i++) emit(name, fn, 1, kin, kout, rm, special[i], 0, 0);
    for (int n = 0; n < scale * nrand; n++) emit(name, fn, 1, kin, kout, rm, rand_int(), 0, 0);
  }
}

static void gen_compare(const char *name, op_fn fn, int is64, int kout, int nrand) {
  int k = is64 ? K_F64 : K_F32;
  const u64 *corner = is64 ? corner64 : corner32;
  for (int i = 0; i < NCORNER; i++)
    for (int j = 0; j < NCORNER; j += 3) emit(name, fn, 2, k, kout, 0, corner[i], corner[j], 0);
  for (int n = 0; n < scale * nrand; n++) {
    u64 a = rand_float(is64), b = (n & 1) ? related(a, is64) : (n % 4 == 0 ? a : rand_float(is64));
    emit(name, fn, 2, k, kout, 0, a, b, 0);
  }
}

int main(int argc, char **argv) {
  if (argc > 1) rng = strtoull(argv[1], 0, 0);
  if (argc > 2) scale = atoi(argv[2]);
  for (int is64 = 1; is64 >= 0; is64--) {
    int k = is64 ? K_F64 : K_F32;
    const char *p = is64 ? "f64" : "f32";
    char nm[32];
#define NAME(s) (snprintf(nm, sizeof nm, "%s_%s", p, s), nm)
    gen_binary(NAME("add"), is64 ? d_add : s_add, is64, 220);
    gen_binary(NAME("sub"), is64 ? d_sub : s_sub, is64, 120);
    gen_binary(NAME("mul"), is64 ? d_mul : s_mul, is64, 180);
    gen_mul_edges(NAME("mul"), is64 ? d_mul : s_mul, is64, 60);
    gen_binary(NAME("div"), is64 ? d_div : s_div, is64, 200);
    gen_unary(NAME("sqrt"), is64 ? d_sqrt : s_sqrt, k, k, is64, 5, 160);
    gen_fma(NAME("fmadd"), is64 ? d_fmadd : s_fmadd, is64, 500);
    gen_fma(NAME("fmsub"), is64 ? d_fmsub : s_fmsub, is64, 120);
    gen_fma(NAME("fnmsub"), is64 ? d_fnmsub : s_fnmsub, is64, 120);
    gen_fma(NAME("fnmadd"), is64 ? d_fnmadd : s_fnmadd, is64, 120);
    gen_compare(NAME("min"), is64 ? d_min : s_min, is64, k, 250);
    gen_compare(NAME("max"), is64 ? d_max : s_max, is64, k, 250);
    gen_compare(NAME("eq"), is64 ? d_eq : s_eq, is64, K_I64, 200);
    gen_compare(NAME("lt"), is64 ? d_lt : s_lt, is64, K_I64, 200);
    gen_compare(NAME("le"), is64 ? d_le : s_le, is64, K_I64, 200);
    gen_unary(NAME("classify"), is64 ? d_class : s_class, k, K_I64, is64, 1, 200);
    gen_unary(NAME("to_i32"), is64 ? d_to_w : s_to_w, k, K_I64, is64, 5, 150);
    gen_unary(NAME("to_u32"), is64 ? d_to_wu : s_to_wu, k, K_I64, is64, 5, 150);
    gen_unary(NAME("to_i64"), is64 ? d_to_l : s_to_l, k, K_I64, is64, 5, 150);
    gen_unary(NAME("to_u64"), is64 ? d_to_lu : s_to_lu, k, K_I64, is64, 5, 150);
    snprintf(nm, sizeof nm, "i32_to_%s", p);
    gen_from_int(nm, is64 ? w_to_d : w_to_s, K_I32, k, 60);
    snprintf(nm, sizeof nm, "u32_to_%s", p);
    gen_from_int(nm, is64 ? wu_to_d : wu_to_s, K_I32, k, 60);
    snprintf(nm, sizeof nm, "i64_to_%s", p);
    gen_from_int(nm, is64 ? l_to_d : l_to_s, K_I64, k, 120);
    snprintf(nm, sizeof nm, "u64_to_%s", p);
    gen_from_int(nm, is64 ? lu_to_d : lu_to_s, K_I64, k, 120);
  }
  gen_tiny_boundary();
  gen_unary("f32_to_f64", s_to_d, K_F32, K_F64, 0, 1, 300);
  gen_unary("f64_to_f32", d_to_s, K_F64, K_F32, 1, 5, 300);
  return 0;
}
