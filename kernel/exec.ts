// kernel/exec.ts — execve: a fresh address space, the ELF image in it, the registers reset.
// Follows fs/exec.c (6.18) in order: build the new mm, let the binary loader fill it, and
// only then replace the old one (a failed exec leaves the caller's image intact).

import type { Kernel } from "./kernel";
import type { Task } from "./task";
import { load_elf_binary, ExecMm, ElfLoadResult } from "./binfmt_elf";
import { TASK_SIZE } from "./exec_stack";
import { ENOMEM } from "./errno";
import { mm_set_rlimits } from "./mm_rlimit";
import { SIGRETURN_TRAMPOLINE, SIG_IGN, SIG_DFL } from "./signal";

const MAP_PRIVATE = 0x02;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;

/** AT_HWCAP: one bit per single-letter extension, 'a' = bit 0 (arch/riscv cpufeature.c). */
export const HWCAP_RV64IMAFDC = ["i", "m", "a", "f", "d", "c"]
  .reduce((v, c) => v | (1 << (c.charCodeAt(0) - 97)), 0);

export interface ExecRequest {
  file: Uint8Array;
  /** The path as the caller named it (AT_EXECFN, argv[0] is separate). */
  filename: string;
  /** Absolute path of the executable (/proc/self/exe). */
  exe: string;
  argv: string[];
  envp: string[];
}

/** The loader's view of an mm in the core. */
function exec_mm(k: Kernel, mm: number): ExecMm {
  const core = k.machine.core;
  return {
    map_fixed(addr, len, prot, flags) {
      const r = BigInt.asIntN(64, core.sys_mmap(mm, BigInt(addr), BigInt(len), prot, flags | MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, 0n, 0n, 0));
      return r < 0n ? Number(r) : 0;
    },
    poke(addr, bytes) {
      return k.machine.writeUser(mm, BigInt(addr), bytes) ? 0 : -14;
    },
    protect(addr, len, prot) {
      return core.sys_mprotect(mm, BigInt(addr), BigInt(len), prot);
    },
  };
}

/** Replace task's image with req's program. Returns null, or the error with a message. */
export function do_execve(k: Kernel, task: Task, req: ExecRequest): { errno: number; message: string } | null {
  const m = k.machine;
  const mm = m.mmNew();
  if (mm === 0) return { errno: ENOMEM, message: "out of memory creating the address space" };
  mm_set_rlimits(k, task, mm); // the new image is built under RLIMIT_AS already
  const random_bytes = new Uint8Array(16);
  k.random.fill(random_bytes);
  const stack_limit = k.stack_limit(task);
  const r = load_elf_binary({
    file: req.file, filename: req.filename, argv: req.argv, envp: req.envp, random_bytes,
    uid: task.uid, euid: task.uid, gid: task.gid, egid: task.gid, secure: false,
    stack_top: TASK_SIZE, stack_limit_bytes: stack_limit, hwcap: HWCAP_RV64IMAFDC, clktck: 100,
  }, exec_mm(k, mm));
  if ("errno" in r) {
    m.mmDestroy(mm);
    return r;
  }
  // Point of no return: the new image replaces the old (shared with vfork's parent or with
  // other threads, the old mm loses one user).
  if (task.mm) k.mm_put(task.mm);
  k.mm_get(mm);
  task.mm = mm;
  if (task.vfork_done) {
    k.wake_up(task.vfork_done);
    task.vfork_done = null;
  }
  m.core.mm_set_brk(mm, BigInt(r.start_brk));
  const tramp = map_sigreturn_trampoline(k, mm);
  if (typeof tramp === "number") return { errno: -tramp, message: "out of memory mapping the signal trampoline" };
  task.sigreturn_tramp = tramp;
  // flush_signal_handlers: caught signals go back to their defaults; ignored stay ignored.
  for (const act of task.sighand.action) {
    if (act.handler !== SIG_IGN) {
      act.handler = SIG_DFL;
      act.flags = 0n;
      act.mask = 0n;
    }
  }
  task.sas_ss_sp = 0n;
  task.sas_ss_size = 0n;
  start_thread(k, task, r);
  task.exe = req.exe;
  task.start_stack = BigInt(r.start_stack);
  task.start_code = BigInt(r.start_code);
  task.end_code = BigInt(r.end_code);
  task.mm_args = [BigInt(r.arg_start), BigInt(r.arg_end), BigInt(r.env_start), BigInt(r.env_end)];
  task.comm = comm_of(req.filename);
  task.did_exec = true;
  return null;
}

/** One page holding rt_sigreturn's trampoline, where Linux has the vDSO. Returns its address. */
function map_sigreturn_trampoline(k: Kernel, mm: number): bigint | number {
  const core = k.machine.core;
  const addr = BigInt.asIntN(64, core.sys_mmap(mm, 0n, 4096n, 3, MAP_PRIVATE | MAP_ANONYMOUS, 0, 0n, 0n, 0) as bigint);
  if (addr < 0n) return Number(addr);
  if (!k.machine.writeUser(mm, addr, SIGRETURN_TRAMPOLINE)) return -14;
  const r = core.sys_mprotect(mm, addr, 4096n, 5);
  return r < 0 ? r : addr;
}

/** start_thread (arch/riscv/kernel/process.c): every register zero but pc and sp. */
function start_thread(k: Kernel, task: Task, r: ElfLoadResult): void {
  const m = k.machine;
  for (let i = 1; i < 32; i++) m.setX(task.hart, i, 0n);
  for (let i = 0; i < 32; i++) m.setF(task.hart, i, 0n);
  m.setFcsr(task.hart, 0);
  m.setX(task.hart, 2, BigInt(r.sp));
  m.setPc(task.hart, BigInt(r.entry));
}

/** The task's comm: the file name's last component, 15 bytes at most (TASK_COMM_LEN - 1). */
function comm_of(filename: string): string {
  const base = filename.slice(filename.lastIndexOf("/") + 1);
  return base.slice(0, 15);
}
