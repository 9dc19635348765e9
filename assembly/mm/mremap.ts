// mm/mremap.ts — mremap(2): shrink, grow in place, or move a mapping with its pages.
// Follows Linux mm/mremap.c (6.18): the flag checks in its order, the old range must lie in
// one vma (EFAULT otherwise), growth in place when the pages after it are free, a move with
// MREMAP_MAYMOVE (page-table entries move, the pages themselves stay), MREMAP_FIXED to a
// chosen address (replacing what is there), MREMAP_DONTUNMAP leaving the old range mapped
// and empty. A moved vma with pages keeps its vm_pgoff; an unfaulted one takes its new
// address's (copy_vma), so it merges only where Linux's would.
// userfaultfd: no context offers UFFD_FEATURE_EVENT_REMAP, so a moved vma leaves its
// registration and its pages their uffd-wp bits behind (mremap_userfaultfd_prep, move_ptes).

import { EINVAL, ENOMEM, EFAULT, EAGAIN } from "../include/errno";
import { PAGE_SIZE, PAGE_MASK, TASK_SIZE, MAP_PRIVATE, VM_SHARED, __VM_UFFD_FLAGS } from "../include/mman";
import { MmStruct, VmArea } from "./mm_types";
import { find_vma, vma_next, validate_mm, sysctl_max_map_count } from "./vma";
import { copy_vma, vma_merge_extend } from "./vma_merge";
import { do_munmap, get_unmapped_area, vm_start_gap, may_expand_vm } from "./mmap";
import { mlock_future_ok } from "./mlock";
import { pte_offset_map, pte_alloc_map, pte_present, pmd_addr_end, _PAGE_UFFD_WP } from "./pgtable";
import { flush_tlb_range } from "../arch/um/tlb";

export const MREMAP_MAYMOVE: i32 = 1;
export const MREMAP_FIXED: i32 = 2;
export const MREMAP_DONTUNMAP: i32 = 4;

/** move_page_tables: carry the PTEs of [old, old+len) to new, without their uffd-wp bits when
 *  clear_uffd_wp. Returns false on -ENOMEM. */
function move_page_tables(mm: MmStruct, old: u64, new_addr: u64, len: u64, clear_uffd_wp: bool = false): bool {
  let off: u64 = 0;
  while (off < len) {
    const src = pte_offset_map(mm.pgd, old + off);
    if (src == 0) {
      off = pmd_addr_end(old + off) - old; // no table here: nothing to move in this 2 MiB
      continue;
    }
    const pte = load<u64>(src);
    if (pte_present(pte)) {
      const dst = pte_alloc_map(mm.pgd, new_addr + off);
      if (dst == 0) return false;
      store<u64>(dst, clear_uffd_wp ? pte & ~_PAGE_UFFD_WP : pte);
      store<u64>(src, 0);
    }
    off += PAGE_SIZE;
  }
  flush_tlb_range(changetype<usize>(mm), old, old + len);
  flush_tlb_range(changetype<usize>(mm), new_addr, new_addr + len);
  return true;
}

/** move_vma: a new vma at new_addr with vma's flags takes the old range's pages. */
function move_vma(mm: MmStruct, vma: VmArea, old: u64, old_len: u64, new_addr: u64, new_len: u64, flags: i32): u64 {
  if (mm.map_count >= sysctl_max_map_count - 3) return <u64>-ENOMEM;
  // The copy may merge into a vma at the destination (copy_vma), like a fresh mapping would.
  const n = copy_vma(vma, new_addr, new_len, vma.vm_pgoff + ((old - vma.vm_start) >> 12));
  if (n == null) return <u64>-ENOMEM;
  mm.total_vm += new_len >> 12;
  const moved = old_len < new_len ? old_len : new_len;
  const had_uffd = vma.vm_userfaultfd_ctx != 0;
  if (n.vm_userfaultfd_ctx != 0) {
    n.vm_userfaultfd_ctx = 0; // userfaultfd_reset_ctx
    n.vm_flags &= ~__VM_UFFD_FLAGS;
  }
  if (!move_page_tables(mm, old, new_addr, moved, had_uffd)) {
    // As Linux's move_vma(): put the entries back (the old tables still exist, so this needs
    // no memory) and unmap the new range.
    move_page_tables(mm, new_addr, old, moved);
    do_munmap(mm, new_addr, new_len);
    validate_mm(mm);
    return <u64>-ENOMEM;
  }
  if (!(flags & MREMAP_DONTUNMAP)) {
    const err = do_munmap(mm, old, old_len);
    if (err != 0) return <u64><i64>err;
  }
  validate_mm(mm);
  return new_addr;
}

