// kernel/fs/vfs.ts — the virtual file system: registered file systems, the mount tree,
// character devices, permission checks, and the name operations of fs/namei.c and fs/open.c
// (open, mkdir, mknod, unlink, rmdir, rename, link, symlink) with their errors in Linux's order.
// Owns: the mount table (mounts in mount order; a mount is found by its parent mount and
// mountpoint dentry) and the character-device table (dev_t → FileOps).
// Invariants: the root mount is mounts[0] and is its own parent; a dentry's d_mounted counts the
// live mounts whose mountpoint it is; anonymous device minors are never reused.
// Time: every timestamp comes from the `now` callback the kernel passes in (its clock, fed by
// the host port); nothing here reads a host clock.

import { Dentry, Inode, Mount, SuperBlock, new_encode_dev, MNT_READONLY, MNT_NOEXEC, MNT_NODEV, iput_final } from "./vfs_types";
import type { PageCache } from "./page_cache";
import type { FileSystemType, Path } from "./vfs_types";
import {
  File, FileOps, fmode_of, S_IFMT, S_IFREG, S_IFDIR, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK, S_ISDIR, S_ISLNK,
  S_ISREG, S_ISCHR, S_ISBLK, S_ISFIFO, S_ISVTX, S_IALLUGO, S_ISUID, S_ISGID, S_IRWXUGO, O_CREAT,
  O_EXCL, O_TRUNC, O_PATH, O_DIRECTORY, O_NOFOLLOW, O_NOATIME, O_LARGEFILE,
  O_NOCTTY, FMODE_CREATED, FMODE_PATH, O_CLOEXEC, __O_TMPFILE,
} from "./file";
import {
  Nameidata, WalkEnv, WalkStart, Cred, filename_lookup, filename_parentat, d_lookup, is_dir,
  LOOKUP_FOLLOW, LOOKUP_DIRECTORY, LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT, NAME_MAX, MAXSYMLINKS,
  MAY_EXEC, MAY_WRITE, MAY_READ, MAY_OPEN, ParentResult,
} from "./namei";
import { empty_fops, shmem_setsize } from "./tmpfs";
import { eventpoll_release } from "./eventpoll";
import { inode_getattr } from "./vfs_types";
import {
  EACCES, EBUSY, EEXIST, EINVAL, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY, ENXIO, EPERM,
  EROFS, EXDEV, ENODEV, EOPNOTSUPP,
} from "../errno";

export const RENAME_NOREPLACE = 1;
export const RENAME_EXCHANGE = 2;
export const RENAME_WHITEOUT = 4;

export interface VfsOptions {
  /** The kernel's CLOCK_REALTIME in ns, for timestamps. */
  now_ns: () => bigint;
  /** Pages of guest memory (tmpfs's default size is half). */
  total_pages: number;
  /** The core's page cache: tmpfs files keep their bytes there. Without it (unit tests of the
   *  VFS alone) they live in JS pages and cannot be mapped shared. */
  page_cache?: PageCache;
}

/** What open() was asked for, after build_open_flags(). */
export interface OpenHow {
  /** f_flags the file keeps (without O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC). */
  open_flag: number;
  acc_mode: number;
  lookup_flags: number;
  /** S_IFREG | (mode & ~umask) when creating. */
  mode: number;
}

export class Vfs implements WalkEnv {
  readonly now: () => bigint;
  readonly total_pages: number;
  readonly page_cache: PageCache | null;
  readonly fs_types = new Map<string, FileSystemType>();
  readonly mounts: Mount[] = [];
  readonly chrdevs = new Map<number, FileOps>();
  private anon_minor = 1;
  private next_mnt_id = 1;

  constructor(opts: VfsOptions) {
    this.now = opts.now_ns;
    this.total_pages = opts.total_pages;
    this.page_cache = opts.page_cache ?? null;
  }

  register_filesystem(type: FileSystemType): void {
    this.fs_types.set(type.name, type);
  }

  /** get_anon_bdev: st_dev 0:N for a file system without a device. */
  get_anon_dev(): number {
    return new_encode_dev(0, this.anon_minor++);
  }

  register_chrdev(major: number, minor: number, ops: FileOps): void {
    this.chrdevs.set(new_encode_dev(major, minor), ops);
  }

  /** The root mount. */
  get root_mnt(): Mount {
    return this.mounts[0];
  }
  root_path(): Path {
    return { mnt: this.root_mnt, dentry: this.root_mnt.mnt_root };
  }

