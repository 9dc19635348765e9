// kernel/syscalls/sys_signal.ts — rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend,
// sigaltstack, kill, tkill, tgkill, rt_sigreturn: argument checks in Linux's order.
import type { SyscallHandler } from "./types";
import { NORETURN, int } from "./types";
import { EINVAL, EFAULT, ESRCH, EPERM, ENOMEM, EAGAIN } from "../errno";
import {
  valid_signal, sigmask, SIGKILL, SIGSTOP, SIG_IGN, SIG_DFL, sig_default, do_kill, send_sig_info,
  sys_rt_sigreturn, SI_TKILL, SS_DISABLE, SS_ONSTACK, SS_AUTODISARM, MINSIGSTKSZ, siginfo_bytes,
  send_group_sig,
} from "../signal";
import { nr } from "./names";
import { block } from "../sched";

const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
const SIGSET_SIZE = 8n;
const UNBLOCKABLE = sigmask(SIGKILL) | sigmask(SIGSTOP);

function u64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}

export const signal_syscalls: Record<string, SyscallHandler> = {
  rt_sigaction: (k, t, a) => {
    const sig = int(a[0]);
    if (a[3] !== SIGSET_SIZE) return -EINVAL;
    let next: { handler: bigint; flags: bigint; mask: bigint } | null = null;
    if (a[1] !== 0n) {
      const raw = k.machine.readUser(t.mm, a[1], 24);
      if (!raw) return -EFAULT;
      const dv = new DataView(raw.buffer);
      next = { handler: dv.getBigUint64(0, true), flags: dv.getBigUint64(8, true), mask: dv.getBigUint64(16, true) };
    }
    if (!valid_signal(sig) || (next && (sig === SIGKILL || sig === SIGSTOP))) return -EINVAL;
    const old = t.sighand.action[sig];
    if (next) {
      next.mask &= ~UNBLOCKABLE;
      t.sighand.action[sig] = next;
      // POSIX: setting a pending signal's action to ignore discards it (in every thread).
      if (next.handler === SIG_IGN || (next.handler === SIG_DFL && sig_default(sig) === "ign")) {
        for (const m of t.group) m.pending = m.pending.filter((p) => p.signo !== sig);
      }
    }
    if (a[2] !== 0n) {
      const b = new Uint8Array(24);
      const dv = new DataView(b.buffer);
      dv.setBigUint64(0, old.handler, true);
      dv.setBigUint64(8, old.flags, true);
      dv.setBigUint64(16, old.mask, true);
      if (!k.machine.writeUser(t.mm, a[2], b)) return -EFAULT;
    }
    return 0;
  },

  rt_sigprocmask: (k, t, a) => {
    const how = int(a[0]);
    if (a[3] !== SIGSET_SIZE) return -EINVAL;
    const old = t.blocked;
    if (a[1] !== 0n) {
      const raw = k.machine.readUser(t.mm, a[1], 8);
      if (!raw) return -EFAULT;
      const set = new DataView(raw.buffer).getBigUint64(0, true) & ~UNBLOCKABLE;
      if (how === SIG_BLOCK) t.blocked |= set;
      else if (how === SIG_UNBLOCK) t.blocked &= ~set;
      else if (how === SIG_SETMASK) t.blocked = set;
      else return -EINVAL;
    }
    if (a[2] !== 0n && !k.machine.writeUser(t.mm, a[2], u64(old))) return -EFAULT;
    return 0;
  },

  rt_sigpending: (k, t, a) => {
    if (a[1] > SIGSET_SIZE) return -EINVAL;
    let set = 0n;
    for (const p of t.pending) set |= sigmask(p.signo);
    set &= t.blocked;
    return k.machine.writeUser(t.mm, a[0], u64(set).subarray(0, Number(a[1]))) ? 0 : -EFAULT;
  },

  rt_sigsuspend: (k, t, a) => {
    if (a[1] !== SIGSET_SIZE) return -EINVAL;
    if (t.saved_sigmask === null) {
      const raw = k.machine.readUser(t.mm, a[0], 8);
      if (!raw) return -EFAULT;
      t.saved_sigmask = t.blocked;
      t.blocked = new DataView(raw.buffer).getBigUint64(0, true) & ~UNBLOCKABLE;
    }
    // Sleep until a signal is delivered; its handler returns -EINTR (signal.ts).
    return block(null);
  },

  sigaltstack: (k, t, a) => {
    const sp = k.machine.getX(t.hart, 2);
    const on_stack = t.sas_ss_size > 0n && sp > t.sas_ss_sp && sp - t.sas_ss_sp <= t.sas_ss_size;
    const old = new Uint8Array(24);
    const odv = new DataView(old.buffer);
    odv.setBigUint64(0, t.sas_ss_sp, true);
    odv.setInt32(8, t.sas_ss_size === 0n ? SS_DISABLE : on_stack ? SS_ONSTACK : 0, true);
    odv.setBigUint64(16, t.sas_ss_size, true);
    if (a[0] !== 0n) {
      const raw = k.machine.readUser(t.mm, a[0], 24);
      if (!raw) return -EFAULT;
      const dv = new DataView(raw.buffer);
      const ss_sp = dv.getBigUint64(0, true);
      const flags = dv.getInt32(8, true);
      const size = dv.getBigUint64(16, true);
      if (on_stack) return -EPERM;
      const mode = flags & ~SS_AUTODISARM;
      if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return -EINVAL;
      if (mode === SS_DISABLE) {
        t.sas_ss_sp = 0n;
        t.sas_ss_size = 0n;
      } else {
        if (size < BigInt(MINSIGSTKSZ)) return -ENOMEM;
        t.sas_ss_sp = ss_sp;
        t.sas_ss_size = size;
      }
    }
    if (a[1] !== 0n && !k.machine.writeUser(t.mm, a[1], old)) return -EFAULT;
    return 0;
  },

  kill: (k, t, a) => do_kill(k, t, int(a[0]), int(a[1])),

  tgkill: (k, t, a) => {
    const [tgid, tid, sig] = [int(a[0]), int(a[1]), int(a[2])];
    if (tgid <= 0 || tid <= 0) return -EINVAL;
    if (sig !== 0 && !valid_signal(sig)) return -EINVAL;
    const target = k.tasks.get(tid);
    if (!target || target.tgid !== tgid || target.state.kind !== "running") return -ESRCH;
    if (sig !== 0) send_sig_info(k, target, { signo: sig, code: SI_TKILL, pid: t.tgid, uid: t.uid });
    return 0;
  },

  tkill: (k, t, a) => {
    const [tid, sig] = [int(a[0]), int(a[1])];
    if (tid <= 0) return -EINVAL;
    if (sig !== 0 && !valid_signal(sig)) return -EINVAL;
    const target = k.tasks.get(tid);
    if (!target || target.state.kind !== "running") return -ESRCH;
    if (sig !== 0) send_sig_info(k, target, { signo: sig, code: SI_TKILL, pid: t.tgid, uid: t.uid });
    return 0;
  },

  rt_sigtimedwait: (k, t, a) => {
    if (a[3] !== SIGSET_SIZE) return -EINVAL;
    const raw = k.machine.readUser(t.mm, a[0], 8);
    if (!raw) return -EFAULT;
    const set = new DataView(raw.buffer).getBigUint64(0, true) & ~UNBLOCKABLE;
    // A pending signal of the set (blocked or not) is taken at once, lowest number first.
    let best = -1;
    for (let i = 0; i < t.pending.length; i++) {
      const s = t.pending[i].signo;
      if (set & sigmask(s) && (best < 0 || s < t.pending[best].signo)) best = i;
    }
    if (best >= 0) {
      t.sigwait_set = 0n;
      t.restart_block = null;
      const info = t.pending.splice(best, 1)[0];
      if (a[1] !== 0n && !k.machine.writeUser(t.mm, a[1], siginfo_bytes(info))) return -EFAULT;
      return info.signo;
    }
    let deadline: bigint | null = null;
    const rb = t.restart_block;
    if (rb && rb.nr === nr("rt_sigtimedwait")) deadline = rb.deadline_ns;
    else if (a[2] !== 0n) {
      const ts = k.machine.readUser(t.mm, a[2], 16);
      if (!ts) return -EFAULT;
      const dv = new DataView(ts.buffer);
      const sec = dv.getBigInt64(0, true), nsec = dv.getBigInt64(8, true);
      if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return -EINVAL;
      deadline = k.port.monotonic_ns() + sec * 1_000_000_000n + nsec;
      t.restart_block = { nr: nr("rt_sigtimedwait"), deadline_ns: deadline };
    }
    if (deadline !== null && k.port.monotonic_ns() >= deadline) {
      t.restart_block = null;
      t.sigwait_set = 0n;
      return -EAGAIN;
    }
    // send_sig_info wakes us for a signal of the set even though we block it.
    t.sigwait_set = set;
    return block(null, deadline);
  },

  rt_sigqueueinfo: (k, t, a) => {
    const [tgid, sig] = [int(a[0]), int(a[1])];
    const raw = k.machine.readUser(t.mm, a[2], 128);
    if (!raw) return -EFAULT;
    const dv = new DataView(raw.buffer);
    const code = dv.getInt32(8, true);
    // Only the kernel may send SI_USER-like (>= 0) or SI_TKILL codes to another process.
    if ((code >= 0 || code === SI_TKILL) && tgid !== t.tgid) return -EPERM;
    if (!valid_signal(sig)) return -EINVAL;
    const target = [...k.tasks.values()].find((p) => p.tgid === tgid && p.group[0] === p && p.state.kind === "running");
    if (!target) return -ESRCH;
    send_group_sig(k, target, { signo: sig, code, pid: dv.getInt32(16, true), uid: dv.getUint32(20, true), value: dv.getBigUint64(24, true) });
    return 0;
  },

  rt_sigreturn: (k, t) => {
    sys_rt_sigreturn(k, t);
    return NORETURN;
  },
};
