// kernel/fs/wait.ts — wait queues and the "would block" contract between files and the scheduler.
//
// THE BLOCKING CONTRACT. The kernel is single-threaded and deterministic: a syscall handler can
// never sleep in the middle. Linux's `wait_event_interruptible(); goto again;` becomes "return
// and run the whole syscall again later", which is what Linux itself does after -ERESTARTSYS.
//
//  1. A file operation that would sleep (pipe read on an empty pipe, pipe write on a full one,
//     eventfd read at zero...) returns a `Block` naming the wait queue(s) whose wake-up could let
//     it make progress. It has changed nothing before returning it: no bytes moved, no position
//     advanced. (A write that moved some bytes returns their count instead; see pipe.ts.)
//  2. The syscall layer (sys_fs.ts, block_task()) stores the Block in `task.blocked_on` and
//     returns -ERESTARTSYS to the dispatcher. A guest never sees ERESTARTSYS.
//  3. The scheduler, seeing -ERESTARTSYS with task.blocked_on set: leaves a0 alone, rewinds
//     the pc to the ecall (pc -= 4) so the same syscall runs again with the same arguments,
//     calls `block.sleep(task, wake)` to put the task on every queue, clears task.blocked_on and
//     runs something else. `wake(task)` is called (once) by the first wake_up() on any of those
//     queues; it makes the task runnable. sleep() has already removed the task from all of them.
//  4. A signal for a sleeping task: the scheduler calls `block.cancel(task)`, then restarts the
//     syscall (SA_RESTART) or completes it with -EINTR, as Linux's -ERESTARTSYS handling does.
//  5. Until a scheduler exists nothing can wake a task, so the dispatcher may treat -ERESTARTSYS
//     like -EAGAIN (the single-task case can only block forever).
// Wake-ups are synchronous and ordered: waiters are woken in the order they slept (FIFO), so
// the same inputs always wake the same tasks in the same order.

import type { Task } from "../task";

/** -ERESTARTSYS: "sleep, then run this syscall again" (include/linux/errno.h). Kernel-only. */
export const ERESTARTSYS = 512;

export type WakeFn = (task: Task) => void;

interface WaitEntry {
  task: Task;
  wake: WakeFn;
  /** Every queue this sleep is on, so the first wake-up can take the task off all of them. */
  block: Block;
}

/** A wait-queue entry with its own wake function instead of a sleeping task (epoll's
 *  ep_poll_callback). It stays on the queue across wake-ups until removed. key is the
 *  wake-up's POLL* mask, 0 when the waker did not say (wake everything). An exclusive entry
 *  (add_wait_queue_exclusive) whose func returns true ends the wake-up for the exclusive
 *  entries after it. */
export interface WaitCallback {
  func: (key: number) => boolean;
  exclusive: boolean;
}

/** wait_queue_head_t: the tasks sleeping until something about one object changes. */
export class WaitQueue {
  private entries: WaitEntry[] = [];
  private callbacks: WaitCallback[] = [];

  /** Add task (add_wait_queue); prefer Block.sleep, which handles several queues. */
  add(entry: WaitEntry): void {
    this.entries.push(entry);
  }

  remove(task: Task): void {
    this.entries = this.entries.filter((e) => e.task !== task);
  }

  /** add_wait_queue with a callback entry (init_waitqueue_func_entry). */
  add_callback(cb: WaitCallback): void {
    this.callbacks.push(cb);
  }

  remove_callback(cb: WaitCallback): void {
    const i = this.callbacks.indexOf(cb);
    if (i >= 0) this.callbacks.splice(i, 1);
  }

  /** wake_up_interruptible_poll: wake every sleeper, oldest first, then run the callback
   *  entries with key (the events that may have changed; 0 for any). Returns how many woke. */
  wake_up(key = 0): number {
    const woken = this.entries;
    if (woken.length > 0) {
      this.entries = [];
      for (const e of woken) {
        e.block.cancel(e.task);
        e.wake(e.task);
      }
    }
    if (this.callbacks.length === 0) return woken.length;
    // A snapshot: a callback may take entries off this queue while it runs.
    let exclusive_done = false;
    for (const cb of this.callbacks.slice()) {
      if (!cb.exclusive) cb.func(key);
      else if (!exclusive_done) exclusive_done = cb.func(key);
    }
    return woken.length;
  }

  get nr_waiters(): number {
    return this.entries.length;
  }

  get nr_callbacks(): number {
    return this.callbacks.length;
  }
}

/** What a would-block operation returns: the queues to sleep on (see the contract above). */
export class Block {
  readonly queues: readonly WaitQueue[];

  constructor(...queues: WaitQueue[]) {
    this.queues = queues;
  }

  /** Put task on every queue; wake(task) runs once, at the first wake-up of any of them. */
  sleep(task: Task, wake: WakeFn): void {
    for (const q of this.queues) q.add({ task, wake, block: this });
  }

  /** Take task off every queue (a signal, a timeout, or a wake-up through another queue). */
  cancel(task: Task): void {
    for (const q of this.queues) q.remove(task);
  }
}