  /** Make sb the root of the mount tree (init_mount_tree). */
  mount_root(sb: SuperBlock, devname: string, opts = ""): Mount {
    if (this.mounts.length > 0) throw new Error("mount_root: the root is already mounted");
    const m = new Mount(this.next_mnt_id++, sb, devname, 0, opts);
    this.mounts.push(m);
    return m;
  }

  /** Mount a new instance of fstype on path (do_new_mount + do_add_mount). */
  do_new_mount(path: Path, fstype: string, devname: string, mnt_flags: number, opts: string): Mount | number {
    const type = this.fs_types.get(fstype);
    if (!type) return -ENODEV;
    const sb = type.mount(opts);
    if (typeof sb === "number") return sb;
    return this.graft(path, sb, devname, mnt_flags, opts);
  }

  private graft(path: Path, sb: SuperBlock, devname: string, mnt_flags: number, opts: string): Mount | number {
    if (is_dir(path.dentry) !== S_ISDIR(sb.s_root.d_inode!.i_mode)) return -ENOTDIR;
    if (path.dentry.d_deleted) return -ENOENT;
    const m = new Mount(this.next_mnt_id++, sb, devname, mnt_flags, opts);
    m.mnt_parent = path.mnt;
    m.mnt_mountpoint = path.dentry;
    path.dentry.d_mounted++;
    this.mounts.push(m);
    return m;
  }

  lookup_mnt(mnt: Mount, dentry: Dentry): Mount | null {
    for (let i = this.mounts.length - 1; i >= 0; i--) {
      const m = this.mounts[i];
      if (m !== mnt && m.mnt_parent === mnt && m.mnt_mountpoint === dentry) return m;
    }
    return null;
  }

  /** umount2 after the lookup: path must be the root of a mount. MNT_DETACH: 2. */
  do_umount(path: Path, flags: number): number {
    const m = path.mnt;
    if (path.dentry !== m.mnt_root) return -EINVAL;
    if (m === this.root_mnt) return -EBUSY;
    const children = this.mounts.filter((c) => c.mnt_parent === m && c !== m);
    const detach = (flags & 2) !== 0;
    if (!detach && (children.length > 0 || m.mnt_count > 0)) return -EBUSY;
    // A lazy unmount takes the whole subtree out of the namespace; open files keep it alive.
    const gone = new Set<Mount>([m]);
    for (let grew = true; grew;) {
      grew = false;
      for (const c of this.mounts) if (!gone.has(c) && gone.has(c.mnt_parent)) { gone.add(c); grew = true; }
    }
    for (const g of gone) {
      g.detached = true;
      if (g === m || !gone.has(g.mnt_parent)) g.mnt_mountpoint.d_mounted--;
    }
    m.mnt_parent = m;
    m.mnt_mountpoint = m.mnt_root;
    this.mounts.splice(0, this.mounts.length, ...this.mounts.filter((c) => !gone.has(c)));
    return 0;
  }

  /** inode_permission + generic_permission: DAC with root's overrides. 0 or -errno. */
  inode_permission(cred: Cred, inode: Inode, mask: number): number {
    if (mask & MAY_WRITE && inode.i_sb.s_readonly) {
      const m = inode.i_mode;
      if (S_ISREG(m) || S_ISDIR(m) || S_ISLNK(m)) return -EROFS;
    }
    const mode = inode.i_mode;
    const want = mask & (MAY_READ | MAY_WRITE | MAY_EXEC);
    if (cred.uid === 0) {
      // CAP_DAC_OVERRIDE: anything but executing a file with no execute bit at all.
      if (want & MAY_EXEC && !S_ISDIR(mode) && !(mode & 0o111)) return -EACCES;
      return 0;
    }
    let bits: number;
    if (cred.uid === inode.i_uid) bits = (mode >> 6) & 7;
    else if (cred.gid === inode.i_gid || (cred.groups ?? []).includes(inode.i_gid)) bits = (mode >> 3) & 7;
    else bits = mode & 7;
    return (want & ~bits) === 0 ? 0 : -EACCES;
  }

  /** A new file's timestamps and ownership are set by the file system; this is the clock. */
  touch(inode: Inode, what: "a" | "m" | "c" | "mc"): void {
    const now = this.now();
    if (what === "a") inode.i_atime_ns = now;
    if (what === "m" || what === "mc") inode.i_mtime_ns = now;
    if (what !== "a") inode.i_ctime_ns = now;
  }

