// mm/tests/gup_cow_kunit.ts — reliable pinning against copy-on-write, after Linux's
// tools/testing/selftests/mm/cow.c and the R/O long-term pinning series (seeds 004): a pin
// must keep seeing what the process sees, whatever the process or a forked child writes.
// Each case builds an mm, faults pages in as the process would, pins through mm/gup.ts and
// checks page identities and contents; teardown() checks that every frame came back.

import { KUnit, KUnitSuite, KUNIT_CASE, kunit_test_suite, KUNIT_ASSERT_EQ, KUNIT_EXPECT_EQ, KUNIT_EXPECT_NE, KUNIT_EXPECT_TRUE, KUNIT_EXPECT_FALSE } from "../../kunit/test";
import { PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_SHARED, MAP_ANONYMOUS, MAP_FIXED } from "../../include/mman";
import { MmStruct, VmArea } from "../mm_types";
import { do_mmap, exit_mmap } from "../mmap";
import { dup_mmap } from "../fork";
import { handle_mm_fault, FAULT_FLAG_WRITE } from "../memory";
import { pte_offset_map, pte_present, pte_pfn, _PAGE_WRITE } from "../pgtable";
import { pfn_to_host, page_flags, PG_anon, PG_anon_exclusive, ZERO_PFN } from "../page_alloc";
import { AddressSpace, mapping_alloc, mapping_release, mapping_write, AS_SHMEM } from "../filemap";
import { pin_user_pages, unpin_user_page, FOLL_WRITE, FOLL_LONGTERM } from "../gup";
import { mm_for_test, teardown, vma_at } from "./mm_kunit_util";

const BASE: u64 = 0x10_0000;
const pins = memory.data(64, 4);

function pte_of(mm: MmStruct, addr: u64): u64 {
  const p = pte_offset_map(mm.pgd, addr);
  return p == 0 ? 0 : load<u64>(p);
}
/** The frame the process sees at addr (0 when nothing is mapped). */
function frame(mm: MmStruct, addr: u64): u32 {
  const pte = pte_of(mm, addr);
  return pte_present(pte) ? pte_pfn(pte) : 0;
}
/** A store by the process: a write fault if needed, then the byte. */
function poke(mm: MmStruct, addr: u64, v: u8): void {
  if (!(pte_of(mm, addr) & _PAGE_WRITE)) {
    assert(handle_mm_fault(mm, changetype<VmArea>(vma_at(mm, addr)), addr, FAULT_FLAG_WRITE) == 0, "write fault");
  }
  store<u8>(pfn_to_host(frame(mm, addr)) + <usize>(addr & 0xfff), v);
}
/** A load by the process: a read fault if needed, then the byte. */
function peek(mm: MmStruct, addr: u64): u8 {
  if (!pte_present(pte_of(mm, addr))) {
    assert(handle_mm_fault(mm, changetype<VmArea>(vma_at(mm, addr)), addr, 0) == 0, "read fault");
  }
  return load<u8>(pfn_to_host(frame(mm, addr)) + <usize>(addr & 0xfff));
}
function pinned_byte(i: u32): u8 {
  return load<u8>(pfn_to_host(load<u32>(pins + (<usize>i << 2))));
}
function pin(mm: MmStruct, addr: u64, flags: u32): u32 {
  const n = pin_user_pages(mm, addr, 1, flags, pins);
  assert(n == 1, "pin_user_pages failed");
  return load<u32>(pins);
}
function anon_private(mm: MmStruct): void {
  assert(do_mmap(mm, BASE, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, 0, 0, 0) == BASE, "mmap");
}

