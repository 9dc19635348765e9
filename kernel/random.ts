// kernel/random.ts — the kernel PRNG behind getrandom() and AT_RANDOM.
// Seeded once from the host port's boot entropy, then deterministic: a rerun with the same
// seed gives the guest the same bytes (DESIGN.md principle 2). xoshiro256** is not a CSPRNG;
// DIVERGES: Linux's getrandom is cryptographically secure; reproducibility matters more here.

export class KernelRandom {
  private s = new BigUint64Array(4);

  constructor(seed: Uint8Array) {
    const dv = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
    // Spread the seed with splitmix64 so that short or zero seeds still give a full state.
    let x = 0x9e3779b97f4a7c15n;
    for (let i = 0; i + 8 <= seed.length; i += 8) x ^= dv.getBigUint64(i, true);
    for (let i = 0; i < 4; i++) {
      x = BigInt.asUintN(64, x + 0x9e3779b97f4a7c15n);
      let z = x;
      z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
      z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
      this.s[i] = z ^ (z >> 31n);
    }
  }

  next64(): bigint {
    const s = this.s;
    const rotl = (v: bigint, k: bigint) => BigInt.asUintN(64, (v << k) | (v >> (64n - k)));
    const result = BigInt.asUintN(64, rotl(BigInt.asUintN(64, s[1] * 5n), 7n) * 9n);
    const t = BigInt.asUintN(64, s[1] << 17n);
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45n);
    return result;
  }

  fill(buf: Uint8Array): void {
    for (let i = 0; i < buf.length; i += 8) {
      let v = this.next64();
      for (let j = i; j < Math.min(i + 8, buf.length); j++) {
        buf[j] = Number(v & 0xffn);
        v >>= 8n;
      }
    }
  }
}
