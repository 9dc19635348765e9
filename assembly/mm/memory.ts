// mm/memory.ts — page faults on a found vma, and tearing down page ranges.
// Owns: the transitions of a user PTE (none → zero page → private copy, COW break, reuse).
// Follows Linux mm/memory.c (6.18): do_anonymous_page, do_wp_page with wp_page_reuse and
// wp_page_copy, zap_pte_range. The caller (arch/um/fault.ts) found the vma and checked access.
// File faults follow do_read_fault, do_cow_fault and do_shared_fault through the page cache
// (mm/filemap.ts); a page past i_size is SIGBUS.
// DIVERGES: no THP, faults map 4 KiB pages; no fault-around.

import { ENOMEM } from "../include/errno";
import { PAGE_SIZE, PAGE_MASK, PAGE_SHIFT, VM_READ, VM_WRITE, VM_EXEC, VM_SHARED, VM_UFFD_WP, VM_UFFD_MISSING } from "../include/mman";
import {
  alloc_page, alloc_zeroed_page, pfn_to_host, put_page, get_page, page_ref, page_flags, page_set_flags,
  page_mapcount, page_set_mapcount, PG_anon, PG_swapbacked, PG_dirty, PG_anon_exclusive, ZERO_PFN,
} from "./page_alloc";
import { AddressSpace, AS_SHMEM, filemap_grab_folio } from "./filemap";
import {
  _PAGE_PRESENT, _PAGE_READ, _PAGE_WRITE, _PAGE_EXEC, _PAGE_USER, _PAGE_ACCESSED, _PAGE_DIRTY,
  _PAGE_SPECIAL, _PAGE_UFFD_WP, pte_alloc_map, pte_offset_map, pte_present, pte_pfn, pfn_pte, pmd_addr_end,
} from "./pgtable";
import { VmArea, MmStruct, update_hiwater_rss } from "./mm_types";
import { anon_vma_prepare } from "./rmap";
import { flush_tlb_range } from "../arch/um/tlb";
import { decode_cache_invalidate_pfn } from "../arch/um/decode_cache";

export const VM_FAULT_OOM: u32 = 0x000001;
export const VM_FAULT_SIGBUS: u32 = 0x000002;
export const VM_FAULT_SIGSEGV: u32 = 0x000040;
/** A write to a uffd-wp page of a VM_UFFD_WP vma: not resolved here. The caller hands it to
 *  the vma's userfaultfd (Linux calls handle_userfault() from do_wp_page; our kernel is above
 *  the core, so the fault travels up as this result and arch/um/fault.ts's stop code). */
export const VM_FAULT_UFFD_WP: u32 = 0x100000;
/** A fault on a missing page of a VM_UFFD_MISSING vma: the monitor fills it (UFFDIO_COPY or
 *  UFFDIO_ZEROPAGE). Travels up like VM_FAULT_UFFD_WP. */
export const VM_FAULT_UFFD_MISSING: u32 = 0x200000;

export const FAULT_FLAG_WRITE: u32 = 1 << 0;
/** Break COW without granting write (R/O pins, mm/gup.ts): the page becomes exclusive anon. */
export const FAULT_FLAG_UNSHARE: u32 = 1 << 10;
export const FAULT_FLAG_INSTRUCTION: u32 = 1 << 8;

/** vm_get_page_prot: the PTE bits vm_flags allow. Writes to private mappings start without
 *  _PAGE_WRITE; the first write fault grants it (do_wp_page) once the page is ours alone.
 *  RISC-V has no write-only PTE: write implies read (arch/riscv protection_map). */
export function vm_get_page_prot(vm_flags: u64): u64 {
  let prot = _PAGE_PRESENT | _PAGE_USER;
  if (vm_flags & (VM_READ | VM_WRITE)) prot |= _PAGE_READ;
  if ((vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED)) prot |= _PAGE_WRITE;
  if (vm_flags & VM_EXEC) prot |= _PAGE_EXEC;
  return prot;
}

