// mm/tests/vma_merge_kunit.ts — the scenarios of Linux's tools/testing/vma/vma.c, re-expressed
// against our vma_merge.ts / vma_modify.ts: simple merge, modify, expand and shrink; new-range
// merges on every side; vmas with a close hook; merges of existing ranges; anon_vma
// compatibility and duplication; VM_SPECIAL; vma_merge_extend; copy_vma; expand-only mode;
// the max_map_count limit. Pictures count pages: "0123" is pages 0..3, letters are vmas,
// '*' the range being placed or changed.

import {
  KUnit, KUnitSuite, KUNIT_CASE, kunit_test_suite, KUNIT_EXPECT_EQ, KUNIT_ASSERT_EQ, KUNIT_EXPECT_TRUE,
  KUNIT_ASSERT_TRUE,
} from "../../kunit/test";
import { ENOMEM } from "../../include/errno";
import { VM_READ, VM_MAYREAD, VM_IO, VM_DONTEXPAND, VM_PFNMAP, VM_MIXEDMAP, VM_SPECIAL } from "../../include/mman";
import { MmStruct, VmArea } from "../mm_types";
import {
  vma_first, vma_next, find_vma_prev_of, vm_area_alloc, vm_area_free, sysctl_max_map_count, validate_mm,
} from "../vma";
import {
  VmaMergeStruct, vmg_get, vmg_init, vmg_init_vma, vma_merge_new_range, vma_merge_existing_range,
  vma_expand, vma_merge_extend, copy_vma, VMA_MERGE_SUCCESS, VMA_MERGE_NOMERGE,
} from "../vma_merge";
import { vma_modify_flags, vma_modify_err } from "../vma_modify";
import { do_munmap } from "../mmap";
import { slab_fail_nth } from "../slab";
import { page_alloc_fail_nth, alloc_page } from "../page_alloc";
import {
  FLAGS, mm_for_test, teardown, alloc_and_link_vma, vma_at, P, fault_anon_vma, share_anon_vma,
  vm_ops_with_close,
} from "./mm_kunit_util";

@inline function pg(n: u64): u64 {
  return n << 12;
}

/** The vmg of a new range [start, end) with prev and next found around it (merge_new). */
function new_range(mm: MmStruct, start: u64, end: u64, pgoff: u64, flags: u64): VmaMergeStruct {
  const vmg = vmg_get();
  vmg_init(vmg, mm, start, end, flags, pgoff);
  const prev = find_vma_prev_of(mm, start);
  const next = prev == null ? vma_first(mm) : vma_next(prev);
  vmg.prev = <u32>P(prev);
  vmg.next = <u32>P(next);
  return vmg;
}

let was_merged = false;
/** try_merge_new_vma: merge [start, end) into a neighbour, else link a vma of its own. */
function try_merge_new_vma(mm: MmStruct, start: u64, end: u64, pgoff: u64): VmArea {
  const vmg = new_range(mm, start, end, pgoff, FLAGS);
  const merged = vma_merge_new_range(vmg);
  was_merged = merged != null;
  if (merged != null) {
    assert(vmg.state == VMA_MERGE_SUCCESS, "merged without VMA_MERGE_SUCCESS");
    return merged;
  }
  assert(vmg.state == VMA_MERGE_NOMERGE, "no merge without VMA_MERGE_NOMERGE");
  return alloc_and_link_vma(mm, start, end, pgoff, FLAGS);
}

/** The vmg of [start, end) of vma taking flags (merge_existing). */
function existing_range(vma: VmArea, start: u64, end: u64, flags: u64): VmaMergeStruct {
  const vmg = vmg_get();
  vmg_init_vma(vmg, null, vma, start, end);
  vmg.vm_flags = flags;
  return vmg;
}

/** A vma outside every mm that holds an anon_vma for cases to share (dummy_anon_vma). */
function anon_holder(mm: MmStruct): VmArea {
  const h = changetype<VmArea>(vm_area_alloc(mm));
  h.vm_start = pg(0x100);
  h.vm_end = pg(0x101);
  fault_anon_vma(h);
  return h;
}

