// mm/fork.ts — dup_mmap: the address space of a fork()ed child, copy-on-write.
// Follows Linux kernel/fork.c dup_mmap() and mm/memory.c copy_page_range() (6.18): every vma
// is copied except VM_DONTCOPY ones; the PTEs only of vmas with an anon_vma (vma_needs_copy:
// shared and read-only file pages are faulted in again by the child); present anonymous pages
// become shared and read-only in both mms and lose PageAnonExclusive (the first write in either copies or reuses them,
// mm/memory.c do_wp_page), except pinned exclusive pages, which the child gets a copy of at
// once (copy_present_page); VM_WIPEONFORK vmas are copied empty. The parent's TLB loses its
// write entries.
// Each copied vma with pages gets an anon_vma of its own, a child of the parent vma's
// (anon_vma_fork), which keeps it from merging with another's pages later.
// userfaultfd: no context here offers UFFD_FEATURE_EVENT_FORK, so a child's vma never stays
// registered (dup_userfaultfd drops the context and VM_UFFD_*), and its PTEs lose the uffd-wp
// bit (copy_present_pte keeps it only while the child's vma has VM_UFFD_WP).
// DIVERGES: no reverse map: a page's sharing is told by its refcount alone.

import { ENOMEM } from "../include/errno";
import { PAGE_SIZE, VM_SHARED, VM_DONTCOPY, VM_WIPEONFORK, VM_UFFD_WP, __VM_UFFD_FLAGS } from "../include/mman";
import { MmStruct, VmArea } from "./mm_types";
import { mm_alloc, exit_mmap } from "./mmap";
import { vm_area_dup, vm_area_free, vma_link, vma_first, vma_next, validate_mm } from "./vma";
import { anon_vma_fork } from "./rmap";
import {
  pte_offset_map, pte_alloc_map, pte_present, pte_pfn, pmd_addr_end, _PAGE_WRITE, _PAGE_SPECIAL,
  _PAGE_ACCESSED, _PAGE_PFN_SHIFT, pfn_pte, _PAGE_UFFD_WP,
} from "./pgtable";
import {
  get_page, page_mapcount, page_set_mapcount, page_flags, page_set_flags, page_maybe_dma_pinned, alloc_page,
  pfn_to_host, PG_anon, PG_anon_exclusive,
} from "./page_alloc";
import { flush_tlb_range } from "../arch/um/tlb";
import { mm_counter_add } from "./memory";

/** copy_page_range: share src's present pages of vma with dst, write-protecting private ones.
 *  dst_vma is the child's copy of vma. */
function copy_page_range(dst: MmStruct, src: MmStruct, vma: VmArea, dst_vma: VmArea): i32 {
  const cow = (vma.vm_flags & VM_SHARED) == 0;
  let addr = vma.vm_start;
  while (addr < vma.vm_end) {
    const sp = pte_offset_map(src.pgd, addr);
    if (sp == 0) {
      addr = pmd_addr_end(addr);
      continue;
    }
    let pte = load<u64>(sp);
    if (pte_present(pte)) {
      const dp = pte_alloc_map(dst.pgd, addr);
      if (dp == 0) return -ENOMEM;
      const pfn = pte_pfn(pte);
      if (cow && !(pte & _PAGE_SPECIAL) && (page_flags(pfn) & (PG_anon | PG_anon_exclusive)) == (PG_anon | PG_anon_exclusive) &&
        page_maybe_dma_pinned(pfn)) {
        // copy_present_page: a pinned exclusive page stays the parent's, writable; the child
        // gets its own copy now, or the pin would see the child's writes (or lose the parent's).
        const copy = alloc_page();
        if (copy == 0) return -ENOMEM;
        memory.copy(pfn_to_host(copy), pfn_to_host(pfn), <usize>PAGE_SIZE);
        page_set_flags(copy, page_flags(copy) | PG_anon | PG_anon_exclusive);
        page_set_mapcount(copy, 1);
        dst.rss_anon++;
        store<u64>(dp, pfn_pte(copy, pte & ((<u64>1 << _PAGE_PFN_SHIFT) - 1) & ~_PAGE_ACCESSED));
        addr += PAGE_SIZE;
        continue;
      }
      if (cow && !(pte & _PAGE_SPECIAL) && (page_flags(pfn) & PG_anon)) {
        // Both mms map it now: neither may reuse it on a write fault without checking.
        page_set_flags(pfn, page_flags(pfn) & ~PG_anon_exclusive);
      }
      if (cow) {
        pte &= ~_PAGE_WRITE;
        store<u64>(sp, pte);
      }
      // The child's entry starts old, as copy_present_ptes() makes it (pte_mkold): smaps'
      // Referenced then counts only what the child itself touched.
      let child_pte = pte & ~_PAGE_ACCESSED;
      if (!(dst_vma.vm_flags & VM_UFFD_WP)) child_pte &= ~_PAGE_UFFD_WP;
      if (!(pte & _PAGE_SPECIAL)) {
        get_page(pfn);
        page_set_mapcount(pfn, page_mapcount(pfn) + 1);
        mm_counter_add(dst, pfn, 1);
      }
      store<u64>(dp, child_pte);
    }
    addr += PAGE_SIZE;
  }
  return 0;
}

