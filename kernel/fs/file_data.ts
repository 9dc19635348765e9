// kernel/fs/file_data.ts — JsFileData: a regular file's bytes as sparse 4 KiB JS pages.
// Implements FileData (vfs_types.ts). Pages exist only where something was written or
// allocated, so st_blocks counts pages as shmem does and holes read back as zeros.
// DIVERGES: DESIGN.md wants these pages in the core's frames; this class is what moves there.

import type { FileData } from "./vfs_types";
import { ENOSPC, EFBIG } from "../errno";

export const PAGE_SIZE = 4096;
/** MAX_LFS_FILESIZE would be 2^63-1; JS numbers keep exact byte offsets below 2^53. */
export const FILE_SIZE_MAX = 2 ** 53 - PAGE_SIZE;

export class JsFileData implements FileData {
  private pages = new Map<number, Uint8Array>();
  private len = 0;
  /** Pages this file may still allocate (a tmpfs size= limit is shared through this). */
  private readonly budget: { free_pages: number } | null;

  constructor(budget: { free_pages: number } | null = null) {
    this.budget = budget;
  }

  size(): number {
    return this.len;
  }

  nr_pages(): number {
    return this.pages.size;
  }

  private page(index: number, create: boolean): Uint8Array | null {
    let p = this.pages.get(index) ?? null;
    if (!p && create) {
      if (this.budget) {
        if (this.budget.free_pages <= 0) return null;
        this.budget.free_pages--;
      }
      p = new Uint8Array(PAGE_SIZE);
      this.pages.set(index, p);
    }
    return p;
  }

  private free_page(index: number): void {
    if (this.pages.delete(index) && this.budget) this.budget.free_pages++;
  }

  read(pos: number, len: number): Uint8Array {
    const end = Math.min(this.len, pos + len);
    if (pos >= end) return new Uint8Array(0);
    const out = new Uint8Array(end - pos);
    for (let off = pos; off < end;) {
      const index = Math.floor(off / PAGE_SIZE);
      const in_page = off % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - in_page, end - off);
      const p = this.pages.get(index);
      if (p) out.set(p.subarray(in_page, in_page + n), off - pos);
      off += n;
    }
    return out;
  }

  write(pos: number, data: Uint8Array): number {
    if (pos + data.length > FILE_SIZE_MAX) return -EFBIG;
    let done = 0;
    while (done < data.length) {
      const off = pos + done;
      const index = Math.floor(off / PAGE_SIZE);
      const in_page = off % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - in_page, data.length - done);
      const p = this.page(index, true);
      if (!p) break; // out of space: a short write, or ENOSPC if nothing was written
      p.set(data.subarray(done, done + n), in_page);
      done += n;
    }
    if (done === 0 && data.length > 0) return -ENOSPC;
    this.len = Math.max(this.len, pos + done);
    return done;
  }

  truncate(size: number): number {
    if (size > FILE_SIZE_MAX) return -EFBIG;
    if (size < this.len) {
      const first_gone = Math.ceil(size / PAGE_SIZE);
      for (const index of [...this.pages.keys()]) if (index >= first_gone) this.free_page(index);
      const tail = this.pages.get(Math.floor(size / PAGE_SIZE));
      if (tail) tail.fill(0, size % PAGE_SIZE);
    }
    this.len = size;
    return 0;
  }

  allocate(pos: number, len: number, grow: boolean): number {
    if (pos + len > FILE_SIZE_MAX) return -EFBIG;
    const first = Math.floor(pos / PAGE_SIZE);
    const last = Math.floor((pos + len - 1) / PAGE_SIZE);
    const added: number[] = [];
    for (let i = first; i <= last; i++) {
      if (this.pages.has(i)) continue;
      if (!this.page(i, true)) {
        for (const a of added) this.free_page(a); // shmem_fallocate undoes a failed range
        return -ENOSPC;
      }
      added.push(i);
    }
    if (grow && pos + len > this.len) this.len = pos + len;
    return 0;
  }

  punch(pos: number, len: number): void {
    const end = Math.min(pos + len, Math.max(this.len, pos));
    for (let off = pos; off < end;) {
      const index = Math.floor(off / PAGE_SIZE);
      const in_page = off % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - in_page, end - off);
      if (n === PAGE_SIZE) this.free_page(index);
      else this.pages.get(index)?.fill(0, in_page, in_page + n);
      off += n;
    }
  }

  seek_data(pos: number, hole: boolean): number {
    if (pos >= this.len) return -1;
    for (let off = pos; off < this.len;) {
      const index = Math.floor(off / PAGE_SIZE);
      if (this.pages.has(index) !== hole) return off;
      off = (index + 1) * PAGE_SIZE;
    }
    return hole ? this.len : -1;
  }
}
