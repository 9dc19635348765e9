// tests/cli/run.test.ts — `umwasm run` as a user meets it: the bundled CLI (build/umwasm.mjs)
// spawned as a child process. Help and usage errors, files that are missing or not riscv64
// programs (a message naming the problem and the shell's statuses 127 and 126, never a stack
// trace), --seed reproducibility of AT_RANDOM, --stats, the guest's exit status passing
// through, and a guest killed by a signal killing umwasm with that signal.

import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as E from "../differential/rvgen/encode";
import { writeElf, ELF_TEXT_VADDR } from "../differential/rvgen/elf_writer";
import { assemble } from "../helpers/tiny_guest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const cli = join(repoRoot, "build/umwasm.mjs");
const A0 = 10, A7 = 17, T0 = 5;
const NR_EXIT_GROUP = 94;

let dir: string;
beforeAll(() => {
  // Not under /tmp: the guest's /tmp is the kernel's own tmpfs, so programs there are hidden.
  mkdirSync(join(repoRoot, ".scratch"), { recursive: true });
  dir = mkdtempSync(join(repoRoot, ".scratch", "umwasm-cli-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function umwasm(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 60_000 });
}

/** A tiny static riscv64 ELF of these instructions, written to a file in the test directory. */
function tinyElf(name: string, insns: E.Insn[]): string {
  const path = join(dir, name);
  writeFileSync(path, writeElf({ entry: ELF_TEXT_VADDR, text: assemble(insns), data: new Uint8Array(16) }), { mode: 0o755 });
  return path;
}
const exitWith = (code: number): E.Insn[] => [E.addi(A7, 0, NR_EXIT_GROUP), E.addi(A0, 0, code), E.ecall()];

function expectNoStackTrace(r: SpawnSyncReturns<string>): void {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/Error:/);
}

describe("umwasm run: options", () => {
  it("--help exits 0 and documents --root, --image, --cmdline, --seed and --stats", () => {
    const r = umwasm(["run", "--help"]);
    expect(r.status).toBe(0);
    for (const opt of ["--root", "--image", "--cmdline", "--seed", "--stats"]) expect(r.stdout).toContain(opt);
  });

  it("an unknown option is a usage error (status 2)", () => {
    const r = umwasm(["run", "--no-such-option", "x"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--no-such-option");
    expectNoStackTrace(r);
  });

  it("no program is a usage error (status 2)", () => {
    const r = umwasm(["run"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no program");
  });

  it("--cmdline mem=1K is a usage error (status 2) that names the parameter", () => {
    const r = umwasm(["run", "--cmdline", "mem=1K", tinyElf("exit0", exitWith(0))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("mem=1K");
    expectNoStackTrace(r);
  });

  it("--seed rejects a value that is not a 64-bit integer", () => {
    const r = umwasm(["run", "--seed", "banana", tinyElf("exit0", exitWith(0))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--seed");
  });

  it("--stats prints the exact instruction count", () => {
    const r = umwasm(["run", "--stats", tinyElf("exit0", exitWith(0))]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/instret=3 /);
  });
});

describe("umwasm run: files that are not runnable", () => {
  it("a missing file: status 127 and a message", () => {
    const r = umwasm(["run", join(dir, "does-not-exist")]);
    expect(r.status).toBe(127);
    expect(r.stderr).toContain("does-not-exist: No such file or directory");
    expectNoStackTrace(r);
  });

  const notElf: [string, () => Uint8Array, RegExp][] = [
    ["a text file", () => new TextEncoder().encode("#!/bin/sh\necho hi\n"), /not an ELF file/],
    ["an empty file", () => new Uint8Array(0), /not an ELF file/],
    ["an ELF header alone (program headers cut off)", () => writeElf({ entry: ELF_TEXT_VADDR, text: assemble(exitWith(0)), data: new Uint8Array(16) }).subarray(0, 64), /program headers .* past the end/],
    ["a riscv ELF cut inside its text", () => writeElf({ entry: ELF_TEXT_VADDR, text: assemble(exitWith(0)), data: new Uint8Array(16) }).subarray(0, 0x1004), /past the end/],
    ["an x86-64 ELF header", () => {
      const elf = writeElf({ entry: ELF_TEXT_VADDR, text: assemble(exitWith(0)), data: new Uint8Array(16) });
      new DataView(elf.buffer).setUint16(18, 62, true); // e_machine = EM_X86_64
      return elf;
    }, /e_machine 62 is not EM_RISCV/],
  ];
  for (const [what, bytes, message] of notElf) {
    it(`${what}: status 126 and a message naming the problem`, () => {
      const path = join(dir, what.replace(/\W+/g, "_"));
      writeFileSync(path, bytes(), { mode: 0o755 });
      const r = umwasm(["run", path]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain(path);
      expect(r.status).toBe(126);
      expectNoStackTrace(r);
    });
  }

  it("the host's /bin/true (an x86-64 or other non-riscv ELF): status 126", () => {
    if (!existsSync("/bin/true")) {
      console.log("skipped: no /bin/true on this host");
      return;
    }
    const machine = readFileSync("/bin/true").readUInt16LE(18);
    if (machine === 243) {
      console.log("skipped: /bin/true is a riscv ELF on this host");
      return;
    }
    const r = umwasm(["run", "/bin/true"]);
    expect(r.status).toBe(126);
    expect(r.stderr).toContain(`e_machine ${machine} is not EM_RISCV`);
    expectNoStackTrace(r);
  });

  it("a directory: a message naming it, no stack trace", () => {
    const r = umwasm(["run", dir]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(dir);
    expectNoStackTrace(r);
  });
});

describe("umwasm run: the guest's fate is ours", () => {
  it("the exit status passes through", () => {
    for (const code of [0, 1, 42, 255]) {
      const r = umwasm(["run", tinyElf(`exit${code}`, exitWith(code))]);
      expect(r.status, `exit ${code}`).toBe(code);
      expect(r.signal).toBeNull();
    }
  });

  it("a guest that segfaults kills umwasm with SIGSEGV", () => {
    const r = umwasm(["run", tinyElf("segv", [E.addi(T0, 0, 8), E.sd(0, T0, 0)])]);
    // The CLI re-raises the guest's signal on itself, as qemu-user does; 139 is what a shell
    // would report if the re-raise were not possible.
    expect(r.signal === "SIGSEGV" || r.status === 139, `status ${r.status} signal ${r.signal}`).toBe(true);
    expect(r.signal).toBe("SIGSEGV");
    expect(r.stderr).toContain("signal 11 (Segmentation fault)");
    expectNoStackTrace(r);
  });

  it("a guest that executes an illegal instruction kills umwasm with SIGILL", () => {
    const r = umwasm(["run", tinyElf("sigill", [{ bits: 0, size: 2, asm: "c.unimp" }])]);
    expect(r.signal).toBe("SIGILL");
    expect(r.stderr).toContain("signal 4 (Illegal instruction)");
  });
});

describe("umwasm run --seed", () => {
  // A guest that prints its 16 AT_RANDOM bytes in hex; needs the riscv64 cross compiler.
  const source = `#include <stdio.h>
#include <sys/auxv.h>
int main(void) {
  const unsigned char *p = (const unsigned char *)getauxval(AT_RANDOM);
  for (int i = 0; i < 16; i++) printf("%02x", p[i]);
  printf("\\n");
  return 0;
}
`;
  let guest: string | null = null;
  let reason = "";
  beforeAll(() => {
    const c = join(dir, "at_random.c");
    writeFileSync(c, source);
    const out = join(dir, "at_random");
    const r = spawnSync("riscv64-linux-gnu-gcc", ["-static", "-O2", "-o", out, c], { encoding: "utf8" });
    if (r.error || r.status !== 0) reason = r.error ? String(r.error.message) : r.stderr;
    else guest = out;
  });

  it("the same seed gives the same AT_RANDOM bytes, a different seed different ones", () => {
    if (!guest) {
      console.log(`skipped: cannot build the AT_RANDOM guest with riscv64-linux-gnu-gcc: ${reason}`);
      return;
    }
    const run = (seed: string): string => {
      const r = umwasm(["run", "--seed", seed, guest!]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^[0-9a-f]{32}\n$/);
      return r.stdout;
    };
    const a = run("5");
    expect(run("5")).toBe(a);
    expect(run("0x5")).toBe(a);
    expect(run("6")).not.toBe(a);
  });
});
