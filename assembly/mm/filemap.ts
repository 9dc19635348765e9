// mm/filemap.ts — the page cache: each file's pages by index, and the vmas that map it.
// Owns: struct address_space records (one per inode that has ever been read, written or
// mapped through the core), the radix tree from page index to frame, i_size as faults see it,
// and i_mmap, the list of vmas whose vm_file is this mapping (the reverse map that truncate
// and hole punching use to unmap pages).
// Follows Linux mm/filemap.c and mm/shmem.c (6.18) for the semantics: tmpfs and memfd files
// (AS_SHMEM) have no backing store, so their page cache *is* the file: pages appear when
// written, fallocated or faulted and leave only by truncation or hole punching. Other files
// fill missing pages from the kernel's FileData through filemap_read_folio (an import), and
// their cache only ever mirrors it.
// Invariants: every cached page has refcount >= 1 for the cache plus one per PTE mapping it,
// page->mapping is this record and page->index its index; nrpages counts the tree's entries;
// a record is freed only once the kernel released its inode (AS_RELEASED) and i_mmap is empty.
// Non-shmem pages are mapped read-only in shared mappings until written (write-notify), so a
// store marks its page PG_dirty; the kernel writes dirty pages back (mapping_writeback_next,
// then page_mkclean write-protects them again) before it reads or changes the file itself.
// DIVERGES: no readahead, no LRU, no background writeback (the kernel syncs at its own points).

import { ENOMEM, ENOSPC, EIO } from "../include/errno";
import { PAGE_SHIFT } from "../include/mman";
import {
  alloc_page, alloc_zeroed_page, pfn_to_host, put_page, page_flags, page_set_flags,
  page_set_mapping, page_set_index, PG_swapbacked, PG_dirty,
} from "./page_alloc";
import { kmem_cache_create, kmem_cache_zalloc, kmem_cache_free } from "./slab";
import { VmArea, MmStruct } from "./mm_types";
import { zap_page_range_mapping } from "./memory";
import { pte_offset_map, pte_present, pte_pfn, _PAGE_WRITE, _PAGE_DIRTY } from "./pgtable";
import { flush_tlb_range } from "../arch/um/tlb";
import { decode_cache_invalidate_pfn } from "../arch/um/decode_cache";

/** The kernel fills page `index` of a non-shmem mapping at dst (PAGE_SIZE bytes): the number
 *  of bytes it read (the rest is zeroed here), or -errno. */
const PAGE_SIZE: u32 = 1 << PAGE_SHIFT;

@external("env", "filemap_read_folio")
declare function filemap_read_folio(mapping: u32, index: u64, dst: usize): i32;

//   struct address_space, 32 bytes:
//    0 xa_root u32 (radix node, 0 = empty) | 4 xa_height u32 (levels below the root pointer)
//    8 nrpages u32 | 12 i_mmap u32 (first vma mapping this file) | 16 flags u32
//   20 sb u32 (shmem_sb_info: page budget, 0 = none) | 24 i_size u64 (bytes)
@unmanaged @final
export class AddressSpace {
  xa_root: u32;
  xa_height: u32;
  nrpages: u32;
  i_mmap: u32;
  flags: u32;
  sb: u32;
  i_size: u64;
}
export const AS_SIZE: u32 = 32;
/** The file's cache is its only storage (tmpfs, memfd, shared anonymous memory). */
export const AS_SHMEM: u32 = 1 << 0;
/** The kernel dropped the inode; the record goes when the last vma does. */
export const AS_RELEASED: u32 = 1 << 1;
/** Created by shmem_zero_setup for MAP_SHARED|MAP_ANONYMOUS ("/dev/zero (deleted)"). */
export const AS_ANON_SHMEM: u32 = 1 << 2;

//   struct shmem_sb_info, 8 bytes: 0 max_blocks u32 (0 = unlimited) | 4 used_blocks u32
let as_cachep: usize = 0;
let sb_cachep: usize = 0;

