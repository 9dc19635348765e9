// kernel/mm_rlimit.ts — the resource limits the wasm core enforces on its own: RLIMIT_AS
// (may_expand_vm), RLIMIT_MEMLOCK (can_do_mlock, mlock_future_ok) and RLIMIT_STACK (stack
// growth). Linux reads current->signal->rlim at each check; the core cannot see tasks, so the
// kernel copies the limits into every mm of the process whenever they can change: a new mm at
// exec, prlimit64/setrlimit, and a change of uid (which gains or loses CAP_IPC_LOCK). fork's
// dup_mmap copies them with the mm.

import type { Kernel } from "./kernel";
import type { Task } from "./task";
import { RLIMIT_AS, RLIMIT_MEMLOCK } from "./task";

export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

/** capable(CAP_IPC_LOCK): credentials are one uid here, and root holds every capability. */
export function capable_ipc_lock(t: Task): boolean {
  return t.uid === 0;
}

/** Copy t's limits into mm (t's own by default). */
export function mm_set_rlimits(k: Kernel, t: Task, mm: number = t.mm): void {
  if (mm === 0) return;
  const core = k.machine.core;
  const memlock = capable_ipc_lock(t) ? RLIM_INFINITY : t.rlim[RLIMIT_MEMLOCK].cur;
  core.mm_set_rlimits(mm, t.rlim[RLIMIT_AS].cur, memlock);
  core.mm_set_stack_rlimit(mm, BigInt(k.stack_limit(t)));
}

/** After a limit or the uid changed: every mm of t's thread group. */
export function update_group_rlimits(k: Kernel, t: Task): void {
  for (const g of t.group) mm_set_rlimits(k, t, g.mm);
}
