// kernel/fs/tmpfs.ts — tmpfs (mm/shmem.c): files, directories, symlinks, hard links and device
// nodes kept in memory. Also the base of devtmpfs and of memfd.
// Owns: each tmpfs super block's dentry tree (directories are Dentry.d_children maps, in
// creation order) and the file bytes (JsFileData behind the FileData seam).
// Invariants: directory i_size is BOGO_DIRENT_SIZE per entry plus two (shmem's convention);
// a directory's i_nlink is 2 plus its subdirectories; st_blocks counts allocated pages.
// Timestamps come from the clock the VFS was given (never a host clock).

import { Dentry, Inode, SuperBlock, inode_getattr, dt_type, iput_final } from "./vfs_types";
import type { FileSystemType, InodeOps, StatfsInfo } from "./vfs_types";
import { JsFileData, PAGE_SIZE, FILE_SIZE_MAX } from "./file_data";
import {
  File, FileOps, FilePos, DirEntry, S_IFMT, S_IFDIR, S_IFREG, S_IFLNK, S_ISDIR, S_ISREG, S_ISGID,
  S_ISCHR, S_ISBLK, O_APPEND, SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE,
} from "./file";
import type { Vfs } from "./vfs";
import { EINVAL, EISDIR, ENOTEMPTY, ENXIO, EPERM, EFBIG, EOPNOTSUPP, ENOSPC } from "../errno";

export const TMPFS_MAGIC = 0x01021994;
export const BOGO_DIRENT_SIZE = 20;

export const F_SEAL_SEAL = 0x0001;
export const F_SEAL_SHRINK = 0x0002;
export const F_SEAL_GROW = 0x0004;
export const F_SEAL_WRITE = 0x0008;
export const F_SEAL_FUTURE_WRITE = 0x0010;
export const F_SEAL_EXEC = 0x0020;

export const FALLOC_FL_KEEP_SIZE = 0x01;
export const FALLOC_FL_PUNCH_HOLE = 0x02;

/** The per-super-block state: limits and the page budget files draw from. */
export interface ShmemSbInfo {
  max_blocks: number;
  max_inodes: number;
  free_inodes: number;
  budget: { free_pages: number };
  /** The core's shmem_sb_info (page cache budget), 0 until a file needs it. */
  core_sb?: number;
}

/** The super block's page budget in the core's page cache, made on first use. */
function shmem_sb(vfs: Vfs, info: ShmemSbInfo): number {
  if (!info.core_sb) {
    const pc = vfs.page_cache!;
    const sb = pc.new_sb(info.max_blocks);
    info.core_sb = sb;
    const max = info.max_blocks;
    // statfs and the JS side see the core's count from now on.
    info.budget = { get free_pages() { return Math.max(0, max - pc.sb_used(sb)); }, set free_pages(_v: number) {} };
  }
  return info.core_sb;
}

export function shmem_info(sb: SuperBlock): ShmemSbInfo {
  return (sb as SuperBlock & { shmem: ShmemSbInfo }).shmem;
}

/** Parse tmpfs mount options (mode=, size=, nr_inodes=, uid=, gid=): the values, or -EINVAL. */
export function shmem_parse_options(opts: string, total_pages: number):
  { mode: number; max_blocks: number; max_inodes: number; uid: number; gid: number } | number {
  const r = { mode: 0o1777, max_blocks: Math.floor(total_pages / 2), max_inodes: Math.floor(total_pages / 2), uid: 0, gid: 0 };
  for (const opt of opts.split(",")) {
    if (opt === "") continue;
    const eq = opt.indexOf("=");
    const key = eq < 0 ? opt : opt.slice(0, eq);
    const val = eq < 0 ? "" : opt.slice(eq + 1);
    switch (key) {
      case "mode": {
        if (!/^[0-7]+$/.test(val)) return -EINVAL;
        r.mode = parseInt(val, 8) & 0o7777;
        break;
      }
      case "size": {
        const m = /^(\d+)([kKmMgG%]?)$/.exec(val);
        if (!m) return -EINVAL;
        const n = Number(m[1]);
        const mult = { "": 1, k: 1 << 10, K: 1 << 10, m: 1 << 20, M: 1 << 20, g: 1 << 30, G: 1 << 30 }[m[2] as "k"];
        r.max_blocks = m[2] === "%" ? Math.floor((total_pages * n) / 100) : Math.ceil((n * (mult ?? 1)) / PAGE_SIZE);
        break;
      }
      case "nr_inodes": case "uid": case "gid": {
        if (!/^\d+$/.test(val)) return -EINVAL;
        const n = Number(val);
        if (key === "nr_inodes") r.max_inodes = n;
        else if (key === "uid") r.uid = n;
        else r.gid = n;
        break;
      }
      default:
        return -EINVAL;
    }
  }
  return r;
}