// Radix tree nodes: 64 u32 slots (a frame at the bottom level, a node above) and a count.
const XA_CHUNK_SHIFT: u32 = 6;
const XA_CHUNK_SIZE: u32 = 1 << XA_CHUNK_SHIFT;
const XA_CHUNK_MASK: u64 = XA_CHUNK_SIZE - 1;
const XA_NODE_SIZE: u32 = XA_CHUNK_SIZE * 4 + 8;
const XA_COUNT: u32 = XA_CHUNK_SIZE * 4;
/** Deep enough for any index below 2^42 (a 2^54-byte file). */
const XA_MAX_HEIGHT: u32 = 7;
let xa_node_cachep: usize = 0;

export function filemap_init(): void {
  as_cachep = kmem_cache_create(AS_SIZE, 1 << 20);
  sb_cachep = kmem_cache_create(8, 1 << 16);
  xa_node_cachep = kmem_cache_create(XA_NODE_SIZE, 1 << 22);
}

// --- the radix tree (a minimal xarray) ---

@inline function xa_slot(node: usize, index: u64, level: u32): usize {
  return node + ((<usize>(index >> (<u64>(level * XA_CHUNK_SHIFT))) & <usize>XA_CHUNK_MASK) << 2);
}

/** The largest index a tree of height h can hold, plus one. */
@inline function xa_span(h: u32): u64 {
  return h >= XA_MAX_HEIGHT ? u64.MAX_VALUE : <u64>1 << (<u64>(h * XA_CHUNK_SHIFT));
}

/** xa_load: the frame at index, or 0. */
export function xa_load(as: AddressSpace, index: u64): u32 {
  const h = as.xa_height;
  if (h == 0 || index >= xa_span(h)) return 0;
  let node = <usize>as.xa_root;
  for (let level = h - 1; level > 0; level--) {
    node = <usize>load<u32>(xa_slot(node, index, level));
    if (node == 0) return 0;
  }
  return load<u32>(xa_slot(node, index, 0));
}

/** xa_store into an empty slot: false when a node cannot be allocated (nothing changed that
 *  matters: nodes made on the way stay, empty, and are reused). */
function xa_insert(as: AddressSpace, index: u64, pfn: u32): bool {
  while (as.xa_height == 0 || index >= xa_span(as.xa_height)) {
    const top = kmem_cache_zalloc(xa_node_cachep);
    if (top == 0) return false;
    if (as.xa_root != 0) {
      store<u32>(top, as.xa_root);
      store<u32>(top, 1, XA_COUNT);
    }
    as.xa_root = <u32>top;
    as.xa_height++;
  }
  let node = <usize>as.xa_root;
  for (let level = as.xa_height - 1; level > 0; level--) {
    const slot = xa_slot(node, index, level);
    let child = <usize>load<u32>(slot);
    if (child == 0) {
      child = kmem_cache_zalloc(xa_node_cachep);
      if (child == 0) return false;
      store<u32>(slot, <u32>child);
      store<u32>(node, load<u32>(node, XA_COUNT) + 1, XA_COUNT);
    }
    node = child;
  }
  store<u32>(xa_slot(node, index, 0), pfn);
  store<u32>(node, load<u32>(node, XA_COUNT) + 1, XA_COUNT);
  return true;
}

/** xa_erase: clear index, freeing nodes that become empty. */
function xa_erase(as: AddressSpace, index: u64): void {
  const h = as.xa_height;
  if (h == 0 || index >= xa_span(h)) return;
  const path = memory.data(<i32>(XA_MAX_HEIGHT * 4), 4);
  let node = <usize>as.xa_root;
  for (let level = h - 1; level > 0; level--) {
    store<u32>(path + (<usize>level << 2), <u32>node);
    node = <usize>load<u32>(xa_slot(node, index, level));
    if (node == 0) return;
  }
  store<u32>(path, <u32>node);
  for (let level: u32 = 0; level < h; level++) {
    const n = <usize>load<u32>(path + (<usize>level << 2));
    store<u32>(xa_slot(n, index, level), 0);
    const count = load<u32>(n, XA_COUNT) - 1;
    store<u32>(n, count, XA_COUNT);
    if (count != 0) return;
    kmem_cache_free(xa_node_cachep, n);
  }
  as.xa_root = 0;
  as.xa_height = 0;
}

