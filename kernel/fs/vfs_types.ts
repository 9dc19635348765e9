// kernel/fs/vfs_types.ts — the VFS objects: super_block, inode, dentry, vfsmount, path.
// Owns: nothing by itself; each file system (tmpfs.ts, procfs.ts, pipe.ts...) creates these and
// vfs.ts ties them into the mount tree. Mirrors include/linux/fs.h and dcache.h in miniature.
// Invariants:
//   - A directory inode of a tree-backed file system (tmpfs, devtmpfs) has exactly one dentry;
//     its children map is the directory's content, in creation order (what readdir lists).
//   - Dentries of dynamic file systems (procfs) are made afresh by each lookup; their parent
//     pointer is what `..` follows. Nothing can be mounted on them.
//   - A dynamic file system with d_revalidate (hostfs) keeps the dentries its lookups made in
//     the directory's d_subdirs (a dcache), so they keep their identity and their mounts.
//   - dentry.parent === dentry only for the root dentry of a super block.
//   - inode.i_nlink counts the dentries naming it (plus `.` and the children's `..` for dirs).

import type { FileOps, Kstat } from "./file";

/** Names and symlink targets are "byte strings": one char per byte (0..255), so any byte
 *  sequence a guest passes survives unchanged and length is the byte count. */
export function bytes_name(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}
export function name_bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

/** new_encode_dev: a dev_t as stat(2) reports it. */
export function new_encode_dev(major: number, minor: number): number {
  return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
}
export function MAJOR(dev: number): number {
  return (dev & 0xfff00) >>> 8;
}
export function MINOR(dev: number): number {
  return (dev & 0xff) | ((dev >>> 12) & 0xfff00);
}

/** The bytes of a regular file, by byte range. Backed by JS pages for now; DESIGN.md wants
 *  them in the core's frames so MAP_SHARED and memfd are zero-copy, and this interface is the
 *  seam where that storage plugs in. Sizes and offsets are byte counts below 2^53. */
export interface FileData {
  size(): number;
  /** Up to len bytes from pos (fewer at the end; holes read as zeros). */
  read(pos: number, len: number): Uint8Array;
  /** Write data at pos, growing the file; the count written or -errno (ENOSPC). */
  write(pos: number, data: Uint8Array): number;
  /** Set the size: shrinking frees pages past it, growing leaves a hole. 0 or -errno. */
  truncate(size: number): number;
  /** Allocate pages for [pos, pos+len) without changing the size unless grow. 0 or -errno. */
  allocate(pos: number, len: number, grow: boolean): number;
  /** Free the pages wholly inside [pos, pos+len) and zero the partial ones (punch a hole). */
  punch(pos: number, len: number): void;
  /** Pages allocated (what st_blocks counts, in 512-byte units ×8). */
  nr_pages(): number;
  /** SEEK_DATA/SEEK_HOLE: the first data (or hole) offset at or after pos, or -1. */
  seek_data(pos: number, hole: boolean): number;
  /** The inode was evicted (no names, no open files): storage outside the JS heap goes. */
  release?(): void;
}

export interface StatfsInfo {
  f_type: number;
  f_bsize: number;
  f_blocks: bigint;
  f_bfree: bigint;
  f_bavail: bigint;
  f_files: bigint;
  f_ffree: bigint;
  f_namelen: number;
}

export interface FileSystemType {
  name: string;
  /** FS_REQUIRES_DEV file systems are listed without "nodev" in /proc/filesystems. */
  requires_dev: boolean;
  /** Make a new super block (mount -t name). Options as the data string gives them. */
  mount(opts: string): SuperBlock | number;
}

export class SuperBlock {
  /** st_dev of every inode here (an anonymous 0:N device for these file systems). */
  s_dev = 0;
  s_root!: Dentry;
  s_magic: number;
  s_type: FileSystemType;
  s_readonly = false;
  private next_ino = 1;
  /** The kernel clock (CLOCK_REALTIME ns) for timestamps of this super block's inodes. */
  s_time: () => bigint = () => 0n;
  /** The next directory-entry offset (simple_offset), shared by the super block's dirs. */
  next_dir_offset = 2;
  /** Statistics for statfs. */
  statfs: () => StatfsInfo;

  constructor(type: FileSystemType, magic: number, statfs: () => StatfsInfo) {
    this.s_type = type;
    this.s_magic = magic;
    this.statfs = statfs;
  }

  /** The next inode number of this super block (shmem's per-sb ino counter). */
  get_next_ino(): number {
    return this.next_ino++;
  }
}

