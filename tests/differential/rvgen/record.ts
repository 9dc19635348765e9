// tests/differential/rvgen/record.ts — reading and comparing the per-case dump records.
// The layout is generate.ts's (scratch | x0..x31 | f0..f31 | fcsr, RECORD_BYTES each); this
// file only slices stdout into records and explains the first difference in words.

import {
  RECORD_BYTES, RECORD_FCSR_OFF, RECORD_F_OFF, RECORD_X_OFF, SCRATCH_BYTES,
} from "./generate";

export interface CaseRecord {
  scratch: Uint8Array;
  x: bigint[];
  f: bigint[];
  fcsr: bigint;
}

export function recordAt(stdout: Uint8Array, index: number): Uint8Array | null {
  const start = index * RECORD_BYTES;
  if (start + RECORD_BYTES > stdout.length) return null;
  return stdout.subarray(start, start + RECORD_BYTES);
}

export function decodeRecord(bytes: Uint8Array): CaseRecord {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (off: number): bigint => v.getBigUint64(off, true);
  return {
    scratch: bytes.subarray(0, SCRATCH_BYTES),
    x: Array.from({ length: 32 }, (_, r) => word(RECORD_X_OFF + 8 * r)),
    f: Array.from({ length: 32 }, (_, r) => word(RECORD_F_OFF + 8 * r)),
    fcsr: word(RECORD_FCSR_OFF),
  };
}

/** Index of the first record that differs (or is missing from one side); -1 if all agree. */
export function firstDifferingRecord(expected: Uint8Array, actual: Uint8Array): number {
  const n = Math.max(expected.length, actual.length);
  for (let start = 0; start < n; start += RECORD_BYTES) {
    const a = expected.subarray(start, start + RECORD_BYTES);
    const b = actual.subarray(start, start + RECORD_BYTES);
    if (a.length !== b.length || !Buffer.from(a).equals(Buffer.from(b))) return start / RECORD_BYTES;
  }
  return -1;
}

const hex64 = (v: bigint): string => `0x${v.toString(16).padStart(16, "0")}`;

/** One line per differing register, fcsr field or 8-byte scratch word. */
export function describeRecordDiff(expected: Uint8Array, actual: Uint8Array, names: [string, string]): string[] {
  const a = decodeRecord(expected);
  const b = decodeRecord(actual);
  const lines: string[] = [];
  const line = (what: string, va: bigint, vb: bigint): void => {
    if (va !== vb) lines.push(`${what.padEnd(12)} ${names[0]} ${hex64(va)}  ${names[1]} ${hex64(vb)}`);
  };
  a.x.forEach((v, r) => line(`x${r}`, v, b.x[r]));
  a.f.forEach((v, r) => line(`f${r}`, v, b.f[r]));
  if (a.fcsr !== b.fcsr) {
    lines.push(`fcsr         ${names[0]} frm=${a.fcsr >> 5n} fflags=0x${(a.fcsr & 31n).toString(16)}  ` +
      `${names[1]} frm=${b.fcsr >> 5n} fflags=0x${(b.fcsr & 31n).toString(16)} (NV DZ OF UF NX = 10 8 4 2 1)`);
  }
  const sa = new DataView(a.scratch.buffer, a.scratch.byteOffset, SCRATCH_BYTES);
  const sb = new DataView(b.scratch.buffer, b.scratch.byteOffset, SCRATCH_BYTES);
  for (let off = 0; off < SCRATCH_BYTES; off += 8) {
    line(`mem[x2+${off}]`, sa.getBigUint64(off, true), sb.getBigUint64(off, true));
  }
  return lines;
}
