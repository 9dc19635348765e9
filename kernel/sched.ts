// kernel/sched.ts — sleeping and waking: wait queues and the blocking contract of syscalls.
// A syscall that must wait returns block(wq, deadline) instead of a value. The kernel then
// rewinds the task's pc onto its ecall and puts it to sleep on wq (and/or until the deadline
// in virtual time). A wake-up makes it runnable, and it executes the ecall again: the handler
// runs afresh and either completes or blocks again. This is Linux's restart of an interrupted
// syscall (-ERESTARTNOINTR) used as the normal path, which keeps handlers free of saved state;
// handlers that need it (a sleep's deadline) keep it in task.restart_block.
// A pending signal interrupts the sleep: the syscall then returns -EINTR, or is restarted when
// the handler has SA_RESTART (see signal.ts).
//
// Order is deterministic: the run queue is FIFO, wake_up() wakes in the order tasks slept.

import type { Task } from "./task";
import type { Block } from "./fs/wait";

export class WaitQueue {
  private readonly waiters: Task[] = [];

  add(t: Task): void {
    if (!this.waiters.includes(t)) this.waiters.push(t);
  }
  remove(t: Task): void {
    const i = this.waiters.indexOf(t);
    if (i >= 0) this.waiters.splice(i, 1);
  }
  /** Every sleeper, in the order they slept; the queue is left empty. */
  take_all(): Task[] {
    return this.waiters.splice(0, this.waiters.length);
  }
  get length(): number {
    return this.waiters.length;
  }
}

export class Blocked {
  constructor(readonly wq: WaitQueue | null, readonly deadline_ns: bigint | null,
              readonly result_on_wake: number | null, readonly interruptible: boolean,
              /** The wait queues of files (kernel/fs/wait.ts) the syscall sleeps on, if any. */
              readonly fs_block: Block | null = null) {}
}

/** What a handler returns to sleep on wq (null: only the deadline) until woken. With
 *  result_on_wake the syscall does not run again: waking makes it return that value (vfork
 *  returning the child's pid once the child has let go of the parent's memory). */
export function block(wq: WaitQueue | null, deadline_ns: bigint | null = null,
                      result_on_wake: number | null = null): Blocked {
  return new Blocked(wq, deadline_ns, result_on_wake, result_on_wake === null);
}
