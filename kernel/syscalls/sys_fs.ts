// kernel/syscalls/sys_fs.ts — system calls on file descriptors: read, write, readv, writev,
// pread64, pwrite64, preadv, pwritev, lseek, close, dup, dup3, fcntl, ioctl, fstat, getdents64,
// ftruncate, fallocate, fsync, fdatasync (fs/read_write.c, fs/open.c, fs/fcntl.c, fs/file.c,
// fs/readdir.c, fs/stat.c as of 6.18), with each error checked in Linux's order.
// Also the helpers every file syscall shares: fd lookup, the caller's credentials and walk
// start (dfd), user strings as names.
// Blocking: an operation that returns a Block is parked in task.blocked_on and the handler
// returns -ERESTARTSYS (the contract is in kernel/fs/wait.ts). SIGPIPE: a write that fails
// with EPIPE calls the kernel's hook (k.fs.send_sigpipe), as pipe_write's send_sig does.

import type { Kernel } from "../kernel";
import type { Task } from "../task";
import type { SyscallHandler } from "./types";
import { int, uint, long } from "./types";
import {
  File, FilePos, DirEntry, O_CLOEXEC, O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME, FASYNC,
  FMODE_READ, FMODE_WRITE, FMODE_PREAD, FMODE_PWRITE, FMODE_PATH, S_ISDIR, S_ISREG, S_ISFIFO,
} from "../fs/file";
import { cp_new_stat } from "../fs/stat";
import { Block, ERESTARTSYS } from "../fs/wait";
import type { WalkStart, Cred } from "../fs/namei";
import { PATH_MAX } from "../fs/namei";
import type { FsStruct } from "../fs/fs_struct";
import { bytes_name, name_bytes } from "../fs/vfs_types";
import { pipe_fcntl } from "../fs/pipe";
import { memfd_fcntl } from "../fs/memfd";
import { FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE } from "../fs/tmpfs";
import { FILE_SIZE_MAX } from "../fs/file_data";
import { RLIMIT_NOFILE } from "../task";
import {
  EBADF, EFAULT, EINVAL, ENOTDIR, ENOTTY, ESPIPE, EPIPE, EISDIR, EOPNOTSUPP, EFBIG, ENODEV, EPERM,
} from "../errno";

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_EACCESS = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_NO_AUTOMOUNT = 0x800;
export const AT_EMPTY_PATH = 0x1000;
export const AT_STATX_SYNC_TYPE = 0x6000;
const UIO_MAXIOV = 1024;
/** MAX_RW_COUNT: one read or write moves at most INT_MAX rounded down to a page. */
const MAX_RW_COUNT = 0x7ffff000;
const FD_CLOEXEC = 1;
const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
const F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7, F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11;
const F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
const F_SETLEASE = 1024, F_GETLEASE = 1025, F_NOTIFY = 1026, F_CANCELLK = 1029;
const F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032, F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
const FIOCLEX = 0x5451, FIONCLEX = 0x5450, FIONBIO = 0x5421, FIOASYNC = 0x5452;
const SETFL_MASK = O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | FASYNC;

/** A read or write count (size_t): Linux quietly caps it at MAX_RW_COUNT. */
function rw_count(v: bigint): number {
  return v > BigInt(MAX_RW_COUNT) ? MAX_RW_COUNT : Number(v);
}

export function fdget(t: Task, fd: number): File | null {
  return t.files.get(fd);
}

/** fdget for I/O: O_PATH files count as absent (fdget() vs fdget_raw()). */
export function fdget_io(t: Task, fd: number): File | null {
  const f = t.files.get(fd);
  return f && !(f.fmode & FMODE_PATH) ? f : null;
}

/** The caller's fs_struct; a task made before the VFS knew it gets root and cwd at "/". */
export function task_fs(k: Kernel, t: Task): FsStruct {
  if (!t.fs) t.fs = k.fs.fs_struct_for_init();
  return t.fs;
}

export function task_cred(t: Task): Cred {
  return { uid: t.uid, gid: t.gid };
}