function expect_range(test: KUnit, vma: VmArea, start: u64, end: u64, pgoff: u64): void {
  KUNIT_EXPECT_EQ(test, vma.vm_start, start);
  KUNIT_EXPECT_EQ(test, vma.vm_end, end);
  KUNIT_EXPECT_EQ(test, vma.vm_pgoff, pgoff);
}

//   0123     new [1, 2) between A and B, all alike → one vma [0, 3)
//   A*B
function simple_merge(test: KUnit): void {
  const mm = mm_for_test();
  alloc_and_link_vma(mm, 0, pg(1), 0, FLAGS);
  alloc_and_link_vma(mm, pg(2), pg(3), 2, FLAGS);
  const vma = vma_merge_new_range(new_range(mm, pg(1), pg(2), 1, FLAGS));
  KUNIT_ASSERT_TRUE(test, vma != null);
  expect_range(test, changetype<VmArea>(vma), 0, pg(3), 0);
  KUNIT_EXPECT_EQ(test, changetype<VmArea>(vma).vm_flags, FLAGS);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  teardown(test, mm);
}

//   012      [1, 2) of A takes other flags: two splits; the flags are the caller's to set
//   A*A
function simple_modify(test: KUnit): void {
  const mm = mm_for_test();
  const init = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  const vma = vma_modify_flags(mm, init, pg(1), pg(2), VM_READ | VM_MAYREAD);
  KUNIT_ASSERT_EQ(test, P(vma), P(init));
  expect_range(test, init, pg(1), pg(2), 1);
  KUNIT_EXPECT_EQ(test, init.vm_flags, FLAGS);
  const first = changetype<VmArea>(vma_first(mm));
  expect_range(test, first, 0, pg(1), 0);
  const last = changetype<VmArea>(vma_next(init));
  expect_range(test, last, pg(2), pg(3), 2);
  KUNIT_EXPECT_EQ(test, mm.map_count, 3);
  teardown(test, mm);
}

