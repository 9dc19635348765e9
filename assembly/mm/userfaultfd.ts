// mm/userfaultfd.ts — the address-space side of userfaultfd: registering ranges of vmas with a
// context, and write-protecting their pages (UFFDIO_WRITEPROTECT).
// Owns: VM_UFFD_MISSING / VM_UFFD_WP with vm_userfaultfd_ctx on each vma, and the uffd-wp bit
// of PTEs (_PAGE_UFFD_WP, mm/pgtable.ts). The contexts themselves (their messages and the
// threads waiting on them) are the kernel's (kernel/fs/userfaultfd.ts); here a context is the
// kernel's nonzero u32 id.
// Invariants: a PTE with _PAGE_UFFD_WP has no _PAGE_WRITE; a vma with VM_UFFD_* flags has a
// context and one without has none; vmas of different contexts never merge (vma_merge.ts).
// Follows Linux fs/userfaultfd.c (userfaultfd_register, _unregister, _release_all,
// userfaultfd_clear_vma) and mm/userfaultfd.c (mwriteprotect_range, uffd_wp_range) of 6.18.
// Missing mode: a fault on an empty PTE of a VM_UFFD_MISSING vma goes to the monitor
// (mm/memory.ts do_anonymous_page), which fills it with mfill_atomic_pte (UFFDIO_COPY,
// UFFDIO_ZEROPAGE).
// DIVERGES: only anonymous vmas can be registered (no shmem or hugetlb support: EINVAL as for
// a file mapping); no pte markers, so write-protecting an unpopulated page does nothing, as
// Linux without UFFD_FEATURE_WP_UNPOPULATED.

import { EINVAL, EPERM, EBUSY, ENOENT, EEXIST, ENOMEM } from "../include/errno";
import { PAGE_SIZE, VM_WRITE, VM_SHARED, VM_MAYWRITE, VM_SPECIAL, VM_UFFD_WP, __VM_UFFD_FLAGS } from "../include/mman";
import { MmStruct, VmArea } from "./mm_types";
import { find_vma, vma_next, validate_mm } from "./vma";
import { vma_modify_flags_uffd, vma_modify_err } from "./vma_modify";
import {
  pte_offset_map, pte_alloc_map, pte_present, pte_pfn, pfn_pte, pmd_addr_end, _PAGE_WRITE, _PAGE_SPECIAL,
  _PAGE_UFFD_WP, _PAGE_ACCESSED, _PAGE_DIRTY,
} from "./pgtable";
import {
  page_flags, page_set_flags, page_ref, page_set_mapcount, alloc_page, pfn_to_host, PG_anon, ZERO_PFN,
} from "./page_alloc";
import { vm_get_page_prot } from "./memory";
import { anon_vma_prepare } from "./rmap";
import { DEBUG_VM } from "./debug_vm";
import { flush_tlb_range } from "../arch/um/tlb";

/** vma_can_userfault: whether vma may be registered. DIVERGES: anonymous private memory only. */
function vma_can_userfault(vma: VmArea): bool {
  if (vma.vm_flags & (VM_SPECIAL | VM_SHARED)) return false;
  return vma.vm_file == 0;
}

/** userfaultfd_set_ctx: after a merge or split, give vma exactly the flags and context. */
function userfaultfd_set_ctx(vma: VmArea, ctx: u32, vm_flags: u64): void {
  vma.vm_flags = (vma.vm_flags & ~__VM_UFFD_FLAGS) | vm_flags;
  vma.vm_userfaultfd_ctx = ctx;
}

/** userfaultfd_register_range: register the vmas of [start, end) with ctx for the modes in
 *  vm_flags (VM_UFFD_MISSING and/or VM_UFFD_WP), merging or splitting them.
 *  Preconditions (the kernel's validate_range): start < end, both page aligned.
 *  Returns: 0; -EINVAL when no vma meets the range or one cannot be registered; -EPERM for a
 *  vma without VM_MAYWRITE; -EBUSY when one belongs to another context (nothing changed then);
 *  -ENOMEM when a split fails (the vmas before it stay registered, as in Linux).
 *  Holes inside the range are skipped. Matches fs/userfaultfd.c userfaultfd_register(). */
