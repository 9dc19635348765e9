// kernel/fork.ts — clone(): a new task sharing or copying its creator's resources.
// Follows kernel/fork.c copy_process() (6.18): the flag checks in Linux's order, then the
// copies. The child's registers are the parent's at the ecall, with a0 = 0, the new stack and
// TLS when given; it runs when the scheduler reaches it. CLONE_VFORK puts the parent to sleep
// until the child execs or exits.

import type { Kernel } from "./kernel";
import { Task } from "./task";
import { files_struct_copy } from "./fs/fdtable";
import { fs_struct_copy } from "./fs/fs_struct";
import { EINVAL, ENOMEM, EAGAIN } from "./errno";
import { block, Blocked, WaitQueue } from "./sched";
import { RLIMIT_NPROC } from "./task";

export const CSIGNAL = 0xff;
export const CLONE_VM = 0x100;
export const CLONE_FS = 0x200;
export const CLONE_FILES = 0x400;
export const CLONE_SIGHAND = 0x800;
export const CLONE_PIDFD = 0x1000;
export const CLONE_PTRACE = 0x2000;
export const CLONE_VFORK = 0x4000;
export const CLONE_PARENT = 0x8000;
export const CLONE_THREAD = 0x10000;
export const CLONE_NEWNS = 0x20000;
export const CLONE_SYSVSEM = 0x40000;
export const CLONE_SETTLS = 0x80000;
export const CLONE_PARENT_SETTID = 0x100000;
export const CLONE_CHILD_CLEARTID = 0x200000;
export const CLONE_DETACHED = 0x400000;
export const CLONE_UNTRACED = 0x800000;
export const CLONE_CHILD_SETTID = 0x1000000;
/** Namespaces and other flags this kernel does not offer (CLONE_NEW*, CLONE_IO...). */
const CLONE_UNSUPPORTED = 0x7e020000 & ~CLONE_NEWNS;

export interface CloneArgs {
  flags: number;
  stack: bigint;
  parent_tid: bigint;
  child_tid: bigint;
  tls: bigint;
}

/** The tid word written into user memory (CLONE_*_SETTID). */
function tid_bytes(pid: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, pid, true);
  return b;
}

/** kernel_clone: returns the child's pid, -errno, or (for vfork) a Blocked parent that the
 *  restarted syscall turns into the child's pid. */
export function kernel_clone(k: Kernel, parent: Task, args: CloneArgs): number | Blocked {
  const f = args.flags;
  // copy_process()'s checks, in order.
  if ((f & (CLONE_NEWNS | CLONE_FS)) === (CLONE_NEWNS | CLONE_FS)) return -EINVAL;
  if (f & CLONE_THREAD && !(f & CLONE_SIGHAND)) return -EINVAL;
  if (f & CLONE_SIGHAND && !(f & CLONE_VM)) return -EINVAL;
  if (f & CLONE_PIDFD && f & CLONE_DETACHED) return -EINVAL;
  if (f & (CLONE_UNSUPPORTED | CLONE_NEWNS)) return -EINVAL; // DIVERGES: no namespaces
  let procs = 0;
  for (const t of k.tasks.values()) if (t.uid === parent.uid && t.state.kind === "running") procs++;
  if (BigInt(procs) >= parent.rlim[RLIMIT_NPROC].cur && parent.uid !== 0) return -EAGAIN;

  const m = k.machine;
  let mm = parent.mm;
  if (!(f & CLONE_VM)) {
    mm = m.core.mm_dup(parent.mm) >>> 0;
    if (mm === 0) return -ENOMEM;
  }
  const hart = m.hartAlloc();
  m.copyHart(hart, parent.hart);
  const child = new Task(k.alloc_pid(), hart, mm, parent.rlim.map((r) => ({ ...r })));
  k.mm_get(mm);
  child.comm = parent.comm;
  child.exe = parent.exe;
  child.uid = parent.uid;
  child.gid = parent.gid;
  child.pgid = parent.pgid;
  child.sid = parent.sid;
  // Files: shared table with CLONE_FILES, else a copy of the table (the files themselves are
  // shared either way, as after dup()).
  if (f & CLONE_FILES) parent.files.users++;
  child.files = f & CLONE_FILES ? parent.files : files_struct_copy(parent.files);
  if (f & CLONE_FS && parent.fs) parent.fs.users++;
  child.fs = f & CLONE_FS ? parent.fs : parent.fs && fs_struct_copy(parent.fs);
  child.sighand = f & CLONE_SIGHAND ? parent.sighand : parent.sighand.copy();
  child.blocked = parent.blocked;
  child.sigreturn_tramp = parent.sigreturn_tramp;
  child.mempolicy = parent.mempolicy; // mpol_dup
  child.start_stack = parent.start_stack;
  child.start_code = parent.start_code;
  child.end_code = parent.end_code;
  child.mm_args = parent.mm_args;
  child.ctty = parent.ctty;
  // A new thread sharing the stack pointer's memory must not inherit an alternate stack.
  if (!((f & (CLONE_VM | CLONE_VFORK)) === CLONE_VM)) {
    child.sas_ss_sp = parent.sas_ss_sp;
    child.sas_ss_size = parent.sas_ss_size;
  }
  if (f & CLONE_THREAD) {
    child.tgid = parent.tgid;
    child.group = parent.group;
    child.group.push(child);
    child.exit_signal = -1;
    child.parent = parent.parent;
  } else {
    child.exit_signal = f & CSIGNAL;
    child.parent = f & CLONE_PARENT ? parent.parent : parent;
  }
  child.parent?.children.push(child);
  m.setX(hart, 10, 0n);
  if (args.stack !== 0n) m.setX(hart, 2, args.stack);
  if (f & CLONE_SETTLS) m.setX(hart, 4, args.tls);
  if (f & CLONE_CHILD_CLEARTID) child.clear_child_tid = args.child_tid;
  if (f & CLONE_CHILD_SETTID) m.writeUser(mm, args.child_tid, tid_bytes(child.pid));
  if (f & CLONE_PARENT_SETTID) m.writeUser(parent.mm, args.parent_tid, tid_bytes(child.pid));
  k.enqueue(child);
  if (f & CLONE_VFORK) {
    child.vfork_done = new WaitQueue();
    return block(child.vfork_done, null, child.pid);
  }
  return child.pid;
}
