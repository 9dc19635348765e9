// kernel/fs/eventpoll.ts — epoll: an interest list of (file, fd) items and a ready list,
// kept current by callbacks on the watched files' wait queues. Follows fs/eventpoll.c (6.18).
// Owns: each EventPoll's items, its ready list (rdllist) and the items watching a file
// (file.f_ep). Derived: nothing; readiness is always re-read from f_op->poll before it is
// reported, so a wake-up that changed nothing reports nothing (as ep_send_events does).
// Invariants:
//   - an item is on rdllist at most once, and epi.ready ⇔ it is on rdllist;
//   - every item has a callback on each wait queue its file's poll named at insert, and is on
//     its file's f_ep; ep_remove undoes both;
//   - epoll files nest at most EP_MAX_NESTS deep and never in a cycle (ep_loop_check), so the
//     recursion of ep_item_poll and of the nested wake-ups is bounded.
// Lifetime: an item does not hold its file; the last fput of the file removes it from every
// interest list (eventpoll_release), and the last fput of an epoll file frees its items.

import type { Inode } from "./vfs_types";
import { inode_getattr } from "./vfs_types";
import { File, FileOps, O_RDWR, DEFAULT_POLLMASK, POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDNORM } from "./file";
import { WaitQueue, WaitCallback } from "./wait";
import { EEXIST, EFAULT, EINVAL, ELOOP, ENOENT, EPERM } from "../errno";

export const EPOLL_CTL_ADD = 1;
export const EPOLL_CTL_DEL = 2;
export const EPOLL_CTL_MOD = 3;
export const EPOLLRDHUP = 0x2000;
export const EPOLLEXCLUSIVE = 1 << 28;
export const EPOLLWAKEUP = 1 << 29;
export const EPOLLONESHOT = 1 << 30;
export const EPOLLET = 1 << 31;
/** Bits that are not events: what a disabled EPOLLONESHOT item keeps. */
export const EP_PRIVATE_BITS = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;
const EPOLLINOUT_BITS = POLLIN | POLLOUT;
const EPOLLEXCLUSIVE_OK_BITS = EPOLLINOUT_BITS | POLLERR | POLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;
/** Deepest chain of epoll files watching epoll files. */
export const EP_MAX_NESTS = 4;
/** epoll_wait's maxevents bound: INT_MAX / sizeof(struct epoll_event) (16 on riscv64). */
export const EP_MAX_EVENTS = Math.floor(0x7fffffff / 16);

/** struct epitem: one watched (file, fd) of one epoll instance. */
export class EpItem {
  /** On ep.rdllist. */
  ready = false;
  /** The queues the callback sits on (what the file's poll named at insert). */
  queues: WaitQueue[] = [];
  readonly wait: WaitCallback;

  constructor(readonly ep: EventPoll, readonly file: File, readonly fd: number,
              public events: number, public data: bigint) {
    this.wait = {
      func: (key) => ep_poll_callback(this, key),
      exclusive: (events & EPOLLEXCLUSIVE) !== 0,
    };
  }
}

/** struct eventpoll: the private data of an epoll file. */
export class EventPoll {
  /** The interest list, in insertion order (Linux: an rbtree keyed by file and fd). */
  readonly items: EpItem[] = [];
  readonly rdllist: EpItem[] = [];
  /** Tasks sleeping in epoll_wait on this instance. */
  readonly wq = new WaitQueue();
  /** Epoll files (and poll/select callers) watching this one. */
  readonly poll_wait = new WaitQueue();
  file!: File;
}

export function ep_of(file: File): EventPoll | null {
  return file.ops === eventpoll_fops ? (file.private_data as EventPoll) : null;
}

/** file_can_poll: files without f_op->poll (regular files, directories) cannot be watched. */
export function file_can_poll(file: File): boolean {
  return file.ops.poll !== undefined;
}

function vfs_poll(file: File): { mask: number; queues: WaitQueue[] } {
  return file.ops.poll ? file.ops.poll(file) : { mask: DEFAULT_POLLMASK, queues: [] };
}

/** ep_item_poll: the item's requested events that are ready now. depth bounds the nesting. */
function ep_item_poll(epi: EpItem, depth: number): number {
  const child = ep_of(epi.file);
  const mask = child ? __ep_eventpoll_poll(child, depth) : vfs_poll(epi.file).mask;
  return mask & epi.events;
}

/** __ep_eventpoll_poll: readable when some item on the ready list really has events; the ones
 *  that do not are dropped from it on the way. */
function __ep_eventpoll_poll(ep: EventPoll, depth: number): number {
  if (depth > EP_MAX_NESTS) throw new Error("epoll nesting deeper than ep_loop_check allows");
  while (ep.rdllist.length > 0) {
    const epi = ep.rdllist[0];
    if (ep_item_poll(epi, depth + 1)) return POLLIN | POLLRDNORM;
    ep.rdllist.shift();
    epi.ready = false;
  }
  return 0;
}