//   012      A grows over the hole after it
//   A**
function simple_expand(test: KUnit): void {
  const mm = mm_for_test();
  const vma = alloc_and_link_vma(mm, 0, pg(1), 0, FLAGS);
  const vmg = vmg_get();
  vmg_init(vmg, mm, 0, pg(3), FLAGS, 0);
  vmg.target = <u32>P(vma);
  KUNIT_EXPECT_EQ(test, vma_expand(vmg), 0);
  expect_range(test, vma, 0, pg(3), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  teardown(test, mm);
}

//   012      A loses its tail (munmap; Linux's split keeps the head in the new vma, so only
//   A**      the layout is checked, not which struct survives)
function simple_shrink(test: KUnit): void {
  const mm = mm_for_test();
  alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  mm.total_vm = 3;
  KUNIT_EXPECT_EQ(test, do_munmap(mm, pg(1), pg(2)), 0);
  expect_range(test, changetype<VmArea>(vma_first(mm)), 0, pg(1), 0);
  KUNIT_EXPECT_EQ(test, mm.total_vm, 1);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  teardown(test, mm);
}

// The new-range merges of every shape, one after another (test_merge_new):
//   0123456789abc
//   AA B   **  CC    no neighbour: D of its own
//   AA*B   DD  CC    both sides: A swallows B and takes B's anon_vma
//   AAAA*  DD  CC    prev only
//   AAAAA *DD  CC    next only (D has a close hook: growing it is fine)
//   AAAAA*DDD  CC    both again, D deleted
//   AAAAAAAAA *CC    next only
//   AAAAAAAAA*CCC    both: one vma [0, c)
function merge_new(test: KUnit): void {
  const mm = mm_for_test();
  const dummy = anon_holder(mm);
  const a = alloc_and_link_vma(mm, 0, pg(2), 0, FLAGS);
  const b = alloc_and_link_vma(mm, pg(3), pg(4), 3, FLAGS);
  const c = alloc_and_link_vma(mm, pg(0xb), pg(0xc), 0xb, FLAGS);
  const d = try_merge_new_vma(mm, pg(7), pg(9), 7);
  KUNIT_EXPECT_TRUE(test, !was_merged);
  KUNIT_EXPECT_EQ(test, mm.map_count, 4);

  a.vm_ops = vm_ops_with_close(); // prev is never deleted: no effect
  share_anon_vma(b, dummy);
  let vma = try_merge_new_vma(mm, pg(2), pg(3), 2);
  KUNIT_EXPECT_TRUE(test, was_merged);
  KUNIT_EXPECT_EQ(test, P(vma), P(a));
  expect_range(test, vma, 0, pg(4), 0);
  KUNIT_EXPECT_EQ(test, vma.anon_vma, dummy.anon_vma);
  KUNIT_EXPECT_EQ(test, mm.map_count, 3);

  vma = try_merge_new_vma(mm, pg(4), pg(5), 4);
  KUNIT_EXPECT_EQ(test, P(vma), P(a));
  expect_range(test, vma, 0, pg(5), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 3);

  share_anon_vma(d, dummy);
  d.vm_ops = vm_ops_with_close();
  vma = try_merge_new_vma(mm, pg(6), pg(7), 6);
  KUNIT_EXPECT_EQ(test, P(vma), P(d));
  expect_range(test, vma, pg(6), pg(9), 6);
  KUNIT_EXPECT_EQ(test, vma.anon_vma, dummy.anon_vma);
  KUNIT_EXPECT_EQ(test, mm.map_count, 3);

  d.vm_ops = 0; // with close() D could not be deleted
  vma = try_merge_new_vma(mm, pg(5), pg(6), 5);
  KUNIT_EXPECT_EQ(test, P(vma), P(a));
  expect_range(test, vma, 0, pg(9), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);

  share_anon_vma(c, dummy);
  vma = try_merge_new_vma(mm, pg(0xa), pg(0xb), 0xa);
  KUNIT_EXPECT_EQ(test, P(vma), P(c));
  expect_range(test, vma, pg(0xa), pg(0xc), 0xa);
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);

  vma = try_merge_new_vma(mm, pg(9), pg(0xa), 9);
  KUNIT_EXPECT_EQ(test, P(vma), P(a));
  expect_range(test, vma, 0, pg(0xc), 0);
  KUNIT_EXPECT_EQ(test, vma.anon_vma, dummy.anon_vma);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  a.vm_ops = 0;
  vm_area_free(dummy);
  teardown(test, mm);
}

//   01234    VM_SPECIAL (each of its four flags) never merges, new or existing
//   AAA*
function vma_merge_special_flags(test: KUnit): void {
  const mm = mm_for_test();
  const special: u64[] = [VM_IO, VM_DONTEXPAND, VM_PFNMAP, VM_MIXEDMAP];
  let all: u64 = 0;
  for (let i = 0; i < special.length; i++) all |= special[i];
  KUNIT_EXPECT_EQ(test, all, VM_SPECIAL);
  const left = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  for (let i = 0; i < special.length; i++) {
    left.vm_flags = FLAGS | special[i];
    const vmg = new_range(mm, pg(3), pg(4), 3, FLAGS | special[i]);
    KUNIT_EXPECT_TRUE(test, vma_merge_new_range(vmg) == null);
    KUNIT_EXPECT_EQ(test, vmg.state, VMA_MERGE_NOMERGE);
  }
  const vma = alloc_and_link_vma(mm, pg(3), pg(4), 3, FLAGS);
  for (let i = 0; i < special.length; i++) {
    left.vm_flags = FLAGS | special[i];
    const vmg = existing_range(vma, pg(3), pg(4), FLAGS | special[i]);
    KUNIT_EXPECT_TRUE(test, vma_merge_existing_range(vmg) == null);
    KUNIT_EXPECT_EQ(test, vmg.state, VMA_MERGE_NOMERGE);
  }
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  teardown(test, mm);
}

