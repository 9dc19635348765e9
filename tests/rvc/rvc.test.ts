// tests/rvc/rvc.test.ts — checks rvc_expand() against every compressed halfword.
// The expected expansions in vectors.txt come from binutils (tests/rvc/gen_vectors.mjs), with
// the spec's RV64C reserved rules applied where binutils disagrees; this test needs no binutils.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { compileAS } from "../helpers/asc";

interface Vector { half: number; word: number; mnemonic: string }

function loadVectors(): Vector[] {
  const text = readFileSync(fileURLToPath(new URL("./vectors.txt", import.meta.url)), "utf8");
  return text.trim().split("\n").map((line) => {
    const [h, w, mnemonic] = line.split(" ");
    return { half: parseInt(h, 16), word: parseInt(w, 16), mnemonic };
  });
}

const hex = (v: number, n: number) => (v >>> 0).toString(16).padStart(n, "0");

describe("rvc_expand", () => {
  const vectors = loadVectors();
  let rvc_expand: (c: number) => number;

  beforeAll(async () => {
    const { exports } = await compileAS("tests/rvc/entry.ts");
    rvc_expand = exports.rvc_expand as (c: number) => number;
  });

  it("has one vector for every compressed halfword, in order", () => {
    const want: number[] = [];
    for (let h = 0; h < 0x10000; h++) if ((h & 3) !== 3) want.push(h);
    expect(vectors.map((v) => v.half)).toEqual(want);
  });

  it("expands all 49152 halfwords as binutils and the spec expect", () => {
    const bad: string[] = [];
    for (const v of vectors) {
      const got = rvc_expand(v.half) >>> 0;
      if (got !== v.word) {
        bad.push(`${hex(v.half, 4)} ${v.mnemonic}: expected ${hex(v.word, 8)} got ${hex(got, 8)}`);
      }
    }
    if (bad.length) {
      throw new Error(`${bad.length} mismatches; first 20:\n${bad.slice(0, 20).join("\n")}`);
    }
    const legal = vectors.filter((v) => v.word !== 0).length;
    expect([legal, vectors.length - legal]).toEqual([46743, 2409]);
  });

  it("ignores bits above 15", () => {
    // c.addi a0, 3 with junk above the halfword still expands to addi a0, a0, 3.
    expect(rvc_expand(0xabcd050d) >>> 0).toBe(0x00350513);
  });
});
