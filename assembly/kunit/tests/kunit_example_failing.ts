// kunit/tests/kunit_example_failing.ts — deliberately failing, crashing, skipped, timed-out and
// parameterized cases: the harness's own failure paths. Built only by tests/kunit/harness.test.ts
// (as its own entry, with the kunit transform), which checks the KTAP and the summary line by
// line; the kunit build (assembly/kunit/entry.ts) never imports it, so `npm test` and
// `umwasm kunit run` stay green.
export {
  kunit_run, kunit_try_run, kunit_set_default_timeout, kunit_suite_count, kunit_suite_name,
  kunit_suite_speed, kunit_case_count, kunit_case_name, kunit_case_speed, kunit_case_param_count,
  kunit_case_set_filter,
} from "../executor";

import {
  KUnit, KUnitSuite, KUNIT_CASE, KUNIT_CASE_SLOW, KUNIT_CASE_PARAM, kunit_param, kunit_test_suite,
  kunit_info, kunit_skip, kunit_mark_skipped, kunit_add_action,
  KUNIT_EXPECT_EQ, KUNIT_EXPECT_STREQ, KUNIT_EXPECT_MEMEQ, KUNIT_EXPECT_NULL, KUNIT_ASSERT_TRUE,
  KUNIT_EXPECT_TRUE, KUNIT_FAIL,
} from "../test";

function passes(test: KUnit): void {
  KUNIT_EXPECT_EQ(test, 1 + 1, 2);
}

// Expectations record the failure and the case goes on to the next one.
function expectations_fail(test: KUnit): void {
  const two = 1 + 1;
  KUNIT_EXPECT_EQ(test, two, 3);
  KUNIT_EXPECT_STREQ(test, "abc", "ab" + "d");
  const p: usize = 16;
  KUNIT_EXPECT_NULL(test, p);
  KUNIT_FAIL(test, "reached the end");
}

// An assertion ends the case; exit and the deferred actions still run.
function say_action(ctx: usize): void {
  kunit_info(changetype<KUnit>(ctx), "deferred action ran");
}
function assertion_ends_case(test: KUnit): void {
  kunit_add_action(test, say_action, changetype<usize>(test));
  KUNIT_ASSERT_TRUE(test, 2 < 1);
  kunit_info(test, "not reached");
}

function memeq_fails(test: KUnit): void {
  const a = memory.data<u8>([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
  const b = memory.data<u8>([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19]);
  KUNIT_EXPECT_MEMEQ(test, a, b, 18);
}

function skipped(test: KUnit): void {
  kunit_skip(test, "no such device");
  kunit_info(test, "not reached");
}

function marked_skipped_goes_on(test: KUnit): void {
  kunit_mark_skipped(test, "partly unsupported");
  kunit_info(test, "still running");
}

// A wasm trap (here an out-of-bounds load) crashes the case; no exit, no cleanup.
function crashes(test: KUnit): void {
  kunit_add_action(test, say_action, changetype<usize>(test));
  KUNIT_EXPECT_EQ(test, load<u64>(<usize>0xfffffff8), 0);
}

// A kernel assert() failing is a crash too, with asc's message and place.
function kernel_assert_crashes(test: KUnit): void {
  assert(test.param_index == 1, "param_index must be 1");
}

// An endless loop runs out of its loop budget.
function times_out(test: KUnit): void {
  let n: u64 = 0;
  while (n != u64.MAX_VALUE) n += <u64>(test.param_index + 1) - 1;
  KUNIT_EXPECT_TRUE(test, n == 0);
}

function runs_after_crash(test: KUnit): void {
  KUNIT_EXPECT_EQ(test, 2 * 2, 4);
}

function slow_passes(test: KUnit): void {
  KUNIT_EXPECT_TRUE(test, true);
}

// Parameters: the second fails, the third skips, the fourth crashes.
const PARAMS = [kunit_param(1, "one"), kunit_param(2, "two"), kunit_param(3, "three"), kunit_param(4, "")];
function param_mix(test: KUnit): void {
  if (test.param_value == 3) kunit_skip(test, "three is skipped");
  if (test.param_value == 4) unreachable();
  KUNIT_EXPECT_EQ(test, test.param_value, 1);
}

function failing_exit(test: KUnit): void {
  kunit_info(test, "exit");
}

const failing = new KUnitSuite("kunit_example_failing", [
  KUNIT_CASE(passes),
  KUNIT_CASE(expectations_fail),
  KUNIT_CASE(assertion_ends_case),
  KUNIT_CASE(memeq_fails),
  KUNIT_CASE(skipped),
  KUNIT_CASE(marked_skipped_goes_on),
  KUNIT_CASE(crashes),
  KUNIT_CASE(kernel_assert_crashes),
  KUNIT_CASE(times_out).timeout(1),
  KUNIT_CASE(runs_after_crash),
  KUNIT_CASE_SLOW(slow_passes),
  KUNIT_CASE_PARAM(param_mix, PARAMS),
]);
failing.exit = failing_exit;
kunit_test_suite(failing);

function suite_init_fails(suite: KUnitSuite): i32 {
  return -12;
}
const init_fails = new KUnitSuite("kunit_example_init_fails", [KUNIT_CASE(passes)]);
init_fails.suite_init = suite_init_fails;
kunit_test_suite(init_fails);

const all_skipped = new KUnitSuite("kunit_example_all_skipped", [KUNIT_CASE(skipped)]);
all_skipped.speed = 1; // very_slow: the suite's attribute line
kunit_test_suite(all_skipped);
