// tests/differential/rvgen/values.ts — corner-case-heavy register and memory values.
// Random 64-bit values almost never hit the edges where implementations differ (overflow,
// INT_MIN / -1, shift amounts past 31, NaN payloads, subnormals, conversion limits), so most
// draws come from hand-picked tables. All values are raw 64-bit patterns as unsigned bigint.

import type { Rng } from "./rng";

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

const scratchF64 = new Float64Array(1);
const scratchF32 = new Float32Array(1);
const scratchU64 = new BigUint64Array(scratchF64.buffer);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** The IEEE double bit pattern of v. */
export function f64Bits(v: number): bigint {
  scratchF64[0] = v;
  return scratchU64[0];
}
/** The IEEE single bit pattern of v rounded to single. */
export function f32Bits(v: number): number {
  scratchF32[0] = v;
  return scratchU32[0];
}

export const INT_CORNERS: readonly bigint[] = [
  0n, 1n, 2n, 3n, u64(-1n), u64(-2n), 0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0xffffffff80000000n, 0xffffffff7fffffffn,
  0x00000000fffffffen, 0x7fffn, 0x8000n, 0xffffn, 0xffffffffffff8000n, 0x7fn, 0x80n, 0xffn,
  u64(-128n), 31n, 32n, 33n, 63n, 64n, 65n, 0x7ffn, 0x800n, u64(-2048n), 0xaaaaaaaaaaaaaaaan,
  0x5555555555555555n, 0x0123456789abcdefn, 0xfedcba9876543210n, 0x00000000deadbeefn,
];

const F64_CORNERS: readonly bigint[] = [
  0n, 0x8000000000000000n, // +0, -0
  0x7ff0000000000000n, 0xfff0000000000000n, // +inf, -inf
  0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff8000000000123n, // quiet NaNs (canonical, neg, payload)
  0x7ff0000000000001n, 0x7ff4000000000000n, 0xfff0000000000badn, // signalling NaNs
  1n, 0x000fffffffffffffn, 0x800fffffffffffffn, 0x8000000000000001n, // subnormals
  0x0010000000000000n, 0x8010000000000000n, 0x7fefffffffffffffn, 0xffefffffffffffffn, // min/max normal
  f64Bits(1), f64Bits(-1), f64Bits(0.1), f64Bits(0.5), f64Bits(-0.5), f64Bits(1.5), f64Bits(2.5),
  f64Bits(-2.5), f64Bits(3), f64Bits(1 / 3), f64Bits(Math.PI), f64Bits(1e300), f64Bits(1e-300),
  // Integer conversion limits: just inside, on and just outside each of w, wu, l, lu.
  f64Bits(2 ** 31 - 1), f64Bits(2 ** 31 - 0.5), f64Bits(2 ** 31), f64Bits(-(2 ** 31)),
  f64Bits(-(2 ** 31) - 1), f64Bits(-(2 ** 31) - 0.5), f64Bits(2 ** 32 - 1), f64Bits(2 ** 32 - 0.5),
  f64Bits(2 ** 32), f64Bits(2 ** 63), f64Bits(-(2 ** 63)), 0x43dfffffffffffffn, 0xc3e0000000000001n,
  f64Bits(2 ** 64), 0x43efffffffffffffn, f64Bits(2 ** 53 + 2), f64Bits(-0.9), f64Bits(0.9999999999),
  // Single range edges seen as doubles, for fcvt.s.d overflow and underflow.
  f64Bits(3.4028234663852886e38), f64Bits(3.4028235677973366e38), f64Bits(1.401298464324817e-45),
  f64Bits(7e-46),
];

const F32_CORNERS: readonly number[] = [
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, // ±0, ±inf
  0x7fc00000, 0xffc00000, 0x7fc00123, // quiet NaNs
  0x7f800001, 0x7fa00000, 0xff800bad, // signalling NaNs
  0x00000001, 0x007fffff, 0x807fffff, 0x80000001, // subnormals
  0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff, // min/max normal
  f32Bits(1), f32Bits(-1), f32Bits(0.1), f32Bits(0.5), f32Bits(-0.5), f32Bits(1.5), f32Bits(2.5),
  f32Bits(-2.5), f32Bits(3), f32Bits(1 / 3), f32Bits(16777217),
  f32Bits(2 ** 31), f32Bits(-(2 ** 31)), f32Bits(2147483520), f32Bits(-2147483904),
  f32Bits(2 ** 32), f32Bits(4294967040), f32Bits(2 ** 63), f32Bits(-(2 ** 63)), f32Bits(2 ** 64),
  f32Bits(9223371487098961920), f32Bits(-0.9),
];

/** Upper halves that make a single improperly NaN-boxed (read as the canonical NaN). */
const BAD_BOXES: readonly bigint[] = [0n, 0xfffffffen, 0x7fffffffn, 0xffff0000n, 0x3ff00000n];

const boxed = (single: number): bigint => 0xffffffff00000000n | BigInt(single >>> 0);

export function intValue(rng: Rng): bigint {
  const kind = rng.below(100);
  if (kind < 40) return rng.pick(INT_CORNERS);
  if (kind < 55) return u64(BigInt(rng.range(-64, 64)));
  if (kind < 70) {
    const p = 1n << BigInt(rng.below(64));
    return u64(p + BigInt(rng.range(-1, 1)));
  }
  if (kind < 85) return u64(BigInt((rng.u32() | 0)));
  return rng.u64();
}

export function fpValue(rng: Rng): bigint {
  const kind = rng.below(100);
  if (kind < 35) return boxed(rng.pick(F32_CORNERS));
  if (kind < 65) return rng.pick(F64_CORNERS);
  if (kind < 72) return boxed(rng.u32());
  if (kind < 78) return boxed(f32Bits((rng.range(-1000, 1000)) / rng.range(1, 64)));
  if (kind < 85) return rng.u64();
  if (kind < 90) return f64Bits(rng.range(-1000, 1000) / rng.range(1, 64));
  return (rng.pick(BAD_BOXES) << 32n) | BigInt(rng.pick(F32_CORNERS));
}
