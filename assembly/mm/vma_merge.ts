// mm/vma_merge.ts — merging vmas: a new range with its neighbours (mmap, brk, mremap's copy),
// an existing range whose properties change with its neighbours (mprotect, madvise, mlock,
// prctl(PR_SET_VMA)), and growth of a vma over the hole after it (mremap).
// Owns: struct vma_merge_struct (vmg) and the merge decisions. The tree and list updates go
// through mm/vma.ts (vma_unlink, vma_set_range), anon_vma sharing through mm/rmap.ts.
// Follows Linux mm/vma.c (6.18) with its stable fixes: is_mergeable_vma() (flags, file, name),
// is_mergeable_anon_vma() (a faulted vma may merge with an unfaulted one unless the faulted
// one is a fork child; two faulted ones only with the same anon_vma), VM_SPECIAL never
// merges, a vma whose vm_ops have close() is never removed by a merge, merging into prev
// beats merging into next, and a merge with both sides needs prev and next compatible.
// DIVERGES: merges allocate nothing (the vma tree is threaded through the vmas and anon_vma
// chains are counted, mm/rmap.ts), so commit_merge() cannot fail and VMA_MERGE_ERROR_NOMEM
// is never set; the errors of vma_modify() come from splitting. vmg.start/end/pgoff always
// describe the target's final range (Linux's merge-right-partial case describes middle's).
//
//   existing range:   prev | middle [start, end) … | next      new range:  prev | [start, end) | next

import { PAGE_SHIFT, VM_SPECIAL } from "../include/mman";
import { MmStruct, VmArea, VmOperationsStruct } from "./mm_types";
import {
  vma_next, vma_prev, vma_first, vma_pages, vma_unlink, vma_set_range, vma_link, vm_area_free,
  vm_area_dup, find_vma_prev_of,
} from "./vma";
import { vma_is_fork_child, anon_vma_clone } from "./rmap";
import { anon_vma_name_eq } from "./anon_name";
import { DEBUG_VM } from "./debug_vm";

export const VMA_MERGE_START: u32 = 0;
export const VMA_MERGE_ERROR_NOMEM: u32 = 1;
export const VMA_MERGE_NOMERGE: u32 = 2;
export const VMA_MERGE_SUCCESS: u32 = 3;

//   struct vma_merge_struct, 88 bytes:
//    0 mm u32 | 4 prev u32 | 8 middle u32 | 12 next u32 | 16 target u32 | 20 file u32
//   24 anon_vma u32 | 28 anon_name u32 | 32 start u64 | 40 end u64 (exclusive) | 48 pgoff u64
//   56 vm_flags u64 | 64 copied_from u32 | 68 state u32 | 72 just_expand u8
//   73 __adjust_middle_start u8 | 74 __adjust_next_start u8 | 75 __remove_middle u8
//   76 __remove_next u8 | 77..79 padding | 80 uffd_ctx u32 (vm_userfaultfd_ctx) | 84 policy u32
@unmanaged @final
export class VmaMergeStruct {
  mm: u32;
  prev: u32;
  middle: u32;
  next: u32;
  target: u32;
  file: u32;
  anon_vma: u32;
  anon_name: u32;
  start: u64;
  end: u64;
  pgoff: u64;
  vm_flags: u64;
  copied_from: u32;
  state: u32;
  just_expand: u8;
  __adjust_middle_start: u8;
  __adjust_next_start: u8;
  __remove_middle: u8;
  __remove_next: u8;
  pad0: u8;
  pad1: u16;
  uffd_ctx: u32;
  policy: u32;
}
export const VMG_SIZE: u32 = 88;

/** The vmg of the mm entry points: one operation at a time, never nested. */
const vmg_static: usize = memory.data(88, 8);

/** A zeroed vmg in static memory (for callers that need no other). */
export function vmg_get(): VmaMergeStruct {
  if (offsetof<VmaMergeStruct>() != VMG_SIZE) ERROR("VmaMergeStruct layout changed");
  memory.fill(vmg_static, 0, VMG_SIZE);
  return changetype<VmaMergeStruct>(vmg_static);
}

