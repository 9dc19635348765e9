// mm/vma.ts — each mm's VMAs: lookup, link, split and merge.
// Owns: the sorted, doubly linked list of an mm's vm_area_structs and map_count.
// Invariants (validate_mm): sorted, non-overlapping, page aligned, non-empty, map_count == #vmas.
// DIVERGES: a sorted list with a lookup cache instead of the maple tree, O(n) insert and gap
// search; the O(log n) tree arrives with the mm core (issue 3). Merge follows mm/vma.c's
// rules for anonymous memory: same flags, no file, contiguous pgoff, no VM_SPECIAL.

import { ENOMEM } from "../include/errno";
import { PAGE_SHIFT } from "../include/mman";
import { VmArea, MmStruct, VMA_SIZE } from "./mm_types";
import { kmem_cache_create, kmem_cache_zalloc, kmem_cache_free } from "./slab";
import { DEBUG_VM } from "./debug_vm";

export const DEFAULT_MAX_MAP_COUNT: u32 = 65530;
export let sysctl_max_map_count: u32 = DEFAULT_MAX_MAP_COUNT;

let vma_cachep: usize = 0;

export function vma_init(limit: u32): void {
  vma_cachep = kmem_cache_create(VMA_SIZE, limit);
}

export function vm_area_alloc(mm: MmStruct): VmArea | null {
  const p = kmem_cache_zalloc(vma_cachep);
  if (p == 0) return null;
  const vma = changetype<VmArea>(p);
  vma.vm_mm = changetype<u32>(mm);
  return vma;
}

export function vm_area_free(vma: VmArea): void {
  kmem_cache_free(vma_cachep, changetype<usize>(vma));
}

@inline export function vma_next(vma: VmArea): VmArea | null {
  return vma.vm_next == 0 ? null : changetype<VmArea>(<usize>vma.vm_next);
}
@inline export function vma_prev(vma: VmArea): VmArea | null {
  return vma.vm_prev == 0 ? null : changetype<VmArea>(<usize>vma.vm_prev);
}
@inline export function vma_first(mm: MmStruct): VmArea | null {
  return mm.mmap == 0 ? null : changetype<VmArea>(<usize>mm.mmap);
}
@inline export function vma_pages(vma: VmArea): u64 {
  return (vma.vm_end - vma.vm_start) >> PAGE_SHIFT;
}

/** find_vma: the first vma with vm_end > addr, or null. Matches mm/mmap.c find_vma(). */
export function find_vma(mm: MmStruct, addr: u64): VmArea | null {
  let p = <usize>mm.mmap_cache;
  if (p != 0) {
    const c = changetype<VmArea>(p);
    if (c.vm_start <= addr && addr < c.vm_end) return c;
    // Walks usually move forward from the cached vma; start there when it lies below addr.
    if (c.vm_end > addr) p = <usize>mm.mmap;
  } else {
    p = <usize>mm.mmap;
  }
  while (p != 0) {
    const vma = changetype<VmArea>(p);
    if (vma.vm_end > addr) {
      mm.mmap_cache = <u32>p;
      return vma;
    }
    p = <usize>vma.vm_next;
  }
  return null;
}

/** The last vma with vm_start < addr, or null: the would-be prev of a mapping at addr. */
export function find_vma_prev_of(mm: MmStruct, addr: u64): VmArea | null {
  const next = find_vma(mm, addr);
  if (next == null) {
    let p = <usize>mm.mmap;
    if (p == 0) return null;
    while (changetype<VmArea>(p).vm_next != 0) p = <usize>changetype<VmArea>(p).vm_next;
    return changetype<VmArea>(p);
  }
  if (next.vm_start < addr) return next;
  return vma_prev(next);
}

/** vma_link: put vma into the list after prev (null: at the head). */
export function vma_link(mm: MmStruct, vma: VmArea, prev: VmArea | null): void {
  if (prev == null) {
    vma.vm_prev = 0;
    vma.vm_next = mm.mmap;
    if (mm.mmap != 0) changetype<VmArea>(<usize>mm.mmap).vm_prev = changetype<u32>(vma);
    mm.mmap = changetype<u32>(vma);
  } else {
    vma.vm_prev = changetype<u32>(prev);
    vma.vm_next = prev.vm_next;
    if (prev.vm_next != 0) changetype<VmArea>(<usize>prev.vm_next).vm_prev = changetype<u32>(vma);
    prev.vm_next = changetype<u32>(vma);
  }
  mm.map_count++;
}

