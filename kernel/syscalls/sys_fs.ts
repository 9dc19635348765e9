// kernel/syscalls/sys_fs.ts — fd-based I/O: read, write, readv, writev, close, fstat,
// newfstatat, readlinkat, ioctl, lseek.
// DIVERGES: there is no VFS yet (issue 5): fds are the console, and path lookups know only
// /proc/self/exe. Everything else a path names is reported as absent (ENOENT).
import type { Kernel } from "../kernel";
import type { Task } from "../task";
import type { SyscallHandler } from "./types";
import { int } from "./types";
import { File, O_ACCMODE, O_RDONLY, O_WRONLY } from "../fs/file";
import { cp_new_stat } from "../fs/stat";
import { EBADF, EFAULT, EINVAL, ENOENT, ENOTTY, ESPIPE } from "../errno";

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_NO_AUTOMOUNT = 0x800;
const AT_EMPTY_PATH = 0x1000;
const UIO_MAXIOV = 1024;
const PATH_MAX = 4096;
/** MAX_RW_COUNT: one read or write moves at most INT_MAX rounded down to a page. */
const MAX_RW_COUNT = 0x7ffff000;

/** A read or write count (size_t): Linux quietly caps it at MAX_RW_COUNT. */
function rw_count(v: bigint): number {
  return v > BigInt(MAX_RW_COUNT) ? MAX_RW_COUNT : Number(v);
}

export function fdget(t: Task, fd: number): File | null {
  return fd >= 0 && fd < t.fds.length ? t.fds[fd] : null;
}

function do_write(k: Kernel, t: Task, f: File, buf: bigint, count: number): number {
  if ((f.flags & O_ACCMODE) === O_RDONLY || !f.ops.write) return -EBADF;
  if (count === 0) return 0;
  const data = k.machine.readUser(t.mm, buf, count);
  if (!data) return -EFAULT;
  return f.ops.write(f, data);
}

function do_read(k: Kernel, t: Task, f: File, buf: bigint, count: number): number {
  if ((f.flags & O_ACCMODE) === O_WRONLY || !f.ops.read) return -EBADF;
  if (count === 0) return 0;
  const data = f.ops.read(f, count);
  if (typeof data === "number") return data;
  if (!k.machine.writeUser(t.mm, buf, data)) return -EFAULT;
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

function do_iov(k: Kernel, t: Task, a: bigint[], write: boolean): number {
  const f = fdget(t, int(a[0]));
  if (!f) return -EBADF;
  const vec = import_iovec(k, t, a[1], int(a[2]));
  if (typeof vec === "number") return vec;
  let done = 0;
  for (const [base, len] of vec) {
    if (len === 0) continue;
    const r = write ? do_write(k, t, f, base, len) : do_read(k, t, f, base, len);
    if (r < 0) return done > 0 ? done : r;
    done += r;
    if (r < len) break;
  }
  if (vec.length > 0 && done === 0) {
    // Nothing to move still checks the fd's mode, as vfs_writev does.
    if (write && ((f.flags & O_ACCMODE) === O_RDONLY || !f.ops.write)) return -EBADF;
    if (!write && ((f.flags & O_ACCMODE) === O_WRONLY || !f.ops.read)) return -EBADF;
  }
  return done;
}

function read_path(k: Kernel, t: Task, addr: bigint): string | number {
  const s = k.machine.readUserString(t.mm, addr, PATH_MAX);
  if (typeof s === "number") return s;
  return new TextDecoder().decode(s);
}

export const fs_syscalls: Record<string, SyscallHandler> = {
  write: (k, t, a) => {
    const f = fdget(t, int(a[0]));
    if (!f) return -EBADF;
    return do_write(k, t, f, a[1], rw_count(a[2]));
  },
  read: (k, t, a) => {
    const f = fdget(t, int(a[0]));
    if (!f) return -EBADF;
    return do_read(k, t, f, a[1], rw_count(a[2]));
  },
  writev: (k, t, a) => do_iov(k, t, a, true),
  readv: (k, t, a) => do_iov(k, t, a, false),
  close: (_k, t, a) => {
    const fd = int(a[0]);
    if (!fdget(t, fd)) return -EBADF;
    t.fds[fd] = null;
    return 0;
  },
  lseek: (_k, t, a) => (fdget(t, int(a[0])) ? -ESPIPE : -EBADF),
  ioctl: (k, t, a) => {
    const f = fdget(t, int(a[0]));
    if (!f) return -EBADF;
    if (!f.ops.ioctl) return -ENOTTY;
    const io = {
      read: (addr: bigint, len: number) => k.machine.readUser(t.mm, addr, len),
      write: (addr: bigint, data: Uint8Array) => k.machine.writeUser(t.mm, addr, data),
    };
    return f.ops.ioctl(f, int(a[1]), a[2], io);
  },
  fstat: (k, t, a) => {
    const f = fdget(t, int(a[0]));
    if (!f) return -EBADF;
    return k.machine.writeUser(t.mm, a[1], cp_new_stat(f.ops.getattr(f))) ? 0 : -EFAULT;
  },
  newfstatat: (k, t, a) => {
    const dfd = int(a[0]);
    const flags = int(a[3]);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) return -EINVAL;
    const path = read_path(k, t, a[1]);
    if (typeof path === "number") return path;
    if (path === "" && flags & AT_EMPTY_PATH && dfd !== AT_FDCWD) {
      const f = fdget(t, dfd);
      if (!f) return -EBADF;
      return k.machine.writeUser(t.mm, a[2], cp_new_stat(f.ops.getattr(f))) ? 0 : -EFAULT;
    }
    return -ENOENT;
  },
  readlinkat: (k, t, a) => {
    const bufsiz = int(a[3]);
    if (bufsiz <= 0) return -EINVAL;
    const path = read_path(k, t, a[1]);
    if (typeof path === "number") return path;
    if (path !== "/proc/self/exe" || !t.exe) return -ENOENT;
    const target = new TextEncoder().encode(t.exe).subarray(0, bufsiz);
    return k.machine.writeUser(t.mm, a[2], target) ? target.length : -EFAULT;
  },
};

