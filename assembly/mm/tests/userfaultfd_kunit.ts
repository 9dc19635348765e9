// mm/tests/userfaultfd_kunit.ts — userfaultfd registration and write-protection in the core:
// vma_modify_flags_uffd merging and splitting (through userfaultfd_register_range and
// _unregister_range), contexts that keep vmas apart, -EBUSY leaving everything as it was,
// mwriteprotect_range's PTE bits, the VM_FAULT_UFFD_WP result of a write fault, and fork
// dropping the registration. Pictures count pages from X; letters are vmas, digits contexts.

import {
  KUnit, KUnitSuite, KUNIT_CASE, kunit_test_suite, KUNIT_EXPECT_EQ, KUNIT_ASSERT_EQ, KUNIT_EXPECT_TRUE, KUNIT_ASSERT_TRUE,
} from "../../kunit/test";
import { EINVAL, EBUSY, ENOENT, EEXIST } from "../../include/errno";
import {
  PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS, MAP_FIXED, VM_UFFD_WP, VM_UFFD_MISSING, __VM_UFFD_FLAGS,
} from "../../include/mman";
import { MmStruct, VmArea } from "../mm_types";
import { do_mmap, exit_mmap } from "../mmap";
import { handle_mm_fault, FAULT_FLAG_WRITE, VM_FAULT_UFFD_WP, VM_FAULT_UFFD_MISSING } from "../memory";
import { do_mremap, MREMAP_MAYMOVE, MREMAP_FIXED } from "../mremap";
import { alloc_zeroed_page, put_page, pfn_to_host, ZERO_PFN } from "../page_alloc";
import { dup_mmap } from "../fork";
import { pte_offset_map, pte_pfn, _PAGE_UFFD_WP, _PAGE_WRITE, _PAGE_PRESENT } from "../pgtable";
import {
  userfaultfd_register_range, userfaultfd_unregister_range, userfaultfd_release_all, mwriteprotect_range,
  mfill_atomic_check, mfill_atomic_pte,
} from "../userfaultfd";
import { mm_for_test, teardown, vma_at } from "./mm_kunit_util";

const X: u64 = 0x40000000;

@inline function pg(n: u64): u64 {
  return X + (n << 12);
}

function map(mm: MmStruct, first: u64, nr: u64): void {
  const r = do_mmap(mm, pg(first), nr << 12, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, 0, 0, 0);
  assert(r == pg(first), "mmap failed in a test");
}

function V(mm: MmStruct, n: u64): VmArea {
  return changetype<VmArea>(vma_at(mm, pg(n)));
}

function pte(mm: MmStruct, n: u64): u64 {
  const p = pte_offset_map(mm.pgd, pg(n));
  return p == 0 ? 0 : load<u64>(p);
}

function write_fault(mm: MmStruct, n: u64): u32 {
  return handle_mm_fault(mm, V(mm, n), pg(n) + 8, FAULT_FLAG_WRITE);
}

