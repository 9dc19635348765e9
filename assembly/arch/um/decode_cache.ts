// arch/um/decode_cache.ts — decoded instructions cached per physical frame.
// Owns: a pool of decoded pages (one slot per 2-byte offset: 2048 slots of 16 bytes) and their
// association with frames (struct page private + PG_code). A frame's decoded page is only a
// cache of its bytes: stores to a PG_code frame (which never get a write TLB entry), kernel
// writes through uaccess, and freeing the frame all clear it. Coherence is therefore stronger
// than RISC-V requires (fence.i is a no-op here).

import { PAGE_SIZE } from "../../include/mman";
import {
  page_flags, page_set_flags, page_private, page_set_private, pfn_to_host, PG_code,
  page_alloc_set_free_hook,
} from "../../mm/page_alloc";
import { tlb_flush_write_host, tlb_flush_all } from "./tlb";
import { SLOT_SIZE, OP_PAGE_END } from "./decode";

/** The slots of one page: one per 2-byte offset. */
export const DPAGE_SIZE: u32 = <u32>(PAGE_SIZE >> 1) * SLOT_SIZE;
/** Two OP_PAGE_END slots follow (a 2- or 4-byte instruction at the page's end steps onto one). */
export const DPAGE_STRIDE: u32 = DPAGE_SIZE + 2 * SLOT_SIZE;
/** Set on a PG_code frame once any slot is decoded, so repeated stores clear it only once. */
export const PG_decoded: u32 = 1 << 4;

let dpage_max: u32 = 0;
let dpage_count: u32 = 0;
let dpage_owner: usize = 0; // u32 pfn per dpage index, 0 = free
let dpage_base: usize = 0; // dpage_count pages, allocated as needed
let dpage_free: usize = 0; // u32 stack of free dpage indices
let dpage_nr_free: u32 = 0;

export function decode_cache_init(max: u32): void {
  dpage_max = max;
  dpage_owner = heap.alloc(<usize>max << 2);
  memory.fill(dpage_owner, 0, <usize>max << 2);
  dpage_free = heap.alloc(<usize>max << 2);
  dpage_base = heap.alloc(<usize>max * DPAGE_STRIDE);
  page_alloc_set_free_hook(decode_cache_release);
}

@inline function dpage_addr(i: u32): usize {
  return dpage_base + <usize>i * DPAGE_STRIDE;
}

/** Clear a decoded page: every slot undecoded, the two end slots in place. */
export function dpage_clear(d: usize): void {
  memory.fill(d, 0, DPAGE_SIZE);
  store<u8>(d + DPAGE_SIZE, <u8>OP_PAGE_END);
  store<u8>(d + DPAGE_SIZE + SLOT_SIZE, <u8>OP_PAGE_END);
}

/** Drop every decoded page (the pool ran dry): all frames lose PG_code. */
function decode_cache_reset(): void {
  for (let i: u32 = 0; i < dpage_count; i++) {
    const pfn = load<u32>(dpage_owner + (<usize>i << 2));
    if (pfn != 0) {
      page_set_flags(pfn, page_flags(pfn) & ~(PG_code | PG_decoded));
      page_set_private(pfn, 0);
      store<u32>(dpage_owner + (<usize>i << 2), 0);
    }
    store<u32>(dpage_free + (<usize>i << 2), i);
  }
  dpage_nr_free = dpage_count;
  tlb_flush_all();
}

/** The decoded page of frame pfn, attached on first execution. */
export function decode_cache_get(pfn: u32): usize {
  const flags = page_flags(pfn);
  if (flags & PG_code) return <usize>page_private(pfn);
  if (dpage_nr_free == 0 && dpage_count == dpage_max) decode_cache_reset();
  let i: u32;
  if (dpage_nr_free > 0) {
    dpage_nr_free--;
    i = load<u32>(dpage_free + (<usize>dpage_nr_free << 2));
  } else {
    i = dpage_count++;
  }
  const d = dpage_addr(i);
  dpage_clear(d);
  store<u32>(dpage_owner + (<usize>i << 2), pfn);
  page_set_private(pfn, <u32>d);
  page_set_flags(pfn, page_flags(pfn) | PG_code);
  // From now on stores to this frame must see the slow path.
  tlb_flush_write_host(pfn_to_host(pfn));
  return d;
}

@inline export function decode_cache_mark(pfn: u32): void {
  page_set_flags(pfn, page_flags(pfn) | PG_decoded);
}

/** A store hit a code frame: forget its decoded instructions (they are re-decoded lazily). */
export function decode_cache_invalidate_pfn(pfn: u32): void {
  const flags = page_flags(pfn);
  if ((flags & (PG_code | PG_decoded)) != (PG_code | PG_decoded)) return;
  memory.fill(<usize>page_private(pfn), 0, DPAGE_SIZE);
  page_set_flags(pfn, flags & ~PG_decoded);
}

/** The frame is being freed: its decoded page returns to the pool. */
function decode_cache_release(pfn: u32): void {
  const d = <usize>page_private(pfn);
  const i = <u32>((d - dpage_base) / DPAGE_STRIDE);
  store<u32>(dpage_owner + (<usize>i << 2), 0);
  store<u32>(dpage_free + (<usize>dpage_nr_free << 2), i);
  dpage_nr_free++;
  page_set_private(pfn, 0);
}
