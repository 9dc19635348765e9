// mm/madvise.ts — madvise(2): advice that changes vma flags (split and merge like mprotect),
// discards pages (DONTNEED, FREE) or faults them in (POPULATE_*).
// Follows Linux mm/madvise.c (6.18): the argument checks in do_madvise()'s order, advice
// applied vma by vma with holes reported as -ENOMEM after the mapped parts got it.
// Transparent huge pages are compiled in but set to "never" (as sysfs reports): HUGEPAGE and
// NOHUGEPAGE only set their vma flags. COLLAPSE ignores that setting on Linux too: it refuses
// (-EINVAL) a vma that is NOHUGEPAGE or cannot hold an aligned 2 MiB page, a range holding no
// whole aligned 2 MiB block, and a block without a page table (checked natively on 6.18).
// DIVERGES: a block with a page table fails as a huge page allocation failure would (-ENOMEM)
// where Linux collapses it: the core maps no PMD-sized pages.
// DIVERGES: MADV_FREE frees at once (Linux frees lazily under pressure; both read back zeros
// or the old data, which callers must accept); COLD and PAGEOUT are accepted and do nothing
// (there is no reclaim); MERGEABLE sets VM_MERGEABLE but nothing merges pages (no KSM).

import { EINVAL, ENOMEM, EFAULT, EAGAIN, EBADF } from "../include/errno";
import {
  PAGE_SIZE, PAGE_MASK, VM_SHARED, VM_LOCKED, VM_READ, VM_WRITE, VM_SEQ_READ, VM_RAND_READ,
  VM_DONTCOPY, VM_WIPEONFORK, VM_DONTDUMP, VM_HUGEPAGE, VM_NOHUGEPAGE, VM_MERGEABLE, VM_SPECIAL,
  VM_IO, VM_PFNMAP, MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED,
  MADV_FREE, MADV_REMOVE, MADV_DONTFORK, MADV_DOFORK, MADV_MERGEABLE, MADV_UNMERGEABLE,
  MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK, MADV_KEEPONFORK,
  MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_DONTNEED_LOCKED,
  MADV_COLLAPSE,
} from "../include/mman";
import { MmStruct, VmArea } from "./mm_types";
import { find_vma, vma_next, validate_mm } from "./vma";
import { vma_modify_flags, vma_modify_flags_name, vma_modify_err } from "./vma_modify";
import { anon_vma_name_eq, anon_vma_name_get, anon_vma_name_put } from "./anon_name";
import { zap_page_range, handle_mm_fault, FAULT_FLAG_WRITE, VM_FAULT_OOM } from "./memory";
import { pte_offset_map } from "./pgtable";

function madvise_behavior_valid(b: i32): bool {
  switch (b) {
    case MADV_DOFORK: case MADV_DONTFORK: case MADV_NORMAL: case MADV_SEQUENTIAL: case MADV_RANDOM:
    case MADV_REMOVE: case MADV_WILLNEED: case MADV_DONTNEED: case MADV_DONTNEED_LOCKED: case MADV_FREE:
    case MADV_COLD: case MADV_PAGEOUT: case MADV_POPULATE_READ: case MADV_POPULATE_WRITE:
    case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE:
    case MADV_COLLAPSE: case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK: case MADV_KEEPONFORK:
      return true;
  }
  return false;
}