  /** The file operations of a device node, FIFO or socket inode (init_special_inode). */
  special_fops(mode: number): FileOps {
    if (S_ISCHR(mode)) return this.chrdev_fops;
    if (S_ISFIFO(mode) && this.fifo_fops) return this.fifo_fops;
    return bad_sock_fops;
  }
  /** Named pipes' operations, installed by pipe.ts (fifo_open). */
  fifo_fops: FileOps | null = null;

  /** def_chr_fops: open finds the driver by i_rdev and becomes it (chrdev_open). */
  readonly chrdev_fops: FileOps = {
    open: (inode: Inode, file: File) => {
      const ops = this.chrdevs.get(inode.i_rdev);
      if (!ops) return -ENXIO;
      file.ops = ops;
      return ops.open ? ops.open(inode, file) : 0;
    },
    getattr: (file: File) => inode_getattr(file.inode!),
  };

  // --- open (fs/open.c build_open_flags, fs/namei.c path_openat) ---

  /** do_filp_open: a new File for name, or -errno. */
  do_filp_open(ws: WalkStart, name: string, how: OpenHow): File | number {
    const flag = how.open_flag;
    if (flag & O_PATH) {
      const p = filename_lookup(this, ws, name, how.lookup_flags);
      if (typeof p === "number") return p;
      return this.open_path(p, flag);
    }
    if (flag & __O_TMPFILE) return this.do_tmpfile(ws, name, how);
    if (name === "") return -ENOENT;
    const nd = new Nameidata(this, ws, how.lookup_flags);
    let err = nd.init(ws, name);
    if (err) return err;
    let created = false;
    for (let i = 0; ; i++) {
      if (i > MAXSYMLINKS + 1) return -ELOOP;
      err = nd.link_path_walk();
      if (err) return err;
      const r = this.open_last_lookups(nd, how, ws.cred);
      if (typeof r === "number") {
        if (r < 0) return r;
        continue; // a trailing symlink: walk its body
      }
      created = r.created;
      break;
    }
    return this.do_open(nd, how, ws.cred, created);
  }

  /** open_last_lookups: step onto (or create) the last component. {created} when the walk is
   *  over, 1 when a symlink was pushed, or -errno. */
  private open_last_lookups(nd: Nameidata, how: OpenHow, cred: Cred): { created: boolean } | number {
    const creat = (how.open_flag & O_CREAT) !== 0;
    if (nd.last_type !== LAST_NORM) {
      const r = nd.lookup_last();
      if (r < 0) return r;
      return { created: false };
    }
    if (!creat) {
      const r = nd.lookup_last();
      if (r < 0) return r;
      return r === 1 ? 1 : { created: false };
    }
    if (nd.last_slash) return -EISDIR;
    const dir = nd.path;
    const existing = d_lookup(dir.dentry, nd.last);
    if (!existing) {
      if (nd.last.length > NAME_MAX) return -ENAMETOOLONG;
      const d = this.create_in(dir, nd.last, how.mode, 0, cred, true);
      if (typeof d === "number") return d;
      nd.path = { mnt: dir.mnt, dentry: d };
      return { created: true };
    }
    const next = nd.traverse_mounts({ mnt: dir.mnt, dentry: existing });
    const inode = next.dentry.d_inode!;
    if (S_ISLNK(inode.i_mode) && nd.flags & LOOKUP_FOLLOW) {
      const r = nd.pick_link(inode);
      if (r < 0) return r;
      if (r === 2) return { created: false };
      return 1;
    }
    nd.path = next;
    return { created: false };
  }

  /** may_create + the file system's create: the new dentry in dir, or -errno. */
  private create_in(dir: Path, name: string, mode: number, rdev: number, cred: Cred, for_open: boolean): Dentry | number {
    const di = dir.dentry.d_inode!;
    if (dir.dentry.d_deleted) return -ENOENT;
    if (dir.mnt.mnt_flags & MNT_READONLY) return -EROFS;
    const perm = this.inode_permission(cred, di, MAY_WRITE | MAY_EXEC);
    if (perm) return perm;
    if (!di.i_op.create) return for_open ? -EACCES : -EPERM;
    return di.i_op.create(dir.dentry, name, mode, rdev, cred.uid, cred.gid, for_open);
  }