/** xa_find: the lowest index >= index that holds a frame, or u64.MAX_VALUE. */
function xa_find(as: AddressSpace, index: u64): u64 {
  const h = as.xa_height;
  if (h == 0) return u64.MAX_VALUE;
  const span = xa_span(h);
  while (index < span) {
    // Descend as far as the path exists; where it stops, skip the whole missing subtree.
    let node = <usize>as.xa_root;
    let level = h - 1;
    let skipped = false;
    while (true) {
      const v = load<u32>(xa_slot(node, index, level));
      if (v == 0) {
        const shift = <u64>(level * XA_CHUNK_SHIFT);
        const next = ((index >> shift) + 1) << shift;
        if (next <= index) return u64.MAX_VALUE;
        index = next;
        skipped = true;
        break;
      }
      if (level == 0) return index;
      node = <usize>v;
      level--;
    }
    if (!skipped) break;
  }
  return u64.MAX_VALUE;
}

// --- address_space lifetime ---

/** A new mapping; shmem ones draw pages from sb (0 = no limit). Null on -ENOMEM. */
export function mapping_alloc(flags: u32, sb: u32): AddressSpace | null {
  const p = kmem_cache_zalloc(as_cachep);
  if (p == 0) return null;
  const as = changetype<AddressSpace>(p);
  as.flags = flags;
  as.sb = sb;
  return as;
}

export function shmem_sb_alloc(max_blocks: u32): u32 {
  const p = kmem_cache_zalloc(sb_cachep);
  if (p != 0) store<u32>(p, max_blocks);
  return <u32>p;
}
export function shmem_sb_used(sb: u32): u32 {
  return load<u32>(<usize>sb, 4);
}

/** The kernel's inode is gone: free the record now, or when the last vma leaves. */
export function mapping_release(as: AddressSpace): void {
  as.flags |= AS_RELEASED;
  if (as.i_mmap == 0) mapping_destroy(as);
}

function mapping_destroy(as: AddressSpace): void {
  truncate_inode_pages(as, 0);
  // Nodes left empty by an insert that failed half way are not on any erase path.
  if (as.xa_root != 0) xa_free_nodes(<usize>as.xa_root, as.xa_height - 1);
  kmem_cache_free(as_cachep, changetype<usize>(as));
}

function xa_free_nodes(node: usize, level: u32): void {
  if (level > 0) {
    for (let i: u32 = 0; i < XA_CHUNK_SIZE; i++) {
      const child = <usize>load<u32>(node + (<usize>i << 2));
      if (child != 0) xa_free_nodes(child, level - 1);
    }
  }
  kmem_cache_free(xa_node_cachep, node);
}

// i_mmap: a doubly linked list threaded through each vma's i_mmap_next/i_mmap_prev.

/** vma_link's half for file vmas: the mapping learns of a new vma. */
export function i_mmap_insert(vma: VmArea): void {
  const as = changetype<AddressSpace>(<usize>vma.vm_file);
  vma.i_mmap_prev = 0;
  vma.i_mmap_next = as.i_mmap;
  if (as.i_mmap != 0) changetype<VmArea>(<usize>as.i_mmap).i_mmap_prev = changetype<u32>(vma);
  as.i_mmap = changetype<u32>(vma);
}

/** vm_area_free's half: the vma no longer maps the file; a released mapping may go. */
export function i_mmap_remove(vma: VmArea): void {
  const as = changetype<AddressSpace>(<usize>vma.vm_file);
  const self = changetype<u32>(vma);
  if (vma.i_mmap_prev != 0) changetype<VmArea>(<usize>vma.i_mmap_prev).i_mmap_next = vma.i_mmap_next;
  else if (as.i_mmap == self) as.i_mmap = vma.i_mmap_next;
  else return; // never linked (an error path freed it before vma_link)
  if (vma.i_mmap_next != 0) changetype<VmArea>(<usize>vma.i_mmap_next).i_mmap_prev = vma.i_mmap_prev;
  vma.i_mmap_next = 0;
  vma.i_mmap_prev = 0;
  if ((as.flags & AS_RELEASED) && as.i_mmap == 0) mapping_destroy(as);
}

