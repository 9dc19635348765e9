// kernel/syscalls/sys_namei.ts — system calls that name files by path: openat, newfstatat,
// statx, readlinkat, mkdirat, mknodat, unlinkat, renameat2, linkat, symlinkat, faccessat(2),
// fchmodat(2), fchmod, fchownat, fchown, utimensat, truncate, getcwd, chdir, fchdir, chroot,
// umask (fs/open.c, fs/namei.c, fs/stat.c, fs/utimes.c, fs/d_path.c as of 6.18).
// Check order is Linux's: flag validation, then the user strings (EFAULT, ENAMETOOLONG, ENOENT
// for ""), then the fd allocation (EMFILE) for open, then the walk, then the operation.

import type { Kernel } from "../kernel";
import type { Task } from "../task";
import type { SyscallHandler } from "./types";
import { int, uint, long } from "./types";
import {
  File, Kstat, O_ACCMODE, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW, O_PATH, O_CLOEXEC,
  __O_TMPFILE, O_TMPFILE, O_DSYNC, __O_SYNC, S_IFREG, S_IALLUGO, S_ISDIR, S_ISLNK, S_ISREG, FMODE_PATH,
} from "../fs/file";
import { cp_new_stat } from "../fs/stat";
import type { OpenHow } from "../fs/vfs";
import { RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT } from "../fs/vfs";
import {
  LOOKUP_FOLLOW, LOOKUP_DIRECTORY, LOOKUP_EMPTY, MAY_READ, MAY_WRITE, MAY_EXEC, MAY_APPEND,
} from "../fs/namei";
import type { Path } from "../fs/vfs_types";
import { name_bytes, MAJOR, MINOR, MNT_READONLY } from "../fs/vfs_types";
import { FILE_SIZE_MAX } from "../fs/file_data";
import {
  AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_EACCESS, AT_SYMLINK_FOLLOW, AT_NO_AUTOMOUNT, AT_EMPTY_PATH,
  AT_STATX_SYNC_TYPE, fdget, getname, get_unused_fd, fd_install, task_fs, task_cred, walk_start,
} from "./sys_fs";
import {
  EBADF, EFAULT, EINVAL, ENOENT, ENOTDIR, ERANGE, EPERM, EACCES, EROFS, EISDIR, EFBIG,
} from "../errno";

const VALID_OPEN_FLAGS = O_ACCMODE | O_CREAT | O_EXCL | 0o400 | O_TRUNC | O_APPEND | 0o4000 | O_DSYNC | 0o20000 |
  0o40000 | 0o100000 | O_DIRECTORY | O_NOFOLLOW | 0o1000000 | O_CLOEXEC | __O_SYNC | O_PATH | __O_TMPFILE;
const UTIME_NOW = (1 << 30) - 1;
const UTIME_OMIT = (1 << 30) - 2;
const STATX__RESERVED = 0x80000000;
const STATX_BASIC_STATS = 0x7ff;
const STATX_BTIME = 0x800;
const STATX_MNT_ID = 0x1000;
const STATX_ATTR_MOUNT_ROOT = 0x2000n;

