// kunit/resource_mm.ts — mm resources a case can take and KUnit gives back when the case ends,
// however it ends (lib/kunit/resource.c's managed allocations, for frames and address spaces):
// each is a deferred action, so they go in LIFO order with the case's other actions.

import { KUnit, kunit_add_action } from "./test";
import { alloc_page, put_page } from "../mm/page_alloc";
import { MmStruct } from "../mm/mm_types";
import { mm_alloc, exit_mmap } from "../mm/mmap";

function put_page_action(pfn: usize): void {
  put_page(<u32>pfn);
}

/** A frame (refcount 1) put back when the case ends; 0 if none is free. */
export function kunit_alloc_page(test: KUnit): u32 {
  const pfn = alloc_page();
  if (pfn != 0) kunit_add_action(test, put_page_action, <usize>pfn);
  return pfn;
}

function exit_mmap_action(mm: usize): void {
  exit_mmap(changetype<MmStruct>(mm));
}

/** An empty address space torn down (every vma, page and page table) when the case ends. */
export function kunit_mm_alloc(test: KUnit): MmStruct | null {
  const mm = mm_alloc();
  if (mm != null) kunit_add_action(test, exit_mmap_action, changetype<usize>(mm));
  return mm;
}