function ep_add_ready(ep: EventPoll, epi: EpItem): void {
  if (epi.ready) return;
  epi.ready = true;
  ep.rdllist.push(epi);
}

/** Tell epoll_wait sleepers and watching epoll files that ep has events.
 *  DIVERGES: Linux sleeps epoll_wait callers exclusively and wakes one per event; here all
 *  of them wake, run epoll_wait again, and those that find the ready list empty sleep again. */
function ep_wake(ep: EventPoll): void {
  ep.wq.wake_up();
  ep.poll_wait.wake_up(POLLIN | POLLRDNORM);
}

/** ep_poll_callback: a watched file's queue was woken with key (0: any events). Returns
 *  whether an exclusive wake-up was consumed (see WaitQueue.wake_up). */
function ep_poll_callback(epi: EpItem, key: number): boolean {
  const ep = epi.ep;
  // A disabled EPOLLONESHOT item, or events it did not ask for: ignore the wake-up.
  if (!(epi.events & ~EP_PRIVATE_BITS)) return !(epi.events & EPOLLEXCLUSIVE);
  if (key && !(key & epi.events)) return !(epi.events & EPOLLEXCLUSIVE);
  ep_add_ready(ep, epi);
  let ewake = false;
  if (ep.wq.nr_waiters > 0 && epi.events & EPOLLEXCLUSIVE) {
    const io = key & EPOLLINOUT_BITS;
    ewake = io === 0 || (io === POLLIN && (epi.events & POLLIN) !== 0) || (io === POLLOUT && (epi.events & POLLOUT) !== 0);
  }
  ep_wake(ep);
  return ewake || !(epi.events & EPOLLEXCLUSIVE);
}

/** ep_insert: watch file (as fd) with event; it is reported at once if already ready. */
function ep_insert(ep: EventPoll, events: number, data: bigint, file: File, fd: number): number {
  const epi = new EpItem(ep, file, fd, events, data);
  ep.items.push(epi);
  (file.f_ep ??= []).push(epi);
  const child = ep_of(file);
  epi.queues = child ? [child.poll_wait] : vfs_poll(file).queues;
  for (const q of epi.queues) q.add_callback(epi.wait);
  if (ep_item_poll(epi, 1) && !epi.ready) {
    ep_add_ready(ep, epi);
    ep_wake(ep);
  }
  return 0;
}

/** ep_modify: new events and data; a now-ready item goes on the ready list. */
function ep_modify(ep: EventPoll, epi: EpItem, events: number, data: bigint): number {
  epi.events = events;
  epi.data = data;
  if (ep_item_poll(epi, 1) && !epi.ready) {
    ep_add_ready(ep, epi);
    ep_wake(ep);
  }
  return 0;
}

/** ep_remove: take the item off its queues, its file's list and the instance. */
function ep_remove(ep: EventPoll, epi: EpItem): void {
  for (const q of epi.queues) q.remove_callback(epi.wait);
  epi.queues = [];
  const fe = epi.file.f_ep!;
  fe.splice(fe.indexOf(epi), 1);
  if (fe.length === 0) epi.file.f_ep = null;
  ep.items.splice(ep.items.indexOf(epi), 1);
  if (epi.ready) {
    ep.rdllist.splice(ep.rdllist.indexOf(epi), 1);
    epi.ready = false;
  }
}

function ep_find(ep: EventPoll, file: File, fd: number): EpItem | null {
  return ep.items.find((e) => e.file === file && e.fd === fd) ?? null;
}

/** How many epoll levels lie below ep (0: it watches no epoll file); Infinity when the walk
 *  reaches target, which would close a cycle. Matches ep_loop_check_proc(). */
function ep_loop_check_proc(ep: EventPoll, target: EventPoll, depth: number): number {
  if (ep === target) return Infinity;
  if (depth > EP_MAX_NESTS) return depth; // deep enough to fail; stop walking
  let result = 0;
  for (const epi of ep.items) {
    const child = ep_of(epi.file);
    if (child) result = Math.max(result, 1 + ep_loop_check_proc(child, target, depth + 1));
  }
  return result;
}

/** How many epoll levels watch ep from above. Matches ep_get_upwards_depth_proc(). */
function ep_get_upwards_depth_proc(ep: EventPoll, depth: number): number {
  if (depth > EP_MAX_NESTS) return depth;
  let result = 0;
  for (const epi of ep.file.f_ep ?? []) result = Math.max(result, 1 + ep_get_upwards_depth_proc(epi.ep, depth + 1));
  return result;
}

/** ep_loop_check: would adding `to` into `ep` make a cycle or a chain deeper than
 *  EP_MAX_NESTS? */
function ep_loop_check(ep: EventPoll, to: EventPoll): boolean {
  const depth = ep_loop_check_proc(to, ep, 0);
  if (depth > EP_MAX_NESTS) return true;
  return depth + 1 + ep_get_upwards_depth_proc(ep, 0) > EP_MAX_NESTS;
}