// A merge never deletes a vma whose vm_ops have close() (test_vma_merge_with_close).
function vma_merge_with_close(test: KUnit): void {
  // 0123456789   new range; N has close(): P grows up to the range's end, N stays
  // PPP**NNNN  → PPPPPNNNN
  let mm = mm_for_test();
  let prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  let next = alloc_and_link_vma(mm, pg(5), pg(9), 5, FLAGS);
  next.vm_ops = vm_ops_with_close();
  let vmg = new_range(mm, pg(3), pg(5), 3, FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_new_range(vmg)), P(prev));
  KUNIT_EXPECT_EQ(test, vmg.state, VMA_MERGE_SUCCESS);
  expect_range(test, prev, 0, pg(5), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  teardown(test, mm);

  // PPPVV      V has close() and would be deleted: no merge
  mm = mm_for_test();
  prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  let vma = alloc_and_link_vma(mm, pg(3), pg(5), 3, FLAGS);
  vma.vm_ops = vm_ops_with_close();
  vmg = existing_range(vma, pg(3), pg(5), FLAGS);
  KUNIT_EXPECT_TRUE(test, vma_merge_existing_range(vmg) == null);
  KUNIT_EXPECT_EQ(test, vmg.state, VMA_MERGE_NOMERGE);
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  teardown(test, mm);

  //    VVNNNN  the mirror image: no merge with next either
  mm = mm_for_test();
  vma = alloc_and_link_vma(mm, pg(3), pg(5), 3, FLAGS);
  next = alloc_and_link_vma(mm, pg(5), pg(9), 5, FLAGS);
  vma.vm_ops = vm_ops_with_close();
  vmg = existing_range(vma, pg(3), pg(5), FLAGS);
  KUNIT_EXPECT_TRUE(test, vma_merge_existing_range(vmg) == null);
  KUNIT_EXPECT_EQ(test, vmg.state, VMA_MERGE_NOMERGE);
  teardown(test, mm);

  // PPPVVNNNN  V has close(): no merge at all
  mm = mm_for_test();
  prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  vma = alloc_and_link_vma(mm, pg(3), pg(5), 3, FLAGS);
  next = alloc_and_link_vma(mm, pg(5), pg(9), 5, FLAGS);
  vma.vm_ops = vm_ops_with_close();
  vmg = existing_range(vma, pg(3), pg(5), FLAGS);
  KUNIT_EXPECT_TRUE(test, vma_merge_existing_range(vmg) == null);
  KUNIT_EXPECT_EQ(test, mm.map_count, 3);
  teardown(test, mm);

  // PPPVVNNNN  N has close(): reduced to P swallowing V → PPPPPNNNN
  mm = mm_for_test();
  prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  vma = alloc_and_link_vma(mm, pg(3), pg(5), 3, FLAGS);
  next = alloc_and_link_vma(mm, pg(5), pg(9), 5, FLAGS);
  next.vm_ops = vm_ops_with_close();
  vmg = existing_range(vma, pg(3), pg(5), FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_existing_range(vmg)), P(prev));
  KUNIT_EXPECT_EQ(test, vmg.state, VMA_MERGE_SUCCESS);
  expect_range(test, prev, 0, pg(5), 0);
  expect_range(test, next, pg(5), pg(9), 5);
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  teardown(test, mm);
}

//   01234567   prev and next both have close(): a new range may still grow prev, never
//   AA***BB    delete next → AAAAABB (test_vma_merge_new_with_close)
function vma_merge_new_with_close(test: KUnit): void {
  const mm = mm_for_test();
  const prev = alloc_and_link_vma(mm, 0, pg(2), 0, FLAGS);
  const next = alloc_and_link_vma(mm, pg(5), pg(7), 5, FLAGS);
  prev.vm_ops = vm_ops_with_close();
  next.vm_ops = vm_ops_with_close();
  const vmg = new_range(mm, pg(2), pg(5), 2, FLAGS);
  const vma = vma_merge_new_range(vmg);
  KUNIT_EXPECT_EQ(test, P(vma), P(prev));
  KUNIT_EXPECT_EQ(test, vmg.state, VMA_MERGE_SUCCESS);
  expect_range(test, prev, 0, pg(5), 0);
  KUNIT_EXPECT_EQ(test, prev.vm_ops, vm_ops_with_close());
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  teardown(test, mm);
}

