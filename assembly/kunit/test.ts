// kunit/test.ts — the KUnit test API for AssemblyScript (include/kunit/test.h, lib/kunit/test.c,
// lib/kunit/assert.c, lib/kunit/resource.c). Owns: suites, cases, the running test's state,
// expectations and assertions, skips, deferred actions and static-stub activation.
// The executor (executor.ts) runs cases; this file only records what a case does.
//
// Expectations record a failure and let the case go on; assertions record it and end the
// case (kunit_abort: a trap the host's try-catch recognises, as KUnit's try-catch ends the
// kthread). Failure reports follow lib/kunit/assert.c:
//   # <case>: EXPECTATION FAILED at <file>:<line>
//   # Expected <left text> == <right text>, but
//   #     <left text> == <value> (0x<hex>)
//   #     <right text> == <value> (0x<hex>)
// The texts, file and line are appended to every KUNIT_* call by scripts/kunit_transform.mjs
// (the kunit build's asc transform), since AssemblyScript has no preprocessor to stringify.
// DIVERGES: continuation lines of a report carry "# " as ktap.rst recommends, where KUnit
// prints them bare; a value line of a literal operand is left out, as KUnit does.
// Tests may use managed objects (string, Array, new): the kunit build is not the hot core.

import { ktap_diag } from "./ktap";
import { __kunit_static_stub_set, __kunit_static_stub_clear } from "./static_stub";

export const KUNIT_SUCCESS: i32 = 0;
export const KUNIT_FAILURE: i32 = 1;
export const KUNIT_SKIPPED: i32 = 2;

// Speed attribute (lib/kunit/attributes.c order: unset < very_slow < slow < normal).
export const KUNIT_SPEED_UNSET: i32 = 0;
export const KUNIT_SPEED_VERY_SLOW: i32 = 1;
export const KUNIT_SPEED_SLOW: i32 = 2;
export const KUNIT_SPEED_NORMAL: i32 = 3;
export const KUNIT_SPEED_NAMES: string[] = ["unset", "very_slow", "slow", "normal"];

/** One value of a parameterized case and the description its result line carries. */
export class KUnitParam {
  constructor(public value: u64, public desc: string) {}
}

export function kunit_param(value: u64, desc: string): KUnitParam {
  return new KUnitParam(value, desc);
}

export class KUnitCase {
  /** 0 = the executor's default; otherwise this case's own budget, not scaled by speed. */
  timeout_secs: i32 = 0;
  /** Set by the host's filter: run, skip (report as skipped) or exclude (leave out). */
  filter_action: i32 = 0;
  status: i32 = KUNIT_SKIPPED;
  constructor(public name: string, public run_case: (test: KUnit) => void,
              public params: KUnitParam[] | null, public speed: i32) {}

  /** Give this case its own timeout (seconds of loop budget, see fuel.ts). */
  timeout(seconds: i32): KUnitCase {
    this.timeout_secs = seconds;
    return this;
  }
}

// The case constructors take the function; the transform appends its name, as KUNIT_CASE
// stringifies it.
export function KUNIT_CASE(run_case: (test: KUnit) => void, name: string = "?"): KUnitCase {
  return new KUnitCase(name, run_case, null, KUNIT_SPEED_UNSET);
}
export function KUNIT_CASE_SLOW(run_case: (test: KUnit) => void, name: string = "?"): KUnitCase {
  return new KUnitCase(name, run_case, null, KUNIT_SPEED_SLOW);
}
export function KUNIT_CASE_ATTR(run_case: (test: KUnit) => void, speed: i32, name: string = "?"): KUnitCase {
  return new KUnitCase(name, run_case, null, speed);
}
export function KUNIT_CASE_PARAM(run_case: (test: KUnit) => void, params: KUnitParam[],
                                 name: string = "?"): KUnitCase {
  return new KUnitCase(name, run_case, params, KUNIT_SPEED_UNSET);
}

export class KUnitSuite {
  /** Before each case; a non-zero return fails the case without running it. */
  init: ((test: KUnit) => i32) | null = null;
  /** After each case that was not stopped by a crash or a timeout. */
  exit: ((test: KUnit) => void) | null = null;
  /** Once before the first case; a non-zero return fails the whole suite. */
  suite_init: ((suite: KUnitSuite) => i32) | null = null;
  suite_exit: ((suite: KUnitSuite) => void) | null = null;
  speed: i32 = KUNIT_SPEED_UNSET;
  /** For suite_init and suite_exit to leave state to the cases. */
  priv: usize = 0;
  constructor(public name: string, public cases: KUnitCase[]) {}
}

/** Deferred action: a function and its argument, run when the case ends (LIFO). */
class KUnitAction {
  constructor(public fn: (ctx: usize) => void, public ctx: usize) {}
}

/** The running test: one case, or one parameter of a parameterized case. */
export class KUnit {
  name: string = "";
  status: i32 = KUNIT_SUCCESS;
  status_comment: string = "";
  /** For init to leave state to the case and exit. */
  priv: usize = 0;
  param_value: u64 = 0;
  param_index: i32 = 0;
  /** KTAP nesting level of this test's diagnostics. */
  level: i32 = 1;
  actions: KUnitAction[] = [];
}

export const suites: KUnitSuite[] = [];

/** Register a suite (kunit_test_suite()); call at the top level of the suite's file. */
export function kunit_test_suite(suite: KUnitSuite): void {
  suites.push(suite);
}

