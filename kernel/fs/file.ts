// kernel/fs/file.ts — struct file and the operations a file offers.
// A File is what an fd points at. Each kind of file implements FileOps; a missing operation
// answers as Linux does for a file without it (EINVAL for read/write, ENOTTY for ioctl).

export const S_IFMT = 0o170000;
export const S_IFIFO = 0o010000;
export const S_IFCHR = 0o020000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;

export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_ACCMODE = 3;

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
}

export interface FileOps {
  /** Read up to max bytes; a Uint8Array (empty at EOF) or -errno. */
  read?(file: File, max: number): Uint8Array | number;
  /** Write bytes; the count written or -errno. */
  write?(file: File, data: Uint8Array): number;
  /** ioctl(cmd, arg): a result, or -errno. */
  ioctl?(file: File, cmd: number, arg: bigint, io: IoctlAccess): number;
  getattr(file: File): Kstat;
}

/** What an ioctl handler may do to the caller's memory. */
export interface IoctlAccess {
  read(addr: bigint, len: number): Uint8Array | null;
  write(addr: bigint, data: Uint8Array): boolean;
}

export class File {
  readonly ops: FileOps;
  flags: number;
  pos = 0n;
  refs = 1;

  constructor(ops: FileOps, flags: number) {
    this.ops = ops;
    this.flags = flags;
  }
}