/** vma_unlink: take vma out of the list; the caller frees it. */
export function vma_unlink(mm: MmStruct, vma: VmArea): void {
  if (vma.vm_prev != 0) changetype<VmArea>(<usize>vma.vm_prev).vm_next = vma.vm_next;
  else mm.mmap = vma.vm_next;
  if (vma.vm_next != 0) changetype<VmArea>(<usize>vma.vm_next).vm_prev = vma.vm_prev;
  if (mm.mmap_cache == changetype<u32>(vma)) mm.mmap_cache = 0;
  mm.map_count--;
  vma.vm_next = 0;
  vma.vm_prev = 0;
}

/** __split_vma: cut vma at addr; the new vma takes [vm_start, addr) when new_below, else
 *  [addr, vm_end). Skips the map_count limit check that split_vma() performs.
 *  Returns: 0, or -ENOMEM when no vma can be allocated. Matches mm/vma.c __split_vma(). */
export function __split_vma(mm: MmStruct, vma: VmArea, addr: u64, new_below: bool): i32 {
  if (DEBUG_VM) assert(vma.vm_start < addr && addr < vma.vm_end, "split outside the vma");
  const n = vm_area_alloc(mm);
  if (n == null) return -ENOMEM;
  n.vm_flags = vma.vm_flags;
  n.vm_file = vma.vm_file;
  n.anon_vma = vma.anon_vma;
  n.anon_name = vma.anon_name;
  const delta = (addr - vma.vm_start) >> PAGE_SHIFT;
  if (new_below) {
    n.vm_start = vma.vm_start;
    n.vm_end = addr;
    n.vm_pgoff = vma.vm_pgoff;
    vma.vm_start = addr;
    vma.vm_pgoff += delta;
    vma_link(mm, n, vma_prev(vma));
  } else {
    n.vm_start = addr;
    n.vm_end = vma.vm_end;
    n.vm_pgoff = vma.vm_pgoff + delta;
    vma.vm_end = addr;
    vma_link(mm, n, vma);
  }
  return 0;
}

/** split_vma: __split_vma after the max_map_count check. */
export function split_vma(mm: MmStruct, vma: VmArea, addr: u64, new_below: bool): i32 {
  if (mm.map_count >= sysctl_max_map_count) return -ENOMEM;
  return __split_vma(mm, vma, addr, new_below);
}

/** Whether a vma ending at a's vm_end can absorb an adjacent range starting there with
 *  flags/pgoff: the anonymous-memory subset of mm/vma.c is_mergeable_vma(). */
export function vma_can_merge_after(a: VmArea, flags: u64, file: u32, pgoff: u64): bool {
  if (a.vm_flags != flags || a.vm_file != file) return false;
  if (a.anon_name != 0) return false;
  return a.vm_pgoff + vma_pages(a) == pgoff;
}

/** validate_mm: DEBUG_VM walk of the whole list. */
export function validate_mm(mm: MmStruct): void {
  if (!DEBUG_VM) return;
  let count: u32 = 0;
  let prev_end: u64 = 0;
  let prev: usize = 0;
  for (let p = <usize>mm.mmap; p != 0; p = <usize>changetype<VmArea>(p).vm_next) {
    const vma = changetype<VmArea>(p);
    count++;
    assert(count <= mm.map_count, "walk passed map_count: list loop or stale count");
    assert(vma.vm_start >= prev_end, "vmas overlap or are out of order");
    assert((vma.vm_start & 4095) == 0, "vm_start not page aligned");
    assert((vma.vm_end & 4095) == 0, "vm_end not page aligned");
    assert(vma.vm_start < vma.vm_end, "empty vma left in the list");
    assert(<usize>vma.vm_prev == prev, "vm_prev link broken");
    prev_end = vma.vm_end;
    prev = p;
  }
  assert(count == mm.map_count, "map_count disagrees with the list");
}
