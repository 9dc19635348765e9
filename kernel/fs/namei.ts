// kernel/fs/namei.ts — path resolution, as fs/namei.c (6.18) walks a name.
// Owns nothing: it reads the dentry trees and the mount table of vfs.ts.
// Shape (link_path_walk + walk_component + lookup_last, without RCU mode):
//   - absolute names start at the task's root, relative ones at dfd's directory;
//   - every component but the last is looked up after an exec-permission check on the
//     directory it is looked up in (EACCES), must exist (ENOENT) and must be a directory
//     once symlinks are followed (ENOTDIR);
//   - `.` stays, `..` never climbs above the root and crosses mounts upward; a looked-up
//     dentry with something mounted on it is replaced by the topmost mount's root;
//   - symlinks are followed with a total budget of MAXSYMLINKS (40) per walk (ELOOP after);
//     a symlink body is walked as a nested name on an explicit stack (no recursion), and a
//     procfs "magic link" jumps straight to a path;
//   - a trailing slash asks for a directory (LOOKUP_FOLLOW | LOOKUP_DIRECTORY on the last).
// Callers get either the final path (filename_lookup) or the parent and the last component
// (filename_parentat) for create, unlink and rename.

import { Dentry } from "./vfs_types";
import type { Inode, Mount, Path } from "./vfs_types";
import { S_ISDIR, S_ISLNK } from "./file";
import { ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR } from "../errno";

export const PATH_MAX = 4096;
export const NAME_MAX = 255;
export const MAXSYMLINKS = 40;

export const LOOKUP_FOLLOW = 0x0001;
export const LOOKUP_DIRECTORY = 0x0002;
export const LOOKUP_EMPTY = 0x4000;

export const LAST_NORM = 0;
export const LAST_ROOT = 1;
export const LAST_DOT = 2;
export const LAST_DOTDOT = 3;

export const MAY_EXEC = 0x1;
export const MAY_WRITE = 0x2;
export const MAY_READ = 0x4;
export const MAY_APPEND = 0x8;
export const MAY_ACCESS = 0x10;
export const MAY_OPEN = 0x20;

/** Who is asking: the fs credentials a permission check uses. */
export interface Cred {
  uid: number;
  gid: number;
  groups?: readonly number[];
}

/** What a walk needs of the VFS: mounts and permission checks. */
export interface WalkEnv {
  lookup_mnt(mnt: Mount, dentry: Dentry): Mount | null;
  inode_permission(cred: Cred, inode: Inode, mask: number): number;
}

/** The walk's starting points: root, and a lazily resolved start for relative names (the
 *  directory of dfd or the cwd; -EBADF or -ENOTDIR when dfd does not name one). */
export interface WalkStart {
  root: Path;
  start: () => Path | number;
  cred: Cred;
}

interface Frame {
  comps: string[];
  next: number;
  /** The name this frame walks ended in '/'. */
  trailing_slash: boolean;
}

export class Nameidata {
  path: Path;
  readonly root: Path;
  readonly cred: Cred;
  flags: number;
  last = "";
  last_type = LAST_NORM;
  /** The last component was followed by a slash (in the name the walk ended in). */
  last_slash = false;
  total_link_count = 0;
  private stack: Frame[] = [];
  private readonly env: WalkEnv;

  constructor(env: WalkEnv, ws: WalkStart, flags: number) {
    this.env = env;
    this.root = ws.root;
    this.path = ws.root;
    this.cred = ws.cred;
    this.flags = flags;
  }

  /** path_init: pick the starting point of name; 0 or -errno. */
  init(ws: WalkStart, name: string): number {
    if (name.startsWith("/")) {
      this.path = this.root;
    } else {
      const s = ws.start();
      if (typeof s === "number") return s;
      // A relative walk from a non-directory fails before any component is looked at.
      if (name !== "" && !is_dir(s.dentry)) return -ENOTDIR;
      this.path = s;
    }
    this.push(name);
    if (name.startsWith("/") && this.stack[0].comps.length === 0) this.last_type = LAST_ROOT;
    return 0;
  }