/** build_open_flags: what open() asks for, or -EINVAL. umask is applied to a create mode. */
export function build_open_flags(flags: number, mode: number, umask: number): OpenHow | number {
  flags &= VALID_OPEN_FLAGS;
  // openat(2) ignores mode unless something may be created (build_open_how).
  if (!(flags & (O_CREAT | __O_TMPFILE))) mode = 0;
  if (flags & O_PATH) flags &= O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC;
  if (flags & __O_SYNC) flags |= O_DSYNC;
  let acc_mode = [MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE, MAY_READ | MAY_WRITE][flags & O_ACCMODE];
  if (flags & __O_TMPFILE) {
    if ((flags & O_TMPFILE) !== O_TMPFILE) return -EINVAL;
    if (!(acc_mode & MAY_WRITE)) return -EINVAL;
  } else if (flags & O_CREAT && flags & O_DIRECTORY) {
    return -EINVAL;
  }
  if (flags & O_PATH) acc_mode = 0;
  if (flags & O_TRUNC) acc_mode |= MAY_WRITE;
  if (flags & O_APPEND) acc_mode |= MAY_APPEND;
  let lookup_flags = 0;
  if (flags & O_DIRECTORY) lookup_flags |= LOOKUP_DIRECTORY;
  if (!(flags & O_NOFOLLOW)) lookup_flags |= LOOKUP_FOLLOW;
  if (flags & O_CREAT && flags & O_EXCL) lookup_flags &= ~LOOKUP_FOLLOW; // O_EXCL implies O_NOFOLLOW
  return { open_flag: flags, acc_mode, lookup_flags, mode: S_IFREG | (mode & S_IALLUGO & ~umask) };
}

/** do_sys_openat2: an fd, or -errno. Exported for the boot and exec code. */
export function do_sys_open(k: Kernel, t: Task, dfd: number, name_addr: bigint, flags: number, mode: number): number {
  const how = build_open_flags(flags, mode, task_fs(k, t).umask);
  if (typeof how === "number") return how;
  const name = getname(k, t, name_addr);
  if (typeof name === "number") return name;
  const fd = get_unused_fd(t);
  if (fd < 0) return fd;
  const f = k.fs.vfs.do_filp_open(walk_start(k, t, dfd), name, how);
  if (typeof f === "number") return f;
  fd_install(t, fd, f, (flags & O_CLOEXEC) !== 0);
  return fd;
}

/** The file a kernel-side open finds (exec, initramfs tools): the whole contents, or -errno. */
export function kernel_read_file(k: Kernel, t: Task, name: string): { data: Uint8Array; path: string } | number {
  // do_open_execat: MAY_EXEC (not MAY_READ: an execute-only file runs), regular files only.
  const how = build_open_flags(0, 0, 0) as OpenHow;
  how.acc_mode = MAY_EXEC;
  const f = k.fs.vfs.do_filp_open(walk_start(k, t, AT_FDCWD), name, how);
  if (typeof f === "number") return f;
  const inode = f.inode!;
  if (!S_ISREG(inode.i_mode)) {
    k.fs.vfs.fput(f);
    return -EACCES;
  }
  const data = inode.data!.read(0, inode.i_size);
  const path = k.fs.vfs.d_path(task_fs(k, t).root, f.path!).name;
  k.fs.vfs.fput(f);
  return { data, path };
}

/** user_path_at: the walk for a *at() syscall whose name is at addr. */
function user_path_at(k: Kernel, t: Task, dfd: number, addr: bigint, lookup_flags: number): Path | number {
  const name = getname(k, t, addr, (lookup_flags & LOOKUP_EMPTY) !== 0);
  if (typeof name === "number") return name;
  return k.fs.vfs.lookup(walk_start(k, t, dfd), name, lookup_flags);
}

/** The Kstat of a path (vfs_getattr), with the mount's id. */
function path_getattr(p: Path): Kstat {
  const st = p.dentry.d_inode!.i_fop.getattr({ inode: p.dentry.d_inode, path: p } as File);
  st.mnt_id = p.mnt.mnt_id;
  if (p.dentry === p.mnt.mnt_root) st.attributes = STATX_ATTR_MOUNT_ROOT;
  return st;
}

function file_getattr(f: File): Kstat {
  const st = f.ops.getattr(f);
  if (f.path) {
    st.mnt_id = f.path.mnt.mnt_id;
    if (f.path.dentry === f.path.mnt.mnt_root) st.attributes = STATX_ATTR_MOUNT_ROOT;
  }
  return st;
}

