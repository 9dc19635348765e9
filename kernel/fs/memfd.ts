// kernel/fs/memfd.ts — memfd_create (mm/memfd.c): an unlinked tmpfs file on the internal
// shm mount, named "memfd:<name>", with file seals (F_ADD_SEALS / F_GET_SEALS).
// The file is a regular tmpfs inode with no name in any directory (nlink 0), so ftruncate,
// fallocate, read/write and lseek are tmpfs's; seals are enforced there (tmpfs.ts).

import type { Vfs } from "./vfs";
import type { Mount } from "./vfs_types";
import { Dentry } from "./vfs_types";
import { File, O_RDWR, O_LARGEFILE, S_IFREG } from "./file";
import { shmem_get_inode, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_WRITE, F_SEAL_FUTURE_WRITE, F_SEAL_EXEC } from "./tmpfs";
import { EINVAL, EPERM, EBUSY } from "../errno";
import { ShmemFileData } from "./page_cache";

export const MFD_CLOEXEC = 0x1;
export const MFD_ALLOW_SEALING = 0x2;
export const MFD_HUGETLB = 0x4;
export const MFD_NOEXEC_SEAL = 0x8;
export const MFD_EXEC = 0x10;
/** NAME_MAX - strlen("memfd:"). */
export const MFD_NAME_MAX_LEN = 249;
export const F_ADD_SEALS = 1033;
export const F_GET_SEALS = 1034;

const F_ALL_SEALS = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC;

/** Check memfd_create's flags as Linux does: 0, or -EINVAL. */
export function memfd_check_flags(flags: number): number {
  const all = MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC;
  // With MFD_HUGETLB the top six bits may encode a huge page size (MFD_HUGE_SHIFT 26).
  const allowed = flags & MFD_HUGETLB ? all | (0x3f << 26) : all;
  if ((flags & ~allowed) >>> 0 !== 0) return -EINVAL;
  if (flags & MFD_EXEC && flags & MFD_NOEXEC_SEAL) return -EINVAL;
  return 0;
}

/** The memfd file for name (already checked for length). */
export function memfd_file_create(vfs: Vfs, shm_mnt: Mount, name: string, flags: number, uid: number, gid: number): File | number {
  let mode = S_IFREG | 0o777;
  if (flags & MFD_NOEXEC_SEAL) mode &= ~0o111;
  const inode = shmem_get_inode(vfs, shm_mnt.mnt_sb, mode, 0, uid, gid);
  if (typeof inode === "number") return inode;
  inode.i_nlink = 0;
  if (flags & MFD_NOEXEC_SEAL) inode.seals = F_SEAL_EXEC | (flags & MFD_ALLOW_SEALING ? 0 : F_SEAL_SEAL);
  else inode.seals = flags & MFD_ALLOW_SEALING ? 0 : F_SEAL_SEAL;
  const d = new Dentry(`memfd:${name}`, shm_mnt.mnt_root, inode);
  d.d_deleted = true;
  const f = new File(inode.i_fop, O_RDWR | O_LARGEFILE);
  f.path = { mnt: shm_mnt, dentry: d };
  f.inode = inode;
  inode.i_count++;
  shm_mnt.mnt_count++;
  return f;
}

/** memfd_fcntl: F_ADD_SEALS / F_GET_SEALS, or null for other commands. */
export function memfd_fcntl(file: File, cmd: number, arg: number): number | null {
  if (cmd !== F_ADD_SEALS && cmd !== F_GET_SEALS) return null;
  const inode = file.inode;
  // Files that are not memfds (or tmpfs) report EINVAL for both commands.
  if (!inode || !inode.data || inode.i_sb.s_magic !== 0x01021994) return -EINVAL;
  if (cmd === F_GET_SEALS) return inode.seals;
  if (!(file.fmode & 0x2)) return -EPERM; // FMODE_WRITE
  if (arg & ~F_ALL_SEALS) return -EINVAL;
  if (inode.seals & F_SEAL_SEAL) return -EPERM;
  // F_SEAL_WRITE needs no writable shared mappings (mapping_deny_writable).
  if (arg & F_SEAL_WRITE && !(inode.seals & F_SEAL_WRITE) && inode.data instanceof ShmemFileData &&
    inode.data.writably_mapped()) return -EBUSY;
  // SEAL_EXEC on an executable file implies the write seals: W^X from the start.
  let seals = arg;
  if (seals & F_SEAL_EXEC && inode.i_mode & 0o111) seals |= F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;
  inode.seals |= seals;
  return 0;
}
