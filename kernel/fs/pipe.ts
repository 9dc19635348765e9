// kernel/fs/pipe.ts — pipes and FIFOs (fs/pipe.c, 6.18).
// Owns: each pipe's ring of page buffers and its reader/writer counts.
// Shape, as Linux: at most max_usage (16) page buffers, so 64 KiB when every write fills
// pages; a write first merges its sub-page tail into the last buffer if it fits whole, then
// fills fresh pages. A write of at most PIPE_BUF (4096) bytes therefore lands in one buffer
// or one merge: it is never interleaved with another writer's bytes. O_DIRECT makes a
// "packet" pipe: every write is its own buffer and a read returns at most one packet.
// Errors: a write with no readers is -EPIPE (the syscall layer then raises SIGPIPE through
// the kernel's hook); a read with no writers and no data is EOF; O_NONBLOCK turns a wait into
// -EAGAIN.
// Blocking (contract in wait.ts): an empty read or a write that moved nothing returns
// Block(rd_wait or wr_wait) having changed nothing.
// DIVERGES: a blocking write larger than the free space writes what fits and returns that
// count; Linux sleeps inside the write until all of it is in. Callers that loop on short
// writes (stdio, write loops) see the same bytes in the same order.

import { Inode, SuperBlock, inode_getattr } from "./vfs_types";
import type { FileSystemType } from "./vfs_types";
import type { Vfs } from "./vfs";
import { Block, WaitQueue } from "./wait";
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, POLLHUP, POLLERR, FMODE_READ, FMODE_WRITE } from "./file";

import { File, FileOps, IoctlAccess, O_RDONLY, O_WRONLY, O_RDWR, O_ACCMODE, O_NONBLOCK, O_DIRECT, S_IFIFO } from "./file";
import { EAGAIN, EBUSY, EFAULT, EINVAL, ENXIO, EPERM, EPIPE, ENOTTY } from "../errno";

export const PIPE_BUF = 4096;
export const PIPE_DEF_BUFFERS = 16;
export const PAGE_SIZE = 4096;
export const PIPEFS_MAGIC = 0x50495045;
/** /proc/sys/fs/pipe-max-size. */
export const PIPE_MAX_SIZE = 1048576;
export const FIONREAD = 0x541b;
export const F_SETPIPE_SZ = 1031;
export const F_GETPIPE_SZ = 1032;

interface PipeBuffer {
  page: Uint8Array;
  offset: number;
  len: number;
  /** PIPE_BUF_FLAG_CAN_MERGE: a later write may append to this buffer. */
  can_merge: boolean;
}

export class PipeInodeInfo {
  bufs: PipeBuffer[] = [];
  max_usage = PIPE_DEF_BUFFERS;
  readers = 0;
  writers = 0;
  /** Openers of a FIFO so far, for the rendezvous of open. */
  r_counter = 0;
  w_counter = 0;
  readonly rd_wait = new WaitQueue();
  readonly wr_wait = new WaitQueue();

  /** Bytes waiting to be read (FIONREAD). */
  nr_bytes(): number {
    let n = 0;
    for (const b of this.bufs) n += b.len;
    return n;
  }
}

export function pipe_info(file: File): PipeInodeInfo {
  return file.private_data as PipeInodeInfo;
}

function is_packetized(file: File): boolean {
  return (file.flags & O_DIRECT) !== 0;
}

/** pipe_read. */
export function pipe_read(file: File, max: number): Uint8Array | number | Block {
  const pipe = pipe_info(file);
  if (max === 0) return new Uint8Array(0); // "Null read succeeds."
  if (pipe.bufs.length === 0) {
    if (pipe.writers === 0) return new Uint8Array(0);
    if (file.flags & O_NONBLOCK) return -EAGAIN;
    return new Block(pipe.rd_wait);
  }
  const out = new Uint8Array(Math.min(max, pipe.nr_bytes()));
  let got = 0;
  while (got < max && pipe.bufs.length > 0) {
    const buf = pipe.bufs[0];
    const n = Math.min(buf.len, max - got);
    out.set(buf.page.subarray(buf.offset, buf.offset + n), got);
    got += n;
    buf.offset += n;
    buf.len -= n;
    if (is_packetized(file)) {
      buf.len = 0; // the rest of a packet a short read did not take is dropped
    }
    if (buf.len === 0) pipe.bufs.shift();
    if (is_packetized(file)) break;
  }
  pipe.wr_wait.wake_up(POLLOUT | POLLWRNORM);
  return out.subarray(0, got);
}

/** pipe_write. */
export function pipe_write(file: File, data: Uint8Array): number | Block {
  const pipe = pipe_info(file);
  const total = data.length;
  if (total === 0) return 0;
  if (pipe.readers === 0) return -EPIPE;
  let done = 0;
  // Merge the sub-page tail into the last buffer when it fits there whole.
  const chars = total & (PAGE_SIZE - 1);
  const last = pipe.bufs[pipe.bufs.length - 1];
  if (chars && last && last.can_merge && !is_packetized(file) && last.offset + last.len + chars <= PAGE_SIZE) {
    last.page.set(data.subarray(0, chars), last.offset + last.len);
    last.len += chars;
    done = chars;
  }
  while (done < total) {
    if (pipe.bufs.length >= pipe.max_usage) {
      if (done > 0) break;
      if (file.flags & O_NONBLOCK) return -EAGAIN;
      return new Block(pipe.wr_wait);
    }
    const n = Math.min(PAGE_SIZE, total - done);
    const page = new Uint8Array(PAGE_SIZE);
    page.set(data.subarray(done, done + n));
    pipe.bufs.push({ page, offset: 0, len: n, can_merge: !is_packetized(file) });
    done += n;
  }
  pipe.rd_wait.wake_up(POLLIN | POLLRDNORM);
  return done;
}