// --- pages ---

/** Put a new page at index: 0, or -ENOSPC (tmpfs full) / -ENOMEM. Takes over the caller's
 *  reference to pfn on success. */
function filemap_add_folio(as: AddressSpace, index: u64, pfn: u32): i32 {
  if (!xa_insert(as, index, pfn)) return -ENOMEM;
  page_set_mapping(pfn, changetype<u32>(as));
  page_set_index(pfn, <u32>index);
  if (as.flags & AS_SHMEM) page_set_flags(pfn, page_flags(pfn) | PG_swapbacked);
  as.nrpages++;
  if (as.sb != 0) store<u32>(<usize>as.sb, load<u32>(<usize>as.sb, 4) + 1, 4);
  return 0;
}

/** The page at index, creating it if needed: shmem pages start zeroed, other files' pages are
 *  read from the kernel. Returns the frame (> 0) or -ENOSPC, -ENOMEM, -EIO. */
export function filemap_grab_folio(as: AddressSpace, index: u64): i64 {
  const have = xa_load(as, index);
  if (have != 0) return have;
  if (as.sb != 0) {
    const max = load<u32>(<usize>as.sb);
    if (max != 0 && load<u32>(<usize>as.sb, 4) >= max) return -ENOSPC;
  }
  let pfn: u32;
  if (as.flags & AS_SHMEM) {
    pfn = alloc_zeroed_page();
    if (pfn == 0) return -ENOMEM;
  } else {
    pfn = alloc_page();
    if (pfn == 0) return -ENOMEM;
    const dst = pfn_to_host(pfn);
    const n = filemap_read_folio(changetype<u32>(as), index, dst);
    if (n < 0) {
      put_page(pfn);
      return -EIO;
    }
    if (<u32>n < PAGE_SIZE) memory.fill(dst + <usize>n, 0, <usize>(PAGE_SIZE - <u32>n));
  }
  const err = filemap_add_folio(as, index, pfn);
  if (err != 0) {
    put_page(pfn);
    return err;
  }
  return pfn;
}

/** Drop the cache's reference to the page at index (its PTEs were zapped first). */
function filemap_remove_folio(as: AddressSpace, index: u64, pfn: u32): void {
  xa_erase(as, index);
  page_set_mapping(pfn, 0);
  page_set_flags(pfn, page_flags(pfn) & ~(PG_swapbacked | PG_dirty));
  as.nrpages--;
  if (as.sb != 0) store<u32>(<usize>as.sb, load<u32>(<usize>as.sb, 4) - 1, 4);
  put_page(pfn);
}

/** unmap_mapping_range: zap every PTE of pages [first, last) in every vma mapping the file.
 *  even_cows also zaps private copies (truncation: the range is past EOF now); hole punching
 *  leaves them (their data is the process's own). */
export function unmap_mapping_range(as: AddressSpace, first: u64, last: u64, even_cows: bool): void {
  for (let v = <usize>as.i_mmap; v != 0; v = <usize>changetype<VmArea>(v).i_mmap_next) {
    const vma = changetype<VmArea>(v);
    const vstart = vma.vm_pgoff;
    const vend = vstart + ((vma.vm_end - vma.vm_start) >> PAGE_SHIFT);
    const a = first > vstart ? first : vstart;
    const b = last < vend ? last : vend;
    if (a >= b) continue;
    const start = vma.vm_start + ((a - vstart) << PAGE_SHIFT);
    const end = vma.vm_start + ((b - vstart) << PAGE_SHIFT);
    zap_page_range_mapping(changetype<MmStruct>(<usize>vma.vm_mm), start, end, even_cows);
  }
}

