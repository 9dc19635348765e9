// tests/kunit/kunit_py.test.ts — Linux's own tools/testing/kunit/kunit.py parse reads our raw
// output: the KTAP of `umwasm kunit run --raw_output=all` and of `umwasm selftest
// --raw_output` (the guest kselftests), with no [ERROR] and the same "Testing complete" line
// as our own summary.
//
// kunit.py is GPL code from the Linux tree, not part of this repository, and Debian ships it
// only inside linux-source-* (about 150 MB); .ci/run fetches it into the cache below, and the
// test skips, saying so, when it is missing. To run it locally, point KUNIT_PY at a kunit.py inside a kernel tree (it
// must sit in tools/testing/kunit/: it changes to the tree's root), or unpack one into
// ~/.cache/umwasm/linux-kunit, for example:
//   apt-get download linux-source-6.12
//   dpkg-deb --fsys-tarfile linux-source-6.12_*.deb | tar -x ./usr/src/linux-source-6.12.tar.xz
//   tar -xJf usr/src/linux-source-6.12.tar.xz --wildcards 'linux-source-6.12/tools/testing/kunit/*'
//   mkdir -p ~/.cache/umwasm/linux-kunit/tools/testing
//   cp -r linux-source-6.12/tools/testing/kunit ~/.cache/umwasm/linux-kunit/tools/testing/

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { findOnPath } from "../differential/qemu";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const cli = join(repoRoot, "build/umwasm.mjs");

function findKunitPy(): string | null {
  const fromEnv = process.env.KUNIT_PY;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  const cached = join(homedir(), ".cache/umwasm/linux-kunit/tools/testing/kunit/kunit.py");
  return existsSync(cached) ? cached : null;
}

const kunitPy = findKunitPy();
const python = findOnPath("python3");
const skipReason = python === null ? "python3 is not installed"
  : kunitPy === null ? "Linux's kunit.py not found (set KUNIT_PY or see this file's header)" : null;
if (skipReason) console.log(`tests/kunit/kunit_py: skipped: ${skipReason}`);

const dir = mkdtempSync(join(tmpdir(), "umwasm-kunitpy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function umwasm(args: string[]): { stdout: string; status: number | null } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 300_000 });
  return { stdout: r.stdout, status: r.status };
}

/** kunit.py parse of text; its output without the timestamps. */
function kunitPyParse(name: string, text: string): { lines: string[]; status: number | null } {
  const file = join(dir, name); // absolute: kunit.py changes directory to the kernel tree
  writeFileSync(file, text);
  const r = spawnSync(python!, [kunitPy!, "parse", file], { encoding: "utf8", timeout: 60_000 });
  const lines = (r.stdout + r.stderr).split("\n").map(untimed);
  return { lines, status: r.status };
}

const untimed = (l: string) => l.replace(/^\[\d\d:\d\d:\d\d\] /, "");
const lastLine = (s: string) => untimed(s.trimEnd().split("\n").pop() ?? "");

(skipReason ? describe.skip : describe)(`kunit.py parse (${kunitPy ?? skipReason})`, () => {
  it("reads `umwasm kunit run --raw_output=all` and agrees with our summary", () => {
    const raw = umwasm(["kunit", "run", "--raw_output=all"]);
    expect(raw.status).toBe(0);
    const ours = umwasm(["kunit", "run"]);
    const k = kunitPyParse("kunit.ktap", raw.stdout);
    expect(k.status).toBe(0);
    expect(k.lines.filter((l) => l.includes("[ERROR]"))).toEqual([]);
    expect(k.lines).toContain(lastLine(ours.stdout));
  });

  it("reads `umwasm selftest --raw_output` (the guest kselftests) and agrees with our summary", () => {
    const raw = umwasm(["selftest", "--raw_output"]);
    expect(raw.stdout.startsWith("KTAP version 1\n")).toBe(true);
    const ours = umwasm(["selftest", "--no-kunit"]);
    const k = kunitPyParse("selftest.ktap", raw.stdout);
    expect(k.lines.filter((l) => l.includes("[ERROR]"))).toEqual([]);
    expect(k.lines).toContain(lastLine(ours.stdout));
    // The programs are named suites, as their "# Subtest:" lines say.
    expect(k.lines.some((l) => /^=+ ksft_threads \(\d+ subtests\) =+$/.test(l))).toBe(true);
    expect(k.status).toBe(raw.status === 0 ? 0 : 1);
  });
});
