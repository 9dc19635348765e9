// kernel/futex.ts — fast userspace mutexes: sleeping on a user word, waking by address.
// Follows kernel/futex (6.18) for WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, REQUEUE and
// CMP_REQUEUE. A waiter is keyed by (mm, address): threads share the mm, and without shared
// memory between processes private and shared futexes coincide. Wakers hand the sleeper its
// result (0) through the scheduler, so the restarted futex() returns it without looking at
// the word again.

import type { Kernel } from "./kernel";
import type { Task } from "./task";

interface Waiter {
  task: Task;
  bitset: number;
}

export class Futexes {
  private readonly queues = new Map<string, Waiter[]>();

  private static key(mm: number, addr: bigint): string {
    return `${mm}:${addr}`;
  }

  /** Queue task on (mm, addr). The caller has checked the word and makes the task sleep. */
  enqueue(task: Task, mm: number, addr: bigint, bitset: number): void {
    const k = Futexes.key(mm, addr);
    const q = this.queues.get(k) ?? [];
    if (!q.some((w) => w.task === task)) q.push({ task, bitset });
    this.queues.set(k, q);
  }

  /** Take task off any futex queue (a timeout or a signal ended its wait). */
  dequeue(task: Task): void {
    for (const [k, q] of this.queues) {
      const i = q.findIndex((w) => w.task === task);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.queues.delete(k);
    }
  }

  /** Wake up to n waiters on (mm, addr) whose bitset meets bitset. Returns how many woke. */
  wake(k: Kernel, mm: number, addr: bigint, n: number, bitset: number): number {
    const key = Futexes.key(mm, addr);
    const q = this.queues.get(key);
    if (!q) return 0;
    let woken = 0;
    for (let i = 0; i < q.length && woken < n;) {
      if ((q[i].bitset & bitset) === 0) {
        i++;
        continue;
      }
      const [w] = q.splice(i, 1);
      k.wake_task(w.task, 0);
      woken++;
    }
    if (q.length === 0) this.queues.delete(key);
    return woken;
  }

  /** Wake up to n waiters on addr and move up to n2 more to addr2. Returns woken + moved. */
  requeue(k: Kernel, mm: number, addr: bigint, addr2: bigint, n: number, n2: number): number {
    const woken = this.wake(k, mm, addr, n, 0xffffffff);
    const key = Futexes.key(mm, addr);
    const q = this.queues.get(key);
    if (!q) return woken;
    const moved = q.splice(0, Math.min(n2, q.length));
    if (q.length === 0) this.queues.delete(key);
    if (moved.length > 0) {
      const k2 = Futexes.key(mm, addr2);
      this.queues.set(k2, [...(this.queues.get(k2) ?? []), ...moved]);
    }
    return woken + moved.length;
  }
}
