// kernel/task.ts — struct task_struct, the parts this kernel has so far.
// A task owns a hart (its registers in the core) and shares an mm (its address space, also in
// the core). Resource limits and the robust-list/clear-tid pointers are kept for the syscalls
// that read them; process-level state grows here as fork/exec/signals arrive.

import type { File } from "./fs/file";
import { FilesStruct } from "./fs/fdtable";
import type { FsStruct } from "./fs/fs_struct";
import { WaitQueue, Blocked } from "./sched";
import { SigHand, SigInfo } from "./signal";
import type { Block } from "./fs/wait";
import type { Tty } from "./tty/tty";

export const RLIMIT_CPU = 0;
export const RLIMIT_FSIZE = 1;
export const RLIMIT_DATA = 2;
export const RLIMIT_STACK = 3;
export const RLIMIT_CORE = 4;
export const RLIMIT_RSS = 5;
export const RLIMIT_NPROC = 6;
export const RLIMIT_NOFILE = 7;
export const RLIMIT_MEMLOCK = 8;
export const RLIMIT_AS = 9;
export const RLIMIT_LOCKS = 10;
export const RLIMIT_SIGPENDING = 11;
export const RLIMIT_MSGQUEUE = 12;
export const RLIMIT_NICE = 13;
export const RLIMIT_RTPRIO = 14;
export const RLIMIT_RTTIME = 15;
export const RLIM_NLIMITS = 16;
export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

export interface Rlimit {
  cur: bigint;
  max: bigint;
}

/** init's limits (include/asm-generic/resource.h INIT_RLIMITS; NPROC and SIGPENDING as
 *  fork_init() derives them for this machine's memory). */
export function init_rlimits(max_threads: number): Rlimit[] {
  const inf = RLIM_INFINITY;
  const r: Rlimit[] = [];
  for (let i = 0; i < RLIM_NLIMITS; i++) r.push({ cur: inf, max: inf });
  r[RLIMIT_STACK] = { cur: 8n << 20n, max: inf };
  r[RLIMIT_CORE] = { cur: 0n, max: inf };
  r[RLIMIT_NPROC] = { cur: BigInt(max_threads >> 1), max: BigInt(max_threads >> 1) };
  r[RLIMIT_NOFILE] = { cur: 1024n, max: 4096n };
  r[RLIMIT_MEMLOCK] = { cur: 8n << 20n, max: 8n << 20n };
  r[RLIMIT_SIGPENDING] = { cur: BigInt(max_threads >> 1), max: BigInt(max_threads >> 1) };
  r[RLIMIT_MSGQUEUE] = { cur: 819200n, max: 819200n };
  r[RLIMIT_NICE] = { cur: 0n, max: 0n };
  r[RLIMIT_RTPRIO] = { cur: 0n, max: 0n };
  return r;
}

export type ExitState =
  | { kind: "running" }
  | { kind: "exited"; code: number }
  | { kind: "signaled"; signo: number; core: boolean };

