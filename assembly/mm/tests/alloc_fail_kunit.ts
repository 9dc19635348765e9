// mm/tests/alloc_fail_kunit.ts — allocation-failure sweeps. Each operation runs again and
// again with the nth allocation from now failing (n = 1, 2, ...), once over the page
// allocator (page tables, pages) and once over the slabs (vmas, anon_vmas, names, mms),
// until a run meets no failure. Every failed run must report -ENOMEM (madvise: -EAGAIN, a
// fault: VM_FAULT_OOM), leave validate_mm and validate_free_lists holding, and give every
// page and record back at teardown (mm_kunit_util.ts teardown()).

import { KUnit, KUnitSuite, KUNIT_CASE, kunit_test_suite, KUNIT_EXPECT_EQ, KUNIT_ASSERT_EQ, KUNIT_EXPECT_TRUE, kunit_info } from "../../kunit/test";
import { ENOMEM, EAGAIN } from "../../include/errno";
import { PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS, MAP_FIXED, MADV_DONTFORK, MADV_POPULATE_WRITE } from "../../include/mman";
import { MmStruct, VmArea } from "../mm_types";
import { validate_mm } from "../vma";
import { do_mmap, do_munmap, exit_mmap } from "../mmap";
import { do_mprotect } from "../mprotect";
import { do_mremap, MREMAP_MAYMOVE, MREMAP_FIXED } from "../mremap";
import { do_madvise } from "../madvise";
import { handle_mm_fault, FAULT_FLAG_WRITE, VM_FAULT_OOM } from "../memory";
import { dup_mmap } from "../fork";
import { slab_fail_nth, slab_nr_injected } from "../slab";
import { page_alloc_fail_nth, page_alloc_nr_injected, validate_free_lists } from "../page_alloc";
import { mm_for_test, teardown, vma_at } from "./mm_kunit_util";

const X: u64 = 0x40000000;
const RW: i32 = PROT_READ | PROT_WRITE;
const SWEEP_MAX: u32 = 64;

function map(mm: MmStruct, addr: u64, len: u64): u64 {
  return do_mmap(mm, addr, len, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, 0, 0, 0);
}

function touch(mm: MmStruct, start: u64, end: u64): u32 {
  for (let a = start; a < end; a += 4096) {
    const r = handle_mm_fault(mm, changetype<VmArea>(vma_at(mm, a)), a, FAULT_FLAG_WRITE);
    if (r != 0) return r;
  }
  return 0;
}

// Setups (run with injection off) and operations (run with it armed). An operation returns
// 0 or its failure in errno form.
function setup_faulted(mm: MmStruct): void {
  assert(map(mm, X, 8 << 12) == X, "setup mmap failed");
  assert(touch(mm, X, X + (8 << 12)) == 0, "setup fault failed");
}
function setup_populate(mm: MmStruct): void {
  assert(map(mm, X + (512 << 20), 4 << 12) == X + (512 << 20), "setup mmap failed");
}
function setup_fault(mm: MmStruct): void {
  setup_faulted(mm);
  assert(map(mm, X + (768 << 20), 2 << 12) == X + (768 << 20), "setup mmap failed");
}

function op_mmap(mm: MmStruct): i32 {
  // A new mapping far from the others needs a vma and, on its first fault, page tables.
  const r = map(mm, X + (64 << 20), 4 << 12);
  if (r >= <u64>-4095) return <i32>r;
  return touch(mm, X + (64 << 20), X + (64 << 20) + (4 << 12)) == 0 ? 0 : -ENOMEM;
}
function op_mprotect_split(mm: MmStruct): i32 {
  return do_mprotect(mm, X + (2 << 12), 2 << 12, PROT_READ);
}
function op_munmap_split(mm: MmStruct): i32 {
  return do_munmap(mm, X + (3 << 12), 1 << 12);
}
function op_mremap_move(mm: MmStruct): i32 {
  const r = do_mremap(mm, X + (2 << 12), 4 << 12, 4 << 12, MREMAP_MAYMOVE | MREMAP_FIXED, X + (256 << 20));
  return r >= <u64>-4095 ? <i32>r : 0;
}
function op_madvise(mm: MmStruct): i32 {
  return do_madvise(mm, X + (1 << 12), 2 << 12, MADV_DONTFORK);
}
function op_populate(mm: MmStruct): i32 {
  return do_madvise(mm, X + (512 << 20), 4 << 12, MADV_POPULATE_WRITE);
}
function op_fault(mm: MmStruct): i32 {
  // The first write faults of a fresh mapping: anon_vma, page tables, pages.
  return touch(mm, X + (768 << 20), X + (768 << 20) + (2 << 12)) == VM_FAULT_OOM ? -ENOMEM : 0;
}
function op_fork(mm: MmStruct): i32 {
  const c = dup_mmap(mm);
  if (c == null) return -ENOMEM;
  validate_mm(changetype<MmStruct>(c));
  exit_mmap(changetype<MmStruct>(c));
  return 0;
}

