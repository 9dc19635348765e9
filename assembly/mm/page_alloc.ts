// mm/page_alloc.ts — guest physical memory: the buddy allocator over the frame pool.
// Owns: the frame pool carved out of wasm linear memory at boot, each frame's struct page,
// the per-order free lists, nr_free, the shared zero page and the fault-injection knobs.
// Every byte a guest maps is one of these frames; a pfn indexes both the frame
// (phys_base + pfn * PAGE_SIZE) and its struct page (mem_map + pfn * PAGE_STRUCT_SIZE).
// Invariants (validate_free_lists): a free block of order k starts at a pfn aligned to 2^k, lies
// inside the pool, has PG_buddy and its order on its first page only, sits on free_area[k] once,
// overlaps no other free block; nr_free == the sum of 2^k over the free blocks.
// Follows Linux mm/page_alloc.c (6.18) for the buddy rules: __rmqueue_smallest() takes the
// smallest order that fits and expand() returns the upper halves to the lower lists;
// __free_one_page() merges with the buddy (pfn ^ 2^order) while it is free at the same order.
// DIVERGES: one zone, no migrate types, no per-cpu lists, no watermarks; pfn 0 is the zero
// page and never free, so 0 doubles as "no page" (allocation failure returns 0 and every caller
// turns that into -ENOMEM, SIGBUS or the OOM path).

import { PAGE_SHIFT, PAGE_SIZE } from "../include/mman";
import { DEBUG_VM } from "./debug_vm";

//   struct page, 32 bytes:
//    0 _refcount u32 | 4 _mapcount u32 | 8 flags u32
//   12 private u32   (allocated PG_code frame: its decoded page; free block head: buddy order)
//   16 lru_next u32 | 20 lru_prev u32 (pfns; free block heads on free_area[order] only, 0 = end)
//   24 mapping u32 (page cache pages: their address_space, mm/filemap.ts; else 0)
//   28 index u32 (page cache pages: the page's index in the file, low 32 bits)
export const PAGE_STRUCT_SIZE: u32 = 32;
const PAGE_STRUCT_SHIFT: u32 = 5;
export const PG_reserved: u32 = 1 << 0;
export const PG_anon: u32 = 1 << 1;
export const PG_table: u32 = 1 << 2;
export const PG_code: u32 = 1 << 3; // private holds a decoded-instruction page; stores must invalidate it.
// Bit 4 is PG_decoded (arch/um/decode_cache.ts).
/** A page-cache page backed by swap rather than a file: shmem, tmpfs, memfd (mm/filemap.ts
 *  sets it). Anonymous pages are always swap-backed and do not carry it. */
export const PG_swapbacked: u32 = 1 << 5;
export const PG_dirty: u32 = 1 << 6; // written since it entered the page cache
/** PageAnonExclusive: an anonymous page only this mm maps (it may be written, pinned, reused
 *  on a write fault without a copy). fork clears it on both sides unless it copies the page. */
export const PG_anon_exclusive: u32 = 1 << 7;

/** GUP_PIN_COUNTING_BIAS: a pin adds this to the refcount, so a page with refcount at least
 *  this is "maybe DMA-pinned" (folio_maybe_dma_pinned for small folios). */
export const GUP_PIN_COUNTING_BIAS: u32 = 1024;
@inline export function page_maybe_dma_pinned(pfn: u32): bool {
  return page_ref(pfn) >= GUP_PIN_COUNTING_BIAS;
}
// PG_buddy stays far above the bits other files add: Linux keeps it in page_type, apart from
// the page flags, for the same reason.
export const PG_buddy: u32 = 1 << 30; // first page of a free block; private holds its order

/** Largest block order (Linux MAX_PAGE_ORDER): 2^10 pages = 4 MiB. */
export const MAX_PAGE_ORDER: u32 = 10;
const NR_PAGE_ORDERS: u32 = MAX_PAGE_ORDER + 1;

export let phys_base: usize = 0;
export let mem_map: usize = 0;
export let nr_frames: u32 = 0;
/** Pages free, exactly: the sum of 2^order over every block on the free lists. */
export let nr_free: u32 = 0;

// free_area[order]: u32 head pfn (0 = empty) at 0, u32 nr_free blocks at 4; 8 bytes per order.
const free_area: usize = memory.data(<i32>(NR_PAGE_ORDERS * 8), 8);