/** Where a walk of a name relative to dfd starts (AT_FDCWD: the cwd). */
export function walk_start(k: Kernel, t: Task, dfd: number): WalkStart {
  const fs = task_fs(k, t);
  return {
    root: fs.root,
    cred: task_cred(t),
    start: () => {
      if (dfd === AT_FDCWD) return fs.pwd;
      const f = t.files.get(dfd);
      if (!f) return -EBADF;
      return f.path ?? -ENOTDIR;
    },
  };
}

/** getname: a user path as a byte string; -EFAULT, -ENAMETOOLONG, or -ENOENT for "" unless
 *  empty_ok (LOOKUP_EMPTY). */
export function getname(k: Kernel, t: Task, addr: bigint, empty_ok = false): string | number {
  const s = k.machine.readUserString(t.mm, addr, PATH_MAX);
  if (typeof s === "number") return s;
  if (s.length === 0 && !empty_ok) return -ENOENT_;
  return bytes_name(s);
}
const ENOENT_ = 2;

/** Park a Block on the task and ask the dispatcher to sleep (wait.ts). */
export function block_task(t: Task, b: Block): number {
  t.blocked_on = b;
  return -ERESTARTSYS;
}

/** The install half of open: the lowest free fd (RLIMIT_NOFILE bounds it), or -EMFILE. */
export function get_unused_fd(t: Task, start = 0): number {
  return t.files.alloc_fd(start, nofile(t));
}

export function nofile(t: Task): number {
  const cur = t.rlim[RLIMIT_NOFILE].cur;
  return cur > 1n << 30n ? 1 << 30 : Number(cur);
}

export function fd_install(t: Task, fd: number, f: File, cloexec: boolean): void {
  t.files.install(fd, f, cloexec);
}

/** close_fd + fput. */
export function close_fd(k: Kernel, t: Task, fd: number): number {
  const f = t.files.remove(fd);
  if (!f) return -EBADF;
  k.fs.vfs.fput(f);
  return 0;
}

/** exit_files / do_close_on_exec helpers for exec and exit. */
export function do_close_on_exec(k: Kernel, t: Task): void {
  for (const fd of t.files.open_fds()) if (t.files.cloexec[fd]) close_fd(k, t, fd);
}
export function exit_files(k: Kernel, t: Task): void {
  if (--t.files.users > 0) return;
  for (const fd of t.files.open_fds()) close_fd(k, t, fd);
}

function after_write(k: Kernel, t: Task, r: number): number {
  if (r === -EPIPE) k.fs.send_sigpipe(t);
  return r;
}

/** vfs_write at ppos (the File itself for write, a scratch position for pwrite). */
function do_write(k: Kernel, t: Task, f: File, buf: bigint, count: number, ppos: FilePos): number {
  if (!(f.fmode & FMODE_WRITE)) return -EBADF;
  if (!f.ops.write) return -EINVAL;
  if (ppos.pos < 0n) return -EINVAL;
  const data = count === 0 ? new Uint8Array(0) : k.machine.readUser(t.mm, buf, count);
  if (!data) return -EFAULT;
  const r = f.ops.write(f, data, ppos);
  if (r instanceof Block) return block_task(t, r);
  return after_write(k, t, r);
}

/** vfs_read at ppos; the position moves only when the bytes reached the caller. */
function do_read(k: Kernel, t: Task, f: File, buf: bigint, count: number, ppos: FilePos): number {
  if (!(f.fmode & FMODE_READ)) return -EBADF;
  if (!f.ops.read) return -EINVAL;
  if (ppos.pos < 0n) return -EINVAL;
  const scratch = { pos: ppos.pos };
  const data = f.ops.read(f, count, scratch);
  if (data instanceof Block) return block_task(t, data);
  if (typeof data === "number") return data;
  if (data.length > 0 && !k.machine.writeUser(t.mm, buf, data)) return -EFAULT;
  ppos.pos = scratch.pos;
  return data.length;
}

