// kernel/fs/hostfs.ts — hostfs (UML's fs/hostfs/hostfs_kern.c as of 6.18): a directory of the
// host, mounted in the guest. `mount -t hostfs none /mnt -o /host/dir`; the data string is the
// host directory (default "/"), taken below the hostfs= prefix of the kernel command line.
// Owns: nothing persistent. Files, names and attributes live on the host and reach the kernel
// only through the host port (HostPort.hostfs): they are nondeterministic input like the rest.
// Dentries: a lookup makes a dentry and an inode from the host's lstat and keeps the dentry in
// the directory's dcache (d_subdirs); every later walk through it revalidates it against the
// host (same file, same type) and refreshes the inode's attributes. One dentry per inode
// (i_dentry), so an inode's host path is its dentry's chain of names below the mount's host
// directory.
// Confinement: the host only ever sees <host dir>/<names the guest walked>. `..` is the
// guest's (namei never climbs above a mount root), symlinks are read with readlink and walked
// by the guest VFS (absolute targets in the guest's namespace), and every host call leaves a
// symlink in the last component alone (the HostFs contract). A dentry that was unlinked or is
// below an unlinked directory names nothing on the host any more (ENOENT).
// Regular files: each open File holds a host fd (private_data); inode.data (HostFileData) reads
// and writes by offset through an open fd or, with none, a short-lived one. That per-file
// read-at-offset path is what a page cache and file-backed mmap build on.

import { Dentry, Inode, SuperBlock } from "./vfs_types";
import type { FileData, FileSystemType, Iattr, InodeOps, StatfsInfo } from "./vfs_types";
import {
  File, FileOps, FilePos, DirEntry, Kstat, S_IFMT, S_IFDIR, S_IFLNK, S_ISDIR, S_ISREG,
  S_ISLNK, S_IALLUGO, O_ACCMODE, O_RDONLY, O_WRONLY, O_RDWR, O_APPEND, O_CREAT, O_EXCL,
} from "./file";
import { generic_file_llseek, empty_fops, dcache_dir_lseek } from "./tmpfs";
import { FILE_SIZE_MAX } from "./file_data";
import type { Vfs } from "./vfs";
import type { HostFs, HostStat, HostDirent } from "../host_port";
import { EINVAL, EISDIR, ENOENT, EPERM, EFBIG, ELOOP, ENOTDIR, EOPNOTSUPP } from "../errno";

export const HOSTFS_SUPER_MAGIC = 0x00c0ffee;
/** The most components a mount option's host path may have (a bound on the check's loop). */
const HOST_ROOT_COMPONENTS_MAX = 4096;

interface HostfsSbInfo {
  host: HostFs;
  /** The host directory this super block shows, absolute, without a trailing slash ("" for "/"). */
  root: string;
}

/** An inode's host identity and the host fds its open files hold (fd → opened for writing). */
interface HostfsInodeInfo {
  dev: bigint;
  ino: bigint;
  fds: Map<number, boolean>;
  /** The read-write fd open(O_CREAT) made the file with, for the open that follows (-1: none). */
  created_fd: number;
}

function sb_info(sb: SuperBlock): HostfsSbInfo {
  return (sb as SuperBlock & { hostfs: HostfsSbInfo }).hostfs;
}

function inode_info(inode: Inode): HostfsInodeInfo {
  return inode.i_private as HostfsInodeInfo;
}

/** Lexical normalisation of a mount option below "/": "." dropped, ".." never above "/". */
function normalize_host_path(p: string): string[] {
  const out: string[] = [];
  for (const c of p.split("/")) {
    if (c === "" || c === ".") continue;
    if (c === "..") out.pop();
    else out.push(c);
  }
  return out;
}

/** The host directory of a new mount: prefix (hostfs=, default "/") plus the data string, as
 *  UML joins them; "" stands for "/". Under a prefix other than "/", no component may be a host symlink: the host
 *  would follow it out of the prefix. */
