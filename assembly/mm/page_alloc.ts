// mm/page_alloc.ts — guest physical memory: frames and their struct page.
// Owns: the frame pool carved out of wasm linear memory at boot, each frame's metadata, the
// shared zero page. Every byte a guest maps is one of these frames; a pfn indexes both the
// frame (phys_base + pfn * PAGE_SIZE) and its struct page (mem_map + pfn * PAGE_STRUCT_SIZE).
// DIVERGES: order-0 only, a LIFO free stack; the buddy allocator (orders 0..MAX_PAGE_ORDER)
// arrives with the mm core (issue 3). Allocation failure returns 0 (pfn 0 is never handed out:
// it is the zero page), and every caller turns that into -ENOMEM or SIGBUS.

import { PAGE_SHIFT, PAGE_SIZE } from "../include/mman";
import { DEBUG_VM } from "./debug_vm";

//   struct page, 16 bytes:
//   0 _refcount u32 | 4 _mapcount u32 | 8 flags u32 | 12 private u32 (decode cache of a code page)
export const PAGE_STRUCT_SIZE: u32 = 16;
export const PG_reserved: u32 = 1 << 0;
export const PG_anon: u32 = 1 << 1;
export const PG_table: u32 = 1 << 2;
export const PG_code: u32 = 1 << 3; // private holds a decoded-instruction page; stores must invalidate it.

export let phys_base: usize = 0;
export let mem_map: usize = 0;
export let nr_frames: u32 = 0;
export let nr_free: u32 = 0;
let free_stack: usize = 0; // u32 pfns, nr_free of them in use

export const ZERO_PFN: u32 = 0;

/** Reserves nr frames of guest physical memory. Called once at boot (mem= decides nr). */
export function page_alloc_init(nr: u32): void {
  assert(nr_frames == 0, "page_alloc_init called twice");
  assert(nr >= 16, "too little memory");
  const raw = heap.alloc(<usize>nr * <usize>PAGE_SIZE + <usize>PAGE_SIZE);
  phys_base = (raw + <usize>PAGE_SIZE - 1) & ~(<usize>PAGE_SIZE - 1);
  mem_map = heap.alloc(<usize>nr * PAGE_STRUCT_SIZE);
  memory.fill(mem_map, 0, <usize>nr * PAGE_STRUCT_SIZE);
  free_stack = heap.alloc(<usize>nr << 2);
  nr_frames = nr;
  // Push in descending order so the first allocations hand out low pfns (easier to read in dumps).
  for (let pfn: u32 = nr - 1; pfn >= 1; pfn--) {
    store<u32>(free_stack + (<usize>nr_free << 2), pfn);
    nr_free++;
  }
  memory.fill(pfn_to_host(ZERO_PFN), 0, <usize>PAGE_SIZE);
  page_set_flags(ZERO_PFN, PG_reserved);
  page_set_ref(ZERO_PFN, 1);
}

@inline export function pfn_to_host(pfn: u32): usize {
  return phys_base + (<usize>pfn << PAGE_SHIFT);
}
@inline export function host_to_pfn(host: usize): u32 {
  return <u32>((host - phys_base) >> PAGE_SHIFT);
}
@inline export function pfn_page(pfn: u32): usize {
  return mem_map + <usize>pfn * PAGE_STRUCT_SIZE;
}
@inline export function page_ref(pfn: u32): u32 {
  return load<u32>(pfn_page(pfn), 0);
}
@inline export function page_set_ref(pfn: u32, v: u32): void {
  store<u32>(pfn_page(pfn), v, 0);
}
@inline export function page_mapcount(pfn: u32): u32 {
  return load<u32>(pfn_page(pfn), 4);
}
@inline export function page_set_mapcount(pfn: u32, v: u32): void {
  store<u32>(pfn_page(pfn), v, 4);
}
@inline export function page_flags(pfn: u32): u32 {
  return load<u32>(pfn_page(pfn), 8);
}
@inline export function page_set_flags(pfn: u32, v: u32): void {
  store<u32>(pfn_page(pfn), v, 8);
}
@inline export function page_private(pfn: u32): u32 {
  return load<u32>(pfn_page(pfn), 12);
}
@inline export function page_set_private(pfn: u32, v: u32): void {
  store<u32>(pfn_page(pfn), v, 12);
}

/** Hook run when a frame returns to the pool; the CPU's decode cache registers itself here. */
let free_hook: (pfn: u32) => void = page_free_hook_none;
function page_free_hook_none(pfn: u32): void {}
export function page_alloc_set_free_hook(hook: (pfn: u32) => void): void {
  free_hook = hook;
}

/** alloc_page: one frame with refcount 1, contents undefined. Returns 0 when memory is exhausted. */
export function alloc_page(): u32 {
  if (nr_free == 0) return 0;
  nr_free--;
  const pfn = load<u32>(free_stack + (<usize>nr_free << 2));
  if (DEBUG_VM) assert(page_ref(pfn) == 0, "free frame has references");
  page_set_ref(pfn, 1);
  page_set_mapcount(pfn, 0);
  page_set_flags(pfn, 0);
  return pfn;
}

/** alloc_zeroed_page: alloc_page with the contents cleared. */
export function alloc_zeroed_page(): u32 {
  const pfn = alloc_page();
  if (pfn != 0) memory.fill(pfn_to_host(pfn), 0, <usize>PAGE_SIZE);
  return pfn;
}

/** get_page: take another reference. */
@inline export function get_page(pfn: u32): void {
  page_set_ref(pfn, page_ref(pfn) + 1);
}

/** put_page: drop a reference; the last one returns the frame to the pool. */
export function put_page(pfn: u32): void {
  if (pfn == ZERO_PFN) return;
  const ref = page_ref(pfn);
  assert(ref > 0, "put_page on a free frame");
  if (ref > 1) {
    page_set_ref(pfn, ref - 1);
    return;
  }
  page_set_ref(pfn, 0);
  if (page_flags(pfn) & PG_code) free_hook(pfn);
  page_set_flags(pfn, 0);
  store<u32>(free_stack + (<usize>nr_free << 2), pfn);
  nr_free++;
}