@inline function V(p: u32): VmArea {
  return changetype<VmArea>(<usize>p);
}
@inline function P(vma: VmArea | null): u32 {
  return vma == null ? 0 : changetype<u32>(vma);
}

/** VMG_STATE: describe the new range [start, end) of mm with flags and pgoff. */
export function vmg_init(vmg: VmaMergeStruct, mm: MmStruct, start: u64, end: u64, vm_flags: u64, pgoff: u64): void {
  memory.fill(changetype<usize>(vmg), 0, VMG_SIZE);
  vmg.mm = changetype<u32>(mm);
  vmg.start = start;
  vmg.end = end;
  vmg.vm_flags = vm_flags;
  vmg.pgoff = pgoff;
}

/** VMG_VMA_STATE: describe [start, end) of vma (the middle) with vma's properties. */
export function vmg_init_vma(vmg: VmaMergeStruct, prev: VmArea | null, vma: VmArea, start: u64, end: u64): void {
  vmg_init(vmg, changetype<MmStruct>(<usize>vma.vm_mm), start, end, vma.vm_flags,
    vma.vm_pgoff + ((start - vma.vm_start) >> PAGE_SHIFT));
  vmg.prev = P(prev);
  vmg.middle = changetype<u32>(vma);
  vmg.file = vma.vm_file;
  vmg.anon_vma = vma.anon_vma;
  vmg.anon_name = vma.anon_name;
  vmg.uffd_ctx = vma.vm_userfaultfd_ctx;
  vmg.policy = vma.vm_policy;
}

/** Whether the merge returned null for want of memory (never, here: see DIVERGES). */
@inline export function vmg_nomem(vmg: VmaMergeStruct): bool {
  return vmg.state == VMA_MERGE_ERROR_NOMEM;
}

/** is_mergeable_vma: prev (or next) has the proposed flags, file and name. */
function is_mergeable_vma(vmg: VmaMergeStruct, merge_next: bool): bool {
  const vma = V(merge_next ? vmg.next : vmg.prev);
  if (vma.vm_flags != vmg.vm_flags) return false;
  if (vma.vm_file != vmg.file) return false;
  // Registered with another userfaultfd (or one of them with none): faults would go astray.
  if (vma.vm_userfaultfd_ctx != vmg.uffd_ctx) return false;
  // mpol_equal: pages of one vma follow one memory policy.
  if (vma.vm_policy != vmg.policy) return false;
  return anon_vma_name_eq(vma.anon_name, vmg.anon_name);
}

/** is_mergeable_anon_vma: the pages of the proposed range (vmg.anon_vma, from middle or the
 *  vma being copied) and of the target (prev or next) can live in one anon_vma.
 *  Matches mm/vma.c is_mergeable_anon_vma() after 879bca0a2c4f and 61f67c230a5e. */
function is_mergeable_anon_vma(vmg: VmaMergeStruct, merge_next: bool): bool {
  const tgt = V(merge_next ? vmg.next : vmg.prev);
  const src_p = vmg.middle != 0 ? vmg.middle : vmg.copied_from;
  const src: VmArea | null = src_p == 0 ? null : V(src_p);
  const tgt_anon = tgt.anon_vma;
  const src_anon = vmg.anon_vma;
  if (DEBUG_VM) assert(vmg.middle == 0 || V(vmg.middle).anon_vma == src_anon, "vmg.anon_vma is not middle's");
  // The target takes src's anon_vma (dup_anon_vma): not if src shares pages with a parent.
  if (tgt_anon == 0 && src_anon != 0) return !vma_is_fork_child(src);
  // The range takes the target's anon_vma: not if the target shares pages with a parent.
  if (tgt_anon != 0 && src_anon == 0) return !vma_is_fork_child(tgt);
  return src_anon == tgt_anon;
}

/** can_vma_merge_before: the range can become the front of next (pgoffs in line). */
function can_vma_merge_before(vmg: VmaMergeStruct): bool {
  const pglen = (vmg.end - vmg.start) >> PAGE_SHIFT;
  return is_mergeable_vma(vmg, true) && is_mergeable_anon_vma(vmg, true) &&
    V(vmg.next).vm_pgoff == vmg.pgoff + pglen;
}

