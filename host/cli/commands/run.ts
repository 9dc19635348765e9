// host/cli/commands/run.ts — `umwasm run [options] <elf> [args...]`: run one static riscv64
// program as qemu-user would: the guest sees the host's files (through hostfs, with the
// kernel's own /proc, /dev and a tmpfs /tmp over them) and starts in the host's working
// directory, the host environment is the guest's, stdio passes through, and the guest's exit
// status becomes ours. --root confines the guest to one host directory; --image runs the
// program on the default initramfs instead.

import * as fs from "node:fs";
import * as path from "node:path";
import { Kernel } from "../../../kernel/kernel";
import { CmdlineError } from "../../../kernel/params";
import { NodePort } from "../../port/node";
import { loadCore } from "../../core";
import { parseOptions, formatOptions, OptionSpec, UsageError } from "../options";
import { signalName, raiseSelf } from "../signals";
import { defaultImage } from "./boot";
import { LOOKUP_FOLLOW, LOOKUP_DIRECTORY } from "../../../kernel/fs/namei";

const OPTIONS: OptionSpec[] = [
  { name: "root", value: "DIR", help: "make the host directory DIR the guest's / and confine it there" },
  { name: "image", help: "run on the default initramfs (what `umwasm boot` boots), not host files" },
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

Files: by default the guest's / is the host's / (hostfs), with the kernel's own /proc, /dev
and an empty tmpfs /tmp mounted over the host's (unless the working directory or <elf> is in
the host's /tmp: then that stays visible), and the guest starts in the host's working
directory; <elf> is looked up there as execve would. With --root=DIR the guest's / is the host directory DIR and nothing outside it can
be reached ('..' and symlinks stay inside); /proc, /dev and /tmp are mounted where DIR has
those directories, and the guest starts in /. With --image the guest's / is the default
initramfs (/bin/sh and the tools) and no host file is visible.

options:
${formatOptions(OPTIONS)}`;

/** strerror for the errors a program lookup can meet. */
const STRERROR: Record<number, string> = {
  1: "Operation not permitted", 2: "No such file or directory", 13: "Permission denied",
  20: "Not a directory", 21: "Is a directory", 36: "File name too long", 40: "Too many levels of symbolic links",
};

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
/** --root's directory as an absolute host path (a usage error if it is not a directory). */
function hostRoot(dir: string): string {
  const abs = path.resolve(dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch (e) {
    throw new UsageError(`--root ${dir}: ${(e as Error).message}`);
  }
  if (!st.isDirectory()) throw new UsageError(`--root ${dir}: not a directory`);
  // The kernel command line splits on white space (hostfs= is one word).
  if (/\s/.test(abs)) throw new UsageError(`--root ${dir}: a directory whose path has no white space, please`);
  return abs;
}

function rootWalk(kernel: Kernel) {
  const root = kernel.fs.vfs.root_path();
  return { root, start: () => root, cred: { uid: 0, gid: 0 } };
}

/** Whether a host path lies in the host's /tmp (after resolving symlinks where it exists). */
function underHostTmp(p: string): boolean {
  let real = p;
  try {
    real = fs.realpathSync(p);
  } catch {
    // a path that does not exist yet is judged as written
  }
  return real === "/tmp" || real.startsWith("/tmp/");
}

/** Take the kernel's tmpfs off /tmp again (mount_defaults put it there). */
function unmountTmp(kernel: Kernel): void {
  const p = kernel.fs.vfs.lookup(rootWalk(kernel), "/tmp", LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
  if (typeof p !== "number" && p.dentry === p.mnt.mnt_root && p.mnt.mnt_sb.s_type.name === "tmpfs") {
    kernel.fs.vfs.do_umount(p, 0);
  }
}

/** Why a program the host has is missing in the guest: it is under a mount of the kernel's. */
function hiddenHint(file: string, errno: number, root: string | null, image: boolean): string {
  if (errno !== 2 || root !== null || image || !fs.existsSync(file)) return "";
  return " (the host has it, but the guest's /tmp, /proc and /dev are the kernel's own)";
}

export function runCommand(argv: string[]): number {
  const { opts, rest } = parseOptions(argv, OPTIONS);
  if (opts.has("help")) {
    process.stdout.write(RUN_USAGE + "\n");
    return 0;
  }
  if (rest.length === 0) throw new UsageError("run: no program given\n\n" + RUN_USAGE);
  if (opts.has("root") && opts.has("image")) throw new UsageError("run: --root and --image exclude each other");
  const file = rest[0];
  const seed = opts.has("seed") ? parseSeed(String(opts.get("seed"))) : undefined;
  const root = opts.has("root") ? hostRoot(String(opts.get("root"))) : null;
  // The root comes first on the command line, so --cmdline can still override it.
  const rootArgs = opts.has("image") ? "" : `${root ? `hostfs=${root} ` : ""}rootfstype=hostfs rootflags=/`;
  const port = new NodePort({ seed });
  let kernel: Kernel;
  try {
    kernel = Kernel.boot(port, loadCore(opts.has("debug-vm")), `${rootArgs} ${String(opts.get("cmdline") ?? "")}`.trim());
  } catch (e) {
    if (e instanceof CmdlineError) throw new UsageError(e.message);
    throw e;
  }
  if (opts.has("image")) {
    const err = kernel.fs.populate_rootfs(new Uint8Array(fs.readFileSync(defaultImage())));
    if (err) throw new Error(`umwasm: the default image: ${err}`);
  }
  const envp = Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
  let cwd = "/";
  if (!root && !opts.has("image")) {
    cwd = process.cwd();
    // Working in the host's /tmp (a scratch checkout, a compiler's output): hiding it behind the
    // kernel's empty tmpfs would hide the program itself, so the host's /tmp stays visible.
    if (underHostTmp(cwd) || underHostTmp(path.resolve(file))) unmountTmp(kernel);
    if (typeof kernel.fs.vfs.lookup(rootWalk(kernel), cwd, LOOKUP_FOLLOW | LOOKUP_DIRECTORY) === "number") {
      process.stderr.write(`umwasm: warning: ${cwd} is hidden in the guest (its /tmp, /proc and /dev are the kernel's); starting in /\n`);
      cwd = "/";
    }
  }
  const task = kernel.spawn_path(file, rest, envp, cwd);
  if ("errno" in task) {
    if (task.message) {
      process.stderr.write(`umwasm: ${file}: ${task.message}\n`);
      return 126;
    }
    process.stderr.write(`umwasm: ${file}: ${STRERROR[task.errno] ?? `error ${task.errno}`}${hiddenHint(file, task.errno, root, opts.has("image"))}\n`);
    // A shell's answers: 127 when there is no such file, 126 when it cannot be executed.
    return task.errno === 2 ? 127 : 126;
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
