// kunit/tests/kunit_selftest.ts — the KUnit API tested with itself (lib/kunit/kunit-test.c):
// every check that should pass does, deferred actions run last-in first-out, init/exit and
// suite_init reach the case, parameters arrive in order, static stubs redirect and end, and
// the loop budget counts loop iterations. Every case here passes; the harness's failure paths
// are exercised by kunit_example_failing.ts, which the normal run does not build.

import {
  KUnit, KUnitSuite, KUNIT_CASE, KUNIT_CASE_PARAM, kunit_param, kunit_test_suite,
  kunit_add_action, kunit_release_action, kunit_remove_action, kunit_cleanup, kunit_kzalloc,
  kunit_activate_static_stub, kunit_deactivate_static_stub,
  KUNIT_EXPECT_EQ, KUNIT_EXPECT_NE, KUNIT_EXPECT_LT, KUNIT_EXPECT_LE, KUNIT_EXPECT_GT, KUNIT_EXPECT_GE,
  KUNIT_EXPECT_TRUE, KUNIT_EXPECT_FALSE, KUNIT_EXPECT_NULL, KUNIT_EXPECT_NOT_NULL,
  KUNIT_EXPECT_STREQ, KUNIT_EXPECT_STRNEQ, KUNIT_EXPECT_MEMEQ, KUNIT_EXPECT_MEMNEQ,
  KUNIT_ASSERT_EQ, KUNIT_ASSERT_TRUE,
} from "../test";
import { KUNIT, kunit_static_stub } from "../static_stub";
import { kunit_fuel } from "../fuel";

function expectations_pass(test: KUnit): void {
  const a: u64 = 0xffff_ffff_ffff_fff0;
  KUNIT_EXPECT_EQ(test, a, 0xffff_ffff_ffff_fff0);
  KUNIT_EXPECT_NE(test, 1, 2);
  KUNIT_EXPECT_LT(test, -1, 0);
  KUNIT_EXPECT_LE(test, 3, 3);
  KUNIT_EXPECT_GT(test, <u32>0x8000_0000, <u32>1);
  KUNIT_EXPECT_GE(test, 2.5, 2.5);
  KUNIT_EXPECT_TRUE(test, a != 0);
  KUNIT_EXPECT_FALSE(test, a == 0);
  KUNIT_EXPECT_NULL(test, <usize>0);
  KUNIT_EXPECT_NOT_NULL(test, test);
  KUNIT_EXPECT_STREQ(test, "ab" + "c", "abc");
  KUNIT_EXPECT_STRNEQ(test, "abc", "abd");
  const p = kunit_kzalloc(test, 8);
  const q = kunit_kzalloc(test, 8);
  KUNIT_EXPECT_MEMEQ(test, p, q, 8);
  store<u8>(q, 1, 7);
  KUNIT_EXPECT_MEMNEQ(test, p, q, 8);
}

let action_log = "";
function log_action(ctx: usize): void {
  action_log += ctx.toString();
}

// Actions run when the case ends, newest first (kunit_cleanup); release runs one early and
// remove forgets one. A second KUnit object stands in for a case, as kunit-test.c does.
function actions_run_lifo(test: KUnit): void {
  action_log = "";
  const inner = new KUnit();
  kunit_add_action(inner, log_action, 1);
  kunit_add_action(inner, log_action, 2);
  kunit_add_action(inner, log_action, 3);
  kunit_add_action(inner, log_action, 4);
  kunit_release_action(inner, log_action, 2);
  kunit_remove_action(inner, log_action, 3);
  KUNIT_EXPECT_STREQ(test, action_log, "2");
  kunit_cleanup(inner);
  KUNIT_EXPECT_STREQ(test, action_log, "241");
  KUNIT_EXPECT_EQ(test, inner.actions.length, 0);
}

function kzalloc_is_zeroed(test: KUnit): void {
  const p = kunit_kzalloc(test, 64);
  KUNIT_ASSERT_NE_PTR(test, p);
  for (let i = 0; i < 64; i++) KUNIT_EXPECT_EQ(test, load<u8>(p + i), 0);
}
function KUNIT_ASSERT_NE_PTR(test: KUnit, p: usize): void {
  KUNIT_ASSERT_TRUE(test, p != 0);
}

function real_add(a: i32, b: i32): i32 {
  if (KUNIT) {
    const stub = kunit_static_stub(real_add);
    if (stub != 0) return changetype<(a: i32, b: i32) => i32>(stub)(a, b);
  }
  return a + b;
}
function fake_add(a: i32, b: i32): i32 {
  return a * b;
}

function static_stub_redirects(test: KUnit): void {
  KUNIT_EXPECT_EQ(test, real_add(3, 4), 7);
  kunit_activate_static_stub(test, real_add, fake_add);
  KUNIT_EXPECT_EQ(test, real_add(3, 4), 12);
  kunit_deactivate_static_stub(test, real_add);
  KUNIT_EXPECT_EQ(test, real_add(3, 4), 7);
  kunit_activate_static_stub(test, real_add, fake_add); // ended by the case's cleanup
}

// The previous case left its stub active; cleanup must have ended it.
function static_stub_ends_with_case(test: KUnit): void {
  KUNIT_EXPECT_EQ(test, real_add(3, 4), 7);
}

const INIT_MAGIC: usize = 0x5eed;
let exits = 0;
function selftest_init(test: KUnit): i32 {
  test.priv = INIT_MAGIC;
  return 0;
}
function selftest_exit(test: KUnit): void {
  exits++;
}
function selftest_suite_init(suite: KUnitSuite): i32 {
  suite.priv = 0xcafe;
  return 0;
}

let suite_ref: KUnitSuite | null = null;
function init_exit_reach_case(test: KUnit): void {
  KUNIT_EXPECT_EQ(test, test.priv, INIT_MAGIC);
  KUNIT_EXPECT_EQ(test, suite_ref!.priv, <usize>0xcafe);
  // Every earlier case of this suite has ended with exit.
  KUNIT_EXPECT_EQ(test, exits, 8); // five plain cases and three parameters
}

const SQUARES = [kunit_param(0, "zero"), kunit_param(1, "one"), kunit_param(4, "two squared")];
function params_arrive_in_order(test: KUnit): void {
  const i = <u64>test.param_index;
  KUNIT_EXPECT_EQ(test, test.param_value, i * i);
}

// Each iteration of an instrumented loop spends one unit of the case's budget.
function fuel_counts_loop_iterations(test: KUnit): void {
  const before = kunit_fuel;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += i;
  KUNIT_EXPECT_EQ(test, sum, 45);
  KUNIT_EXPECT_EQ(test, before - kunit_fuel, 10);
}

const selftest_suite = new KUnitSuite("kunit_selftest", [
  KUNIT_CASE(expectations_pass),
  KUNIT_CASE(actions_run_lifo),
  KUNIT_CASE(kzalloc_is_zeroed),
  KUNIT_CASE(static_stub_redirects),
  KUNIT_CASE(static_stub_ends_with_case),
  KUNIT_CASE_PARAM(params_arrive_in_order, SQUARES),
  KUNIT_CASE(init_exit_reach_case),
  KUNIT_CASE(fuel_counts_loop_iterations),
]);
selftest_suite.init = selftest_init;
selftest_suite.exit = selftest_exit;
selftest_suite.suite_init = selftest_suite_init;
suite_ref = selftest_suite;
kunit_test_suite(selftest_suite);