// Existing ranges taking their neighbour's properties (test_merge_existing).
function merge_existing(test: KUnit): void {
  const ops = vm_ops_with_close(); // on vmas that are only grown or shrunk: no effect
  //    <->
  //   VVVVNNN  → VNNNNNN   right, partial: V shrinks, N grows down and takes V's anon_vma
  let mm = mm_for_test();
  let vma = alloc_and_link_vma(mm, pg(2), pg(6), 2, FLAGS);
  vma.vm_ops = ops;
  let next = alloc_and_link_vma(mm, pg(6), pg(9), 6, FLAGS);
  next.vm_ops = ops;
  fault_anon_vma(vma);
  let vmg = existing_range(vma, pg(3), pg(6), FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_existing_range(vmg)), P(next));
  KUNIT_EXPECT_EQ(test, vmg.state, VMA_MERGE_SUCCESS);
  expect_range(test, next, pg(3), pg(9), 3);
  KUNIT_EXPECT_EQ(test, next.anon_vma, vma.anon_vma);
  expect_range(test, vma, pg(2), pg(3), 2);
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  vma.vm_ops = 0;
  next.vm_ops = 0;
  teardown(test, mm);

  //   <-->
  //   VVVVNNN  → NNNNNNN   right, full: V is deleted
  mm = mm_for_test();
  vma = alloc_and_link_vma(mm, pg(2), pg(6), 2, FLAGS);
  next = alloc_and_link_vma(mm, pg(6), pg(9), 6, FLAGS);
  next.vm_ops = ops;
  fault_anon_vma(vma);
  const av = vma.anon_vma;
  vmg = existing_range(vma, pg(2), pg(6), FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_existing_range(vmg)), P(next));
  expect_range(test, next, pg(2), pg(9), 2);
  KUNIT_EXPECT_EQ(test, next.anon_vma, av);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  next.vm_ops = 0;
  teardown(test, mm);

  //    <->
  // PPPVVVV  → PPPPPPV   left, partial
  mm = mm_for_test();
  let prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  prev.vm_ops = ops;
  vma = alloc_and_link_vma(mm, pg(3), pg(7), 3, FLAGS);
  vma.vm_ops = ops;
  fault_anon_vma(vma);
  vmg = existing_range(vma, pg(3), pg(6), FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_existing_range(vmg)), P(prev));
  expect_range(test, prev, 0, pg(6), 0);
  KUNIT_EXPECT_EQ(test, prev.anon_vma, vma.anon_vma);
  expect_range(test, vma, pg(6), pg(7), 6);
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  prev.vm_ops = 0;
  vma.vm_ops = 0;
  teardown(test, mm);

  //    <-->
  // PPPVVVV  → PPPPPPP   left, full
  mm = mm_for_test();
  prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  prev.vm_ops = ops;
  vma = alloc_and_link_vma(mm, pg(3), pg(7), 3, FLAGS);
  fault_anon_vma(vma);
  vmg = existing_range(vma, pg(3), pg(7), FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_existing_range(vmg)), P(prev));
  expect_range(test, prev, 0, pg(7), 0);
  KUNIT_EXPECT_TRUE(test, prev.anon_vma != 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  prev.vm_ops = 0;
  teardown(test, mm);

  //    <-->
  // PPPVVVVNNN  → PPPPPPPPPP   both
  mm = mm_for_test();
  prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  prev.vm_ops = ops;
  vma = alloc_and_link_vma(mm, pg(3), pg(7), 3, FLAGS);
  next = alloc_and_link_vma(mm, pg(7), pg(9), 7, FLAGS);
  fault_anon_vma(vma);
  vmg = existing_range(vma, pg(3), pg(7), FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_existing_range(vmg)), P(prev));
  expect_range(test, prev, 0, pg(9), 0);
  KUNIT_EXPECT_TRUE(test, prev.anon_vma != 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  prev.vm_ops = 0;
  teardown(test, mm);

  // Ranges touching neither end of V, or one end away from a neighbour: no merge.
  //   PPPVVVVVNNN with V [3, 8): [4,5) [5,6) [6,7) [4,7) [4,6) [5,6)
  mm = mm_for_test();
  prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  vma = alloc_and_link_vma(mm, pg(3), pg(8), 3, FLAGS);
  next = alloc_and_link_vma(mm, pg(8), pg(0xa), 8, FLAGS);
  const starts: u64[] = [4, 5, 6, 4, 4, 5];
  const ends: u64[] = [5, 6, 7, 7, 6, 6];
  for (let i = 0; i < starts.length; i++) {
    vmg = existing_range(vma, pg(starts[i]), pg(ends[i]), FLAGS);
    KUNIT_EXPECT_TRUE(test, vma_merge_existing_range(vmg) == null);
    KUNIT_EXPECT_EQ(test, vmg.state, VMA_MERGE_NOMERGE);
  }
  KUNIT_EXPECT_EQ(test, mm.map_count, 3);
  teardown(test, mm);
}

