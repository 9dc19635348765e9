// mm/vma.ts — each mm's VMAs: lookup, link, split and merge.
// Owns: the sorted, doubly linked list of an mm's vm_area_structs (vm_next/vm_prev, mm.mmap),
// map_count and the lookup cache; the tree that indexes the same vmas lives in mm/vma_tree.ts
// and every link, unlink and range change here keeps both in step.
// Invariants (validate_mm): sorted, non-overlapping, page aligned, non-empty, map_count == #vmas,
// the tree's order == the list's order, red-black rules, gap augmentation bounds every hole.
// Costs: find_vma, find_vma_prev_of, vma_link, vma_unlink, split: O(log n); vma_next/vma_prev
// and vma_first: O(1). Nothing here allocates except vm_area_alloc (__split_vma's new vma).
// Merging lives in mm/vma_merge.ts, modify-or-split in mm/vma_modify.ts. A vma with a vm_file
// is on that file's i_mmap list from vma_link to vm_area_free. Range changes of a linked vma should go through vma_set_range (Linux:
// vma_set_range + vma_iter_store) so the tree's gap bounds stay exact.

import { ENOMEM } from "../include/errno";
import { PAGE_SHIFT } from "../include/mman";
import { VmArea, MmStruct, VMA_SIZE, VmOperationsStruct } from "./mm_types";
import { kmem_cache_create, kmem_cache_zalloc, kmem_cache_free, kmem_cache_nr_active } from "./slab";
import { anon_vma_clone, unlink_anon_vmas } from "./rmap";
import { anon_vma_name_get, anon_vma_name_put } from "./anon_name";
import { DEBUG_VM } from "./debug_vm";
import { i_mmap_insert, i_mmap_remove } from "./filemap";
import {
  vma_tree_insert, vma_tree_erase, vma_tree_find, vma_tree_find_prev, vma_gap_propagate,
  vma_tree_validate,
} from "./vma_tree";

export const DEFAULT_MAX_MAP_COUNT: u32 = 65530;
export let sysctl_max_map_count: u32 = DEFAULT_MAX_MAP_COUNT;
/** Set by the vm.max_map_count sysctl; every vma-creating path compares map_count with it. */
export function vm_set_max_map_count(n: u32): void {
  sysctl_max_map_count = n;
}

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

/** vm_area_dup: a new, unlinked vma with orig's range, flags, file, ops and name (one more
 *  reference), but no anon_vma: the caller clones or forks that. Returns null on -ENOMEM.
 *  Matches kernel/fork.c vm_area_dup(). */
export function vm_area_dup(orig: VmArea): VmArea | null {
  const vma = vm_area_alloc(changetype<MmStruct>(<usize>orig.vm_mm));
  if (vma == null) return null;
  vma.vm_start = orig.vm_start;
  vma.vm_end = orig.vm_end;
  vma.vm_pgoff = orig.vm_pgoff;
  vma.vm_flags = orig.vm_flags;
  vma.vm_file = orig.vm_file;
  vma.vm_ops = orig.vm_ops;
  vma.vm_userfaultfd_ctx = orig.vm_userfaultfd_ctx;
  vma.vm_policy = orig.vm_policy; // vma_dup_policy
  vma.anon_name = orig.anon_name;
  anon_vma_name_get(orig.anon_name);
  return vma;
}

/** vm_area_free: release an unlinked vma with its anon_vma and name references.
 *  DIVERGES: Linux unlinks anon_vmas in free_pgtables(); here the vma carries it to the end. */
export function vm_area_free(vma: VmArea): void {
  if (DEBUG_VM) assert(vma.vm_next == 0 && vma.vm_prev == 0 && vma.rb_parent_color == 0, "freeing a linked vma");
  unlink_anon_vmas(vma);
  anon_vma_name_put(vma.anon_name);
  vma.anon_name = 0;
  if (vma.vm_file != 0) i_mmap_remove(vma);
  kmem_cache_free(vma_cachep, changetype<usize>(vma));
}

