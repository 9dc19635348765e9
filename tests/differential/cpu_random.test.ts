// tests/differential/cpu_random.test.ts — umwasm's RV64GC CPU against qemu-riscv64, on random
// instruction streams from rvgen/. Both run the same static ELF at the same addresses, so every
// byte each writes to stdout (per case: every register, fcsr and the scratch memory) must agree,
// and so must the exit status.
//
// On a difference the report names the seed (rerun with UMW_SEED, widen with UMW_CASES and
// UMW_INSNS), lists the first differing case, shows each differing register, and then minimises:
// the case is rebuilt as one ELF holding every prefix of its items (0, 1, ... K), both
// emulators run it once, and the first differing prefix names the item that broke the state.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, it } from "vitest";
import { findQemuRiscv64, mapLimit, QEMU_MISSING_REASON, runProgram, type RunResult } from "./qemu";
import { buildProgram, generateCase, generateCases, listCase, seedHex, seedPlanFromEnv, type Case, type SeedPlan } from "./rvgen/generate";
import { decodeRecord, describeRecordDiff, firstDifferingRecord, recordAt } from "./rvgen/record";

const QEMU = findQemuRiscv64();
const UMWASM = resolve(fileURLToPath(new URL("../../build/umwasm.mjs", import.meta.url)));
const RUN_TIMEOUT_MS = 60_000;
const NAMES: [string, string] = ["qemu", "umwasm"];
if (!QEMU) console.warn(QEMU_MISSING_REASON);

