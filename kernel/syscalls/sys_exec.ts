// kernel/syscalls/sys_exec.ts — execve: read the arguments out of the caller, find the file,
// run `#!` interpreters, replace the image. Follows fs/exec.c do_execveat_common() (6.18):
// argument limits (E2BIG), BINPRM_MAX_RECURSION interpreter levels (ELOOP), other threads of
// the process killed before the new image runs (de_thread), close-on-exec fds closed.

import type { Kernel } from "../kernel";
import type { Task } from "../task";
import type { SyscallHandler } from "./types";
import { NORETURN } from "./types";
import { do_execve } from "../exec";
import { E2BIG, EFAULT, ELOOP, ENOEXEC } from "../errno";
import { MAX_ARG_STRLEN } from "../exec_stack";

const PATH_MAX = 4096;
const MAX_ARG_STRINGS = 0x7fffffff;
const BINPRM_MAX_RECURSION = 4;
/** BINPRM_BUF_SIZE: how much of a `#!` line the kernel reads. */
const BINPRM_BUF_SIZE = 256;

/** A NULL-terminated array of user strings (argv or envp), or -errno. */
function copy_strings(k: Kernel, t: Task, addr: bigint): string[] | number {
  const out: string[] = [];
  if (addr === 0n) return out;
  const dec = new TextDecoder();
  let total = 0;
  for (let i = 0; ; i++) {
    if (i >= MAX_ARG_STRINGS) return -E2BIG;
    const p = k.machine.readUser(t.mm, addr + BigInt(i * 8), 8);
    if (!p) return -EFAULT;
    const ptr = new DataView(p.buffer).getBigUint64(0, true);
    if (ptr === 0n) return out;
    const s = k.machine.readUserString(t.mm, ptr, MAX_ARG_STRLEN);
    if (typeof s === "number") return s === -36 ? -E2BIG : s;
    total += s.length + 1;
    // The loader checks the exact stack limit; this keeps a runaway argv from exhausting us.
    if (total > 1 << 26) return -E2BIG;
    out.push(dec.decode(s));
  }
}

/** Split a `#!` line as load_script() does: interpreter, then one optional argument. */
function parse_shebang(file: Uint8Array): { interp: string; arg: string | null } | null {
  if (file.length < 2 || file[0] !== 0x23 || file[1] !== 0x21) return null;
  const end = Math.min(file.length, BINPRM_BUF_SIZE);
  let nl = file.subarray(2, end).indexOf(10);
  const line = new TextDecoder().decode(file.subarray(2, nl < 0 ? end : nl + 2)).replace(/[ \t]+$/, "");
  const m = /^[ \t]*(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (!m) return null;
  return { interp: m[1], arg: m[2] ?? null };
}

export function sys_execve_common(k: Kernel, t: Task, path: string, argv: string[], envp: string[]): number | typeof NORETURN {
  let filename = path;
  for (let depth = 0; ; depth++) {
    if (depth > BINPRM_MAX_RECURSION) return -ELOOP;
    const f = k.open_exec(t, filename);
    if (typeof f === "number") return f;
    const sh = parse_shebang(f.file);
    if (sh) {
      // argv becomes: interpreter, its argument, the script's path, the rest of argv.
      argv = [sh.interp, ...(sh.arg !== null ? [sh.arg] : []), filename, ...argv.slice(1)];
      filename = sh.interp;
      continue;
    }
    // Other threads of the process go away before the new image runs (de_thread).
    for (const other of [...t.group]) if (other !== t) k.do_exit(other, { kind: "signaled", signo: 9, core: false });
    const err = do_execve(k, t, { file: f.file, filename: path, exe: f.exe, argv, envp });
    if (err) return err.errno === ENOEXEC && depth > 0 ? -ENOEXEC : -err.errno;
    k.on_exec_files(t);
    return NORETURN;
  }
}

export const exec_syscalls: Record<string, SyscallHandler> = {
  execve: (k, t, a) => {
    const p = k.machine.readUserString(t.mm, a[0], PATH_MAX);
    if (typeof p === "number") return p;
    const argv = copy_strings(k, t, a[1]);
    if (typeof argv === "number") return argv;
    const envp = copy_strings(k, t, a[2]);
    if (typeof envp === "number") return envp;
    return sys_execve_common(k, t, new TextDecoder().decode(p), argv, envp);
  },
};