/** vmas allocated and not freed, over every mm (for leak checks). */
export function vm_area_nr_active(): u32 {
  return kmem_cache_nr_active(vma_cachep);
}

/** remove_vma: run the vma's close hook and free it (it is already unlinked).
 *  Matches mm/vma.c remove_vma(). */
export function remove_vma(vma: VmArea): void {
  if (vma.vm_ops != 0) {
    const close = changetype<VmOperationsStruct>(<usize>vma.vm_ops).close;
    if (close != 0) changetype<(vma: VmArea) => void>(<usize>close)(vma);
  }
  vm_area_free(vma);
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

/** find_vma: the first vma with vm_end > addr, or null. O(log n); O(1) when the one-entry cache
 *  (the vma found, linked or placed last) is the answer. Matches mm/mmap.c find_vma(). */
export function find_vma(mm: MmStruct, addr: u64): VmArea | null {
  const c = <usize>mm.mmap_cache;
  if (c != 0) {
    // c answers exactly when addr lies in c or in the hole below it.
    const vma = changetype<VmArea>(c);
    if (addr < vma.vm_end && (vma.vm_prev == 0 || changetype<VmArea>(<usize>vma.vm_prev).vm_end <= addr)) {
      return vma;
    }
  }
  const vma = vma_tree_find(mm, addr);
  if (vma != null) mm.mmap_cache = changetype<u32>(vma);
  return vma;
}

/** The last vma with vm_start < addr, or null: the would-be prev of a mapping at addr.
 *  O(log n); O(1) when the cached vma or its vm_prev is the answer. Matches the vma_prev()
 *  half of mm/mmap.c find_vma_prev(). */
export function find_vma_prev_of(mm: MmStruct, addr: u64): VmArea | null {
  const c = <usize>mm.mmap_cache;
  if (c != 0) {
    const vma = changetype<VmArea>(c);
    const next = <usize>vma.vm_next;
    if (vma.vm_start < addr && (next == 0 || changetype<VmArea>(next).vm_start >= addr)) return vma;
    const prev = <usize>vma.vm_prev;
    if (vma.vm_start >= addr && (prev == 0 || changetype<VmArea>(prev).vm_start < addr)) {
      return prev == 0 ? null : changetype<VmArea>(prev);
    }
  }
  return vma_tree_find_prev(mm, addr);
}

/** vma_last: the highest vma, or null. O(1). */
@inline export function vma_last(mm: MmStruct): VmArea | null {
  return mm.mmap_last == 0 ? null : changetype<VmArea>(<usize>mm.mmap_last);
}

/** vma_link: put vma into the list and the tree after prev (null: at the head).
 *  Preconditions: vma's range is set and fits between prev and prev's successor.
 *  O(log n); never fails. Matches mm/vma.c vma_link() without the allocation. */
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
  if (DEBUG_VM) assert(prev == null || prev.vm_end <= vma.vm_start, "vma_link overlaps prev");
  if (DEBUG_VM) {
    assert(vma.vm_next == 0 || vma.vm_end <= changetype<VmArea>(<usize>vma.vm_next).vm_start,
      "vma_link overlaps next");
  }
  vma_tree_insert(mm, vma, prev);
  if (vma.vm_file != 0) i_mmap_insert(vma);
  if (vma.vm_next == 0) mm.mmap_last = changetype<u32>(vma);
  // The next lookup is usually about the new vma (a fault in it, or its munmap).
  mm.mmap_cache = changetype<u32>(vma);
  mm.map_count++;
}