/** Directory and name operations an inode may offer (struct inode_operations). A missing one
 *  answers as the VFS answers for it (EPERM for mkdir/link/symlink/mknod/rename, EACCES for
 *  create). `dir` is the parent directory's dentry. */
export interface InodeOps {
  /** Dynamic file systems: the inode a name has in dir, or null. */
  lookup?(dir: Dentry, name: string): Inode | null;
  /** Dynamic file systems: every entry of dir, in order. */
  readdir?(dir: Dentry): { name: string; ino: number; type: number }[];
  /** for_open: open() made the file and opens it next (hostfs keeps the host fd it made it
   *  with, so a new read-only file can still be written through the fd that created it). */
  create?(dir: Dentry, name: string, mode: number, rdev: number, uid: number, gid: number, for_open?: boolean): Dentry | number;
  symlink?(dir: Dentry, name: string, target: string, uid: number, gid: number): Dentry | number;
  link?(old: Dentry, dir: Dentry, name: string): Dentry | number;
  unlink?(dir: Dentry, victim: Dentry): number;
  rmdir?(dir: Dentry, victim: Dentry): number;
  rename?(old_dir: Dentry, old: Dentry, new_dir: Dentry, new_name: string, flags: number): number;
  /** What readlink returns when it differs from the walk's target (procfs magic links). */
  readlink?(inode: Inode): string | number;
  /** Symlinks: the target, or (procfs magic links) a path to jump to. */
  get_link?(inode: Inode): string | Path | number;
  /** Extra checks of setattr (memfd seals): 0 or -errno. */
  setsize?(inode: Inode, size: number): number;
  /** i_op->setattr for file systems whose attributes live elsewhere (hostfs): apply attr and
   *  return 0 or -errno. Without it the VFS changes the inode's fields itself. */
  setattr?(inode: Inode, attr: Iattr): number;
  /** d_op->d_revalidate of the directory's children: is a cached dentry still what its name
   *  names? Present: d_lookup keeps the directory's dentries in d_subdirs and asks this on
   *  every hit (false drops the dentry and looks the name up again). */
  d_revalidate?(dentry: Dentry): boolean;
  /** false: the file system has no O_TMPFILE (EOPNOTSUPP), as without i_op->tmpfile. */
  tmpfile?: boolean;
}

/** struct iattr: the attributes notify_change sets, each present only when it changes. */
export interface Iattr {
  ia_mode?: number;
  ia_uid?: number;
  ia_gid?: number;
  ia_size?: number;
  ia_atime?: bigint | "now" | "omit";
  ia_mtime?: bigint | "now" | "omit";
}

export class Inode {
  i_ino: number;
  i_mode: number;
  i_nlink = 1;
  i_uid = 0;
  i_gid = 0;
  i_rdev = 0;
  i_atime_ns = 0n;
  i_mtime_ns = 0n;
  i_ctime_ns = 0n;
  i_btime_ns = 0n;
  i_flags = 0;
  readonly i_sb: SuperBlock;
  i_op: InodeOps;
  /** The operations a File opened on this inode gets (before chrdev_open swaps them). */
  i_fop: FileOps;
  /** Regular files: the bytes. */
  data: FileData | null = null;
  /** Symlinks: the target. */
  link: string | null = null;
  /** For dynamic directories and files (procfs): whatever the file system needs. */
  i_private: unknown = null;
  /** memfd seals (F_SEAL_*). */
  seals = 0;
  /** Open files on this inode (i_count without the dentries' references). */
  i_count = 0;
  /** The core's page-cache mapping of a file whose bytes live elsewhere (hostfs), made on its
   *  first mmap; 0 before (shmem files keep theirs in their ShmemFileData). */
  i_mapping = 0;
  /** With i_mapping: what the file system tells the page cache around its own I/O. */
  i_mapping_sync: MappingSync | null = null;
  /** The dentry this inode was instantiated with (d_find_alias), for file systems that name
   *  their objects by path (hostfs: one dentry per inode). */
  i_dentry: Dentry | null = null;

  constructor(sb: SuperBlock, ino: number, mode: number, op: InodeOps, fop: FileOps) {
    this.i_sb = sb;
    this.i_ino = ino;
    this.i_mode = mode;
    this.i_op = op;
    this.i_fop = fop;
  }