/** vfs_statx: the Kstat for (dfd, name, flags), handling AT_EMPTY_PATH on any fd. */
function vfs_statx(k: Kernel, t: Task, dfd: number, addr: bigint, flags: number): Kstat | number {
  // A NULL or empty name with AT_EMPTY_PATH is fstat(dfd) (6.11+ accepts NULL too).
  if (flags & AT_EMPTY_PATH) {
    const s = addr === 0n ? new Uint8Array(0) : k.machine.readUserString(t.mm, addr, 4096);
    if (typeof s === "number") return s;
    if (s.length === 0) {
      if (dfd === AT_FDCWD) return path_getattr(task_fs(k, t).pwd);
      const f = fdget(t, dfd);
      if (!f) return -EBADF;
      return file_getattr(f);
    }
  }
  const lf = (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW);
  const p = user_path_at(k, t, dfd, addr, lf);
  if (typeof p === "number") return p;
  return path_getattr(p);
}

function cp_statx(st: Kstat): Uint8Array {
  const b = new Uint8Array(256);
  const dv = new DataView(b.buffer);
  const ns = 1_000_000_000n;
  const ts = (off: number, v: bigint): void => {
    let sec = v / ns;
    let nsec = v % ns;
    if (nsec < 0n) { sec -= 1n; nsec += ns; }
    dv.setBigInt64(off, sec, true);
    dv.setUint32(off + 8, Number(nsec), true);
  };
  const mask = STATX_BASIC_STATS | STATX_MNT_ID | (st.btime_ns !== undefined ? STATX_BTIME : 0);
  dv.setUint32(0, mask, true);
  dv.setUint32(4, st.blksize, true);
  dv.setBigUint64(8, st.attributes ?? 0n, true);
  dv.setUint32(16, st.nlink, true);
  dv.setUint32(20, st.uid, true);
  dv.setUint32(24, st.gid, true);
  dv.setUint16(28, st.mode, true);
  dv.setBigUint64(32, st.ino, true);
  dv.setBigUint64(40, st.size, true);
  dv.setBigUint64(48, st.blocks, true);
  dv.setBigUint64(56, STATX_ATTR_MOUNT_ROOT | (st.attributes_mask ?? 0n), true);
  ts(64, st.atime_ns);
  ts(80, st.btime_ns ?? 0n);
  ts(96, st.ctime_ns);
  ts(112, st.mtime_ns);
  dv.setUint32(128, MAJOR(Number(st.rdev)), true);
  dv.setUint32(132, MINOR(Number(st.rdev)), true);
  dv.setUint32(136, MAJOR(Number(st.dev)), true);
  dv.setUint32(140, MINOR(Number(st.dev)), true);
  dv.setBigUint64(144, BigInt(st.mnt_id ?? 0), true);
  return b;
}

/** do_faccessat: root's overrides apply to the real uid (access(2) checks real ids). */
function do_faccessat(k: Kernel, t: Task, dfd: number, addr: bigint, mode: number, flags: number): number {
  if (mode & ~7) return -EINVAL;
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  let lf = flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW;
  if (flags & AT_EMPTY_PATH) lf |= LOOKUP_EMPTY;
  const p = user_path_at(k, t, dfd, addr, lf);
  if (typeof p === "number") return p;
  if (mode === 0) return 0;
  const inode = p.dentry.d_inode!;
  const mask = (mode & 4 ? MAY_READ : 0) | (mode & 2 ? MAY_WRITE : 0) | (mode & 1 ? MAY_EXEC : 0);
  const err = k.fs.vfs.inode_permission(task_cred(t), inode, mask);
  if (err) return err;
  // Write access to a file on a read-only mount: EROFS, for files that can be written.
  if (mode & 2 && p.mnt.mnt_flags & MNT_READONLY && (S_ISREG(inode.i_mode) || S_ISDIR(inode.i_mode) || S_ISLNK(inode.i_mode))) return -EROFS;
  return 0;
}

