// mm/tests/kunit_resource_kunit.ts — frames and address spaces a case takes through
// kunit/resource_mm.ts come back when the case's actions run, whatever the case left mapped.

import {
  KUnit, KUnitSuite, KUNIT_CASE, kunit_test_suite, kunit_cleanup, KUNIT_ASSERT_NE, KUNIT_EXPECT_EQ,
} from "../../kunit/test";
import { kunit_alloc_page, kunit_mm_alloc } from "../../kunit/resource_mm";
import { PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS } from "../../include/mman";
import { nr_free, validate_free_lists } from "../page_alloc";
import { vm_area_nr_active } from "../vma";
import { do_mmap } from "../mmap";
import { mm_kunit_init } from "./mm_kunit_util";
import { MmStruct } from "../mm_types";

function pages_and_vmas_released_at_case_end(test: KUnit): void {
  mm_kunit_init();
  const free = nr_free;
  const vmas = vm_area_nr_active();
  for (let i = 0; i < 5; i++) KUNIT_ASSERT_NE(test, kunit_alloc_page(test), 0);
  const mm = kunit_mm_alloc(test);
  KUNIT_ASSERT_NE(test, changetype<usize>(mm), 0);
  for (let i = 0; i < 4; i++) {
    const r = do_mmap(changetype<MmStruct>(mm), 0, 3 << 12, PROT_READ | (i & 1 ? PROT_WRITE : 0),
      MAP_PRIVATE | MAP_ANONYMOUS, 0, 0, 0, 0);
    KUNIT_ASSERT_NE(test, r & 0xfff, 0xfff & <u64>-1); // an address, not -errno
  }
  KUNIT_EXPECT_EQ(test, vm_area_nr_active(), vmas + 4);
  KUNIT_EXPECT_EQ(test, nr_free < free, true);
  // What the executor does when the case returns: every deferred action, last first.
  kunit_cleanup(test);
  KUNIT_EXPECT_EQ(test, nr_free, free);
  KUNIT_EXPECT_EQ(test, vm_area_nr_active(), vmas);
  validate_free_lists();
}

const suite = new KUnitSuite("kunit_resource_mm", [KUNIT_CASE(pages_and_vmas_released_at_case_end)]);
kunit_test_suite(suite);