  /** do_open: the checks on the final path, then the File. */
  private do_open(nd: Nameidata, how: OpenHow, cred: Cred, created: boolean): File | number {
    const d = nd.path.dentry;
    const inode = d.d_inode;
    if (!inode) return -ENOENT;
    let acc_mode = how.acc_mode;
    let flag = how.open_flag;
    if (flag & O_CREAT) {
      if (flag & O_EXCL && !created) return -EEXIST;
      if (S_ISDIR(inode.i_mode)) return -EISDIR;
    }
    if (nd.flags & LOOKUP_DIRECTORY && !S_ISDIR(inode.i_mode)) return -ENOTDIR;
    if (created) {
      acc_mode = 0;
      flag &= ~O_TRUNC;
    }
    const err = this.may_open(nd.path, inode, acc_mode, flag, cred);
    if (err) return err;
    const f = this.vfs_open(nd.path, flag, created);
    if (typeof f === "number") return f;
    if (flag & O_TRUNC && S_ISREG(inode.i_mode) && inode.i_op.setattr) {
      // handle_truncate: the file system truncates (and sets the times) itself.
      const t = inode.i_op.setattr(inode, { ia_size: 0 });
      if (t) {
        this.fput(f);
        return t;
      }
    } else if (flag & O_TRUNC && S_ISREG(inode.i_mode) && inode.data && inode.i_size !== 0) {
      const t = shmem_setsize(inode, 0, this.now());
      if (t) return t;
    } else if (flag & O_TRUNC && S_ISREG(inode.i_mode) && inode.data) {
      this.touch(inode, "mc"); // O_TRUNC of an empty file still updates the times
    }
    return f;
  }

  /** may_open: what the type of the file and its permissions allow. */
  private may_open(path: Path, inode: Inode, acc_mode: number, flag: number, cred: Cred): number {
    const mode = inode.i_mode;
    switch (mode & S_IFMT) {
      case 0o120000: return -ELOOP;
      case S_IFDIR:
        if (acc_mode & MAY_WRITE) return -EISDIR;
        if (acc_mode & MAY_EXEC) return -EACCES;
        break;
      case S_IFBLK: case S_IFCHR:
        if (path.mnt.mnt_flags & MNT_NODEV) return -EACCES;
        break;
      case S_IFIFO: case S_IFSOCK:
        if (acc_mode & MAY_EXEC) return -EACCES;
        break;
      case S_IFREG:
        if (acc_mode & MAY_EXEC && path.mnt.mnt_flags & MNT_NOEXEC) return -EACCES;
        break;
    }
    const perm = this.inode_permission(cred, inode, MAY_OPEN | acc_mode);
    if (perm) return perm;
    if (acc_mode & MAY_WRITE && path.mnt.mnt_flags & MNT_READONLY && (S_ISREG(mode) || S_ISDIR(mode))) return -EROFS;
    if (flag & O_NOATIME && cred.uid !== 0 && cred.uid !== inode.i_uid) return -EPERM;
    return 0;
  }

  /** vfs_open / do_dentry_open: a File on path with flags. */
  vfs_open(path: Path, flags: number, created = false): File | number {
    const inode = path.dentry.d_inode!;
    const f_flags = (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE;
    const file = new File(inode.i_fop, f_flags);
    file.path = path;
    file.inode = inode;
    if (inode.i_fop.open) {
      const err = inode.i_fop.open(inode, file);
      if (err) return err;
    }
    file.fmode = fmode_of(f_flags, file.ops) | (created ? FMODE_CREATED : 0);
    path.mnt.mnt_count++;
    inode.i_count++;
    return file;
  }

  /** An O_PATH file: a handle on a location, good for *at() and fstat, not for I/O. */
  open_path(path: Path, flags: number): File {
    const file = new File(empty_fops, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW) | O_LARGEFILE, FMODE_PATH);
    file.path = path;
    file.inode = path.dentry.d_inode;
    path.mnt.mnt_count++;
    if (file.inode) file.inode.i_count++;
    return file;
  }

