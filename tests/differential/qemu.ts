// tests/differential/qemu.ts — locate qemu-user for riscv64 and run guest programs.
// Owns: process handling for differential tests (qemu and `node build/umwasm.mjs run`), so every
// suite collects output, status and timeouts the same way.

import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

export const QEMU_MISSING_REASON = "qemu-riscv64 not installed: apt-get install qemu-user-static";

/** The first executable named `name` on PATH, or null. */
export function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return null;
}

/** qemu-riscv64 (distribution builds) or qemu-riscv64-static (qemu-user-static), else null. */
export function findQemuRiscv64(): string | null {
  return findOnPath("qemu-riscv64") ?? findOnPath("qemu-riscv64-static");
}

export interface RunResult {
  status: number | null; // exit status, null when killed by a signal
  signal: string | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

/** Run argv to completion, capturing stdout bytes exactly (it carries binary dump records). */
export function runProgram(argv: readonly string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8"), timedOut });
    });
  });
}

/** Run async jobs with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, job: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
