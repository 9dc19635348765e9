// mm/tests/anon_vma_kunit.ts — anon_vma and merging through the mm entry points (mmap,
// mprotect, faults, fork): a faulted vma merges with unfaulted neighbours (Linux 879bca0a2c4f),
// but not when it was forked; a first fault reuses a compatible neighbour's anon_vma; failing
// the anon_vma allocation of a fault is an OOM that leaks nothing.
// Pages: X = 0x100000; "r" read-only, "w" read-write, "x" rwx, capitals faulted.

import { KUnit, KUnitSuite, KUNIT_CASE, kunit_test_suite, KUNIT_EXPECT_EQ, KUNIT_ASSERT_EQ, KUNIT_EXPECT_TRUE } from "../../kunit/test";
import { PROT_READ, PROT_WRITE, PROT_EXEC, MAP_PRIVATE, MAP_ANONYMOUS, MAP_FIXED } from "../../include/mman";
import { MmStruct, VmArea } from "../mm_types";
import { vma_first, validate_mm } from "../vma";
import { do_mmap, exit_mmap } from "../mmap";
import { do_mprotect } from "../mprotect";
import { handle_mm_fault, FAULT_FLAG_WRITE, VM_FAULT_OOM } from "../memory";
import { dup_mmap } from "../fork";
import { slab_fail_nth } from "../slab";
import { vma_is_fork_child } from "../rmap";
import { mm_for_test, teardown, vma_at } from "./mm_kunit_util";

const X: u64 = 0x100000;
const RW: i32 = PROT_READ | PROT_WRITE;
@inline function pg(n: u64): u64 {
  return X + (n << 12);
}

function map_fixed(test: KUnit, mm: MmStruct, page: u64, nr: u64, prot: i32): void {
  KUNIT_ASSERT_EQ(test, do_mmap(mm, pg(page), nr << 12, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, 0, 0, 0), pg(page));
}

function write_fault(mm: MmStruct, page: u64): u32 {
  return handle_mm_fault(mm, changetype<VmArea>(vma_at(mm, pg(page))), pg(page), FAULT_FLAG_WRITE);
}

/** w X w: three vmas alike but for the middle's exec bit; the middle faulted. */
function r_W_r(test: KUnit, mm: MmStruct): void {
  map_fixed(test, mm, 0, 3, RW);
  KUNIT_ASSERT_EQ(test, do_mprotect(mm, pg(1), 4096, RW | PROT_EXEC), 0);
  KUNIT_ASSERT_EQ(test, mm.map_count, 3);
  KUNIT_ASSERT_EQ(test, write_fault(mm, 1), 0);
}