export function userfaultfd_register_range(mm: MmStruct, start: u64, end: u64, ctx: u32, vm_flags: u64): i32 {
  const first = find_vma(mm, start);
  if (first == null || first.vm_start >= end) return -EINVAL;
  // The checks first, over every vma, so that a refusal changes nothing.
  for (let p: VmArea | null = first; p != null && p.vm_start < end; p = vma_next(changetype<VmArea>(p))) {
    const v = changetype<VmArea>(p);
    if (!vma_can_userfault(v)) return -EINVAL;
    if (!(v.vm_flags & VM_MAYWRITE)) return -EPERM;
    if (v.vm_userfaultfd_ctx != 0 && v.vm_userfaultfd_ctx != ctx) return -EBUSY;
  }
  let addr = start;
  let v: VmArea | null = first;
  while (v != null && v.vm_start < end) {
    const vma = changetype<VmArea>(v);
    const s = vma.vm_start > addr ? vma.vm_start : addr;
    const e = vma.vm_end < end ? vma.vm_end : end;
    const newflags = (vma.vm_flags & ~__VM_UFFD_FLAGS) | vm_flags;
    if (vma.vm_userfaultfd_ctx != ctx || vma.vm_flags != newflags) {
      const m = vma_modify_flags_uffd(mm, vma, s, e, newflags, ctx);
      if (m == null) {
        validate_mm(mm);
        return vma_modify_err;
      }
      userfaultfd_set_ctx(m, ctx, vm_flags);
    }
    addr = e;
    if (addr >= end) break;
    v = find_vma(mm, addr);
  }
  validate_mm(mm);
  return 0;
}

/** userfaultfd_clear_vma: take [start, end) of vma out of its registration: its uffd-wp bits
 *  go, then its flags and context (merging with neighbours that have none).
 *  Returns the vma now covering the range, or null with vma_modify_err set. */
function userfaultfd_clear_vma(mm: MmStruct, vma: VmArea, start: u64, end: u64): VmArea | null {
  if (vma.vm_flags & VM_UFFD_WP) uffd_wp_range(mm, vma, start, end, false);
  const m = vma_modify_flags_uffd(mm, vma, start, end, vma.vm_flags & ~__VM_UFFD_FLAGS, 0);
  if (m == null) return null;
  userfaultfd_set_ctx(m, 0, 0);
  return m;
}

/** userfaultfd_unregister_range: unregister the vmas of [start, end), whichever context they
 *  belong to (Linux does not check it either).
 *  Preconditions: as userfaultfd_register_range.
 *  Returns: 0, -EINVAL when no vma meets the range or one could never have been registered,
 *  -ENOMEM when a split fails. Matches fs/userfaultfd.c userfaultfd_unregister(). */
export function userfaultfd_unregister_range(mm: MmStruct, start: u64, end: u64): i32 {
  const first = find_vma(mm, start);
  if (first == null || first.vm_start >= end) return -EINVAL;
  for (let p: VmArea | null = first; p != null && p.vm_start < end; p = vma_next(changetype<VmArea>(p))) {
    if (!vma_can_userfault(changetype<VmArea>(p))) return -EINVAL;
  }
  let addr = start;
  let v: VmArea | null = first;
  while (v != null && v.vm_start < end) {
    const vma = changetype<VmArea>(v);
    const s = vma.vm_start > addr ? vma.vm_start : addr;
    const e = vma.vm_end < end ? vma.vm_end : end;
    if (vma.vm_userfaultfd_ctx != 0 && userfaultfd_clear_vma(mm, vma, s, e) == null) {
      validate_mm(mm);
      return vma_modify_err;
    }
    addr = e;
    if (addr >= end) break;
    v = find_vma(mm, addr);
  }
  validate_mm(mm);
  return 0;
}

