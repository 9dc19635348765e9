// tests/differential/rvgen/generate.test.ts — the generator checked without umwasm.
// Before a umwasm/qemu difference can be trusted, the programs themselves must be sound: every
// generated ELF must run to exit 0 under qemu with exactly one record per case (nothing traps,
// nothing jumps astray), and objdump must decode each instruction as the mnemonic we meant.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findOnPath, findQemuRiscv64, mapLimit, QEMU_MISSING_REASON, runProgram } from "../qemu";
import * as E from "./encode";
import { binutils240CannotSpell } from "./encode";
import { buildProgram, generateCases, RECORD_BYTES, SP, seedHex, seedPlanFromEnv } from "./generate";
import { decodeRecord, recordAt } from "./record";

const QEMU = findQemuRiscv64();
const OBJDUMP = findOnPath("riscv64-linux-gnu-objdump");
if (!QEMU) console.warn(QEMU_MISSING_REASON);
const plan = seedPlanFromEnv(process.env);
const tmp = mkdtempSync(join(tmpdir(), "rvgen-gen-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Why seed's program is unsound under qemu, or null when it ran cleanly. */
async function checkUnderQemu(seed: number): Promise<string | null> {
  const program = buildProgram(generateCases(seed, plan.cases, plan.items));
  const file = join(tmp, `gen_${seedHex(seed)}.elf`);
  writeFileSync(file, program.elf, { mode: 0o755 });
  const run = await runProgram([QEMU!, file], 60_000);
  const where = `seed=${seedHex(seed)}`;
  if (run.status !== 0) return `${where}: qemu exit ${run.status} signal ${run.signal} ${run.stderr.trim()}`;
  if (run.stdout.length !== plan.cases * RECORD_BYTES) {
    return `${where}: ${run.stdout.length} bytes, want ${plan.cases} records of ${RECORD_BYTES}`;
  }
  for (let i = 0; i < plan.cases; i++) {
    const rec = decodeRecord(recordAt(run.stdout, i)!);
    if (rec.x[0] !== 0n) return `${where} case ${i}: x0 dumped as nonzero`;
    if (rec.x[SP] !== BigInt(program.scratchAddrs[i])) return `${where} case ${i}: x2 not restored`;
    if (rec.fcsr >> 5n > 4n) return `${where} case ${i}: frm left at reserved ${rec.fcsr >> 5n}`;
  }
  return null;
}

const withQemu = QEMU ? describe : describe.skip;
withQemu("rvgen programs under qemu alone", () => {
  it(`exit 0 with one record per case (${plan.seeds.length} ELFs x ${plan.cases} cases x ${plan.items} items)`, async () => {
    const problems = await mapLimit(plan.seeds, availableParallelism(), checkUnderQemu);
    expect(problems.filter((p) => p !== null)).toEqual([]);
  });
});

/** objdump -M no-aliases spells c.nop as c.addi; every other mnemonic should agree as is. */
const OBJDUMP_SPELLING: Record<string, string> = { "c.nop": "c.addi" };

const withObjdump = OBJDUMP ? describe : describe.skip;
withObjdump("rvgen programs under objdump", () => {
  it("disassemble to the mnemonics the generator listed", () => {
    const program = buildProgram(generateCases(plan.seeds[0], Math.min(plan.cases, 50), plan.items));
    const file = join(tmp, "objdump.elf");
    writeFileSync(file, program.elf);
    const listing = execFileSync(OBJDUMP!, ["-d", "-M", "no-aliases,numeric", file], { maxBuffer: 1 << 28 }).toString();
    const decoded = new Map<number, string>();
    for (const m of listing.matchAll(/^\s*([0-9a-f]+):\s+[0-9a-f]+\s+(\S+)/gm)) decoded.set(parseInt(m[1], 16), m[2]);
    const wrong: string[] = [];
    for (const { addr, insn } of program.placed) {
      const ours = insn.asm.split(" ")[0];
      const theirs = decoded.get(addr);
      const want = binutils240CannotSpell(insn) ? ".4byte" : OBJDUMP_SPELLING[ours] ?? ours;
      if (theirs !== want) wrong.push(`0x${addr.toString(16)}: ${insn.asm} decoded as ${theirs}`);
    }
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});

describe("rvgen coverage", () => {
  // Trapping instructions stay out of the random items; ecall appears only in each case's dump.
  const NEVER_RANDOM = new Set(["ecall", "ebreak", "c.ebreak"]);

  it("the default plan generates every other RV64GC instruction the encoder knows", () => {
    if (plan.fromEnv) return; // A narrowed UMW_* plan need not cover everything.
    const seen = new Set<string>();
    for (const seed of plan.seeds) {
      for (const c of generateCases(seed, plan.cases, plan.items)) {
        for (const item of c.items) for (const insn of item.insns) seen.add(insn.asm.split(" ")[0].replace(/\.(aq|rl|aqrl)$/, ""));
      }
    }
    const known = Object.entries(E).filter(([k, v]) => typeof v === "function" && k !== "binutils240CannotSpell")
      .map(([k]) => k.replace(/_/g, ".")).filter((m) => !NEVER_RANDOM.has(m));
    expect(known.filter((m) => !seen.has(m))).toEqual([]);
  });
});