function ro_longterm_pin_after_fork_unshares(test: KUnit): void {
  const mm = mm_for_test();
  anon_private(mm);
  poke(mm, BASE, 0x41);
  const child = changetype<MmStruct>(dup_mmap(mm));
  const shared = frame(mm, BASE);
  KUNIT_EXPECT_EQ(test, frame(child, BASE), shared);
  KUNIT_EXPECT_FALSE(test, (page_flags(shared) & PG_anon_exclusive) != 0);
  const p = pin(mm, BASE, FOLL_LONGTERM);
  // Unshared: the parent got its own exclusive copy, still mapped read-only, and that is what
  // the pin holds.
  KUNIT_EXPECT_NE(test, p, shared);
  KUNIT_EXPECT_EQ(test, frame(mm, BASE), p);
  KUNIT_EXPECT_TRUE(test, (page_flags(p) & PG_anon_exclusive) != 0);
  KUNIT_EXPECT_FALSE(test, (pte_of(mm, BASE) & _PAGE_WRITE) != 0);
  // The next write reuses the pinned page: the pin sees it, the child does not.
  poke(mm, BASE, 0x42);
  KUNIT_EXPECT_EQ(test, frame(mm, BASE), p);
  KUNIT_EXPECT_EQ(test, pinned_byte(0), 0x42);
  KUNIT_EXPECT_EQ(test, peek(child, BASE), 0x41);
  unpin_user_page(p);
  exit_mmap(child);
  teardown(test, mm);
}

function ro_longterm_pin_of_zero_page_unshares(test: KUnit): void {
  const mm = mm_for_test();
  anon_private(mm);
  KUNIT_EXPECT_EQ(test, peek(mm, BASE), 0);
  KUNIT_EXPECT_EQ(test, frame(mm, BASE), ZERO_PFN);
  const p = pin(mm, BASE, FOLL_LONGTERM);
  KUNIT_EXPECT_NE(test, p, ZERO_PFN);
  KUNIT_EXPECT_TRUE(test, (page_flags(p) & (PG_anon | PG_anon_exclusive)) == (PG_anon | PG_anon_exclusive));
  poke(mm, BASE, 7);
  KUNIT_EXPECT_EQ(test, frame(mm, BASE), p);
  KUNIT_EXPECT_EQ(test, pinned_byte(0), 7);
  unpin_user_page(p);
  teardown(test, mm);
}

function ro_pin_of_zero_page_without_longterm_pins_it(test: KUnit): void {
  const mm = mm_for_test();
  anon_private(mm);
  peek(mm, BASE);
  // A short-term R/O pin may hold the zero page itself (nothing refcounts it).
  KUNIT_EXPECT_EQ(test, pin(mm, BASE, 0), ZERO_PFN);
  KUNIT_EXPECT_EQ(test, frame(mm, BASE), ZERO_PFN);
  unpin_user_page(ZERO_PFN);
  teardown(test, mm);
}

function ro_longterm_pin_of_page_cache_page_unshares(test: KUnit): void {
  const mm = mm_for_test();
  const as = changetype<AddressSpace>(mapping_alloc(AS_SHMEM, 0));
  store<u8>(pins + 60, 0x66);
  mapping_write(as, 0, 1, pins + 60);
  as.i_size = 4096;
  const file = changetype<u32>(as);
  KUNIT_ASSERT_EQ(test, do_mmap(mm, BASE, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, file, 0, 0, 0), BASE);
  KUNIT_EXPECT_EQ(test, peek(mm, BASE), 0x66);
  const cache = frame(mm, BASE);
  const p = pin(mm, BASE, FOLL_LONGTERM);
  KUNIT_EXPECT_NE(test, p, cache);
  KUNIT_EXPECT_EQ(test, pinned_byte(0), 0x66);
  poke(mm, BASE, 0x67);
  KUNIT_EXPECT_EQ(test, pinned_byte(0), 0x67);
  KUNIT_EXPECT_EQ(test, load<u8>(pfn_to_host(cache)), 0x66); // the file keeps its byte
  unpin_user_page(p);
  mapping_release(as);
  teardown(test, mm);
}

