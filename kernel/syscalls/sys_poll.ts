// kernel/syscalls/sys_poll.ts — ppoll and pselect6 (what glibc's poll() and select() use on
// riscv64). Follows fs/select.c (6.18): each file's f_op->poll says what is ready and which
// wait queues can change that; with nothing ready the task sleeps on all of them (and the
// timeout) and polls again when woken. A signal mask given to the call applies while it
// waits, as sigsuspend's does; a handler that runs ends the call with -EINTR (select and poll
// are never restarted after a handler: -ERESTARTNOHAND).

import type { Kernel } from "../kernel";
import type { Task } from "../task";
import type { SyscallHandler } from "./types";
import { int, uint } from "./types";
import { EBADF, EFAULT, EINVAL } from "../errno";
import { File, DEFAULT_POLLMASK, POLLNVAL, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM } from "../fs/file";
import { Block, WaitQueue } from "../fs/wait";
import { Blocked } from "../sched";
import { nr } from "./names";
import { RLIMIT_NOFILE } from "../task";
import { sigmask as sigbit, SIGKILL, SIGSTOP } from "../signal";

const NSEC = 1_000_000_000n;

function poll_file(f: File): { mask: number; queues: WaitQueue[] } {
  return f.ops.poll ? f.ops.poll(f) : { mask: DEFAULT_POLLMASK, queues: [] };
}

/** The absolute deadline of this call (kept across restarts), null for none, or -errno. */
function deadline_of(k: Kernel, t: Task, sysnr: number, tsp: bigint): bigint | null | number {
  const rb = t.restart_block;
  if (rb && rb.nr === sysnr) return rb.deadline_ns;
  if (tsp === 0n) return null;
  const raw = k.machine.readUser(t.mm, tsp, 16);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer);
  const sec = dv.getBigInt64(0, true), nsec = dv.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= NSEC) return -EINVAL;
  const d = k.port.monotonic_ns() + sec * NSEC + nsec;
  t.restart_block = { nr: sysnr, deadline_ns: d };
  return d;
}

/** Install the call's signal mask for the wait (once), or -errno. */
export function set_user_sigmask(k: Kernel, t: Task, addr: bigint, size: bigint): number {
  if (addr === 0n || t.saved_sigmask !== null) return 0;
  if (size !== 8n) return -EINVAL;
  const raw = k.machine.readUser(t.mm, addr, 8);
  if (!raw) return -EFAULT;
  t.saved_sigmask = t.blocked;
  t.blocked = new DataView(raw.buffer).getBigUint64(0, true) & ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
  return 0;
}

/** The call completes: the caller's own mask comes back. */
export function finish(t: Task, r: number): number {
  t.restart_block = null;
  if (t.saved_sigmask !== null) {
    t.blocked = t.saved_sigmask;
    t.saved_sigmask = null;
  }
  return r;
}

/** Nothing ready: sleep on every queue until a wake-up, a signal or the deadline. */
function wait_for(k: Kernel, t: Task, queues: WaitQueue[], deadline: bigint | null): number | Blocked {
  if (deadline !== null && k.port.monotonic_ns() >= deadline) return finish(t, 0);
  t.no_restart = true;
  return new Blocked(null, deadline, null, true, new Block(...queues));
}

export const poll_syscalls: Record<string, SyscallHandler> = {
  ppoll: (k, t, a) => {
    const nfds = uint(a[1]);
    if (BigInt(nfds) > t.rlim[RLIMIT_NOFILE].cur) return -EINVAL;
    const deadline = deadline_of(k, t, nr("ppoll"), a[2]);
    if (typeof deadline === "number") return deadline;
    const err = set_user_sigmask(k, t, a[3], a[4]);
    if (err) return finish(t, err);
    const raw = nfds ? k.machine.readUser(t.mm, a[0], nfds * 8) : new Uint8Array(0);
    if (!raw) return finish(t, -EFAULT);
    const dv = new DataView(raw.buffer);
    const queues: WaitQueue[] = [];
    let count = 0;
    for (let i = 0; i < nfds; i++) {
      const fd = dv.getInt32(i * 8, true);
      const events = dv.getUint16(i * 8 + 4, true);
      let revents = 0;
      if (fd >= 0) {
        const f = t.files.get(fd);
        if (!f) revents = POLLNVAL;
        else {
          const p = poll_file(f);
          revents = p.mask & (events | POLLERR | POLLHUP);
          queues.push(...p.queues);
        }
      }
      dv.setUint16(i * 8 + 6, revents, true);
      if (revents) count++;
    }
    if (count === 0 && !(deadline !== null && k.port.monotonic_ns() >= deadline)) return wait_for(k, t, queues, deadline);
    if (nfds && !k.machine.writeUser(t.mm, a[0], raw)) return finish(t, -EFAULT);
    return finish(t, count);
  },

  pselect6: (k, t, a) => {
    const n = int(a[0]);
    if (n < 0 || BigInt(n) > t.rlim[RLIMIT_NOFILE].cur) return -EINVAL;
    const deadline = deadline_of(k, t, nr("pselect6"), a[4]);
    if (typeof deadline === "number") return deadline;
    if (a[5] !== 0n) {
      // The sixth argument is { const sigset_t *ss; size_t ss_len; }.
      const sd = k.machine.readUser(t.mm, a[5], 16);
      if (!sd) return finish(t, -EFAULT);
      const dv = new DataView(sd.buffer);
      const err = set_user_sigmask(k, t, dv.getBigUint64(0, true), dv.getBigUint64(8, true));
      if (err) return finish(t, err);
    }
    const bytes = Math.ceil(n / 64) * 8;
    const sets: (Uint8Array | null)[] = [];
    for (const p of [a[1], a[2], a[3]]) {
      if (p === 0n || bytes === 0) {
        sets.push(null);
        continue;
      }
      const r = k.machine.readUser(t.mm, p, bytes);
      if (!r) return finish(t, -EFAULT);
      sets.push(r);
    }
    const IN = POLLRDNORM | POLLIN | POLLHUP | POLLERR, OUT = POLLWRNORM | POLLOUT | POLLERR, EX = POLLPRI;
    const outs = sets.map((s) => (s ? new Uint8Array(s.length) : null));
    const queues: WaitQueue[] = [];
    let count = 0;
    for (let fd = 0; fd < n; fd++) {
      const bit = (s: Uint8Array | null) => s !== null && (s[fd >> 3] >> (fd & 7)) & 1;
      if (!bit(sets[0]) && !bit(sets[1]) && !bit(sets[2])) continue;
      const f = t.files.get(fd);
      if (!f) return finish(t, -EBADF);
      const p = poll_file(f);
      queues.push(...p.queues);
      const want = [IN, OUT, EX];
      for (let i = 0; i < 3; i++) {
        if (bit(sets[i]) && p.mask & want[i]) {
          outs[i]![fd >> 3] |= 1 << (fd & 7);
          count++;
        }
      }
    }
    if (count === 0 && !(deadline !== null && k.port.monotonic_ns() >= deadline)) return wait_for(k, t, queues, deadline);
    for (let i = 0; i < 3; i++) {
      if (outs[i] && !k.machine.writeUser(t.mm, [a[1], a[2], a[3]][i], outs[i]!)) return finish(t, -EFAULT);
    }
    return finish(t, count);
  },
};