/** userfaultfd_release_all: the context is gone (its file closed): every vma registered with
 *  it is unregistered. Whole vmas change, so nothing is split and nothing can fail (merges
 *  allocate nothing here). Matches fs/userfaultfd.c userfaultfd_release_all(). */
export function userfaultfd_release_all(mm: MmStruct, ctx: u32): void {
  let v = find_vma(mm, 0);
  while (v != null) {
    const vma = changetype<VmArea>(v);
    const end = vma.vm_end;
    if (vma.vm_userfaultfd_ctx == ctx) {
      const m = userfaultfd_clear_vma(mm, vma, vma.vm_start, end);
      assert(m != null, "unregistering a whole vma failed");
    }
    v = find_vma(mm, end);
  }
  validate_mm(mm);
}

/** Whether clearing uffd-wp may also make the PTE writable at once (can_change_pte_writable):
 *  a writable private vma and a page that is this mm's alone; otherwise a later write fault
 *  decides (do_wp_page). */
@inline function pte_can_write(vma: VmArea, pte: u64): bool {
  if (!(vma.vm_flags & VM_WRITE) || (pte & _PAGE_SPECIAL)) return false;
  const pfn = pte_pfn(pte);
  return pfn != ZERO_PFN && (page_flags(pfn) & PG_anon) != 0 && page_ref(pfn) == 1;
}

/** uffd_wp_range: set (enable) or clear the uffd-wp bit on the present PTEs of [start, end)
 *  of vma. Setting also removes write permission; clearing grants it back where the page is
 *  exclusively ours (MM_CP_TRY_CHANGE_WRITABLE). Flushes the TLB of the range.
 *  Returns the number of PTEs changed. Matches mm/userfaultfd.c uffd_wp_range(). */
export function uffd_wp_range(mm: MmStruct, vma: VmArea, start: u64, end: u64, enable: bool): u32 {
  let changed: u32 = 0;
  let addr = start;
  while (addr < end) {
    const ptep = pte_offset_map(mm.pgd, addr);
    if (ptep == 0) {
      addr = pmd_addr_end(addr);
      continue;
    }
    const pte = load<u64>(ptep);
    if (pte_present(pte)) {
      let bits = pte;
      if (enable) bits = (bits | _PAGE_UFFD_WP) & ~_PAGE_WRITE;
      else {
        bits &= ~_PAGE_UFFD_WP;
        if ((pte & _PAGE_UFFD_WP) && pte_can_write(vma, pte)) bits |= _PAGE_WRITE;
      }
      if (bits != pte) {
        store<u64>(ptep, bits);
        changed++;
      }
    }
    addr += PAGE_SIZE;
  }
  flush_tlb_range(changetype<usize>(mm), start, end);
  return changed;
}

/** mwriteprotect_range: UFFDIO_WRITEPROTECT on [start, start + len): write-protect (enable) or
 *  release the pages of every vma in it.
 *  Preconditions (validate_range): page aligned, len > 0, no overflow.
 *  Returns: 0, or -ENOENT when the range holds no vma or one not registered for VM_UFFD_WP
 *  (the vmas before it are already changed, as in Linux). Holes are skipped.
 *  Matches mm/userfaultfd.c mwriteprotect_range(). */
export function mwriteprotect_range(mm: MmStruct, start: u64, len: u64, enable: bool): i32 {
  const end = start + len;
  let err: i32 = -ENOENT;
  for (let v = find_vma(mm, start); v != null && v.vm_start < end; v = vma_next(changetype<VmArea>(v))) {
    const vma = changetype<VmArea>(v);
    if (!(vma.vm_flags & VM_UFFD_WP)) return -ENOENT;
    const s = vma.vm_start > start ? vma.vm_start : start;
    const e = vma.vm_end < end ? vma.vm_end : end;
    uffd_wp_range(mm, vma, s, e, enable);
    err = 0;
  }
  return err;
}

