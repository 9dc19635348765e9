// tests/softfloat/softfloat.test.ts — checks assembly/arch/um/softfloat.ts against the RISC-V FPU.
// vectors.txt.gz holds one line per operation, computed by fpvec.c under qemu-riscv64-static
// (regenerate with gen_vectors.sh); this test needs neither the cross compiler nor QEMU.
// Line format, hex without 0x: <op> <rm> <a> <b> <c> <result> <fflags>. Result and flags are
// compared separately, so a wrong flag and a wrong value show up as distinct failures.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { compileAS } from "../helpers/asc";

interface Vector { op: string; rm: number; args: bigint[]; result: bigint; flags: number; line: number }

// UMW_SOFTFLOAT_VECTORS=/path/to/more.txt runs a larger local soak set instead, e.g. the output
// of `fpvec 0x1234567 30` (seed, scale); a name ending in .gz is gunzipped.
function loadVectors(): Vector[] {
  const path = process.env.UMW_SOFTFLOAT_VECTORS ?? fileURLToPath(new URL("./vectors.txt.gz", import.meta.url));
  const raw = readFileSync(path);
  const text = path.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
  return text.trim().split("\n").map((text, i) => {
    const f = text.split(" ");
    return {
      op: f[0], rm: Number(f[1]), args: [f[2], f[3], f[4]].map((h) => BigInt("0x" + h)),
      result: BigInt("0x" + f[5]), flags: Number("0x" + f[6]), line: i + 1,
    };
  });
}

// Operand and result widths by op name. 64-bit values cross the wasm boundary as BigInt.
const ARITY: Record<string, number> = {
  add: 2, sub: 2, mul: 2, div: 2, min: 2, max: 2, eq: 2, lt: 2, le: 2,
  fmadd: 3, fmsub: 3, fnmsub: 3, fnmadd: 3,
};
const NO_RM = new Set(["min", "max", "eq", "lt", "le", "classify", "f32_to_f64"]);

interface Signature { arity: number; in64: boolean; out64: boolean; rm: boolean }

function signature(op: string): Signature {
  const [src, , dst] = op.split("_"); // "f64_to_i32" -> f64 .. i32; "f64_add" -> f64, undefined
  const verb = op.slice(4);
  if (op.includes("_to_")) {
    return { arity: 1, in64: src.endsWith("64"), out64: dst.endsWith("64") || src.startsWith("f") && dst[0] !== "f",
             rm: !NO_RM.has(op) };
  }
  const in64 = src === "f64";
  const out64 = in64 && !["eq", "lt", "le", "classify"].includes(verb);
  return { arity: ARITY[verb] ?? 1, in64, out64, rm: !NO_RM.has(verb) };
}

const hex = (v: bigint, w: number) => BigInt.asUintN(w, v).toString(16).padStart(w / 4, "0");

describe("softfloat against the RISC-V FPU (qemu)", () => {
  const vectors = loadVectors();
  let exp: Record<string, any>;

  beforeAll(async () => {
    exp = (await compileAS("tests/softfloat/entry.ts")).exports;
  });

  it("covers every exported operation", () => {
    const ops = new Set(vectors.map((v) => v.op));
    const exported = Object.keys(exp).filter((k) => /^[fiu](32|64)_/.test(k));
    expect(exported.filter((k) => !ops.has(k))).toEqual([]);
    expect(vectors.length).toBeGreaterThan(40000);
  });

  it("matches every vector, result and fflags", () => {
    const bad: string[] = [];
    for (const v of vectors) {
      const sig = signature(v.op);
      const fn = exp[v.op] as (...a: unknown[]) => number | bigint;
      const args: unknown[] = v.args.slice(0, sig.arity).map((a) => (sig.in64 ? BigInt.asIntN(64, a) : Number(a) | 0));
      if (sig.rm) args.push(v.rm);
      exp.clear_fflags();
      const raw = fn(...args);
      const flags = exp.get_fflags() as number;
      const w = sig.out64 ? 64 : 32;
      const got = typeof raw === "bigint" ? BigInt.asUintN(w, raw) : BigInt(Number(raw) >>> 0);
      const want = BigInt.asUintN(w, v.result);
      const what = [];
      if (got !== want) what.push(`result expected ${hex(want, w)} got ${hex(got, w)}`);
      if (flags !== v.flags) what.push(`fflags expected ${v.flags.toString(16)} got ${flags.toString(16)}`);
      if (what.length) {
        const ins = v.args.slice(0, sig.arity).map((a) => hex(a, sig.in64 ? 64 : 32)).join(" ");
        bad.push(`line ${v.line}: ${v.op} rm=${v.rm} (${ins}): ${what.join("; ")}`);
      }
    }
    if (bad.length) throw new Error(`${bad.length} of ${vectors.length} mismatches; first 20:\n${bad.slice(0, 20).join("\n")}`);
  });
});
