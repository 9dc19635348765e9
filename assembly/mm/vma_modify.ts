// mm/vma_modify.ts — give part of a vma new flags: split at the range's ends, set the flags,
// merge with neighbours that became identical. The pattern every flag-changing call shares
// (mprotect, madvise, mlock, prctl(PR_SET_VMA)); Linux's vma_modify_flags() in mm/vma.c.
// DIVERGES: Linux tries the merge before splitting (vma_merge_existing_range), so a merge
// needs no allocation; here the split comes first. The final layout is the same.

import { MmStruct, VmArea } from "./mm_types";
import { vma_prev, vma_next, vma_unlink, vm_area_free, split_vma, vma_can_merge_after, vma_set_range } from "./vma";

/** Merge vma into prev and/or next where they became identical. Returns the vma that now
 *  covers vma's range. */
export function vma_merge_neighbours(mm: MmStruct, vma: VmArea): VmArea {
  const prev = vma_prev(vma);
  if (prev != null && prev.vm_end == vma.vm_start && vma.anon_name == 0 &&
      vma_can_merge_after(prev, vma.vm_flags, vma.vm_file, vma.vm_pgoff)) {
    const end = vma.vm_end;
    vma_unlink(mm, vma);
    vm_area_free(vma);
    vma_set_range(mm, prev, prev.vm_start, end, prev.vm_pgoff);
    vma = prev;
  }
  const next = vma_next(vma);
  if (next != null && next.vm_start == vma.vm_end && next.anon_name == 0 &&
      vma_can_merge_after(vma, next.vm_flags, next.vm_file, next.vm_pgoff)) {
    const end = next.vm_end;
    vma_unlink(mm, next);
    vm_area_free(next);
    vma_set_range(mm, vma, vma.vm_start, end, vma.vm_pgoff);
  }
  return vma;
}

/** vma_modify_flags: make [start, end) (inside vma) a vma of its own with newflags.
 *  Preconditions: vma.vm_start <= start < end <= vma.vm_end, page aligned.
 *  Returns: the vma covering [start, end) after merging, or null with *err set (-ENOMEM when a
 *  split cannot allocate or map_count would pass the limit); the errors are never swallowed. */
export let vma_modify_err: i32 = 0;
export function vma_modify_flags(mm: MmStruct, vma: VmArea, start: u64, end: u64, newflags: u64): VmArea | null {
  vma_modify_err = 0;
  if (newflags == vma.vm_flags) return vma;
  if (start > vma.vm_start) {
    const err = split_vma(mm, vma, start, true);
    if (err != 0) {
      vma_modify_err = err;
      return null;
    }
  }
  if (end < vma.vm_end) {
    const err = split_vma(mm, vma, end, false);
    if (err != 0) {
      vma_modify_err = err;
      return null;
    }
  }
  vma.vm_flags = newflags;
  return vma;
}