/** A fresh tmpfs super block with an empty root directory. */
export function shmem_fill_super(vfs: Vfs, type: FileSystemType, opts: string): SuperBlock | number {
  const o = shmem_parse_options(opts, vfs.total_pages);
  if (typeof o === "number") return o;
  const info: ShmemSbInfo = {
    max_blocks: o.max_blocks, max_inodes: o.max_inodes, free_inodes: o.max_inodes,
    budget: { free_pages: o.max_blocks },
  };
  const sb = new SuperBlock(type, TMPFS_MAGIC, () => shmem_statfs(info));
  (sb as SuperBlock & { shmem: ShmemSbInfo }).shmem = info;
  sb.s_dev = vfs.get_anon_dev();
  sb.s_time = vfs.now;
  const root = shmem_get_inode(vfs, sb, S_IFDIR | o.mode, 0, o.uid, o.gid);
  if (typeof root === "number") return root;
  sb.s_root = new Dentry("/", null, root);
  sb.s_root.d_children = new Map();
  return sb;
}

function shmem_statfs(info: ShmemSbInfo): StatfsInfo {
  return {
    f_type: TMPFS_MAGIC, f_bsize: PAGE_SIZE, f_namelen: 255,
    f_blocks: BigInt(info.max_blocks), f_bfree: BigInt(info.budget.free_pages), f_bavail: BigInt(info.budget.free_pages),
    f_files: BigInt(info.max_inodes), f_ffree: BigInt(info.free_inodes),
  };
}

/** shmem_get_inode: a new inode of mode on sb (no name yet), or -ENOSPC. */
export function shmem_get_inode(vfs: Vfs, sb: SuperBlock, mode: number, rdev: number, uid: number, gid: number): Inode | number {
  const info = shmem_info(sb);
  if (info.free_inodes <= 0) return -ENOSPC;
  info.free_inodes--;
  const inode = new Inode(sb, sb.get_next_ino(), mode, shmem_inode_ops(vfs), shmem_file_ops);
  inode.i_uid = uid;
  inode.i_gid = gid;
  const now = vfs.now();
  inode.i_atime_ns = inode.i_mtime_ns = inode.i_ctime_ns = inode.i_btime_ns = now;
  switch (mode & S_IFMT) {
    case S_IFREG:
      inode.data = vfs.page_cache ? vfs.page_cache.shmem_file(shmem_sb(vfs, info)) : new JsFileData(info.budget);
      break;
    case S_IFDIR:
      inode.i_nlink = 2;
      inode.size_override = 2 * BOGO_DIRENT_SIZE;
      inode.i_fop = dcache_dir_ops;
      break;
    case S_IFLNK:
      inode.i_fop = empty_fops;
      break;
    default:
      // Device nodes, FIFOs and sockets: open() finds the driver by i_rdev (chrdev_open).
      inode.i_rdev = rdev;
      inode.i_fop = vfs.special_fops(mode);
  }
  return inode;
}

/** Link a new inode under dir as name (d_instantiate + the directory's bookkeeping). */
function d_add_child(vfs: Vfs, dir: Dentry, name: string, inode: Inode): Dentry {
  const d = new Dentry(name, dir, inode);
  if (S_ISDIR(inode.i_mode)) d.d_children = new Map();
  dir_add(vfs, dir, d);
  return d;
}

function dir_add(vfs: Vfs, dir: Dentry, d: Dentry): void {
  d.d_parent = dir;
  d.d_offset = dir.d_inode!.i_sb.next_dir_offset++;
  dir.d_children!.set(d.d_name, d);
  const di = dir.d_inode!;
  di.size_override += BOGO_DIRENT_SIZE;
  di.i_mtime_ns = di.i_ctime_ns = vfs.now();
  if (S_ISDIR(d.d_inode!.i_mode)) di.i_nlink++;
}

