// kernel/fs/page_cache.ts — the core's page cache (assembly/mm/filemap.ts) as the file systems
// use it: tmpfs and memfd keep their bytes there (ShmemFileData), so read/write and shared
// mappings see the same frames, and other files get a cache that faults fill from their
// FileData. Also remembers which file each mapping belongs to, for /proc/<pid>/maps.
// Owns: the mapping of each non-shmem inode (created on its first mmap) and the names.

import type { Machine } from "../arch/um/machine";
import type { FileData, Inode, Path } from "./vfs_types";
import { FILE_SIZE_MAX } from "./file_data";
import { EFBIG, ENOMEM, ENOSPC } from "../errno";

/** AS_* flags of assembly/mm/filemap.ts. */
export const AS_SHMEM = 1 << 0;
export const AS_ANON_SHMEM = 1 << 2;

/** What /proc/<pid>/maps needs to name a file mapping. */
export interface MappedFile {
  path: Path;
  inode: Inode;
}

export class PageCache {
  readonly machine: Machine;
  /** Non-shmem mappings: the FileData their faults read from. */
  private readonly sources = new Map<number, FileData>();
  private readonly names = new Map<number, MappedFile>();
  /** Inode numbers for shared anonymous memory ("/dev/zero (deleted)"), given on first show. */
  private readonly anon_ino = new Map<number, number>();
  private next_anon_ino = 1;

  constructor(machine: Machine) {
    this.machine = machine;
    machine.read_folio = (mapping, index) => {
      const src = this.sources.get(mapping);
      if (!src) return -5; // EIO
      return src.read(Number(index) * 4096, 4096);
    };
  }

  /** A tmpfs super block's page budget in the core (max 0: unlimited). */
  new_sb(max_blocks: number): number {
    return this.machine.core.shmem_sb_new(max_blocks >>> 0) >>> 0;
  }
  sb_used(sb: number): number {
    return this.machine.core.shmem_sb_used_blocks(sb) >>> 0;
  }

  /** A new, empty shmem file drawing on sb. */
  shmem_file(sb: number): ShmemFileData {
    const as = this.machine.core.mapping_new(1, sb) >>> 0;
    if (!as) throw new RangeError("page cache: out of kernel memory for an address_space");
    return new ShmemFileData(this, as);
  }

  /** The mapping mmap gives vm_file for inode: its own for shmem files, else one made on the
   *  first mmap, filled from inode.data and sized as the file is now. 0 if it has no data. */
  mapping_of(inode: Inode): number {
    const data = inode.data;
    if (!data) return 0;
    if (data instanceof ShmemFileData) return data.as;
    let as = inode.i_mapping;
    if (!as) {
      as = this.machine.core.mapping_new(0, 0) >>> 0;
      if (!as) return 0;
      inode.i_mapping = as;
      this.sources.set(as, data);
      const pc = this;
      inode.i_mapping_sync = {
        writeback: () => pc.writeback(as, data),
        written: (pos, bytes) => pc.written(as, pos, bytes),
        resized: (size) => pc.machine.core.mapping_set_size(as, BigInt(size)),
      };
    }
    // DIVERGES: changes made to the file outside this kernel reach the cache only here.
    this.machine.core.mapping_set_size(as, BigInt(data.size()));
    return as;
  }

  /** filemap_write_and_wait: every dirty page of a non-shmem mapping goes to its file, and is
   *  write-protected again (page_mkclean) so the next store is noticed. */
  private writeback(as: number, data: FileData): void {
    const m = this.machine;
    let from = 0n;
    for (;;) {
      const i = BigInt.asIntN(64, m.core.mapping_writeback_next_to(as, from, m.bounce) as bigint);
      if (i < 0n) return;
      const page = m.bytes().slice(m.bounce, m.bounce + 4096);
      const pos = Number(i) * 4096;
      const n = Math.min(4096, data.size() - pos);
      if (n > 0) data.write(pos, page.subarray(0, n));
      m.core.mapping_page_mkclean(as, i);
      from = i + 1n;
    }
  }

  /** The file system wrote bytes itself: cached pages (the ones mappings see) follow. */
  private written(as: number, pos: number, bytes: Uint8Array): void {
    const m = this.machine;
    for (let done = 0; done < bytes.length;) {
      const n = Math.min(m.bounceSize, bytes.length - done);
      m.bytes().set(bytes.subarray(done, done + n), m.bounce);
      m.core.mapping_write_from(as, BigInt(pos + done), n, m.bounce);
      done += n;
    }
  }

