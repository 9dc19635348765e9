// kernel/syscalls/sys_task.ts — exit, exit_group, ids, set_tid_address, set_robust_list.
import type { SyscallHandler } from "./types";
import { NORETURN, int } from "./types";
import { EINVAL } from "../errno";

/** sizeof(struct robust_list_head) on riscv64. */
const ROBUST_LIST_HEAD_SIZE = 24n;

const sys_exit_group: SyscallHandler = (k, t, a) => {
  // DIVERGES: one task per process so far, so exit and exit_group end the same thing.
  k.do_exit(t, { kind: "exited", code: int(a[0]) & 0xff });
  return NORETURN;
};

export const task_syscalls: Record<string, SyscallHandler> = {
  exit: sys_exit_group,
  exit_group: sys_exit_group,
  getpid: (_k, t) => t.tgid,
  gettid: (_k, t) => t.pid,
  getppid: () => 0,
  getuid: (_k, t) => t.uid,
  geteuid: (_k, t) => t.uid,
  getgid: (_k, t) => t.gid,
  getegid: (_k, t) => t.gid,
  set_tid_address: (_k, t, a) => {
    t.clear_child_tid = a[0];
    return t.pid;
  },
  set_robust_list: (_k, t, a) => {
    if (a[1] !== ROBUST_LIST_HEAD_SIZE) return -EINVAL;
    t.robust_list = a[0];
    t.robust_list_len = a[1];
    return 0;
  },
};
