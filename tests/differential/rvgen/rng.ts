// tests/differential/rvgen/rng.ts — the seeded PRNG behind every generated program.
// xoshiro128** (Blackman and Vigna) on 32-bit lanes: plain number arithmetic, so generation stays
// fast without BigInt, and the stream depends only on (seed, stream) so a case can be regenerated
// alone. Never Math.random: a failing seed must reproduce bit for bit.

/** murmur3's 32-bit finaliser: spreads nearby seeds and stream numbers over the whole state. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** One independent stream per (seed, stream): case i of seed s is Rng(s, i). */
  constructor(seed: number, stream: number) {
    this.s0 = fmix32(seed ^ 0x9e3779b9);
    this.s1 = fmix32(this.s0 ^ Math.imul(stream + 1, 0x85ebca77));
    this.s2 = fmix32(this.s1 ^ 0x27d4eb2f);
    this.s3 = fmix32(this.s2 ^ stream) | 1; // never the all-zero state
  }

  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, n); the modulo bias is below 2^-20 for the small n used here. */
  below(n: number): number {
    return this.u32() % n;
  }

  /** Uniform in [lo, hi], both inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.u32() < p * 0x1_0000_0000;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

function rotl(v: number, k: number): number {
  return ((v << k) | (v >>> (32 - k))) >>> 0;
}