function pipe_release(file: File): void {
  const pipe = pipe_info(file);
  const acc = file.flags & O_ACCMODE;
  if (acc === O_RDONLY || acc === O_RDWR) pipe.readers--;
  if (acc === O_WRONLY || acc === O_RDWR) pipe.writers--;
  // The other side sees EOF or EPIPE now; whoever sleeps must retry.
  pipe.rd_wait.wake_up();
  pipe.wr_wait.wake_up();
}

function pipe_ioctl(file: File, cmd: number, arg: bigint, io: IoctlAccess): number {
  if (cmd !== FIONREAD) return -ENOTTY;
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, pipe_info(file).nr_bytes(), true);
  return io.write(arg, b) ? 0 : -EFAULT;
}

/** pipe_poll (fs/pipe.c). */
function pipe_poll(file: File): { mask: number; queues: WaitQueue[] } {
  const pipe = pipe_info(file);
  let mask = 0;
  if (file.fmode & FMODE_READ) {
    if (pipe.bufs.length > 0) mask |= POLLIN | POLLRDNORM;
    if (pipe.writers === 0) mask |= POLLHUP;
  }
  if (file.fmode & FMODE_WRITE) {
    if (pipe.bufs.length < pipe.max_usage) mask |= POLLOUT | POLLWRNORM;
    if (pipe.readers === 0) mask |= POLLERR;
  }
  return { mask, queues: [pipe.rd_wait, pipe.wr_wait] };
}

export const pipefifo_fops: FileOps = {
  poll: pipe_poll,
  read: (file, max) => pipe_read(file, max),
  write: (file, data) => pipe_write(file, data),
  ioctl: pipe_ioctl,
  release: pipe_release,
  getattr: (file) => inode_getattr(file.inode!),
};

/** pipe_fcntl: F_GETPIPE_SZ and F_SETPIPE_SZ, or null when file is not a pipe. */
export function pipe_fcntl(file: File, cmd: number, arg: bigint, privileged: boolean): number | null {
  if (file.ops !== pipefifo_fops) return null;
  const pipe = pipe_info(file);
  if (cmd === F_GETPIPE_SZ) return pipe.max_usage * PAGE_SIZE;
  // F_SETPIPE_SZ: round up to a power-of-two number of pages (round_pipe_size).
  const size = BigInt.asUintN(32, arg);
  if (size > BigInt(PIPE_MAX_SIZE) && !privileged) return -EPERM;
  if (size > 0x80000000n) return -EINVAL;
  const want = Math.max(1, Math.ceil(Number(size) / PAGE_SIZE));
  let pages = 1;
  while (pages < want) pages *= 2;
  if (pages < pipe.bufs.length) return -EBUSY;
  pipe.max_usage = pages;
  pipe.wr_wait.wake_up();
  return pages * PAGE_SIZE;
}

/** pipefs: the pseudo file system pipe inodes live on (never mounted in the tree). */
export function pipefs_super(vfs: Vfs): SuperBlock {
  const type: FileSystemType = { name: "pipefs", requires_dev: false, mount: () => -EINVAL };
  const sb = new SuperBlock(type, PIPEFS_MAGIC, () => ({
    f_type: PIPEFS_MAGIC, f_bsize: PAGE_SIZE, f_blocks: 0n, f_bfree: 0n, f_bavail: 0n, f_files: 0n, f_ffree: 0n, f_namelen: 255,
  }));
  sb.s_dev = vfs.get_anon_dev();
  sb.s_time = vfs.now;
  return sb;
}

/** create_pipe_files: the read end and the write end of a new pipe. flags: O_NONBLOCK and
 *  O_DIRECT (the caller checked them). */
export function create_pipe_files(sb: SuperBlock, uid: number, gid: number, flags: number): [File, File] {
  const inode = new Inode(sb, sb.get_next_ino(), S_IFIFO | 0o600, {}, pipefifo_fops);
  inode.i_uid = uid;
  inode.i_gid = gid;
  inode.i_atime_ns = inode.i_mtime_ns = inode.i_ctime_ns = sb.s_time();
  const pipe = new PipeInodeInfo();
  pipe.readers = 1;
  pipe.writers = 1;
  inode.i_private = pipe;
  const mk = (acc: number): File => {
    const f = new File(pipefifo_fops, acc | (flags & (O_NONBLOCK | O_DIRECT)));
    f.inode = inode;
    f.private_data = pipe;
    return f;
  };
  return [mk(O_RDONLY), mk(O_WRONLY)];
}

/** fifo_open for named pipes (mknod S_IFIFO on tmpfs): the pipe lives with the inode.
 *  DIVERGES: a blocking open does not wait for the other end to be opened; it succeeds at
 *  once (reads then see EOF or block as for a pipe whose writer has not written). */
export const fifo_fops: FileOps = {
  open(inode: Inode, file: File): number {
    let pipe = inode.i_private as PipeInodeInfo | null;
    if (!pipe) {
      pipe = new PipeInodeInfo();
      inode.i_private = pipe;
    }
    const acc = file.flags & O_ACCMODE;
    if (acc === O_WRONLY && file.flags & O_NONBLOCK && pipe.readers === 0) return -ENXIO;
    if (acc === O_RDONLY || acc === O_RDWR) pipe.readers++;
    if (acc === O_WRONLY || acc === O_RDWR) pipe.writers++;
    file.ops = pipefifo_fops;
    file.private_data = pipe;
    pipe.rd_wait.wake_up();
    pipe.wr_wait.wake_up();
    return 0;
  },
  getattr: (file) => inode_getattr(file.inode!),
};