/** The iovec array of readv/writev: [base, len] pairs, or -errno. */
function import_iovec(k: Kernel, t: Task, iov: bigint, cnt: number): [bigint, number][] | number {
  if (cnt < 0 || cnt > UIO_MAXIOV) return -EINVAL;
  if (cnt === 0) return [];
  const raw = k.machine.readUser(t.mm, iov, cnt * 16);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer);
  const out: [bigint, number][] = [];
  let total = 0;
  for (let i = 0; i < cnt; i++) {
    const len = dv.getBigInt64(i * 16 + 8, true);
    if (len < 0n) return -EINVAL;
    // Linux clamps the total at MAX_RW_COUNT rather than failing.
    const take = Math.min(rw_count(len), MAX_RW_COUNT - total);
    out.push([dv.getBigUint64(i * 16, true), take]);
    total += take;
  }
  return out;
}

/** readv/writev/preadv/pwritev: one gathered transfer, so a pipe sees one write (atomicity)
 *  and a read stops at the first short segment. */
function do_iov(k: Kernel, t: Task, f: File, iov: bigint, cnt: number, write: boolean, ppos: FilePos): number {
  if (write ? !(f.fmode & FMODE_WRITE) : !(f.fmode & FMODE_READ)) return -EBADF;
  if (write ? !f.ops.write : !f.ops.read) return -EINVAL;
  const vec = import_iovec(k, t, iov, cnt);
  if (typeof vec === "number") return vec;
  const total = vec.reduce((s, [, len]) => s + len, 0);
  if (write) {
    const data = new Uint8Array(total);
    let off = 0;
    for (const [base, len] of vec) {
      if (len === 0) continue;
      const part = k.machine.readUser(t.mm, base, len);
      if (!part) {
        if (off === 0) return -EFAULT;
        return do_write_bytes(k, t, f, data.subarray(0, off), ppos);
      }
      data.set(part, off);
      off += len;
    }
    return do_write_bytes(k, t, f, data, ppos);
  }
  const scratch = { pos: ppos.pos };
  const data = f.ops.read!(f, total, scratch);
  if (data instanceof Block) return block_task(t, data);
  if (typeof data === "number") return data;
  let off = 0;
  for (const [base, len] of vec) {
    if (off >= data.length) break;
    const part = data.subarray(off, Math.min(off + len, data.length));
    if (part.length && !k.machine.writeUser(t.mm, base, part)) {
      if (off === 0) return -EFAULT;
      break;
    }
    off += part.length;
  }
  ppos.pos = scratch.pos - BigInt(data.length - off);
  return off;
}

function do_write_bytes(k: Kernel, t: Task, f: File, data: Uint8Array, ppos: FilePos): number {
  const r = f.ops.write!(f, data, ppos);
  if (r instanceof Block) return block_task(t, r);
  return after_write(k, t, r);
}

/** The position argument of pread/pwrite/preadv/pwritev: -EINVAL when negative. */
function pos_arg(v: bigint): FilePos | number {
  const p = long(v);
  return p < 0n ? -EINVAL : { pos: p };
}

function stat_to_user(k: Kernel, t: Task, f: File, addr: bigint): number {
  return k.machine.writeUser(t.mm, addr, cp_new_stat(f.ops.getattr(f))) ? 0 : -EFAULT;
}

/** fcntl F_DUPFD/F_DUPFD_CLOEXEC and dup(): the lowest free fd ≥ start for f. */
function f_dupfd(t: Task, f: File, start: number, cloexec: boolean): number {
  const fd = get_unused_fd(t, start);
  if (fd < 0) return fd;
  f.refs++;
  fd_install(t, fd, f, cloexec);
  return fd;
}

/** The struct linux_dirent64 records getdents64 writes for es (reclen 8-aligned). */
function dirent64(e: DirEntry): Uint8Array {
  const name = name_bytes(e.name);
  const reclen = (19 + name.length + 1 + 7) & ~7;
  const b = new Uint8Array(reclen);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, e.ino, true);
  dv.setBigInt64(8, e.next_pos, true);
  dv.setUint16(16, reclen, true);
  b[18] = e.type;
  b.set(name, 19);
  return b;
}