function dir_remove(vfs: Vfs, dir: Dentry, d: Dentry): void {
  dir.d_children!.delete(d.d_name);
  const di = dir.d_inode!;
  di.size_override -= BOGO_DIRENT_SIZE;
  di.i_mtime_ns = di.i_ctime_ns = vfs.now();
  if (S_ISDIR(d.d_inode!.i_mode)) di.i_nlink--;
}

function drop_inode(inode: Inode): void {
  if (inode.i_nlink > 0) return;
  const info = shmem_info(inode.i_sb);
  if (info) info.free_inodes++;
  iput_final(inode);
}

/** The group a new inode gets, and whether a new directory inherits S_ISGID (inode_init_owner). */
function init_owner(dir: Inode, mode: number, gid: number): { mode: number; gid: number } {
  if (!(dir.i_mode & S_ISGID)) return { mode, gid };
  return { mode: S_ISDIR(mode) ? mode | S_ISGID : mode, gid: dir.i_gid };
}

export function shmem_inode_ops(vfs: Vfs): InodeOps {
  const cached = (vfs as Vfs & { shmem_iops?: InodeOps }).shmem_iops;
  if (cached) return cached;
  const ops: InodeOps = {
    create(dir, name, mode, rdev, uid, gid) {
      const o = init_owner(dir.d_inode!, mode, gid);
      const inode = shmem_get_inode(vfs, dir.d_inode!.i_sb, o.mode, rdev, uid, o.gid);
      if (typeof inode === "number") return inode;
      return d_add_child(vfs, dir, name, inode);
    },
    symlink(dir, name, target, uid, gid) {
      const o = init_owner(dir.d_inode!, S_IFLNK | 0o777, gid);
      const inode = shmem_get_inode(vfs, dir.d_inode!.i_sb, o.mode, 0, uid, o.gid);
      if (typeof inode === "number") return inode;
      inode.link = target;
      // Long targets take a page (shmem_symlink: SHORT_SYMLINK_LEN is 128).
      if (target.length >= 128) inode.blocks_override = 8;
      return d_add_child(vfs, dir, name, inode);
    },
    link(old, dir, name) {
      const inode = old.d_inode!;
      inode.i_nlink++;
      inode.i_ctime_ns = vfs.now();
      return d_add_child(vfs, dir, name, inode);
    },
    unlink(dir, victim) {
      const inode = victim.d_inode!;
      dir_remove(vfs, dir, victim);
      inode.i_nlink--;
      inode.i_ctime_ns = vfs.now();
      victim.d_deleted = true;
      drop_inode(inode);
      return 0;
    },
    rmdir(dir, victim) {
      if (victim.d_children && victim.d_children.size > 0) return -ENOTEMPTY;
      const inode = victim.d_inode!;
      dir_remove(vfs, dir, victim);
      inode.i_nlink = 0;
      inode.i_ctime_ns = vfs.now();
      victim.d_deleted = true;
      drop_inode(inode);
      return 0;
    },
    rename(old_dir, old, new_dir, new_name, flags) {
      return shmem_rename2(vfs, old_dir, old, new_dir, new_name, flags);
    },
  };
  (vfs as Vfs & { shmem_iops?: InodeOps }).shmem_iops = ops;
  return ops;
}

const RENAME_EXCHANGE = 2;

/** shmem_rename2: the checks that need the file system (non-empty target directory), then
 *  the move. The VFS has done every permission and type check. */