/** add_mm_counter for the page's kind: MM_ANONPAGES, MM_SHMEMPAGES or MM_FILEPAGES. */
export function mm_counter_add(mm: MmStruct, pfn: u32, delta: i32): void {
  const f = page_flags(pfn);
  if (f & PG_anon) mm.rss_anon += <u64><i64>delta;
  else if (f & PG_swapbacked) mm.rss_shmem += <u32>delta;
  else mm.rss_file += <u32>delta;
}

/** do_anonymous_page: first touch of an anonymous page. Reads map the shared zero page;
 *  writes get a zeroed private page mapped writable. */
function do_anonymous_page(mm: MmStruct, vma: VmArea, ptep: usize, flags: u32): u32 {
  // userfaultfd_missing: reads too, as Linux asks before mapping the zero page.
  if (vma.vm_flags & VM_UFFD_MISSING) return VM_FAULT_UFFD_MISSING;
  const prot = vm_get_page_prot(vma.vm_flags);
  if (!(flags & FAULT_FLAG_WRITE)) {
    store<u64>(ptep, pfn_pte(ZERO_PFN, (prot & ~_PAGE_WRITE) | _PAGE_SPECIAL | _PAGE_ACCESSED));
    return 0;
  }
  // Private pages belong to an anon_vma (shared anonymous memory is shmem's in Linux).
  if (!(vma.vm_flags & VM_SHARED) && anon_vma_prepare(vma) != 0) return VM_FAULT_OOM;
  const pfn = alloc_zeroed_page();
  if (pfn == 0) return VM_FAULT_OOM;
  page_set_flags(pfn, page_flags(pfn) | PG_anon | PG_anon_exclusive);
  page_set_mapcount(pfn, 1);
  mm.rss_anon++;
  store<u64>(ptep, pfn_pte(pfn, prot | _PAGE_WRITE | _PAGE_ACCESSED | _PAGE_DIRTY));
  return 0;
}

/** wp_page_reuse: the faulting page is exclusively ours; make the PTE writable in place (a
 *  stale uffd-wp bit of an unregistered vma goes with the protection). */
function wp_page_reuse(ptep: usize, pte: u64): u32 {
  store<u64>(ptep, (pte & ~_PAGE_UFFD_WP) | _PAGE_WRITE | _PAGE_ACCESSED | _PAGE_DIRTY);
  return 0;
}

/** wp_page_copy: give this mm its own, exclusive copy of a shared, zero or page cache page;
 *  writable, or read-only when the fault only unshares. */
function wp_page_copy(mm: MmStruct, vma: VmArea, ptep: usize, pte: u64, addr: u64, unshare: bool): u32 {
  const old = pte_pfn(pte);
  if (anon_vma_prepare(vma) != 0) return VM_FAULT_OOM;
  const pfn = old == ZERO_PFN ? alloc_zeroed_page() : alloc_page();
  if (pfn == 0) return VM_FAULT_OOM;
  if (old != ZERO_PFN) memory.copy(pfn_to_host(pfn), pfn_to_host(old), <usize>PAGE_SIZE);
  page_set_flags(pfn, page_flags(pfn) | PG_anon | PG_anon_exclusive);
  page_set_mapcount(pfn, 1);
  mm.rss_anon++;
  let prot = vm_get_page_prot(vma.vm_flags) | _PAGE_ACCESSED;
  if (!unshare) prot |= _PAGE_WRITE | _PAGE_DIRTY;
  store<u64>(ptep, pfn_pte(pfn, prot));
  flush_tlb_range(changetype<usize>(mm), addr, addr + PAGE_SIZE);
  if (old != ZERO_PFN) {
    page_set_mapcount(old, page_mapcount(old) - 1);
    mm_counter_add(mm, old, -1);
    put_page(old);
  }
  return 0;
}