function do_fcntl(k: Kernel, t: Task, fd: number, cmd: number, arg: bigint): number {
  const f = fdget(t, fd);
  if (!f) return -EBADF;
  if (f.fmode & FMODE_PATH && ![F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL].includes(cmd)) return -EBADF;
  switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: {
      const start = Number(BigInt.asUintN(64, arg) > 0x7fffffffn ? 0x7fffffffn : BigInt.asUintN(64, arg));
      if (BigInt.asUintN(64, arg) >= BigInt(nofile(t))) return -EINVAL;
      return f_dupfd(t, f, start, cmd === F_DUPFD_CLOEXEC);
    }
    case F_GETFD:
      return t.files.cloexec[fd] ? FD_CLOEXEC : 0;
    case F_SETFD:
      t.files.cloexec[fd] = (int(arg) & FD_CLOEXEC) !== 0;
      return 0;
    case F_GETFL:
      return f.flags;
    case F_SETFL: {
      const v = uint(arg);
      // O_APPEND cannot be cleared on an append-only file; O_NOATIME needs ownership.
      if (v & O_NOATIME && !(f.flags & O_NOATIME) && f.inode && t.uid !== 0 && t.uid !== f.inode.i_uid) return -EPERM;
      f.flags = (f.flags & ~SETFL_MASK) | (v & SETFL_MASK);
      return 0;
    }
    case F_GETPIPE_SZ: case F_SETPIPE_SZ: {
      const r = pipe_fcntl(f, cmd, arg, t.uid === 0);
      return r ?? -EBADF;
    }
    case F_ADD_SEALS: case F_GET_SEALS: {
      const r = memfd_fcntl(f, cmd, int(arg));
      return r ?? -EINVAL;
    }
    case F_GETOWN: case F_GETSIG: case F_GETLEASE:
      return cmd === F_GETLEASE ? 2 /* F_UNLCK */ : 0;
    case F_SETOWN: case F_SETSIG: case F_NOTIFY: case F_SETLEASE: case F_CANCELLK:
      return 0; // DIVERGES: no async I/O signals, leases or dnotify; accepted and ignored
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
      return do_lock(k, t, f, cmd, arg);
  }
  return -EINVAL;
}

/** Record locks: one process, so every lock is granted (F_GETLK reports F_UNLCK).
 *  DIVERGES: locks are not tracked between processes. */
function do_lock(k: Kernel, t: Task, f: File, cmd: number, arg: bigint): number {
  const raw = k.machine.readUser(t.mm, arg, 32);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer);
  const type = dv.getInt16(0, true);
  if (type < 0 || type > 2) return -EINVAL;
  if (cmd === F_GETLK || cmd === F_OFD_GETLK) {
    dv.setInt16(0, 2, true);
    return k.machine.writeUser(t.mm, arg, raw) ? 0 : -EFAULT;
  }
  if (type === 0 && !(f.fmode & FMODE_READ)) return -EBADF;
  if (type === 1 && !(f.fmode & FMODE_WRITE)) return -EBADF;
  return 0;
}

/** do_fsync: pipes and anonymous files cannot be synced (EINVAL). */
function do_fsync(t: Task, fd: number, datasync: boolean): number {
  const f = fdget_io(t, fd);
  if (!f) return -EBADF;
  if (!f.inode || S_ISFIFO(f.inode.i_mode)) return -EINVAL;
  return f.ops.fsync ? f.ops.fsync(f, datasync) : 0;
}

