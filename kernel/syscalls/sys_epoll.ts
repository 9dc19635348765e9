// kernel/syscalls/sys_epoll.ts — epoll_create1, epoll_ctl, epoll_pwait, epoll_pwait2: the
// system call half of fs/eventpoll.c (6.18); the interest and ready lists are in
// fs/eventpoll.ts. riscv64 has no epoll_create or epoll_wait; glibc builds them on these.
// Waiting follows sys_poll.ts: the deadline survives restarts in restart_block, a sigmask
// given to the call applies while it waits, and a handler ends the wait with -EINTR (never
// restarted, as ep_poll returns -EINTR rather than -ERESTARTSYS).

import type { Kernel } from "../kernel";
import type { Task } from "../task";
import type { SyscallHandler } from "./types";
import { int, long } from "./types";
import { EBADF, EFAULT, EINVAL } from "../errno";
import { O_CLOEXEC } from "../fs/file";
import { Block } from "../fs/wait";
import {
  EP_MAX_EVENTS, EPOLL_CTL_DEL, do_epoll_ctl, ep_events_available, ep_of, ep_send_events, epoll_file_create,
} from "../fs/eventpoll";
import { Blocked } from "../sched";
import { fd_install, fdget_io, get_unused_fd } from "./sys_fs";
import { finish, set_user_sigmask } from "./sys_poll";
import { nr } from "./names";

const EPOLL_CLOEXEC = O_CLOEXEC;
/** struct epoll_event on riscv64: u32 events, 4 bytes of padding, u64 data (packed only on
 *  x86-64). */
const EPOLL_EVENT_SIZE = 16;
const TASK_SIZE = 0x40_0000_0000n;
const NSEC = 1_000_000_000n;

/** The call's absolute deadline (kept across restarts); null waits forever, 0n polls. */
function ep_deadline(k: Kernel, t: Task, sysnr: number, rel_ns: bigint | null): bigint | null {
  const rb = t.restart_block;
  if (rb && rb.nr === sysnr) return rb.deadline_ns;
  if (rel_ns === null) return null;
  const d = k.port.monotonic_ns() + rel_ns;
  t.restart_block = { nr: sysnr, deadline_ns: d };
  return d;
}

/** do_epoll_pwait: the sigmask, then do_epoll_wait's checks, then ep_poll. */
function do_epoll_pwait(k: Kernel, t: Task, a: bigint[], sysnr: number, rel_ns: bigint | null,
                        sigmask: bigint, sigsetsize: bigint): number | Blocked {
  const deadline = ep_deadline(k, t, sysnr, rel_ns);
  const err = set_user_sigmask(k, t, sigmask, sigsetsize);
  if (err) return finish(t, err);
  const epfd = int(a[0]);
  const events = a[1];
  const maxevents = int(a[2]);
  if (maxevents <= 0 || maxevents > EP_MAX_EVENTS) return finish(t, -EINVAL);
  const len = BigInt(maxevents * EPOLL_EVENT_SIZE);
  if (events > TASK_SIZE || len > TASK_SIZE - events) return finish(t, -EFAULT); // access_ok
  const f = fdget_io(t, epfd);
  if (!f) return finish(t, -EBADF);
  const ep = ep_of(f);
  if (!ep) return finish(t, -EINVAL);
  if (ep_events_available(ep)) {
    const put = (i: number, revents: number, data: bigint): boolean => {
      const b = new Uint8Array(EPOLL_EVENT_SIZE);
      const dv = new DataView(b.buffer);
      dv.setUint32(0, revents >>> 0, true);
      dv.setBigUint64(8, data, true);
      return k.machine.writeUser(t.mm, events + BigInt(i * EPOLL_EVENT_SIZE), b);
    };
    const res = ep_send_events(ep, maxevents, put);
    if (res) return finish(t, res);
  }
  if (deadline !== null && k.port.monotonic_ns() >= deadline) return finish(t, 0);
  t.no_restart = true;
  return new Blocked(null, deadline, null, true, new Block(ep.wq));
}

export const epoll_syscalls: Record<string, SyscallHandler> = {
  epoll_create1: (k, t, a) => {
    const flags = int(a[0]);
    if (flags & ~EPOLL_CLOEXEC) return -EINVAL;
    const fd = get_unused_fd(t);
    if (fd < 0) return fd;
    fd_install(t, fd, epoll_file_create(k.fs.anon_inode), (flags & EPOLL_CLOEXEC) !== 0);
    return fd;
  },

  epoll_ctl: (k, t, a) => {
    const op = int(a[1]);
    let events = 0;
    let data = 0n;
    if (op !== EPOLL_CTL_DEL) {
      const raw = k.machine.readUser(t.mm, a[3], EPOLL_EVENT_SIZE);
      if (!raw) return -EFAULT;
      const dv = new DataView(raw.buffer);
      events = dv.getUint32(0, true) | 0;
      data = dv.getBigUint64(8, true);
    }
    const epf = fdget_io(t, int(a[0]));
    if (!epf) return -EBADF;
    const tf = fdget_io(t, int(a[2]));
    if (!tf) return -EBADF;
    return do_epoll_ctl(epf, op, int(a[2]), tf, events, data);
  },

  epoll_pwait: (k, t, a) => {
    // ep_timeout_to_timespec: a negative timeout waits forever.
    const ms = int(a[3]);
    const rel = ms < 0 ? null : BigInt(ms) * 1_000_000n;
    return do_epoll_pwait(k, t, a, nr("epoll_pwait"), rel, a[4], a[5]);
  },

  epoll_pwait2: (k, t, a) => {
    let rel: bigint | null = null;
    const rb = t.restart_block;
    if (a[3] !== 0n && !(rb && rb.nr === nr("epoll_pwait2"))) {
      const raw = k.machine.readUser(t.mm, a[3], 16);
      if (!raw) return -EFAULT;
      const dv = new DataView(raw.buffer);
      const sec = dv.getBigInt64(0, true), nsec = long(dv.getBigUint64(8, true));
      if (sec < 0n || nsec < 0n || nsec >= NSEC) return -EINVAL; // poll_select_set_timeout
      rel = sec * NSEC + nsec;
    }
    return do_epoll_pwait(k, t, a, nr("epoll_pwait2"), rel, a[4], a[5]);
  },
};
