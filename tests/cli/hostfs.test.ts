// tests/cli/hostfs.test.ts — the guest's view of the host under `umwasm run` (hostfs): a guest
// reads and writes host files; tests/fixtures/hostfs_ops.c run natively and through hostfs
// prints the same results and errnos; --root confines the guest ('..' and symlinks cannot
// leave); --image runs on the initramfs; /proc, /dev and /tmp are the kernel's own, except
// that a program or working directory in the host's /tmp keeps the host's /tmp visible.

import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import {
  chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const cli = join(repoRoot, "build/umwasm.mjs");
const umbox = join(repoRoot, "userland/images/rootfs/bin/umbox");

let dir: string;
beforeAll(() => {
  mkdirSync(join(repoRoot, ".scratch"), { recursive: true });
  dir = mkdtempSync(join(repoRoot, ".scratch", "umwasm-hostfs-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function umwasm(args: string[], cwd = repoRoot): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 60_000, cwd });
}

describe("umwasm run on the host's files", () => {
  it("a guest reads a host file and writes another, relative to the host's working directory", () => {
    writeFileSync(join(dir, "in.txt"), "host bytes\n");
    const r = umwasm(["run", umbox, "cp", "in.txt", "out.txt"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe("host bytes\n");
    const c = umwasm(["run", umbox, "cat", join(dir, "out.txt")]);
    expect(c.stdout).toBe("host bytes\n");
  });

  it("the kernel's /proc, /dev and an empty tmpfs /tmp are mounted over the host's", () => {
    // The program must live outside the host's /tmp (or the host's /tmp stays visible): a
    // checkout under /tmp runs a copy from the home directory's cache.
    let prog = umbox;
    if (repoRoot.startsWith("/tmp/")) {
      const cache = join(homedir(), ".cache", "umwasm", `run-test-${process.pid}`);
      mkdirSync(cache, { recursive: true });
      prog = join(cache, "umbox");
      copyFileSync(umbox, prog);
      chmodSync(prog, 0o755);
    }
    try {
      const r = umwasm(["run", prog, "cat", "/proc/mounts"], "/");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^none \/ hostfs rw/m);
      expect(r.stdout).toMatch(/^proc \/proc proc /m);
      expect(r.stdout).toMatch(/^devtmpfs \/dev devtmpfs /m);
      expect(r.stdout).toMatch(/^tmpfs \/tmp tmpfs /m);
      expect(umwasm(["run", prog, "ls", "/tmp"], "/").stdout).toBe("");
    } finally {
      if (prog !== umbox) rmSync(dirname(prog), { recursive: true, force: true });
    }
  });

  it("the guest starts in the host's working directory", () => {
    const sh = join(repoRoot, "userland/images/rootfs/bin/sh");
    expect(umwasm(["run", sh, "-c", "pwd"], dir).stdout).toBe(dir + "\n");
  });

  it("a program in the host's /tmp keeps the host's /tmp visible", () => {
    const tmp = mkdtempSync(join("/tmp", "umwasm-visible-"));
    const prog = join(tmp, "umbox");
    copyFileSync(umbox, prog);
    chmodSync(prog, 0o755);
    writeFileSync(join(tmp, "marker"), "");
    try {
      const r = umwasm(["run", prog, "ls", tmp], "/");
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout.split("\n")).toContain("marker");
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("file mappings of host files behave as on Linux (filemap.c with its /tmp on the host)", () => {
    // Working in the host's /tmp keeps it visible, so filemap's /tmp files are hostfs files:
    // shared stores reach the host file, truncation gives SIGBUS, write() reaches the mapping.
    const tmp = mkdtempSync(join("/tmp", "umwasm-filemap-"));
    try {
      const r = umwasm(["run", join(repoRoot, "userland/images/tests/filemap")], tmp);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(readFileSync(join(repoRoot, "tests/differential/expected/filemap.out"), "utf8"));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("a file without execute permission: status 126, Permission denied", () => {
    writeFileSync(join(dir, "noexec"), readFileSync(umbox), { mode: 0o644 });
    const r = umwasm(["run", join(dir, "noexec"), "true"]);
    expect(r.status).toBe(126);
    expect(r.stderr).toContain("Permission denied");
  });

  it("hostfs_ops.c prints the same results natively and through hostfs", () => {
    const src = join(repoRoot, "tests/fixtures/hostfs_ops.c");
    const native = join(dir, "ops_native");
    const guest = join(dir, "ops_rv");
    const cc = spawnSync("gcc", ["-O2", "-o", native, src], { encoding: "utf8" });
    const rv = spawnSync("riscv64-linux-gnu-gcc", ["-static", "-O2", "-o", guest, src], { encoding: "utf8" });
    if (cc.error || cc.status !== 0 || rv.error || rv.status !== 0) {
      console.log(`skipped: needs gcc and riscv64-linux-gnu-gcc: ${cc.stderr ?? ""}${rv.stderr ?? ""}${rv.error ?? ""}`);
      return;
    }
    mkdirSync(join(dir, "n"));
    mkdirSync(join(dir, "u"));
    const n = spawnSync(native, [join(dir, "n")], { encoding: "utf8" });
    const u = umwasm(["run", guest, join(dir, "u")]);
    expect(n.status).toBe(0);
    expect(u.stderr).toBe("");
    expect(u.status).toBe(0);
    expect(u.stdout).toBe(n.stdout);
    expect(n.stdout).toContain("renameat2 EXCHANGE = 0");
  });
});

describe("umwasm run --root", () => {
  let jail: string;
  beforeAll(() => {
    jail = join(dir, "jail");
    mkdirSync(join(jail, "bin"), { recursive: true });
    mkdirSync(join(jail, "sub"));
    copyFileSync(umbox, join(jail, "bin/umbox"));
    spawnSync("chmod", ["755", join(jail, "bin/umbox")]);
    writeFileSync(join(jail, "inside.txt"), "inside\n");
    writeFileSync(join(dir, "outside.txt"), "outside\n");
    symlinkSync("/", join(jail, "abs"));
    symlinkSync("../../../../../..", join(jail, "sub/up"));
    symlinkSync(join(dir, "outside.txt"), join(jail, "direct"));
  });

  it("the host directory is the guest's /: the program is found in it and the guest starts in /", () => {
    const r = umwasm(["run", `--root=${jail}`, "/bin/umbox", "cat", "inside.txt"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("inside\n");
    const l = umwasm(["run", "--root", jail, "/bin/umbox", "ls", "/"]);
    expect(l.stdout.split("\n").filter(Boolean).sort()).toEqual(["abs", "bin", "direct", "inside.txt", "sub"]);
  });

  it("'..', absolute and relative symlinks and host paths cannot leave it", () => {
    for (const p of ["/../outside.txt", "/../../outside.txt", "/abs/../outside.txt", "/sub/up/outside.txt",
      "/direct", `${dir}/outside.txt`]) {
      const r = umwasm(["run", `--root=${jail}`, "/bin/umbox", "cat", p]);
      expect(r.stdout, p).toBe("");
      expect(r.stderr, p).toContain("No such file or directory");
      expect(r.status, p).toBe(1);
    }
    // The links resolve inside the root instead.
    expect(umwasm(["run", `--root=${jail}`, "/bin/umbox", "cat", "/abs/inside.txt"]).stdout).toBe("inside\n");
    expect(umwasm(["run", `--root=${jail}`, "/bin/umbox", "cat", "/sub/up/inside.txt"]).stdout).toBe("inside\n");
  });

  it("a program outside the root is not found; a missing root is a usage error", () => {
    expect(umwasm(["run", `--root=${jail}`, umbox, "true"]).status).toBe(127);
    const r = umwasm(["run", `--root=${join(dir, "nope")}`, "/bin/umbox", "true"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--root");
    expect(umwasm(["run", "--root=/", "--image", "/bin/sh"]).status).toBe(2);
  });
});

describe("umwasm run --image", () => {
  it("runs the program on the default initramfs: /bin/sh and the tools, no host files", () => {
    const r = umwasm(["run", "--image", "/bin/sh", "-c", "ls /bin | grep -c umbox; pwd; cat /README.md"]);
    expect(r.stdout).toBe("1\n/\n");
    expect(r.stderr).toContain("No such file or directory");
    expect(existsSync(join(repoRoot, "README.md"))).toBe(true);
  });
});
