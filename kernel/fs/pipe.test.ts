// kernel/fs/pipe.test.ts — pipes driven directly: capacity, PIPE_BUF atomicity, packet mode,
// EOF/EPIPE, O_NONBLOCK, and the Block contract (wait.ts) with wake-ups.
import { describe, it, expect } from "vitest";
import { Vfs } from "./vfs";
import { pipefs_super, create_pipe_files, pipe_fcntl, F_GETPIPE_SZ, F_SETPIPE_SZ } from "./pipe";
import { eventfd_file_create, anon_inode_init, EFD_SEMAPHORE } from "./eventfd";
import { Block } from "./wait";
import { File, O_NONBLOCK, O_DIRECT, S_IFIFO } from "./file";
import type { Task } from "../task";
import { EAGAIN, EPIPE, EINVAL } from "../errno";

function mkpipe(flags = 0): [File, File, Vfs] {
  const vfs = new Vfs({ now_ns: () => 5n, total_pages: 1024 });
  const [r, w] = create_pipe_files(pipefs_super(vfs), 0, 0, flags);
  return [r, w, vfs];
}
const rd = (f: File, n: number) => f.ops.read!(f, n, f);
const wr = (f: File, d: Uint8Array) => f.ops.write!(f, d, f);

describe("pipes", () => {
  it("hold 64 KiB of page-filling writes, then EAGAIN (non-blocking) or Block", () => {
    const [r, w] = mkpipe(O_NONBLOCK);
    let total = 0;
    for (;;) {
      const n = wr(w, new Uint8Array(1000));
      if (n === -EAGAIN) break;
      total += n as number;
    }
    // 1000-byte writes merge into pages: 4 per page and a partial 5th... 16 pages of data.
    expect(total).toBeGreaterThan(60000);
    expect(total).toBeLessThanOrEqual(65536);
    const [r2, w2] = mkpipe();
    let sum = 0;
    for (let i = 0; i < 16; i++) sum += wr(w2, new Uint8Array(4096)) as number;
    expect(sum).toBe(65536);
    expect(wr(w2, new Uint8Array(1))).toBeInstanceOf(Block);
    expect(pipe_fcntl(w2, F_GETPIPE_SZ, 0n, true)).toBe(65536);
    void r; void r2;
  });

  it("1-byte writes fill exactly 65536 bytes (merging)", () => {
    const [, w] = mkpipe(O_NONBLOCK);
    let n = 0;
    while (wr(w, new Uint8Array(1)) === 1) n++;
    expect(n).toBe(65536);
  });

  it("a write of at most PIPE_BUF bytes is all or nothing", () => {
    const [r, w] = mkpipe(O_NONBLOCK);
    for (let i = 0; i < 15; i++) expect(wr(w, new Uint8Array(4096))).toBe(4096);
    expect(wr(w, new Uint8Array(3000))).toBe(3000);
    expect(wr(w, new Uint8Array(2000))).toBe(-EAGAIN); // would need a 17th buffer: nothing goes in
    expect(wr(w, new Uint8Array(1000))).toBe(1000); // merges into the last page
    // A big write takes what fits and reports it.
    expect((rd(r, 8192) as Uint8Array).length).toBe(8192);
    expect(wr(w, new Uint8Array(10000))).toBe(8192);
  });

  it("EOF without writers, EPIPE without readers, reads in order", () => {
    const [r, w, vfs] = mkpipe();
    wr(w, new TextEncoder().encode("hello "));
    wr(w, new TextEncoder().encode("world"));
    expect(new TextDecoder().decode(rd(r, 3) as Uint8Array)).toBe("hel");
    vfs.fput(w);
    expect(new TextDecoder().decode(rd(r, 100) as Uint8Array)).toBe("lo world");
    expect((rd(r, 100) as Uint8Array).length).toBe(0);
    const [r2, w2, vfs2] = mkpipe();
    vfs2.fput(r2);
    expect(wr(w2, new Uint8Array(1))).toBe(-EPIPE);
    expect(wr(w2, new Uint8Array(0))).toBe(0);
  });

  it("blocks an empty read and wakes the sleeper when data arrives", () => {
    const [r, w] = mkpipe();
    const b = rd(r, 10);
    expect(b).toBeInstanceOf(Block);
    const task = { pid: 7 } as Task;
    const woken: Task[] = [];
    (b as Block).sleep(task, (t) => woken.push(t));
    wr(w, new Uint8Array([1, 2]));
    expect(woken).toEqual([task]);
    expect(rd(r, 10)).toEqual(new Uint8Array([1, 2]));
    expect(r.inode!.i_mode).toBe(S_IFIFO | 0o600);
  });

  it("O_DIRECT pipes keep packets", () => {
    const [r, w] = mkpipe(O_DIRECT);
    wr(w, new Uint8Array([1, 2, 3]));
    wr(w, new Uint8Array([4, 5]));
    expect(rd(r, 2)).toEqual(new Uint8Array([1, 2])); // the rest of the packet is dropped
    expect(rd(r, 10)).toEqual(new Uint8Array([4, 5]));
  });

  it("F_SETPIPE_SZ rounds to a power of two of pages", () => {
    const [, w] = mkpipe();
    expect(pipe_fcntl(w, F_SETPIPE_SZ, 5000n, true)).toBe(8192);
    expect(pipe_fcntl(w, F_SETPIPE_SZ, 0n, true)).toBe(4096);
  });
});

describe("eventfd", () => {
  it("counts, blocks at zero, semaphore mode", () => {
    const vfs = new Vfs({ now_ns: () => 1n, total_pages: 16 });
    const anon = anon_inode_init(vfs);
    const f = eventfd_file_create(anon, 0n, O_NONBLOCK);
    const u64 = (v: bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, v, true); return b; };
    expect(rd(f, 8)).toBe(-EAGAIN);
    expect(rd(f, 4)).toBe(-EINVAL);
    expect(wr(f, u64(3n))).toBe(8);
    expect(wr(f, u64(0xffffffffffffffffn))).toBe(-EINVAL);
    expect(rd(f, 8)).toEqual(u64(3n));
    const s = eventfd_file_create(anon, 2n, EFD_SEMAPHORE);
    expect(rd(s, 8)).toEqual(u64(1n));
    expect(rd(s, 8)).toEqual(u64(1n));
    expect(rd(s, 8)).toBeInstanceOf(Block);
    expect(f.ops.getattr(f).mode).toBe(0o600);
  });
});