// prev and next are each compatible with the range, but not with each other: two different
// anon_vmas cannot end up in one vma, so only prev merges (test_anon_vma_non_mergeable).
//    <-->
// PPPVVVVNNN  → PPPPPPPNNN      and the same for a new range:  PPP****NNN → PPPPPPPNNN
function anon_vma_non_mergeable(test: KUnit): void {
  let mm = mm_for_test();
  let prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  const vma = alloc_and_link_vma(mm, pg(3), pg(7), 3, FLAGS);
  let next = alloc_and_link_vma(mm, pg(7), pg(9), 7, FLAGS);
  fault_anon_vma(prev);
  fault_anon_vma(next);
  KUNIT_ASSERT_TRUE(test, prev.anon_vma != next.anon_vma);
  let vmg = existing_range(vma, pg(3), pg(7), FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_existing_range(vmg)), P(prev));
  KUNIT_EXPECT_EQ(test, vmg.state, VMA_MERGE_SUCCESS);
  expect_range(test, prev, 0, pg(7), 0);
  expect_range(test, next, pg(7), pg(9), 7);
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  teardown(test, mm);

  mm = mm_for_test();
  prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  next = alloc_and_link_vma(mm, pg(7), pg(9), 7, FLAGS);
  fault_anon_vma(prev);
  fault_anon_vma(next);
  vmg = new_range(mm, pg(3), pg(7), 3, FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_new_range(vmg)), P(prev));
  expect_range(test, prev, 0, pg(7), 0);
  expect_range(test, next, pg(7), pg(9), 7);
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  teardown(test, mm);
}

// The vma that grows takes the anon_vma of what it swallows (test_dup_anon_vma).
function dup_anon_vma(test: KUnit): void {
  // expand P over N, N faulted:  PPPNN → PPPPP with N's anon_vma
  let mm = mm_for_test();
  let prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  let next = alloc_and_link_vma(mm, pg(3), pg(5), 3, FLAGS);
  fault_anon_vma(next);
  let av = next.anon_vma;
  const vmg = vmg_get();
  vmg_init(vmg, mm, 0, pg(5), FLAGS, 0);
  vmg.target = <u32>P(prev);
  vmg.next = <u32>P(next);
  KUNIT_EXPECT_EQ(test, vma_expand(vmg), 0);
  KUNIT_EXPECT_EQ(test, prev.anon_vma, av);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  teardown(test, mm);

  // |<----->|  P grows, V and N deleted; N (faulted) lends its anon_vma, then V (faulted)
  // PPPVVNNN
  for (let which = 0; which < 2; which++) {
    mm = mm_for_test();
    prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
    const vma = alloc_and_link_vma(mm, pg(3), pg(5), 3, FLAGS);
    next = alloc_and_link_vma(mm, pg(5), pg(8), 5, FLAGS);
    const src = which == 0 ? next : vma;
    fault_anon_vma(src);
    av = src.anon_vma;
    const e = existing_range(vma, pg(3), pg(5), FLAGS);
    KUNIT_EXPECT_EQ(test, P(vma_merge_existing_range(e)), P(prev));
    expect_range(test, prev, 0, pg(8), 0);
    KUNIT_EXPECT_EQ(test, prev.anon_vma, av);
    teardown(test, mm);
  }

  // |<----->|   P grows over the front of a faulted V
  // PPPVVVVV
  mm = mm_for_test();
  prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  let vma = alloc_and_link_vma(mm, pg(3), pg(8), 3, FLAGS);
  fault_anon_vma(vma);
  let e = existing_range(vma, pg(3), pg(5), FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_existing_range(e)), P(prev));
  expect_range(test, prev, 0, pg(5), 0);
  KUNIT_EXPECT_EQ(test, prev.anon_vma, vma.anon_vma);
  teardown(test, mm);

  //     |<->|   N grows down over the end of a faulted V
  // VVVVVNNN
  mm = mm_for_test();
  vma = alloc_and_link_vma(mm, 0, pg(5), 0, FLAGS);
  next = alloc_and_link_vma(mm, pg(5), pg(8), 5, FLAGS);
  fault_anon_vma(vma);
  e = existing_range(vma, pg(3), pg(5), FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_existing_range(e)), P(next));
  expect_range(test, next, pg(3), pg(8), 3);
  KUNIT_EXPECT_EQ(test, next.anon_vma, vma.anon_vma);
  teardown(test, mm);
}

