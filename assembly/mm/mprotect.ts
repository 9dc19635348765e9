// mm/mprotect.ts — change the protection of a range: merge or split, set flags, rewrite PTEs.
// Follows Linux mm/mprotect.c do_mprotect_pkey() (6.18): the checks in its order, vma by
// vma, stopping at the first hole (-ENOMEM) with the earlier vmas already changed, as Linux does.

import { EINVAL, ENOMEM, EACCES } from "../include/errno";
import {
  PAGE_SIZE, PAGE_MASK, PROT_READ, PROT_WRITE, PROT_EXEC, PROT_GROWSDOWN, PROT_GROWSUP,
  VM_READ, VM_WRITE, VM_EXEC, VM_ACCOUNT, VM_SHARED, VM_NORESERVE,
} from "../include/mman";
import { MmStruct, VmArea } from "./mm_types";
import { find_vma, validate_mm } from "./vma";
import { vma_modify_flags, vma_modify_err } from "./vma_modify";
import { change_protection } from "./memory";

const PROT_SEM: i32 = 0x8;

/** mprotect_fixup: give [start, end) of vma new flags. Returns 0 or -errno. */
function mprotect_fixup(mm: MmStruct, vma: VmArea, start: u64, end: u64, newflags: u64): i32 {
  if (newflags == vma.vm_flags) return 0;
  // A private mapping that becomes writable is charged (VM_ACCOUNT), as mprotect_fixup does.
  if ((newflags & VM_WRITE) && !(vma.vm_flags & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE))) {
    newflags |= VM_ACCOUNT;
  } else if (!(newflags & VM_WRITE) && (vma.vm_flags & VM_ACCOUNT) && vma.vm_file == 0 && vma.anon_vma == 0) {
    // An anonymous vma with no pages yet is uncharged when it stops being writable, so it
    // will not merge with a faulted neighbour that keeps its charge.
    newflags &= ~VM_ACCOUNT;
  }
  const v = vma_modify_flags(mm, vma, start, end, newflags);
  if (v == null) return vma_modify_err;
  v.vm_flags = newflags;
  change_protection(mm, start, end, newflags);
  return 0;
}

/** do_mprotect: mprotect(start, len, prot). Returns 0 or -errno. */
export function do_mprotect(mm: MmStruct, start: u64, len: u64, prot: i32): i32 {
  if ((prot & (PROT_GROWSDOWN | PROT_GROWSUP)) == (PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
  prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
  if (start & ~PAGE_MASK) return -EINVAL;
  if (len == 0) return 0;
  len = (len + PAGE_SIZE - 1) & PAGE_MASK;
  const end = start + len;
  if (end <= start) return -ENOMEM;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM)) return -EINVAL;
  let vma = find_vma(mm, start);
  if (vma == null || vma.vm_start > start) return -ENOMEM;
  let newbits: u64 = 0;
  if (prot & PROT_READ) newbits |= VM_READ;
  if (prot & PROT_WRITE) newbits |= VM_WRITE;
  if (prot & PROT_EXEC) newbits |= VM_EXEC;
  let tmp = start;
  let err: i32 = 0;
  while (true) {
    const v = changetype<VmArea>(vma);
    const newflags = (v.vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | newbits;
    // Every requested access must be allowed by the matching VM_MAY* bit.
    if ((newflags & ~(newflags >> 4)) & (VM_READ | VM_WRITE | VM_EXEC)) {
      err = -EACCES;
      break;
    }
    const vend = v.vm_end < end ? v.vm_end : end;
    err = mprotect_fixup(mm, v, tmp, vend, newflags);
    if (err != 0) break;
    tmp = vend;
    if (tmp >= end) break;
    // The vma holding tmp may have just absorbed the one before it (a merge); a hole is
    // -ENOMEM, with the earlier vmas already changed, as Linux leaves them.
    vma = find_vma(mm, tmp);
    if (vma == null || vma.vm_start > tmp) {
      err = -ENOMEM;
      break;
    }
  }
  validate_mm(mm);
  return err;
}
