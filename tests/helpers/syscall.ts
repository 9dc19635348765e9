// tests/helpers/syscall.ts — call a syscall handler directly, as the kernel's dispatcher would,
// for tests that drive one task's syscalls without running guest code between them.
import type { Kernel } from "../../kernel/kernel";
import type { Task } from "../../kernel/task";
import { syscall_table } from "../../kernel/syscalls/table";
import { nr } from "../../kernel/syscalls/names";

const table = syscall_table();

/** The handler's raw answer to name(args...) made by t (arguments as unsigned 64-bit values,
 *  missing ones 0): a result, -errno, or a Block when it would sleep. */
export function raw_syscall(k: Kernel, t: Task, name: string, args: (number | bigint)[]): unknown {
  const h = table.get(nr(name));
  if (!h) throw new Error(`no ${name}`);
  const a = args.map((v) => BigInt.asUintN(64, BigInt(v)));
  while (a.length < 6) a.push(0n);
  k.current = t;
  return h(k, t, a);
}
