// kernel/fs/file.ts — struct file and the operations a file offers.
// A File is what an fd points at: an open file description with its own flags and position,
// shared by dup()ed fds and across fork. Each kind of file implements FileOps; a missing
// operation answers as Linux does for a file without it (EINVAL for read/write, ESPIPE for
// lseek/pread, ENOTTY for ioctl, ENOTDIR for getdents).
// Files opened through the VFS also carry their path (mount + dentry) and inode; anonymous
// files (pipes, eventfd, the host console) may carry an inode of a pseudo file system.
// Blocking: read/write may return a Block (kernel/fs/wait.ts has the contract).

import type { Block, WaitQueue } from "./wait";
import type { Inode, Path } from "./vfs_types";
import type { EpItem } from "./eventpoll";

export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;
export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
export const S_ISVTX = 0o1000;
export const S_IRWXUGO = 0o777;
export const S_IALLUGO = 0o7777;

export const S_ISDIR = (m: number): boolean => (m & S_IFMT) === S_IFDIR;
export const S_ISREG = (m: number): boolean => (m & S_IFMT) === S_IFREG;
export const S_ISLNK = (m: number): boolean => (m & S_IFMT) === S_IFLNK;
export const S_ISCHR = (m: number): boolean => (m & S_IFMT) === S_IFCHR;
export const S_ISBLK = (m: number): boolean => (m & S_IFMT) === S_IFBLK;
export const S_ISFIFO = (m: number): boolean => (m & S_IFMT) === S_IFIFO;
export const S_ISSOCK = (m: number): boolean => (m & S_IFMT) === S_IFSOCK;

// Open flags (asm-generic/fcntl.h; riscv64 uses the generic values).
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_ACCMODE = 3;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DSYNC = 0o10000;
export const FASYNC = 0o20000;
export const O_DIRECT = 0o40000;
export const O_LARGEFILE = 0o100000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_NOATIME = 0o1000000;
export const O_CLOEXEC = 0o2000000;
export const __O_SYNC = 0o4000000;
export const O_PATH = 0o10000000;
export const __O_TMPFILE = 0o20000000;
export const O_TMPFILE = __O_TMPFILE | O_DIRECTORY;

// f_mode bits (include/linux/fs.h), derived at open from the flags and the file's operations.
export const FMODE_READ = 0x1;
export const FMODE_WRITE = 0x2;
export const FMODE_LSEEK = 0x4;
export const FMODE_PREAD = 0x8;
export const FMODE_PWRITE = 0x10;
export const FMODE_EXEC = 0x20;
export const FMODE_ATOMIC_POS = 0x8000;
export const FMODE_PATH = 0x4000;
export const FMODE_CREATED = 0x100000;

export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10,
  POLLNVAL = 0x20, POLLRDNORM = 0x40, POLLWRNORM = 0x100;
export const DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;
export const SEEK_DATA = 3;
export const SEEK_HOLE = 4;

/** struct kstat: what stat(2) reports, before it is laid out for the guest. */
export interface Kstat {
  dev: bigint;
  ino: bigint;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: bigint;
  size: bigint;
  blksize: number;
  blocks: bigint;
  atime_ns: bigint;
  mtime_ns: bigint;
  ctime_ns: bigint;
  /** Birth time, when the file system records one (statx STATX_BTIME). */
  btime_ns?: bigint;
  /** The mount's id (statx STATX_MNT_ID). */
  mnt_id?: number;
  /** STATX_ATTR_* bits and which of them the file system supports. */
  attributes?: bigint;
  attributes_mask?: bigint;
}

/** A file position that an operation reads and advances: the File itself (read/write) or a
 *  scratch one (pread/pwrite), as Linux passes loff_t *ppos. */
export interface FilePos {
  pos: bigint;
}

/** One directory entry as iterate() emits it (struct dir_context's actor arguments). */
export interface DirEntry {
  name: string;
  ino: bigint;
  /** DT_* type. */
  type: number;
  /** The directory position just after this entry (what getdents reports as d_off). */
  next_pos: bigint;
}

export interface FileOps {
  /** Called when a file is opened on an inode with these operations (f_op->open); it may
   *  replace file.ops (chrdev_open does). 0 or -errno. */
  open?(inode: Inode, file: File): number;
  /** Read up to max bytes at ppos.pos, advancing it: the bytes (empty at EOF), -errno, or a
   *  Block when the read must wait. */
  read?(file: File, max: number, ppos: FilePos): Uint8Array | number | Block;
  /** Write bytes at ppos.pos, advancing it: the count written, -errno, or a Block. */
  write?(file: File, data: Uint8Array, ppos: FilePos): number | Block;
  /** lseek: the new position, or -errno (as a negative bigint). Absent: ESPIPE. */
  llseek?(file: File, offset: bigint, whence: number): bigint;
  /** ioctl(cmd, arg): a result, or -errno. */
  ioctl?(file: File, cmd: number, arg: bigint, io: IoctlAccess): number;
  /** Entries from file.pos on; emit returns false when the caller's buffer is full. The
   *  operation moves file.pos past every entry emit accepted. 0 or -errno. */
  iterate?(file: File, emit: (e: DirEntry) => boolean): number;
  /** fallocate(mode, offset, len): 0 or -errno. */
  fallocate?(file: File, mode: number, offset: number, len: number): number;
  /** f_op->poll: which POLL* events are ready now, and the queues a wake-up of which may
   *  change that. Absent: always readable and writable (DEFAULT_POLLMASK). */
  poll?(file: File): { mask: number; queues: WaitQueue[] };
  /** fsync/fdatasync: 0 or -errno. Absent: nothing to write back (0). */
  fsync?(file: File, datasync: boolean): number;
  /** What /proc/<pid>/fd/N says for a file with no path (d_op->d_dname of anon inodes). */
  dname?(file: File): string;
  /** The last reference is gone (fput → __fput → f_op->release). */
  release?(file: File): void;
  getattr(file: File): Kstat;
}

/** What an ioctl handler may do to the caller's memory. */
export interface IoctlAccess {
  read(addr: bigint, len: number): Uint8Array | null;
  write(addr: bigint, data: Uint8Array): boolean;
}

export class File {
  ops: FileOps;
  /** f_flags: O_* as F_GETFL reports them (the access mode included). */
  flags: number;
  /** f_mode: FMODE_* as open derived them. */
  fmode: number;
  pos = 0n;
  refs = 1;
  /** Where the file was opened (files of the VFS); null for anonymous files. */
  path: Path | null = null;
  /** The inode behind the file, if any. */
  inode: Inode | null = null;
  /** Per-file private state of the file's operations (private_data). */
  private_data: unknown = null;
  /** The epoll items watching this file (f_ep); eventpoll_release drops them at __fput. */
  f_ep: EpItem[] | null = null;

  constructor(ops: FileOps, flags: number, fmode?: number) {
    this.ops = ops;
    this.flags = flags;
    this.fmode = fmode ?? fmode_of(flags, ops);
  }
}

/** FMODE_* for a file opened with flags on ops, as do_dentry_open() derives them. */
export function fmode_of(flags: number, ops: FileOps): number {
  if (flags & O_PATH) return FMODE_PATH;
  let m = 0;
  const acc = flags & O_ACCMODE;
  if (acc === O_RDONLY || acc === O_RDWR) m |= FMODE_READ;
  if (acc === O_WRONLY || acc === O_RDWR) m |= FMODE_WRITE;
  if (ops.llseek) m |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
  return m;
}