/** do_wp_page: a write (or, with unshare, a R/O pin's unshare) to a present, write-protected
 *  page of a writable vma. Private mappings reuse an anonymous page that is exclusive, or
 *  that nobody else references any more (wp_can_reuse_anon_folio; a pin's bias keeps that
 *  false), and copy anything else; an unshare never grants write. */
function do_wp_page(mm: MmStruct, vma: VmArea, ptep: usize, pte: u64, addr: u64, unshare: bool): u32 {
  const pfn = pte_pfn(pte);
  if (vma.vm_flags & VM_SHARED) {
    if (unshare) return 0; // nothing to unshare in a shared mapping
    // wp_page_shared: the page cache page itself takes the write.
    page_set_flags(pfn, page_flags(pfn) | PG_dirty);
    return wp_page_reuse(ptep, pte);
  }
  const f = pfn == ZERO_PFN ? 0 : page_flags(pfn);
  if ((f & PG_anon) && ((f & PG_anon_exclusive) || page_ref(pfn) == 1)) {
    page_set_flags(pfn, f | PG_anon_exclusive);
    if (unshare) return 0;
    return wp_page_reuse(ptep, pte);
  }
  return wp_page_copy(mm, vma, ptep, pte, addr, unshare);
}

/** do_fault: first touch of a page of a file mapping. Reads and shared writes map the page
 *  cache page; a write to a private mapping maps a private copy of it (do_cow_fault). */
function do_fault(mm: MmStruct, vma: VmArea, ptep: usize, addr: u64, flags: u32): u32 {
  const as = changetype<AddressSpace>(<usize>vma.vm_file);
  const index = vma.vm_pgoff + ((addr - vma.vm_start) >> PAGE_SHIFT);
  if (index >= (as.i_size + PAGE_SIZE - 1) >> PAGE_SHIFT) return VM_FAULT_SIGBUS;
  const r = filemap_grab_folio(as, index);
  if (r < 0) return r == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
  const pfn = <u32>r;
  const prot = vm_get_page_prot(vma.vm_flags) | _PAGE_ACCESSED;
  if ((flags & FAULT_FLAG_WRITE) && !(vma.vm_flags & VM_SHARED)) {
    if (anon_vma_prepare(vma) != 0) return VM_FAULT_OOM;
    const copy = alloc_page();
    if (copy == 0) return VM_FAULT_OOM;
    memory.copy(pfn_to_host(copy), pfn_to_host(pfn), <usize>PAGE_SIZE);
    page_set_flags(copy, page_flags(copy) | PG_anon | PG_anon_exclusive);
    page_set_mapcount(copy, 1);
    mm.rss_anon++;
    store<u64>(ptep, pfn_pte(copy, prot | _PAGE_WRITE | _PAGE_DIRTY));
    return 0;
  }
  get_page(pfn);
  page_set_mapcount(pfn, page_mapcount(pfn) + 1);
  mm_counter_add(mm, pfn, 1);
  let bits = prot;
  // vma_wants_writenotify: a file with a backing store learns of the first store to each clean
  // page (its write fault dirties the page for writeback); shmem needs no such notice.
  if (!(flags & FAULT_FLAG_WRITE) && !(as.flags & AS_SHMEM)) bits &= ~_PAGE_WRITE;
  if (flags & FAULT_FLAG_WRITE) {
    bits |= _PAGE_DIRTY;
    page_set_flags(pfn, page_flags(pfn) | PG_dirty);
  }
  store<u64>(ptep, pfn_pte(pfn, bits));
  return 0;
}

/** handle_mm_fault: resolve a fault at addr in vma, access already checked against vm_flags.
 *  Returns 0 or a VM_FAULT_* code. Matches mm/memory.c handle_mm_fault(). */