function hostfs_root(host: HostFs, prefix: string, data: string): string | number {
  const base = normalize_host_path(prefix);
  const rel = normalize_host_path(data);
  if (rel.length > HOST_ROOT_COMPONENTS_MAX) return -EINVAL;
  let path = base.length ? "/" + base.join("/") : "";
  const confined = base.length > 0;
  for (let i = 0; i <= rel.length; i++) {
    const st = host.lstat(path === "" ? "/" : path);
    if (typeof st === "number") return st;
    // DIVERGES: UML lets its host follow such links; a confined guest must not leave its root.
    if (confined && (st.mode & S_IFMT) === S_IFLNK) return -ELOOP;
    if (i === rel.length) {
      if ((st.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
      break;
    }
    path += "/" + rel[i];
  }
  return path;
}

/** The host path of a dentry: the mount's host directory plus the names up to its root, or
 *  -ENOENT when it (or a directory above it) was unlinked. */
export function hostfs_path(d: Dentry): string | number {
  const names: string[] = [];
  let p = d;
  for (let i = 0; !p.is_root(); i++) {
    if (p.d_deleted || i > 100000) return -ENOENT;
    names.push(p.d_name);
    p = p.d_parent;
  }
  const root = sb_info(d.d_inode!.i_sb).root;
  return names.length === 0 ? (root === "" ? "/" : root) : root + "/" + names.reverse().join("/");
}

function inode_path(inode: Inode): string | number {
  return inode.i_dentry ? hostfs_path(inode.i_dentry) : -ENOENT;
}

export function hostfs_type(vfs: Vfs, host: HostFs, prefix: string): FileSystemType {
  const type: FileSystemType = {
    name: "hostfs",
    requires_dev: false,
    mount: (opts) => hostfs_fill_super(vfs, type, host, prefix, opts),
  };
  return type;
}

function hostfs_fill_super(vfs: Vfs, type: FileSystemType, host: HostFs, prefix: string, opts: string): SuperBlock | number {
  const root = hostfs_root(host, prefix, opts === "" ? "/" : opts);
  if (typeof root === "number") return root;
  const info: HostfsSbInfo = { host, root };
  const sb = new SuperBlock(type, HOSTFS_SUPER_MAGIC, () => hostfs_statfs(info));
  (sb as SuperBlock & { hostfs: HostfsSbInfo }).hostfs = info;
  sb.s_dev = vfs.get_anon_dev();
  sb.s_time = vfs.now;
  const st = host.lstat(root === "" ? "/" : root);
  if (typeof st === "number") return st;
  const inode = hostfs_iget(vfs, sb, st);
  sb.s_root = new Dentry("/", null, inode);
  inode.i_dentry = sb.s_root;
  return sb;
}

function hostfs_statfs(info: HostfsSbInfo): StatfsInfo {
  const s = info.host.statfs(info.root === "" ? "/" : info.root);
  if (typeof s === "number") {
    return { f_type: HOSTFS_SUPER_MAGIC, f_bsize: 4096, f_namelen: 255, f_blocks: 0n, f_bfree: 0n, f_bavail: 0n, f_files: 0n, f_ffree: 0n };
  }
  return {
    f_type: HOSTFS_SUPER_MAGIC, f_bsize: s.bsize, f_namelen: 255, f_blocks: s.blocks, f_bfree: s.bfree,
    f_bavail: s.bavail, f_files: s.files, f_ffree: s.ffree,
  };
}

/** hostfs_iget: an inode for the host file st describes. */
function hostfs_iget(vfs: Vfs, sb: SuperBlock, st: HostStat): Inode {
  const mode = st.mode;
  let fop: FileOps;
  if (S_ISREG(mode)) fop = hostfs_file_ops;
  else if (S_ISDIR(mode)) fop = hostfs_dir_ops;
  else if (S_ISLNK(mode)) fop = empty_fops;
  else fop = vfs.special_fops(mode); // init_special_inode: the guest's own driver or FIFO
  const inode = new Inode(sb, Number(st.ino), mode, hostfs_inode_ops(vfs), fop);
  inode.i_private = { dev: st.dev, ino: st.ino, fds: new Map(), created_fd: -1 } satisfies HostfsInodeInfo;
  if (S_ISREG(mode)) inode.data = new HostFileData(inode);
  hostfs_refresh(inode, st);
  return inode;
}

/** Copy the host's attributes into the inode (what the VFS's permission checks read). */
function hostfs_refresh(inode: Inode, st: HostStat): void {
  inode.i_mode = st.mode;
  inode.i_nlink = st.nlink;
  inode.i_uid = st.uid;
  inode.i_gid = st.gid;
  inode.i_rdev = Number(st.rdev);
  inode.i_atime_ns = st.atime_ns;
  inode.i_mtime_ns = st.mtime_ns;
  inode.i_ctime_ns = st.ctime_ns;
  inode.size_override = Number(st.size);
  inode.blocks_override = Number(st.blocks);
}

/** The host's current attributes of inode: through an open fd when there is one (an unlinked
 *  file has no path), else by path. */
function hostfs_stat(inode: Inode): HostStat | number {
  const host = sb_info(inode.i_sb).host;
  for (const fd of inode_info(inode).fds.keys()) return host.fstat(fd);
  const path = inode_path(inode);
  return typeof path === "number" ? path : host.lstat(path);
}

function hostfs_getattr(inode: Inode): Kstat {
  const st = hostfs_stat(inode);
  if (typeof st !== "number") hostfs_refresh(inode, st);
  return {
    dev: BigInt(inode.i_sb.s_dev),
    ino: typeof st === "number" ? BigInt(inode.i_ino) : st.ino,
    mode: inode.i_mode,
    nlink: inode.i_nlink,
    uid: inode.i_uid,
    gid: inode.i_gid,
    rdev: BigInt(inode.i_rdev),
    size: BigInt(inode.size_override),
    blksize: typeof st === "number" ? 4096 : st.blksize,
    blocks: BigInt(inode.blocks_override),
    atime_ns: inode.i_atime_ns,
    mtime_ns: inode.i_mtime_ns,
    ctime_ns: inode.i_ctime_ns,
  };
}

/** A regular file's bytes on the host, by offset (the FileData seam). */
export class HostFileData implements FileData {
  private readonly inode: Inode;

  constructor(inode: Inode) {
    this.inode = inode;
  }

  private host(): HostFs {
    return sb_info(this.inode.i_sb).host;
  }

  /** Run op on a host fd of this file that can write (or read), opening one for the call if
   *  no open File has one. */
  private with_fd<T>(write: boolean, op: (fd: number) => T | number): T | number {
    for (const [fd, w] of inode_info(this.inode).fds) if (w || !write) return op(fd);
    const path = inode_path(this.inode);
    if (typeof path === "number") return path;
    const fd = this.host().open(path, write ? O_WRONLY : O_RDONLY, 0);
    if (fd < 0) return fd;
    try {
      return op(fd);
    } finally {
      this.host().close(fd);
    }
  }

  size(): number {
    const st = hostfs_stat(this.inode);
    if (typeof st === "number") return this.inode.size_override;
    hostfs_refresh(this.inode, st);
    return Number(st.size);
  }

  read(pos: number, len: number): Uint8Array {
    const r = this.with_fd(false, (fd) => this.host().pread(fd, len, pos));
    return typeof r === "number" ? new Uint8Array(0) : r;
  }

  write(pos: number, data: Uint8Array): number {
    return this.with_fd(true, (fd) => this.host().pwrite(fd, data, pos));
  }

  truncate(size: number): number {
    return this.with_fd(true, (fd) => this.host().ftruncate(fd, size));
  }

  /** Never reached: hostfs files have no fallocate (the syscall answers EOPNOTSUPP). */
  allocate(): number {
    return -EOPNOTSUPP;
  }

  punch(): void {}

  nr_pages(): number {
    return Math.ceil(this.inode.blocks_override / 8);
  }

  /** Without hole information every byte is data (generic_file_llseek's SEEK_DATA/HOLE). */
  seek_data(pos: number, hole: boolean): number {
    const size = this.size();
    if (pos >= size) return -1;
    return hole ? size : pos;
  }
}

// --- inode operations ---

function hostfs_inode_ops(vfs: Vfs): InodeOps {
  const cached = (vfs as Vfs & { hostfs_iops?: InodeOps }).hostfs_iops;
  if (cached) return cached;
  const ops: InodeOps = {
    tmpfile: false,
    lookup(dir, name) {
      const path = hostfs_path(dir);
      if (typeof path === "number") return null;
      const st = host_of(dir).lstat(child_path(path, name));
      return typeof st === "number" ? null : hostfs_iget(vfs, dir.d_inode!.i_sb, st);
    },
    d_revalidate(d) {
      const inode = d.d_inode!;
      const path = hostfs_path(d);
      if (typeof path === "number") return false;
      const st = host_of(d).lstat(path);
      if (typeof st === "number") return false;
      const info = inode_info(inode);
      if (st.ino !== info.ino || st.dev !== info.dev || (st.mode & S_IFMT) !== (inode.i_mode & S_IFMT)) return false;
      hostfs_refresh(inode, st);
      return true;
    },
    create(dir, name, mode, _rdev, _uid, _gid, for_open) {
      return hostfs_create(vfs, dir, name, mode, for_open === true);
    },
    symlink(dir, name, target) {
      const path = hostfs_path(dir);
      if (typeof path === "number") return path;
      const err = host_of(dir).symlink(target, child_path(path, name));
      return err < 0 ? err : d_instantiate_host(vfs, dir, name);
    },
    link(old, dir, name) {
      const from = hostfs_path(old);
      if (typeof from === "number") return from;
      const path = hostfs_path(dir);
      if (typeof path === "number") return path;
      const err = host_of(dir).link(from, child_path(path, name));
      if (err < 0) return err;
      const st = hostfs_stat(old.d_inode!);
      if (typeof st !== "number") hostfs_refresh(old.d_inode!, st);
      return d_instantiate_host(vfs, dir, name);
    },
    unlink(dir, victim) {
      const path = hostfs_path(victim);
      if (typeof path === "number") return path;
      const err = host_of(dir).unlink(path);
      if (err < 0) return err;
      d_delete(dir, victim);
      return 0;
    },
    rmdir(dir, victim) {
      const path = hostfs_path(victim);
      if (typeof path === "number") return path;
      const err = host_of(dir).rmdir(path);
      if (err < 0) return err;
      d_delete(dir, victim);
      return 0;
    },
    rename(old_dir, old, new_dir, new_name, flags) {
      return hostfs_rename2(old_dir, old, new_dir, new_name, flags);
    },
    get_link(inode) {
      const path = inode_path(inode);
      if (typeof path === "number") return path;
      return sb_info(inode.i_sb).host.readlink(path);
    },
    setattr(inode, attr) {
      return hostfs_setattr(inode, attr);
    },
  };
  (vfs as Vfs & { hostfs_iops?: InodeOps }).hostfs_iops = ops;
  return ops;
}

function host_of(d: Dentry): HostFs {
  return sb_info(d.d_inode!.i_sb).host;
}

function child_path(dir_path: string, name: string): string {
  return dir_path === "/" ? "/" + name : dir_path + "/" + name;
}

/** The dentry of a name just made on the host, from its lstat, in dir's dcache. */
function d_instantiate_host(vfs: Vfs, dir: Dentry, name: string): Dentry | number {
  const path = hostfs_path(dir);
  if (typeof path === "number") return path;
  const st = host_of(dir).lstat(child_path(path, name));
  if (typeof st === "number") return st;
  const inode = hostfs_iget(vfs, dir.d_inode!.i_sb, st);
  const d = new Dentry(name, dir, inode);
  inode.i_dentry = d;
  (dir.d_subdirs ??= new Map()).set(name, d);
  return d;
}

/** The name is gone on the host: the dentry leaves the dcache and names nothing any more. */
function d_delete(dir: Dentry, victim: Dentry): void {
  if (dir.d_subdirs?.get(victim.d_name) === victim) dir.d_subdirs.delete(victim.d_name);
  victim.d_deleted = true;
  const inode = victim.d_inode!;
  inode.i_nlink = S_ISDIR(inode.i_mode) ? 0 : Math.max(0, inode.i_nlink - 1);
}

/** hostfs_create/hostfs_mkdir. The host's umask must not change the guest's mode, so the mode
 *  is set again once the file exists. For open(O_CREAT) the read-write fd that made the file is
 *  kept for the open that follows, as UML's hostfs keeps it: a file created read-only (mode
 *  0444) is still writable through the fd that created it. DIVERGES: node:fs cannot mknod, so
 *  device nodes, FIFOs and sockets cannot be made on hostfs (EPERM). */
function hostfs_create(vfs: Vfs, dir: Dentry, name: string, mode: number, for_open: boolean): Dentry | number {
  const path = hostfs_path(dir);
  if (typeof path === "number") return path;
  const host = host_of(dir);
  const p = child_path(path, name);
  if (S_ISDIR(mode)) {
    const err = host.mkdir(p, mode & S_IALLUGO);
    if (err < 0) return err;
    host.chmod(p, mode & S_IALLUGO);
  } else if (S_ISREG(mode)) {
    const fd = host.open(p, O_RDWR | O_CREAT | O_EXCL, mode & S_IALLUGO);
    if (fd < 0) return fd;
    host.fchmod(fd, mode & S_IALLUGO);
    const d = d_instantiate_host(vfs, dir, name);
    if (typeof d === "number" || !for_open) host.close(fd);
    else inode_info(d.d_inode!).created_fd = fd;
    return d;
  } else {
    return -EPERM;
  }
  return d_instantiate_host(vfs, dir, name);
}

const RENAME_EXCHANGE = 2;

/** hostfs_rename2: the host renames, then the dcache follows. */
function hostfs_rename2(old_dir: Dentry, old: Dentry, new_dir: Dentry, new_name: string, flags: number): number {
  const from = hostfs_path(old);
  if (typeof from === "number") return from;
  const to_dir = hostfs_path(new_dir);
  if (typeof to_dir === "number") return to_dir;
  const err = host_of(old_dir).rename(from, child_path(to_dir, new_name), flags);
  if (err < 0) return err;
  const target = new_dir.d_subdirs?.get(new_name) ?? null;
  old_dir.d_subdirs?.delete(old.d_name);
  if (target) new_dir.d_subdirs!.delete(new_name);
  if (flags & RENAME_EXCHANGE && target) {
    target.d_name = old.d_name;
    target.d_parent = old_dir;
    (old_dir.d_subdirs ??= new Map()).set(target.d_name, target);
  } else if (target) {
    target.d_deleted = true;
  }
  old.d_name = new_name;
  old.d_parent = new_dir;
  (new_dir.d_subdirs ??= new Map()).set(new_name, old);
  return 0;
}

/** hostfs_setattr: the host changes the attributes; the inode then takes the host's word. */
function hostfs_setattr(inode: Inode, attr: Iattr): number {
  const host = sb_info(inode.i_sb).host;
  let err = 0;
  if (attr.ia_size !== undefined) {
    if (attr.ia_size > FILE_SIZE_MAX) return -EFBIG;
    inode.i_mapping_sync?.writeback();
    err = inode.data ? inode.data.truncate(attr.ia_size) : -EINVAL;
    if (err === 0) inode.i_mapping_sync?.resized(attr.ia_size);
  } else {
    const path = inode_path(inode);
    if (typeof path === "number") return path;
    if (attr.ia_mode !== undefined) err = host.chmod(path, attr.ia_mode & S_IALLUGO);
    if (!err && (attr.ia_uid !== undefined || attr.ia_gid !== undefined)) {
      err = host.lchown(path, attr.ia_uid ?? inode.i_uid, attr.ia_gid ?? inode.i_gid);
    }
    if (!err && (attr.ia_atime !== undefined || attr.ia_mtime !== undefined)) {
      err = host.lutimes(path, attr.ia_atime ?? "omit", attr.ia_mtime ?? "omit");
    }
  }
  const st = hostfs_stat(inode);
  if (typeof st !== "number") hostfs_refresh(inode, st);
  return err < 0 ? err : 0;
}

// --- regular files ---

function file_host(file: File): HostFs {
  return sb_info(file.inode!.i_sb).host;
}

function file_fd(file: File): number {
  return file.private_data as number;
}

export const hostfs_file_ops: FileOps = {
  open(inode: Inode, file: File) {
    const path = hostfs_path(file.path!.dentry);
    if (typeof path === "number") return path;
    const info = inode_info(inode);
    const acc = file.flags & O_ACCMODE;
    const adopted = info.created_fd;
    info.created_fd = -1;
    const fd = adopted >= 0 ? adopted : sb_info(inode.i_sb).host.open(path, acc, 0);
    if (fd < 0) return fd;
    file.private_data = fd;
    info.fds.set(fd, adopted >= 0 || acc !== O_RDONLY);
    return 0;
  },
  read(file: File, max: number, ppos: FilePos) {
    if (ppos.pos < 0n) return -EINVAL;
    file.inode?.i_mapping_sync?.writeback();
    const data = file_host(file).pread(file_fd(file), max, Number(ppos.pos));
    if (typeof data === "number") return data;
    ppos.pos += BigInt(data.length);
    return data;
  },
  write(file: File, data: Uint8Array, ppos: FilePos) {
    const host = file_host(file);
    file.inode?.i_mapping_sync?.writeback();
    if (file.flags & O_APPEND) {
      // The host fd is not O_APPEND (F_SETFL may change it): append at the host's size.
      const st = host.fstat(file_fd(file));
      if (typeof st === "number") return st;
      ppos.pos = st.size;
    }
    if (ppos.pos < 0n) return -EINVAL;
    if (ppos.pos >= BigInt(FILE_SIZE_MAX)) return -EFBIG;
    const n = host.pwrite(file_fd(file), data, Number(ppos.pos));
    if (n < 0) return n;
    file.inode?.i_mapping_sync?.written(Number(ppos.pos), data.subarray(0, n));
    ppos.pos += BigInt(n);
    return n;
  },
  llseek(file: File, offset: bigint, whence: number) {
    return generic_file_llseek(file, offset, whence);
  },
  fsync(file: File, datasync: boolean) {
    file.inode?.i_mapping_sync?.writeback();
    return file_host(file).fsync(file_fd(file), datasync);
  },
  release(file: File) {
    inode_info(file.inode!).fds.delete(file_fd(file));
    file_host(file).close(file_fd(file));
  },
  getattr(file: File) {
    return hostfs_getattr(file.inode!);
  },
};

// --- directories ---

/** A directory File's listing, taken when reading starts at position 0 (rewinddir re-reads). */
interface DirSnapshot {
  entries: HostDirent[];
}

export const hostfs_dir_ops: FileOps = {
  read() {
    return -EISDIR;
  },
  llseek: dcache_dir_lseek,
  iterate(file: File, emit: (e: DirEntry) => boolean) {
    return hostfs_iterate(file, emit);
  },
  getattr(file: File) {
    return hostfs_getattr(file.inode!);
  },
};

/** ".", "..", then the host's entries; positions are indexes into the snapshot plus two. */
function hostfs_iterate(file: File, emit: (e: DirEntry) => boolean): number {
  const d = file.path!.dentry;
  if (file.pos === 0n || file.private_data === null) {
    const path = hostfs_path(d);
    const list = typeof path === "number" ? path : sb_info(d.d_inode!.i_sb).host.readdir(path);
    if (typeof list === "number") return list;
    file.private_data = { entries: list } satisfies DirSnapshot;
  }
  const entries = (file.private_data as DirSnapshot).entries;
  if (file.pos === 0n) {
    if (!emit({ name: ".", ino: inode_info(d.d_inode!).ino, type: 4, next_pos: 1n })) return 0;
    file.pos = 1n;
  }
  if (file.pos === 1n) {
    if (!emit({ name: "..", ino: inode_info(d.d_parent.d_inode!).ino, type: 4, next_pos: 2n })) return 0;
    file.pos = 2n;
  }
  for (let i = Number(file.pos) - 2; i >= 0 && i < entries.length; i++) {
    const e = entries[i];
    if (!emit({ name: e.name, ino: e.ino, type: e.type, next_pos: BigInt(i + 3) })) return 0;
    file.pos = BigInt(i + 3);
  }
  return 0;
}
