// kernel/exit.ts — wait4() and waitid(): finding a child that changed state and reaping it.
// Follows kernel/exit.c do_wait() (6.18) for exits: pid selection (< -1: that process group,
// -1: any child, 0: our process group, > 0: that child), WNOHANG, ECHILD when nothing could
// ever match, the wait status encoding (code << 8, or signo | 0x80 when a core was dumped).
// Stopped and continued children (WUNTRACED, WCONTINUED), a thread group's leader reported only
// once its last thread is gone (delay_group_leader), and the orphaned-process-group rules of
// exit.c: a group left with no member whose parent is in another group of the same session
// gets SIGHUP and SIGCONT if it has stopped members, and its job-control stops are discarded.

import type { Kernel } from "./kernel";
import type { Task, ExitState } from "./task";
import { ECHILD, EFAULT, EINVAL } from "./errno";
import { block, Blocked } from "./sched";
import { kill_pgrp, SIGHUP, SIGCONT } from "./signal";

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

/** A process (its leader) still has a live thread. */
export function process_alive(p: Task): boolean {
  return p.group.some((g) => g.state.kind === "running");
}

/** A child that can be reaped: dead, and no thread of it left (delay_group_leader). */
function is_zombie(c: Task): boolean {
  return c.state.kind !== "running" && c.group.length === 1;
}

/** The processes (thread group leaders) of process group pgid. */
function pgrp_processes(k: Kernel, pgid: number): Task[] {
  return [...k.tasks.values()].filter((p) => p.group[0] === p && p.pgid === pgid);
}

/** will_become_orphaned_pgrp: no member but ignored has a parent in another process group of
 *  the same session (a parent that is init does not count). */
function will_become_orphaned_pgrp(k: Kernel, pgid: number, ignored: Task | null): boolean {
  for (const p of pgrp_processes(k, pgid)) {
    if (p === ignored || !process_alive(p)) continue;
    const parent = p.parent;
    if (!parent || parent.tgid === 1) continue;
    if (parent.pgid !== pgid && parent.sid === p.sid) return false;
  }
  return true;
}

/** is_current_pgrp_orphaned: SIGTSTP, SIGTTIN and SIGTTOU do not stop such a group. */
export function is_current_pgrp_orphaned(k: Kernel, t: Task): boolean {
  return will_become_orphaned_pgrp(k, t.group[0].pgid, null);
}

function has_stopped_jobs(k: Kernel, pgid: number): boolean {
  return pgrp_processes(k, pgid).some((p) => p.group.some((g) => g.stopped));
}

/** kill_orphaned_pgrp: tsk's process exits (parent null), or tsk is reparented away from
 *  parent. If that took away its group's last link to a parent outside the group in the same
 *  session and the group has stopped members, POSIX wants it told: SIGHUP, then SIGCONT. */
export function kill_orphaned_pgrp(k: Kernel, tsk: Task, parent: Task | null): void {
  const pgid = tsk.pgid;
  let ignored: Task | null = tsk;
  if (!parent) parent = tsk.parent;
  else ignored = null;
  if (!parent) return;
  if (parent.pgid !== pgid && parent.sid === tsk.sid && will_become_orphaned_pgrp(k, pgid, ignored) &&
      has_stopped_jobs(k, pgid)) {
    kill_pgrp(k, pgid, SIGHUP);
    kill_pgrp(k, pgid, SIGCONT);
  }
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
  const zombie = candidates.find(is_zombie);
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
    found = candidates.find(is_zombie);
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