  /** O_TMPFILE: an unnamed regular file in the directory name names. */
  private do_tmpfile(ws: WalkStart, name: string, how: OpenHow): File | number {
    const dir = filename_lookup(this, ws, name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
    if (typeof dir === "number") return dir;
    const di = dir.dentry.d_inode!;
    const perm = this.inode_permission(ws.cred, di, MAY_WRITE | MAY_EXEC);
    if (perm) return perm;
    if (!di.i_op.create || !di.i_op.unlink || di.i_op.tmpfile === false) return -EOPNOTSUPP;
    const tmpname = `#tmpfile${di.i_sb.next_dir_offset}`;
    const d = di.i_op.create(dir.dentry, tmpname, S_IFREG | (how.mode & S_IALLUGO), 0, ws.cred.uid, ws.cred.gid);
    if (typeof d === "number") return d;
    di.i_op.unlink(dir.dentry, d);
    d.d_name = "#" + d.d_inode!.i_ino;
    return this.vfs_open({ mnt: dir.mnt, dentry: d }, how.open_flag & ~__O_TMPFILE & ~O_DIRECTORY, true);
  }

  /** The File no longer has any fd or other reference (__fput). */
  fput(file: File): void {
    if (--file.refs > 0) return;
    if (file.f_ep) eventpoll_release(file);
    if (file.path) file.path.mnt.mnt_count--;
    file.ops.release?.(file);
    if (file.path && file.inode) {
      file.inode.i_count--;
      iput_final(file.inode);
    }
  }

  // --- name operations ---

  /** filename_create: the parent and the checked-free last component of name. */
  filename_create(ws: WalkStart, name: string, want_dir: boolean): { dir: Path; name: string } | number {
    const p = filename_parentat(this, ws, name);
    if (typeof p === "number") return p;
    if (p.last_type !== LAST_NORM) return -EEXIST;
    if (p.last.length > NAME_MAX) return -ENAMETOOLONG;
    const existing = d_lookup(p.path.dentry, p.last);
    if (existing) return -EEXIST;
    if (p.trailing_slash && !want_dir) return -ENOENT;
    if (p.path.mnt.mnt_flags & MNT_READONLY) return -EROFS;
    return { dir: p.path, name: p.last };
  }

  vfs_mkdir(ws: WalkStart, name: string, mode: number, umask: number): number {
    const c = this.filename_create(ws, name, true);
    if (typeof c === "number") return c;
    const d = this.create_in(c.dir, c.name, S_IFDIR | (mode & (S_IRWXUGO | S_ISVTX) & ~umask), 0, ws.cred, false);
    return typeof d === "number" ? d : 0;
  }

  vfs_mknod(ws: WalkStart, name: string, mode: number, dev: number, umask: number): number {
    const type = mode & S_IFMT;
    if (S_ISDIR(mode)) return -EPERM;
    if (type !== 0 && type !== S_IFREG && type !== S_IFCHR && type !== S_IFBLK && type !== S_IFIFO && type !== S_IFSOCK) return -EINVAL;
    const c = this.filename_create(ws, name, false);
    if (typeof c === "number") return c;
    if ((S_ISCHR(mode) || S_ISBLK(mode)) && ws.cred.uid !== 0) return -EPERM;
    const m = (type === 0 ? S_IFREG : type) | (mode & S_IALLUGO & ~umask);
    const d = this.create_in(c.dir, c.name, m, S_ISCHR(m) || S_ISBLK(m) ? dev : 0, ws.cred, false);
    return typeof d === "number" ? d : 0;
  }

  vfs_symlink(ws: WalkStart, target: string, name: string): number {
    const c = this.filename_create(ws, name, false);
    if (typeof c === "number") return c;
    const di = c.dir.dentry.d_inode!;
    if (c.dir.dentry.d_deleted) return -ENOENT;
    const perm = this.inode_permission(ws.cred, di, MAY_WRITE | MAY_EXEC);
    if (perm) return perm;
    if (!di.i_op.symlink) return -EPERM;
    const d = di.i_op.symlink(c.dir.dentry, c.name, target, ws.cred.uid, ws.cred.gid);
    return typeof d === "number" ? d : 0;
  }

  /** linkat after the old path was looked up. */
  vfs_link(ws: WalkStart, old: Path, name: string): number {
    const c = this.filename_create(ws, name, false);
    if (typeof c === "number") return c;
    if (c.dir.mnt !== old.mnt) return -EXDEV;
    const inode = old.dentry.d_inode!;
    const di = c.dir.dentry.d_inode!;
    if (c.dir.dentry.d_deleted) return -ENOENT;
    const perm = this.inode_permission(ws.cred, di, MAY_WRITE | MAY_EXEC);
    if (perm) return perm;
    if (S_ISDIR(inode.i_mode)) return -EPERM;
    if (!di.i_op.link) return -EPERM;
    if (inode.i_nlink === 0) return -ENOENT;
    const d = di.i_op.link(old.dentry, c.dir.dentry, c.name);
    return typeof d === "number" ? d : 0;
  }

  /** may_delete: can victim be removed from dir? isdir: rmdir/rename of a directory. */
  private may_delete(cred: Cred, dir: Dentry, victim: Dentry | null, isdir: boolean): number {
    if (!victim || !victim.d_inode) return -ENOENT;
    const di = dir.d_inode!;
    const vi = victim.d_inode;
    const perm = this.inode_permission(cred, di, MAY_WRITE | MAY_EXEC);
    if (perm) return perm;
    if (di.i_mode & S_ISVTX && cred.uid !== 0 && cred.uid !== vi.i_uid && cred.uid !== di.i_uid) return -EPERM;
    if (isdir) {
      if (!S_ISDIR(vi.i_mode)) return -ENOTDIR;
      if (victim.is_root()) return -EBUSY;
    } else if (S_ISDIR(vi.i_mode)) {
      return -EISDIR;
    }
    if (dir.d_deleted) return -ENOENT;
    return 0;
  }

  vfs_unlink(ws: WalkStart, name: string): number {
    const p = filename_parentat(this, ws, name);
    if (typeof p === "number") return p;
    if (p.last_type !== LAST_NORM) return -EISDIR;
    if (p.path.mnt.mnt_flags & MNT_READONLY) return -EROFS;
    if (p.last.length > NAME_MAX) return -ENAMETOOLONG;
    const victim = d_lookup(p.path.dentry, p.last);
    if (p.trailing_slash) {
      if (!victim) return -ENOENT;
      return S_ISDIR(victim.d_inode!.i_mode) ? -EISDIR : -ENOTDIR;
    }
    const err = this.may_delete(ws.cred, p.path.dentry, victim, false);
    if (err) return err;
    const di = p.path.dentry.d_inode!;
    if (!di.i_op.unlink) return -EPERM;
    if (victim!.d_mounted > 0) return -EBUSY;
    return di.i_op.unlink(p.path.dentry, victim!);
  }

  vfs_rmdir(ws: WalkStart, name: string): number {
    const p = filename_parentat(this, ws, name);
    if (typeof p === "number") return p;
    if (p.last_type === LAST_DOTDOT) return -ENOTEMPTY;
    if (p.last_type === LAST_DOT) return -EINVAL;
    if (p.last_type === LAST_ROOT) return -EBUSY;
    if (p.path.mnt.mnt_flags & MNT_READONLY) return -EROFS;
    if (p.last.length > NAME_MAX) return -ENAMETOOLONG;
    const victim = d_lookup(p.path.dentry, p.last);
    const err = this.may_delete(ws.cred, p.path.dentry, victim, true);
    if (err) return err;
    const di = p.path.dentry.d_inode!;
    if (!di.i_op.rmdir) return -EPERM;
    if (victim!.d_mounted > 0) return -EBUSY;
    return di.i_op.rmdir(p.path.dentry, victim!);
  }

  /** do_renameat2 after the flags were checked. */
  vfs_rename(old_ws: WalkStart, old_name: string, new_ws: WalkStart, new_name: string, flags: number): number {
    const op = filename_parentat(this, old_ws, old_name);
    if (typeof op === "number") return op;
    const np = filename_parentat(this, new_ws, new_name);
    if (typeof np === "number") return np;
    if (op.path.mnt !== np.path.mnt) return -EXDEV;
    if (op.last_type !== LAST_NORM) return -EBUSY;
    if (np.last_type !== LAST_NORM) return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
    if (op.path.mnt.mnt_flags & MNT_READONLY) return -EROFS;
    if (op.last.length > NAME_MAX || np.last.length > NAME_MAX) return -ENAMETOOLONG;
    const old_dir = op.path.dentry;
    const new_dir = np.path.dentry;
    const old = d_lookup(old_dir, op.last);
    if (!old) return -ENOENT;
    const target = d_lookup(new_dir, np.last);
    if (flags & RENAME_NOREPLACE && target) return -EEXIST;
    if (flags & RENAME_EXCHANGE && !target) return -ENOENT;
    const old_isdir = S_ISDIR(old.d_inode!.i_mode);
    if (!(flags & RENAME_EXCHANGE) && !old_isdir) {
      if (op.trailing_slash || np.trailing_slash) return -ENOTDIR;
    }
    if (flags & RENAME_EXCHANGE) {
      if (!S_ISDIR(target!.d_inode!.i_mode) && (op.trailing_slash || np.trailing_slash)) return -ENOTDIR;
      if (!old_isdir && (op.trailing_slash || np.trailing_slash)) return -ENOTDIR;
    }
    // Neither may be an ancestor of the other's new home (lock_rename's trap).
    if (is_ancestor(old, new_dir)) return -EINVAL;
    if (target && is_ancestor(target, old_dir)) return flags & RENAME_EXCHANGE ? -EINVAL : -ENOTEMPTY;
    return this.do_vfs_rename(old_ws.cred, old_dir, old, new_dir, np.last, target, flags);
  }

  private do_vfs_rename(cred: Cred, old_dir: Dentry, old: Dentry, new_dir: Dentry, new_name: string,
    target: Dentry | null, flags: number): number {
    if (target && target.d_inode === old.d_inode) return 0;
    const old_isdir = S_ISDIR(old.d_inode!.i_mode);
    const new_isdir = target ? S_ISDIR(target.d_inode!.i_mode) : false;
    let err = this.may_delete(cred, old_dir, old, old_isdir);
    if (err) return err;
    if (!target) {
      const di = new_dir.d_inode!;
      if (new_dir.d_deleted) return -ENOENT;
      err = this.inode_permission(cred, di, MAY_WRITE | MAY_EXEC);
    } else {
      err = this.may_delete(cred, new_dir, target, flags & RENAME_EXCHANGE ? new_isdir : old_isdir);
    }
    if (err) return err;
    const di = old_dir.d_inode!;
    if (!di.i_op.rename) return -EPERM;
    // Moving a directory to another parent rewrites its "..": that needs write access to it.
    if (old_isdir && new_dir !== old_dir) {
      err = this.inode_permission(cred, old.d_inode!, MAY_WRITE);
      if (err) return err;
    }
    if (old.d_mounted > 0 || (target && target.d_mounted > 0)) return -EBUSY;
    return di.i_op.rename(old_dir, old, new_dir, new_name, flags);
  }

  /** filename_lookup with this VFS as the walk environment. */
  lookup(ws: WalkStart, name: string, flags: number): Path | number {
    return filename_lookup(this, ws, name, flags);
  }
  parentat(ws: WalkStart, name: string): ParentResult | number {
    return filename_parentat(this, ws, name);
  }

  // --- attributes (fs/attr.c notify_change, fs/open.c chmod_common/chown_common) ---

  chmod(cred: Cred, path: Path, mode: number): number {
    const inode = path.dentry.d_inode!;
    if (path.mnt.mnt_flags & MNT_READONLY || inode.i_sb.s_readonly) return -EROFS;
    if (cred.uid !== 0 && cred.uid !== inode.i_uid) return -EPERM;
    let m = mode & S_IALLUGO;
    // Without CAP_FSETID, a non-member of the file's group cannot set S_ISGID.
    if (cred.uid !== 0 && cred.gid !== inode.i_gid && !(cred.groups ?? []).includes(inode.i_gid)) m &= ~S_ISGID;
    if (inode.i_op.setattr) return inode.i_op.setattr(inode, { ia_mode: m });
    inode.i_mode = (inode.i_mode & S_IFMT) | m;
    this.touch(inode, "c");
    return 0;
  }

  chown(cred: Cred, path: Path, uid: number, gid: number): number {
    const inode = path.dentry.d_inode!;
    if (path.mnt.mnt_flags & MNT_READONLY || inode.i_sb.s_readonly) return -EROFS;
    const new_uid = uid === -1 ? inode.i_uid : uid >>> 0;
    const new_gid = gid === -1 ? inode.i_gid : gid >>> 0;
    if (cred.uid !== 0) {
      if (new_uid !== inode.i_uid) return -EPERM;
      if (cred.uid !== inode.i_uid) return -EPERM;
      if (new_gid !== inode.i_gid && new_gid !== cred.gid && !(cred.groups ?? []).includes(new_gid)) return -EPERM;
    }
    // The file system's chown clears S_ISUID/S_ISGID itself (the host's kernel does for hostfs).
    if (inode.i_op.setattr) return inode.i_op.setattr(inode, { ia_uid: new_uid, ia_gid: new_gid });
    if (!S_ISDIR(inode.i_mode) && (uid !== -1 || gid !== -1)) {
      // should_remove_suid: S_ISUID always, S_ISGID when group-executable.
      inode.i_mode &= ~S_ISUID;
      if (inode.i_mode & 0o010) inode.i_mode &= ~S_ISGID;
    }
    inode.i_uid = new_uid;
    inode.i_gid = new_gid;
    this.touch(inode, "c");
    return 0;
  }

  /** utimes: times[i] is a value in ns, "now", or "omit". */
  utimes(cred: Cred, path: Path, atime: bigint | "now" | "omit", mtime: bigint | "now" | "omit"): number {
    const inode = path.dentry.d_inode!;
    if (path.mnt.mnt_flags & MNT_READONLY || inode.i_sb.s_readonly) return -EROFS;
    const explicit = (atime !== "now" && atime !== "omit") || (mtime !== "now" && mtime !== "omit");
    if (cred.uid !== 0 && cred.uid !== inode.i_uid) {
      if (explicit) return -EPERM;
      const w = this.inode_permission(cred, inode, MAY_WRITE);
      if (w) return -EACCES;
    }
    if (inode.i_op.setattr) return inode.i_op.setattr(inode, { ia_atime: atime, ia_mtime: mtime });
    const now = this.now();
    if (atime !== "omit") inode.i_atime_ns = atime === "now" ? now : atime;
    if (mtime !== "omit") inode.i_mtime_ns = mtime === "now" ? now : mtime;
    inode.i_ctime_ns = now;
    return 0;
  }

  /** do_truncate on a path (truncate(2)) or a file (ftruncate). */
  truncate(inode: Inode, size: number): number {
    if (S_ISDIR(inode.i_mode)) return -EISDIR;
    if (!S_ISREG(inode.i_mode)) return -EINVAL;
    if (inode.i_op.setsize) {
      const e = inode.i_op.setsize(inode, size);
      if (e) return e;
    }
    if (inode.i_op.setattr) return inode.i_op.setattr(inode, { ia_size: size });
    return shmem_setsize(inode, size, this.now());
  }

  // --- names of paths (fs/d_path.c) ---

  /** d_path: path's name as seen from root; "(unreachable)" paths are named from the top of
   *  their mount tree. */
  d_path(root: Path, path: Path): { name: string; reachable: boolean } {
    const parts: string[] = [];
    let { mnt, dentry } = path;
    let reachable = true;
    for (let i = 0; i < 100000; i++) {
      if (mnt === root.mnt && dentry === root.dentry) break;
      if (dentry === mnt.mnt_root) {
        if (mnt.mnt_parent === mnt) {
          reachable = mnt === this.root_mnt && root.dentry === this.root_mnt.mnt_root && root.mnt === mnt;
          if (mnt !== root.mnt) reachable = false;
          break;
        }
        dentry = mnt.mnt_mountpoint;
        mnt = mnt.mnt_parent;
        continue;
      }
      parts.push(dentry.d_name);
      dentry = dentry.d_parent;
    }
    return { name: "/" + parts.reverse().join("/"), reachable };
  }

  /** /proc/mounts: one line per mount, as show_vfsmnt prints it, seen from root. */
  proc_mounts(root: Path): string {
    let out = "";
    for (const m of this.mounts) {
      const where = this.d_path(root, { mnt: m, dentry: m.mnt_root });
      if (!where.reachable) continue;
      const flags = [m.mnt_flags & MNT_READONLY ? "ro" : "rw"];
      if (m.mnt_flags & 0x01) flags.push("nosuid");
      if (m.mnt_flags & MNT_NODEV) flags.push("nodev");
      if (m.mnt_flags & MNT_NOEXEC) flags.push("noexec");
      flags.push("relatime");
      if (m.mnt_opts) flags.push(m.mnt_opts);
      out += `${mangle(m.mnt_devname)} ${mangle(where.name)} ${m.mnt_sb.s_type.name} ${flags.join(",")} 0 0\n`;
    }
    return out;
  }
}

/** Is a an ancestor of (or the same as) d, within one super block? */
function is_ancestor(a: Dentry, d: Dentry): boolean {
  let p = d;
  for (let i = 0; i < 100000; i++) {
    if (p === a) return true;
    if (p.is_root()) return false;
    p = p.d_parent;
  }
  return false;
}

/** seq_escape's mangling of /proc/mounts fields: space, tab, newline, backslash as octal. */
function mangle(s: string): string {
  return s.replace(/[ \t\n\\]/g, (c) => "\\" + c.charCodeAt(0).toString(8).padStart(3, "0"));
}

/** Sockets and block devices have no driver here: opening them fails as Linux's
 *  bad_sock_fops (ENXIO) does. */
const bad_sock_fops: FileOps = {
  open: () => -ENXIO,
  getattr: (file: File) => inode_getattr(file.inode!),
};

