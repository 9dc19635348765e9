// host/cli/commands/selftest.ts — `umwasm selftest [names...]`: the in-kernel KUnit suites and
// the guest kselftest programs, folded into one kunit.py-style report.
// The guest programs live in the default image under /usr/lib/kselftest (sources in
// userland/src/selftests/, listed in its kselftest-list.txt). The command boots that image with
// `quiet sh=/usr/lib/kselftest/run_kselftest.sh [names...]` on the kernel command line: the
// word reaches /init, which runs the runner script instead of the interactive shell and powers
// the machine off when it is done. The runner prints one KTAP document to the console, each
// program's kselftest TAP indented as a subtest of it; each program becomes one suite of the
// report. A machine that never powers off within --timeout shows its unfinished programs as
// crashed, as a truncated KTAP log does.

import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Kernel } from "../../../kernel/kernel";
import { start_kernel } from "../../../kernel/boot";
import { NodePort } from "../../port/node";
import { loadCore } from "../../core";
import { KunitInstance, findKunitWasm } from "../../kunit/runner";
import { KtapTest, TestCounts, parseKtap } from "../../kunit/ktap_parser";
import { formatResults, resultFailed } from "../../kunit/report";
import { parseOptions, formatOptions, OptionSpec, UsageError } from "../options";

export const KSELFTEST_DIR = "usr/lib/kselftest";
const RUNNER = `/${KSELFTEST_DIR}/run_kselftest.sh`;

const OPTIONS: OptionSpec[] = [
  { name: "initramfs", value: "file", help: "boot this cpio newc archive instead of the default image" },
  { name: "list", help: "list the guest selftest programs in the image and exit" },
  { name: "no-kunit", help: "leave out the in-kernel KUnit suites" },
  { name: "raw_output", help: "print the guest's KTAP as it came, not the summary (for kunit.py parse)" },
  { name: "timeout", value: "seconds", help: "give up on the guest after this long (default 600)" },
  { name: "help", help: "show this help" },
];

export const SELFTEST_USAGE = `usage: umwasm selftest [options] [names...]

Runs the KUnit suites, then boots the default image and runs the guest kselftest programs
(all, or those named) inside it, and prints one report in kunit.py's style. The exit status is
1 if anything failed or crashed.

options:
${formatOptions(OPTIONS)}`;

/** A HostPort that keeps the guest's console output instead of printing it. */
class CapturePort extends NodePort {
  readonly out: Buffer[] = [];
  override console_write(_fd: 1 | 2, bytes: Uint8Array): void {
    this.out.push(Buffer.from(bytes));
  }
}

export function defaultInitramfs(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ["..", "../..", "../../.."]) {
    const p = path.resolve(here, up, "userland/images/initramfs.cpio");
    if (fs.existsSync(p)) return p;
  }
  return path.resolve("userland/images/initramfs.cpio");
}

