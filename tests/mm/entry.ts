// tests/mm/entry.ts — test entry over the real buddy allocator and vma tree (see *.test.ts).
// Addresses cross as page numbers (u32) so the tests need no BigInt; 0 means "none".
import {
  page_alloc_init, alloc_pages, __free_pages, alloc_page, put_page, get_page, page_ref,
  free_area_nr_free, validate_free_lists, page_alloc_fail_nth, page_alloc_fail_prob,
  nr_free, nr_frames, page_alloc_nr_injected, PageBuddy, MAX_PAGE_ORDER,
} from "../../assembly/mm/page_alloc";
import {
  vma_init, vm_area_alloc, vm_area_free, vma_link, vma_unlink, find_vma, find_vma_prev_of,
  vma_first, vma_next, vma_set_range, split_vma, validate_mm, validate_mm_exact,
} from "../../assembly/mm/vma";
import { unmapped_area_topdown } from "../../assembly/mm/vma_tree";
import { VmArea, MmStruct, MM_SIZE } from "../../assembly/mm/mm_types";
import { VM_GROWSDOWN } from "../../assembly/include/mman";

export {
  alloc_pages, __free_pages, alloc_page, put_page, get_page, page_ref, free_area_nr_free,
  validate_free_lists, page_alloc_fail_nth, page_alloc_fail_prob, PageBuddy,
};

export function init(nr: u32): void {
  page_alloc_init(nr);
  vma_init(1 << 20);
}
export function get_nr_free(): u32 {
  return nr_free;
}
export function get_nr_frames(): u32 {
  return nr_frames;
}
export function get_nr_injected(): u32 {
  return page_alloc_nr_injected;
}
export function max_order(): u32 {
  return MAX_PAGE_ORDER;
}

// ---- vma tree ----
@inline function mm_of(mm: u32): MmStruct {
  return changetype<MmStruct>(<usize>mm);
}
@inline function vma_of(v: u32): VmArea {
  return changetype<VmArea>(<usize>v);
}
const P: u32 = 12;

/** A bare mm (no page tables): the tree tests need only its vma fields. */
export function test_mm_new(): u32 {
  const p = heap.alloc(MM_SIZE);
  memory.fill(p, 0, MM_SIZE);
  return <u32>p;
}
/** Link a new vma over pages [start, end); returns it, or 0 when no vma could be allocated. */
export function insert(mm: u32, start: u32, end: u32, growsdown: bool): u32 {
  const m = mm_of(mm);
  const vma = vm_area_alloc(m);
  if (vma == null) return 0;
  vma.vm_start = <u64>start << P;
  vma.vm_end = <u64>end << P;
  vma.vm_pgoff = start;
  vma.vm_flags = growsdown ? VM_GROWSDOWN : 0;
  vma_link(m, vma, find_vma_prev_of(m, vma.vm_start));
  return changetype<u32>(vma);
}
export function remove(mm: u32, v: u32): void {
  vma_unlink(mm_of(mm), vma_of(v));
  vm_area_free(vma_of(v));
}
export function find(mm: u32, page: u32): u32 {
  const v = find_vma(mm_of(mm), <u64>page << P);
  return v == null ? 0 : changetype<u32>(v);
}
export function find_prev(mm: u32, page: u32): u32 {
  const v = find_vma_prev_of(mm_of(mm), <u64>page << P);
  return v == null ? 0 : changetype<u32>(v);
}
export function first(mm: u32): u32 {
  const v = vma_first(mm_of(mm));
  return v == null ? 0 : changetype<u32>(v);
}
export function next(v: u32): u32 {
  const n = vma_next(vma_of(v));
  return n == null ? 0 : changetype<u32>(n);
}
export function start_of(v: u32): u32 {
  return <u32>(vma_of(v).vm_start >> P);
}
export function end_of(v: u32): u32 {
  return <u32>(vma_of(v).vm_end >> P);
}
export function map_count(mm: u32): u32 {
  return mm_of(mm).map_count;
}
/** Top-down gap search in pages; -1 for -ENOMEM. */
export function gap(mm: u32, len: u32, low: u32, high: u32): i32 {
  const r = unmapped_area_topdown(mm_of(mm), <u64>len << P, <u64>low << P, <u64>high << P);
  if (r >= <u64>-4095) return -1;
  return <i32>(r >> P);
}
export function set_range(mm: u32, v: u32, start: u32, end: u32): void {
  vma_set_range(mm_of(mm), vma_of(v), <u64>start << P, <u64>end << P, start);
}
/** Move vm_start down in place, behind the tree's back (as mmap.ts's merges still do). */
export function lower_start_in_place(v: u32, start: u32): void {
  vma_of(v).vm_start = <u64>start << P;
}
/** Move vm_end up in place, as the merges in mmap.ts and vma_modify.ts do before unlinking. */
export function raise_end_in_place(v: u32, end: u32): void {
  vma_of(v).vm_end = <u64>end << P;
}
export function split(mm: u32, v: u32, page: u32, new_below: bool): i32 {
  return split_vma(mm_of(mm), vma_of(v), <u64>page << P, new_below);
}
export function validate(mm: u32): void {
  validate_mm(mm_of(mm));
}
export function validate_exact(mm: u32): void {
  validate_mm_exact(mm_of(mm));
}
