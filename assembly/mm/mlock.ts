// mm/mlock.ts — mlock, mlock2, munlock, mlockall, munlockall, and the checks of mincore and
// msync, which only look at the mappings.
// Follows Linux mm/mlock.c, mm/mincore.c and mm/msync.c (6.18). RLIMIT_MEMLOCK comes from
// mm.memlock_limit, which the kernel sets to RLIM_INFINITY for a process with CAP_IPC_LOCK.
// DIVERGES: there is no reclaim, so a locked page and an unlocked one behave alike except for
// the VmLck/Locked accounting; MCL_FUTURE is accepted but new mappings are not locked.

import { EINVAL, ENOMEM, EPERM } from "../include/errno";
import { PAGE_SIZE, PAGE_MASK, VM_LOCKED, VM_LOCKONFAULT, VM_SPECIAL, VM_READ, VM_WRITE } from "../include/mman";
import { MmStruct, VmArea } from "./mm_types";
import { find_vma, vma_first, vma_next, validate_mm } from "./vma";
import { vma_modify_flags, vma_modify_err } from "./vma_modify";
import { handle_mm_fault, FAULT_FLAG_WRITE, VM_FAULT_OOM } from "./memory";
import { pte_offset_map, pte_present } from "./pgtable";

export const MLOCK_ONFAULT: i32 = 1;
export const MCL_CURRENT: i32 = 1;
export const MCL_FUTURE: i32 = 2;
export const MCL_ONFAULT: i32 = 4;
const VM_LOCKED_MASK: u64 = VM_LOCKED | VM_LOCKONFAULT;

/** can_do_mlock: a zero RLIMIT_MEMLOCK without CAP_IPC_LOCK forbids locking. */
export function can_do_mlock(mm: MmStruct): bool {
  return mm.memlock_limit != 0;
}

/** mm->locked_vm: pages in VM_LOCKED vmas (derived by a walk instead of kept). */
function locked_vm(mm: MmStruct): u64 {
  let nr: u64 = 0;
  for (let v = vma_first(mm); v != null; v = vma_next(changetype<VmArea>(v))) {
    const vma = changetype<VmArea>(v);
    if (vma.vm_flags & VM_LOCKED) nr += (vma.vm_end - vma.vm_start) >> 12;
  }
  return nr;
}

/** mlock_future_ok: may bytes more of flags-mapped memory be locked? Matches mm/mmap.c. */
export function mlock_future_ok(mm: MmStruct, flags: u64, bytes: u64): bool {
  if (!(flags & VM_LOCKED) || mm.memlock_limit == U64.MAX_VALUE) return true;
  return (bytes >> 12) + locked_vm(mm) <= mm.memlock_limit >> 12;
}

/** count_mm_mlocked_page_nr: pages of [start, start+len) that are locked already. */
function count_mm_mlocked_page_nr(mm: MmStruct, start: u64, len: u64): u64 {
  const end = start + len;
  let nr: u64 = 0;
  for (let v = find_vma(mm, start); v != null && v.vm_start < end; v = vma_next(changetype<VmArea>(v))) {
    const vma = changetype<VmArea>(v);
    if (!(vma.vm_flags & VM_LOCKED)) continue;
    const s = vma.vm_start > start ? vma.vm_start : start;
    const e = vma.vm_end < end ? vma.vm_end : end;
    nr += (e - s) >> 12;
  }
  return nr;
}

/** Set or clear the lock flags of every vma in [start, end): apply_vma_lock_flags(). */
function apply_vma_lock_flags(mm: MmStruct, start: u64, end: u64, flags: u64): i32 {
  let vma = find_vma(mm, start);
  if (vma == null || vma.vm_start > start) return -ENOMEM;
  let nstart = start;
  while (nstart < end) {
    const v = changetype<VmArea>(vma);
    const vend = v.vm_end < end ? v.vm_end : end;
    // VM_SPECIAL mappings (and others Linux skips) never take the lock flags.
    const newflags = v.vm_flags & VM_SPECIAL ? v.vm_flags : (v.vm_flags & ~VM_LOCKED_MASK) | flags;
    if (newflags != v.vm_flags) {
      const m = vma_modify_flags(mm, v, nstart, vend, newflags);
      if (m == null) return vma_modify_err;
      m.vm_flags = newflags;
    }
    nstart = vend;
    if (nstart >= end) break;
    // The next vma must start where this one ended: a hole is -ENOMEM (after the lock
    // was applied to what came before, as Linux leaves it).
    vma = find_vma(mm, nstart);
    if (vma == null || vma.vm_start > nstart) return -ENOMEM;
  }
  return 0;
}

/** __mm_populate: fault in every page of [start, end) that a lock covers. */
function mm_populate(mm: MmStruct, start: u64, end: u64): i32 {
  for (let a = start; a < end; a += PAGE_SIZE) {
    const vma = find_vma(mm, a);
    if (vma == null || vma.vm_start > a) continue;
    const v = changetype<VmArea>(vma);
    if (!(v.vm_flags & (VM_READ | VM_WRITE))) continue; // PROT_NONE stays unpopulated
    const r = handle_mm_fault(mm, v, a, v.vm_flags & VM_WRITE ? FAULT_FLAG_WRITE : 0);
    if (r & VM_FAULT_OOM) return -ENOMEM;
  }
  return 0;
}