/** do_mremap: mremap(addr, old_len, new_len, flags, new_addr). Returns the address or -errno. */
export function do_mremap(mm: MmStruct, addr: u64, old_len: u64, new_len: u64, flags: i32, new_addr: u64): u64 {
  if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP)) return <u64>-EINVAL;
  if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return <u64>-EINVAL;
  if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len)) return <u64>-EINVAL;
  if (addr & ~PAGE_MASK) return <u64>-EINVAL;
  old_len = (old_len + PAGE_SIZE - 1) & PAGE_MASK;
  new_len = (new_len + PAGE_SIZE - 1) & PAGE_MASK;
  if (new_len == 0) return <u64>-EINVAL;
  if (flags & MREMAP_FIXED) {
    if (new_addr & ~PAGE_MASK) return <u64>-EINVAL;
    if (new_len > TASK_SIZE || new_addr > TASK_SIZE - new_len) return <u64>-EINVAL;
    // The ranges may not overlap.
    if (addr + old_len > new_addr && new_addr + new_len > addr) return <u64>-EINVAL;
    const err = do_munmap(mm, new_addr, new_len);
    if (err != 0) return <u64><i64>err;
    if (old_len > new_len) {
      const e2 = do_munmap(mm, addr + new_len, old_len - new_len);
      if (e2 != 0) return <u64><i64>e2;
      old_len = new_len;
    }
  } else if (old_len >= new_len) {
    // Shrinking (or the same size): drop the tail; nothing moves.
    if (old_len > new_len) {
      const err = do_munmap(mm, addr + new_len, old_len - new_len);
      if (err != 0) return <u64><i64>err;
    }
    if (!(flags & MREMAP_DONTUNMAP)) return addr;
  }
  const v = find_vma(mm, addr);
  if (v == null || v.vm_start > addr) return <u64>-EFAULT;
  const vma = changetype<VmArea>(v);
  if (old_len > vma.vm_end - addr) return <u64>-EFAULT;
  if ((flags & MREMAP_DONTUNMAP) && (vma.vm_flags & VM_SHARED)) return <u64>-EINVAL;
  // check_prep_vma, resize_is_valid: the lock limit and RLIMIT_AS bound the growth.
  if ((flags & MREMAP_DONTUNMAP) && !may_expand_vm(mm, vma.vm_flags, old_len >> 12)) return <u64>-ENOMEM;
  if (new_len > old_len) {
    if (!mlock_future_ok(mm, vma.vm_flags, new_len - old_len)) return <u64>-EAGAIN;
    if (!may_expand_vm(mm, vma.vm_flags, (new_len - old_len) >> 12)) return <u64>-ENOMEM;
  }
  if (flags & MREMAP_FIXED) return move_vma(mm, vma, addr, old_len, new_addr, new_len, flags);
  // Grow in place when the range ends the vma and the pages after it are free.
  if (old_len == vma.vm_end - addr && !(flags & MREMAP_DONTUNMAP)) {
    const next = vma_next(vma);
    const end = addr + new_len;
    if (end <= TASK_SIZE && end > addr && (next == null || end <= vm_start_gap(next))) {
      if (vma_merge_extend(vma, new_len - old_len) == null) return <u64>-ENOMEM;
      mm.total_vm += (new_len - old_len) >> 12;
      if (mm.total_vm > mm.hiwater_vm) mm.hiwater_vm = mm.total_vm;
      validate_mm(mm);
      return addr;
    }
  }
  if (!(flags & MREMAP_MAYMOVE)) return <u64>-ENOMEM;
  const to = get_unmapped_area(mm, 0, new_len, MAP_PRIVATE);
  if (to >= <u64>-4095) return to;
  return move_vma(mm, vma, addr, old_len, to, new_len, flags);
}