//   w X w  --mprotect(X, rw)-->  wXw as one vma: the faulted middle joins unfaulted sides
function faulted_merges_with_unfaulted(test: KUnit): void {
  const mm = mm_for_test();
  r_W_r(test, mm);
  const av = changetype<VmArea>(vma_at(mm, pg(1))).anon_vma;
  KUNIT_EXPECT_TRUE(test, av != 0);
  KUNIT_EXPECT_EQ(test, do_mprotect(mm, pg(1), 4096, RW), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  const vma = changetype<VmArea>(vma_first(mm));
  KUNIT_EXPECT_EQ(test, vma.vm_start, pg(0));
  KUNIT_EXPECT_EQ(test, vma.vm_end, pg(3));
  KUNIT_EXPECT_EQ(test, vma.anon_vma, av);
  teardown(test, mm);
}

// After fork, the child's copy of the faulted middle is a fork child: it keeps its anon_vma
// to itself and the same mprotect leaves three vmas; the parent's merge still happens.
function forked_refuses_merge(test: KUnit): void {
  const mm = mm_for_test();
  r_W_r(test, mm);
  const c = dup_mmap(mm);
  KUNIT_EXPECT_TRUE(test, c != null);
  const child = changetype<MmStruct>(c);
  const middle = changetype<VmArea>(vma_at(child, pg(1)));
  KUNIT_EXPECT_TRUE(test, vma_is_fork_child(middle));
  KUNIT_EXPECT_TRUE(test, middle.anon_vma != changetype<VmArea>(vma_at(mm, pg(1))).anon_vma);
  KUNIT_EXPECT_EQ(test, do_mprotect(child, pg(1), 4096, RW), 0);
  KUNIT_EXPECT_EQ(test, child.map_count, 3);
  KUNIT_EXPECT_EQ(test, do_mprotect(mm, pg(1), 4096, RW), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  validate_mm(child);
  exit_mmap(child);
  teardown(test, mm);
}

//   W wx  --fault both, mprotect(wx, rw)-->  one vma: the second fault reused the first's
//   anon_vma (the vmas differ only in access bits), so the two can merge later
function prepare_reuses_neighbour(test: KUnit): void {
  const mm = mm_for_test();
  map_fixed(test, mm, 0, 2, RW);
  KUNIT_ASSERT_EQ(test, do_mprotect(mm, pg(1), 4096, RW | PROT_EXEC), 0);
  KUNIT_ASSERT_EQ(test, write_fault(mm, 0), 0);
  KUNIT_ASSERT_EQ(test, write_fault(mm, 1), 0);
  const a = changetype<VmArea>(vma_at(mm, pg(0)));
  const b = changetype<VmArea>(vma_at(mm, pg(1)));
  KUNIT_EXPECT_EQ(test, b.anon_vma, a.anon_vma);
  KUNIT_EXPECT_EQ(test, do_mprotect(mm, pg(1), 4096, RW), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  teardown(test, mm);
}

//   W W  two faulted vmas with their own anon_vmas never merge, even once alike
function distinct_anon_vmas_stay_apart(test: KUnit): void {
  const mm = mm_for_test();
  map_fixed(test, mm, 0, 1, RW);
  KUNIT_ASSERT_EQ(test, write_fault(mm, 0), 0);
  map_fixed(test, mm, 2, 1, RW);
  KUNIT_ASSERT_EQ(test, write_fault(mm, 2), 0);
  // Fill the hole read-only, fault nothing; the three are alike but for the middle's flags.
  map_fixed(test, mm, 1, 1, PROT_READ);
  KUNIT_EXPECT_EQ(test, mm.map_count, 3);
  KUNIT_EXPECT_EQ(test, do_mprotect(mm, pg(1), 4096, RW), 0);
  // The middle may join one side, never both: prev and next have different anon_vmas.
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  teardown(test, mm);
}

//   r W r  --mprotect(W, r)-->  three vmas: the unfaulted sides lost VM_ACCOUNT when made
//   read-only (mprotect_fixup), the faulted middle keeps it
function readonly_unfaulted_loses_charge(test: KUnit): void {
  const mm = mm_for_test();
  map_fixed(test, mm, 0, 3, RW);
  KUNIT_ASSERT_EQ(test, do_mprotect(mm, pg(0), 4096, PROT_READ), 0);
  KUNIT_ASSERT_EQ(test, do_mprotect(mm, pg(2), 4096, PROT_READ), 0);
  KUNIT_ASSERT_EQ(test, write_fault(mm, 1), 0);
  KUNIT_EXPECT_EQ(test, do_mprotect(mm, pg(1), 4096, PROT_READ), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 3);
  teardown(test, mm);
}

// The first write fault's anon_vma cannot be allocated: VM_FAULT_OOM, nothing mapped.
function fault_anon_vma_alloc_fails(test: KUnit): void {
  const mm = mm_for_test();
  map_fixed(test, mm, 0, 1, RW);
  slab_fail_nth(1);
  KUNIT_EXPECT_EQ(test, write_fault(mm, 0), VM_FAULT_OOM);
  slab_fail_nth(0);
  KUNIT_EXPECT_EQ(test, changetype<VmArea>(vma_at(mm, pg(0))).anon_vma, 0);
  KUNIT_EXPECT_EQ(test, mm.rss_anon, 0);
  KUNIT_EXPECT_EQ(test, write_fault(mm, 0), 0);
  teardown(test, mm);
}

kunit_test_suite(new KUnitSuite("anon_vma", [
  KUNIT_CASE(faulted_merges_with_unfaulted),
  KUNIT_CASE(forked_refuses_merge),
  KUNIT_CASE(prepare_reuses_neighbour),
  KUNIT_CASE(distinct_anon_vmas_stay_apart),
  KUNIT_CASE(readonly_unfaulted_loses_charge),
  KUNIT_CASE(fault_anon_vma_alloc_fails),
]));
