// host/cli/commands/selftest.ts — `umwasm selftest [names...]`: the in-kernel KUnit suites and
// the guest kselftest programs, folded into one kunit.py-style report.
// Guest programs are the static riscv64 images in userland/images/selftests/ (sources in
// userland/src/selftests/). Each runs in a fresh kernel with `umwasm run`'s machinery
// (Kernel.boot, spawn, run); its console output is kselftest TAP 13 ("TAP version 13", a plan,
// ok/not ok/# SKIP, "# Totals:") and becomes one suite of the report, named after the program.
// A program that dies without finishing its plan shows as crashed cases, as a truncated KTAP
// log does; a non-zero exit status with every result ok is reported as an error.
// DIVERGES: the issue asks to boot the image and run the programs from its shell; until the
// kernel boots to a shell, each program is spawned directly, one kernel per program.

import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Kernel } from "../../../kernel/kernel";
import { NodePort } from "../../port/node";
import { loadCore } from "../../core";
import { KunitInstance, findKunitWasm } from "../../kunit/runner";
import { KtapTest, TestCounts, parseKtap } from "../../kunit/ktap_parser";
import { formatResults, resultFailed } from "../../kunit/report";
import { parseOptions, formatOptions, OptionSpec } from "../options";

const OPTIONS: OptionSpec[] = [
  { name: "dir", value: "path", help: "directory of selftest images (default userland/images/selftests)" },
  { name: "no-kunit", help: "leave out the in-kernel KUnit suites" },
  { name: "help", help: "show this help" },
];

export const SELFTEST_USAGE = `usage: umwasm selftest [options] [names...]

Runs the KUnit suites and the guest kselftest programs (all, or those named) and prints one
report in kunit.py's style. The exit status is 1 if anything failed or crashed.

options:
${formatOptions(OPTIONS)}`;

/** A HostPort that keeps the guest's console output instead of printing it. */
class CapturePort extends NodePort {
  readonly out: Buffer[] = [];
  override console_write(_fd: 1 | 2, bytes: Uint8Array): void {
    this.out.push(Buffer.from(bytes));
  }
}

function defaultDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ["..", "../..", "../../.."]) {
    const p = path.resolve(here, up, "userland/images/selftests");
    if (fs.existsSync(p)) return p;
  }
  return path.resolve("userland/images/selftests");
}

/** Run one selftest image; its TAP parsed as one suite named after the program. */
export function runSelftestImage(file: string): KtapTest {
  const name = path.basename(file);
  const port = new CapturePort({ seed: 0n });
  const kernel = Kernel.boot(port, loadCore(), "");
  const task = kernel.spawn({ file: fs.readFileSync(file), filename: file, exe: file, argv: [name], envp: [] });
  let exit = "";
  if ("errno" in task) exit = `exec failed: ${task.message}`;
  else {
    const state = kernel.run(task);
    if (state.kind === "exited" && state.code !== 0) exit = `exit status ${state.code}`;
    else if (state.kind === "signaled") exit = `killed by signal ${state.signo}`;
  }
  const { test } = parseKtap(Buffer.concat(port.out).toString("utf8"));
  test.name = name;
  if (test.status === "FAILURE_TO_PARSE_TESTS" || test.counts.total() === 0) {
    test.counts = new TestCounts();
    test.counts.crashed = 1;
    test.status = "TEST_CRASHED";
  }
  if (exit !== "") {
    test.log.push(`# ${name}: ${exit}`);
    if (test.status === "SUCCESS") {
      test.status = "FAILURE";
      test.counts.errors++;
    }
  }
  return test;
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
  const parts: KtapTest[] = [];
  if (!opts.has("no-kunit")) {
    const inst = new KunitInstance(new WebAssembly.Module(fs.readFileSync(findKunitWasm())));
    parts.push(...parseKtap(inst.run()).test.subtests);
  }
  const dir = typeof opts.get("dir") === "string" ? String(opts.get("dir")) : defaultDir();
  const images = fs.existsSync(dir) ? fs.readdirSync(dir).sort().filter((f) => !f.startsWith(".")) : [];
  const wanted = rest.length > 0 ? rest : images;
  for (const name of wanted) {
    if (!images.includes(name)) {
      process.stderr.write(`umwasm selftest: no selftest image '${name}' in ${dir}\n`);
      return 2;
    }
    parts.push(runSelftestImage(path.join(dir, name)));
  }
  if (images.length === 0) process.stderr.write(`umwasm selftest: no guest selftest images in ${dir}; KUnit suites only\n`);
  const main = foldTests(parts);
  process.stdout.write(formatResults(main, []).join("\n") + "\n");
  return resultFailed(main) ? 1 : 0;
}