/** The vm_flags an advice asks for, or -errno for this vma (madvise_update_vma's callers). */
function advice_flags(vma: VmArea, b: i32): i64 {
  let f = vma.vm_flags;
  switch (b) {
    case MADV_NORMAL: f &= ~(VM_SEQ_READ | VM_RAND_READ); break;
    case MADV_SEQUENTIAL: f = (f & ~VM_RAND_READ) | VM_SEQ_READ; break;
    case MADV_RANDOM: f = (f & ~VM_SEQ_READ) | VM_RAND_READ; break;
    case MADV_DONTFORK: f |= VM_DONTCOPY; break;
    case MADV_DOFORK:
      if (vma.vm_flags & VM_IO) return -EINVAL;
      f &= ~VM_DONTCOPY;
      break;
    case MADV_WIPEONFORK:
      // Only private anonymous memory can be wiped in the child.
      if (vma.vm_file != 0 || (vma.vm_flags & VM_SHARED)) return -EINVAL;
      f |= VM_WIPEONFORK;
      break;
    case MADV_KEEPONFORK: f &= ~VM_WIPEONFORK; break;
    case MADV_DONTDUMP: f |= VM_DONTDUMP; break;
    case MADV_DODUMP:
      if (vma.vm_flags & VM_SPECIAL) return -EINVAL;
      f &= ~VM_DONTDUMP;
      break;
    case MADV_HUGEPAGE: f = (f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE; break;
    case MADV_NOHUGEPAGE: f = (f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE; break;
    case MADV_MERGEABLE:
      if (vma.vm_flags & (VM_SHARED | VM_SPECIAL)) return <i64>f; // ksm_madvise skips these
      f |= VM_MERGEABLE;
      break;
    case MADV_UNMERGEABLE: f &= ~VM_MERGEABLE; break;
  }
  return <i64>f;
}

function is_flag_advice(b: i32): bool {
  switch (b) {
    case MADV_NORMAL: case MADV_SEQUENTIAL: case MADV_RANDOM: case MADV_DONTFORK: case MADV_DOFORK:
    case MADV_WIPEONFORK: case MADV_KEEPONFORK: case MADV_DONTDUMP: case MADV_DODUMP:
    case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_MERGEABLE: case MADV_UNMERGEABLE:
      return true;
  }
  return false;
}

/** Fault every page of [start, end) in vma for reading or writing (MADV_POPULATE_*). */
function madvise_populate(mm: MmStruct, vma: VmArea, start: u64, end: u64, write: bool): i32 {
  if (vma.vm_flags & (VM_IO | VM_PFNMAP)) return -EINVAL;
  if (write ? !(vma.vm_flags & VM_WRITE) : !(vma.vm_flags & (VM_READ | VM_WRITE))) return -EINVAL;
  for (let a = start; a < end; a += PAGE_SIZE) {
    const r = handle_mm_fault(mm, vma, a, write ? FAULT_FLAG_WRITE : 0);
    if (r & VM_FAULT_OOM) return -ENOMEM;
    if (r != 0) return -EFAULT;
  }
  return 0;
}

const HPAGE_PMD_SIZE: u64 = 2 << 20;

/** MADV_COLLAPSE on [start, end) of vma (mm/khugepaged.c madvise_collapse's outcomes). */
function madvise_collapse(mm: MmStruct, vma: VmArea, start: u64, end: u64): i32 {
  // thp_vma_allowable_order(TVA_FORCED_COLLAPSE): sysfs is ignored, the vma must qualify.
  if (vma.vm_flags & (VM_NOHUGEPAGE | VM_SPECIAL)) return -EINVAL;
  const haddr = (vma.vm_start + HPAGE_PMD_SIZE - 1) & ~(HPAGE_PMD_SIZE - 1);
  if (haddr + HPAGE_PMD_SIZE > vma.vm_end) return -EINVAL;
  const hstart = (start + HPAGE_PMD_SIZE - 1) & ~(HPAGE_PMD_SIZE - 1);
  const hend = end & ~(HPAGE_PMD_SIZE - 1);
  if (hstart >= hend) return -EINVAL;
  for (let a = hstart; a < hend; a += HPAGE_PMD_SIZE) {
    if (pte_offset_map(mm.pgd, a) == 0) return -EINVAL; // SCAN_PMD_NULL
  }
  return -ENOMEM;
}

/** One vma's share of the advice. Returns 0 or -errno. */
function madvise_vma(mm: MmStruct, vma: VmArea, start: u64, end: u64, b: i32): i32 {
  if (is_flag_advice(b)) {
    const f = advice_flags(vma, b);
    if (f < 0) return <i32>f;
    if (<u64>f == vma.vm_flags) return 0;
    const v = vma_modify_flags(mm, vma, start, end, <u64>f);
    if (v == null) return vma_modify_err == -ENOMEM ? -EAGAIN : vma_modify_err;
    v.vm_flags = <u64>f;
    return 0;
  }
  switch (b) {
    case MADV_DONTNEED: case MADV_DONTNEED_LOCKED:
      if ((vma.vm_flags & VM_LOCKED) && b == MADV_DONTNEED) return -EINVAL;
      if (vma.vm_flags & VM_PFNMAP) return -EINVAL;
      zap_page_range(mm, start, end);
      return 0;
    case MADV_FREE:
      if (vma.vm_file != 0 || (vma.vm_flags & (VM_SHARED | VM_LOCKED | VM_PFNMAP))) return -EINVAL;
      zap_page_range(mm, start, end);
      return 0;
    case MADV_REMOVE:
      // Only for shared file mappings (tmpfs holes); anonymous private memory refuses it.
      return -EINVAL;
    case MADV_POPULATE_READ: case MADV_POPULATE_WRITE:
      return madvise_populate(mm, vma, start, end, b == MADV_POPULATE_WRITE);
    case MADV_COLLAPSE:
      return madvise_collapse(mm, vma, start, end);
  }
  return 0; // WILLNEED, COLD, PAGEOUT: nothing to do without a page cache to read or reclaim
}

/** madvise_walk_vmas: visit(mm, vma, start, end, arg) for each vma's part of
 *  [start, start + len_in), in order, stopping at the first error. Returns 0, that error,
 *  -EINVAL for a bad range, or -ENOMEM when part of the range is unmapped (the mapped parts
 *  are visited all the same). Matches mm/madvise.c madvise_walk_vmas(). */
function madvise_walk_vmas(mm: MmStruct, start: u64, len_in: u64, arg: u32,
  visit: (mm: MmStruct, vma: VmArea, start: u64, end: u64, arg: u32) => i32): i32 {
  if (start & ~PAGE_MASK) return -EINVAL;
  const len = (len_in + PAGE_SIZE - 1) & PAGE_MASK;
  if (len_in != 0 && len == 0) return -EINVAL;
  const end = start + len;
  if (end < start) return -EINVAL;
  if (end == start) return 0;
  let unmapped: i32 = 0;
  let addr = start;
  while (addr < end) {
    const vma = find_vma(mm, addr);
    if (vma == null) {
      unmapped = -ENOMEM;
      break;
    }
    const v = changetype<VmArea>(vma);
    if (v.vm_start > addr) {
      unmapped = -ENOMEM;
      addr = v.vm_start;
      if (addr >= end) break;
    }
    const vend = v.vm_end < end ? v.vm_end : end;
    const err = visit(mm, v, addr, vend, arg);
    if (err != 0) {
      validate_mm(mm);
      return err;
    }
    addr = vend;
  }
  validate_mm(mm);
  return unmapped;
}

function madvise_vma_behavior(mm: MmStruct, vma: VmArea, start: u64, end: u64, behavior: u32): i32 {
  return madvise_vma(mm, vma, start, end, <i32>behavior);
}

/** do_madvise: madvise(start, len, advice). Returns 0 or -errno. */
export function do_madvise(mm: MmStruct, start: u64, len_in: u64, b: i32): i32 {
  if (!madvise_behavior_valid(b)) return -EINVAL;
  return madvise_walk_vmas(mm, start, len_in, <u32>b, madvise_vma_behavior);
}

/** replace_anon_vma_name: vma takes a reference on name (0: no name) and drops its old one.
 *  Matches mm/madvise.c replace_anon_vma_name(). */
function replace_anon_vma_name(vma: VmArea, name: u32): void {
  const orig = vma.anon_name;
  if (anon_vma_name_eq(orig, name)) return;
  anon_vma_name_get(name);
  vma.anon_name = name;
  anon_vma_name_put(orig);
}

/** One vma's part of PR_SET_VMA_ANON_NAME: madvise_vma_anon_name() + madvise_update_vma(). */
function madvise_vma_anon_name(mm: MmStruct, vma: VmArea, start: u64, end: u64, name: u32): i32 {
  // Only anonymous memory (private or shared) can be named.
  if (vma.vm_file != 0) return -EBADF;
  if (anon_vma_name_eq(vma.anon_name, name)) return 0;
  const v = vma_modify_flags_name(mm, vma, start, end, vma.vm_flags, name);
  // A failed allocation is EAGAIN here, as for the other madvise advice.
  if (v == null) return vma_modify_err == -ENOMEM ? -EAGAIN : vma_modify_err;
  replace_anon_vma_name(v, name);
  return 0;
}

/** madvise_set_anon_name: name the anonymous vmas of [start, start + len_in) (name 0 clears).
 *  The caller keeps its reference on name. Returns 0 or -errno: -EINVAL for a bad range,
 *  -ENOMEM when part of it is unmapped (the mapped parts are named all the same), -EBADF
 *  for a file mapping, -EAGAIN when a split cannot allocate. Matches mm/madvise.c (6.18). */
export function madvise_set_anon_name(mm: MmStruct, start: u64, len_in: u64, name: u32): i32 {
  return madvise_walk_vmas(mm, start, len_in, name, madvise_vma_anon_name);
}
