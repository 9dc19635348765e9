// assembly/arch/um/softfloat.ts — IEEE 754 binary32/binary64 arithmetic for the RISC-V F and D extensions.
// Owns: every F/D computation the CPU performs (add, sub, mul, div, sqrt, the four fused
// multiply-adds, min/max, compares, fclass, float<->int and float<->float conversions) and the
// accrued exception flags `fflags_acc` (NV=16 DZ=8 OF=4 UF=2 NX=1) that each of them ORs in.
// Derived: nothing. The CPU resolves DYN rounding and NaN-unboxes before calling, and copies
// fflags_acc to and from fcsr.fflags.
// Follows the RISC-V unprivileged ISA, chapters "F" and "D" (canonical NaN for every NaN result,
// min/max of version 2.2+, saturating conversions per the fcvt table, tininess detected after
// rounding) and IEEE 754-2008 for everything else. Subnormals are never flushed.
// Values travel as raw bits: u32 for binary32, u64 for binary64. rm: 0 RNE 1 RTZ 2 RDN 3 RUP 4 RMM.
//
// Why two paths: wasm's own f32/f64 add, mul, div, sqrt and conversions are exact IEEE
// round-to-nearest-even, so the common case (RNE, ordinary operands) runs natively and only
// has to find out whether the result was inexact: TwoSum for add/sub, an odd-part product test
// for binary64 mul/div/sqrt, an emulated fma (Dekker product, TwoSum, round-to-odd) for binary64
// fma, and binary64 (exact for 24-bit products) for binary32. Binary32 add, div and fma in any
// mode go through binary64 rounded to odd, then one rounding to binary32; binary64 div and sqrt
// in directed modes move the RNE result one ulp after an exact 128-bit residual test. Everything
// else (directed add/mul/fma, tiny/huge/special operands) takes the exact integer path: operands
// unpack to (sign, exponent, 63-bit significand with its leading 1 at bit 62), one core routine
// per operation computes a sticky result, and round_pack() rounds it to either format.
// Checked by tests/softfloat: ~47k vectors from the RISC-V FPU (QEMU), result and fflags.
// No allocation, no managed objects, no engine-dependent Math: safe under --runtime stub.

/** Accrued exception flags; every operation ORs its flags in and never clears them. */
export let fflags_acc: u32 = 0;

const FLAG_NV: u32 = 16;
const FLAG_DZ: u32 = 8;
const FLAG_OF: u32 = 4;
const FLAG_UF: u32 = 2;
const FLAG_NX: u32 = 1;

const RM_RNE: u32 = 0;
const RM_RTZ: u32 = 1;
const RM_RDN: u32 = 2;
const RM_RUP: u32 = 3;
const RM_RMM: u32 = 4;

const F32_SIGN: u32 = 0x80000000;
const F32_INF: u32 = 0x7f800000;
const F32_CANON_NAN: u32 = 0x7fc00000;
const F32_QUIET: u32 = 0x00400000;
const F32_MIN_NORMAL: f32 = 1.1754943508222875e-38; // 2^-126

const F64_SIGN: u64 = 0x8000000000000000;
const F64_INF: u64 = 0x7ff0000000000000;
const F64_CANON_NAN: u64 = 0x7ff8000000000000;
const F64_QUIET: u64 = 0x0008000000000000;
const F64_FRAC: u64 = 0x000fffffffffffff;
const F64_HIDDEN: u64 = 0x0010000000000000;
const F64_MIN_NORMAL: f64 = 2.2250738585072014e-308; // 2^-1022
const F64_MAX: f64 = 1.7976931348623157e308;

const TWO_P52: f64 = 4503599627370496.0;
const TWO_P53_I: i64 = 9007199254740992;

// Outputs of unpack() and of the 128-bit helpers; single-threaded, consumed at once by the caller.
let unp_exp: i32 = 0; // unbiased exponent of the leading significand bit
let unp_sig: u64 = 0; // significand with its leading 1 at bit 62: value = sig * 2^(exp - 62)
let wide_hi: u64 = 0; // high half of the last 128-bit result

// ---------------------------------------------------------------------------------------------
// Format helpers. The soft path carries binary32 values zero-extended in a u64 and selects the
// format with `is64`; every caller passes a constant, so these fold away.

@inline function fmt_sign(is64: bool): u64 { return is64 ? F64_SIGN : <u64>F32_SIGN; }
@inline function fmt_inf(is64: bool): u64 { return is64 ? F64_INF : <u64>F32_INF; }
@inline function fmt_nan(is64: bool): u64 { return is64 ? F64_CANON_NAN : <u64>F32_CANON_NAN; }

@inline function is_nan(x: u64, is64: bool): bool {
  return (x & ~fmt_sign(is64)) > fmt_inf(is64);
}

@inline function is_snan(x: u64, is64: bool): bool {
  const quiet = is64 ? F64_QUIET : <u64>F32_QUIET;
  return is_nan(x, is64) && (x & quiet) == 0;
}

/** Result of an operation with a NaN operand: the canonical NaN, NV if either input signals. */
function nan_from(a: u64, b: u64, is64: bool): u64 {
  if (is_snan(a, is64) || is_snan(b, is64)) fflags_acc |= FLAG_NV;
  return fmt_nan(is64);
}

/** NaN conversion between formats: NV if the input signals; the caller returns the canonical NaN. */
@inline function raise_if_snan(a: u64, is64: bool): void {
  if (is_snan(a, is64)) fflags_acc |= FLAG_NV;
}

/** Result of an invalid operation (inf - inf, 0 * inf, 0/0, sqrt(-x), ...). */
function invalid(is64: bool): u64 {
  fflags_acc |= FLAG_NV;
  return fmt_nan(is64);
}

