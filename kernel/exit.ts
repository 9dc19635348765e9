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
  k.release_task(zombie);
  return zombie.pid;
}