/** vma_needs_copy (mm/memory.c): only a vma with an anon_vma may hold pages a fault could not
 *  bring back (private anonymous or COW copies); the PTEs of any other vma (shared memory,
 *  file pages only read) are left for the child to fault in again. No VM_PFNMAP vmas exist
 *  here, and a child's vma never keeps a uffd-wp registration (see above). */
function vma_needs_copy(src: VmArea): bool {
  return src.anon_vma != 0;
}

/** dup_mmap: a new mm that is a copy-on-write duplicate of oldmm.
 *  Returns the new mm, or null on -ENOMEM (everything it had allocated is released). */
export function dup_mmap(oldmm: MmStruct): MmStruct | null {
  const mm = mm_alloc();
  if (mm == null) return null;
  mm.start_brk = oldmm.start_brk;
  mm.brk = oldmm.brk;
  mm.mmap_base = oldmm.mmap_base;
  mm.start_stack = oldmm.start_stack;
  mm.stack_rlimit = oldmm.stack_rlimit;
  mm.rlimit_as = oldmm.rlimit_as;
  mm.memlock_limit = oldmm.memlock_limit;
  mm.hiwater_vm = oldmm.hiwater_vm;
  mm.hiwater_rss = oldmm.hiwater_rss; // dup_mm() starts from a copy of the parent's mm_struct
  let prev: VmArea | null = null;
  for (let v = vma_first(oldmm); v != null; v = vma_next(changetype<VmArea>(v))) {
    const src = changetype<VmArea>(v);
    if (src.vm_flags & VM_DONTCOPY) continue;
    const n = vm_area_dup(src);
    if (n == null) {
      exit_mmap(mm);
      return null;
    }
    n.vm_mm = changetype<u32>(mm);
    // dup_userfaultfd without UFFD_FEATURE_EVENT_FORK: the child's copy is not registered.
    n.vm_userfaultfd_ctx = 0;
    n.vm_flags &= ~__VM_UFFD_FLAGS;
    // A wiped vma starts empty, as a fresh mapping: it needs no anon_vma (Linux: tmp->anon_vma
    // = NULL for VM_WIPEONFORK).
    if (!(src.vm_flags & VM_WIPEONFORK) && anon_vma_fork(n, src) != 0) {
      vm_area_free(n);
      exit_mmap(mm);
      return null;
    }
    vma_link(mm, n, prev);
    prev = n;
    mm.total_vm += (src.vm_end - src.vm_start) >> 12;
    if (src.vm_flags & VM_WIPEONFORK) continue;
    if (!vma_needs_copy(src)) continue;
    if (copy_page_range(mm, oldmm, src, n) != 0) {
      exit_mmap(mm);
      return null;
    }
  }
  // The parent's writable translations are gone from its page tables: drop them from the TLB.
  flush_tlb_range(changetype<usize>(oldmm), 0, 0x40_0000_0000);
  validate_mm(mm);
  return mm;
}