//   page     0 1 2 3 4 5 6 7
//   mmap     A A A A A A A A
//   reg 1      1 1              A | 1 | A        split both sides
//   reg 1          1 1          A | 1 1 1 1 | A  merges into the registered vma
//   reg 2              2 2      A | 1111 | 22    another context: no merge
//   reg 1          1 1 1        -EBUSY, nothing changes
//   unreg    ^ . . . . . . ^    one vma again, flags and context gone
function uffd_register_merge_split(test: KUnit): void {
  const mm = mm_for_test();
  map(mm, 0, 8);
  KUNIT_EXPECT_EQ(test, userfaultfd_register_range(mm, pg(1), pg(3), 1, VM_UFFD_WP), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 3);
  KUNIT_EXPECT_EQ(test, V(mm, 1).vm_start, pg(1));
  KUNIT_EXPECT_EQ(test, V(mm, 1).vm_end, pg(3));
  KUNIT_EXPECT_EQ(test, V(mm, 1).vm_userfaultfd_ctx, 1);
  KUNIT_EXPECT_EQ(test, V(mm, 1).vm_flags & __VM_UFFD_FLAGS, VM_UFFD_WP);
  KUNIT_EXPECT_EQ(test, V(mm, 0).vm_userfaultfd_ctx, 0);
  KUNIT_EXPECT_EQ(test, V(mm, 0).vm_flags & __VM_UFFD_FLAGS, 0);
  KUNIT_EXPECT_EQ(test, V(mm, 3).vm_start, pg(3));
  KUNIT_EXPECT_EQ(test, userfaultfd_register_range(mm, pg(3), pg(5), 1, VM_UFFD_WP), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 3);
  KUNIT_EXPECT_EQ(test, V(mm, 4).vm_start, pg(1));
  KUNIT_EXPECT_EQ(test, V(mm, 4).vm_end, pg(5));
  KUNIT_EXPECT_EQ(test, userfaultfd_register_range(mm, pg(5), pg(7), 2, VM_UFFD_WP), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 4);
  KUNIT_EXPECT_EQ(test, V(mm, 5).vm_start, pg(5));
  KUNIT_EXPECT_EQ(test, V(mm, 5).vm_end, pg(7));
  KUNIT_EXPECT_EQ(test, V(mm, 5).vm_userfaultfd_ctx, 2);
  KUNIT_EXPECT_EQ(test, V(mm, 4).vm_end, pg(5));
  KUNIT_EXPECT_EQ(test, userfaultfd_register_range(mm, pg(3), pg(6), 1, VM_UFFD_WP), -EBUSY);
  KUNIT_EXPECT_EQ(test, mm.map_count, 4);
  KUNIT_EXPECT_EQ(test, V(mm, 5).vm_userfaultfd_ctx, 2);
  // Re-registering with other modes replaces them, splitting where only part changes.
  KUNIT_EXPECT_EQ(test, userfaultfd_register_range(mm, pg(1), pg(2), 1, VM_UFFD_MISSING), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 5);
  KUNIT_EXPECT_EQ(test, V(mm, 1).vm_flags & __VM_UFFD_FLAGS, VM_UFFD_MISSING);
  KUNIT_EXPECT_EQ(test, V(mm, 2).vm_flags & __VM_UFFD_FLAGS, VM_UFFD_WP);
  KUNIT_EXPECT_EQ(test, userfaultfd_unregister_range(mm, pg(0), pg(8)), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  KUNIT_EXPECT_EQ(test, V(mm, 7).vm_start, pg(0));
  KUNIT_EXPECT_EQ(test, V(mm, 0).vm_end, pg(8));
  KUNIT_EXPECT_EQ(test, V(mm, 0).vm_userfaultfd_ctx, 0);
  KUNIT_EXPECT_EQ(test, V(mm, 0).vm_flags & __VM_UFFD_FLAGS, 0);
  teardown(test, mm);
}

//   page     0 1 2 3 . . 6 7      a hole at 4..5
//   reg 1    1 1 1 1     1 1      the hole is skipped; the two vmas stay apart
//   release  one context gone: every vma of it unregistered
function uffd_register_holes_release(test: KUnit): void {
  const mm = mm_for_test();
  map(mm, 0, 4);
  map(mm, 6, 2);
  KUNIT_EXPECT_EQ(test, userfaultfd_register_range(mm, pg(4), pg(6), 1, VM_UFFD_WP), -EINVAL);
  KUNIT_EXPECT_EQ(test, userfaultfd_unregister_range(mm, pg(4), pg(6)), -EINVAL);
  KUNIT_EXPECT_EQ(test, userfaultfd_register_range(mm, pg(2), pg(7), 1, VM_UFFD_WP), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 4);
  KUNIT_EXPECT_EQ(test, V(mm, 6).vm_end, pg(7));
  KUNIT_EXPECT_EQ(test, V(mm, 6).vm_userfaultfd_ctx, 1);
  KUNIT_EXPECT_EQ(test, V(mm, 3).vm_userfaultfd_ctx, 1);
  userfaultfd_release_all(mm, 1);
  KUNIT_EXPECT_EQ(test, mm.map_count, 2);
  KUNIT_EXPECT_EQ(test, V(mm, 0).vm_end, pg(4));
  KUNIT_EXPECT_EQ(test, V(mm, 7).vm_start, pg(6));
  KUNIT_EXPECT_EQ(test, V(mm, 7).vm_userfaultfd_ctx, 0);
  teardown(test, mm);
}

//   page     0 1 2 3
//   faulted  w w w .      written: present, writable, exclusive
//   wp on    P P P .      uffd-wp set and write cleared on present PTEs only
//   write 1  VM_FAULT_UFFD_WP (nothing changes); a read is no fault
//   wp off 1   W          the bit goes; the exclusive page is writable again at once
function uffd_writeprotect_bits(test: KUnit): void {
  const mm = mm_for_test();
  map(mm, 0, 4);
  for (let n: u64 = 0; n < 3; n++) KUNIT_ASSERT_EQ(test, write_fault(mm, n), 0);
  KUNIT_EXPECT_EQ(test, mwriteprotect_range(mm, pg(0), 4 << 12, true), -ENOENT);
  KUNIT_ASSERT_EQ(test, userfaultfd_register_range(mm, pg(0), pg(4), 1, VM_UFFD_WP), 0);
  KUNIT_EXPECT_EQ(test, mwriteprotect_range(mm, pg(0), 4 << 12, true), 0);
  for (let n: u64 = 0; n < 3; n++) {
    KUNIT_EXPECT_EQ(test, pte(mm, n) & (_PAGE_UFFD_WP | _PAGE_WRITE | _PAGE_PRESENT), _PAGE_UFFD_WP | _PAGE_PRESENT);
  }
  KUNIT_EXPECT_EQ(test, pte(mm, 3), 0);
  const before = pte(mm, 1);
  KUNIT_EXPECT_EQ(test, write_fault(mm, 1), VM_FAULT_UFFD_WP);
  KUNIT_EXPECT_EQ(test, pte(mm, 1), before);
  KUNIT_EXPECT_EQ(test, handle_mm_fault(mm, V(mm, 1), pg(1), 0), 0);
  // The unpopulated page is not protected (no pte markers): its first write just maps it.
  KUNIT_EXPECT_EQ(test, write_fault(mm, 3), 0);
  KUNIT_EXPECT_EQ(test, pte(mm, 3) & _PAGE_UFFD_WP, 0);
  KUNIT_EXPECT_EQ(test, mwriteprotect_range(mm, pg(1), 1 << 12, false), 0);
  KUNIT_EXPECT_EQ(test, pte(mm, 1) & (_PAGE_UFFD_WP | _PAGE_WRITE), _PAGE_WRITE);
  KUNIT_EXPECT_EQ(test, write_fault(mm, 1), 0);
  // Unregistering takes the remaining bits away; the next write resolves as usual.
  KUNIT_EXPECT_EQ(test, userfaultfd_unregister_range(mm, pg(0), pg(4)), 0);
  KUNIT_EXPECT_EQ(test, pte(mm, 0) & _PAGE_UFFD_WP, 0);
  KUNIT_EXPECT_EQ(test, write_fault(mm, 0), 0);
  KUNIT_EXPECT_TRUE(test, (pte(mm, 0) & _PAGE_WRITE) != 0);
  teardown(test, mm);
}

// fork without UFFD_FEATURE_EVENT_FORK: the child's vma is neither registered nor protected;
// the parent keeps both.
function uffd_fork_drops_registration(test: KUnit): void {
  const mm = mm_for_test();
  map(mm, 0, 2);
  KUNIT_ASSERT_EQ(test, write_fault(mm, 0), 0);
  KUNIT_ASSERT_EQ(test, userfaultfd_register_range(mm, pg(0), pg(2), 3, VM_UFFD_WP), 0);
  KUNIT_ASSERT_EQ(test, mwriteprotect_range(mm, pg(0), 2 << 12, true), 0);
  const c = dup_mmap(mm);
  KUNIT_ASSERT_TRUE(test, c != null);
  const child = changetype<MmStruct>(c);
  KUNIT_EXPECT_EQ(test, V(child, 0).vm_userfaultfd_ctx, 0);
  KUNIT_EXPECT_EQ(test, V(child, 0).vm_flags & __VM_UFFD_FLAGS, 0);
  KUNIT_EXPECT_EQ(test, pte(child, 0) & _PAGE_UFFD_WP, 0);
  KUNIT_EXPECT_EQ(test, write_fault(child, 0), 0);
  KUNIT_EXPECT_EQ(test, V(mm, 0).vm_userfaultfd_ctx, 3);
  KUNIT_EXPECT_TRUE(test, (pte(mm, 0) & _PAGE_UFFD_WP) != 0);
  KUNIT_EXPECT_EQ(test, write_fault(mm, 0), VM_FAULT_UFFD_WP);
  exit_mmap(child);
  teardown(test, mm);
}

//   page     0 1 2 3 . 5      missing mode on 0..3; 5 unregistered
//   fault    every first touch, read or write, is VM_FAULT_UFFD_MISSING
//   fill     0: zero page  1: copy  2: copy, uffd-wp   then 1 again: -EEXIST
function uffd_missing_mfill(test: KUnit): void {
  const mm = mm_for_test();
  map(mm, 0, 4);
  map(mm, 5, 1);
  KUNIT_ASSERT_EQ(test, userfaultfd_register_range(mm, pg(0), pg(4), 1, VM_UFFD_MISSING), 0);
  KUNIT_EXPECT_EQ(test, handle_mm_fault(mm, V(mm, 0), pg(0), 0), VM_FAULT_UFFD_MISSING);
  KUNIT_EXPECT_EQ(test, write_fault(mm, 1), VM_FAULT_UFFD_MISSING);
  KUNIT_EXPECT_EQ(test, pte(mm, 1), 0);
  KUNIT_EXPECT_EQ(test, mfill_atomic_check(mm, pg(5), 1 << 12, false), -ENOENT);
  KUNIT_EXPECT_EQ(test, mfill_atomic_check(mm, pg(3), 2 << 12, false), -ENOENT);
  KUNIT_EXPECT_EQ(test, mfill_atomic_check(mm, pg(0), 1 << 12, true), -EINVAL);
  KUNIT_EXPECT_EQ(test, mfill_atomic_check(mm, pg(0), 4 << 12, false), 0);
  KUNIT_EXPECT_EQ(test, mfill_atomic_pte(mm, pg(0), 0, false), 0);
  KUNIT_EXPECT_EQ(test, pte_pfn(pte(mm, 0)), ZERO_PFN);
  KUNIT_EXPECT_EQ(test, pte(mm, 0) & _PAGE_WRITE, 0);
  const src = alloc_zeroed_page();
  KUNIT_ASSERT_TRUE(test, src != 0);
  store<u8>(pfn_to_host(src) + 7, 0x5a);
  KUNIT_EXPECT_EQ(test, mfill_atomic_pte(mm, pg(1), pfn_to_host(src), false), 0);
  KUNIT_EXPECT_EQ(test, load<u8>(pfn_to_host(pte_pfn(pte(mm, 1))) + 7), 0x5a);
  KUNIT_EXPECT_TRUE(test, (pte(mm, 1) & _PAGE_WRITE) != 0);
  KUNIT_EXPECT_EQ(test, write_fault(mm, 1), 0);
  KUNIT_EXPECT_EQ(test, mfill_atomic_pte(mm, pg(1), pfn_to_host(src), false), -EEXIST);
  // A write-protected copy needs VM_UFFD_WP as well.
  KUNIT_ASSERT_EQ(test, userfaultfd_register_range(mm, pg(2), pg(3), 1, VM_UFFD_MISSING | VM_UFFD_WP), 0);
  KUNIT_EXPECT_EQ(test, mfill_atomic_check(mm, pg(2), 1 << 12, true), 0);
  KUNIT_EXPECT_EQ(test, mfill_atomic_pte(mm, pg(2), pfn_to_host(src), true), 0);
  KUNIT_EXPECT_EQ(test, pte(mm, 2) & (_PAGE_UFFD_WP | _PAGE_WRITE), _PAGE_UFFD_WP);
  KUNIT_EXPECT_EQ(test, write_fault(mm, 2), VM_FAULT_UFFD_WP);
  put_page(src);
  // Unregistered, the last page faults in as usual.
  KUNIT_EXPECT_EQ(test, userfaultfd_unregister_range(mm, pg(0), pg(4)), 0);
  KUNIT_EXPECT_EQ(test, write_fault(mm, 3), 0);
  teardown(test, mm);
}

// mremap without UFFD_FEATURE_EVENT_REMAP: the moved vma is unregistered, its PTEs lose the
// uffd-wp bit; what stays behind keeps both.
function uffd_mremap_drops_registration(test: KUnit): void {
  const mm = mm_for_test();
  map(mm, 0, 2);
  KUNIT_ASSERT_EQ(test, write_fault(mm, 0), 0);
  KUNIT_ASSERT_EQ(test, write_fault(mm, 1), 0);
  KUNIT_ASSERT_EQ(test, userfaultfd_register_range(mm, pg(0), pg(2), 1, VM_UFFD_WP), 0);
  KUNIT_ASSERT_EQ(test, mwriteprotect_range(mm, pg(0), 2 << 12, true), 0);
  KUNIT_ASSERT_EQ(test, do_mremap(mm, pg(1), 1 << 12, 1 << 12, MREMAP_MAYMOVE | MREMAP_FIXED, pg(8)), pg(8));
  KUNIT_EXPECT_EQ(test, V(mm, 8).vm_userfaultfd_ctx, 0);
  KUNIT_EXPECT_EQ(test, V(mm, 8).vm_flags & __VM_UFFD_FLAGS, 0);
  KUNIT_EXPECT_EQ(test, pte(mm, 8) & _PAGE_UFFD_WP, 0);
  KUNIT_EXPECT_EQ(test, write_fault(mm, 8), 0);
  KUNIT_EXPECT_EQ(test, V(mm, 0).vm_userfaultfd_ctx, 1);
  KUNIT_EXPECT_EQ(test, write_fault(mm, 0), VM_FAULT_UFFD_WP);
  teardown(test, mm);
}

kunit_test_suite(new KUnitSuite("userfaultfd", [
  KUNIT_CASE(uffd_missing_mfill),
  KUNIT_CASE(uffd_mremap_drops_registration),
  KUNIT_CASE(uffd_register_merge_split),
  KUNIT_CASE(uffd_register_holes_release),
  KUNIT_CASE(uffd_writeprotect_bits),
  KUNIT_CASE(uffd_fork_drops_registration),
]));