function do_fchmodat(k: Kernel, t: Task, dfd: number, addr: bigint, mode: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  let lf = flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW;
  if (flags & AT_EMPTY_PATH) lf |= LOOKUP_EMPTY;
  const p = user_path_at(k, t, dfd, addr, lf);
  if (typeof p === "number") return p;
  // Symlinks have no mode of their own (fchmodat2 with AT_SYMLINK_NOFOLLOW on one).
  if (S_ISLNK(p.dentry.d_inode!.i_mode)) return -EOPNOTSUPP_;
  return k.fs.vfs.chmod(task_cred(t), p, mode);
}
const EOPNOTSUPP_ = 95;

/** Read the two timespecs of utimensat: [atime, mtime] as ns, "now" or "omit"; or -errno. */
function get_times(k: Kernel, t: Task, addr: bigint): [bigint | "now" | "omit", bigint | "now" | "omit"] | number {
  const raw = k.machine.readUser(t.mm, addr, 32);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer);
  const out: (bigint | "now" | "omit")[] = [];
  for (let i = 0; i < 2; i++) {
    const sec = dv.getBigInt64(i * 16, true);
    const nsec = dv.getBigInt64(i * 16 + 8, true);
    if (nsec === BigInt(UTIME_NOW)) out.push("now");
    else if (nsec === BigInt(UTIME_OMIT)) out.push("omit");
    else if (nsec < 0n || nsec >= 1_000_000_000n) return -EINVAL;
    else out.push(sec * 1_000_000_000n + nsec);
  }
  return [out[0], out[1]];
}

