// Differential test of whole guest programs: every image in userland/images/tests/ runs under
// umwasm and must print exactly what it prints under qemu-riscv64 (same binary, same argv, same
// environment) and exit with the same status.
//
// Two oracles, so a machine without qemu still tests the CPU:
//   1. qemu-riscv64, run now (skipped with a note when it is not installed);
//   2. tests/differential/expected/<name>.out, qemu's stdout committed to the repository.
// The exit status each program must return is in PROGRAMS below; qemu checks that table too.
//
// Regenerate the expected files after changing a program (needs qemu-riscv64):
//   UMWASM_UPDATE_EXPECTED=1 npx vitest run tests/differential/programs.test.ts
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findOnPath, findQemuRiscv64, QEMU_MISSING_REASON } from "./qemu";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
// Images are named by their path relative to the repository root, and every process runs with
// the root as its working directory, so argv[0] (which args.c prints) is the same everywhere.
const imageDir = "userland/images/tests";
const expectedDir = join(repoRoot, "tests/differential/expected");
const umwasmCli = join(repoRoot, "build/umwasm.mjs");
const runTimeoutMs = 60_000;

// The environment every guest sees. Both runners pass the host environment through to the
// guest the way qemu-user does, so a small explicit one keeps the output independent of the
// machine. UMWASM_TEST checks that values with spaces and '=' survive.
const guestEnv: Record<string, string> = {
  PATH: "/usr/bin",
  HOME: "/root",
  LANG: "C",
  UMWASM_TEST: "a=b c",
};

interface Program {
  args: string[];
  status: number;
  /** Which oracle the output is checked against besides the committed file: qemu-riscv64
   *  (default), or the host kernel running the same source compiled natively — for what
   *  qemu-user cannot do, such as execve of a riscv64 binary on an x86-64 host. */
  oracle?: "qemu" | "native";
}

// Every image needs an entry: adding a program means stating its arguments and exit status.
const PROGRAMS: Record<string, Program> = {
  args: { args: ["one", "two words", "", "--flag=x"], status: 5 },
  atomics: { args: [], status: 0 },
  fpfmt: { args: [], status: 0 },
  hello: { args: [], status: 3 },
  intops: { args: [], status: 0 },
  procs: { args: [], status: 0 },
  recursion: { args: [], status: 0 },
  setjmp: { args: [], status: 0 },
  signals: { args: [], status: 0 },
  exec: { args: [], status: 0, oracle: "native" },
  madvise: { args: [], status: 0, oracle: "native" },
  mlock: { args: [], status: 0, oracle: "native" },
  sysmisc: { args: [], status: 0, oracle: "native" },
  poll: { args: [], status: 0, oracle: "native" },
  epoll: { args: [], status: 0, oracle: "native" },
  rlimit: { args: [], status: 0, oracle: "native" },
  kmsg: { args: [], status: 0, oracle: "native" },
  robust: { args: [], status: 0, oracle: "native" },
  mremap: { args: [], status: 0, oracle: "native" },
  mempolicy: { args: [], status: 0, oracle: "native" },
  vma_merge: { args: [], status: 0, oracle: "native" },
  mmaps: { args: [], status: 0, oracle: "native" },
  sigwait: { args: [], status: 0, oracle: "native" },
  filemap: { args: [], status: 0, oracle: "native" },
  pagemap: { args: [], status: 0, oracle: "native" },
  uffd_wp: { args: [], status: 0, oracle: "native" },
};

// Guest kselftest programs (userland/src/selftests/, in the default image as links to one
// multi-call binary, which `umwasm run` follows) that also run outside the image, so the host
// kernel can judge them. ksft_pipeline needs the image's /bin/sh.
const selftestImageDir = "userland/images/rootfs/usr/lib/kselftest";
const SELFTESTS: Record<string, Program> = {
  ksft_threads: { args: [], status: 0, oracle: "native" },
  ksft_nproc: { args: [], status: 0, oracle: "native" },
  ksft_sigframe: { args: [], status: 0, oracle: "native" },
  ksft_jobctl: { args: [], status: 0, oracle: "native" },
  ksft_sigbus: { args: [], status: 0, oracle: "native" },
};

function program(name: string): Program {
  return SELFTESTS[name] ?? PROGRAMS[name];
}

function imagePath(name: string): string {
  return name in SELFTESTS ? `${selftestImageDir}/${name}` : `${imageDir}/${name}`;
}

function sourcePath(name: string): string {
  return join(repoRoot, name in SELFTESTS ? "userland/src/selftests" : "userland/src/tests", `${name}.c`);
}

interface RunResult {
  stdout: string;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
}

function listImages(): string[] {
  const dir = join(repoRoot, imageDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => !name.startsWith(".")).sort();
}

