// kernel/signal.ts — POSIX signals: actions, masks, queues, delivery on riscv64, sigreturn.
// Follows kernel/signal.c and arch/riscv/kernel/signal.c (6.18).
// Delivery builds struct rt_sigframe on the user stack exactly as riscv64 Linux lays it out
// (1088 bytes without the V extension; AT_MINSIGSTKSZ):
//     0 siginfo (128)           128 ucontext: uc_flags, uc_link, uc_stack (144), uc_sigmask
//   (168), reserved to 304, uc_mcontext: sc_regs (pc, x1..x31) at 304, f0..f31 at 560, fcsr
//   at 816, the extension area's END header at 1080.
// The handler returns through a two-instruction trampoline (li a7, 139; ecall) that exec maps
// in place of the vDSO's __vdso_rt_sigreturn, which is where Linux points ra.
// A syscall that would sleep while a signal is pending is interrupted (-ERESTARTSYS in
// Linux): it returns -EINTR, or is restarted when the handler has SA_RESTART.

import type { Kernel } from "./kernel";
import type { Task } from "./task";
import { EINVAL, EFAULT, ESRCH, EPERM } from "./errno";
import { is_current_pgrp_orphaned, process_alive } from "./exit";

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6,
  SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13,
  SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19,
  SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25,
  SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;
export const SIGRTMIN = 32;
export const _NSIG = 64;

export const SIG_DFL = 0n;
export const SIG_IGN = 1n;
export const SA_NOCLDSTOP = 0x1n;
export const SA_NOCLDWAIT = 0x2n;
export const SA_SIGINFO = 0x4n;
export const SA_ONSTACK = 0x08000000n;
export const SA_RESTART = 0x10000000n;
export const SA_NODEFER = 0x40000000n;
export const SA_RESETHAND = 0x80000000n;
export const SI_USER = 0;
export const SI_TKILL = -6;
export const SS_ONSTACK = 1;
export const SS_DISABLE = 2;
export const SS_AUTODISARM = 1 << 31;
export const MINSIGSTKSZ = 2048;

export const NR_RT_SIGRETURN = 139;
/** li a7, 139; ecall */
export const SIGRETURN_TRAMPOLINE = new Uint8Array([0x93, 0x08, 0xb0, 0x08, 0x73, 0x00, 0x00, 0x00]);
export const RT_SIGFRAME_SIZE = 1088;

export function sigmask(sig: number): bigint {
  return 1n << BigInt(sig - 1);
}
const UNBLOCKABLE = sigmask(SIGKILL) | sigmask(SIGSTOP);

export interface SigAction {
  handler: bigint;
  flags: bigint;
  mask: bigint;
}

/** The signal handlers of a process (shared by CLONE_SIGHAND threads). */
export class SigHand {
  readonly action: SigAction[] = [];
  constructor() {
    for (let i = 0; i <= _NSIG; i++) this.action.push({ handler: SIG_DFL, flags: 0n, mask: 0n });
  }
  copy(): SigHand {
    const s = new SigHand();
    for (let i = 0; i <= _NSIG; i++) s.action[i] = { ...this.action[i] };
    return s;
  }
}

export interface SigInfo {
  signo: number;
  code: number;
  /** si_pid/si_uid for kill-like signals; si_addr for faults; status for SIGCHLD. */
  pid?: number;
  uid?: number;
  addr?: bigint;
  status?: number;
  /** si_value of sigqueue (SI_QUEUE and other user codes). */
  value?: bigint;
}

type DefaultAction = "term" | "core" | "ign" | "stop" | "cont";
export function sig_default(sig: number): DefaultAction {
  switch (sig) {
    case SIGCHLD: case SIGURG: case SIGWINCH: return "ign";
    case SIGCONT: return "cont";
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU: return "stop";
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
    case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS: return "core";
    default: return "term";
  }
}

export function valid_signal(sig: number): boolean {
  return Number.isInteger(sig) && sig >= 1 && sig <= _NSIG;
}

