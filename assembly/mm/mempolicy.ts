// mm/mempolicy.ts — NUMA memory policies of vmas (mbind): the part of mm/mempolicy.c that
// lives with the vmas. There is one memory node, so a policy is only its mode, mode flags and
// whether node 0 is in its mask, packed in a u32 the kernel builds (kernel/mempolicy.ts):
// bits 0-7 mode + 1, bits 8-15 the MPOL_F_STATIC/RELATIVE/NUMA_BALANCING flags >> 8, bit 16
// node 0. 0 means no vma policy (MPOL_DEFAULT: the task's policy applies). Two vmas merge
// only with equal policies (mpol_equal), so mbind splits and merges like mprotect does.

import { EFAULT, EINVAL, ENOMEM } from "../include/errno";
import { PAGE_MASK, PAGE_SIZE } from "../include/mman";
import { MmStruct, VmArea } from "./mm_types";
import { find_vma, vma_next, validate_mm } from "./vma";
import { vma_modify_policy, vma_modify_err } from "./vma_modify";

/** do_mbind's walk for a checked policy: [start, start + len) must be mapped without holes
 *  (queue_pages_range's -EFAULT, before anything changes); then each vma's part takes policy
 *  (mbind_range). Returns 0 or -errno. */
export function mbind_range(mm: MmStruct, start: u64, len_in: u64, policy: u32): i32 {
  if (start & ~PAGE_MASK) return -EINVAL;
  const len = (len_in + PAGE_SIZE - 1) & PAGE_MASK;
  const end = start + len;
  if (end < start) return -EINVAL;
  if (end == start) return 0;
  let addr = start;
  for (let v = find_vma(mm, start); addr < end; v = vma_next(changetype<VmArea>(v))) {
    if (v == null || v.vm_start > addr) return -EFAULT;
    addr = v.vm_end;
  }
  addr = start;
  while (addr < end) {
    const v = changetype<VmArea>(find_vma(mm, addr));
    const vend = v.vm_end < end ? v.vm_end : end;
    if (v.vm_policy != policy) {
      const n = vma_modify_policy(mm, v, addr, vend, policy);
      if (n == null) {
        validate_mm(mm);
        return vma_modify_err != 0 ? vma_modify_err : -ENOMEM;
      }
      n.vm_policy = policy;
    }
    addr = vend;
  }
  validate_mm(mm);
  return 0;
}

/** The policy of the vma containing addr (0: none), or -EFAULT when no vma does (vma_lookup). */
export function vma_policy_at(mm: MmStruct, addr: u64): i64 {
  const v = find_vma(mm, addr);
  if (v == null || v.vm_start > addr) return -EFAULT;
  return <i64>v.vm_policy;
}