/** Run op under fail-nth for n = 1.. on one allocator until a run sees no failure.
 *  Returns how many allocations op made (the runs that failed). */
function sweep(test: KUnit, setup: (mm: MmStruct) => void, op: (mm: MmStruct) => i32, slab: bool,
               want_err: i32): u32 {
  for (let n: u32 = 1; n <= SWEEP_MAX; n++) {
    const mm = mm_for_test();
    setup(mm);
    const before = slab ? slab_nr_injected : page_alloc_nr_injected;
    if (slab) slab_fail_nth(n);
    else page_alloc_fail_nth(n);
    const err = op(mm);
    slab_fail_nth(0);
    page_alloc_fail_nth(0);
    const injected = (slab ? slab_nr_injected : page_alloc_nr_injected) != before;
    validate_mm(mm);
    validate_free_lists();
    if (!injected) {
      KUNIT_EXPECT_EQ(test, err, 0);
      teardown(test, mm);
      return n - 1;
    }
    // A failure must surface as the operation's out-of-memory answer, never be swallowed.
    if (err != want_err) kunit_info(test, (slab ? "slab" : "page") + " allocation " + n.toString() + " failed");
    KUNIT_EXPECT_EQ(test, err, want_err);
    teardown(test, mm);
  }
  KUNIT_EXPECT_TRUE(test, false); // more than SWEEP_MAX allocations: the sweep never ended
  return SWEEP_MAX;
}

function sweep_both(test: KUnit, setup: (mm: MmStruct) => void, op: (mm: MmStruct) => i32, want: i32, min_sites: u32): void {
  const pages = sweep(test, setup, op, false, want);
  const records = sweep(test, setup, op, true, want);
  kunit_info(test, "allocation sites: " + pages.toString() + " page, " + records.toString() + " slab");
  KUNIT_EXPECT_TRUE(test, pages + records >= min_sites);
}

function alloc_fail_mmap(test: KUnit): void {
  sweep_both(test, setup_faulted, op_mmap, -ENOMEM, 2);
}
function alloc_fail_mprotect_split(test: KUnit): void {
  sweep_both(test, setup_faulted, op_mprotect_split, -ENOMEM, 2);
}
function alloc_fail_munmap_split(test: KUnit): void {
  sweep_both(test, setup_faulted, op_munmap_split, -ENOMEM, 1);
}
function alloc_fail_mremap(test: KUnit): void {
  sweep_both(test, setup_faulted, op_mremap_move, -ENOMEM, 2);
}
function alloc_fail_madvise(test: KUnit): void {
  sweep_both(test, setup_faulted, op_madvise, -EAGAIN, 2);
  sweep_both(test, setup_populate, op_populate, -ENOMEM, 2);
}
function alloc_fail_fault(test: KUnit): void {
  sweep_both(test, setup_fault, op_fault, -ENOMEM, 3);
}
function alloc_fail_fork(test: KUnit): void {
  sweep_both(test, setup_faulted, op_fork, -ENOMEM, 4);
}

kunit_test_suite(new KUnitSuite("mm_alloc_fail", [
  KUNIT_CASE(alloc_fail_mmap),
  KUNIT_CASE(alloc_fail_mprotect_split),
  KUNIT_CASE(alloc_fail_munmap_split),
  KUNIT_CASE(alloc_fail_mremap),
  KUNIT_CASE(alloc_fail_madvise),
  KUNIT_CASE(alloc_fail_fault),
  KUNIT_CASE(alloc_fail_fork),
]));
