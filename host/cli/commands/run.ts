// host/cli/commands/run.ts — `umwasm run [options] <elf> [args...]`: run one static riscv64
// program from the host file system, as qemu-user would: the host environment is the guest's,
// stdio passes through, and the guest's exit status becomes ours.

import * as fs from "node:fs";
import * as path from "node:path";
import { Kernel } from "../../../kernel/kernel";
import { CmdlineError } from "../../../kernel/params";
import { NodePort } from "../../port/node";
import { loadCore } from "../../core";
import { parseOptions, formatOptions, OptionSpec, UsageError } from "../options";
import { signalName, raiseSelf } from "../signals";

const OPTIONS: OptionSpec[] = [
  { name: "cmdline", value: "\"words\"", help: "kernel command line, UML style (e.g. \"mem=512M\")" },
  { name: "seed", value: "N", help: "seed the entropy source (AT_RANDOM, getrandom) for a bit-identical rerun" },
  { name: "stats", help: "print instret and guest wall time to stderr at exit" },
  { name: "debug-vm", help: "use the DEBUG_VM core build (invariant checks after every mm operation)" },
  { name: "help", help: "show this help" },
];

export const RUN_USAGE = `usage: umwasm run [options] <elf> [args...]

Runs a static riscv64 Linux ELF program. The host environment is passed to the guest, stdin,
stdout and stderr pass through, and the guest's exit status becomes umwasm's (a guest killed
by a signal kills umwasm with the same signal).

options:
${formatOptions(OPTIONS)}`;

function parseSeed(s: string): bigint {
  try {
    const v = BigInt(s);
    if (v < 0n || v >= 1n << 64n) throw new Error();
    return v;
  } catch {
    throw new UsageError(`--seed ${s}: expected an integer from 0 to 2^64-1 (decimal or 0x hex)`);
  }
}

/** Returns the process exit status; a guest killed by a signal re-raises it. */
export function runCommand(argv: string[]): number {
  const { opts, rest } = parseOptions(argv, OPTIONS);
  if (opts.has("help")) {
    process.stdout.write(RUN_USAGE + "\n");
    return 0;
  }
  if (rest.length === 0) throw new UsageError("run: no program given\n\n" + RUN_USAGE);
  const file = rest[0];
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    // A shell's answers: 127 when there is no such file, 126 when it cannot be executed.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      process.stderr.write(`umwasm: ${file}: No such file or directory\n`);
      return 127;
    }
    process.stderr.write(`umwasm: ${file}: ${code === "EISDIR" ? "Is a directory" : (e as Error).message}\n`);
    return 126;
  }
  const seed = opts.has("seed") ? parseSeed(String(opts.get("seed"))) : undefined;
  const port = new NodePort({ seed });
  let kernel: Kernel;
  try {
    kernel = Kernel.boot(port, loadCore(opts.has("debug-vm")), String(opts.get("cmdline") ?? ""));
  } catch (e) {
    if (e instanceof CmdlineError) throw new UsageError(e.message);
    throw e;
  }
  // DIVERGES: until hostfs (issue 5) the guest's execve reads host paths directly.
  kernel.open_exec = (_t, p) => {
    const file = port.host_read_file(p);
    return typeof file === "number" ? file : { file, exe: port.host_realpath(p) ?? p };
  };
  const envp = Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
  const task = kernel.spawn({ file: bytes, filename: file, exe: path.resolve(file), argv: rest, envp });
  if ("errno" in task) {
    process.stderr.write(`umwasm: ${file}: ${task.message}\n`);
    return 126;
  }
  const t0 = process.hrtime.bigint();
  const state = kernel.run(task);
  if (opts.has("stats")) {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stderr.write(`umwasm: instret=${task.instret} wall_ms=${ms.toFixed(1)}\n`);
  }
  if (state.kind === "exited") return state.code;
  if (state.kind === "signaled") {
    process.stderr.write(`umwasm: guest killed by signal ${state.signo} (${signalName(state.signo)})${state.core ? " (core dumped)" : ""}\n`);
    raiseSelf(state.signo);
    return 128 + state.signo;
  }
  return 1;
}