export const fs_syscalls: Record<string, SyscallHandler> = {
  write: (k, t, a) => {
    const f = fdget_io(t, int(a[0]));
    if (!f) return -EBADF;
    return do_write(k, t, f, a[1], rw_count(a[2]), f);
  },
  read: (k, t, a) => {
    const f = fdget_io(t, int(a[0]));
    if (!f) return -EBADF;
    return do_read(k, t, f, a[1], rw_count(a[2]), f);
  },
  pread64: (k, t, a) => {
    const f = fdget_io(t, int(a[0]));
    if (!f) return -EBADF;
    const pos = pos_arg(a[3]);
    if (typeof pos === "number") return pos;
    if (!(f.fmode & FMODE_READ)) return -EBADF;
    if (!(f.fmode & FMODE_PREAD)) return -ESPIPE;
    return do_read(k, t, f, a[1], rw_count(a[2]), pos);
  },
  pwrite64: (k, t, a) => {
    const f = fdget_io(t, int(a[0]));
    if (!f) return -EBADF;
    const pos = pos_arg(a[3]);
    if (typeof pos === "number") return pos;
    if (!(f.fmode & FMODE_WRITE)) return -EBADF;
    if (!(f.fmode & FMODE_PWRITE)) return -ESPIPE;
    // pwrite on an O_APPEND file still appends (Linux's documented bug).
    return do_write(k, t, f, a[1], rw_count(a[2]), f.flags & O_APPEND ? f : pos);
  },
  readv: (k, t, a) => {
    const f = fdget_io(t, int(a[0]));
    if (!f) return -EBADF;
    return do_iov(k, t, f, a[1], int(a[2]), false, f);
  },
  writev: (k, t, a) => {
    const f = fdget_io(t, int(a[0]));
    if (!f) return -EBADF;
    return do_iov(k, t, f, a[1], int(a[2]), true, f);
  },
  preadv: (k, t, a) => {
    const f = fdget_io(t, int(a[0]));
    if (!f) return -EBADF;
    const pos = pos_arg(a[3]);
    if (typeof pos === "number") return pos;
    if (!(f.fmode & FMODE_READ)) return -EBADF;
    if (!(f.fmode & FMODE_PREAD)) return -ESPIPE;
    return do_iov(k, t, f, a[1], int(a[2]), false, pos);
  },
  pwritev: (k, t, a) => {
    const f = fdget_io(t, int(a[0]));
    if (!f) return -EBADF;
    const pos = pos_arg(a[3]);
    if (typeof pos === "number") return pos;
    if (!(f.fmode & FMODE_WRITE)) return -EBADF;
    if (!(f.fmode & FMODE_PWRITE)) return -ESPIPE;
    return do_iov(k, t, f, a[1], int(a[2]), true, pos);
  },
  lseek: (_k, t, a) => {
    const f = fdget_io(t, int(a[0]));
    if (!f) return -EBADF;
    const whence = uint(a[2]);
    if (whence > 4) return -EINVAL;
    if (!f.ops.llseek) return -ESPIPE;
    const r = f.ops.llseek(f, long(a[1]), whence);
    return r;
  },
  close: (k, t, a) => close_fd(k, t, int(a[0])),
  dup: (_k, t, a) => {
    const f = fdget(t, int(a[0]));
    if (!f) return -EBADF;
    return f_dupfd(t, f, 0, false);
  },
  dup3: (k, t, a) => {
    const [oldfd, newfd, flags] = [int(a[0]), int(a[1]), int(a[2])];
    if (flags & ~O_CLOEXEC) return -EINVAL;
    if (oldfd === newfd) return -EINVAL;
    if (newfd < 0 || newfd >= nofile(t)) return -EBADF;
    const f = fdget(t, oldfd);
    if (!f) return -EBADF;
    f.refs++;
    const old = t.files.remove(newfd);
    fd_install(t, newfd, f, (flags & O_CLOEXEC) !== 0);
    if (old) k.fs.vfs.fput(old);
    return newfd;
  },
  fcntl: (k, t, a) => do_fcntl(k, t, int(a[0]), uint(a[1]), a[2]),
  ioctl: (k, t, a) => {
    const fd = int(a[0]);
    const f = fdget_io(t, fd);
    if (!f) return -EBADF;
    const cmd = uint(a[1]);
    switch (cmd) {
      case FIOCLEX: t.files.cloexec[fd] = true; return 0;
      case FIONCLEX: t.files.cloexec[fd] = false; return 0;
      case FIONBIO: case FIOASYNC: {
        const v = k.machine.readUser(t.mm, a[2], 4);
        if (!v) return -EFAULT;
        const on = new DataView(v.buffer).getInt32(0, true) !== 0;
        const bit = cmd === FIONBIO ? O_NONBLOCK : FASYNC;
        f.flags = on ? f.flags | bit : f.flags & ~bit;
        return 0;
      }
    }
    if (!f.ops.ioctl) return -ENOTTY;
    const io = {
      read: (addr: bigint, len: number) => k.machine.readUser(t.mm, addr, len),
      write: (addr: bigint, data: Uint8Array) => k.machine.writeUser(t.mm, addr, data),
    };
    return f.ops.ioctl(f, cmd, a[2], io);
  },
  fstat: (k, t, a) => {
    const f = fdget(t, int(a[0]));
    if (!f) return -EBADF;
    return stat_to_user(k, t, f, a[1]);
  },
  getdents64: (k, t, a) => {
    const f = fdget_io(t, int(a[0]));
    if (!f) return -EBADF;
    const count = uint(a[2]);
    if (!f.ops.iterate) return -ENOTDIR;
    const out: Uint8Array[] = [];
    let used = 0;
    let too_small = false;
    const err = f.ops.iterate(f, (e) => {
      const rec = dirent64(e);
      if (used + rec.length > count) {
        too_small = used === 0;
        return false;
      }
      out.push(rec);
      used += rec.length;
      return true;
    });
    if (err) return err;
    if (too_small) return -EINVAL;
    const buf = new Uint8Array(used);
    let o = 0;
    for (const r of out) {
      buf.set(r, o);
      o += r.length;
    }
    if (used > 0 && !k.machine.writeUser(t.mm, a[1], buf)) return -EFAULT;
    if (f.inode) f.inode.i_atime_ns = k.fs.vfs.now();
    return used;
  },
  ftruncate: (k, t, a) => {
    const f = fdget_io(t, int(a[0]));
    if (!f) return -EBADF;
    const len = long(a[1]);
    if (len < 0n) return -EINVAL;
    const inode = f.inode;
    if (!inode || !S_ISREG(inode.i_mode) || !(f.fmode & FMODE_WRITE)) return -EINVAL;
    if (len > BigInt(FILE_SIZE_MAX)) return -EFBIG;
    return k.fs.vfs.truncate(inode, Number(len));
  },
  fallocate: (_k, t, a) => {
    const f = fdget_io(t, int(a[0]));
    if (!f) return -EBADF;
    const [mode, offset, len] = [int(a[1]), long(a[2]), long(a[3])];
    if (offset < 0n || len <= 0n) return -EINVAL;
    if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) return -EOPNOTSUPP;
    if (mode & FALLOC_FL_PUNCH_HOLE && !(mode & FALLOC_FL_KEEP_SIZE)) return -EOPNOTSUPP;
    if (!(f.fmode & FMODE_WRITE)) return -EBADF;
    const inode = f.inode;
    if (inode && S_ISFIFO(inode.i_mode)) return -ESPIPE;
    if (!inode) return -ESPIPE;
    if (S_ISDIR(inode.i_mode)) return -EISDIR;
    if (!S_ISREG(inode.i_mode)) return -ENODEV;
    if (offset + len > BigInt(FILE_SIZE_MAX)) return -EFBIG;
    if (!f.ops.fallocate) return -EOPNOTSUPP;
    return f.ops.fallocate(f, mode, Number(offset), Number(len));
  },
  fsync: (_k, t, a) => do_fsync(t, int(a[0]), false),
  fdatasync: (_k, t, a) => do_fsync(t, int(a[0]), true),
  sync: () => 0,
  syncfs: (_k, t, a) => (fdget(t, int(a[0])) ? 0 : -EBADF),
};