const plan = seedPlanFromEnv(process.env);
// Not under /tmp: `umwasm run` gives the guest its own tmpfs there, hiding the host's files.
const SCRATCH = fileURLToPath(new URL("../../.scratch", import.meta.url));
mkdirSync(SCRATCH, { recursive: true });
const tmp = mkdtempSync(join(SCRATCH, "umw-cpu-random-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Outcome {
  qemu: RunResult;
  umwasm: RunResult;
}

async function runBoth(elf: Uint8Array, name: string): Promise<Outcome> {
  const file = join(tmp, name);
  writeFileSync(file, elf, { mode: 0o755 });
  const qemu = await runProgram([QEMU!, file], RUN_TIMEOUT_MS);
  const umwasm = await runProgram([process.execPath, UMWASM, "run", file], RUN_TIMEOUT_MS);
  return { qemu, umwasm };
}

const agrees = (o: Outcome): boolean => o.qemu.status === o.umwasm.status && o.qemu.stdout.equals(o.umwasm.stdout);

function exitLine(o: Outcome): string {
  const one = (r: RunResult): string =>
    r.timedOut ? `timed out after ${RUN_TIMEOUT_MS} ms` : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  return `qemu ${one(o.qemu)}, ${o.qemu.stdout.length} bytes; umwasm ${one(o.umwasm)}, ${o.umwasm.stdout.length} bytes`;
}

function stderrTail(r: RunResult): string {
  const lines = r.stderr.trim().split("\n").filter((l) => l !== "");
  return lines.length === 0 ? "" : `umwasm stderr (last lines):\n  ${lines.slice(-15).join("\n  ")}\n`;
}

/** Registers named in an item's instructions, with their values just before it ran (qemu's). */
function operandsBefore(c: Case, item: number, before: Uint8Array | null): string {
  if (before === null) return "";
  const rec = decodeRecord(before);
  const names = new Set(c.items[item].insns.flatMap((i) => i.asm.match(/\b[xf]\d+\b/g) ?? []));
  const values = [...names].sort().map((n) => {
    const v = n[0] === "x" ? rec.x[Number(n.slice(1))] : rec.f[Number(n.slice(1))];
    return `${n}=0x${v.toString(16).padStart(16, "0")}`;
  });
  return `  before it: ${values.join(" ")} frm=${rec.fcsr >> 5n} fflags=0x${(rec.fcsr & 31n).toString(16)}\n`;
}

/** Run every prefix of case c in one ELF and name the first item after which the state differs. */
async function minimise(c: Case): Promise<string> {
  const prefixes = Array.from({ length: c.items.length + 1 }, (_, k) => ({ ...c, items: c.items.slice(0, k) }));
  const o = await runBoth(buildProgram(prefixes).elf, `min_${seedHex(c.seed)}_${c.index}.elf`);
  const k = firstDifferingRecord(o.qemu.stdout, o.umwasm.stdout);
  if (k < 0) {
    return agrees(o) ? "minimiser: every prefix agrees when the case runs alone (state leaks between cases?)\n"
      : `minimiser: records agree but ${exitLine(o)}\n`;
  }
  if (k === 0) return "minimiser: differs with no random items: the case prologue or dump itself diverges\n";
  const expected = recordAt(o.qemu.stdout, k);
  const actual = recordAt(o.umwasm.stdout, k);
  let out = `minimiser: state first diverges after item ${k - 1} (prefix of ${k} items):\n`;
  out += c.items[k - 1].insns.map((i) => `  ${i.asm}\n`).join("");
  out += operandsBefore(c, k - 1, recordAt(o.qemu.stdout, k - 1));
  if (expected && actual) out += describeRecordDiff(expected, actual, NAMES).map((l) => `  ${l}\n`).join("");
  else out += `  umwasm wrote no record for that prefix (${exitLine(o)})\n`;
  return out;
}

/** The full report for one seed whose outputs differ. */
async function report(seed: number, o: Outcome): Promise<string> {
  const rerun = `UMW_SEED=${seedHex(seed)} UMW_CASES=${plan.cases} UMW_INSNS=${plan.items}`;
  let out = `seed=${seedHex(seed)}; rerun with UMW_SEED=${seedHex(seed)}\n  (${rerun} npx vitest run tests/differential/cpu_random.test.ts)\n`;
  out += `${exitLine(o)}\n${stderrTail(o.umwasm)}`;
  const index = firstDifferingRecord(o.qemu.stdout, o.umwasm.stdout);
  if (index < 0) return out + "all case records agree; only the exit status differs\n";
  if (index >= plan.cases) return out + "all case records agree; one side wrote more after the last case\n";
  const c = generateCase(seed, index, plan.items);
  out += `first differing case: ${index} of ${plan.cases}\n${listCase(c)}\n`;
  const expected = recordAt(o.qemu.stdout, index);
  const actual = recordAt(o.umwasm.stdout, index);
  if (expected && actual) out += `differences at the end of case ${index}:\n` + describeRecordDiff(expected, actual, NAMES).map((l) => `  ${l}\n`).join("");
  else out += `umwasm wrote no record for case ${index}\n`;
  return out + (await minimise(c));
}

async function checkSeed(seed: number, p: SeedPlan): Promise<{ seed: number; outcome: Outcome } | null> {
  const program = buildProgram(generateCases(seed, p.cases, p.items));
  const outcome = await runBoth(program.elf, `cpu_${seedHex(seed)}.elf`);
  return agrees(outcome) ? null : { seed, outcome };
}

const withQemu = QEMU ? describe : describe.skip;
withQemu("cpu_random: umwasm vs qemu-riscv64 on random RV64GC streams", () => {
  const title = `${plan.seeds.length} ELFs x ${plan.cases} cases x ${plan.items} items agree byte for byte`;
  it(title, async () => {
    if (!existsSync(UMWASM)) throw new Error(`${UMWASM} is missing: run npm run build`);
    const results = await mapLimit(plan.seeds, availableParallelism(), (seed) => checkSeed(seed, plan));
    const failures = results.filter((r) => r !== null);
    if (failures.length === 0) return;
    const summary = failures.map((f) => {
      const i = firstDifferingRecord(f.outcome.qemu.stdout, f.outcome.umwasm.stdout);
      return `  seed=${seedHex(f.seed)} first differing case ${i}`;
    });
    const detail = await report(failures[0].seed, failures[0].outcome);
    throw new Error(`${failures.length} of ${plan.seeds.length} seeds differ:\n${summary.join("\n")}\n\n${detail}`);
  }, 600_000);
});