/** truncate_inode_pages: drop every cached page from index `from` on. */
export function truncate_inode_pages(as: AddressSpace, from: u64): void {
  let i = xa_find(as, from);
  while (i != u64.MAX_VALUE) {
    filemap_remove_folio(as, i, xa_load(as, i));
    i = xa_find(as, i + 1);
  }
}

/** Zero [off, off+len) inside the cached page at index, if there is one. */
function zero_partial(as: AddressSpace, index: u64, off: u32, len: u32): void {
  const pfn = xa_load(as, index);
  if (pfn == 0 || len == 0) return;
  memory.fill(pfn_to_host(pfn) + <usize>off, 0, <usize>len);
  decode_cache_invalidate_pfn(pfn);
}

/** truncate_setsize: the new i_size; pages wholly past it leave, the tail of the last one is
 *  zeroed (a later extension must read zeros there). */
export function mapping_truncate(as: AddressSpace, size: u64): void {
  const old = as.i_size;
  as.i_size = size;
  if (size >= old) return;
  const first = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
  unmap_mapping_range(as, first, u64.MAX_VALUE, true);
  truncate_inode_pages(as, first);
  const tail = <u32>(size & (PAGE_SIZE - 1));
  if (tail != 0) zero_partial(as, size >> PAGE_SHIFT, tail, PAGE_SIZE - tail);
}

/** Punch a hole: zero the partial pages at either end, free the whole ones between. */
export function mapping_punch(as: AddressSpace, pos: u64, len: u64): void {
  const end = pos + len;
  const first = (pos + PAGE_SIZE - 1) >> PAGE_SHIFT;
  const last = end >> PAGE_SHIFT;
  if (pos >> PAGE_SHIFT == (end - 1) >> PAGE_SHIFT && (pos & (PAGE_SIZE - 1) || end & (PAGE_SIZE - 1))) {
    zero_partial(as, pos >> PAGE_SHIFT, <u32>(pos & (PAGE_SIZE - 1)), <u32>len);
    return;
  }
  if (pos & (PAGE_SIZE - 1)) zero_partial(as, pos >> PAGE_SHIFT, <u32>(pos & (PAGE_SIZE - 1)), PAGE_SIZE - <u32>(pos & (PAGE_SIZE - 1)));
  if (end & (PAGE_SIZE - 1)) zero_partial(as, last, 0, <u32>(end & (PAGE_SIZE - 1)));
  if (first >= last) return;
  unmap_mapping_range(as, first, last, false);
  let i = xa_find(as, first);
  while (i < last) {
    filemap_remove_folio(as, i, xa_load(as, i));
    i = xa_find(as, i + 1);
  }
}

/** fallocate: make pages [pos, pos+len) exist. 0, or -ENOSPC/-ENOMEM (pages made stay). */
export function mapping_allocate(as: AddressSpace, pos: u64, len: u64): i32 {
  const last = (pos + len + PAGE_SIZE - 1) >> PAGE_SHIFT;
  for (let i = pos >> PAGE_SHIFT; i < last; i++) {
    const r = filemap_grab_folio(as, i);
    if (r < 0) return <i32>r;
  }
  return 0;
}

/** Copy up to len bytes at pos into dst; holes read as zeros, nothing past i_size. */
export function mapping_read(as: AddressSpace, pos: u64, len: u32, dst: usize): u32 {
  if (pos >= as.i_size) return 0;
  if (<u64>len > as.i_size - pos) len = <u32>(as.i_size - pos);
  let done: u32 = 0;
  while (done < len) {
    const p = pos + done;
    const off = <u32>(p & (PAGE_SIZE - 1));
    let n = PAGE_SIZE - off;
    if (n > len - done) n = len - done;
    const pfn = xa_load(as, p >> PAGE_SHIFT);
    if (pfn != 0) memory.copy(dst + done, pfn_to_host(pfn) + off, n);
    else memory.fill(dst + done, 0, n);
    done += n;
  }
  return len;
}

/** Copy len bytes from src to pos, growing i_size. Shmem mappings allocate pages as they go;
 *  others only update pages already cached (the kernel writes the file itself, so they stay
 *  clean). Returns the bytes written or, if none could be, -ENOSPC/-ENOMEM. */
