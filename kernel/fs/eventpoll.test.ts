// kernel/fs/eventpoll.test.ts — epoll driven directly over pipes, eventfds and a tty: what a
// wake-up puts on the ready list, who is woken (EPOLLEXCLUSIVE), nested instances, and the
// callbacks fput leaves behind (none). The guest-visible behaviour is diffed with the host
// kernel by userland/src/tests/epoll.c.
import { describe, it, expect } from "vitest";
import { Vfs } from "./vfs";
import { pipefs_super, create_pipe_files, pipe_info } from "./pipe";
import { eventfd_file_create, anon_inode_init, EventfdCtx } from "./eventfd";
import { Block } from "./wait";
import { File, POLLIN, POLLOUT, POLLHUP } from "./file";
import {
  EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLLET, EPOLLEXCLUSIVE, do_epoll_ctl, ep_of, ep_send_events, epoll_file_create,
} from "./eventpoll";
import { Tty } from "../tty/tty";
import type { Kernel } from "../kernel";
import type { Task } from "../task";

const vfs = new Vfs({ now_ns: () => 1n, total_pages: 64 });
const anon = anon_inode_init(vfs);
const enc = new TextEncoder();

function mkpipe(): [File, File] {
  return create_pipe_files(pipefs_super(vfs), 0, 0, 0);
}
/** ep_send_events into an array of [data, events]. */
function collect(epf: File, max = 8): [number, number][] {
  const out: [number, number][] = [];
  ep_send_events(ep_of(epf)!, max, (_i, ev, data) => {
    out.push([Number(data), ev]);
    return true;
  });
  return out;
}
/** A task asleep in epoll_wait on epf: returns how many times it was woken. */
function sleeper(epf: File): () => number {
  let woken = 0;
  const t = {} as Task;
  new Block(ep_of(epf)!.wq).sleep(t, () => woken++);
  return () => woken;
}

describe("epoll", () => {
  it("reports a tty line once under EPOLLET and a hang-up with POLLHUP", () => {
    const tty = new Tty({} as Kernel, 0n, () => {});
    const tf = new File(tty, 2);
    const epf = epoll_file_create(anon);
    expect(do_epoll_ctl(epf, EPOLL_CTL_ADD, 0, tf, POLLIN | EPOLLET, 7n)).toBe(0);
    tty.receive(enc.encode("ab"));
    expect(collect(epf)).toEqual([]); // canonical mode: no line yet
    tty.receive(enc.encode("\n"));
    expect(collect(epf)).toEqual([[7, POLLIN]]);
    expect(collect(epf)).toEqual([]);
    tty.receive_eof();
    expect(collect(epf)).toEqual([[7, POLLIN | POLLHUP]]);
  });

  it("wakes an epoll_wait sleeper through a nested instance", () => {
    const [r, w] = mkpipe();
    const inner = epoll_file_create(anon), outer = epoll_file_create(anon);
    expect(do_epoll_ctl(inner, EPOLL_CTL_ADD, 3, r, POLLIN, 1n)).toBe(0);
    expect(do_epoll_ctl(outer, EPOLL_CTL_ADD, 4, inner, POLLIN, 2n)).toBe(0);
    const woken = sleeper(outer);
    // A wake-up of the pipe's write side (POLLOUT) is not what the item asked for.
    pipe_info(r).wr_wait.wake_up(POLLOUT);
    expect(woken()).toBe(0);
    expect(w.ops.write!(w, enc.encode("x"), w)).toBe(1);
    expect(woken()).toBe(1);
    expect(collect(outer)).toEqual([[2, POLLIN]]);
    expect(collect(inner)).toEqual([[1, POLLIN]]);
  });

  it("lets only the first EPOLLEXCLUSIVE waiter take a wake-up", () => {
    const ef = eventfd_file_create(anon, 0n, 0);
    const ctx = ef.private_data as EventfdCtx;
    const e1 = epoll_file_create(anon), e2 = epoll_file_create(anon);
    expect(do_epoll_ctl(e1, EPOLL_CTL_ADD, 5, ef, POLLIN | EPOLLEXCLUSIVE, 1n)).toBe(0);
    expect(do_epoll_ctl(e2, EPOLL_CTL_ADD, 5, ef, POLLIN | EPOLLEXCLUSIVE, 2n)).toBe(0);
    const w1 = sleeper(e1), w2 = sleeper(e2);
    const u64 = new Uint8Array(8);
    u64[0] = 1;
    expect(ef.ops.write!(ef, u64, ef)).toBe(8);
    expect([w1(), w2()]).toEqual([1, 0]);
    expect(ep_of(e2)!.rdllist.length).toBe(0);
    // With nobody asleep on e1, its item no longer consumes the wake-up.
    const w2b = sleeper(e2);
    ctx.wqh.wake_up(POLLIN);
    expect(w2b()).toBe(1);
  });

  it("drops the items of a file at its last fput and of an epoll file at its own", () => {
    const [r, w] = mkpipe();
    const q = pipe_info(r).rd_wait;
    const epf = epoll_file_create(anon);
    expect(do_epoll_ctl(epf, EPOLL_CTL_ADD, 3, r, POLLIN, 1n)).toBe(0);
    expect(q.nr_callbacks).toBe(1);
    r.refs++; // a dup
    vfs.fput(r);
    expect(ep_of(epf)!.items.length).toBe(1);
    vfs.fput(r);
    expect(ep_of(epf)!.items.length).toBe(0);
    expect(q.nr_callbacks).toBe(0);
    expect(r.f_ep).toBe(null);
    expect(do_epoll_ctl(epf, EPOLL_CTL_ADD, 4, w, POLLOUT, 2n)).toBe(0);
    expect(w.f_ep!.length).toBe(1);
    vfs.fput(epf);
    expect(w.f_ep).toBe(null);
    expect(pipe_info(w).wr_wait.nr_callbacks).toBe(0);
    expect(do_epoll_ctl(epoll_file_create(anon), EPOLL_CTL_DEL, 4, w, 0, 0n)).toBe(-2);
  });
});