/** Unpacks a finite nonzero value into unp_exp/unp_sig (value = sig * 2^(exp - 62)). */
function unpack(x: u64, is64: bool): void {
  if (is64) {
    const e = <i32>((x >> 52) & 0x7ff);
    const m = x & F64_FRAC;
    if (e == 0) {
      // Subnormal: m * 2^-1074, normalized so its leading 1 sits at bit 62.
      const sh = <i32>clz(m) - 1;
      unp_sig = m << <u64>sh;
      unp_exp = -1012 - sh;
    } else {
      unp_sig = (m | F64_HIDDEN) << 10;
      unp_exp = e - 1023;
    }
  } else {
    const e = <i32>((x >> 23) & 0xff);
    const m = x & 0x7fffff;
    if (e == 0) {
      const sh = <i32>clz(m) - 1;
      unp_sig = m << <u64>sh;
      unp_exp = -87 - sh;
    } else {
      unp_sig = (m | 0x800000) << 39;
      unp_exp = e - 127;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Integer helpers.

/** Shifts right by d >= 0, OR-ing every bit shifted out into bit 0 (the sticky bit). */
@inline function shift_right_jam(x: u64, d: i32): u64 {
  if (d <= 0) return x;
  if (d >= 63) return <u64>(x != 0);
  return (x >> <u64>d) | <u64>((x & ((<u64>1 << <u64>d) - 1)) != 0);
}

/** 64x64 -> 128-bit product: returns the low half, leaves the high half in wide_hi. */
@inline function mul_wide(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff;
  const a1 = a >> 32;
  const b0 = b & 0xffffffff;
  const b1 = b >> 32;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  wide_hi = a1 * b1 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return (mid << 32) | (p00 & 0xffffffff);
}

/** (hi, lo) >> d with sticky, for d >= 1: returns the low half, leaves the high half in wide_hi. */
function shift_right_jam128(hi: u64, lo: u64, d: i32): u64 {
  if (d >= 128) {
    wide_hi = 0;
    return <u64>((hi | lo) != 0);
  }
  if (d >= 64) {
    const k = <u64>(d - 64);
    const lost = lo | (hi & ((<u64>1 << k) - 1));
    wide_hi = 0;
    return (hi >> k) | <u64>(lost != 0);
  }
  const s = <u64>d;
  const lost = lo & ((<u64>1 << s) - 1);
  wide_hi = hi >> s;
  return (lo >> s) | (hi << (64 - s)) | <u64>(lost != 0);
}

/** The odd part of x != 0: x with its trailing zero bits removed. */
@inline function odd_part(x: u64): u64 {
  return x >> ctz(x);
}

/** odd_part(x) * odd_part(y), or all-ones when that product cannot fit in 54 bits. */
@inline function odd_product(x: u64, y: u64): u64 {
  const ox = odd_part(x);
  const oy = odd_part(y);
  if (<i32>(128 - clz(ox) - clz(oy)) > 54) return <u64>-1;
  return ox * oy;
}

/** The 53-bit integer significand of a finite binary64 (hidden bit included when normal). */
@inline function sig53(x: u64): u64 {
  return (x & F64_FRAC) | ((x & F64_INF) != 0 ? F64_HIDDEN : 0);
}

/** The error of the binary64 sum s = RN(x + y): x + y - s exactly (TwoSum, Knuth). */
@inline function two_sum_err(x: f64, y: f64, s: f64): f64 {
  const bv = s - x;
  return (x - (s - bv)) + (y - bv);
}

/** The error of the binary64 product p = RN(x * y): x * y - p exactly (Dekker's TwoProduct with
 *  Veltkamp splitting, since wasm has no fma), given no overflow or underflow. */
@inline function two_product_err(x: f64, y: f64, p: f64): f64 {
  const cx = x * 134217729.0; // 2^27 + 1
  const xh = cx - (cx - x);
  const xl = x - xh;
  const cy = y * 134217729.0;
  const yh = cy - (cy - y);
  const yl = y - yh;
  return ((xh * yh - p) + xh * yl + xl * yh) + xl * yl;
}

// ---------------------------------------------------------------------------------------------
// Rounding.

/** sig >> n rounded by rm (n in 1..63); the caller accounts for inexactness. */
@inline function round_bits(sig: u64, n: u64, sign: bool, rm: u32): u64 {
  const rem = sig & ((<u64>1 << n) - 1);
  const q = sig >> n;
  if (rem == 0) return q;
  const half = <u64>1 << (n - 1);
  let up = false;
  if (rm == RM_RNE) up = rem > half || (rem == half && (q & 1) != 0);
  else if (rm == RM_RDN) up = sign;
  else if (rm == RM_RUP) up = !sign;
  else if (rm == RM_RMM) up = rem >= half;
  return q + <u64>up;
}

/** Overflow: OF and NX, then infinity or the largest finite value as the mode says. */
function overflow_result(sign: bool, rm: u32, is64: bool): u64 {
  fflags_acc |= FLAG_OF | FLAG_NX;
  const inf = fmt_inf(is64);
  const to_max = rm == RM_RTZ || (rm == RM_RDN && !sign) || (rm == RM_RUP && sign);
  return (sign ? fmt_sign(is64) : 0) | (to_max ? inf - 1 : inf);
}

/** round_pack: rounds sign * sig * 2^(exp - 62) (leading 1 of sig at bit 62, sticky in bit 0)
 *  to the format and packs it, raising NX, UF (tiny after rounding and inexact) and OF. */
function round_pack(sign: bool, exp: i32, sig: u64, rm: u32, is64: bool): u64 {
  const p: i32 = is64 ? 53 : 24;
  const n = <u64>(63 - p);
  const emin: i32 = is64 ? -1022 : -126;
  const sbit = sign ? fmt_sign(is64) : 0;
  const lost_mask = (<u64>1 << n) - 1;
  if (exp < emin) {
    // Tiny after rounding: the result rounded to p bits with an unbounded exponent is below
    // 2^emin. Only exp == emin - 1 can round up to 2^emin.
    let tiny = true;
    if (exp == emin - 1 && (round_bits(sig, n, sign, rm) >> <u64>p) != 0) tiny = false;
    const s = shift_right_jam(sig, emin - exp);
    if ((s & lost_mask) != 0) fflags_acc |= tiny ? FLAG_UF | FLAG_NX : FLAG_NX;
    // A carry into bit p-1 yields the smallest normal, whose encoding is exactly this sum.
    return sbit | round_bits(s, n, sign, rm);
  }
  if ((sig & lost_mask) != 0) fflags_acc |= FLAG_NX;
  let q = round_bits(sig, n, sign, rm);
  if ((q >> <u64>p) != 0) {
    q >>= 1;
    exp++;
  }
  if (exp > (is64 ? 1023 : 127)) return overflow_result(sign, rm, is64);
  const bias: i32 = is64 ? 1023 : 127;
  // q carries the hidden bit, which adds the 1 missing from (exp + bias - 1).
  return sbit | ((<u64>(exp + bias - 1) << <u64>(p - 1)) + q);
}

/** Exact zero from cancelling nonzero terms: +0, or -0 when rounding down (IEEE 754 6.3). */
@inline function cancel_zero(rm: u32, is64: bool): u64 {
  return rm == RM_RDN ? fmt_sign(is64) : 0;
}

// ---------------------------------------------------------------------------------------------
// Exact cores: finite nonzero unpacked operands in, rounded and packed result out.

function add_core(sa: bool, ea: i32, ma: u64, sb: bool, eb: i32, mb: u64, rm: u32, is64: bool): u64 {
  if (eb > ea || (eb == ea && mb > ma)) {
    const ts = sa; sa = sb; sb = ts;
    const te = ea; ea = eb; eb = te;
    const tm = ma; ma = mb; mb = tm;
  }
  // Jamming is exact enough: operands carry >= 10 zero guard bits, so a shift of 0 or 1 loses
  // nothing and a larger one leaves the difference within one bit of the larger operand.
  mb = shift_right_jam(mb, ea - eb);
  let s: u64;
  if (sa == sb) {
    s = ma + mb;
    if ((s >> 63) != 0) {
      s = (s >> 1) | (s & 1);
      ea++;
    }
  } else {
    s = ma - mb;
    if (s == 0) return cancel_zero(rm, is64);
    const sh = <i32>clz(s) - 1;
    s <<= <u64>sh;
    ea -= sh;
  }
  return round_pack(sa, ea, s, rm, is64);
}

function mul_core(sign: bool, ea: i32, ma: u64, eb: i32, mb: u64, rm: u32, is64: bool): u64 {
  const lo = mul_wide(ma, mb); // product in [2^124, 2^126)
  const hi = wide_hi;
  let sig = (hi << 2) | (lo >> 62);
  let sticky = <u64>((lo & 0x3fffffffffffffff) != 0);
  let exp = ea + eb;
  if ((sig >> 63) != 0) {
    sticky |= sig & 1;
    sig >>= 1;
    exp++;
  }
  return round_pack(sign, exp, sig | sticky, rm, is64);
}

function div_core(sign: bool, ea: i32, ma: u64, eb: i32, mb: u64, rm: u32, is64: bool): u64 {
  let exp = ea - eb;
  let rem = ma;
  if (ma < mb) {
    rem = ma << 1; // < 2 * mb < 2^64, so the first quotient bit is 1
    exp--;
  }
  // Restoring division, one quotient bit per step; rem < mb after each step, so rem << 1 fits.
  let q: u64 = 0;
  for (let i = 0; i < 63; i++) {
    q <<= 1;
    if (rem >= mb) {
      rem -= mb;
      q |= 1;
    }
    rem <<= 1;
  }
  return round_pack(sign, exp, q | <u64>(rem != 0), rm, is64);
}

/** sign_p * ma * mb * 2^(ep - 124) + sign_c * mc * 2^(ec - 62), rounded once. ep = ea + eb. */
function fma_core(sp: bool, ep: i32, ma: u64, mb: u64, sc: bool, ec: i32, mc: u64, rm: u32, is64: bool): u64 {
  // Both terms become 128-bit values with their leading 1 at bit 125: value = X * 2^(e - 125).
  let pl = mul_wide(ma, mb);
  let ph = wide_hi;
  if ((ph >> 61) == 0) {
    ph = (ph << 1) | (pl >> 63);
    pl <<= 1;
  } else {
    ep++;
  }
  let ch = mc >> 1;
  let cl = mc << 63;
  let e = ep;
  // Same argument as add_core: both terms have >= 19 zero low bits, so jamming is safe.
  const d = ep - ec;
  if (d > 0) {
    cl = shift_right_jam128(ch, cl, d);
    ch = wide_hi;
  } else if (d < 0) {
    pl = shift_right_jam128(ph, pl, -d);
    ph = wide_hi;
    e = ec;
  }
  let sign = sp;
  let rh: u64, rl: u64;
  if (sp == sc) {
    rl = pl + cl;
    rh = ph + ch + <u64>(rl < pl);
  } else if (ph > ch || (ph == ch && pl >= cl)) {
    rl = pl - cl;
    rh = ph - ch - <u64>(pl < cl);
  } else {
    rl = cl - pl;
    rh = ch - ph - <u64>(cl < pl);
    sign = sc;
  }
  if ((rh | rl) == 0) return cancel_zero(rm, is64);
  const lead: i32 = rh != 0 ? 127 - <i32>clz(rh) : 63 - <i32>clz(rl);
  const s = lead - 62;
  const sig = s > 0 ? shift_right_jam128(rh, rl, s) : rl << <u64>(-s);
  return round_pack(sign, e + lead - 125, sig, rm, is64);
}

// ---------------------------------------------------------------------------------------------
// Soft entry points: all operand classes, any rounding mode, either format.

function add_special(a: u64, b: u64, is64: bool): u64 {
  if (is_nan(a, is64) || is_nan(b, is64)) return nan_from(a, b, is64);
  const inf = fmt_inf(is64);
  const sm = fmt_sign(is64);
  if ((a & ~sm) == inf) {
    if ((b & ~sm) == inf && ((a ^ b) & sm) != 0) return invalid(is64);
    return a;
  }
  return b;
}

function add_soft(a: u64, b: u64, rm: u32, is64: bool): u64 {
  const sm = fmt_sign(is64);
  const inf = fmt_inf(is64);
  const ma = a & ~sm;
  const mb = b & ~sm;
  if (ma >= inf || mb >= inf) return add_special(a, b, is64);
  if (mb == 0) {
    if (ma != 0 || a == b) return a;
    return cancel_zero(rm, is64); // +0 + -0
  }
  if (ma == 0) return b;
  unpack(a, is64);
  const ea = unp_exp;
  const siga = unp_sig;
  unpack(b, is64);
  return add_core((a & sm) != 0, ea, siga, (b & sm) != 0, unp_exp, unp_sig, rm, is64);
}

function mul_soft(a: u64, b: u64, rm: u32, is64: bool): u64 {
  const sm = fmt_sign(is64);
  const inf = fmt_inf(is64);
  const ma = a & ~sm;
  const mb = b & ~sm;
  const sign = ((a ^ b) & sm) != 0;
  if (ma > inf || mb > inf) return nan_from(a, b, is64);
  if (ma == inf || mb == inf) {
    if (ma == 0 || mb == 0) return invalid(is64);
    return (sign ? sm : 0) | inf;
  }
  if (ma == 0 || mb == 0) return sign ? sm : 0;
  unpack(a, is64);
  const ea = unp_exp;
  const siga = unp_sig;
  unpack(b, is64);
  return mul_core(sign, ea, siga, unp_exp, unp_sig, rm, is64);
}

function div_soft(a: u64, b: u64, rm: u32, is64: bool): u64 {
  const sm = fmt_sign(is64);
  const inf = fmt_inf(is64);
  const ma = a & ~sm;
  const mb = b & ~sm;
  const sbit = ((a ^ b) & sm) != 0 ? sm : 0;
  if (ma > inf || mb > inf) return nan_from(a, b, is64);
  if (ma == inf) return mb == inf ? invalid(is64) : sbit | inf;
  if (mb == inf) return sbit;
  if (mb == 0) {
    if (ma == 0) return invalid(is64);
    fflags_acc |= FLAG_DZ;
    return sbit | inf;
  }
  if (ma == 0) return sbit;
  unpack(a, is64);
  const ea = unp_exp;
  const siga = unp_sig;
  unpack(b, is64);
  return div_core(sbit != 0, ea, siga, unp_exp, unp_sig, rm, is64);
}

/** a * b + c with one rounding; the RISC-V negated forms flip the sign of a and/or c first. */
function fma_soft(a: u64, b: u64, c: u64, rm: u32, is64: bool): u64 {
  const sm = fmt_sign(is64);
  const inf = fmt_inf(is64);
  const ma = a & ~sm;
  const mb = b & ~sm;
  const mc = c & ~sm;
  const sp = ((a ^ b) & sm) != 0;
  const sc = (c & sm) != 0;
  const zero_times_inf = (ma == 0 && mb == inf) || (ma == inf && mb == 0);
  if (ma > inf || mb > inf || mc > inf) {
    // RISC-V: 0 * inf raises NV even when the addend is a quiet NaN.
    if (zero_times_inf || is_snan(c, is64)) fflags_acc |= FLAG_NV;
    return nan_from(a, b, is64);
  }
  if (zero_times_inf) return invalid(is64);
  if (ma == inf || mb == inf) {
    if (mc == inf && sp != sc) return invalid(is64);
    return (sp ? sm : 0) | inf;
  }
  if (mc == inf) return c;
  if (ma == 0 || mb == 0) {
    if (mc != 0 || sp == sc) return c;
    return cancel_zero(rm, is64); // +0 + -0
  }
  unpack(a, is64);
  const ea = unp_exp;
  const siga = unp_sig;
  unpack(b, is64);
  if (mc == 0) return mul_core(sp, ea, siga, unp_exp, unp_sig, rm, is64);
  const eb = unp_exp;
  const sigb = unp_sig;
  unpack(c, is64);
  return fma_core(sp, ea + eb, siga, sigb, sc, unp_exp, unp_sig, rm, is64);
}

/** sqrt of zero, a negative value, infinity or NaN. */
function sqrt_special(a: u64, is64: bool): u64 {
  if (is_nan(a, is64)) return nan_from(a, a, is64);
  if ((a & ~fmt_sign(is64)) == 0) return a; // sqrt(-0) = -0
  if ((a & fmt_sign(is64)) != 0) return invalid(is64);
  return a; // +inf
}

/** Rounds the integer sign * mag to the format. */
function int_to_float(neg: bool, mag: u64, rm: u32, is64: bool): u64 {
  if ((mag >> 63) != 0) return round_pack(neg, 63, (mag >> 1) | (mag & 1), rm, is64);
  const sh = <i32>clz(mag) - 1;
  return round_pack(neg, 62 - sh, mag << <u64>sh, rm, is64);
}

/** Rounds a binary64 to binary32 in any mode (also the tail of every binary32 op done in f64). */
function round_f64_to_f32(a: u64, rm: u32): u32 {
  const mag = a & ~F64_SIGN;
  const neg = (a >> 63) != 0;
  if (mag > F64_INF) {
    raise_if_snan(a, true);
    return F32_CANON_NAN;
  }
  if (mag == F64_INF) return neg ? F32_SIGN | F32_INF : F32_INF;
  if (mag == 0) return neg ? F32_SIGN : 0;
  unpack(a, true);
  return <u32>round_pack(neg, unp_exp, unp_sig, rm, false);
}

// ---------------------------------------------------------------------------------------------
// Binary64 arithmetic.

export function f64_add(a: u64, b: u64, rm: u32): u64 {
  if (rm == RM_RNE) {
    const x = reinterpret<f64>(a);
    const y = reinterpret<f64>(b);
    const s = x + y;
    if (abs<f64>(s) < Infinity) {
      // TwoSum (Knuth): s + err == x + y exactly. A sum never underflows inexactly, so NX is
      // the only possible flag. A non-finite err means an intermediate overflowed: go soft.
      const err = two_sum_err(x, y, s);
      if (err == 0) return reinterpret<u64>(s);
      if (abs<f64>(err) < Infinity) {
        fflags_acc |= FLAG_NX;
        return reinterpret<u64>(s);
      }
    }
  }
  return add_soft(a, b, rm, true);
}

export function f64_sub(a: u64, b: u64, rm: u32): u64 {
  return f64_add(a, b ^ F64_SIGN, rm);
}

export function f64_mul(a: u64, b: u64, rm: u32): u64 {
  if (rm == RM_RNE) {
    const x = reinterpret<f64>(a);
    const y = reinterpret<f64>(b);
    const r = x * y;
    const m = abs<f64>(r);
    // Normal, finite result: exact iff the product of the operands' odd parts fits 53 bits.
    if (m > F64_MIN_NORMAL && m < Infinity) {
      if (odd_product(sig53(a), sig53(b)) >= F64_HIDDEN << 1) fflags_acc |= FLAG_NX;
      return reinterpret<u64>(r);
    }
    if (r == 0 && (x == 0 || y == 0)) return reinterpret<u64>(r);
  }
  return mul_soft(a, b, rm, true);
}

export function f64_div(a: u64, b: u64, rm: u32): u64 {
  const x = reinterpret<f64>(a);
  const y = reinterpret<f64>(b);
  const q = x / y;
  const m = abs<f64>(q);
  // A normal quotient below the largest finite value: no UF, no OF, and room for one ulp up.
  if (m > F64_MIN_NORMAL && m < F64_MAX) {
    // Exact iff q * b == a, i.e. the odd parts multiply up (q is within an ulp of a / b).
    const qb = reinterpret<u64>(q);
    if (odd_product(sig53(qb), sig53(b)) == odd_part(sig53(a))) return qb;
    fflags_acc |= FLAG_NX;
    // A quotient is never a tie (its odd part would need 54 bits), so RMM equals RNE.
    if (rm == RM_RNE || rm == RM_RMM) return qb;
    return redirect(qb, q < 0, product_exceeds(qb & ~F64_SIGN, b & ~F64_SIGN, a & ~F64_SIGN), rm);
  }
  if (x == 0 && y != 0 && abs<f64>(y) < Infinity) return reinterpret<u64>(q);
  return div_soft(a, b, rm, true);
}

/** True when x * y > a, for positive finite binary64 values whose exponents satisfy
 *  ea - ex - ey in -1..2 (x * y is a rounded quotient times divisor, or a root squared). */
function product_exceeds(x: u64, y: u64, a: u64): bool {
  unpack(x, true);
  const ex = unp_exp;
  const sx = unp_sig;
  unpack(y, true);
  const ey = unp_exp;
  const lo = mul_wide(sx, unp_sig); // x * y = (wide_hi, lo) * 2^(ex + ey - 124)
  const hi = wide_hi;
  unpack(a, true);
  // At that scale a = sig << (62 + ea - ex - ey), a shift of 61..64.
  const sh = <u64>(62 + unp_exp - ex - ey);
  const ahi = sh >= 64 ? unp_sig : unp_sig >> (64 - sh);
  const alo = sh >= 64 ? 0 : unp_sig << sh;
  return hi > ahi || (hi == ahi && lo > alo);
}

/** Moves r, the RNE result of an inexact operation that is a finite normal below the largest
 *  finite value, to its other neighbour when rm asks for it. mag_above: |r| > |exact|.
 *  RMM keeps r: callers use this only where the exact value is never a tie (div, sqrt). */
@inline function redirect(r: u64, neg: bool, mag_above: bool, rm: u32): u64 {
  if (rm == RM_RTZ) return mag_above ? r - 1 : r;
  if (rm == RM_RDN) return neg ? (mag_above ? r : r + 1) : (mag_above ? r - 1 : r);
  if (rm == RM_RUP) return neg ? (mag_above ? r - 1 : r) : (mag_above ? r : r + 1);
  return r;
}

export function f64_sqrt(a: u64, rm: u32): u64 {
  // Zero, negatives, infinity and NaN: a - 1 wraps for +0, everything else is >= F64_INF.
  if (a - 1 >= F64_INF - 1) return sqrt_special(a, true);
  const r = reinterpret<u64>(sqrt<f64>(reinterpret<f64>(a)));
  if (odd_product(sig53(r), sig53(r)) == odd_part(sig53(a))) return r;
  fflags_acc |= FLAG_NX;
  // A square root is never a tie, so RMM equals RNE; a directed mode moves at most one ulp.
  if (rm == RM_RNE || rm == RM_RMM) return r;
  return redirect(r, false, product_exceeds(r, r, a), rm);
}

/** RNE fma without the integer path, after Boldo & Melquiond's emulated FMA ("Emulation of FMA
 *  and correctly rounded sums: proved algorithms using rounding to odd", IEEE TC 2008):
 *  a*b = uh + ul exactly, c + uh = th + tl exactly, v = round-to-odd(tl + ul), result RN(th + v).
 *  Operands' exponents within 2^+-450 keep ul and the splitting exact; a result that is not a
 *  finite normal, or an inexact tail, returns F64_CANON_NAN (never a fast result): go soft. */
function fma_rne_fast(a: u64, b: u64, c: u64): u64 {
  if (<u32>((a >> 52) & 0x7ff) - 573 > 900 || <u32>((b >> 52) & 0x7ff) - 573 > 900) return F64_CANON_NAN;
  const x = reinterpret<f64>(a);
  const y = reinterpret<f64>(b);
  const z = reinterpret<f64>(c);
  const uh = x * y;
  const ul = two_product_err(x, y, uh);
  const th = z + uh;
  const tl = two_sum_err(z, uh, th);
  const s = tl + ul;
  const e2 = two_sum_err(tl, ul, s);
  let v = s;
  if (e2 != 0) {
    const sb = reinterpret<u64>(s);
    if ((sb & 1) == 0) v = reinterpret<f64>((s > 0) == (e2 > 0) ? sb + 1 : sb - 1);
  }
  const r = th + v;
  const m = abs<f64>(r);
  if (!(m > F64_MIN_NORMAL && m < Infinity)) return F64_CANON_NAN;
  // An inexact tail (e2 != 0) makes the whole sum inexact: the tail is below ulp(th) scale
  // and needs more than 53 bits, so th + tail has no 53-bit representation.
  if (e2 != 0 || two_sum_err(th, v, r) != 0) fflags_acc |= FLAG_NX;
  return reinterpret<u64>(r);
}

/** a * b + c for the four binary64 fused forms (signs already applied). */
@inline function f64_fma(a: u64, b: u64, c: u64, rm: u32): u64 {
  if (rm == RM_RNE) {
    const r = fma_rne_fast(a, b, c);
    if (r != F64_CANON_NAN) return r;
  }
  return fma_soft(a, b, c, rm, true);
}

export function f64_fmadd(a: u64, b: u64, c: u64, rm: u32): u64 {
  return f64_fma(a, b, c, rm);
}

export function f64_fmsub(a: u64, b: u64, c: u64, rm: u32): u64 {
  return f64_fma(a, b, c ^ F64_SIGN, rm);
}

export function f64_fnmsub(a: u64, b: u64, c: u64, rm: u32): u64 {
  return f64_fma(a ^ F64_SIGN, b, c, rm);
}

export function f64_fnmadd(a: u64, b: u64, c: u64, rm: u32): u64 {
  return f64_fma(a ^ F64_SIGN, b, c ^ F64_SIGN, rm);
}

// ---------------------------------------------------------------------------------------------
// Binary32 arithmetic, mostly through binary64 (which holds every binary32 product exactly).

/** Rounds s, the RNE binary64 sum of x and y, to binary32 as if x + y were rounded once.
 *  Round-to-odd: when inexact, an even s moves one ulp toward the exact sum, so the low bit
 *  becomes sticky; 53 >= 24 + 2 bits then makes the second rounding exact in every mode. */
function f32_round_sum(s: f64, x: f64, y: f64, rm: u32): u32 {
  const err = two_sum_err(x, y, s);
  let sb = reinterpret<u64>(s);
  if (err != 0) {
    if ((sb & 1) == 0) sb = (s > 0) == (err > 0) ? sb + 1 : sb - 1;
  } else if (s == 0 && rm == RM_RDN && (reinterpret<u64>(x) | reinterpret<u64>(y)) != 0) {
    return F32_SIGN; // exact zero from cancellation or +0 + -0 is -0 when rounding down
  }
  return f64_to_f32(sb, rm);
}

export function f32_add(a: u32, b: u32, rm: u32): u32 {
  const x = <f64>reinterpret<f32>(a);
  const y = <f64>reinterpret<f32>(b);
  const s = x + y;
  // Binary32 sums cannot overflow binary64: a non-finite s means a NaN or infinite operand.
  if (!(abs<f64>(s) < Infinity)) return <u32>add_special(<u64>a, <u64>b, false);
  if (rm == RM_RNE) {
    // Addition rounded to binary64 then binary32 is correctly rounded (53 >= 2 * 24 + 2).
    const r = <f32>s;
    const m = abs<f32>(r);
    if (m > F32_MIN_NORMAL && m < <f32>Infinity) {
      if (<f64>r != s || two_sum_err(x, y, s) != 0) fflags_acc |= FLAG_NX;
      return reinterpret<u32>(r);
    }
  }
  return f32_round_sum(s, x, y, rm);
}

export function f32_sub(a: u32, b: u32, rm: u32): u32 {
  return f32_add(a, b ^ F32_SIGN, rm);
}

export function f32_mul(a: u32, b: u32, rm: u32): u32 {
  const p = <f64>reinterpret<f32>(a) * <f64>reinterpret<f32>(b); // exact: 48 bits, in range
  if (p != p) return <u32>mul_soft(<u64>a, <u64>b, rm, false); // NaN operand or 0 * inf
  return f64_to_f32(reinterpret<u64>(p), rm);
}

export function f32_div(a: u32, b: u32, rm: u32): u32 {
  // Zero, infinite and NaN operands follow IEEE's special rules on the integer path.
  if ((a & ~F32_SIGN) - 1 >= F32_INF - 1 || (b & ~F32_SIGN) - 1 >= F32_INF - 1) {
    return <u32>div_soft(<u64>a, <u64>b, rm, false);
  }
  const x = <f64>reinterpret<f32>(a);
  const y = <f64>reinterpret<f32>(b);
  const q = x / y;
  if (rm == RM_RNE) {
    // Division rounded to binary64 then binary32 is correctly rounded (53 >= 2 * 24 + 2).
    const r = <f32>q;
    const m = abs<f32>(r);
    if (m > F32_MIN_NORMAL && m < <f32>Infinity) {
      if (<f64>r * y != x) fflags_acc |= FLAG_NX; // r * y is exact in binary64
      return reinterpret<u32>(r);
    }
  }
  // Round q to odd, then to binary32. The residual x - q*y = (x - ph) - pl is exact: q*y =
  // ph + pl by TwoProduct, and x - ph by Sterbenz. The exact quotient exceeds q iff the
  // residual has the sign of y.
  const ph = q * y;
  const pl = two_product_err(q, y, ph);
  const d = x - ph;
  let qb = reinterpret<u64>(q);
  if (d != pl && (qb & 1) == 0) {
    const true_above = (d > pl) == (y > 0);
    qb = true_above == (q > 0) ? qb + 1 : qb - 1;
  }
  return f64_to_f32(qb, rm);
}

export function f32_sqrt(a: u32, rm: u32): u32 {
  if (a - 1 >= F32_INF - 1) return <u32>sqrt_special(<u64>a, false);
  const x = <f64>reinterpret<f32>(a);
  // Binary64 sqrt then binary32 rounding is correctly rounded (53 >= 2 * 24 + 2).
  const r = <f32>sqrt<f64>(x);
  const rd = <f64>r;
  const sq = rd * rd; // exact
  let rb = reinterpret<u32>(r);
  if (sq == x) return rb;
  fflags_acc |= FLAG_NX;
  if (rm == RM_RNE || rm == RM_RMM) return rb;
  if (sq > x) {
    if (rm == RM_RTZ || rm == RM_RDN) rb--;
  } else if (rm == RM_RUP) {
    rb++;
  }
  return rb;
}

/** a * b + c in binary32: the product is exact in binary64, the sum rounds via round-to-odd. */
function f32_fma(a: u32, b: u32, c: u32, rm: u32): u32 {
  const p = <f64>reinterpret<f32>(a) * <f64>reinterpret<f32>(b);
  const z = <f64>reinterpret<f32>(c);
  // Zeros, infinities and NaNs (including 0 * inf) need IEEE's special rules.
  if (!(abs<f64>(p) < Infinity) || !(abs<f64>(z) < Infinity) || p == 0 || z == 0) {
    return <u32>fma_soft(<u64>a, <u64>b, <u64>c, rm, false);
  }
  return f32_round_sum(p + z, p, z, rm);
}

export function f32_fmadd(a: u32, b: u32, c: u32, rm: u32): u32 {
  return f32_fma(a, b, c, rm);
}

export function f32_fmsub(a: u32, b: u32, c: u32, rm: u32): u32 {
  return f32_fma(a, b, c ^ F32_SIGN, rm);
}

export function f32_fnmsub(a: u32, b: u32, c: u32, rm: u32): u32 {
  return f32_fma(a ^ F32_SIGN, b, c, rm);
}

export function f32_fnmadd(a: u32, b: u32, c: u32, rm: u32): u32 {
  return f32_fma(a ^ F32_SIGN, b, c ^ F32_SIGN, rm);
}

// ---------------------------------------------------------------------------------------------
// Min/max, compares and fclass (no rounding).

export function f64_min(a: u64, b: u64): u64 {
  if (is_snan(a, true) || is_snan(b, true)) fflags_acc |= FLAG_NV;
  const an = is_nan(a, true);
  const bn = is_nan(b, true);
  if (an && bn) return F64_CANON_NAN;
  if (an) return b;
  if (bn) return a;
  if (((a | b) << 1) == 0) return a | b; // -0 < +0
  return reinterpret<f64>(a) < reinterpret<f64>(b) ? a : b;
}

export function f64_max(a: u64, b: u64): u64 {
  if (is_snan(a, true) || is_snan(b, true)) fflags_acc |= FLAG_NV;
  const an = is_nan(a, true);
  const bn = is_nan(b, true);
  if (an && bn) return F64_CANON_NAN;
  if (an) return b;
  if (bn) return a;
  if (((a | b) << 1) == 0) return a & b;
  return reinterpret<f64>(a) > reinterpret<f64>(b) ? a : b;
}

export function f64_eq(a: u64, b: u64): u32 {
  if (is_snan(a, true) || is_snan(b, true)) fflags_acc |= FLAG_NV;
  return <u32>(reinterpret<f64>(a) == reinterpret<f64>(b));
}

export function f64_lt(a: u64, b: u64): u32 {
  if (is_nan(a, true) || is_nan(b, true)) fflags_acc |= FLAG_NV;
  return <u32>(reinterpret<f64>(a) < reinterpret<f64>(b));
}

export function f64_le(a: u64, b: u64): u32 {
  if (is_nan(a, true) || is_nan(b, true)) fflags_acc |= FLAG_NV;
  return <u32>(reinterpret<f64>(a) <= reinterpret<f64>(b));
}

/** fclass bits: 0 -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0, 5 +subnormal, 6 +normal,
 *  7 +inf, 8 signaling NaN, 9 quiet NaN. */
@inline function classify(neg: bool, exp_max: bool, exp_zero: bool, frac_zero: bool, quiet: bool): u32 {
  if (exp_max) {
    if (frac_zero) return neg ? 1 << 0 : 1 << 7;
    return quiet ? 1 << 9 : 1 << 8;
  }
  if (exp_zero) {
    if (frac_zero) return neg ? 1 << 3 : 1 << 4;
    return neg ? 1 << 2 : 1 << 5;
  }
  return neg ? 1 << 1 : 1 << 6;
}

export function f64_classify(a: u64): u32 {
  const e = a & F64_INF;
  return classify((a >> 63) != 0, e == F64_INF, e == 0, (a & F64_FRAC) == 0, (a & F64_QUIET) != 0);
}

export function f32_min(a: u32, b: u32): u32 {
  return <u32>minmax32(a, b, true);
}

export function f32_max(a: u32, b: u32): u32 {
  return <u32>minmax32(a, b, false);
}

function minmax32(a: u32, b: u32, want_min: bool): u32 {
  if (is_snan(<u64>a, false) || is_snan(<u64>b, false)) fflags_acc |= FLAG_NV;
  const an = is_nan(<u64>a, false);
  const bn = is_nan(<u64>b, false);
  if (an && bn) return F32_CANON_NAN;
  if (an) return b;
  if (bn) return a;
  if (((a | b) << 1) == 0) return want_min ? a | b : a & b;
  const lt = reinterpret<f32>(a) < reinterpret<f32>(b);
  return lt == want_min ? a : b;
}

export function f32_eq(a: u32, b: u32): u32 {
  if (is_snan(<u64>a, false) || is_snan(<u64>b, false)) fflags_acc |= FLAG_NV;
  return <u32>(reinterpret<f32>(a) == reinterpret<f32>(b));
}

export function f32_lt(a: u32, b: u32): u32 {
  if (is_nan(<u64>a, false) || is_nan(<u64>b, false)) fflags_acc |= FLAG_NV;
  return <u32>(reinterpret<f32>(a) < reinterpret<f32>(b));
}

export function f32_le(a: u32, b: u32): u32 {
  if (is_nan(<u64>a, false) || is_nan(<u64>b, false)) fflags_acc |= FLAG_NV;
  return <u32>(reinterpret<f32>(a) <= reinterpret<f32>(b));
}

export function f32_classify(a: u32): u32 {
  const e = a & F32_INF;
  return classify((a >> 31) != 0, e == F32_INF, e == 0, (a & 0x7fffff) == 0, (a & F32_QUIET) != 0);
}

// ---------------------------------------------------------------------------------------------
// Float -> integer. Every binary32 is exact in binary64, so one set of routines serves both.
// wasm's nearest/trunc/floor/ceil are exact IEEE roundToIntegral operations.

/** x (finite or infinite) rounded to an integral value in mode rm. */
@inline function round_to_integral(x: f64, rm: u32): f64 {
  if (!(abs<f64>(x) < TWO_P52)) return x; // already integral (or infinite)
  if (rm == RM_RNE) return nearest<f64>(x);
  if (rm == RM_RTZ) return trunc<f64>(x);
  if (rm == RM_RDN) return floor<f64>(x);
  if (rm == RM_RUP) return ceil<f64>(x);
  const t = trunc<f64>(x);
  return abs<f64>(x - t) >= 0.5 ? t + copysign<f64>(1.0, x) : t; // x - t is exact below 2^52
}

// Out of range or NaN: NV and the ISA's saturated value, never NX (fcvt table, F chapter).
function cvt_to_i32(x: f64, rm: u32): i64 {
  const r = round_to_integral(x, rm);
  if (r >= -2147483648.0 && r <= 2147483647.0) {
    if (r != x) fflags_acc |= FLAG_NX;
    return <i64><i32>r;
  }
  fflags_acc |= FLAG_NV;
  return x < 0 ? -2147483648 : 2147483647;
}

function cvt_to_u32(x: f64, rm: u32): i64 {
  const r = round_to_integral(x, rm);
  if (r >= 0 && r <= 4294967295.0) { // -0 (e.g. -0.25 toward zero) is in range
    if (r != x) fflags_acc |= FLAG_NX;
    return <i64><i32><u32>r; // fcvt.wu sign-extends its 32-bit result
  }
  fflags_acc |= FLAG_NV;
  return x < 0 ? 0 : -1;
}

function cvt_to_i64(x: f64, rm: u32): i64 {
  const r = round_to_integral(x, rm);
  if (r >= -9223372036854775808.0 && r < 9223372036854775808.0) {
    if (r != x) fflags_acc |= FLAG_NX;
    return <i64>r;
  }
  fflags_acc |= FLAG_NV;
  return x < 0 ? i64.MIN_VALUE : i64.MAX_VALUE;
}

function cvt_to_u64(x: f64, rm: u32): i64 {
  const r = round_to_integral(x, rm);
  if (r >= 0 && r < 18446744073709551616.0) {
    if (r != x) fflags_acc |= FLAG_NX;
    return <i64><u64>r;
  }
  fflags_acc |= FLAG_NV;
  return x < 0 ? 0 : -1;
}

export function f64_to_i32(a: u64, rm: u32): i64 { return cvt_to_i32(reinterpret<f64>(a), rm); }
export function f64_to_u32(a: u64, rm: u32): i64 { return cvt_to_u32(reinterpret<f64>(a), rm); }
export function f64_to_i64(a: u64, rm: u32): i64 { return cvt_to_i64(reinterpret<f64>(a), rm); }
export function f64_to_u64(a: u64, rm: u32): i64 { return cvt_to_u64(reinterpret<f64>(a), rm); }
export function f32_to_i32(a: u32, rm: u32): i64 { return cvt_to_i32(<f64>reinterpret<f32>(a), rm); }
export function f32_to_u32(a: u32, rm: u32): i64 { return cvt_to_u32(<f64>reinterpret<f32>(a), rm); }
export function f32_to_i64(a: u32, rm: u32): i64 { return cvt_to_i64(<f64>reinterpret<f32>(a), rm); }
export function f32_to_u64(a: u32, rm: u32): i64 { return cvt_to_u64(<f64>reinterpret<f32>(a), rm); }

// ---------------------------------------------------------------------------------------------
// Integer -> float. Magnitudes that fit the significand convert natively and exactly.

export function i32_to_f64(x: i32, rm: u32): u64 {
  return reinterpret<u64>(<f64>x);
}

export function u32_to_f64(x: u32, rm: u32): u64 {
  return reinterpret<u64>(<f64>x);
}

export function i64_to_f64(x: i64, rm: u32): u64 {
  if (x > -TWO_P53_I && x < TWO_P53_I) return reinterpret<u64>(<f64>x);
  return int_to_float(x < 0, x < 0 ? <u64>0 - <u64>x : <u64>x, rm, true);
}

export function u64_to_f64(x: u64, rm: u32): u64 {
  if (x < <u64>TWO_P53_I) return reinterpret<u64>(<f64>x);
  return int_to_float(false, x, rm, true);
}

export function i32_to_f32(x: i32, rm: u32): u32 {
  if (x >= -0x1000000 && x <= 0x1000000) return reinterpret<u32>(<f32>x);
  return <u32>int_to_float(x < 0, x < 0 ? <u64>(-<i64>x) : <u64>x, rm, false);
}

export function u32_to_f32(x: u32, rm: u32): u32 {
  if (x <= 0x1000000) return reinterpret<u32>(<f32>x);
  return <u32>int_to_float(false, <u64>x, rm, false);
}

export function i64_to_f32(x: i64, rm: u32): u32 {
  if (x >= -0x1000000 && x <= 0x1000000) return reinterpret<u32>(<f32>x);
  return <u32>int_to_float(x < 0, x < 0 ? <u64>0 - <u64>x : <u64>x, rm, false);
}

export function u64_to_f32(x: u64, rm: u32): u32 {
  if (x <= 0x1000000) return reinterpret<u32>(<f32>x);
  return <u32>int_to_float(false, x, rm, false);
}

// ---------------------------------------------------------------------------------------------
// Float <-> float.

export function f32_to_f64(a: u32): u64 {
  if (is_nan(<u64>a, false)) {
    raise_if_snan(<u64>a, false);
    return F64_CANON_NAN;
  }
  return reinterpret<u64>(<f64>reinterpret<f32>(a)); // exact, subnormals included
}

export function f64_to_f32(a: u64, rm: u32): u32 {
  if (rm == RM_RNE) {
    const x = reinterpret<f64>(a);
    const r = <f32>x;
    const m = abs<f32>(r);
    if (m > F32_MIN_NORMAL && m < <f32>Infinity) {
      if (<f64>r != x) fflags_acc |= FLAG_NX;
      return reinterpret<u32>(r);
    }
  }
  return round_f64_to_f32(a, rm);
}