/** can_vma_merge_after: the range can become the tail of prev (pgoffs in line). */
function can_vma_merge_after(vmg: VmaMergeStruct): bool {
  const prev = V(vmg.prev);
  return is_mergeable_vma(vmg, false) && is_mergeable_anon_vma(vmg, false) &&
    prev.vm_pgoff + vma_pages(prev) == vmg.pgoff;
}

function can_vma_merge_left(vmg: VmaMergeStruct): bool {
  return vmg.prev != 0 && V(vmg.prev).vm_end == vmg.start && can_vma_merge_after(vmg);
}

/** can_vma_merge_right: next can take the range; if prev can too, prev and next must be
 *  able to share one anon_vma, since both end up in one vma. */
function can_vma_merge_right(vmg: VmaMergeStruct, can_merge_left: bool): bool {
  if (vmg.next == 0 || vmg.end != V(vmg.next).vm_start || !can_vma_merge_before(vmg)) return false;
  if (!can_merge_left) return true;
  const a = V(vmg.prev).anon_vma;
  const b = V(vmg.next).anon_vma;
  return a == 0 || b == 0 || a == b;
}

/** can_merge_remove_vma: a merge may delete vma only if it has no close hook. */
export function can_merge_remove_vma(vma: VmArea): bool {
  return vma.vm_ops == 0 || changetype<VmOperationsStruct>(<usize>vma.vm_ops).close == 0;
}

/** dup_anon_vma: an unfaulted dst that grows over src's pages takes src's anon_vma. */
function dup_anon_vma(dst: VmArea, src: VmArea): void {
  if (src.anon_vma != 0 && dst.anon_vma == 0) anon_vma_clone(dst, src);
}

/** Unlink and free a vma a merge swallowed; the target already shares its anon_vma. */
function vma_merge_remove(mm: MmStruct, target: VmArea, vma: VmArea): void {
  if (DEBUG_VM) assert(vma.anon_vma == 0 || vma.anon_vma == target.anon_vma, "merge drops foreign pages");
  vma_unlink(mm, vma);
  vm_area_free(vma);
}

/** commit_merge: apply a decided merge: remove what it swallows, then move the boundaries.
 *  Shrinking comes before growing so that no two vmas ever overlap. Never fails. */
function commit_merge(vmg: VmaMergeStruct): void {
  const mm = changetype<MmStruct>(<usize>vmg.mm);
  const target = V(vmg.target);
  if (vmg.__adjust_middle_start) {
    // prev grows over the start of middle: middle keeps [end, vm_end).
    const middle = V(vmg.middle);
    const delta = (vmg.end - middle.vm_start) >> PAGE_SHIFT;
    vma_set_range(mm, middle, vmg.end, middle.vm_end, middle.vm_pgoff + delta);
  } else if (vmg.__adjust_next_start) {
    // next grows down over the end of middle: middle keeps [vm_start, start).
    const middle = V(vmg.middle);
    vma_set_range(mm, middle, middle.vm_start, vmg.start, middle.vm_pgoff);
  }
  if (vmg.__remove_middle) vma_merge_remove(mm, target, V(vmg.middle));
  if (vmg.__remove_next) vma_merge_remove(mm, target, V(vmg.next));
  vma_set_range(mm, target, vmg.start, vmg.end, vmg.pgoff);
}

/** vma_merge_existing_range: [vmg.start, vmg.end) of vmg.middle is to take vmg's properties;
 *  merge it into prev and/or next if they have them already.
 *  Preconditions: vmg from vmg_init_vma() with the new flags (or name); the range lies inside
 *  middle. prev is found here (vma_prev(middle)), next too.
 *  Returns: the vma now covering the range (prev or next, grown), or null with vmg.state
 *  VMA_MERGE_NOMERGE; nothing changed then. Matches mm/vma.c vma_merge_existing_range(). */
