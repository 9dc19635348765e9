// kernel/syscalls/sys_mount.ts — mount, umount2, statfs, fstatfs (fs/namespace.c,
// fs/statfs.c as of 6.18) for the file systems this kernel has: tmpfs, ramfs, devtmpfs, proc.
// DIVERGES: bind mounts, remounts and moves (MS_BIND, MS_REMOUNT, MS_MOVE) and propagation
// flags are not supported yet: EINVAL.

import type { Kernel } from "../kernel";
import type { Task } from "../task";
import type { SyscallHandler } from "./types";
import { int, uint } from "./types";
import type { SuperBlock } from "../fs/vfs_types";
import { bytes_name, MNT_NOSUID, MNT_NODEV, MNT_NOEXEC, MNT_READONLY, MNT_NOATIME, MNT_NODIRATIME } from "../fs/vfs_types";
import { LOOKUP_FOLLOW } from "../fs/namei";
import { fdget, getname, walk_start, AT_FDCWD } from "./sys_fs";
import { EFAULT, EINVAL, EPERM, EBADF } from "../errno";

const MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32, MS_NOATIME = 1024;
const MS_NODIRATIME = 2048, MS_BIND = 4096, MS_MOVE = 8192;
const MS_SHARED = 1 << 20, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_UNBINDABLE = 1 << 17;
const MS_MGC_MSK = 0xffff0000, MS_MGC_VAL = 0xc0ed0000;
const MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;
const ST_VALID = 0x20;

/** A user string that may be NULL: null, the string, or -errno. */
function opt_string(k: Kernel, t: Task, addr: bigint, max: number): string | null | number {
  if (addr === 0n) return null;
  const s = k.machine.readUserString(t.mm, addr, max);
  if (typeof s === "number") return s === -36 ? bytes_name(k.machine.readUser(t.mm, addr, max - 1) ?? new Uint8Array(0)) : s;
  return bytes_name(s);
}

function statfs_bytes(sb: SuperBlock, mnt_flags: number): Uint8Array {
  const st = sb.statfs();
  const b = new Uint8Array(120);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, BigInt(st.f_type), true);
  dv.setBigInt64(8, BigInt(st.f_bsize), true);
  dv.setBigUint64(16, st.f_blocks, true);
  dv.setBigUint64(24, st.f_bfree, true);
  dv.setBigUint64(32, st.f_bavail, true);
  dv.setBigUint64(40, st.f_files, true);
  dv.setBigUint64(48, st.f_ffree, true);
  dv.setBigInt64(64, BigInt(st.f_namelen), true);
  dv.setBigInt64(72, BigInt(st.f_bsize), true);
  let flags = ST_VALID;
  if (mnt_flags & MNT_READONLY) flags |= 1;
  if (mnt_flags & MNT_NOSUID) flags |= 2;
  if (mnt_flags & MNT_NODEV) flags |= 4;
  if (mnt_flags & MNT_NOEXEC) flags |= 8;
  if (mnt_flags & MNT_NOATIME) flags |= 1024;
  if (mnt_flags & MNT_NODIRATIME) flags |= 2048;
  flags |= 4096; // ST_RELATIME
  dv.setBigInt64(80, BigInt(flags), true);
  return b;
}

export const mount_syscalls: Record<string, SyscallHandler> = {
  mount: (k, t, a) => {
    const fstype = opt_string(k, t, a[2], 4096);
    if (typeof fstype === "number") return fstype;
    const dev = opt_string(k, t, a[0], 4096);
    if (typeof dev === "number") return dev;
    const data = opt_string(k, t, a[4], 4096);
    if (typeof data === "number") return data;
    let flags = uint(a[3]);
    if ((flags & MS_MGC_MSK) >>> 0 === MS_MGC_VAL) flags &= ~MS_MGC_MSK;
    const dir = getname(k, t, a[1]);
    if (typeof dir === "number") return dir;
    const p = k.fs.vfs.lookup(walk_start(k, t, AT_FDCWD), dir, LOOKUP_FOLLOW);
    if (typeof p === "number") return p;
    if (t.uid !== 0) return -EPERM;
    if (flags & (MS_REMOUNT | MS_BIND | MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)) {
      // Propagation changes succeed as no-ops (one namespace, nothing propagates).
      if (flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE) && !(flags & (MS_REMOUNT | MS_BIND | MS_MOVE))) return 0;
      return -EINVAL;
    }
    if (fstype === null) return -EINVAL;
    let mnt_flags = 0;
    if (flags & MS_RDONLY) mnt_flags |= MNT_READONLY;
    if (flags & MS_NOSUID) mnt_flags |= MNT_NOSUID;
    if (flags & MS_NODEV) mnt_flags |= MNT_NODEV;
    if (flags & MS_NOEXEC) mnt_flags |= MNT_NOEXEC;
    if (flags & MS_NOATIME) mnt_flags |= MNT_NOATIME;
    if (flags & MS_NODIRATIME) mnt_flags |= MNT_NODIRATIME;
    const m = k.fs.vfs.do_new_mount(p, fstype, dev ?? "none", mnt_flags, data ?? "");
    return typeof m === "number" ? m : 0;
  },
  umount2: (k, t, a) => {
    const flags = int(a[1]);
    if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) return -EINVAL;
    const name = getname(k, t, a[0]);
    if (typeof name === "number") return name;
    const p = k.fs.vfs.lookup(walk_start(k, t, AT_FDCWD), name, flags & UMOUNT_NOFOLLOW ? 0 : LOOKUP_FOLLOW);
    if (typeof p === "number") return p;
    if (t.uid !== 0) return -EPERM;
    if (flags & MNT_EXPIRE && flags & (MNT_FORCE | MNT_DETACH)) return -EINVAL;
    return k.fs.vfs.do_umount(p, flags);
  },
  statfs: (k, t, a) => {
    const name = getname(k, t, a[0]);
    if (typeof name === "number") return name;
    const p = k.fs.vfs.lookup(walk_start(k, t, AT_FDCWD), name, LOOKUP_FOLLOW);
    if (typeof p === "number") return p;
    return k.machine.writeUser(t.mm, a[1], statfs_bytes(p.dentry.d_inode!.i_sb, p.mnt.mnt_flags)) ? 0 : -EFAULT;
  },
  fstatfs: (k, t, a) => {
    const f = fdget(t, int(a[0]));
    if (!f) return -EBADF;
    const sb = f.inode?.i_sb ?? k.fs.pipe_sb;
    return k.machine.writeUser(t.mm, a[1], statfs_bytes(sb, f.path?.mnt.mnt_flags ?? 0)) ? 0 : -EFAULT;
  },
};
