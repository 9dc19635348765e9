// kernel/exit.ts — wait4() and waitid(): finding a child that changed state and reaping it.
// Follows kernel/exit.c do_wait() (6.18) for exits: pid selection (< -1: that process group,
// -1: any child, 0: our process group, > 0: that child), WNOHANG, ECHILD when nothing could
// ever match, the wait status encoding (code << 8, or signo | 0x80 when a core was dumped).
// DIVERGES: stopped and continued children (WUNTRACED, WCONTINUED) arrive with job control.

import type { Kernel } from "./kernel";
import type { Task, ExitState } from "./task";
import { ECHILD, EFAULT, EINVAL } from "./errno";
import { block, Blocked } from "./sched";

export const WNOHANG = 1;
export const WUNTRACED = 2;
export const WSTOPPED = 2;
export const WEXITED = 4;
export const WCONTINUED = 8;
export const WNOWAIT = 0x01000000;
export const __WNOTHREAD = 0x20000000;
export const __WALL = 0x40000000;
export const __WCLONE = 0x80000000;

/** The wait status word of an exit state. */
export function wait_status(s: ExitState): number {
  if (s.kind === "exited") return (s.code & 0xff) << 8;
  if (s.kind === "signaled") return (s.signo & 0x7f) | (s.core ? 0x80 : 0);
  return 0;
}

function matches(t: Task, child: Task, pid: number): boolean {
  if (pid > 0) return child.pid === pid;
  if (pid === -1) return true;
  if (pid === 0) return child.pgid === t.pgid;
  return child.pgid === -pid;
}

/** Children the waiter may wait for: its own, and (as Linux) its thread group's. */
function children_of(t: Task): Task[] {
  const out: Task[] = [];
  for (const g of t.group) out.push(...g.children);
  return out;
}

/** do_wait for wait4: a reaped child's pid (status written), 0 for WNOHANG, -errno, or a
 *  Blocked waiter. */
export function do_wait4(k: Kernel, t: Task, pid: number, status_addr: bigint, options: number): number | Blocked {
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL)) return -EINVAL;
  const candidates = children_of(t).filter((c) => matches(t, c, pid));
  if (candidates.length === 0) return -ECHILD;
  const zombie = candidates.find((c) => c.state.kind !== "running");
  if (!zombie) {
    // wait_task_stopped / wait_task_continued: job control news, reported once each.
    const stopped = options & WUNTRACED ? candidates.find((c) => c.stop_report !== 0) : undefined;
    const cont = !stopped && options & WCONTINUED ? candidates.find((c) => c.cont_report) : undefined;
    const c = stopped ?? cont;
    if (c) {
      const status = stopped ? ((c.stop_report & 0xff) << 8) | 0x7f : 0xffff;
      if (status_addr !== 0n) {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, status, true);
        if (!k.machine.writeUser(t.mm, status_addr, b)) return -EFAULT;
      }
      if (stopped) c.stop_report = 0;
      else c.cont_report = false;
      return c.tgid;
    }
    if (options & WNOHANG) return 0;
    return block(t.wait_chldexit);
  }
  if (status_addr !== 0n) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, wait_status(zombie.state), true);
    if (!k.machine.writeUser(t.mm, status_addr, b)) return -EFAULT;
  }
  reap(k, t, zombie);
  return zombie.pid;
}

/** release_task for a waiter: its CPU time joins the waiter's children's time. */
function reap(k: Kernel, t: Task, zombie: Task): void {
  t.group[0].children_cpu_ns += zombie.instret + zombie.children_cpu_ns;
  k.release_task(zombie);
}

const P_ALL = 0, P_PID = 1, P_PGID = 2;
const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_STOPPED = 5, CLD_CONTINUED = 6;

/** waitid(): the same search with a siginfo for the answer (kernel/exit.c). */
export function do_waitid(k: Kernel, t: Task, idtype: number, id: number, infop: bigint, options: number): number | Blocked {
  if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL)) return -EINVAL;
  if (!(options & (WEXITED | WSTOPPED | WCONTINUED))) return -EINVAL;
  let pid: number;
  if (idtype === P_ALL) pid = -1;
  else if (idtype === P_PID) {
    if (id <= 0) return -EINVAL;
    pid = id;
  } else if (idtype === P_PGID) {
    if (id < 0) return -EINVAL;
    pid = id === 0 ? 0 : -id;
  } else return -EINVAL;
  const candidates = children_of(t).filter((c) => matches(t, c, pid));
  if (candidates.length === 0) return -ECHILD;
  let found: Task | undefined;
  let code = 0;
  let status = 0;
  if (options & WEXITED) {
    found = candidates.find((c) => c.state.kind !== "running");
    if (found) {
      const st = found.state;
      code = st.kind === "exited" ? CLD_EXITED : st.kind === "signaled" && st.core ? CLD_DUMPED : CLD_KILLED;
      status = st.kind === "exited" ? st.code : st.kind === "signaled" ? st.signo : 0;
    }
  }
  if (!found && options & WSTOPPED) {
    found = candidates.find((c) => c.stop_report !== 0);
    if (found) {
      code = CLD_STOPPED;
      status = found.stop_report;
      if (!(options & WNOWAIT)) found.stop_report = 0;
    }
  }
  if (!found && options & WCONTINUED) {
    found = candidates.find((c) => c.cont_report);
    if (found) {
      code = CLD_CONTINUED;
      status = 18;
      if (!(options & WNOWAIT)) found.cont_report = false;
    }
  }
  if (!found) {
    if (options & WNOHANG) {
      // Linux zeroes si_signo and si_pid so the caller can tell nothing was found.
      if (infop !== 0n && !k.machine.writeUser(t.mm, infop, new Uint8Array(128))) return -EFAULT;
      return 0;
    }
    return block(t.wait_chldexit);
  }
  if (infop !== 0n) {
    const b = new Uint8Array(128);
    const dv = new DataView(b.buffer);
    dv.setInt32(0, 17, true); // SIGCHLD
    dv.setInt32(8, code, true);
    dv.setInt32(16, found.tgid, true);
    dv.setUint32(20, found.uid, true);
    dv.setInt32(24, status, true);
    if (!k.machine.writeUser(t.mm, infop, b)) return -EFAULT;
  }
  if (code <= CLD_DUMPED && !(options & WNOWAIT)) reap(k, t, found);
  return 0;
}