/** siginfo_t as riscv64 user space reads it (128 bytes). */
export function siginfo_bytes(info: SigInfo): Uint8Array {
  const b = new Uint8Array(128);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, info.signo, true);
  dv.setInt32(8, info.code, true);
  if (info.addr !== undefined) {
    dv.setBigUint64(16, info.addr, true);
  } else {
    dv.setInt32(16, info.pid ?? 0, true);
    dv.setUint32(20, info.uid ?? 0, true);
    if (info.status !== undefined) dv.setInt32(24, info.status, true);
    if (info.value !== undefined) dv.setBigUint64(24, info.value, true);
  }
  return b;
}

/** Queue sig for task t (a thread). Standard signals are not queued twice; real-time ones are.
 *  Wakes t when the signal is not blocked and t sleeps. Returns false if it was dropped. */
export function send_sig_info(k: Kernel, t: Task, info: SigInfo): boolean {
  if (t.state.kind !== "running") return false;
  const sig = info.signo;
  const act = t.sighand.action[sig];
  // Ignored signals are dropped at once (except that SIGCHLD's ignore has its own meaning).
  if (act.handler === SIG_IGN || (act.handler === SIG_DFL && sig_default(sig) === "ign")) {
    if (sig !== SIGCONT) return false;
  }
  if (sig === SIGCONT) {
    // Continue a stopped process at once; pending stop signals are discarded.
    let was_stopped = false;
    for (const m of t.group) {
      m.pending = m.pending.filter((p) => sig_default(p.signo) !== "stop");
      if (m.stopped) {
        was_stopped = true;
        m.stopped = false;
        k.wake_task(m);
      }
    }
    if (was_stopped) {
      const leader = t.group[0];
      leader.stop_report = 0;
      leader.cont_report = true;
      notify_parent_cldstop(k, leader, CLD_CONTINUED, SIGCONT);
    }
    if (act.handler === SIG_DFL || act.handler === SIG_IGN) return true;
  }
  if (sig === SIGKILL) {
    k.do_group_exit(t, { kind: "signaled", signo: SIGKILL, core: false });
    return true;
  }
  if (sig < SIGRTMIN && t.pending.some((p) => p.signo === sig)) return true;
  t.pending.push(info);
  if (!(t.blocked & sigmask(sig))) signal_wake_up(k, t);
  else if (t.sigwait_set & sigmask(sig) && t.sleeping) {
    t.resume_syscall = true;
    k.wake_task(t); // rt_sigtimedwait takes it
  }
  return true;
}

/** A process-directed signal: the first thread that does not block it takes it (Linux's
 *  complete_signal), else the leader keeps it pending. */
export function send_group_sig(k: Kernel, p: Task, info: SigInfo): boolean {
  const m = sigmask(info.signo);
  const live = p.group.filter((t) => t.state.kind === "running");
  const target = live.find((t) => !(t.blocked & m)) ?? live[0] ?? p.group[0];
  return send_sig_info(k, target, info);
}

/** Wake t from an interruptible sleep so it notices the signal. Its syscall runs again
 *  first: what it was waiting for may have happened too (a child's exit comes with
 *  SIGCHLD), and only if it would sleep again is it interrupted (kernel.ts syscall()). */
export function signal_wake_up(k: Kernel, t: Task): void {
  if (t.sleeping && t.sleeping.interruptible) {
    t.resume_syscall = true;
    k.wake_task(t);
  }
}

/** The next deliverable signal of t, removed from its queue (lowest number first). */
function dequeue_signal(t: Task): SigInfo | null {
  let best = -1;
  for (let i = 0; i < t.pending.length; i++) {
    const s = t.pending[i].signo;
    if (t.blocked & sigmask(s)) continue;
    if (best < 0 || s < t.pending[best].signo) best = i;
  }
  if (best < 0) return null;
  return t.pending.splice(best, 1)[0];
}

export function has_pending(t: Task): boolean {
  return t.pending.some((p) => !(t.blocked & sigmask(p.signo)));
}

