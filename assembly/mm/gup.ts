// mm/gup.ts — pinning user pages (pin_user_pages, FOLL_PIN): what a driver doing DMA, or a
// kernel path that holds user memory across time, takes. Follows Linux mm/gup.c (6.18) with
// the reliable R/O long-term pinning of the seeded series: a R/O FOLL_LONGTERM pin in a COW
// mapping first breaks COW with FAULT_FLAG_UNSHARE (the zero page, a page cache page or a
// shared anonymous page becomes an exclusive anonymous page, still mapped read-only), so the
// pin and the process keep seeing the same page whatever either writes later.
// A pin adds GUP_PIN_COUNTING_BIAS to the refcount; fork copies pinned exclusive pages for the
// child (mm/fork.ts) and a write fault never reuses a page a pin holds unless it is exclusive.

import { EFAULT, ENOMEM } from "../include/errno";
import { PAGE_MASK, PAGE_SIZE, VM_READ, VM_WRITE, VM_SHARED, VM_MAYWRITE, VM_IO, VM_PFNMAP } from "../include/mman";
import { MmStruct, VmArea } from "./mm_types";
import { find_vma } from "./vma";
import { pte_offset_map, pte_present, pte_pfn, _PAGE_WRITE } from "./pgtable";
import {
  page_flags, page_ref, page_set_ref, put_page, PG_anon, PG_anon_exclusive, GUP_PIN_COUNTING_BIAS, ZERO_PFN,
} from "./page_alloc";
import {
  handle_mm_fault, FAULT_FLAG_WRITE, FAULT_FLAG_UNSHARE, VM_FAULT_OOM,
} from "./memory";

export const FOLL_WRITE: u32 = 0x01;
export const FOLL_LONGTERM: u32 = 0x100;

/** is_cow_mapping: private and could be written (a write would copy). */
@inline function is_cow_mapping(flags: u64): bool {
  return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/** gup_must_unshare: a R/O pin of this page would not stay coherent with the process. Anonymous
 *  pages need it unless exclusive; in a COW mapping anything else (zero page, page cache) only
 *  for FOLL_LONGTERM pins. */
function gup_must_unshare(vma: VmArea, gup_flags: u32, pfn: u32): bool {
  if (gup_flags & FOLL_WRITE) return false;
  if (!is_cow_mapping(vma.vm_flags)) return false;
  const f = pfn == ZERO_PFN ? 0 : page_flags(pfn);
  if (f & PG_anon) return (f & PG_anon_exclusive) == 0;
  return (gup_flags & FOLL_LONGTERM) != 0;
}

/** check_vma_flags: whether GUP may touch vma for gup_flags. */
function check_vma_flags(vma: VmArea, gup_flags: u32): bool {
  if (vma.vm_flags & (VM_IO | VM_PFNMAP)) return false;
  if (gup_flags & FOLL_WRITE) return (vma.vm_flags & VM_WRITE) != 0;
  return (vma.vm_flags & VM_READ) != 0;
}

/** pin_user_pages: pin nr pages from start (page aligned) into pfns (u32 each). Returns how
 *  many were pinned (they stay pinned even on a later error), or -EFAULT / -ENOMEM when the
 *  first one fails. Matches __get_user_pages + try_grab_folio(FOLL_PIN). */
export function pin_user_pages(mm: MmStruct, start: u64, nr: u32, gup_flags: u32, pfns: usize): i64 {
  let done: u32 = 0;
  while (done < nr) {
    const addr = (start & PAGE_MASK) + <u64>done * PAGE_SIZE;
    const vma = find_vma(mm, addr);
    let err: i32 = 0;
    if (vma == null || vma.vm_start > addr || !check_vma_flags(vma, gup_flags)) err = -EFAULT;
    let pfn: u32 = ZERO_PFN;
    let found = false;
    // follow_page, then faultin_page until the entry is what the pin needs.
    for (let tries = 0; err == 0 && tries < 4; tries++) {
      const ptep = pte_offset_map(mm.pgd, addr);
      const pte = ptep == 0 ? <u64>0 : load<u64>(ptep);
      let fault: u32 = 0xffffffff;
      if (!pte_present(pte)) fault = gup_flags & FOLL_WRITE ? FAULT_FLAG_WRITE : 0;
      else if ((gup_flags & FOLL_WRITE) && !(pte & _PAGE_WRITE)) fault = FAULT_FLAG_WRITE;
      else if (gup_must_unshare(changetype<VmArea>(vma), gup_flags, pte_pfn(pte))) fault = FAULT_FLAG_UNSHARE;
      if (fault == 0xffffffff) {
        pfn = pte_pfn(pte);
        found = true;
        break;
      }
      const r = handle_mm_fault(mm, changetype<VmArea>(vma), addr, fault);
      if (r != 0) err = r & VM_FAULT_OOM ? -ENOMEM : -EFAULT;
    }
    if (err == 0 && !found) err = -EFAULT; // the fault kept leaving it unusable
    if (err != 0) return done > 0 ? <i64>done : <i64>err;
    // The shared zero page is never refcounted, pinned or not (try_grab_folio skips it).
    if (pfn != ZERO_PFN) page_set_ref(pfn, page_ref(pfn) + GUP_PIN_COUNTING_BIAS);
    store<u32>(pfns + (<usize>done << 2), pfn);
    done++;
  }
  return done;
}

/** unpin_user_page: drop a pin; the page goes when nothing else holds it. */
export function unpin_user_page(pfn: u32): void {
  if (pfn == ZERO_PFN) return;
  assert(page_ref(pfn) >= GUP_PIN_COUNTING_BIAS, "unpin of a page that is not pinned");
  page_set_ref(pfn, page_ref(pfn) - GUP_PIN_COUNTING_BIAS + 1);
  put_page(pfn);
}