//   0123   A grows into the hole up to B and merges with it (test_merge_extend)
//   A**B
function merge_extend(test: KUnit): void {
  const mm = mm_for_test();
  const vma = alloc_and_link_vma(mm, 0, pg(1), 0, FLAGS);
  alloc_and_link_vma(mm, pg(3), pg(4), 3, FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_extend(vma, pg(2))), P(vma));
  expect_range(test, vma, 0, pg(4), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  teardown(test, mm);
}

// mremap's copy (test_copy_vma): moved down without a neighbour it is a vma of its own; an
// unfaulted vma takes its new address's pgoff and merges with a vma it lands against.
function copy_vma_cases(test: KUnit): void {
  let mm = mm_for_test();
  let vma = alloc_and_link_vma(mm, pg(3), pg(5), 3, FLAGS);
  let n = copy_vma(vma, 0, pg(2), 0);
  KUNIT_ASSERT_TRUE(test, n != null);
  KUNIT_EXPECT_TRUE(test, P(n) != P(vma));
  expect_range(test, changetype<VmArea>(n), 0, pg(2), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  teardown(test, mm);

  //   012345678   A copied to [4, 6) lands against B: B takes it
  //   AA    BB
  mm = mm_for_test();
  vma = alloc_and_link_vma(mm, 0, pg(2), 0, FLAGS);
  const next = alloc_and_link_vma(mm, pg(6), pg(8), 6, FLAGS);
  n = copy_vma(vma, pg(4), pg(2), 4);
  KUNIT_EXPECT_EQ(test, P(n), P(next));
  expect_range(test, next, pg(4), pg(8), 4);
  teardown(test, mm);

  // A faulted vma keeps its pgoff: copied against an unfaulted vma whose pgoff follows on,
  // the neighbour takes the copy and its anon_vma (the 6.18 copied-range fix).
  mm = mm_for_test();
  vma = alloc_and_link_vma(mm, 0, pg(2), 0, FLAGS);
  fault_anon_vma(vma);
  const b = alloc_and_link_vma(mm, pg(6), pg(8), 2, FLAGS);
  n = copy_vma(vma, pg(4), pg(2), 0);
  KUNIT_EXPECT_EQ(test, P(n), P(b));
  expect_range(test, b, pg(4), pg(8), 0);
  KUNIT_EXPECT_EQ(test, b.anon_vma, vma.anon_vma);
  teardown(test, mm);
}

//   0123456789   just_expand: prev grows to 9 without looking past it (test_expand_only_mode)
//   AA PP****
function expand_only_mode(test: KUnit): void {
  const mm = mm_for_test();
  alloc_and_link_vma(mm, 0, pg(2), 0, FLAGS);
  const prev = alloc_and_link_vma(mm, pg(3), pg(5), 3, FLAGS);
  const vmg = vmg_get();
  vmg_init(vmg, mm, pg(5), pg(9), FLAGS, 5);
  vmg.prev = <u32>P(prev);
  vmg.just_expand = 1;
  const vma = vma_merge_new_range(vmg);
  KUNIT_EXPECT_EQ(test, P(vma), P(prev));
  KUNIT_EXPECT_EQ(test, vmg.state, VMA_MERGE_SUCCESS);
  expect_range(test, prev, pg(3), pg(9), 3);
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  teardown(test, mm);
}

// Where Linux fails vma_iter_prealloc() in the middle of a merge (test_vmi_prealloc_fail), our
// merges have nothing to allocate: with the next vma and page allocations set to fail, the
// merge still completes, and the armed failures are left for whoever allocates next.
function merge_allocates_nothing(test: KUnit): void {
  const mm = mm_for_test();
  const prev = alloc_and_link_vma(mm, 0, pg(3), 0, FLAGS);
  const vma = alloc_and_link_vma(mm, pg(3), pg(5), 3, FLAGS);
  fault_anon_vma(vma);
  slab_fail_nth(1);
  page_alloc_fail_nth(1);
  const vmg = existing_range(vma, pg(3), pg(5), FLAGS);
  KUNIT_EXPECT_EQ(test, P(vma_merge_existing_range(vmg)), P(prev));
  expect_range(test, prev, 0, pg(5), 0);
  KUNIT_EXPECT_TRUE(test, vm_area_alloc(mm) == null);
  KUNIT_EXPECT_EQ(test, alloc_page(), 0);
  slab_fail_nth(0);
  page_alloc_fail_nth(0);
  teardown(test, mm);
}

// max_map_count (65530): a change that must split at the limit fails with -ENOMEM and leaves
// the vmas as they were; one that merges needs no new vma and succeeds.
function max_map_count(test: KUnit): void {
  const mm = mm_for_test();
  const max = sysctl_max_map_count;
  KUNIT_ASSERT_EQ(test, max, 65530);
  // Alternate flags so that no two neighbours could merge.
  for (let i: u32 = 0; i < max; i++) {
    alloc_and_link_vma(mm, pg(<u64>i * 2 + 16), pg(<u64>i * 2 + 18), <u64>i * 2 + 16, i & 1 ? FLAGS : VM_READ | VM_MAYREAD);
  }
  KUNIT_ASSERT_EQ(test, mm.map_count, max);
  const first = changetype<VmArea>(vma_first(mm));
  KUNIT_EXPECT_TRUE(test, vma_modify_flags(mm, first, pg(16), pg(17), FLAGS) == null);
  KUNIT_EXPECT_EQ(test, vma_modify_err, -ENOMEM);
  expect_range(test, first, pg(16), pg(18), 16);
  KUNIT_EXPECT_EQ(test, mm.map_count, max);
  // The second vma's front half taking the first's flags merges into the first instead.
  const second = changetype<VmArea>(vma_next(first));
  const m = vma_modify_flags(mm, second, pg(18), pg(19), first.vm_flags);
  KUNIT_EXPECT_EQ(test, P(m), P(first));
  expect_range(test, first, pg(16), pg(19), 16);
  expect_range(test, second, pg(19), pg(20), 19);
  KUNIT_EXPECT_EQ(test, mm.map_count, max);
  validate_mm(mm);
  teardown(test, mm);
}

kunit_test_suite(new KUnitSuite("vma_merge", [
  KUNIT_CASE(simple_merge),
  KUNIT_CASE(simple_modify),
  KUNIT_CASE(simple_expand),
  KUNIT_CASE(simple_shrink),
  KUNIT_CASE(merge_new),
  KUNIT_CASE(vma_merge_special_flags),
  KUNIT_CASE(vma_merge_with_close),
  KUNIT_CASE(vma_merge_new_with_close),
  KUNIT_CASE(merge_existing),
  KUNIT_CASE(anon_vma_non_mergeable),
  KUNIT_CASE(dup_anon_vma),
  KUNIT_CASE(merge_extend),
  KUNIT_CASE(copy_vma_cases),
  KUNIT_CASE(expand_only_mode),
  KUNIT_CASE(merge_allocates_nothing),
  KUNIT_CASE(max_map_count),
]));