/** The context of the vma containing addr (0: none, or no vma there), for the kernel's
 *  handle_userfault after a VM_FAULT_UFFD_* stop. */
export function uffd_ctx_at(mm: MmStruct, addr: u64): u32 {
  const vma = find_vma(mm, addr);
  if (vma == null || vma.vm_start > addr) return 0;
  return vma.vm_userfaultfd_ctx;
}

/** Whether the vmas of mm still carry ctx (for the kernel's leak checks). */
export function uffd_ctx_in_use(mm: MmStruct, ctx: u32): bool {
  for (let v = find_vma(mm, 0); v != null; v = vma_next(changetype<VmArea>(v))) {
    if (changetype<VmArea>(v).vm_userfaultfd_ctx == ctx) return true;
  }
  return false;
}

/** The checks of mfill_atomic() before any page is filled: [dst, dst + len) must lie in one
 *  registered vma, and a write-protected fill needs VM_UFFD_WP.
 *  Returns: 0, -ENOENT (no registered vma holds the whole range), -EINVAL (wp without
 *  VM_UFFD_WP). Matches mm/userfaultfd.c mfill_atomic(). */
export function mfill_atomic_check(mm: MmStruct, dst: u64, len: u64, wp: bool): i32 {
  const vma = find_vma(mm, dst);
  if (vma == null || vma.vm_start > dst || dst + len > vma.vm_end) return -ENOENT;
  if (vma.vm_userfaultfd_ctx == 0 || !vma_can_userfault(vma)) return -ENOENT;
  if (wp && !(vma.vm_flags & VM_UFFD_WP)) return -EINVAL;
  return 0;
}

/** mfill_atomic_pte: fill the missing page at dst (mfill_atomic_check passed for it) with a
 *  copy of the page at src_host (UFFDIO_COPY) or, when src_host is 0, with the zero page
 *  (UFFDIO_ZEROPAGE). wp maps the copy uffd-wp and read-only (UFFDIO_COPY_MODE_WP).
 *  Returns: 0, -EEXIST when a page is mapped there already, -ENOMEM.
 *  Matches mm/userfaultfd.c mfill_atomic_pte_copy() and mfill_atomic_pte_zeropage(). */
export function mfill_atomic_pte(mm: MmStruct, dst: u64, src_host: usize, wp: bool): i32 {
  const vma = changetype<VmArea>(find_vma(mm, dst));
  if (DEBUG_VM) assert(changetype<usize>(vma) != 0 && vma.vm_start <= dst, "mfill outside a vma");
  const ptep = pte_alloc_map(mm.pgd, dst);
  if (ptep == 0) return -ENOMEM;
  if (load<u64>(ptep) != 0) return -EEXIST;
  const prot = vm_get_page_prot(vma.vm_flags);
  if (src_host == 0) {
    store<u64>(ptep, pfn_pte(ZERO_PFN, (prot & ~_PAGE_WRITE) | _PAGE_SPECIAL));
    return 0;
  }
  if (anon_vma_prepare(vma) != 0) return -ENOMEM;
  const pfn = alloc_page();
  if (pfn == 0) return -ENOMEM;
  memory.copy(pfn_to_host(pfn), src_host, <usize>PAGE_SIZE);
  page_set_flags(pfn, page_flags(pfn) | PG_anon);
  page_set_mapcount(pfn, 1);
  mm.rss_anon++;
  let bits = prot | _PAGE_ACCESSED | _PAGE_DIRTY;
  if (wp) bits |= _PAGE_UFFD_WP;
  else if (vma.vm_flags & VM_WRITE) bits |= _PAGE_WRITE;
  store<u64>(ptep, pfn_pte(pfn, bits));
  flush_tlb_range(changetype<usize>(mm), dst, dst + PAGE_SIZE);
  return 0;
}