/** do_epoll_ctl after the fds are looked up: Linux's checks in Linux's order. */
export function do_epoll_ctl(epf: File, op: number, fd: number, tf: File, events: number, data: bigint): number {
  if (!file_can_poll(tf)) return -EPERM;
  // DIVERGES: no wakeup sources; EPOLLWAKEUP is dropped as for a caller without
  // CAP_BLOCK_SUSPEND.
  const has_event = op !== EPOLL_CTL_DEL;
  if (has_event) events &= ~EPOLLWAKEUP;
  const ep = ep_of(epf);
  if (epf === tf || !ep) return -EINVAL;
  if (has_event && events & EPOLLEXCLUSIVE) {
    if (op === EPOLL_CTL_MOD) return -EINVAL;
    if (op === EPOLL_CTL_ADD && (ep_of(tf) || events & ~EPOLLEXCLUSIVE_OK_BITS)) return -EINVAL;
  }
  // DIVERGES: no reverse_path_check(); the wake-up path limits for many epoll instances
  // watching one file are not enforced.
  const tep = ep_of(tf);
  if (op === EPOLL_CTL_ADD && tep && ep_loop_check(ep, tep)) return -ELOOP;
  const epi = ep_find(ep, tf, fd);
  switch (op) {
    case EPOLL_CTL_ADD:
      if (epi) return -EEXIST;
      return ep_insert(ep, events | POLLERR | POLLHUP, data, tf, fd);
    case EPOLL_CTL_DEL:
      if (!epi) return -ENOENT;
      ep_remove(ep, epi);
      return 0;
    case EPOLL_CTL_MOD:
      if (!epi) return -ENOENT;
      if (epi.events & EPOLLEXCLUSIVE) return -EINVAL;
      return ep_modify(ep, epi, events | POLLERR | POLLHUP, data);
  }
  return -EINVAL;
}

/** ep_send_events: report up to maxevents ready items through put (which writes event i to
 *  the caller and says whether that worked). Returns the count, or -EFAULT when the first
 *  write failed. Level-triggered items go back on the ready list (at its tail, after the
 *  items not reached), EPOLLET ones do not, EPOLLONESHOT ones are disabled. */
export function ep_send_events(ep: EventPoll, maxevents: number, put: (i: number, events: number, data: bigint) => boolean): number {
  const txlist = ep.rdllist.splice(0, ep.rdllist.length);
  for (const epi of txlist) epi.ready = false;
  let res = 0;
  let i = 0;
  for (; i < txlist.length && res < maxevents; i++) {
    const epi = txlist[i];
    const revents = ep_item_poll(epi, 1);
    if (!revents) continue;
    if (!put(res, revents, epi.data)) {
      if (res === 0) res = -EFAULT;
      break;
    }
    res++;
    if (epi.events & EPOLLONESHOT) epi.events &= EP_PRIVATE_BITS;
    else if (!(epi.events & EPOLLET)) ep_add_ready(ep, epi);
  }
  // ep_done_scan: what was not reached (and the item whose copy failed) goes first.
  const rest = txlist.slice(i);
  for (const epi of rest) epi.ready = true;
  ep.rdllist.unshift(...rest);
  if (ep.rdllist.length > 0) ep_wake_waiters_only(ep);
  return res;
}

/** ep_done_scan's wake-up: more events remain for another epoll_wait caller. */
function ep_wake_waiters_only(ep: EventPoll): void {
  if (ep.wq.nr_waiters > 0) ep.wq.wake_up();
}

export function ep_events_available(ep: EventPoll): boolean {
  return ep.rdllist.length > 0;
}

/** ep_free: the epoll file's last reference is gone; drop every item. */
function ep_free(ep: EventPoll): void {
  while (ep.items.length > 0) ep_remove(ep, ep.items[ep.items.length - 1]);
}

/** eventpoll_release: file's last reference is gone (__fput); no instance may watch it. */
export function eventpoll_release(file: File): void {
  while (file.f_ep && file.f_ep.length > 0) {
    const epi = file.f_ep[file.f_ep.length - 1];
    ep_remove(epi.ep, epi);
  }
}

export const eventpoll_fops: FileOps = {
  poll(file: File) {
    const ep = file.private_data as EventPoll;
    return { mask: __ep_eventpoll_poll(ep, 0), queues: [ep.poll_wait] };
  },
  release(file: File) {
    ep_free(file.private_data as EventPoll);
  },
  dname: () => "anon_inode:[eventpoll]",
  getattr: (file: File) => inode_getattr(file.inode!),
};

/** do_epoll_create: a new epoll file on the anon inode. */
export function epoll_file_create(anon: Inode): File {
  const f = new File(eventpoll_fops, O_RDWR);
  f.inode = anon;
  const ep = new EventPoll();
  ep.file = f;
  f.private_data = ep;
  return f;
}