  /** i_size: the data's size for regular files, otherwise what the file system stored. */
  get i_size(): number {
    if (this.data) return this.data.size();
    if (this.link !== null) return this.link.length; // names are byte strings (bytes_name)
    return this.size_override;
  }
  size_override = 0;
  /** i_blocks in 512-byte units. */
  blocks_override = 0;
  get i_blocks(): number {
    if (this.data) return this.data.nr_pages() * 8;
    return this.blocks_override;
  }
}

/** A file system whose bytes live outside the page cache (hostfs) keeps a mapped file coherent
 *  through these: writeback() before it reads, writes or resizes the file itself (stores
 *  through shared mappings reach the file first), then written()/resized() after. */
export interface MappingSync {
  writeback(): void;
  written(pos: number, data: Uint8Array): void;
  resized(size: number): void;
}

export class Dentry {
  d_name: string;
  d_parent: Dentry;
  d_inode: Inode | null;
  /** Tree-backed directories: the children by name, in creation order. Null for dynamic ones. */
  d_children: Map<string, Dentry> | null = null;
  /** Dynamic directories whose file system revalidates (hostfs): the dentries lookups made,
   *  by name. A cache, never the directory's content. */
  d_subdirs: Map<string, Dentry> | null = null;
  /** Readdir position of this entry in its parent (simple_offset), increasing, from 2. */
  d_offset = 0;
  /** Number of mounts on this dentry (d_mountpoint). */
  d_mounted = 0;
  /** Unlinked (d_unhashed): getcwd says ENOENT, /proc links say " (deleted)". */
  d_deleted = false;

  constructor(name: string, parent: Dentry | null, inode: Inode | null) {
    this.d_name = name;
    this.d_parent = parent ?? this;
    this.d_inode = inode;
  }

  is_root(): boolean {
    return this.d_parent === this;
  }
}

export class Mount {
  readonly mnt_id: number;
  readonly mnt_sb: SuperBlock;
  readonly mnt_root: Dentry;
  /** Where this mount is attached; the root mount is its own parent. */
  mnt_parent: Mount;
  mnt_mountpoint: Dentry;
  /** The source string mount(2) was given (the first column of /proc/mounts). */
  mnt_devname: string;
  /** MNT_* flags (MNT_NOSUID, MNT_NODEV, MNT_NOEXEC, MNT_RDONLY...). */
  mnt_flags: number;
  /** Open files on this mount (busy for umount without MNT_DETACH). */
  mnt_count = 0;
  /** Options as /proc/mounts shows them after the rw/ro and relatime words. */
  mnt_opts: string;
  detached = false;

  constructor(id: number, sb: SuperBlock, devname: string, flags: number, opts: string) {
    this.mnt_id = id;
    this.mnt_sb = sb;
    this.mnt_root = sb.s_root;
    this.mnt_parent = this;
    this.mnt_mountpoint = sb.s_root;
    this.mnt_devname = devname;
    this.mnt_flags = flags;
    this.mnt_opts = opts;
  }
}

export interface Path {
  mnt: Mount;
  dentry: Dentry;
}

export const MNT_NOSUID = 0x01;
export const MNT_NODEV = 0x02;
export const MNT_NOEXEC = 0x04;
export const MNT_NOATIME = 0x08;
export const MNT_NODIRATIME = 0x10;
export const MNT_RELATIME = 0x20;
export const MNT_READONLY = 0x40;

// d_type values (include/linux/fs_types.h).
export const DT_UNKNOWN = 0;
export const DT_FIFO = 1;
export const DT_CHR = 2;
export const DT_DIR = 4;
export const DT_BLK = 6;
export const DT_REG = 8;
export const DT_LNK = 10;
export const DT_SOCK = 12;

export function dt_type(mode: number): number {
  return (mode >>> 12) & 15;
}

/** iput_final: an inode with no names left and no open file is evicted. */
export function iput_final(inode: Inode): void {
  if (inode.i_nlink === 0 && inode.i_count === 0) inode.data?.release?.();
}

/** generic_fillattr: an inode's kstat. */
export function inode_getattr(inode: Inode): Kstat {
  return {
    dev: BigInt(inode.i_sb.s_dev),
    ino: BigInt(inode.i_ino),
    mode: inode.i_mode,
    nlink: inode.i_nlink,
    uid: inode.i_uid,
    gid: inode.i_gid,
    rdev: BigInt(inode.i_rdev),
    size: BigInt(inode.i_size),
    blksize: 4096,
    blocks: BigInt(inode.i_blocks),
    atime_ns: inode.i_atime_ns,
    mtime_ns: inode.i_mtime_ns,
    ctime_ns: inode.i_ctime_ns,
    btime_ns: inode.i_btime_ns,
  };
}
