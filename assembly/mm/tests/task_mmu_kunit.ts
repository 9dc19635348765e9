// mm/tests/task_mmu_kunit.ts — /proc/<pid>/pagemap entries and clear_refs (mm/task_mmu.ts)
// against what the process does: faults, fork, loads through the CPU's TLB. The guest program
// userland/src/tests/pagemap.c checks the same files against the host kernel; this suite
// checks what the host cannot show exactly: that a load after clear_refs sets the accessed bit
// again (the TLB entry was flushed), the PFN base, and the hiwater reset.

import { KUnit, KUnitSuite, KUNIT_CASE, kunit_test_suite, KUNIT_ASSERT_EQ, KUNIT_EXPECT_EQ, KUNIT_EXPECT_TRUE, KUNIT_EXPECT_FALSE } from "../../kunit/test";
import { PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS, MAP_FIXED } from "../../include/mman";
import { MmStruct, VmArea, get_mm_rss } from "../mm_types";
import { do_mmap, exit_mmap } from "../mmap";
import { dup_mmap } from "../fork";
import { handle_mm_fault, FAULT_FLAG_WRITE } from "../memory";
import { pte_offset_map, _PAGE_ACCESSED } from "../pgtable";
import {
  pagemap_read_entries, clear_refs, PM_PRESENT, PM_FILE, PM_MMAP_EXCLUSIVE, PM_SOFT_DIRTY, PM_PFRAME_MASK,
  PAGEMAP_PFN_BASE, CLEAR_REFS_ALL, CLEAR_REFS_ANON, CLEAR_REFS_MAPPED, CLEAR_REFS_SOFT_DIRTY,
  CLEAR_REFS_MM_HIWATER_RSS,
} from "../task_mmu";
import { tlb_switch_mm } from "../../arch/um/tlb";
import { mmu_load_slow, mmu_fault } from "../../arch/um/mmu";
import { mm_for_test, teardown, vma_at } from "./mm_kunit_util";

const BASE: u64 = 0x10_0000;
const out = memory.data(64, 8);

function entry(mm: MmStruct, addr: u64): u64 {
  pagemap_read_entries(mm, addr, 1, out);
  return load<u64>(out);
}
function pte_of(mm: MmStruct, addr: u64): u64 {
  const p = pte_offset_map(mm.pgd, addr);
  return p == 0 ? 0 : load<u64>(p);
}
function fault(mm: MmStruct, addr: u64, flags: u32): void {
  assert(handle_mm_fault(mm, changetype<VmArea>(vma_at(mm, addr)), addr, flags) == 0, "fault");
}
function anon(mm: MmStruct, pages: u64): void {
  assert(do_mmap(mm, BASE, pages << 12, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, 0, 0, 0) == BASE, "mmap");
}