function run(command: string, argv: string[]): RunResult {
  const r: SpawnSyncReturns<string> = spawnSync(command, argv, {
    cwd: repoRoot,
    env: guestEnv,
    encoding: "utf8",
    timeout: runTimeoutMs,
    maxBuffer: 64 << 20,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (r.error) throw new Error(`${command} ${argv.join(" ")}: ${r.error.message}`);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal };
}

function runQemu(qemu: string, name: string): RunResult {
  return run(qemu, [imagePath(name), ...program(name).args]);
}

function runUmwasm(name: string): RunResult {
  if (!existsSync(umwasmCli)) throw new Error(`${umwasmCli} is missing: run npm run build`);
  return run(process.execPath, [umwasmCli, "run", imagePath(name), ...program(name).args]);
}

function describeExit(r: RunResult): string {
  return r.signal !== null ? `signal ${r.signal}` : `status ${r.status}`;
}

const images = listImages();
const qemu = findQemuRiscv64();
const updateExpected = process.env.UMWASM_UPDATE_EXPECTED === "1";

describe("guest test programs", () => {
  it("has images, each with an entry in PROGRAMS", () => {
    expect(images.length).toBeGreaterThan(0);
    expect(images.filter((name) => !(name in PROGRAMS))).toEqual([]);
    expect(Object.keys(PROGRAMS).filter((name) => !images.includes(name))).toEqual([]);
  });
});

const qemuSkipReason = QEMU_MISSING_REASON;
if (qemu === null) console.log(`tests/differential/programs: ${qemuSkipReason}`);

(qemu === null ? describe.skip : describe)(`against qemu-riscv64 (${qemu ?? qemuSkipReason})`, () => {
  for (const name of images.filter((n) => (PROGRAMS[n]?.oracle ?? "qemu") === "qemu")) {
    it(`qemu runs ${name} with the expected status and output`, () => {
      const q = runQemu(qemu!, name);
      expect(describeExit(q), `stderr from qemu:\n${q.stderr}`).toBe(`status ${PROGRAMS[name].status}`);
      const expectedFile = join(expectedDir, `${name}.out`);
      if (updateExpected) writeFileSync(expectedFile, q.stdout);
      expect(q.stdout).toBe(readFileSync(expectedFile, "utf8"));
    });

    it(`umwasm matches qemu on ${name}`, () => {
      const q = runQemu(qemu!, name);
      const u = runUmwasm(name);
      expect(u.stdout, `stderr from umwasm:\n${u.stderr}`).toBe(q.stdout);
      expect(describeExit(u)).toBe(describeExit(q));
    });
  }
});

const hostCc = findOnPath("gcc") ?? findOnPath("cc");
const nativeSkipReason = "no host C compiler (gcc) to build the native oracle";
(hostCc === null ? describe.skip : describe)(`against the host kernel (${hostCc ?? nativeSkipReason})`, () => {
  for (const name of [...images, ...Object.keys(SELFTESTS)].filter((n) => program(n)?.oracle === "native")) {
    it(`umwasm matches the native build of ${name} on the host kernel`, () => {
      const dir = mkdtempSync(join(tmpdir(), "umwasm-native-"));
      const exe = join(dir, name);
      const cc = spawnSync(hostCc!, ["-O2", "-o", exe, sourcePath(name)], { encoding: "utf8" });
      expect(cc.status, cc.stderr).toBe(0);
      // Same argv[0] shape as the image run: a path relative to the working directory.
      const n = spawnSync(exe, program(name).args, { cwd: dir, env: guestEnv, encoding: "utf8", argv0: `./${name}` });
      const u = runUmwasm(name);
      expect(u.stdout, `stderr from umwasm:\n${u.stderr}`).toBe(n.stdout);
      expect(describeExit(u)).toBe(`status ${n.status}`);
      if (updateExpected) writeFileSync(join(expectedDir, `${name}.out`), n.stdout);
      rmSync(dir, { recursive: true, force: true });
    });
  }
});
if (hostCc === null) console.log(`tests/differential/programs: ${nativeSkipReason}`);

describe("against the committed expected output", () => {
  for (const name of [...images, ...Object.keys(SELFTESTS)]) {
    it(`umwasm runs ${name} as recorded`, () => {
      const expectedFile = join(expectedDir, `${name}.out`);
      expect(existsSync(expectedFile), `${expectedFile} is missing`).toBe(true);
      const u = runUmwasm(name);
      expect(u.stdout, `stderr from umwasm:\n${u.stderr}`).toBe(readFileSync(expectedFile, "utf8"));
      expect(describeExit(u)).toBe(`status ${program(name).status}`);
    });
  }
});