/** do_mlock: mlock(2)/mlock2(2) with flags VM_LOCKED [| VM_LOCKONFAULT]. */
export function do_mlock(mm: MmStruct, start: u64, len: u64, onfault: bool): i32 {
  if (!can_do_mlock(mm)) return -EPERM;
  len = (len + (start & ~PAGE_MASK) + PAGE_SIZE - 1) & PAGE_MASK;
  start &= PAGE_MASK;
  const end = start + len;
  if (end < start) return -EINVAL;
  if (len == 0) return 0;
  if (mm.memlock_limit != U64.MAX_VALUE) {
    // Pages of the range that are locked already do not count twice.
    const lock_limit = mm.memlock_limit >> 12;
    let locked = (len >> 12) + locked_vm(mm);
    if (locked > lock_limit) locked -= count_mm_mlocked_page_nr(mm, start, len);
    if (locked > lock_limit) return -ENOMEM;
  }
  const err = apply_vma_lock_flags(mm, start, end, onfault ? VM_LOCKED | VM_LOCKONFAULT : VM_LOCKED);
  validate_mm(mm);
  if (err != 0) return err;
  return onfault ? 0 : mm_populate(mm, start, end);
}

export function do_munlock(mm: MmStruct, start: u64, len: u64): i32 {
  len = (len + (start & ~PAGE_MASK) + PAGE_SIZE - 1) & PAGE_MASK;
  start &= PAGE_MASK;
  const end = start + len;
  if (end < start) return -EINVAL;
  if (len == 0) return 0;
  const err = apply_vma_lock_flags(mm, start, end, 0);
  validate_mm(mm);
  return err;
}

/** mlockall(flags) / munlockall() (flags 0). */
export function do_mlockall(mm: MmStruct, flags: i32, all: bool): i32 {
  if (all && (flags == 0 || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) != 0 || flags == MCL_ONFAULT)) return -EINVAL;
  if (all && !can_do_mlock(mm)) return -EPERM;
  // Locking everything now must fit the limit whole (total_vm, not just what is unlocked).
  if (all && flags & MCL_CURRENT && mm.memlock_limit != U64.MAX_VALUE && mm.total_vm > mm.memlock_limit >> 12) return -ENOMEM;
  const want: u64 = !all || !(flags & MCL_CURRENT) ? 0 : flags & MCL_ONFAULT ? VM_LOCKED | VM_LOCKONFAULT : VM_LOCKED;
  if (all && !(flags & MCL_CURRENT)) return 0;
  let v = vma_first(mm);
  while (v != null) {
    const vma = changetype<VmArea>(v);
    const end = vma.vm_end;
    const newflags = vma.vm_flags & VM_SPECIAL ? vma.vm_flags : (vma.vm_flags & ~VM_LOCKED_MASK) | want;
    // Whole vmas: nothing to split, but a vma may merge with the one before it.
    let m: VmArea = vma;
    if (newflags != vma.vm_flags) {
      // Linux's apply_mlockall_flags() ignores a vma it cannot change and goes on.
      const r = vma_modify_flags(mm, vma, vma.vm_start, end, newflags);
      if (r != null) {
        m = r;
        m.vm_flags = newflags;
      }
    }
    v = vma_next(m);
    if (want & VM_LOCKED && !(want & VM_LOCKONFAULT) && !(newflags & VM_SPECIAL)) mm_populate(mm, m.vm_start, end);
  }
  validate_mm(mm);
  return 0;
}

/** mincore(2)'s page states into vec (one byte a page: 1 when a page is mapped there).
 *  Returns the number of pages or -errno; vec must hold (len + 4095) / 4096 bytes. */
export function do_mincore(mm: MmStruct, start: u64, len: u64, vec: usize, vec_max: u32): i64 {
  if (start & ~PAGE_MASK) return -EINVAL;
  const pages = (len + PAGE_SIZE - 1) >> 12;
  if (pages > <u64>vec_max) return -EINVAL;
  const end = start + (pages << 12);
  if (end < start) return -ENOMEM;
  for (let i: u64 = 0; i < pages; i++) {
    const a = start + (i << 12);
    const vma = find_vma(mm, a);
    if (vma == null || vma.vm_start > a) return -ENOMEM;
    const ptep = pte_offset_map(mm.pgd, a);
    store<u8>(vec + <usize>i, ptep != 0 && pte_present(load<u64>(ptep)) ? 1 : 0);
  }
  return <i64>pages;
}

export const MS_ASYNC: i32 = 1;
export const MS_INVALIDATE: i32 = 2;
export const MS_SYNC: i32 = 4;

/** msync(2): nothing to write back (no file-backed mappings yet), but every check. */
export function do_msync(mm: MmStruct, start: u64, len: u64, flags: i32): i32 {
  if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -EINVAL;
  if (start & ~PAGE_MASK) return -EINVAL;
  if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return -EINVAL;
  len = (len + PAGE_SIZE - 1) & PAGE_MASK;
  const end = start + len;
  if (end < start) return -ENOMEM;
  if (end == start) return 0;
  let a = start;
  let unmapped: i32 = 0;
  while (a < end) {
    const vma = find_vma(mm, a);
    if (vma == null) return -ENOMEM;
    if (vma.vm_start > a) {
      unmapped = -ENOMEM;
      a = vma.vm_start;
      continue;
    }
    if ((flags & MS_INVALIDATE) && (vma.vm_flags & VM_LOCKED)) return -EBUSY_;
    a = vma.vm_end;
  }
  return unmapped;
}
const EBUSY_: i32 = 16;