function pagemap_bits_follow_faults_and_fork(test: KUnit): void {
  const mm = mm_for_test();
  anon(mm, 2);
  KUNIT_EXPECT_EQ(test, entry(mm, BASE), 0); // in the vma, never faulted
  KUNIT_EXPECT_EQ(test, entry(mm, BASE + 0x10_0000), 0); // a hole
  fault(mm, BASE, 0);
  // The zero page: present, with its PFN (frame 0 shows as the base), no page to be file or exclusive.
  KUNIT_EXPECT_EQ(test, entry(mm, BASE), PM_PRESENT | PAGEMAP_PFN_BASE);
  fault(mm, BASE, FAULT_FLAG_WRITE);
  let e = entry(mm, BASE);
  KUNIT_EXPECT_EQ(test, e & ~PM_PFRAME_MASK, PM_PRESENT | PM_MMAP_EXCLUSIVE);
  KUNIT_EXPECT_TRUE(test, (e & PM_PFRAME_MASK) > PAGEMAP_PFN_BASE);
  KUNIT_EXPECT_EQ(test, e & (PM_SOFT_DIRTY | PM_FILE), 0);
  const child = changetype<MmStruct>(dup_mmap(mm));
  KUNIT_EXPECT_EQ(test, entry(mm, BASE), PM_PRESENT | (e & PM_PFRAME_MASK)); // mapped twice
  KUNIT_EXPECT_EQ(test, entry(child, BASE), PM_PRESENT | (e & PM_PFRAME_MASK));
  fault(child, BASE, FAULT_FLAG_WRITE); // the child copies: both are exclusive again
  KUNIT_EXPECT_EQ(test, entry(mm, BASE), e);
  KUNIT_EXPECT_EQ(test, entry(child, BASE) & ~PM_PFRAME_MASK, PM_PRESENT | PM_MMAP_EXCLUSIVE);
  // A range read: entry i at out + 8 * i, the hole past the vma as zeros.
  pagemap_read_entries(mm, BASE - 4096, 4, out);
  KUNIT_EXPECT_EQ(test, load<u64>(out, 0), 0);
  KUNIT_EXPECT_EQ(test, load<u64>(out, 8), e);
  KUNIT_EXPECT_EQ(test, load<u64>(out, 16), 0);
  KUNIT_EXPECT_EQ(test, load<u64>(out, 24), 0);
  exit_mmap(child);
  teardown(test, mm);
}

function clear_refs_flushes_the_tlb(test: KUnit): void {
  const mm = mm_for_test();
  anon(mm, 1);
  fault(mm, BASE, FAULT_FLAG_WRITE);
  tlb_switch_mm(changetype<usize>(mm));
  mmu_load_slow(BASE, 8); // a load through the TLB: fills an entry
  KUNIT_EXPECT_FALSE(test, mmu_fault);
  clear_refs(mm, CLEAR_REFS_SOFT_DIRTY); // nothing to do without CONFIG_MEM_SOFT_DIRTY
  KUNIT_EXPECT_TRUE(test, (pte_of(mm, BASE) & _PAGE_ACCESSED) != 0);
  clear_refs(mm, CLEAR_REFS_MAPPED); // file vmas only: not this one
  KUNIT_EXPECT_TRUE(test, (pte_of(mm, BASE) & _PAGE_ACCESSED) != 0);
  clear_refs(mm, CLEAR_REFS_ANON);
  KUNIT_EXPECT_EQ(test, pte_of(mm, BASE) & _PAGE_ACCESSED, 0);
  // Had the entry stayed in the TLB, this load would not walk the page table and the page
  // would stay old for smaps' Referenced.
  mmu_load_slow(BASE, 8);
  KUNIT_EXPECT_TRUE(test, (pte_of(mm, BASE) & _PAGE_ACCESSED) != 0);
  clear_refs(mm, CLEAR_REFS_ALL);
  KUNIT_EXPECT_EQ(test, pte_of(mm, BASE) & _PAGE_ACCESSED, 0);
  mmu_load_slow(BASE, 8);
  KUNIT_EXPECT_TRUE(test, (pte_of(mm, BASE) & _PAGE_ACCESSED) != 0);
  tlb_switch_mm(0);
  teardown(test, mm);
}

function clear_refs_resets_the_peak_rss(test: KUnit): void {
  const mm = mm_for_test();
  anon(mm, 4);
  for (let i: u64 = 0; i < 4; i++) fault(mm, BASE + (i << 12), FAULT_FLAG_WRITE);
  mm.hiwater_rss = 100; // a peak from earlier
  clear_refs(mm, CLEAR_REFS_MM_HIWATER_RSS);
  KUNIT_ASSERT_EQ(test, get_mm_rss(mm), 4);
  KUNIT_EXPECT_EQ(test, mm.hiwater_rss, 4);
  teardown(test, mm);
}

kunit_test_suite(new KUnitSuite("task_mmu", [
  KUNIT_CASE(pagemap_bits_follow_faults_and_fork),
  KUNIT_CASE(clear_refs_flushes_the_tlb),
  KUNIT_CASE(clear_refs_resets_the_peak_rss),
]));