/** Set by kunit_abort() just before its trap, so the try-catch can tell it from a crash. */
export let kunit_aborting = false;

export function kunit_clear_aborting(): void {
  kunit_aborting = false;
}

/** End the running case now (KUnit's kunit_try_catch_throw). Does not return. */
export function kunit_abort(test: KUnit): void {
  kunit_aborting = true;
  unreachable();
}

/** Print a diagnostic for test (kunit_info/kunit_err): "# <name>: <text>". */
export function kunit_info(test: KUnit, text: string): void {
  ktap_diag(test.level, test.name + ": " + text);
}

export function kunit_set_failure(test: KUnit): void {
  test.status = KUNIT_FAILURE;
}

/** Mark the test skipped and let it go on (kunit_mark_skipped). */
export function kunit_mark_skipped(test: KUnit, reason: string): void {
  test.status = KUNIT_SKIPPED;
  test.status_comment = reason;
}

/** Mark the test skipped and end it (kunit_skip). */
export function kunit_skip(test: KUnit, reason: string): void {
  kunit_mark_skipped(test, reason);
  kunit_abort(test);
}

// ---- deferred actions and resources (lib/kunit/resource.c) ----

/** Run fn(ctx) when the case ends, after every action added later. Returns 0. */
export function kunit_add_action(test: KUnit, fn: (ctx: usize) => void, ctx: usize): i32 {
  test.actions.push(new KUnitAction(fn, ctx));
  return 0;
}

/** As kunit_add_action; if the action could not be added, fn(ctx) runs at once. */
export function kunit_add_action_or_reset(test: KUnit, fn: (ctx: usize) => void, ctx: usize): i32 {
  return kunit_add_action(test, fn, ctx);
}

function find_action(test: KUnit, fn: (ctx: usize) => void, ctx: usize): i32 {
  for (let i = test.actions.length - 1; i >= 0; i--) {
    const a = test.actions[i];
    if (changetype<usize>(a.fn) == changetype<usize>(fn) && a.ctx == ctx) return i;
  }
  return -1;
}

/** Forget the most recent matching action without running it. */
export function kunit_remove_action(test: KUnit, fn: (ctx: usize) => void, ctx: usize): void {
  const i = find_action(test, fn, ctx);
  if (i >= 0) test.actions.splice(i, 1);
}

/** Run the most recent matching action now and forget it. */
export function kunit_release_action(test: KUnit, fn: (ctx: usize) => void, ctx: usize): void {
  const i = find_action(test, fn, ctx);
  if (i < 0) return;
  test.actions.splice(i, 1);
  fn(ctx);
}

/** Run every deferred action, last added first (kunit_cleanup). */
export function kunit_cleanup(test: KUnit): void {
  while (test.actions.length > 0) {
    const a = test.actions.pop();
    a.fn(a.ctx);
  }
}

function kfree_action(ptr: usize): void {
  heap.free(ptr);
}

/** Zeroed memory that is freed when the case ends (kunit_kzalloc). */
export function kunit_kzalloc(test: KUnit, size_bytes: usize): usize {
  const p = heap.alloc(size_bytes);
  memory.fill(p, 0, size_bytes);
  kunit_add_action(test, kfree_action, p);
  return p;
}

// ---- static stubs (lib/kunit/static_stub.c) ----

/** Redirect real to replacement until the case ends (kunit_activate_static_stub). */
export function kunit_activate_static_stub<F>(test: KUnit, real: F, replacement: F): void {
  const key = changetype<usize>(real);
  if (!__kunit_static_stub_set(key, changetype<usize>(replacement))) {
    kunit_info(test, "too many static stubs active");
    kunit_set_failure(test);
    kunit_abort(test);
  }
  kunit_add_action(test, __kunit_static_stub_clear, key);
}

/** End a redirection before the case ends (kunit_deactivate_static_stub). */
export function kunit_deactivate_static_stub<F>(test: KUnit, real: F): void {
  kunit_release_action(test, __kunit_static_stub_clear, changetype<usize>(real));
}

export { KUNIT_FAIL, KUNIT_EXPECT_TRUE, KUNIT_EXPECT_FALSE, KUNIT_ASSERT_TRUE, KUNIT_ASSERT_FALSE,
  KUNIT_EXPECT_EQ, KUNIT_EXPECT_NE, KUNIT_EXPECT_LT, KUNIT_EXPECT_LE, KUNIT_EXPECT_GT, KUNIT_EXPECT_GE,
  KUNIT_ASSERT_EQ, KUNIT_ASSERT_NE, KUNIT_ASSERT_LT, KUNIT_ASSERT_LE, KUNIT_ASSERT_GT, KUNIT_ASSERT_GE,
  KUNIT_EXPECT_NULL, KUNIT_EXPECT_NOT_NULL, KUNIT_ASSERT_NULL, KUNIT_ASSERT_NOT_NULL,
  KUNIT_EXPECT_STREQ, KUNIT_EXPECT_STRNEQ, KUNIT_ASSERT_STREQ, KUNIT_ASSERT_STRNEQ,
  KUNIT_EXPECT_MEMEQ, KUNIT_EXPECT_MEMNEQ, KUNIT_ASSERT_MEMEQ, KUNIT_ASSERT_MEMNEQ,
  KUNIT_EXPECT_EQ_MSG, KUNIT_ASSERT_EQ_MSG, KUNIT_EXPECT_TRUE_MSG, KUNIT_ASSERT_TRUE_MSG,
} from "./assert";