export function mapping_write(as: AddressSpace, pos: u64, len: u32, src: usize): i64 {
  const shmem = (as.flags & AS_SHMEM) != 0;
  let done: u32 = 0;
  while (done < len) {
    const p = pos + done;
    const off = <u32>(p & (PAGE_SIZE - 1));
    let n = PAGE_SIZE - off;
    if (n > len - done) n = len - done;
    let pfn: u32 = xa_load(as, p >> PAGE_SHIFT);
    if (pfn == 0 && shmem) {
      const r = filemap_grab_folio(as, p >> PAGE_SHIFT);
      if (r < 0) {
        if (done == 0) return r;
        break;
      }
      pfn = <u32>r;
    }
    if (pfn != 0) {
      memory.copy(pfn_to_host(pfn) + off, src + done, n);
      if (shmem) page_set_flags(pfn, page_flags(pfn) | PG_dirty);
      decode_cache_invalidate_pfn(pfn);
    }
    done += n;
  }
  if (pos + done > as.i_size) as.i_size = pos + done;
  return done;
}

/** SEEK_DATA (hole false) / SEEK_HOLE (hole true) over the cached pages from pos: the offset,
 *  or -1 when SEEK_DATA finds no data before i_size. Shmem semantics: a cached page is data. */
export function mapping_seek(as: AddressSpace, pos: u64, hole: bool): i64 {
  const size = as.i_size;
  if (pos >= size) return -1;
  let index = pos >> PAGE_SHIFT;
  if (!hole) {
    const i = xa_find(as, index);
    if (i == u64.MAX_VALUE || (i << PAGE_SHIFT) >= size) return -1;
    return i == index ? <i64>pos : <i64>(i << PAGE_SHIFT);
  }
  while ((index << PAGE_SHIFT) < size && xa_load(as, index) != 0) index++;
  const at = index << PAGE_SHIFT;
  if (at >= size) return <i64>size;
  return at > pos ? <i64>at : <i64>pos;
}

/** The first page at or after from that is dirty (a store through a shared mapping), copied to
 *  dst; its index, or -1 when none is. */
export function mapping_writeback_next(as: AddressSpace, from: u64, dst: usize): i64 {
  let i = xa_find(as, from);
  while (i != u64.MAX_VALUE) {
    const pfn = xa_load(as, i);
    if (page_flags(pfn) & PG_dirty) {
      memory.copy(dst, pfn_to_host(pfn), PAGE_SIZE);
      return <i64>i;
    }
    i = xa_find(as, i + 1);
  }
  return -1;
}

/** page_mkclean: the page at index was written back; write-protect every PTE mapping it so
 *  the next store faults and dirties it again. */
export function page_mkclean(as: AddressSpace, index: u64): void {
  const pfn = xa_load(as, index);
  if (pfn == 0) return;
  page_set_flags(pfn, page_flags(pfn) & ~PG_dirty);
  for (let v = <usize>as.i_mmap; v != 0; v = <usize>changetype<VmArea>(v).i_mmap_next) {
    const vma = changetype<VmArea>(v);
    const pages = (vma.vm_end - vma.vm_start) >> PAGE_SHIFT;
    if (index < vma.vm_pgoff || index >= vma.vm_pgoff + pages) continue;
    const addr = vma.vm_start + ((index - vma.vm_pgoff) << PAGE_SHIFT);
    const mm = changetype<MmStruct>(<usize>vma.vm_mm);
    const ptep = pte_offset_map(mm.pgd, addr);
    if (ptep == 0) continue;
    const pte = load<u64>(ptep);
    if (!pte_present(pte) || pte_pfn(pte) != pfn) continue;
    store<u64>(ptep, pte & ~(_PAGE_WRITE | _PAGE_DIRTY));
    flush_tlb_range(changetype<usize>(mm), addr, addr + PAGE_SIZE);
  }
}

export function mapping_check(): void {
  if (offsetof<AddressSpace>() != AS_SIZE) ERROR("AddressSpace layout changed");
}
