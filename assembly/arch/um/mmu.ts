// arch/um/mmu.ts — TLB refill and the slow paths of guest loads and stores.
// The executor's fast path handles an access that stays inside one page and hits the TLB;
// everything else comes here: misses walk the page tables (and fault), accesses that cross a
// page go byte by byte (Linux emulates misaligned accesses for user space), and stores to
// frames with decoded code invalidate that cache. On failure mmu_fault is set together with
// fault_signo/fault_code and mmu_fault_addr, and nothing architectural has changed.

import { PAGE_SHIFT, PAGE_MASK } from "../../include/mman";
import { MmStruct } from "../../mm/mm_types";
import { host_to_pfn, pfn_to_host, page_flags, PG_code } from "../../mm/page_alloc";
import {
  pte_offset_map, pte_present, pte_pfn, _PAGE_READ, _PAGE_WRITE, _PAGE_EXEC, _PAGE_ACCESSED,
  _PAGE_DIRTY,
} from "../../mm/pgtable";
import { tlb_r, tlb_w, tlb_x, tlb_mm, tlb_set } from "./tlb";
import { do_page_fault, ACC_READ, ACC_WRITE, ACC_EXEC } from "./fault";
import { decode_cache_get, decode_cache_invalidate_pfn } from "./decode_cache";

export let mmu_fault: bool = false;
export let mmu_fault_addr: u64 = 0;

@inline function pte_allows(pte: u64, access: u32): bool {
  if (access == ACC_WRITE) return (pte & _PAGE_WRITE) != 0;
  if (access == ACC_EXEC) return (pte & _PAGE_EXEC) != 0;
  return (pte & _PAGE_READ) != 0;
}

/** Translate va for access in mm, faulting pages in. Returns the host address of the frame
 *  (page base), or 0 with fault_signo/fault_code set. Fills no TLB entry. */
export function mmu_translate(mm: MmStruct, va: u64, access: u32): usize {
  // A fault resolves the miss; a write to a zero page may take a second round (map, then
  // copy). A third failing round would be a kernel bug.
  for (let round = 0; round < 3; round++) {
    const ptep = pte_offset_map(mm.pgd, va);
    if (ptep != 0) {
      const pte = load<u64>(ptep);
      if (pte_present(pte) && pte_allows(pte, access)) {
        store<u64>(ptep, pte | _PAGE_ACCESSED | (access == ACC_WRITE ? _PAGE_DIRTY : 0));
        return pfn_to_host(pte_pfn(pte));
      }
    }
    if (!do_page_fault(mm, va, access)) return 0;
  }
  assert(false, "page fault resolved but the PTE still refuses the access");
  return 0;
}

/** tlb_fill: refill the TLB of the running mm for va. Returns the frame's host address or 0. */
export function tlb_fill(va: u64, access: u32): usize {
  const host = mmu_translate(changetype<MmStruct>(tlb_mm), va, access);
  if (host == 0) return 0;
  const vpn = va >> PAGE_SHIFT;
  const pfn = host_to_pfn(host);
  if (access == ACC_EXEC) {
    tlb_set(tlb_x, vpn, host, <u32>decode_cache_get(pfn));
  } else if (access == ACC_WRITE) {
    // A frame holding decoded code gets no write entry: its stores must invalidate the cache.
    if (!(page_flags(pfn) & PG_code)) tlb_set(tlb_w, vpn, host, pfn);
    else decode_cache_invalidate_pfn(pfn);
  } else {
    tlb_set(tlb_r, vpn, host, pfn);
  }
  return host;
}

@inline function host_of(va: u64, access: u32): usize {
  const table = access == ACC_WRITE ? tlb_w : access == ACC_READ ? tlb_r : tlb_x;
  const vpn = va >> PAGE_SHIFT;
  const e = table + (<usize>(vpn & 4095) << 4);
  if (load<u64>(e) == vpn) return <usize>load<u32>(e, 8);
  return tlb_fill(va, access);
}

function fail(va: u64): u64 {
  mmu_fault = true;
  mmu_fault_addr = va;
  return 0;
}

/** A load the fast path declined: a miss, or an access that crosses a page. */
export function mmu_load_slow(va: u64, size: u32): u64 {
  mmu_fault = false;
  const off = <u32>(va & ~PAGE_MASK);
  if (off + size <= 4096) {
    const h = host_of(va, ACC_READ);
    if (h == 0) return fail(va);
    const p = h + off;
    if (size == 1) return <u64>load<u8>(p);
    if (size == 2) return <u64>load<u16>(p);
    if (size == 4) return <u64>load<u32>(p);
    return load<u64>(p);
  }
  let v: u64 = 0;
  for (let i: u32 = 0; i < size; i++) {
    const a = va + i;
    const h = host_of(a, ACC_READ);
    if (h == 0) return fail(a);
    v |= <u64>load<u8>(h + <usize>(a & ~PAGE_MASK)) << (i << 3);
  }
  return v;
}

/** A store the fast path declined. All bytes are checked writable before any is written, so a
 *  faulting store that crosses a page changes nothing. */
export function mmu_store_slow(va: u64, size: u32, v: u64): void {
  mmu_fault = false;
  const off = <u32>(va & ~PAGE_MASK);
  const h0 = host_of(va, ACC_WRITE);
  if (h0 == 0) {
    fail(va);
    return;
  }
  if (off + size <= 4096) {
    const p = h0 + off;
    if (size == 1) store<u8>(p, <u8>v);
    else if (size == 2) store<u16>(p, <u16>v);
    else if (size == 4) store<u32>(p, <u32>v);
    else store<u64>(p, v);
    decode_cache_invalidate_pfn(host_to_pfn(h0));
    return;
  }
  const va1 = (va & PAGE_MASK) + 4096;
  const h1 = host_of(va1, ACC_WRITE);
  if (h1 == 0) {
    fail(va1);
    return;
  }
  for (let i: u32 = 0; i < size; i++) {
    const a = va + i;
    const h = a < va1 ? h0 : h1;
    store<u8>(h + <usize>(a & ~PAGE_MASK), <u8>(v >> (i << 3)));
  }
  decode_cache_invalidate_pfn(host_to_pfn(h0));
  decode_cache_invalidate_pfn(host_to_pfn(h1));
}

/** The frame holding the instruction bytes at va (for fetches that cross a page). */
export function mmu_fetch_host(va: u64): usize {
  mmu_fault = false;
  const h = host_of(va, ACC_EXEC);
  if (h == 0) fail(va);
  return h;
}

/** Host address of an aligned access of va that stays within one page (atomics), faulting
 *  the page in for access. Returns 0 with mmu_fault set on failure. */
export function mmu_host_for(va: u64, access: u32): usize {
  mmu_fault = false;
  const h = host_of(va, access);
  if (h == 0) {
    fail(va);
    return 0;
  }
  return h + <usize>(va & ~PAGE_MASK);
}
