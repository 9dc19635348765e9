// kernel/fs/fdtable.ts — struct files_struct: a task's file descriptors and their
// close-on-exec bits (fs/file.c). Threads made with CLONE_FILES share one; fork copies it
// (dup_fd), and each copied fd takes a reference on its File.
// Invariants: fd[i] === null ⇔ fd i is free; cloexec[i] is false for free fds; every
// installed File has refs ≥ the number of slots (in all tables) that hold it.
// The lowest free fd is always the one allocated (POSIX), bounded by RLIMIT_NOFILE.

import type { File } from "./file";
import { EMFILE } from "../errno";

/** sysctl fs.nr_open: no RLIMIT_NOFILE may exceed it. */
export const NR_OPEN = 1024 * 1024;

export class FilesStruct {
  fd: (File | null)[] = [];
  cloexec: boolean[] = [];
  /** Tasks sharing this table (CLONE_FILES). */
  users = 1;

  /** fcheck / files_lookup_fd: the File at fd, or null. */
  get(fd: number): File | null {
    return fd >= 0 && fd < this.fd.length ? this.fd[fd] : null;
  }

  /** alloc_fd: the lowest free fd ≥ start below nofile, or -EMFILE. */
  alloc_fd(start: number, nofile: number): number {
    const limit = Math.min(nofile, NR_OPEN);
    for (let i = start; i < limit; i++) {
      if (i >= this.fd.length || this.fd[i] === null) return i;
    }
    return -EMFILE;
  }

  /** fd_install: put file at fd (which alloc_fd returned or replace_fd chose). */
  install(fd: number, file: File, cloexec: boolean): void {
    while (this.fd.length <= fd) {
      this.fd.push(null);
      this.cloexec.push(false);
    }
    this.fd[fd] = file;
    this.cloexec[fd] = cloexec;
  }

  /** Take fd out of the table; the caller drops the File's reference. */
  remove(fd: number): File | null {
    const f = this.get(fd);
    if (!f) return null;
    this.fd[fd] = null;
    this.cloexec[fd] = false;
    while (this.fd.length > 0 && this.fd[this.fd.length - 1] === null) {
      this.fd.pop();
      this.cloexec.pop();
    }
    return f;
  }

  /** The fds in use, ascending. */
  open_fds(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.fd.length; i++) if (this.fd[i]) out.push(i);
    return out;
  }

  /** max_fds as /proc/<pid>/status's FDSize reports it: the table's size in 64-slot steps. */
  max_fds(): number {
    return Math.max(64, Math.ceil(this.fd.length / 64) * 64);
  }
}

/** dup_fd: the child's copy at fork; every File gains a reference. */
export function files_struct_copy(files: FilesStruct): FilesStruct {
  const n = new FilesStruct();
  n.fd = files.fd.slice();
  n.cloexec = files.cloexec.slice();
  for (const f of n.fd) if (f) f.refs++;
  return n;
}
