// kernel/syscalls/types.ts — what every system call handler receives and returns.
import type { Kernel } from "../kernel";
import type { Task } from "../task";
import type { Blocked } from "../sched";

/** A handler gets the six argument registers a0..a5 as unsigned 64-bit values and returns
 *  the value for a0 (negative errno on failure), NORETURN when the task is gone, or a
 *  Blocked from sched.ts block() to sleep and run again when woken. */
export type SyscallHandler = (k: Kernel, t: Task, a: bigint[]) => number | bigint | typeof NORETURN | Blocked;
export const NORETURN = Symbol("noreturn");

/** An argument as a C int (the low 32 bits, signed). */
export function int(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}
/** An argument as a C unsigned int. */
export function uint(v: bigint): number {
  return Number(BigInt.asUintN(32, v));
}
/** An argument as a signed long. */
export function long(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}
