// kernel/syscalls/table.ts — the riscv64 system call table: number → handler.
import { nr } from "./names";
import type { SyscallHandler } from "./types";
import { task_syscalls } from "./sys_task";
import { mm_syscalls } from "./sys_mm";
import { fs_syscalls } from "./sys_fs";
import { namei_syscalls } from "./sys_namei";
import { pipe_syscalls } from "./sys_pipe";
import { mount_syscalls } from "./sys_mount";
import { info_syscalls } from "./sys_info";
import { signal_syscalls } from "./sys_signal";
import { exec_syscalls } from "./sys_exec";
import { misc_syscalls } from "./sys_misc";
import { mempolicy_syscalls } from "./sys_mempolicy";
import { poll_syscalls } from "./sys_poll";
import { epoll_syscalls } from "./sys_epoll";
import { syslog_syscalls } from "./sys_syslog";

export function syscall_table(): Map<number, SyscallHandler> {
  const table = new Map<number, SyscallHandler>();
  for (const group of [task_syscalls, mm_syscalls, fs_syscalls, namei_syscalls, pipe_syscalls, mount_syscalls, info_syscalls, signal_syscalls, exec_syscalls, misc_syscalls, mempolicy_syscalls, poll_syscalls, epoll_syscalls, syslog_syscalls]) {
    for (const [name, handler] of Object.entries(group)) table.set(nr(name), handler);
  }
  return table;
}