export const namei_syscalls: Record<string, SyscallHandler> = {
  openat: (k, t, a) => do_sys_open(k, t, int(a[0]), a[1], int(a[2]), uint(a[3])),
  newfstatat: (k, t, a) => {
    const flags = int(a[3]);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) return -EINVAL;
    const st = vfs_statx(k, t, int(a[0]), a[1], flags);
    if (typeof st === "number") return st;
    return k.machine.writeUser(t.mm, a[2], cp_new_stat(st)) ? 0 : -EFAULT;
  },
  statx: (k, t, a) => {
    const [dfd, flags, mask] = [int(a[0]), int(a[2]), uint(a[3])];
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) return -EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) return -EINVAL;
    if (mask & STATX__RESERVED) return -EINVAL;
    const st = vfs_statx(k, t, dfd, a[1], flags);
    if (typeof st === "number") return st;
    return k.machine.writeUser(t.mm, a[4], cp_statx(st)) ? 0 : -EFAULT;
  },
  readlinkat: (k, t, a) => {
    const bufsiz = int(a[3]);
    if (bufsiz <= 0) return -EINVAL;
    const name = getname(k, t, a[1], true);
    if (typeof name === "number") return name;
    const p = k.fs.vfs.lookup(walk_start(k, t, int(a[0])), name, LOOKUP_EMPTY);
    if (typeof p === "number") return p;
    const inode = p.dentry.d_inode!;
    if (!S_ISLNK(inode.i_mode)) return name === "" ? -ENOENT : -EINVAL;
    let text: string | number;
    if (inode.i_op.readlink) text = inode.i_op.readlink(inode);
    else if (inode.link !== null) text = inode.link;
    else {
      const l = inode.i_op.get_link ? inode.i_op.get_link(inode) : -EINVAL;
      text = typeof l === "string" || typeof l === "number" ? l : k.fs.vfs.d_path(task_fs(k, t).root, l).name;
    }
    if (typeof text === "number") return text;
    const out = name_bytes(text).subarray(0, bufsiz);
    inode.i_atime_ns = k.fs.vfs.now();
    return k.machine.writeUser(t.mm, a[2], out) ? out.length : -EFAULT;
  },
  mkdirat: (k, t, a) => {
    const name = getname(k, t, a[1]);
    if (typeof name === "number") return name;
    return k.fs.vfs.vfs_mkdir(walk_start(k, t, int(a[0])), name, uint(a[2]), task_fs(k, t).umask);
  },
  mknodat: (k, t, a) => {
    const name = getname(k, t, a[1]);
    if (typeof name === "number") return name;
    const dev = uint(a[3]);
    return k.fs.vfs.vfs_mknod(walk_start(k, t, int(a[0])), name, uint(a[2]), dev, task_fs(k, t).umask);
  },
  unlinkat: (k, t, a) => {
    const flags = int(a[2]);
    if (flags & ~AT_REMOVEDIR) return -EINVAL;
    const name = getname(k, t, a[1]);
    if (typeof name === "number") return name;
    const ws = walk_start(k, t, int(a[0]));
    return flags & AT_REMOVEDIR ? k.fs.vfs.vfs_rmdir(ws, name) : k.fs.vfs.vfs_unlink(ws, name);
  },
  renameat2: (k, t, a) => {
    const flags = uint(a[4]);
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
    if (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT) && flags & RENAME_EXCHANGE) return -EINVAL;
    if (flags & RENAME_WHITEOUT && t.uid !== 0) return -EPERM;
    if (flags & RENAME_WHITEOUT) return -EINVAL; // tmpfs supports whiteouts; we do not (yet)
    const from = getname(k, t, a[1]);
    if (typeof from === "number") return from;
    const to = getname(k, t, a[3]);
    if (typeof to === "number") return to;
    return k.fs.vfs.vfs_rename(walk_start(k, t, int(a[0])), from, walk_start(k, t, int(a[2])), to, flags);
  },
  linkat: (k, t, a) => {
    const flags = int(a[4]);
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
    let lf = flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0;
    if (flags & AT_EMPTY_PATH) lf |= LOOKUP_EMPTY;
    const to = getname(k, t, a[3]);
    if (typeof to === "number") return to;
    const old = user_path_at(k, t, int(a[0]), a[1], lf);
    if (typeof old === "number") return old;
    return k.fs.vfs.vfs_link(walk_start(k, t, int(a[2])), old, to);
  },
  symlinkat: (k, t, a) => {
    const target = getname(k, t, a[0]);
    if (typeof target === "number") return target;
    const name = getname(k, t, a[2]);
    if (typeof name === "number") return name;
    return k.fs.vfs.vfs_symlink(walk_start(k, t, int(a[1])), target, name);
  },
  faccessat: (k, t, a) => do_faccessat(k, t, int(a[0]), a[1], int(a[2]), 0),
  faccessat2: (k, t, a) => do_faccessat(k, t, int(a[0]), a[1], int(a[2]), int(a[3])),
  fchmodat: (k, t, a) => do_fchmodat(k, t, int(a[0]), a[1], uint(a[2]), 0),
  fchmodat2: (k, t, a) => do_fchmodat(k, t, int(a[0]), a[1], uint(a[2]), int(a[3])),
  fchmod: (k, t, a) => {
    const f = fdget(t, int(a[0]));
    if (!f || f.fmode & FMODE_PATH) return -EBADF;
    if (!f.path) return -EINVAL_;
    return k.fs.vfs.chmod(task_cred(t), f.path, uint(a[1]));
  },
  fchownat: (k, t, a) => {
    const flags = int(a[4]);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
    let lf = flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW;
    if (flags & AT_EMPTY_PATH) lf |= LOOKUP_EMPTY;
    const p = user_path_at(k, t, int(a[0]), a[1], lf);
    if (typeof p === "number") return p;
    return k.fs.vfs.chown(task_cred(t), p, int(a[2]), int(a[3]));
  },
  fchown: (k, t, a) => {
    const f = fdget(t, int(a[0]));
    if (!f || f.fmode & FMODE_PATH) return -EBADF;
    if (!f.path) return -EINVAL_;
    return k.fs.vfs.chown(task_cred(t), f.path, int(a[1]), int(a[2]));
  },
  utimensat: (k, t, a) => {
    const [dfd, flags] = [int(a[0]), int(a[3])];
    let times: [bigint | "now" | "omit", bigint | "now" | "omit"] = ["now", "now"];
    if (a[2] !== 0n) {
      const r = get_times(k, t, a[2]);
      if (typeof r === "number") return r;
      // Nothing to do: the path is not even looked at.
      if (r[0] === "omit" && r[1] === "omit") return 0;
      times = r;
    }
    let p: Path | number;
    if (a[1] === 0n && dfd !== AT_FDCWD) {
      if (flags) return -EINVAL;
      const f = fdget(t, dfd);
      if (!f) return -EBADF;
      if (!f.path) return -EBADF;
      p = f.path;
    } else {
      if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
      let lf = flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW;
      if (flags & AT_EMPTY_PATH) lf |= LOOKUP_EMPTY;
      p = user_path_at(k, t, dfd, a[1], lf);
    }
    if (typeof p === "number") return p;
    return k.fs.vfs.utimes(task_cred(t), p, times[0], times[1]);
  },
  truncate: (k, t, a) => {
    const len = long(a[1]);
    if (len < 0n) return -EINVAL;
    const p = user_path_at(k, t, AT_FDCWD, a[0], LOOKUP_FOLLOW);
    if (typeof p === "number") return p;
    const inode = p.dentry.d_inode!;
    if (S_ISDIR(inode.i_mode)) return -EISDIR;
    if (!S_ISREG(inode.i_mode)) return -EINVAL;
    if (p.mnt.mnt_flags & MNT_READONLY) return -EROFS;
    const perm = k.fs.vfs.inode_permission(task_cred(t), inode, MAY_WRITE);
    if (perm) return perm;
    if (len > BigInt(FILE_SIZE_MAX)) return -EFBIG;
    return k.fs.vfs.truncate(inode, Number(len));
  },
  getcwd: (k, t, a) => {
    const fs = task_fs(k, t);
    if (fs.pwd.dentry.d_deleted) return -ENOENT;
    const r = k.fs.vfs.d_path(fs.root, fs.pwd);
    const text = name_bytes((r.reachable ? "" : "(unreachable)") + r.name);
    const size = Number(BigInt.asUintN(64, a[1]) > 0x7fffffffn ? 0x7fffffffn : BigInt.asUintN(64, a[1]));
    if (text.length + 1 > size) return -ERANGE;
    const out = new Uint8Array(text.length + 1);
    out.set(text);
    return k.machine.writeUser(t.mm, a[0], out) ? out.length : -EFAULT;
  },
  chdir: (k, t, a) => {
    const p = user_path_at(k, t, AT_FDCWD, a[0], LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
    if (typeof p === "number") return p;
    const err = k.fs.vfs.inode_permission(task_cred(t), p.dentry.d_inode!, MAY_EXEC);
    if (err) return err;
    task_fs(k, t).pwd = p;
    return 0;
  },
  fchdir: (k, t, a) => {
    const f = fdget(t, int(a[0]));
    if (!f) return -EBADF;
    if (!f.path || !S_ISDIR(f.path.dentry.d_inode!.i_mode)) return -ENOTDIR;
    const err = k.fs.vfs.inode_permission(task_cred(t), f.path.dentry.d_inode!, MAY_EXEC);
    if (err) return err;
    task_fs(k, t).pwd = f.path;
    return 0;
  },
  chroot: (k, t, a) => {
    const p = user_path_at(k, t, AT_FDCWD, a[0], LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
    if (typeof p === "number") return p;
    const err = k.fs.vfs.inode_permission(task_cred(t), p.dentry.d_inode!, MAY_EXEC);
    if (err) return err;
    if (t.uid !== 0) return -EPERM;
    task_fs(k, t).root = p;
    return 0;
  },
  umask: (k, t, a) => {
    const fs = task_fs(k, t);
    const old = fs.umask;
    fs.umask = uint(a[0]) & 0o777;
    return old;
  },
};
const EINVAL_ = 22;
