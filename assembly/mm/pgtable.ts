// mm/pgtable.ts — Sv39 page tables in guest-physical frames.
// Owns: the three-level radix tree of each mm (pgd → pmd → pte, 512 entries of 8 bytes each).
// Derived from it: the software TLB (arch/um/tlb.ts), flushed whenever an entry loses
// permission or changes frame. The PTE bit layout is RISC-V's (arch/riscv/include/asm/
// pgtable-bits.h) so a dump reads like a real one; leaf PTEs always carry _PAGE_USER.

import { PAGE_SHIFT, TASK_SIZE } from "../include/mman";
import { alloc_zeroed_page, pfn_to_host, put_page, page_flags, page_set_flags, PG_table } from "./page_alloc";

export const _PAGE_PRESENT: u64 = 1 << 0;
export const _PAGE_READ: u64 = 1 << 1;
export const _PAGE_WRITE: u64 = 1 << 2;
export const _PAGE_EXEC: u64 = 1 << 3;
export const _PAGE_USER: u64 = 1 << 4;
export const _PAGE_GLOBAL: u64 = 1 << 5;
export const _PAGE_ACCESSED: u64 = 1 << 6;
export const _PAGE_DIRTY: u64 = 1 << 7;
export const _PAGE_SPECIAL: u64 = 1 << 8; // RSW: no struct-page refcounting (the zero page)
/** uffd-wp: the page is write-protected for its userfaultfd, not by vm_flags or COW. A write
 *  fault on it in a VM_UFFD_WP vma goes to the monitor (mm/memory.ts). The two RSW bits (8, 9)
 *  leave no room beside _PAGE_SPECIAL's neighbours we may want, so it takes bit 58, one of the
 *  bits Sv39 reserves above the PPN: only this software walker reads these tables, and pfns
 *  here fit in 32 bits, so pte_pfn() never sees it. DIVERGES: a hardware walker would fault on
 *  a reserved bit. Such a PTE never has _PAGE_WRITE (mm/userfaultfd.ts). */
export const _PAGE_UFFD_WP: u64 = <u64>1 << 58;
export const _PAGE_PFN_SHIFT: u32 = 10;
export const PTRS_PER_PTE: u32 = 512;

@inline export function pte_present(pte: u64): bool {
  return (pte & _PAGE_PRESENT) != 0;
}
@inline export function pte_uffd_wp(pte: u64): bool {
  return (pte & _PAGE_UFFD_WP) != 0;
}
@inline export function pte_pfn(pte: u64): u32 {
  return <u32>(pte >> _PAGE_PFN_SHIFT);
}
@inline export function pfn_pte(pfn: u32, prot: u64): u64 {
  return (<u64>pfn << _PAGE_PFN_SHIFT) | prot;
}
@inline function pgd_index(va: u64): usize {
  return <usize>((va >> 30) & 511);
}
@inline function pmd_index(va: u64): usize {
  return <usize>((va >> 21) & 511);
}
@inline function pte_index(va: u64): usize {
  return <usize>((va >> PAGE_SHIFT) & 511);
}

/** pgd_alloc: a zeroed top-level table. Returns its pfn, or 0 on -ENOMEM. */
export function pgd_alloc(): u32 {
  const pfn = alloc_zeroed_page();
  if (pfn != 0) page_set_flags(pfn, page_flags(pfn) | PG_table);
  return pfn;
}

/** Next-level table under *entry, allocated when absent and alloc is set. Returns a host pointer or 0. */
function table_next(entry: usize, alloc: bool): usize {
  const e = load<u64>(entry);
  if (e & _PAGE_PRESENT) return pfn_to_host(pte_pfn(e));
  if (!alloc) return 0;
  const pfn = alloc_zeroed_page();
  if (pfn == 0) return 0;
  page_set_flags(pfn, page_flags(pfn) | PG_table);
  store<u64>(entry, pfn_pte(pfn, _PAGE_PRESENT));
  return pfn_to_host(pfn);
}

/** pte_offset_map: host pointer of va's PTE slot, or 0 when an intermediate table is missing. */
export function pte_offset_map(pgd: u32, va: u64): usize {
  if (va >= TASK_SIZE) return 0;
  const pmd = table_next(pfn_to_host(pgd) + (pgd_index(va) << 3), false);
  if (pmd == 0) return 0;
  const pt = table_next(pmd + (pmd_index(va) << 3), false);
  if (pt == 0) return 0;
  return pt + (pte_index(va) << 3);
}

/** pte_alloc_map: like pte_offset_map, allocating missing tables. 0 means -ENOMEM. */
export function pte_alloc_map(pgd: u32, va: u64): usize {
  if (va >= TASK_SIZE) return 0;
  const pmd = table_next(pfn_to_host(pgd) + (pgd_index(va) << 3), true);
  if (pmd == 0) return 0;
  const pt = table_next(pmd + (pmd_index(va) << 3), true);
  if (pt == 0) return 0;
  return pt + (pte_index(va) << 3);
}

/** Lowest address above va that starts a new PTE table (the walkers skip empty tables by it). */
@inline export function pmd_addr_end(va: u64): u64 {
  return (va + (1 << 21)) & ~((<u64>1 << 21) - 1);
}

/** free_pgd_range: free every table page (not the leaf frames) and the pgd itself. */
export function free_pgtables(pgd: u32): void {
  const g = pfn_to_host(pgd);
  for (let i: usize = 0; i < PTRS_PER_PTE; i++) {
    const ge = load<u64>(g + (i << 3));
    if (!(ge & _PAGE_PRESENT)) continue;
    const m = pfn_to_host(pte_pfn(ge));
    for (let j: usize = 0; j < PTRS_PER_PTE; j++) {
      const me = load<u64>(m + (j << 3));
      if (me & _PAGE_PRESENT) put_page(pte_pfn(me));
    }
    put_page(pte_pfn(ge));
  }
  put_page(pgd);
}
