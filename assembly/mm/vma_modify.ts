// mm/vma_modify.ts — give part of a vma new properties: merge it into a neighbour that has
// them already, else split it off. The pattern every property-changing call shares (mprotect,
// madvise, mlock, prctl(PR_SET_VMA)); Linux's vma_modify() and its wrappers in mm/vma.c.
// The caller then sets the properties on the vma returned: after a merge it has them already.
// Errors are returned, never swallowed: a failed split leaves every vma as it was before the
// call, except that the first split may have happened when the second fails (as in Linux).

import { MmStruct, VmArea } from "./mm_types";
import { split_vma } from "./vma";
import {
  VmaMergeStruct, vmg_get, vmg_init_vma, vmg_nomem, vma_merge_existing_range,
} from "./vma_merge";
import { ENOMEM } from "../include/errno";

/** The errno of the last vma_modify* that returned null. */
export let vma_modify_err: i32 = 0;

/** vma_modify: merge vmg's range of vmg.middle into a neighbour, or split it off.
 *  Returns: the vma covering exactly the range, or null with vma_modify_err set (-ENOMEM when
 *  a split cannot allocate or map_count is at sysctl_max_map_count). */
function vma_modify(vmg: VmaMergeStruct): VmArea | null {
  const vma = changetype<VmArea>(<usize>vmg.middle);
  const start = vmg.start;
  const end = vmg.end;
  vma_modify_err = 0;
  const mm = changetype<MmStruct>(<usize>vma.vm_mm);
  const merged = vma_merge_existing_range(vmg);
  if (merged != null) return merged;
  if (vmg_nomem(vmg)) {
    vma_modify_err = -ENOMEM;
    return null;
  }
  if (vma.vm_start < start) {
    const err = split_vma(mm, vma, start, true);
    if (err != 0) {
      vma_modify_err = err;
      return null;
    }
  }
  if (vma.vm_end > end) {
    const err = split_vma(mm, vma, end, false);
    if (err != 0) {
      vma_modify_err = err;
      return null;
    }
  }
  return vma;
}

/** vma_modify_flags: make [start, end) of vma a vma that can take newflags.
 *  Preconditions: vma.vm_start <= start < end <= vma.vm_end, page aligned.
 *  Returns: as vma_modify; the flags are the caller's to set. Matches mm/vma.c. */
export function vma_modify_flags(mm: MmStruct, vma: VmArea, start: u64, end: u64, newflags: u64): VmArea | null {
  const vmg = vmg_get();
  vmg_init_vma(vmg, null, vma, start, end);
  vmg.vm_flags = newflags;
  return vma_modify(vmg);
}

/** vma_modify_flags_name: as vma_modify_flags, for newflags and the name anon_name (0: none).
 *  Matches mm/vma.c vma_modify_flags_name(). */
export function vma_modify_flags_name(mm: MmStruct, vma: VmArea, start: u64, end: u64, newflags: u64,
                                      anon_name: u32): VmArea | null {
  const vmg = vmg_get();
  vmg_init_vma(vmg, null, vma, start, end);
  vmg.vm_flags = newflags;
  vmg.anon_name = anon_name;
  return vma_modify(vmg);
}

/** vma_modify_policy: as vma_modify_flags, for the memory policy policy (mm/mempolicy.ts).
 *  Matches mm/vma.c vma_modify_policy(). */
export function vma_modify_policy(mm: MmStruct, vma: VmArea, start: u64, end: u64, policy: u32): VmArea | null {
  const vmg = vmg_get();
  vmg_init_vma(vmg, null, vma, start, end);
  vmg.policy = policy;
  return vma_modify(vmg);
}

/** vma_modify_flags_uffd: as vma_modify_flags, for newflags and the userfaultfd context ctx
 *  (0: none), so that a registered range never merges with a neighbour of another context.
 *  Returns: as vma_modify; the caller sets the flags and ctx (userfaultfd_set_ctx).
 *  Matches mm/vma.c vma_modify_flags_uffd(). DIVERGES: no give_up_on_oom: the merges here
 *  allocate nothing, so only a split can fail, and the callers report that error. */
export function vma_modify_flags_uffd(mm: MmStruct, vma: VmArea, start: u64, end: u64, newflags: u64,
                                      ctx: u32): VmArea | null {
  const vmg = vmg_get();
  vmg_init_vma(vmg, null, vma, start, end);
  vmg.vm_flags = newflags;
  vmg.uffd_ctx = ctx;
  return vma_modify(vmg);
}