  private push(name: string): void {
    const comps = name.split("/").filter((c) => c !== "");
    this.stack.push({ comps, next: 0, trailing_slash: comps.length > 0 && name.endsWith("/") });
  }

  /** link_path_walk: walk every component but the last of the whole name, following
   *  symlinks met on the way; leaves the parent in path and the last in last/last_type. */
  link_path_walk(): number {
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (!top || top.next >= top.comps.length) {
        // A name (or a symlink body) made of slashes only: it names the root it jumped to.
        if (top) this.stack.pop();
        if (this.stack.length > 0) continue;
        this.last = "";
        this.last_type = LAST_ROOT;
        return 0;
      }
      const err = this.may_lookup();
      if (err) return err;
      const comp = top.comps[top.next++];
      const is_last_here = top.next === top.comps.length;
      if (is_last_here && this.stack.length === 1) {
        this.last = comp;
        this.last_type = comp === "." ? LAST_DOT : comp === ".." ? LAST_DOTDOT : LAST_NORM;
        this.last_slash = top.trailing_slash;
        this.stack.pop();
        return 0;
      }
      if (is_last_here) this.stack.pop(); // the last component of a nested symlink body
      const r = this.walk_component(comp, false);
      if (r < 0) return r;
      if (r !== 1 && !is_dir(this.path.dentry)) return -ENOTDIR;
    }
  }

  private may_lookup(): number {
    const inode = this.path.dentry.d_inode;
    if (!inode) return -ENOENT;
    return this.env.inode_permission(this.cred, inode, MAY_EXEC);
  }

  /** walk_component: step into comp. 0 when done, 1 when a symlink body was pushed and the
   *  walk goes on from there, 2 when a magic link jumped to its path, or -errno. trailing: the last
   *  component of the whole name, which follows a symlink only under LOOKUP_FOLLOW. */
  walk_component(comp: string, trailing: boolean): number {
    if (comp === ".") return 0;
    if (comp === "..") {
      this.follow_dotdot();
      return 0;
    }
    const child = d_lookup(this.path.dentry, comp);
    if (!child) return comp.length > NAME_MAX ? -ENAMETOOLONG : -ENOENT;
    const next = this.traverse_mounts({ mnt: this.path.mnt, dentry: child });
    const inode = next.dentry.d_inode!;
    if (!S_ISLNK(inode.i_mode) || (trailing && !(this.flags & LOOKUP_FOLLOW))) {
      this.path = next;
      return 0;
    }
    return this.pick_link(inode);
  }

  /** pick_link: follow the symlink inode from the current directory. */
  pick_link(inode: Inode): number {
    if (this.total_link_count++ >= MAXSYMLINKS) return -ELOOP;
    const target = inode.i_op.get_link ? inode.i_op.get_link(inode) : (inode.link ?? "");
    if (typeof target === "number") return target;
    if (typeof target !== "string") {
      this.path = target; // nd_jump_link: a procfs magic link
      return 2;
    }
    if (target === "") return -ENOENT;
    if (target.startsWith("/")) this.path = this.root;
    this.push(target);
    return 1;
  }

  /** follow_dotdot: the parent, never above root, up across mount points. */
  private follow_dotdot(): void {
    let { mnt, dentry } = this.path;
    if (path_equal(this.path, this.root)) return;
    while (dentry === mnt.mnt_root) {
      if (mnt.mnt_parent === mnt) return; // the top of a mount tree: stay (in_root)
      dentry = mnt.mnt_mountpoint;
      mnt = mnt.mnt_parent;
      if (mnt === this.root.mnt && dentry === this.root.dentry) {
        this.path = this.traverse_mounts({ mnt, dentry });
        return;
      }
    }
    this.path = this.traverse_mounts({ mnt, dentry: dentry.d_parent });
  }

  /** traverse_mounts: the root of the topmost mount stacked on path, or path itself. */
  traverse_mounts(path: Path): Path {
    let p = path;
    for (let i = 0; p.dentry.d_mounted > 0 && i < 1000; i++) {
      const m = this.env.lookup_mnt(p.mnt, p.dentry);
      if (!m) break;
      p = { mnt: m, dentry: m.mnt_root };
    }
    return p;
  }

  /** lookup_last: step onto the last component. 0 when the walk is over, 1 when a trailing
   *  symlink was followed and link_path_walk must run again, or -errno. */
  lookup_last(): number {
    if (this.last_type === LAST_NORM && this.last_slash) this.flags |= LOOKUP_FOLLOW | LOOKUP_DIRECTORY;
    if (this.last_type === LAST_ROOT) return 0;
    const r = this.walk_component(this.last, true);
    return r === 2 ? 0 : r;
  }
}