/** do_signal: act on t's deliverable signals before it returns to user space. */
export function do_signal(k: Kernel, t: Task): void {
  for (;;) {
    const info = dequeue_signal(t);
    if (!info) break;
    const sig = info.signo;
    const act = t.sighand.action[sig];
    if (act.handler === SIG_IGN) continue;
    if (act.handler === SIG_DFL) {
      const d = sig_default(sig);
      if (d === "ign" || d === "cont") continue;
      if (d === "stop") {
        // An orphaned process group has nobody to continue it: only SIGSTOP stops it.
        if (sig !== SIGSTOP && is_current_pgrp_orphaned(k, t)) continue;
        for (const m of t.group) m.stopped = true;
        const leader = t.group[0];
        leader.stop_report = sig;
        leader.cont_report = false;
        notify_parent_cldstop(k, leader, CLD_STOPPED, sig);
        return; // the scheduler parks stopped tasks until SIGCONT
      }
      k.do_group_exit(t, { kind: "signaled", signo: sig, core: d === "core" });
      return;
    }
    handle_signal(k, t, info, act);
    return; // one frame per return to user space, as Linux
  }
  // A syscall interrupted by a signal that needed no handler is restarted transparently.
  t.interrupted = false;
}

/** Build the frame and point the hart at the handler. */
function handle_signal(k: Kernel, t: Task, info: SigInfo, act: SigAction): void {
  const m = k.machine;
  const h = t.hart;
  let old_mask = t.blocked;
  if (t.interrupted) {
    t.interrupted = false;
    // The syscall sleeping at pc (wound back onto its ecall) returns -EINTR unless the
    // handler asks for a restart; sigsuspend always returns -EINTR, with its saved mask.
    const restart = (act.flags & SA_RESTART) !== 0n && t.saved_sigmask === null && !t.no_restart;
    t.no_restart = false;
    if (!restart) {
      m.setX(h, 10, BigInt(-4));
      m.setPc(h, m.getPc(h) + 4n);
      t.restart_block = null;
    }
  }
  if (t.saved_sigmask !== null) {
    old_mask = t.saved_sigmask;
    t.saved_sigmask = null;
  }
  let sp = m.getX(h, 2);
  const on_alt = t.sas_ss_size > 0n && sp > t.sas_ss_sp && sp - t.sas_ss_sp <= t.sas_ss_size;
  if ((act.flags & SA_ONSTACK) !== 0n && t.sas_ss_size > 0n && !on_alt) sp = t.sas_ss_sp + t.sas_ss_size;
  const frame = (sp - BigInt(RT_SIGFRAME_SIZE)) & ~15n;
  const b = new Uint8Array(RT_SIGFRAME_SIZE);
  const dv = new DataView(b.buffer);
  b.set(siginfo_bytes(info), 0);
  dv.setBigUint64(144, t.sas_ss_sp, true);
  dv.setInt32(152, t.sas_ss_size === 0n ? SS_DISABLE : on_alt ? SS_ONSTACK : 0, true);
  dv.setBigUint64(160, t.sas_ss_size, true);
  dv.setBigUint64(168, old_mask, true);
  dv.setBigUint64(304, m.getPc(h), true);
  for (let i = 1; i < 32; i++) dv.setBigUint64(304 + i * 8, m.getX(h, i), true);
  for (let i = 0; i < 32; i++) dv.setBigUint64(560 + i * 8, m.getF(h, i), true);
  dv.setUint32(816, m.getFcsr(h), true);
  if (!m.writeUser(t.mm, frame, b)) {
    // No room for the frame: Linux forces SIGSEGV (the default action, a core dump).
    k.do_group_exit(t, { kind: "signaled", signo: SIGSEGV, core: true });
    return;
  }
  m.setX(h, 10, BigInt(info.signo));
  m.setX(h, 11, frame);
  m.setX(h, 12, frame + 128n);
  m.setX(h, 2, frame);
  m.setX(h, 1, t.sigreturn_tramp);
  m.setPc(h, act.handler);
  t.blocked |= act.mask & ~UNBLOCKABLE;
  if ((act.flags & SA_NODEFER) === 0n) t.blocked |= sigmask(info.signo) & ~UNBLOCKABLE;
  if ((act.flags & SA_RESETHAND) !== 0n) t.sighand.action[info.signo] = { handler: SIG_DFL, flags: 0n, mask: 0n };
}