  /** Write back every mapped non-shmem file (msync, munmap, exit and shutdown call this). */
  sync_all(): void {
    for (const [as, data] of this.sources) this.writeback(as, data);
  }

  /** Remember the file a mapping was mmapped through (the first name wins). */
  note_mapped(as: number, file: MappedFile): void {
    if (!this.names.has(as)) this.names.set(as, file);
  }
  mapped_file(as: number): MappedFile | null {
    return this.names.get(as) ?? null;
  }
  /** Shared anonymous memory's mapping (it has no inode of ours): its inode number. */
  anon_shmem_ino(as: number): number | null {
    if (!(this.machine.core.mapping_flags(as) & AS_ANON_SHMEM)) return null;
    let ino = this.anon_ino.get(as);
    if (ino === undefined) {
      ino = this.next_anon_ino++;
      this.anon_ino.set(as, ino);
    }
    return ino;
  }
}

/** A tmpfs/memfd file's bytes: the pages of an address_space in the core. */
export class ShmemFileData implements FileData {
  private readonly pc: PageCache;
  /** The address_space; 0 once the inode was released. */
  as: number;

  constructor(pc: PageCache, as: number) {
    this.pc = pc;
    this.as = as;
  }

  private get core() {
    return this.pc.machine.core;
  }

  size(): number {
    return this.as ? Number(this.core.mapping_size(this.as)) : 0;
  }

  nr_pages(): number {
    return this.as ? this.core.mapping_nrpages(this.as) >>> 0 : 0;
  }

  read(pos: number, len: number): Uint8Array {
    const m = this.pc.machine;
    const end = Math.min(this.size(), pos + len);
    if (pos >= end) return new Uint8Array(0);
    const out = new Uint8Array(end - pos);
    for (let done = 0; done < out.length;) {
      const n = Math.min(m.bounceSize, out.length - done);
      const got = this.core.mapping_read_to(this.as, BigInt(pos + done), n, m.bounce) >>> 0;
      out.set(m.bytes().subarray(m.bounce, m.bounce + got), done);
      if (got < n) break;
      done += n;
    }
    return out;
  }

  write(pos: number, data: Uint8Array): number {
    if (!this.as) return -ENOSPC;
    if (pos + data.length > FILE_SIZE_MAX) return -EFBIG;
    const m = this.pc.machine;
    let done = 0;
    while (done < data.length) {
      const n = Math.min(m.bounceSize, data.length - done);
      m.bytes().set(data.subarray(done, done + n), m.bounce);
      const r = Number(BigInt.asIntN(64, this.core.mapping_write_from(this.as, BigInt(pos + done), n, m.bounce) as bigint));
      if (r < 0) return done > 0 ? done : r;
      done += r;
      if (r < n) break;
    }
    return done;
  }

  truncate(size: number): number {
    if (size > FILE_SIZE_MAX) return -EFBIG;
    if (this.as) this.core.mapping_set_size(this.as, BigInt(size));
    return 0;
  }

  allocate(pos: number, len: number, grow: boolean): number {
    if (pos + len > FILE_SIZE_MAX) return -EFBIG;
    if (!this.as) return -ENOSPC;
    const r = this.core.mapping_fallocate(this.as, BigInt(pos), BigInt(len)) | 0;
    if (r < 0) return r === -ENOMEM ? -ENOSPC : r;
    if (grow && pos + len > this.size()) this.core.mapping_set_size(this.as, BigInt(pos + len));
    return 0;
  }

  punch(pos: number, len: number): void {
    if (this.as && len > 0) this.core.mapping_punch_hole(this.as, BigInt(pos), BigInt(len));
  }

  seek_data(pos: number, hole: boolean): number {
    if (!this.as) return -1;
    return Number(BigInt.asIntN(64, this.core.mapping_seek_data(this.as, BigInt(pos), hole ? 1 : 0) as bigint));
  }

  /** Whether a shared mapping that may write maps the file (F_SEAL_WRITE answers EBUSY). */
  writably_mapped(): boolean {
    return this.as !== 0 && this.core.mapping_writably_mapped(this.as) !== 0;
  }

  /** The inode is gone: the core frees the pages once no vma maps them either. */
  release(): void {
    if (!this.as) return;
    this.core.mapping_release_inode(this.as);
    this.as = 0;
  }
}