export function is_dir(d: Dentry): boolean {
  return d.d_inode !== null && S_ISDIR(d.d_inode.i_mode);
}

export function path_equal(a: Path, b: Path): boolean {
  return a.mnt === b.mnt && a.dentry === b.dentry;
}

/** The child dentry called name in dir: from the tree, from the dcache of a revalidating file
 *  system, or made by a dynamic lookup. */
export function d_lookup(dir: Dentry, name: string): Dentry | null {
  if (dir.d_children) return dir.d_children.get(name) ?? null;
  const inode = dir.d_inode;
  if (!inode || !inode.i_op.lookup || name.length > NAME_MAX) return null;
  const iop = inode.i_op;
  const cached = dir.d_subdirs?.get(name) ?? null;
  if (cached) {
    // DIVERGES: a mount point stays even when the host changed under it (Linux's
    // d_invalidate would detach the mounts).
    if (cached.d_mounted > 0 || iop.d_revalidate!(cached)) return cached;
    dir.d_subdirs!.delete(name);
  }
  const child = iop.lookup!(dir, name);
  if (!child) return null;
  const d = new Dentry(name, dir, child);
  if (iop.d_revalidate) {
    child.i_dentry ??= d;
    (dir.d_subdirs ??= new Map()).set(name, d);
  }
  return d;
}

/** path_lookupat: the path name names. flags: LOOKUP_FOLLOW, LOOKUP_DIRECTORY, LOOKUP_EMPTY. */
export function filename_lookup(env: WalkEnv, ws: WalkStart, name: string, flags: number): Path | number {
  if (name === "") {
    if (!(flags & LOOKUP_EMPTY)) return -ENOENT;
    const s = ws.start();
    if (typeof s === "number") return s;
    if (flags & LOOKUP_DIRECTORY && !is_dir(s.dentry)) return -ENOTDIR;
    return s;
  }
  const nd = new Nameidata(env, ws, flags);
  let err = nd.init(ws, name);
  for (let i = 0; !err && i <= MAXSYMLINKS + 1; i++) {
    err = nd.link_path_walk();
    if (err) break;
    err = nd.lookup_last();
    if (err !== 1) break;
    err = 0;
  }
  if (err < 0) return err;
  if (nd.flags & LOOKUP_DIRECTORY && !is_dir(nd.path.dentry)) return -ENOTDIR;
  return nd.path;
}

export interface ParentResult {
  nd: Nameidata;
  /** The directory the last component is in. */
  path: Path;
  last: string;
  last_type: number;
  /** The last component was followed by a slash. */
  trailing_slash: boolean;
}

/** filename_parentat: the parent directory of name's last component, without looking the
 *  last component up. */
export function filename_parentat(env: WalkEnv, ws: WalkStart, name: string): ParentResult | number {
  if (name === "") return -ENOENT;
  const nd = new Nameidata(env, ws, 0);
  let err = nd.init(ws, name);
  if (!err) err = nd.link_path_walk();
  if (err) return err;
  return { nd, path: nd.path, last: nd.last, last_type: nd.last_type, trailing_slash: nd.last_slash };
}
