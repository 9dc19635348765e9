// kunit/entry.ts — the entry of the kunit build (asconfig target "kunit" → build/umwasm.kunit.wasm).
// It is compiled beside assembly/index.ts, so the kunit build is the whole core plus the
// executor's exports and every suite; the release and debug builds include none of it.
// Suites run in the order they are imported here.
export {
  kunit_run, kunit_try_run, kunit_set_default_timeout, kunit_suite_count, kunit_suite_name,
  kunit_suite_speed, kunit_case_count, kunit_case_name, kunit_case_speed, kunit_case_param_count,
  kunit_case_set_filter,
} from "./executor";

import "./tests/kunit_selftest";
import "../arch/um/tests/decode_kunit";
import "../mm/tests/vma_merge_kunit";
import "../mm/tests/anon_vma_kunit";
import "../mm/tests/alloc_fail_kunit";
import "../mm/tests/anon_name_kunit";
import "../mm/tests/kunit_resource_kunit";
import "../mm/tests/gup_cow_kunit";
import "../mm/tests/task_mmu_kunit";
import "../mm/tests/userfaultfd_kunit";
