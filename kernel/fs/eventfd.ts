// kernel/fs/eventfd.ts — eventfd (fs/eventfd.c) and the anonymous inode it lives on
// (fs/anon_inodes.c: one shared inode, mode 0600 with no file type bits).
// An eventfd is a 64-bit counter: write adds, read takes it all (or 1 with EFD_SEMAPHORE).
// Blocking follows wait.ts: a read at zero or a write that would pass 0xfffffffffffffffe
// returns a Block (or -EAGAIN under O_NONBLOCK).

import { Inode, SuperBlock, inode_getattr } from "./vfs_types";
import type { FileSystemType } from "./vfs_types";
import type { Vfs } from "./vfs";
import { Block, WaitQueue } from "./wait";
import { POLLIN, POLLOUT } from "./file";
import { File, FileOps, O_RDWR, O_NONBLOCK } from "./file";
import { EAGAIN, EINVAL } from "../errno";

export const ANON_INODE_FS_MAGIC = 0x09041934;
export const EFD_SEMAPHORE = 1;
export const ULLONG_MAX = 0xffff_ffff_ffff_ffffn;

export class EventfdCtx {
  count = 0n;
  readonly flags: number;
  readonly wqh = new WaitQueue();
  constructor(count: bigint, flags: number) {
    this.count = count;
    this.flags = flags;
  }
}

/** The anonymous inode every anon file (eventfd, epoll...) shares. */
export function anon_inode_init(vfs: Vfs): Inode {
  const type: FileSystemType = { name: "anon_inodefs", requires_dev: false, mount: () => -EINVAL };
  const sb = new SuperBlock(type, ANON_INODE_FS_MAGIC, () => ({
    f_type: ANON_INODE_FS_MAGIC, f_bsize: 4096, f_blocks: 0n, f_bfree: 0n, f_bavail: 0n, f_files: 0n, f_ffree: 0n, f_namelen: 255,
  }));
  sb.s_dev = vfs.get_anon_dev();
  sb.s_time = vfs.now;
  const inode = new Inode(sb, sb.get_next_ino(), 0o600, {}, { getattr: (f) => inode_getattr(f.inode!) });
  inode.i_atime_ns = inode.i_mtime_ns = inode.i_ctime_ns = vfs.now();
  return inode;
}

function ctx_of(file: File): EventfdCtx {
  return file.private_data as EventfdCtx;
}

export const eventfd_fops: FileOps = {
  poll(file: File) {
    const ctx = ctx_of(file);
    let mask = 0;
    if (ctx.count > 0n) mask |= POLLIN;
    if (ctx.count < ULLONG_MAX - 1n) mask |= POLLOUT;
    return { mask, queues: [ctx.wqh] };
  },
  read(file: File, max: number) {
    const ctx = ctx_of(file);
    if (max < 8) return -EINVAL;
    if (ctx.count === 0n) {
      if (file.flags & O_NONBLOCK) return -EAGAIN;
      return new Block(ctx.wqh);
    }
    const ucnt = ctx.flags & EFD_SEMAPHORE ? 1n : ctx.count;
    ctx.count -= ucnt;
    ctx.wqh.wake_up(POLLOUT);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, ucnt, true);
    return b;
  },
  write(file: File, data: Uint8Array) {
    const ctx = ctx_of(file);
    if (data.length < 8) return -EINVAL;
    const ucnt = new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
    if (ucnt === ULLONG_MAX) return -EINVAL;
    if (ULLONG_MAX - ctx.count <= ucnt) {
      if (file.flags & O_NONBLOCK) return -EAGAIN;
      return new Block(ctx.wqh);
    }
    ctx.count += ucnt;
    ctx.wqh.wake_up(POLLIN);
    return 8;
  },
  dname: () => "anon_inode:[eventfd]",
  getattr: (file: File) => inode_getattr(file.inode!),
};

/** A new eventfd file on the anon inode. flags: O_NONBLOCK, EFD_SEMAPHORE (checked). */
export function eventfd_file_create(anon: Inode, count: bigint, flags: number): File {
  const f = new File(eventfd_fops, O_RDWR | (flags & O_NONBLOCK));
  f.inode = anon;
  f.private_data = new EventfdCtx(count, flags);
  return f;
}