export const ZERO_PFN: u32 = 0;

export function page_alloc_struct_check(): void {
  if (PAGE_STRUCT_SIZE != (<u32>1 << PAGE_STRUCT_SHIFT)) ERROR("PAGE_STRUCT_SHIFT disagrees");
}

@inline export function pfn_to_host(pfn: u32): usize {
  return phys_base + (<usize>pfn << PAGE_SHIFT);
}
@inline export function host_to_pfn(host: usize): u32 {
  return <u32>((host - phys_base) >> PAGE_SHIFT);
}
@inline export function pfn_page(pfn: u32): usize {
  return mem_map + (<usize>pfn << PAGE_STRUCT_SHIFT);
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
@inline export function page_mapping(pfn: u32): u32 {
  return load<u32>(pfn_page(pfn), 24);
}
@inline export function page_set_mapping(pfn: u32, v: u32): void {
  store<u32>(pfn_page(pfn), v, 24);
}
@inline export function page_index(pfn: u32): u32 {
  return load<u32>(pfn_page(pfn), 28);
}
@inline export function page_set_index(pfn: u32, v: u32): void {
  store<u32>(pfn_page(pfn), v, 28);
}
@inline function lru_next(pfn: u32): u32 {
  return load<u32>(pfn_page(pfn), 16);
}
@inline function lru_prev(pfn: u32): u32 {
  return load<u32>(pfn_page(pfn), 20);
}
@inline function set_lru(pfn: u32, next: u32, prev: u32): void {
  store<u32>(pfn_page(pfn), next, 16);
  store<u32>(pfn_page(pfn), prev, 20);
}
@inline function area_head(order: u32): u32 {
  return load<u32>(free_area + (<usize>order << 3), 0);
}
@inline function area_set_head(order: u32, pfn: u32): void {
  store<u32>(free_area + (<usize>order << 3), pfn, 0);
}
/** Blocks (not pages) on free_area[order]; for tests and /proc/buddyinfo. */
export function free_area_nr_free(order: u32): u32 {
  assert(order <= MAX_PAGE_ORDER, "order above MAX_PAGE_ORDER");
  return load<u32>(free_area + (<usize>order << 3), 4);
}
@inline function area_add_count(order: u32, delta: i32): void {
  const p = free_area + (<usize>order << 3);
  store<u32>(p, <u32>(<i32>load<u32>(p, 4) + delta), 4);
}

/** PageBuddy: pfn heads a free block (its order is in private). */
@inline export function PageBuddy(pfn: u32): bool {
  return (page_flags(pfn) & PG_buddy) != 0;
}

/** Put the free block at pfn on the head of free_area[order] (Linux __add_to_free_list). */
function add_to_free_list(pfn: u32, order: u32): void {
  const head = area_head(order);
  set_lru(pfn, head, 0);
  if (head != 0) store<u32>(pfn_page(head), pfn, 20);
  area_set_head(order, pfn);
  page_set_flags(pfn, PG_buddy);
  page_set_private(pfn, order);
  area_add_count(order, 1);
  nr_free += <u32>1 << order;
}

/** Take the free block at pfn off free_area[order] (Linux del_page_from_free_list). */
function del_from_free_list(pfn: u32, order: u32): void {
  const next = lru_next(pfn);
  const prev = lru_prev(pfn);
  if (prev != 0) store<u32>(pfn_page(prev), next, 16);
  else area_set_head(order, next);
  if (next != 0) store<u32>(pfn_page(next), prev, 20);
  set_lru(pfn, 0, 0);
  page_set_flags(pfn, 0);
  page_set_private(pfn, 0);
  area_add_count(order, -1);
  nr_free -= <u32>1 << order;
}

/** Reserves nr frames of guest physical memory. Called once at boot (mem= decides nr). */
export function page_alloc_init(nr: u32): void {
  page_alloc_struct_check();
  assert(nr_frames == 0, "page_alloc_init called twice");
  assert(nr >= 16, "too little memory");
  // The pfn must fit a PTE's pfn field and the list links; 2^26 frames is 256 GiB.
  assert(nr <= (<u32>1 << 26), "too much memory");
  const raw = heap.alloc(<usize>nr * <usize>PAGE_SIZE + <usize>PAGE_SIZE);
  phys_base = (raw + <usize>PAGE_SIZE - 1) & ~(<usize>PAGE_SIZE - 1);
  mem_map = heap.alloc(<usize>nr << PAGE_STRUCT_SHIFT);
  memory.fill(mem_map, 0, <usize>nr << PAGE_STRUCT_SHIFT);
  memory.fill(free_area, 0, <usize>NR_PAGE_ORDERS << 3);
  nr_frames = nr;
  // Carve [1, nr) into the largest aligned blocks, highest first, so the lowest block ends up
  // at the head of its list and the first allocations hand out low pfns (easier to read).
  let end = nr;
  while (end > 1) {
    let order = MAX_PAGE_ORDER;
    // The block ending at end: the largest order whose aligned start stays at or above pfn 1.
    while (order > 0 && ((end & ((<u32>1 << order) - 1)) != 0 || (<u32>1 << order) > end - 1)) order--;
    const start = end - (<u32>1 << order);
    add_to_free_list(start, order);
    end = start;
  }
  memory.fill(pfn_to_host(ZERO_PFN), 0, <usize>PAGE_SIZE);
  page_set_flags(ZERO_PFN, PG_reserved);
  page_set_ref(ZERO_PFN, 1);
  validate_free_lists();
}

/** Hook run when a frame returns to the pool; the CPU's decode cache registers itself here. */
let free_hook: (pfn: u32) => void = page_free_hook_none;
function page_free_hook_none(pfn: u32): void {}
export function page_alloc_set_free_hook(hook: (pfn: u32) => void): void {
  free_hook = hook;
}

// Fault injection (Linux's fail_page_alloc: fail-nth and probability), off by default.
let fail_nth: u32 = 0; // the fail_nth-th allocation from now fails; 0 = off
let fail_permille: u32 = 0; // each allocation fails with this probability / 1000
let fail_rng: u64 = 0;
/** Allocations failed on purpose since boot (the tests read it). */
export let page_alloc_nr_injected: u32 = 0;

/** page_alloc_fail_nth: make the nth allocation from now fail, once (n = 0 turns it off). */
export function page_alloc_fail_nth(n: u32): void {
  fail_nth = n;
}

/** page_alloc_fail_prob: fail each allocation with probability p_permille/1000, decided by a
 *  PRNG seeded with seed, so the same seed fails the same allocations (p_permille 0: off). */
export function page_alloc_fail_prob(p_permille: u32, seed: u64): void {
  assert(p_permille <= 1000, "probability above 1000 permille");
  fail_permille = p_permille;
  fail_rng = seed;
}

/** splitmix64: one step of a small, well-mixed, deterministic generator. */
function fail_rng_next(): u64 {
  fail_rng += 0x9e3779b97f4a7c15;
  let z = fail_rng;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** should_fail_alloc_page: whether fault injection fails this allocation. */
function should_fail_alloc_page(): bool {
  let fail = false;
  if (fail_nth != 0) {
    fail_nth--;
    fail = fail_nth == 0;
  }
  if (fail_permille != 0 && fail_rng_next() % 1000 < <u64>fail_permille) fail = true;
  if (fail) page_alloc_nr_injected++;
  return fail;
}

/** alloc_pages: a block of 2^order frames, the first with refcount 1 and the others 0, contents
 *  undefined. Preconditions: order <= MAX_PAGE_ORDER.
 *  Returns: the first pfn, or 0 when no block is free (or fault injection said so).
 *  Matches: mm/page_alloc.c __rmqueue_smallest() + expand(), without zones. */
export function alloc_pages(order: u32): u32 {
  assert(order <= MAX_PAGE_ORDER, "alloc_pages above MAX_PAGE_ORDER");
  if (should_fail_alloc_page()) return 0;
  let current = order;
  while (current <= MAX_PAGE_ORDER && area_head(current) == 0) current++;
  if (current > MAX_PAGE_ORDER) return 0;
  const pfn = area_head(current);
  del_from_free_list(pfn, current);
  // expand(): keep the lowest 2^order pages, give the upper halves back, largest first.
  while (current > order) {
    current--;
    add_to_free_list(pfn + (<u32>1 << current), current);
  }
  if (DEBUG_VM) assert(page_ref(pfn) == 0, "free frame has references");
  page_set_ref(pfn, 1);
  page_set_mapcount(pfn, 0);
  page_set_flags(pfn, 0);
  return pfn;
}

/** __free_one_page: return the block [pfn, pfn + 2^order) to the lists, merging with its
 *  buddy while the buddy is a free block of the same order. O(MAX_PAGE_ORDER). */
function __free_one_page(pfn: u32, order: u32): void {
  if (DEBUG_VM) assert((pfn & ((<u32>1 << order) - 1)) == 0, "freeing a misaligned block");
  if (DEBUG_VM) assert(pfn != ZERO_PFN && pfn + (<u32>1 << order) <= nr_frames, "freeing outside the pool");
  while (order < MAX_PAGE_ORDER) {
    const buddy = pfn ^ (<u32>1 << order);
    if (buddy >= nr_frames || !PageBuddy(buddy) || page_private(buddy) != order) break;
    del_from_free_list(buddy, order);
    pfn &= buddy;
    order++;
  }
  add_to_free_list(pfn, order);
}

/** Clear what an allocated frame carried; the free hook sees a PG_code frame first. */
@inline function free_page_prepare(pfn: u32): void {
  if (page_flags(pfn) & PG_code) free_hook(pfn);
  page_set_flags(pfn, 0);
  page_set_mapcount(pfn, 0);
  page_set_mapping(pfn, 0);
}

/** __free_pages: drop the reference alloc_pages(order) gave; the last one frees the block.
 *  Matches: mm/page_alloc.c __free_pages() for a non-compound block. */
export function __free_pages(pfn: u32, order: u32): void {
  assert(order <= MAX_PAGE_ORDER, "__free_pages above MAX_PAGE_ORDER");
  if (pfn == ZERO_PFN) return;
  const ref = page_ref(pfn);
  assert(ref > 0, "__free_pages on a free block");
  page_set_ref(pfn, ref - 1);
  if (ref > 1) return;
  const n = <u32>1 << order;
  for (let i: u32 = 0; i < n; i++) {
    if (DEBUG_VM && i != 0) assert(page_ref(pfn + i) == 0, "tail page of a block has references");
    free_page_prepare(pfn + i);
  }
  __free_one_page(pfn, order);
}

/** alloc_page: one frame with refcount 1, contents undefined. Returns 0 when memory is exhausted. */
export function alloc_page(): u32 {
  return alloc_pages(0);
}

/** alloc_zeroed_page: alloc_page with the contents cleared. */
export function alloc_zeroed_page(): u32 {
  const pfn = alloc_pages(0);
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
  free_page_prepare(pfn);
  __free_one_page(pfn, 0);
}

/** validate_free_lists: DEBUG_VM walk of every free list and of mem_map. Checks each block's
 *  order, alignment, bounds, list links and that no free block overlaps another, then that the
 *  per-order counts and nr_free add up. O(nr_frames); bounded by it. */
export function validate_free_lists(): void {
  if (!DEBUG_VM) return;
  let pages: u32 = 0;
  let heads: u32 = 0;
  for (let order: u32 = 0; order <= MAX_PAGE_ORDER; order++) {
    const size = <u32>1 << order;
    let blocks: u32 = 0;
    let prev: u32 = 0;
    for (let pfn = area_head(order); pfn != 0; pfn = lru_next(pfn)) {
      blocks++;
      assert(blocks <= nr_frames, "free list loops");
      assert(pfn < nr_frames && size <= nr_frames - pfn, "free block outside the pool");
      assert((pfn & (size - 1)) == 0, "free block misaligned for its order");
      assert(PageBuddy(pfn), "block on a free list without PG_buddy");
      assert(page_private(pfn) == order, "free block on the wrong order's list");
      assert(lru_prev(pfn) == prev, "free list prev link broken");
      assert(page_ref(pfn) == 0, "free block has references");
      // A free block holding another block's head overlaps it.
      for (let i: u32 = 1; i < size; i++) assert(!PageBuddy(pfn + i), "free blocks overlap");
      pages += size;
      prev = pfn;
    }
    assert(blocks == free_area_nr_free(order), "free_area count disagrees with its list");
    heads += blocks;
  }
  assert(pages == nr_free, "nr_free disagrees with the free lists");
  let marked: u32 = 0;
  for (let pfn: u32 = 0; pfn < nr_frames; pfn++) if (PageBuddy(pfn)) marked++;
  assert(marked == heads, "a PG_buddy page is on no free list");
  assert(!PageBuddy(ZERO_PFN), "the zero page is free");
}