/** vma_unlink: take vma out of the list and the tree; the caller frees it. O(log n). */
export function vma_unlink(mm: MmStruct, vma: VmArea): void {
  const next = <usize>vma.vm_next;
  if (vma.vm_prev != 0) changetype<VmArea>(<usize>vma.vm_prev).vm_next = vma.vm_next;
  else mm.mmap = vma.vm_next;
  if (next != 0) changetype<VmArea>(next).vm_prev = vma.vm_prev;
  else mm.mmap_last = vma.vm_prev;
  if (mm.mmap_cache == changetype<u32>(vma)) mm.mmap_cache = 0;
  // The hole below the successor grew over vma's range and hole: propagate it first, and the
  // erase's climb then usually stops at once (vma's own gap no longer decides any bound).
  vma_gap_propagate(next);
  vma_tree_erase(mm, vma);
  mm.map_count--;
  vma.vm_next = 0;
  vma.vm_prev = 0;
}

/** vma_set_range: move a linked vma's bounds and pgoff, keeping the tree's gaps exact.
 *  Preconditions: start < end, both page aligned; [start, end) overlaps no other vma.
 *  Matches mm/vma.h vma_set_range() followed by vma_iter_store(). */
export function vma_set_range(mm: MmStruct, vma: VmArea, start: u64, end: u64, pgoff: u64): void {
  if (DEBUG_VM) assert(start < end && (start & 4095) == 0 && (end & 4095) == 0, "bad vma range");
  if (DEBUG_VM) {
    assert(vma.vm_prev == 0 || changetype<VmArea>(<usize>vma.vm_prev).vm_end <= start, "range overlaps prev");
    assert(vma.vm_next == 0 || changetype<VmArea>(<usize>vma.vm_next).vm_start >= end, "range overlaps next");
  }
  vma.vm_start = start;
  vma.vm_end = end;
  vma.vm_pgoff = pgoff;
  vma_gap_propagate(changetype<usize>(vma));
  vma_gap_propagate(<usize>vma.vm_next);
}

/** __split_vma: cut vma at addr; the new vma takes [vm_start, addr) when new_below, else
 *  [addr, vm_end), sharing vma's anon_vma and name. Skips the map_count limit check that
 *  split_vma() performs.
 *  Returns: 0, or -ENOMEM when no vma can be allocated (nothing changed then).
 *  Matches mm/vma.c __split_vma(). */
export function __split_vma(mm: MmStruct, vma: VmArea, addr: u64, new_below: bool): i32 {
  if (DEBUG_VM) assert(vma.vm_start < addr && addr < vma.vm_end, "split outside the vma");
  const n = vm_area_dup(vma);
  if (n == null) return -ENOMEM;
  anon_vma_clone(n, vma);
  const delta = (addr - vma.vm_start) >> PAGE_SHIFT;
  if (new_below) {
    n.vm_end = addr;
    vma.vm_start = addr;
    vma.vm_pgoff += delta;
    vma_link(mm, n, vma_prev(vma));
  } else {
    n.vm_start = addr;
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

/** validate_mm: DEBUG_VM walk of the whole list, then of the tree against it. The gap bounds
 *  are checked as upper bounds: callers that still move a vma's bounds in place (shrinking a
 *  hole) leave them stale but safe (see mm/vma_tree.ts). */
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
    assert(vma.vm_mm == changetype<u32>(mm), "vma of another mm in the list");
    assert((vma.anon_vma == 0) == (vma.anon_vma_chain_nr == 0), "anon_vma and its chain disagree");
    prev_end = vma.vm_end;
    prev = p;
  }
  assert(count == mm.map_count, "map_count disagrees with the list");
  assert(<usize>mm.mmap_last == prev, "mmap_last is not the last vma");
  if (mm.mmap_cache != 0) {
    // The cache must name a linked vma: find it through the tree.
    const c = changetype<VmArea>(<usize>mm.mmap_cache);
    assert(vma_tree_find(mm, c.vm_start) == c, "mmap_cache names an unlinked vma");
  }
  vma_tree_validate(mm, true);
}

/** validate_mm_exact: validate_mm, and every gap bound equal to what it covers (for tests
 *  whose every range change went through vma_set_range). */
export function validate_mm_exact(mm: MmStruct): void {
  if (!DEBUG_VM) return;
  validate_mm(mm);
  vma_tree_validate(mm, true);
}
