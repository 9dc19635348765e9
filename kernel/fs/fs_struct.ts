// kernel/fs/fs_struct.ts — struct fs_struct: a task's root, working directory and umask.
// Threads made with CLONE_FS share one; fork gives the child a copy (fs_struct_copy), as
// kernel/fork.c copy_fs() does. Paths hold their mount, so .. and d_path work from them.

import type { Path } from "./vfs_types";

export class FsStruct {
  root: Path;
  pwd: Path;
  umask: number;
  /** Tasks sharing this fs_struct (CLONE_FS). */
  users = 1;

  constructor(root: Path, pwd: Path, umask = 0o022) {
    this.root = root;
    this.pwd = pwd;
    this.umask = umask;
  }
}

/** copy_fs_struct: an unshared copy for a child (fork without CLONE_FS, or unshare). */
export function fs_struct_copy(fs: FsStruct): FsStruct {
  return new FsStruct(fs.root, fs.pwd, fs.umask);
}
