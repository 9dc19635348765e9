// tests/cli/selftest.test.ts — `umwasm selftest`: it boots the default image and runs the guest
// kselftest programs inside it. The bundled CLI for what a user sees (--list, a name filter, an
// unknown name, the folded summary and exit status, --raw_output's KTAP); the module itself for
// the failure paths: a guest that never finishes shows its programs as crashed, a program's
// "not ok" as failed, and either makes the run fail.

import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  cpioReadFile, defaultInitramfs, foldTests, guestSuites, listSelftests, runGuestSelftests,
} from "../../host/cli/commands/selftest";
import { parseKtap } from "../../host/kunit/ktap_parser";
import { resultFailed } from "../../host/kunit/report";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const cli = join(repoRoot, "build/umwasm.mjs");
const cpio = readFileSync(defaultInitramfs());

function umwasm(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, "selftest", ...args], { encoding: "utf8", timeout: 120_000 });
}

describe("umwasm selftest", () => {
  it("lists the programs of the image's kselftest-list.txt", () => {
    const r = umwasm(["--list"]);
    expect(r.status).toBe(0);
    const names = r.stdout.trim().split("\n");
    expect(names).toEqual(listSelftests(cpio));
    expect(names).toEqual(expect.arrayContaining(["ksft_threads", "ksft_jobctl", "ksft_pipeline", "ksft_sigframe"]));
    // Each is a link to the multi-call binary, and the runner is there.
    expect(cpioReadFile(cpio, "usr/lib/kselftest/run_kselftest.sh")).not.toBeNull();
  });

  it("runs the named programs inside the booted image and folds them into one summary", () => {
    const r = umwasm(["--no-kunit", "ksft_nproc", "ksft_pipeline"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("=================== [PASSED] ksft_nproc ====================");
    expect(r.stdout).toContain("[PASSED] pipefail reports the failure");
    expect(r.stdout).not.toContain("ksft_threads");
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("Testing complete. Ran 18 tests: passed: 18");
  });

  it("reports skipped programs as skipped and adds the KUnit suites", () => {
    const r = umwasm(["ksft_sigbus"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\[SKIPPED\] ksft_sigbus|\[PASSED\] ksft_sigbus/);
    const summary = r.stdout.trimEnd().split("\n").pop()!;
    const ran = Number(/Ran (\d+) tests/.exec(summary)![1]);
    expect(ran).toBeGreaterThan(3); // the KUnit cases and ksft_sigbus's three
  });

  it("prints the guest's KTAP with --raw_output, each program a named subtest", () => {
    const r = umwasm(["--raw_output", "ksft_nproc"]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").slice(0, 4)).toEqual(["KTAP version 1", "1..1", "    TAP version 13", "    # Subtest: ksft_nproc"]);
    expect(r.stdout).toContain("\nok 1 ksft_nproc\n");
    const { test, errors } = parseKtap(r.stdout);
    expect(errors).toEqual([]);
    expect(test.counts.passed).toBe(3);
  });

  it("refuses an unknown program with status 2", () => {
    const r = umwasm(["--no-kunit", "ksft_no_such"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no selftest 'ksft_no_such'");
  });

  it("exits 1 when the guest runs out of time, its programs crashed", () => {
    const r = umwasm(["--no-kunit", "--timeout", "0.001", "ksft_threads"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("timed out");
    expect(r.stdout).toContain("crashed: 1");
  });
});

describe("guest results", () => {
  it("a program that never reported is crashed, a not ok is failed", () => {
    const ktap = ["KTAP version 1", "1..2", "    TAP version 13", "    # Subtest: a", "    1..2", "    ok 1 x",
      "    not ok 2 y", "not ok 1 a # exit=1"].join("\n");
    const suites = guestSuites({ ktap, console: ktap, problem: "timed out after 1 s" }, ["a", "b"]);
    expect(suites.map((s) => s.status)).toEqual(["FAILURE", "TEST_CRASHED"]);
    const main = foldTests(suites);
    expect([main.counts.passed, main.counts.failed, main.counts.crashed]).toEqual([1, 1, 1]);
    expect(resultFailed(main)).toBe(true);
  });

  it("a real run's suites are the programs asked for, in order", () => {
    const run = runGuestSelftests(cpio, ["ksft_sigframe", "ksft_nproc"], 120_000);
    expect(run.problem).toBeNull();
    const suites = guestSuites(run, ["ksft_sigframe", "ksft_nproc"]);
    expect(suites.map((s) => [s.name, s.status])).toEqual([["ksft_sigframe", "SUCCESS"], ["ksft_nproc", "SUCCESS"]]);
  });
});
