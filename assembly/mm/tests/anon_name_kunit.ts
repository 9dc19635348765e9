// mm/tests/anon_name_kunit.ts — anonymous vma names (madvise_set_anon_name, the core of
// prctl(PR_SET_VMA_ANON_NAME)): naming splits, equal names merge whatever record holds them,
// clearing merges back, holes are -ENOMEM after the mapped parts are named, a file mapping
// is -EBADF, and split and fork share the record without leaking it.
// This machine's kernel is built without CONFIG_ANON_VMA_NAME (prctl says EINVAL), so these
// follow mm/madvise.c and the maps format of fs/proc/task_mmu.c rather than a native run.

import { KUnit, KUnitSuite, KUNIT_CASE, kunit_test_suite, KUNIT_EXPECT_EQ, KUNIT_ASSERT_EQ, KUNIT_EXPECT_TRUE } from "../../kunit/test";
import { EINVAL, ENOMEM, EBADF } from "../../include/errno";
import { PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS, MAP_FIXED } from "../../include/mman";
import { MmStruct, VmArea } from "../mm_types";
import { validate_mm } from "../vma";
import { do_mmap, do_munmap, exit_mmap } from "../mmap";
import { do_mprotect } from "../mprotect";
import { madvise_set_anon_name } from "../madvise";
import { anon_vma_name_alloc, anon_vma_name_put, anon_vma_name_eq } from "../anon_name";
import { dup_mmap } from "../fork";
import { mm_for_test, teardown, vma_at } from "./mm_kunit_util";

const X: u64 = 0x200000;
@inline function pg(n: u64): u64 {
  return X + (n << 12);
}

/** A name record for text (the caller puts it). */
function mkname(text: string): u32 {
  const buf = String.UTF8.encode(text);
  return anon_vma_name_alloc(changetype<usize>(buf), <u32>buf.byteLength);
}

function name_at(mm: MmStruct, page: u64): u32 {
  return changetype<VmArea>(vma_at(mm, pg(page))).anon_name;
}

function anon_name_split_merge_clear(test: KUnit): void {
  const mm = mm_for_test();
  KUNIT_ASSERT_EQ(test, do_mmap(mm, pg(0), 8 << 12, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, 0, 0, 0), pg(0));
  const foo = mkname("foo");
  const foo2 = mkname("foo");
  // 01234567   name [2, 4): three vmas
  KUNIT_EXPECT_EQ(test, madvise_set_anon_name(mm, pg(2), 2 << 12, foo), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 3);
  KUNIT_EXPECT_EQ(test, name_at(mm, 2), foo);
  KUNIT_EXPECT_EQ(test, name_at(mm, 1), 0);
  // The same text in another record merges: one vma.
  KUNIT_EXPECT_EQ(test, madvise_set_anon_name(mm, pg(0), 8 << 12, foo2), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  KUNIT_EXPECT_TRUE(test, anon_vma_name_eq(name_at(mm, 5), foo));
  // mprotect splits: both parts keep the name.
  KUNIT_EXPECT_EQ(test, do_mprotect(mm, pg(3), 1 << 12, PROT_READ), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 3);
  KUNIT_EXPECT_TRUE(test, anon_vma_name_eq(name_at(mm, 3), foo));
  KUNIT_EXPECT_TRUE(test, anon_vma_name_eq(name_at(mm, 7), foo));
  // Fork shares the names; the child clears one page of its own copy only.
  const c = dup_mmap(mm);
  KUNIT_EXPECT_TRUE(test, c != null);
  const child = changetype<MmStruct>(c);
  KUNIT_EXPECT_EQ(test, name_at(child, 0), name_at(mm, 0));
  KUNIT_EXPECT_EQ(test, madvise_set_anon_name(child, pg(0), 1 << 12, 0), 0);
  KUNIT_EXPECT_EQ(test, name_at(child, 0), 0);
  KUNIT_EXPECT_TRUE(test, name_at(mm, 0) != 0);
  validate_mm(child);
  exit_mmap(child);
  // Clearing everything and undoing the mprotect merges back to one unnamed vma.
  KUNIT_EXPECT_EQ(test, madvise_set_anon_name(mm, pg(0), 8 << 12, 0), 0);
  KUNIT_EXPECT_EQ(test, do_mprotect(mm, pg(3), 1 << 12, PROT_READ | PROT_WRITE), 0);
  KUNIT_EXPECT_EQ(test, mm.map_count, 1);
  KUNIT_EXPECT_EQ(test, name_at(mm, 0), 0);
  anon_vma_name_put(foo);
  anon_vma_name_put(foo2);
  teardown(test, mm);
}

function anon_name_errors(test: KUnit): void {
  const mm = mm_for_test();
  KUNIT_ASSERT_EQ(test, do_mmap(mm, pg(0), 8 << 12, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, 0, 0, 0), pg(0));
  const n = mkname("n");
  KUNIT_EXPECT_EQ(test, madvise_set_anon_name(mm, pg(0) + 1, 4096, n), -EINVAL);
  KUNIT_EXPECT_EQ(test, madvise_set_anon_name(mm, pg(0), <u64>-1, n), -EINVAL);
  KUNIT_EXPECT_EQ(test, madvise_set_anon_name(mm, pg(0), 0, n), 0);
  // A hole in the range: -ENOMEM, and the mapped parts on both sides are named all the same.
  KUNIT_ASSERT_EQ(test, do_munmap(mm, pg(4), 1 << 12), 0);
  KUNIT_EXPECT_EQ(test, madvise_set_anon_name(mm, pg(2), 4 << 12, n), -ENOMEM);
  KUNIT_EXPECT_EQ(test, name_at(mm, 3), n);
  KUNIT_EXPECT_EQ(test, name_at(mm, 5), n);
  KUNIT_EXPECT_EQ(test, name_at(mm, 6), 0);
  // A file mapping cannot be named.
  const v = changetype<VmArea>(vma_at(mm, pg(7)));
  v.vm_file = 1;
  KUNIT_EXPECT_EQ(test, madvise_set_anon_name(mm, pg(7), 1 << 12, n), -EBADF);
  v.vm_file = 0;
  anon_vma_name_put(n);
  teardown(test, mm);
}

kunit_test_suite(new KUnitSuite("anon_vma_name", [
  KUNIT_CASE(anon_name_split_merge_clear),
  KUNIT_CASE(anon_name_errors),
]));
