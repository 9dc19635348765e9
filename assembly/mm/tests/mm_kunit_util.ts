// mm/tests/mm_kunit_util.ts — what the mm suites share: booting the mm core once inside the
// kunit build, an mm per case, vmas linked by hand (tools/testing/vma's alloc_and_link_vma),
// anon_vmas made to order, a close hook, and the teardown that checks nothing leaked.

import { KUnit, KUNIT_EXPECT_EQ } from "../../kunit/test";
import { VM_READ, VM_WRITE, VM_MAYREAD, VM_MAYWRITE } from "../../include/mman";
import { MmStruct, VmArea, VmOperationsStruct } from "../mm_types";
import { page_alloc_init, nr_free, validate_free_lists } from "../page_alloc";
import { vma_init, vm_area_alloc, vma_link, find_vma, find_vma_prev_of, validate_mm, vm_area_nr_active } from "../vma";
import { anon_vma_init, anon_vma_nr_active, anon_vma_prepare, anon_vma_clone } from "../rmap";
import { anon_name_init, anon_vma_name_nr_active } from "../anon_name";
import { mmap_init, mm_alloc, exit_mmap } from "../mmap";
import { filemap_init } from "../filemap";

/** The flags of tools/testing/vma's scenarios: private, read-write, never executable. */
export const FLAGS: u64 = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE;
/** Frames of guest memory the suites run with. */
const MM_KUNIT_PAGES: u32 = 2048;

let booted = false;

/** Boot page_alloc and the mm caches once for every mm suite of this instance. */
export function mm_kunit_init(): void {
  if (booted) return;
  booted = true;
  page_alloc_init(MM_KUNIT_PAGES);
  vma_init(1 << 16);
  anon_vma_init(1 << 16);
  anon_name_init(1 << 12);
  mmap_init(64);
  filemap_init();
}

// What was allocated before the case's mm: teardown() expects exactly this again.
let base_vmas: u32 = 0;
let base_anon_vmas: u32 = 0;
let base_names: u32 = 0;
let base_free: u32 = 0;

/** A fresh, empty mm; the allocation counts are taken as the case's baseline. */
export function mm_for_test(): MmStruct {
  mm_kunit_init();
  base_vmas = vm_area_nr_active();
  base_anon_vmas = anon_vma_nr_active();
  base_names = anon_vma_name_nr_active();
  base_free = nr_free;
  const mm = mm_alloc();
  assert(mm != null, "mm_alloc failed in a test");
  return changetype<MmStruct>(mm);
}

/** Validate, free the mm, and expect every vma, anon_vma, name and frame back. */
export function teardown(test: KUnit, mm: MmStruct): void {
  validate_mm(mm);
  exit_mmap(mm);
  validate_free_lists();
  KUNIT_EXPECT_EQ(test, vm_area_nr_active(), base_vmas);
  KUNIT_EXPECT_EQ(test, anon_vma_nr_active(), base_anon_vmas);
  KUNIT_EXPECT_EQ(test, anon_vma_name_nr_active(), base_names);
  KUNIT_EXPECT_EQ(test, nr_free, base_free);
}

/** alloc_and_link_vma: a vma [start, end) at pgoff with flags, linked into mm. */
export function alloc_and_link_vma(mm: MmStruct, start: u64, end: u64, pgoff: u64, flags: u64): VmArea {
  const v = vm_area_alloc(mm);
  assert(v != null, "vm_area_alloc failed in a test");
  const vma = changetype<VmArea>(v);
  vma.vm_start = start;
  vma.vm_end = end;
  vma.vm_pgoff = pgoff;
  vma.vm_flags = flags;
  vma_link(mm, vma, find_vma_prev_of(mm, start));
  return vma;
}

/** The vma containing addr, or null. */
export function vma_at(mm: MmStruct, addr: u64): VmArea | null {
  const vma = find_vma(mm, addr);
  return vma != null && vma.vm_start <= addr ? vma : null;
}

/** Pointer value of a vma (null: 0), for KUNIT_EXPECT_EQ. */
export function P(vma: VmArea | null): usize {
  return changetype<usize>(vma);
}

/** Give vma a fresh anon_vma of its own (as its first fault would with no neighbour). */
export function fault_anon_vma(vma: VmArea): void {
  assert(vma.anon_vma == 0, "vma already has an anon_vma");
  // Hide the neighbours from anon_vma_prepare's reuse: the caller wants a distinct one.
  const next = vma.vm_next;
  const prev = vma.vm_prev;
  vma.vm_next = 0;
  vma.vm_prev = 0;
  const err = anon_vma_prepare(vma);
  vma.vm_next = next;
  vma.vm_prev = prev;
  assert(err == 0, "anon_vma_prepare failed in a test");
}

/** dst shares src's anon_vma, as two parts of one faulted vma do. */
export function share_anon_vma(dst: VmArea, src: VmArea): void {
  anon_vma_clone(dst, src);
}

/** close() calls seen since the counter was last reset. */
export let nr_close_calls: u32 = 0;
export function reset_close_calls(): void {
  nr_close_calls = 0;
}
function dummy_close(vma: VmArea): void {
  nr_close_calls++;
}
const close_ops: usize = memory.data(4, 4);

/** vm_ops with a close hook (tools/testing/vma's dummy_close). */
export function vm_ops_with_close(): u32 {
  const f: (vma: VmArea) => void = dummy_close;
  changetype<VmOperationsStruct>(close_ops).close = <u32>changetype<usize>(f);
  return <u32>close_ops;
}