function shmem_rename2(vfs: Vfs, old_dir: Dentry, old: Dentry, new_dir: Dentry, new_name: string, flags: number): number {
  const target = new_dir.d_children!.get(new_name) ?? null;
  const now = vfs.now();
  if (flags & RENAME_EXCHANGE) {
    if (!target) return -EINVAL;
    dir_remove(vfs, old_dir, old);
    dir_remove(vfs, new_dir, target);
    const old_name = old.d_name;
    old.d_name = new_name;
    target.d_name = old_name;
    dir_add(vfs, new_dir, old);
    dir_add(vfs, old_dir, target);
    old.d_inode!.i_ctime_ns = target.d_inode!.i_ctime_ns = now;
    return 0;
  }
  if (target) {
    const t = target.d_inode!;
    if (S_ISDIR(t.i_mode) && target.d_children!.size > 0) return -ENOTEMPTY;
    dir_remove(vfs, new_dir, target);
    t.i_nlink = S_ISDIR(t.i_mode) ? 0 : t.i_nlink - 1;
    t.i_ctime_ns = now;
    target.d_deleted = true;
    drop_inode(t);
  }
  dir_remove(vfs, old_dir, old);
  old.d_name = new_name;
  dir_add(vfs, new_dir, old);
  old.d_inode!.i_ctime_ns = now;
  return 0;
}

// File operations of regular tmpfs files.

function file_inode(file: File): Inode {
  return file.inode!;
}

export const shmem_file_ops: FileOps = {
  read(file: File, max: number, ppos: FilePos) {
    const inode = file_inode(file);
    if (ppos.pos < 0n) return -EINVAL;
    const pos = Number(ppos.pos);
    const data = inode.data!.read(pos, max);
    ppos.pos += BigInt(data.length);
    touch_atime(file);
    return data;
  },
  write(file: File, data: Uint8Array, ppos: FilePos) {
    const inode = file_inode(file);
    if (file.flags & O_APPEND) ppos.pos = BigInt(inode.i_size);
    if (ppos.pos < 0n) return -EINVAL;
    const pos = Number(ppos.pos);
    const seals = inode.seals;
    if (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) return -EPERM;
    if (seals & F_SEAL_GROW && pos + data.length > inode.i_size) {
      // A write may fill the file up to its sealed size but never past it.
      if (pos >= inode.i_size) return -EPERM;
      data = data.subarray(0, inode.i_size - pos);
    }
    if (pos >= FILE_SIZE_MAX) return -EFBIG;
    const n = inode.data!.write(pos, data);
    if (n < 0) return n;
    ppos.pos += BigInt(n);
    if (n > 0) {
      inode.i_mtime_ns = inode.i_ctime_ns = inode.i_sb.s_time();
    }
    return n;
  },
  llseek(file: File, offset: bigint, whence: number) {
    return generic_file_llseek(file, offset, whence);
  },
  fallocate(file: File, mode: number, offset: number, len: number) {
    return shmem_fallocate(file_inode(file), mode, offset, len);
  },
  getattr(file: File) {
    return inode_getattr(file_inode(file));
  },
};

/** relatime: update atime only when it is older than mtime or ctime, or a day old. */
function touch_atime(file: File): void {
  const inode = file_inode(file);
  const now = inode.i_sb.s_time();
  const day = 86_400_000_000_000n;
  if (inode.i_atime_ns <= inode.i_mtime_ns || inode.i_atime_ns <= inode.i_ctime_ns || now - inode.i_atime_ns >= day) {
    inode.i_atime_ns = now;
  }
}

/** generic_file_llseek for files with a size (and SEEK_DATA/SEEK_HOLE over holes). */
export function generic_file_llseek(file: File, offset: bigint, whence: number): bigint {
  const inode = file_inode(file);
  const size = BigInt(inode.i_size);
  let pos: bigint;
  switch (whence) {
    case SEEK_SET: pos = offset; break;
    case SEEK_CUR: pos = file.pos + offset; break;
    case SEEK_END: pos = size + offset; break;
    case SEEK_DATA: case SEEK_HOLE: {
      if (offset < 0n || offset >= size) return BigInt(-ENXIO);
      if (!inode.data) return whence === SEEK_DATA ? offset : size;
      const r = inode.data.seek_data(Number(offset), whence === SEEK_HOLE);
      if (r < 0) return BigInt(-ENXIO);
      pos = BigInt(r);
      break;
    }
    default: return BigInt(-EINVAL);
  }
  if (pos < 0n || pos > BigInt(FILE_SIZE_MAX)) return BigInt(-EINVAL);
  file.pos = pos;
  return pos;
}

