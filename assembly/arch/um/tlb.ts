// arch/um/tlb.ts — the software TLB of the running mm.
// Owns: three direct-mapped tables (read, write, exec) of TLB_ENTRIES each, caching
// vpn → host address of the frame. Derived entirely from the page tables (mm/pgtable.ts): any
// entry may be dropped at any time. The mm flushes by range when a PTE loses permission or
// changes frame (flush_tlb_range), and everything when another mm is switched in.
// A write entry is never made for a frame holding decoded code (PG_code): such stores take
// the slow path so the decode cache stays coherent (see decode_cache.ts).
//   entry, 16 bytes: 0 tag u64 (vpn; all ones = empty) | 8 host u32 (frame) | 12 aux u32
//   (exec: the frame's decoded page; read/write: the pfn)

import { PAGE_SHIFT } from "../../include/mman";

export const TLB_BITS: u32 = 12;
export const TLB_ENTRIES: u32 = 1 << TLB_BITS;
export const TLB_ENTRY_SIZE: u32 = 16;
const TLB_EMPTY: u64 = 0xffff_ffff_ffff_ffff;

// Static tables: their addresses are compile-time constants, so the executor's TLB checks
// cost no register and no global load.
export const tlb_r: usize = memory.data(<i32>(TLB_ENTRIES * TLB_ENTRY_SIZE), 16);
export const tlb_w: usize = memory.data(<i32>(TLB_ENTRIES * TLB_ENTRY_SIZE), 16);
export const tlb_x: usize = memory.data(<i32>(TLB_ENTRIES * TLB_ENTRY_SIZE), 16);
/** The mm whose translations the TLB holds (0: none). */
export let tlb_mm: usize = 0;

export function tlb_init(): void {
  tlb_flush_all();
}

@inline export function tlb_slot(table: usize, vpn: u64): usize {
  return table + (<usize>(vpn & (TLB_ENTRIES - 1)) << 4);
}

function tlb_clear(table: usize): void {
  for (let i: u32 = 0; i < TLB_ENTRIES; i++) store<u64>(table + (<usize>i << 4), TLB_EMPTY);
}

export function tlb_flush_all(): void {
  tlb_clear(tlb_r);
  tlb_clear(tlb_w);
  tlb_clear(tlb_x);
}

/** switch_mm: make mm's translations the ones the TLB may hold. */
export function tlb_switch_mm(mm: usize): void {
  if (mm == tlb_mm) return;
  tlb_flush_all();
  tlb_mm = mm;
}

function tlb_flush_one(table: usize, vpn: u64): void {
  const e = tlb_slot(table, vpn);
  if (load<u64>(e) == vpn) store<u64>(e, TLB_EMPTY);
}

/** flush_tlb_range: drop mm's translations of [start, end). Cheap for short ranges. */
export function flush_tlb_range(mm: usize, start: u64, end: u64): void {
  if (mm != tlb_mm) return;
  const first = start >> PAGE_SHIFT;
  const last = (end + (1 << PAGE_SHIFT) - 1) >> PAGE_SHIFT;
  if (last - first >= <u64>TLB_ENTRIES) {
    tlb_flush_all();
    return;
  }
  for (let vpn = first; vpn < last; vpn++) {
    tlb_flush_one(tlb_r, vpn);
    tlb_flush_one(tlb_w, vpn);
    tlb_flush_one(tlb_x, vpn);
  }
}

/** Drop write entries that point at a frame (it just started holding decoded code). */
export function tlb_flush_write_host(host: usize): void {
  for (let i: u32 = 0; i < TLB_ENTRIES; i++) {
    const e = tlb_w + (<usize>i << 4);
    if (load<u64>(e) != TLB_EMPTY && <usize>load<u32>(e, 8) == host) store<u64>(e, TLB_EMPTY);
  }
}

@inline export function tlb_set(table: usize, vpn: u64, host: usize, aux: u32): void {
  const e = tlb_slot(table, vpn);
  store<u64>(e, vpn);
  store<u32>(e, <u32>host, 8);
  store<u32>(e, aux, 12);
}
