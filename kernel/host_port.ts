// kernel/host_port.ts — the one door between the kernel and the world outside it.
// The kernel is a deterministic state machine: everything nondeterministic (time, console
// input, entropy, files of the host, the terminal's shape) arrives through this interface,
// which the host implements (host/port/) and may record or replay. The kernel imports only
// this type, never host code.

/** What kind of host object a console fd stands for, so fstat/isatty answer as Linux would. */
export type ConsoleKind = "tty" | "pipe" | "file" | "null";

export interface HostPort {
  /** Wall-clock time in nanoseconds since the Unix epoch (CLOCK_REALTIME's source). */
  realtime_ns(): bigint;
  /** Monotonic nanoseconds since the host port was created (CLOCK_MONOTONIC's source). */
  monotonic_ns(): bigint;
  /** Fill buf with entropy (the boot seed of the kernel PRNG). */
  entropy(buf: Uint8Array): void;
  /** Write guest console output: fd 1 is stdout, 2 is stderr. */
  console_write(fd: 1 | 2, bytes: Uint8Array): void;
  /** Read up to max bytes of console input; null at end of input. Blocking is the host's job. */
  console_read(max: number): Uint8Array | null;
  /** What each console fd (0, 1, 2) is connected to on the host. */
  console_kind(fd: 0 | 1 | 2): ConsoleKind;
  /** Kernel log line (printk). */
  log(line: string): void;
  /** The host's file system, for hostfs (fs/hostfs.ts). Absent where there is none (the
   *  browser, deterministic test ports): mount -t hostfs then fails with ENODEV. */
  readonly hostfs?: HostFs;
  /** Nothing is runnable: return once monotonic_ns() has reached deadline_ns. A real-time
   *  host sleeps; a virtual clock may simply jump there. */
  sleep_until(deadline_ns: bigint): void;
}

/** What a host lstat/fstat reports (times in ns since the epoch). */
export interface HostStat {
  dev: bigint;
  ino: bigint;
  /** st_mode with Linux's S_IF* type bits. */
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
  btime_ns: bigint;
}

export interface HostStatfs {
  bsize: number;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
}

/** One entry of a host directory ("." and ".." left out). type: a DT_* value. */
export interface HostDirent {
  name: string;
  ino: bigint;
  type: number;
}

/** A time for host_lutimes: ns since the epoch, now, or leave as it is. */
export type HostTime = bigint | "now" | "omit";

/** The host's file system as hostfs (UML's hostfs_user.c) needs it: synchronous calls by
 *  absolute host path or host fd. Every answer is a value or a negative Linux errno.
 *  Paths and names are byte strings (one char per byte, kernel/fs/vfs_types.ts bytes_name).
 *  Contract: no call follows a symlink in the last component of a path (lstat, O_NOFOLLOW,
 *  lchown, lutimes): hostfs resolves symlinks in the guest, never on the host. */
export interface HostFs {
  lstat(path: string): HostStat | number;
  fstat(fd: number): HostStat | number;
  /** open(2) with Linux O_* flags (O_NOFOLLOW is always added): a host fd, or -errno. */
  open(path: string, flags: number, mode: number): number;
  close(fd: number): void;
  /** Up to len bytes at pos (fewer only at the end of the file), or -errno. */
  pread(fd: number, len: number, pos: number): Uint8Array | number;
  /** Write all of data at pos: the count written, or -errno. */
  pwrite(fd: number, data: Uint8Array, pos: number): number;
  ftruncate(fd: number, size: number): number;
  fchmod(fd: number, mode: number): number;
  fsync(fd: number, datasync: boolean): number;
  readdir(path: string): HostDirent[] | number;
  mkdir(path: string, mode: number): number;
  unlink(path: string): number;
  rmdir(path: string): number;
  /** rename(2) with renameat2's RENAME_NOREPLACE (1) and RENAME_EXCHANGE (2). */
  rename(from: string, to: string, flags: number): number;
  symlink(target: string, path: string): number;
  readlink(path: string): string | number;
  link(from: string, to: string): number;
  /** chmod of a file that is not a symlink (Linux has no lchmod). */
  chmod(path: string, mode: number): number;
  lchown(path: string, uid: number, gid: number): number;
  lutimes(path: string, atime: HostTime, mtime: HostTime): number;
  statfs(path: string): HostStatfs | number;
}