/** The contents of one regular file in a cpio newc archive, or null. */
export function cpioReadFile(cpio: Uint8Array, want: string): Uint8Array | null {
  const text = (a: number, n: number) => Buffer.from(cpio.subarray(a, a + n)).toString("latin1");
  const align4 = (n: number) => (n + 3) & ~3;
  let off = 0;
  while (off + 110 <= cpio.length) {
    const magic = text(off, 6);
    if (magic !== "070701" && magic !== "070702") return null;
    const field = (i: number) => parseInt(text(off + 6 + i * 8, 8), 16);
    const size = field(6);
    const namesize = field(11);
    const name = text(off + 110, namesize - 1).replace(/^\.?\//, "");
    const data = align4(off + 110 + namesize);
    if (name === "TRAILER!!!") return null;
    if (name === want) return cpio.subarray(data, data + size);
    off = align4(data + size);
  }
  return null;
}

/** The guest selftest programs the image carries (its kselftest-list.txt). */
export function listSelftests(cpio: Uint8Array): string[] {
  const list = cpioReadFile(cpio, `${KSELFTEST_DIR}/kselftest-list.txt`);
  if (!list) return [];
  return Buffer.from(list).toString("utf8").split("\n").map((l) => l.trim()).filter((l) => l !== "");
}

export interface GuestRun {
  /** The console output from the runner's "KTAP version 1" on, \r\n turned into \n. */
  ktap: string;
  /** Everything the console printed. */
  console: string;
  /** Why the machine did not power off by itself, if it did not. */
  problem: string | null;
}

/** Boot cpio and run the named selftests (all when names is empty) inside it. */
export function runGuestSelftests(cpio: Uint8Array, names: string[], timeoutMs: number): GuestRun {
  const port = new CapturePort({ seed: 0n });
  const kernel = Kernel.boot(port, loadCore(), ["quiet", `sh=${RUNNER}`, ...names].join(" "));
  const booted = start_kernel(kernel, { initramfs: cpio, winsize: { rows: 24, cols: 80 } });
  let problem: string | null = null;
  if (typeof booted === "string") problem = booted;
  else {
    booted.console.receive_eof(); // the tests read nothing from the console
    const init = booted.init;
    const giveUp = Date.now() + timeoutMs;
    while (init.state.kind === "running") {
      const r = kernel.step(4096, () => init.state.kind !== "running");
      if (r.kind === "idle") {
        if (r.deadline_ns === null) {
          problem = "every task is asleep with nothing left to wake it";
          break;
        }
        port.sleep_until(r.deadline_ns);
      }
      if (Date.now() > giveUp) {
        problem = `timed out after ${Math.round(timeoutMs / 1000)} s`;
        break;
      }
    }
    if (!problem && !kernel.halted) problem = "init exited without powering off";
    kernel.kill_all();
  }
  const text = Buffer.concat(port.out).toString("utf8").replace(/\r\n/g, "\n");
  const start = text.search(/^KTAP version 1$/m);
  return { ktap: start < 0 ? "" : text.slice(start), console: text, problem };
}

function crashed(name: string, why: string): KtapTest {
  const counts = new TestCounts();
  counts.crashed = 1;
  return { name, status: "TEST_CRASHED", expectedCount: null, subtests: [], log: [`# ${name}: ${why}`], counts,
    directive: null, directiveText: "" };
}

/** The guest's programs as suites: one per requested program, crashed if it never finished. */
export function guestSuites(run: GuestRun, names: string[]): KtapTest[] {
  const parsed = run.ktap === "" ? [] : parseKtap(run.ktap).test.subtests;
  return names.map((name) => {
    const t = parsed.find((p) => p.name === name);
    if (!t) return crashed(name, run.problem ?? "no result");
    if (t.counts.total() === 0) {
      // Its result line but no cases: the program died before its plan.
      t.counts = new TestCounts();
      t.counts.crashed = 1;
      t.status = "TEST_CRASHED";
    }
    return t;
  });
}

/** Put suites side by side under one main test, counts summed. */
export function foldTests(parts: KtapTest[]): KtapTest {
  const main: KtapTest = { name: "main", status: "NO_TESTS", expectedCount: parts.length, subtests: parts, log: [],
    counts: new TestCounts(), directive: null, directiveText: "" };
  for (const p of parts) main.counts.add(p.counts);
  main.status = main.counts.status();
  return main;
}

export function selftestCommand(argv: string[]): number {
  const { opts, rest } = parseOptions(argv, OPTIONS);
  if (opts.has("help")) {
    process.stdout.write(SELFTEST_USAGE + "\n");
    return 0;
  }
  const image = opts.has("initramfs") ? String(opts.get("initramfs")) : defaultInitramfs();
  let cpio: Uint8Array;
  try {
    cpio = fs.readFileSync(image);
  } catch (e) {
    throw new UsageError(`${image}: ${(e as Error).message}`);
  }
  const available = listSelftests(cpio);
  if (opts.has("list")) {
    for (const n of available) process.stdout.write(n + "\n");
    return 0;
  }
  for (const name of rest) {
    if (!available.includes(name)) {
      process.stderr.write(`umwasm selftest: no selftest '${name}' in ${image} (see --list)\n`);
      return 2;
    }
  }
  const names = rest.length > 0 ? rest : available;
  const timeout = opts.has("timeout") ? Number(opts.get("timeout")) : 600;
  if (!(timeout > 0)) throw new UsageError(`--timeout needs a positive number of seconds`);
  if (opts.has("raw_output")) {
    const run = runGuestSelftests(cpio, names, timeout * 1000);
    process.stdout.write(run.ktap);
    if (run.problem) process.stderr.write(`umwasm selftest: ${run.problem}\n`);
    return run.problem || resultFailed(parseKtap(run.ktap).test) ? 1 : 0;
  }
  const parts: KtapTest[] = [];
  if (!opts.has("no-kunit")) {
    const inst = new KunitInstance(new WebAssembly.Module(fs.readFileSync(findKunitWasm())));
    parts.push(...parseKtap(inst.run()).test.subtests);
  }
  if (available.length === 0) process.stderr.write(`umwasm selftest: no guest selftests in ${image}\n`);
  if (names.length > 0) {
    const run = runGuestSelftests(cpio, names, timeout * 1000);
    if (run.problem) process.stderr.write(`umwasm selftest: the guest: ${run.problem}\n`);
    parts.push(...guestSuites(run, names));
  }
  const main = foldTests(parts);
  process.stdout.write(formatResults(main, []).join("\n") + "\n");
  return resultFailed(main) ? 1 : 0;
}