export function handle_mm_fault(mm: MmStruct, vma: VmArea, addr: u64, flags: u32): u32 {
  addr &= PAGE_MASK;
  const ptep = pte_alloc_map(mm.pgd, addr);
  if (ptep == 0) return VM_FAULT_OOM;
  const pte = load<u64>(ptep);
  if (!pte_present(pte)) {
    return vma.vm_file != 0 ? do_fault(mm, vma, ptep, addr, flags) : do_anonymous_page(mm, vma, ptep, flags);
  }
  if ((flags & FAULT_FLAG_WRITE) && !(pte & _PAGE_WRITE)) {
    // userfaultfd_pte_wp: the monitor decides when this page may be written.
    if ((pte & _PAGE_UFFD_WP) && (vma.vm_flags & VM_UFFD_WP)) return VM_FAULT_UFFD_WP;
    return do_wp_page(mm, vma, ptep, pte, addr, false);
  }
  if (flags & FAULT_FLAG_UNSHARE) return do_wp_page(mm, vma, ptep, pte, addr, true);
  // Present with enough permission: another path filled it already (a spurious fault).
  store<u64>(ptep, pte | _PAGE_ACCESSED);
  return 0;
}

/** zap_page_range: unmap [start, end) of mm, dropping each page's reference. */
export function zap_page_range(mm: MmStruct, start: u64, end: u64): void {
  zap_page_range_mapping(mm, start, end, true);
}

/** zap_page_range with zap_details: without even_cows, private (anonymous) copies stay. */
export function zap_page_range_mapping(mm: MmStruct, start: u64, end: u64, even_cows: bool): void {
  update_hiwater_rss(mm);
  let addr = start;
  while (addr < end) {
    const ptep = pte_offset_map(mm.pgd, addr);
    if (ptep == 0) {
      addr = pmd_addr_end(addr);
      continue;
    }
    const pte = load<u64>(ptep);
    if (pte_present(pte)) {
      const pfn = pte_pfn(pte);
      const special = (pte & _PAGE_SPECIAL) != 0;
      if (even_cows || special || !(page_flags(pfn) & PG_anon)) {
        store<u64>(ptep, 0);
        if (!special) {
          if ((pte & _PAGE_DIRTY) && !(page_flags(pfn) & PG_anon)) page_set_flags(pfn, page_flags(pfn) | PG_dirty);
          mm_counter_add(mm, pfn, -1);
          page_set_mapcount(pfn, page_mapcount(pfn) - 1);
          put_page(pfn);
        }
      }
    }
    addr += PAGE_SIZE;
  }
  flush_tlb_range(changetype<usize>(mm), start, end);
}

/** change_protection: rewrite the PTEs of [start, end) for new vm_flags. Write permission is
 *  only ever removed here; a later write fault re-grants it where the page is ours. */
export function change_protection(mm: MmStruct, start: u64, end: u64, vm_flags: u64): void {
  const prot = vm_get_page_prot(vm_flags);
  const keep = prot & (_PAGE_READ | _PAGE_EXEC | _PAGE_WRITE);
  let addr = start;
  while (addr < end) {
    const ptep = pte_offset_map(mm.pgd, addr);
    if (ptep == 0) {
      addr = pmd_addr_end(addr);
      continue;
    }
    const pte = load<u64>(ptep);
    if (pte_present(pte)) {
      let bits = pte & ~(_PAGE_READ | _PAGE_EXEC | _PAGE_WRITE);
      bits |= keep & (_PAGE_READ | _PAGE_EXEC);
      // Keep an already granted write if the vma still allows writes.
      if ((pte & _PAGE_WRITE) && (vm_flags & VM_WRITE)) bits |= _PAGE_WRITE;
      store<u64>(ptep, bits);
    }
    addr += PAGE_SIZE;
  }
  flush_tlb_range(changetype<usize>(mm), start, end);
}

/** Called by uaccess after a kernel write to a user page, so decoded code stays coherent. */
export function flush_icache_user_page(pfn: u32): void {
  decode_cache_invalidate_pfn(pfn);
}
