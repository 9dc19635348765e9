// mm/filemap_api.ts — the page cache as the kernel's file systems call it (wasm exports).
// An address_space crosses the boundary as its u32 address; byte positions as u64; data
// through a caller-given buffer in linear memory (the kernel passes its bounce buffer).

import { VM_SHARED, VM_MAYWRITE } from "../include/mman";
import { VmArea } from "./mm_types";
import {
  AddressSpace, AS_SHMEM, mapping_alloc, mapping_release, mapping_truncate, mapping_read,
  mapping_write, mapping_allocate, mapping_punch, mapping_seek, shmem_sb_alloc, shmem_sb_used,
  mapping_writeback_next, page_mkclean,
} from "./filemap";

@inline function AS(p: u32): AddressSpace {
  return changetype<AddressSpace>(<usize>p);
}

/** A new, empty mapping (shmem: the cache is the file; else filled by filemap_read_folio).
 *  sb is a shmem_sb_new() budget or 0. Returns 0 on -ENOMEM. */
export function mapping_new(shmem: i32, sb: u32): u32 {
  const as = mapping_alloc(shmem ? AS_SHMEM : 0, sb);
  return as == null ? 0 : changetype<u32>(as);
}
/** The inode is gone (iput of the last reference); mapped pages live on with their vmas. */
export function mapping_release_inode(as: u32): void {
  mapping_release(AS(as));
}
export function mapping_size(as: u32): u64 {
  return AS(as).i_size;
}
/** truncate_setsize: shrinking unmaps and frees the pages past the new size. */
export function mapping_set_size(as: u32, size: u64): void {
  mapping_truncate(AS(as), size);
}
export function mapping_nrpages(as: u32): u32 {
  return AS(as).nrpages;
}
export function mapping_flags(as: u32): u32 {
  return AS(as).flags;
}
/** Up to len bytes at pos into dst: the count (0 at or past i_size). */
export function mapping_read_to(as: u32, pos: u64, len: u32, dst: u32): u32 {
  return mapping_read(AS(as), pos, len, <usize>dst);
}
/** len bytes from src to pos: the count, or -ENOSPC/-ENOMEM when nothing was written. */
export function mapping_write_from(as: u32, pos: u64, len: u32, src: u32): i64 {
  return mapping_write(AS(as), pos, len, <usize>src);
}
export function mapping_fallocate(as: u32, pos: u64, len: u64): i32 {
  return mapping_allocate(AS(as), pos, len);
}
export function mapping_punch_hole(as: u32, pos: u64, len: u64): void {
  if (len != 0) mapping_punch(AS(as), pos, len);
}
/** SEEK_DATA / SEEK_HOLE from pos: the offset, or -1 (ENXIO). */
export function mapping_seek_data(as: u32, pos: u64, hole: i32): i64 {
  return mapping_seek(AS(as), pos, hole != 0);
}
/** mapping_writably_mapped: a shared vma that may write maps the file (F_SEAL_WRITE: EBUSY). */
export function mapping_writably_mapped(as: u32): i32 {
  for (let v = <usize>AS(as).i_mmap; v != 0; v = <usize>changetype<VmArea>(v).i_mmap_next) {
    if ((changetype<VmArea>(v).vm_flags & (VM_SHARED | VM_MAYWRITE)) == (VM_SHARED | VM_MAYWRITE)) return 1;
  }
  return 0;
}
/** Writeback: the next dirty page at or after index `from`, copied to dst: its index or -1. */
export function mapping_writeback_next_to(as: u32, from: u64, dst: u32): i64 {
  return mapping_writeback_next(AS(as), from, <usize>dst);
}
/** The page at index is written back: clean it and write-protect its PTEs. */
export function mapping_page_mkclean(as: u32, index: u64): void {
  page_mkclean(AS(as), index);
}
/** A tmpfs super block's page budget (max_blocks 0: unlimited). */
export function shmem_sb_new(max_blocks: u32): u32 {
  return shmem_sb_alloc(max_blocks);
}
export function shmem_sb_used_blocks(sb: u32): u32 {
  return shmem_sb_used(sb);
}