/** shmem_fallocate. The VFS checked the mode bits, the file mode and the range. */
export function shmem_fallocate(inode: Inode, mode: number, offset: number, len: number): number {
  if (!inode.data) return -EOPNOTSUPP;
  if (mode & FALLOC_FL_PUNCH_HOLE) {
    if (inode.seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) return -EPERM;
    inode.data.punch(offset, len);
    return 0;
  }
  if (inode.seals & F_SEAL_GROW && !(mode & FALLOC_FL_KEEP_SIZE) && offset + len > inode.i_size) return -EPERM;
  return inode.data.allocate(offset, len, !(mode & FALLOC_FL_KEEP_SIZE));
}

/** Set a regular file's size (notify_change with ATTR_SIZE → shmem_setattr). */
export function shmem_setsize(inode: Inode, size: number, now: bigint): number {
  if (!inode.data) return -EINVAL;
  const cur = inode.i_size;
  if (size < cur && inode.seals & F_SEAL_SHRINK) return -EPERM;
  if (size > cur && inode.seals & F_SEAL_GROW) return -EPERM;
  if (size > FILE_SIZE_MAX) return -EFBIG;
  const err = inode.data.truncate(size);
  if (err) return err;
  inode.i_mtime_ns = inode.i_ctime_ns = now;
  return 0;
}

// Directories (dcache_readdir / offset_readdir): ".", "..", then entries by offset.

/** dcache_dir_lseek: SEEK_SET and SEEK_CUR to any non-negative position (a directory offset). */
export function dcache_dir_lseek(file: File, offset: bigint, whence: number): bigint {
  let pos: bigint;
  if (whence === SEEK_SET) pos = offset;
  else if (whence === SEEK_CUR) pos = file.pos + offset;
  else return BigInt(-EINVAL);
  if (pos < 0n) return BigInt(-EINVAL);
  file.pos = pos;
  return pos;
}

export const dcache_dir_ops: FileOps = {
  read() {
    return -EISDIR;
  },
  llseek: dcache_dir_lseek,
  iterate(file: File, emit: (e: DirEntry) => boolean) {
    return dir_iterate(file, emit);
  },
  getattr(file: File) {
    return inode_getattr(file_inode(file));
  },
};

/** Emit a directory's entries from file.pos: 0 is ".", 1 is "..", then children. Tree-backed
 *  directories position children by their d_offset (stable across unlinks); dynamic ones by
 *  index + 2. */
export function dir_iterate(file: File, emit: (e: DirEntry) => boolean): number {
  const d = file.path!.dentry;
  const inode = d.d_inode!;
  if (file.pos === 0n) {
    if (!emit({ name: ".", ino: BigInt(inode.i_ino), type: 4, next_pos: 1n })) return 0;
    file.pos = 1n;
  }
  if (file.pos === 1n) {
    const parent = d.d_parent.d_inode!;
    if (!emit({ name: "..", ino: BigInt(parent.i_ino), type: 4, next_pos: 2n })) return 0;
    file.pos = 2n;
  }
  if (d.d_children) {
    const children = [...d.d_children.values()].filter((c) => BigInt(c.d_offset) >= file.pos);
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      const next = i + 1 < children.length ? BigInt(children[i + 1].d_offset) : BigInt(c.d_offset + 1);
      const ci = c.d_inode!;
      if (!emit({ name: c.d_name, ino: BigInt(ci.i_ino), type: dt_type(ci.i_mode), next_pos: next })) return 0;
      file.pos = next;
    }
    return 0;
  }
  const list = inode.i_op.readdir ? inode.i_op.readdir(d) : [];
  for (let i = Number(file.pos) - 2; i >= 0 && i < list.length; i++) {
    const e = list[i];
    if (!emit({ name: e.name, ino: BigInt(e.ino), type: e.type, next_pos: BigInt(i + 3) })) return 0;
    file.pos = BigInt(i + 3);
  }
  return 0;
}

/** Files with nothing to read or write (symlinks opened with O_PATH, for one). */
export const empty_fops: FileOps = {
  getattr(file: File) {
    return inode_getattr(file_inode(file));
  },
};

export function is_special(mode: number): boolean {
  return S_ISCHR(mode) || S_ISBLK(mode) || (!S_ISREG(mode) && !S_ISDIR(mode) && (mode & S_IFMT) !== S_IFLNK);
}