export class Task {
  pid: number;
  tgid: number;
  /** The core's hart (register block) of this task. */
  hart: number;
  /** The core's mm_struct of this task's address space. */
  mm: number;
  comm: string;
  /** Absolute path of the executable, for /proc/self/exe. */
  exe: string;
  /** The fd table with close-on-exec bits (shared by CLONE_FILES threads; fs/fdtable.ts). */
  files = new FilesStruct();
  /** Root, cwd and umask (shared by CLONE_FS threads; fs/fs_struct.ts); set at spawn/fork. */
  fs: FsStruct | null = null;
  /** The fd slots of files (what older code indexes directly). */
  get fds(): (File | null)[] {
    return this.files.fd;
  }
  set fds(v: (File | null)[]) {
    this.files.fd = v;
    this.files.cloexec = v.map(() => false);
  }
  rlim: Rlimit[];
  clear_child_tid = 0n;
  robust_list = 0n;
  robust_list_len = 0n;
  state: ExitState = { kind: "running" };
  /** Instructions retired, final once the task has exited. */
  instret = 0n;
  uid = 0;
  gid = 0;
  /** Process tree: the parent waits for us; our children are reaped by us (or by init). */
  parent: Task | null = null;
  children: Task[] = [];
  pgid = 0;
  sid = 0;
  /** Signal sent to the parent when we exit (the low byte of clone's flags). */
  exit_signal = 17;
  /** Threads of our thread group, the leader first (shared by every member). */
  group: Task[] = [this];
  /** Where wait4() sleeps waiting for a child to change state. */
  readonly wait_chldexit = new WaitQueue();
  /** A vfork() parent sleeps here until we exec or exit. */
  vfork_done: WaitQueue | null = null;
  /** Set while the task sleeps in a syscall (sched.ts). */
  sleeping: Blocked | null = null;
  /** The value the restarted syscall returns, when its waker decided it (sched.ts). */
  wake_result: number | null = null;
  /** Per-syscall state that must survive a restart (a sleep's deadline). */
  restart_block: { nr: number; deadline_ns: bigint } | null = null;
  /** sched_yield(): end this turn and go to the back of the run queue. */
  need_resched = false;
  /** Signal handlers (shared by CLONE_SIGHAND threads), mask, queue and alternate stack. */
  sighand = new SigHand();
  blocked = 0n;
  pending: SigInfo[] = [];
  /** Signals rt_sigtimedwait waits for (they wake it although blocked). */
  sigwait_set = 0n;
  /** Woken by a signal: the sleeping syscall runs again before the signal is looked at. */
  resume_syscall = false;
  /** The syscall sleeping now must not restart after a handler (select, poll). */
  no_restart = false;
  /** rt_sigsuspend's caller mask, restored when its handler returns. */
  saved_sigmask: bigint | null = null;
  /** A signal woke this task from an interruptible syscall sleep (signal.ts). */
  interrupted = false;
  /** Stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU until SIGCONT. */
  stopped = false;
  /** Has called execve since fork (Linux: PF_FORKNOEXEC clear): setpgid on it is EACCES. */
  did_exec = false;
  /** Job control news for the parent's wait4 (kept on the group leader): the signal that
   *  stopped the process, not yet reported (WUNTRACED), and a continue not yet reported
   *  (WCONTINUED). */
  stop_report = 0;
  cont_report = false;
  sas_ss_sp = 0n;
  sas_ss_size = 0n;
  /** The rt_sigreturn trampoline exec mapped (riscv Linux points ra at the vDSO's). */
  sigreturn_tramp = 0n;
  /** The task's NUMA memory policy (kernel/syscalls/sys_mempolicy.ts encoding; 0: default). */
  mempolicy = 0;
  /** The file wait queues a syscall that returned -ERESTARTSYS sleeps on (fs/wait.ts). */
  blocked_on: Block | null = null;
  /** mm->start_stack and [arg_start, arg_end, env_start, env_end] of the image (procfs). */
  start_stack = 0n;
  /** mm->start_code and end_code (VmExe, statm's text). */
  start_code = 0n;
  end_code = 0n;
  mm_args: [bigint, bigint, bigint, bigint] | null = null;
  /** The controlling terminal of our session. */
  ctty: Tty | null = null;
  /** CPU time (ns: one per retired instruction) of reaped children (RUSAGE_CHILDREN). */
  children_cpu_ns = 0n;
  /** Reaped: the zombie is gone from the task table. */
  reaped = false;

  /** The process group (the thread group leader's). */
  pgrp_of(): number {
    return this.group[0].pgid;
  }

  constructor(pid: number, hart: number, mm: number, rlim: Rlimit[]) {
    this.pid = pid;
    this.tgid = pid;
    this.hart = hart;
    this.mm = mm;
    this.comm = "";
    this.exe = "";
    this.rlim = rlim;
  }
}