export function vma_merge_existing_range(vmg: VmaMergeStruct): VmArea | null {
  const middle = V(vmg.middle);
  const start = vmg.start;
  const end = vmg.end;
  if (DEBUG_VM) assert(start < end && middle.vm_start <= start && end <= middle.vm_end, "range outside middle");
  vmg.state = VMA_MERGE_NOMERGE;
  const left_side = start == middle.vm_start;
  const right_side = end == middle.vm_end;
  // Only a range touching an end of middle can join a neighbour.
  if ((vmg.vm_flags & VM_SPECIAL) != 0 || (!left_side && !right_side)) return null;
  vmg.prev = P(vma_prev(middle));
  let merge_left = left_side && can_vma_merge_left(vmg);
  let merge_right = false;
  if (right_side) {
    vmg.next = P(vma_next(middle));
    merge_right = can_vma_merge_right(vmg, merge_left);
  }
  if (!merge_left && !merge_right) return null;
  // Spanning all of middle, a merge deletes it: not if it has a close hook.
  vmg.__remove_middle = left_side && right_side ? 1 : 0;
  if (vmg.__remove_middle && !can_merge_remove_vma(middle)) return null;
  // Merging both sides deletes next too; if it cannot go, merge with prev alone.
  if (merge_left && merge_right && !can_merge_remove_vma(V(vmg.next))) merge_right = false;
  const prev = V(vmg.prev);
  if (merge_left && merge_right) {
    //  |<------------------------->|
    //  | prev | middle ******* | next |   prev grows, middle and next go
    const next = V(vmg.next);
    vmg.target = vmg.prev;
    vmg.__remove_next = 1;
    vmg.start = prev.vm_start;
    vmg.end = next.vm_end;
    vmg.pgoff = prev.vm_pgoff;
    dup_anon_vma(prev, next.anon_vma != 0 ? next : middle);
  } else if (merge_left) {
    //  |<------------->|            prev grows; middle shrinks or goes
    //  | prev | middle ***------ |
    vmg.target = vmg.prev;
    vmg.start = prev.vm_start;
    vmg.pgoff = prev.vm_pgoff;
    if (!vmg.__remove_middle) vmg.__adjust_middle_start = 1;
    dup_anon_vma(prev, middle);
  } else {
    //       |<------------->|       next grows down; middle shrinks or goes
    //  | ------*** middle | next |
    const next = V(vmg.next);
    const pglen = (end - start) >> PAGE_SHIFT;
    vmg.target = vmg.next;
    vmg.end = next.vm_end;
    vmg.pgoff = next.vm_pgoff - pglen;
    if (!vmg.__remove_middle) vmg.__adjust_next_start = 1;
    dup_anon_vma(next, middle);
  }
  commit_merge(vmg);
  vmg.state = VMA_MERGE_SUCCESS;
  return V(vmg.target);
}

/** vma_expand: grow vmg.target to [vmg.start, vmg.end), swallowing vmg.next when the range
 *  reaches its end. Preconditions: the range covers target and only holes or next besides;
 *  next, if swallowed, may be removed (no close hook). Returns 0 (it cannot fail here).
 *  Matches mm/vma.c vma_expand(). */
export function vma_expand(vmg: VmaMergeStruct): i32 {
  const target = V(vmg.target);
  const remove_next = vmg.next != 0 && vmg.target != vmg.next && vmg.end == V(vmg.next).vm_end;
  if (DEBUG_VM) assert(!remove_next || can_merge_remove_vma(V(vmg.next)), "vma_expand removes a vma with close()");
  if (remove_next) {
    dup_anon_vma(target, V(vmg.next));
    vmg.__remove_next = 1;
  }
  // mremap's copy brings its pages along: the target must know their anon_vma.
  if (vmg.copied_from != 0) dup_anon_vma(target, V(vmg.copied_from));
  commit_merge(vmg);
  return 0;
}

/** vma_merge_new_range: place the new range [vmg.start, vmg.end) by growing prev and/or next.
 *  Preconditions: vmg from vmg_init() (or a copy's state), vmg.prev/vmg.next the vmas around
 *  the hole the range lies in; no vma overlaps it.
 *  Returns: the grown vma, or null with vmg.state VMA_MERGE_NOMERGE (nothing changed).
 *  Matches mm/vma.c vma_merge_new_range(). */