function ro_longterm_pin_of_shared_mapping_keeps_the_page(test: KUnit): void {
  const mm = mm_for_test();
  KUNIT_ASSERT_EQ(test, do_mmap(mm, BASE, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, 0, 0, 0, 0), BASE);
  poke(mm, BASE, 3);
  const page = frame(mm, BASE);
  KUNIT_EXPECT_EQ(test, pin(mm, BASE, FOLL_LONGTERM), page);
  unpin_user_page(page);
  teardown(test, mm);
}

function pinned_exclusive_page_is_copied_at_fork(test: KUnit): void {
  const mm = mm_for_test();
  anon_private(mm);
  poke(mm, BASE, 0x41);
  const p = pin(mm, BASE, FOLL_WRITE | FOLL_LONGTERM);
  const child = changetype<MmStruct>(dup_mmap(mm));
  // The parent keeps its page, writable and exclusive; the child got a copy.
  KUNIT_EXPECT_EQ(test, frame(mm, BASE), p);
  KUNIT_EXPECT_TRUE(test, (pte_of(mm, BASE) & _PAGE_WRITE) != 0);
  KUNIT_EXPECT_TRUE(test, (page_flags(p) & PG_anon_exclusive) != 0);
  KUNIT_EXPECT_NE(test, frame(child, BASE), p);
  KUNIT_EXPECT_EQ(test, peek(child, BASE), 0x41);
  poke(child, BASE, 0x43);
  KUNIT_EXPECT_EQ(test, pinned_byte(0), 0x41);
  poke(mm, BASE, 0x42);
  KUNIT_EXPECT_EQ(test, pinned_byte(0), 0x42);
  unpin_user_page(p);
  exit_mmap(child);
  teardown(test, mm);
}

function unpinned_page_is_shared_at_fork(test: KUnit): void {
  const mm = mm_for_test();
  anon_private(mm);
  poke(mm, BASE, 1);
  const p = frame(mm, BASE);
  const child = changetype<MmStruct>(dup_mmap(mm));
  KUNIT_EXPECT_EQ(test, frame(child, BASE), p);
  KUNIT_EXPECT_FALSE(test, (page_flags(p) & PG_anon_exclusive) != 0);
  // The child writes: it copies; the parent's next write then reuses the page it alone maps.
  poke(child, BASE, 2);
  KUNIT_EXPECT_NE(test, frame(child, BASE), p);
  poke(mm, BASE, 3);
  KUNIT_EXPECT_EQ(test, frame(mm, BASE), p);
  exit_mmap(child);
  teardown(test, mm);
}

function pin_errors(test: KUnit): void {
  const mm = mm_for_test();
  KUNIT_EXPECT_EQ(test, pin_user_pages(mm, BASE, 1, 0, pins), -14); // EFAULT: nothing mapped
  KUNIT_ASSERT_EQ(test, do_mmap(mm, BASE, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, 0, 0, 0), BASE);
  KUNIT_EXPECT_EQ(test, pin_user_pages(mm, BASE, 1, FOLL_WRITE, pins), -14); // read-only vma
  // Two pages asked, one mapped: the first is pinned and counted.
  KUNIT_EXPECT_EQ(test, pin_user_pages(mm, BASE, 2, FOLL_LONGTERM, pins), 1);
  unpin_user_page(load<u32>(pins));
  teardown(test, mm);
}

kunit_test_suite(new KUnitSuite("gup_cow", [
  KUNIT_CASE(ro_longterm_pin_after_fork_unshares),
  KUNIT_CASE(ro_longterm_pin_of_zero_page_unshares),
  KUNIT_CASE(ro_pin_of_zero_page_without_longterm_pins_it),
  KUNIT_CASE(ro_longterm_pin_of_page_cache_page_unshares),
  KUNIT_CASE(ro_longterm_pin_of_shared_mapping_keeps_the_page),
  KUNIT_CASE(pinned_exclusive_page_is_copied_at_fork),
  KUNIT_CASE(unpinned_page_is_shared_at_fork),
  KUNIT_CASE(pin_errors),
]));
