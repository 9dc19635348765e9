// kernel/printk_kmsg.ts — /dev/kmsg (char 1:11): the kernel log one record per read, and a
// way for user space to log. Follows devkmsg_* in kernel/printk/printk.c (6.18).
// Each open file keeps its own reader position (devkmsg_user.seq), starting at the oldest
// record. A read returns one record as "prio,seq,usec,flags;text\n" (the text escaped), or:
// EINVAL when it does not fit (the record is skipped), EPIPE once when records were dropped
// under the reader (which then goes on from the oldest one left), EAGAIN with O_NONBLOCK at
// the end, else it sleeps on log_wait.
// Writes log one message each (facility LOG_USER, level 4, or as a "<N>" prefix says),
// rate limited per open file as printk.devkmsg=ratelimit (the default) does.

import type { Kernel } from "./kernel";
import type { Printk, PrintkRecord } from "./printk";
import { PRINTKRB_RECORD_MAX, LOG_CONT, LOG_NEWLINE, MESSAGE_LOGLEVEL_DEFAULT, KERN_WARNING } from "./printk";
import { File, FileOps, O_ACCMODE, O_WRONLY, O_NONBLOCK, POLLIN, POLLRDNORM, POLLERR, POLLPRI, SEEK_SET, SEEK_END, SEEK_DATA } from "./fs/file";
import { Block } from "./fs/wait";
import { inode_getattr, bytes_name, name_bytes } from "./fs/vfs_types";
import { EAGAIN, EINVAL, EPIPE, ESPIPE } from "./errno";
import { check_syslog_permissions, SYSLOG_ACTION_READ_ALL } from "./syscalls/sys_syslog";

/** DEFAULT_RATELIMIT_INTERVAL (5 s) and DEFAULT_RATELIMIT_BURST (10). */
const RATELIMIT_INTERVAL_NS = 5_000_000_000n;
const RATELIMIT_BURST = 10;

class DevkmsgUser {
  seq: number;
  /** ratelimit_state: the window's start, messages let through in it, and those dropped. */
  rs_begin_ns = -1n;
  rs_printed = 0;
  rs_missed = 0;
  constructor(seq: number) {
    this.seq = seq;
  }
}

/** msg_add_ext_text: control bytes, bytes past 126 and the backslash as \xNN. */
function escape_text(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c < 0x20 || c >= 0x7f || c === 0x5c ? "\\x" + c.toString(16).padStart(2, "0") : text[i];
  }
  return out;
}

/** info_print_ext_header + msg_print_ext_body: one record as /dev/kmsg reads it. */
export function devkmsg_format(r: PrintkRecord): string {
  // The 'c' flag marks a fragment that a later record continues (LOG_CONT without newline).
  const flag = r.flags & LOG_CONT && !(r.flags & LOG_NEWLINE) ? "c" : "-";
  const prio = (r.facility << 3) | r.level;
  return `${prio},${r.seq},${r.ts_nsec / 1000n},${flag};${escape_text(r.text)}\n`;
}

/** ___ratelimit: may this open file log one more message now? */
function ratelimit(user: DevkmsgUser, now_ns: bigint): boolean {
  if (user.rs_begin_ns < 0n || now_ns - user.rs_begin_ns >= RATELIMIT_INTERVAL_NS) {
    user.rs_begin_ns = now_ns;
    user.rs_printed = 0;
  }
  if (user.rs_printed < RATELIMIT_BURST) {
    user.rs_printed++;
    return true;
  }
  user.rs_missed++;
  return false;
}

export function devkmsg_fops(k: Kernel, log: Printk): FileOps {
  const user_of = (f: File) => f.private_data as DevkmsgUser;
  return {
    open(_inode, file) {
      // A write-only opener needs no permission to read the log.
      if ((file.flags & O_ACCMODE) !== O_WRONLY) {
        const err = check_syslog_permissions(k.current, SYSLOG_ACTION_READ_ALL);
        if (err) return err;
      }
      file.private_data = new DevkmsgUser(log.first_seq());
      return 0;
    },
    read(file, max) {
      const user = user_of(file);
      const r = log.read_valid(user.seq);
      if (!r) {
        if (file.flags & O_NONBLOCK) return -EAGAIN;
        return new Block(log.log_wait);
      }
      if (r.seq !== user.seq) {
        user.seq = r.seq; // our last seen message is gone: report it once, go on from here
        return -EPIPE;
      }
      user.seq = r.seq + 1;
      const text = devkmsg_format(r);
      if (text.length > max) return -EINVAL;
      return name_bytes(text);
    },
    write(file, data) {
      const user = user_of(file);
      if (data.length > PRINTKRB_RECORD_MAX) return -EINVAL;
      if (!ratelimit(user, k.port.monotonic_ns())) return data.length;
      let line = bytes_name(data);
      let level = MESSAGE_LOGLEVEL_DEFAULT, facility = 1; // LOG_USER
      const m = /^<(\d*)>/.exec(line);
      if (m) {
        const u = Number(m[1]) >>> 0;
        level = u & 7;
        if (u >> 3) facility = u >> 3;
        line = line.slice(m[0].length);
      }
      log.printk(level, line, facility);
      return data.length;
    },
    llseek(file, offset, whence) {
      const user = user_of(file);
      if (offset !== 0n) return BigInt(-ESPIPE);
      switch (whence) {
        case SEEK_SET:
          user.seq = log.first_seq();
          return 0n;
        case SEEK_DATA:
          // Like SEEK_SET, but past what syslog(SYSLOG_ACTION_CLEAR) cleared.
          user.seq = log.clear_seq;
          return 0n;
        case SEEK_END:
          user.seq = log.readable_end_seq();
          return 0n;
      }
      return BigInt(-EINVAL);
    },
    poll(file) {
      const user = user_of(file);
      const r = log.read_valid(user.seq);
      let mask = 0;
      if (r) mask = POLLIN | POLLRDNORM | (r.seq !== user.seq ? POLLERR | POLLPRI : 0);
      return { mask, queues: [log.log_wait] };
    },
    release(file) {
      const user = user_of(file);
      // RATELIMIT_MSG_ON_RELEASE: say how many writes the limit swallowed.
      if (user.rs_missed > 0) {
        log.printk(KERN_WARNING, `printk: ${k.current?.comm ?? "kernel"}: ${user.rs_missed} output lines suppressed due to ratelimiting\n`);
      }
    },
    getattr: (file) => inode_getattr(file.inode!),
  };
}