export function vma_merge_new_range(vmg: VmaMergeStruct): VmArea | null {
  const end = vmg.end;
  if (DEBUG_VM) assert(vmg.middle == 0 && vmg.target == 0, "a new range has no middle or target");
  vmg.state = VMA_MERGE_NOMERGE;
  if ((vmg.vm_flags & VM_SPECIAL) != 0 || (vmg.prev == 0 && vmg.next == 0)) return null;
  const can_merge_left = can_vma_merge_left(vmg);
  const can_merge_right = !vmg.just_expand && can_vma_merge_right(vmg, can_merge_left);
  if (can_merge_right) {
    vmg.end = V(vmg.next).vm_end;
    vmg.target = vmg.next;
  }
  if (can_merge_left) {
    const prev = V(vmg.prev);
    vmg.start = prev.vm_start;
    vmg.target = vmg.prev;
    vmg.pgoff = prev.vm_pgoff;
    // next cannot be deleted: grow prev up to the range's end and leave next alone.
    if (can_merge_right && !can_merge_remove_vma(V(vmg.next))) vmg.end = end;
  }
  if (vmg.target == 0) return null;
  vma_expand(vmg);
  vmg.state = VMA_MERGE_SUCCESS;
  return V(vmg.target);
}

/** vma_merge_copied_range: vma_merge_new_range for mremap's copy of vmg.middle. */
function vma_merge_copied_range(vmg: VmaMergeStruct): VmArea | null {
  if (DEBUG_VM) assert(vmg.middle != 0, "a copy needs its source");
  vmg.copied_from = vmg.middle;
  vmg.middle = 0;
  return vma_merge_new_range(vmg);
}

/** vma_merge_extend: grow vma by delta bytes over the hole after it, merging with next if
 *  they meet and match. Preconditions: [vm_end, vm_end + delta) is free.
 *  Returns: the vma covering the grown range, or null when vma may not merge (VM_SPECIAL).
 *  Matches mm/vma.c vma_merge_extend() (mremap's growth in place). */
export function vma_merge_extend(vma: VmArea, delta: u64): VmArea | null {
  const vmg = vmg_get();
  vmg_init_vma(vmg, vma, vma, vma.vm_end, vma.vm_end + delta);
  vmg.middle = 0; // vma only lends its properties
  vmg.next = P(vma_next(vma));
  if (DEBUG_VM) assert(vmg.next == 0 || V(vmg.next).vm_start >= vmg.end, "vma_merge_extend over a vma");
  return vma_merge_new_range(vmg);
}

/** copy_vma: a vma for [addr, addr + len) like vma, at pgoff, merged into a neighbour when
 *  it can be (mremap's destination). An unfaulted anonymous vma takes pgoff from its new
 *  address, as a fresh mapping there would, so it can merge where it lands.
 *  Preconditions: [addr, addr + len) is free. Returns: the vma, or null on -ENOMEM.
 *  Matches mm/vma.c copy_vma(). */
export function copy_vma(vma: VmArea, addr: u64, len: u64, pgoff: u64): VmArea | null {
  const mm = changetype<MmStruct>(<usize>vma.vm_mm);
  if (vma.vm_file == 0 && vma.anon_vma == 0) pgoff = addr >> PAGE_SHIFT;
  const prev = find_vma_prev_of(mm, addr);
  const next = prev == null ? vma_first(mm) : vma_next(prev);
  if (DEBUG_VM) assert(next == null || next.vm_start >= addr + len, "copy_vma over a vma");
  const vmg = vmg_get();
  vmg_init_vma(vmg, prev, vma, vma.vm_start, vma.vm_start + len);
  vmg.start = addr;
  vmg.end = addr + len;
  vmg.pgoff = pgoff;
  vmg.next = P(next);
  const merged = vma_merge_copied_range(vmg);
  if (merged != null) return merged;
  const n = vm_area_dup(vma);
  if (n == null) return null;
  n.vm_start = addr;
  n.vm_end = addr + len;
  n.vm_pgoff = pgoff;
  anon_vma_clone(n, vma);
  vma_link(mm, n, prev);
  return n;
}
