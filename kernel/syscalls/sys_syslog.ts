// kernel/syscalls/sys_syslog.ts — syslog(2) (glibc's klogctl): read, clear and size the kernel
// log, and set the console's log level. Follows do_syslog() in kernel/printk/printk.c (6.18),
// checks in its order; the log itself is kernel/printk.ts.

import type { Task } from "../task";
import type { SyscallHandler } from "./types";
import { int } from "./types";
import { EFAULT, EINVAL, EPERM } from "../errno";
import { CONSOLE_LOGLEVEL_MIN, LOGLEVEL_DEFAULT } from "../printk";
import { name_bytes } from "../fs/vfs_types";
import { block_task } from "./sys_fs";
import { Block } from "../fs/wait";

export const SYSLOG_ACTION_CLOSE = 0;
export const SYSLOG_ACTION_OPEN = 1;
export const SYSLOG_ACTION_READ = 2;
export const SYSLOG_ACTION_READ_ALL = 3;
export const SYSLOG_ACTION_READ_CLEAR = 4;
export const SYSLOG_ACTION_CLEAR = 5;
export const SYSLOG_ACTION_CONSOLE_OFF = 6;
export const SYSLOG_ACTION_CONSOLE_ON = 7;
export const SYSLOG_ACTION_CONSOLE_LEVEL = 8;
export const SYSLOG_ACTION_SIZE_UNREAD = 9;
export const SYSLOG_ACTION_SIZE_BUFFER = 10;

/** kernel.dmesg_restrict as this machine sets it (1): only CAP_SYSLOG may read the log.
 *  DIVERGES: fixed; there is no /proc/sys/kernel/dmesg_restrict to change it. */
const dmesg_restrict = 1;
const TASK_SIZE = 0x40_0000_0000n;

/** check_syslog_permissions (from syslog(2) or a /dev/kmsg reader): 0 or -EPERM. Root holds
 *  CAP_SYSLOG; credentials are one uid here. */
export function check_syslog_permissions(t: Task | null, type: number): number {
  // syslog_action_restricted: with dmesg_restrict every action is.
  const restricted = dmesg_restrict || (type !== SYSLOG_ACTION_READ_ALL && type !== SYSLOG_ACTION_SIZE_BUFFER);
  if (restricted && t !== null && t.uid !== 0) return -EPERM;
  return 0;
}

export const syslog_syscalls: Record<string, SyscallHandler> = {
  syslog: (k, t, a) => {
    const type = int(a[0]);
    const buf = a[1];
    const len = int(a[2]);
    const log = k.printk;
    const err = check_syslog_permissions(t, type);
    if (err) return err;
    const copy_out = (text: string): number => {
      if (text.length === 0) return 0;
      return k.machine.writeUser(t.mm, buf, name_bytes(text)) ? text.length : -EFAULT;
    };
    switch (type) {
      case SYSLOG_ACTION_CLOSE:
      case SYSLOG_ACTION_OPEN:
        return 0;
      case SYSLOG_ACTION_READ: {
        if (buf === 0n || len < 0) return -EINVAL;
        if (len === 0) return 0;
        if (buf > TASK_SIZE || BigInt(len) > TASK_SIZE - buf) return -EFAULT; // access_ok
        // DIVERGES: the records are taken before the copy; a copy that faults loses them
        // (Linux copies record by record and keeps the ones that failed).
        const text = log.syslog_print(len);
        if (text === null) return block_task(t, new Block(log.log_wait));
        return copy_out(text);
      }
      case SYSLOG_ACTION_READ_CLEAR:
      case SYSLOG_ACTION_READ_ALL: {
        if (buf === 0n || len < 0) return -EINVAL;
        if (len === 0) return 0;
        if (buf > TASK_SIZE || BigInt(len) > TASK_SIZE - buf) return -EFAULT;
        return copy_out(log.syslog_print_all(len, type === SYSLOG_ACTION_READ_CLEAR));
      }
      case SYSLOG_ACTION_CLEAR:
        log.syslog_clear();
        return 0;
      case SYSLOG_ACTION_CONSOLE_OFF:
        if (log.saved_console_loglevel === LOGLEVEL_DEFAULT) log.saved_console_loglevel = log.console_loglevel;
        log.console_loglevel = CONSOLE_LOGLEVEL_MIN;
        return 0;
      case SYSLOG_ACTION_CONSOLE_ON:
        if (log.saved_console_loglevel !== LOGLEVEL_DEFAULT) {
          log.console_loglevel = log.saved_console_loglevel;
          log.saved_console_loglevel = LOGLEVEL_DEFAULT;
        }
        return 0;
      case SYSLOG_ACTION_CONSOLE_LEVEL:
        if (len < 1 || len > 8) return -EINVAL;
        log.console_loglevel = Math.max(len, CONSOLE_LOGLEVEL_MIN);
        log.saved_console_loglevel = LOGLEVEL_DEFAULT;
        return 0;
      case SYSLOG_ACTION_SIZE_UNREAD:
        return log.size_unread();
      case SYSLOG_ACTION_SIZE_BUFFER:
        return log.log_buf_len;
    }
    return -EINVAL;
  },
};