/** rt_sigreturn: restore the registers and mask saved in the frame at sp. */
export function sys_rt_sigreturn(k: Kernel, t: Task): void {
  const m = k.machine;
  const h = t.hart;
  const frame = m.getX(h, 2);
  const b = m.readUser(t.mm, frame, RT_SIGFRAME_SIZE);
  if (!b) {
    k.do_group_exit(t, { kind: "signaled", signo: SIGSEGV, core: true });
    return;
  }
  const dv = new DataView(b.buffer);
  t.blocked = dv.getBigUint64(168, true) & ~UNBLOCKABLE;
  m.setPc(h, dv.getBigUint64(304, true));
  for (let i = 1; i < 32; i++) m.setX(h, i, dv.getBigUint64(304 + i * 8, true));
  for (let i = 0; i < 32; i++) m.setF(h, i, dv.getBigUint64(560 + i * 8, true));
  m.setFcsr(h, dv.getUint32(816, true));
}

/** kill(2)'s permission check: root may signal anyone; others their own uid's tasks. */
function may_signal(from: Task, to: Task): boolean {
  return from.uid === 0 || from.uid === to.uid;
}

/** kill(pid, sig) as kernel/signal.c kill_something_info(). */
export function do_kill(k: Kernel, t: Task, pid: number, sig: number): number {
  if (sig !== 0 && !valid_signal(sig)) return -EINVAL;
  let targets: Task[];
  const leaders = [...k.tasks.values()].filter((p) => p.group[0] === p && process_alive(p));
  if (pid > 0) targets = leaders.filter((p) => p.tgid === pid);
  else if (pid === 0) targets = leaders.filter((p) => p.pgid === t.pgid);
  else if (pid === -1) targets = leaders.filter((p) => p.tgid !== 1 && p.tgid !== t.tgid);
  else targets = leaders.filter((p) => p.pgid === -pid);
  if (targets.length === 0) return -ESRCH;
  let sent = 0;
  let denied = 0;
  for (const p of targets) {
    if (!may_signal(t, p)) {
      denied++;
      continue;
    }
    sent++;
    if (sig !== 0) send_group_sig(k, p, { signo: sig, code: SI_USER, pid: t.tgid, uid: t.uid });
  }
  return sent > 0 ? 0 : denied > 0 ? -EPERM : -ESRCH;
}

export { EFAULT };

const CLD_STOPPED = 5;
const CLD_CONTINUED = 6;

/** do_notify_parent_cldstop: SIGCHLD (unless the parent set SA_NOCLDSTOP) and a wake-up of
 *  the parent's wait4(), for a child that stopped or continued. */
function notify_parent_cldstop(k: Kernel, leader: Task, code: number, sig: number): void {
  const parent = leader.parent;
  if (!parent || parent.state.kind !== "running") return;
  const act = parent.sighand.action[SIGCHLD];
  if (!(act.flags & SA_NOCLDSTOP)) {
    send_group_sig(k, parent, { signo: SIGCHLD, code, pid: leader.tgid, uid: leader.uid, status: sig });
  }
  for (const g of parent.group) k.wake_up(g.wait_chldexit);
}

/** kill_pgrp: sig (from the kernel) to every process of process group pgid. */
export function kill_pgrp(k: Kernel, pgid: number, sig: number): void {
  for (const p of [...k.tasks.values()]) {
    if (p.group[0] === p && p.pgid === pgid && process_alive(p)) {
      send_group_sig(k, p, { signo: sig, code: 0x80 /* SI_KERNEL */, pid: 0, uid: 0 });
    }
  }
}
