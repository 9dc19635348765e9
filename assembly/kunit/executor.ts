// kunit/executor.ts — runs the registered suites and reports KTAP (lib/kunit/executor.c and
// kunit_run_tests() in lib/kunit/test.c). Owns: the run order, the per-case lifecycle, the
// statistics lines and the exports the host drives the kunit build with.
//
// Crash isolation mirrors KUnit's try-catch. KUnit runs each case on a kthread and waits for
// it; here the executor calls the host's kunit_try_catch import, which calls back into this
// instance's kunit_try_run export inside a JavaScript try/catch. A trap in the case unwinds
// to that catch and the import returns 1; the executor's own frames are untouched and the run
// goes on with the next case, in the same instance, as KUnit's goes on in the same kernel.
//   kunit_abort (assertion, kunit_skip)  → the case ended early: exit and cleanup still run
//   fuel ran out (fuel.ts)               → "not ok … # TIMEOUT": no cleanup, like KUnit
//   any other trap (assert, OOB, unreachable) → "not ok … # ERROR": no cleanup, like KUnit
// DIVERGES: KUnit reports a faulted or timed-out case as plain "not ok"; we add the ERROR and
// TIMEOUT directives of ktap.rst so a parser can count it as crashed (kunit.py, which knows
// only SKIP, falls back to "not ok" as ktap.rst asks).

import {
  KUnit, KUnitCase, KUnitSuite, suites, kunit_cleanup, kunit_info, kunit_set_failure, kunit_aborting,
  kunit_clear_aborting, KUNIT_SUCCESS, KUNIT_FAILURE, KUNIT_SKIPPED, KUNIT_SPEED_UNSET,
  KUNIT_SPEED_SLOW, KUNIT_SPEED_VERY_SLOW, KUNIT_SPEED_NAMES,
} from "./test";
import { ktap_version, ktap_plan, ktap_diag, ktap_result } from "./ktap";
import { kunit_fuel_set, kunit_fuel_out, KUNIT_FUEL_PER_SECOND, KUNIT_FUEL_UNLIMITED } from "./fuel";

// @ts-ignore: decorator
@external("env", "kunit_try_catch")
declare function __kunit_try_catch(what: i32): i32;
// @ts-ignore: decorator
@external("env", "kunit_fault_reason")
declare function __kunit_fault_reason(buf: usize, cap_chars: i32): i32;

// What kunit_try_run runs.
const TRY_CASE: i32 = 0;
const TRY_CLEANUP: i32 = 1;
const TRY_SUITE_INIT: i32 = 2;
const TRY_SUITE_EXIT: i32 = 3;

// How a try ended.
const ENDED: i32 = 0;
const ABORTED: i32 = 1;
const FAULTED: i32 = 2;
const TIMED_OUT: i32 = 3;

// Filter actions the host sets per case.
export const KUNIT_FILTER_RUN: i32 = 0;
export const KUNIT_FILTER_SKIP: i32 = 1;
export const KUNIT_FILTER_EXCLUDE: i32 = 2;

/** Timeout of a case that sets none, before its speed multiplier. */
let default_timeout_secs: i32 = 10;

let cur_suite: KUnitSuite | null = null;
let cur_case: KUnitCase | null = null;
let cur_test: KUnit | null = null;
let suite_init_err: i32 = 0;
let fault_buf: usize = 0;
const FAULT_REASON_MAX: i32 = 256;

class Stats {
  passed: i32 = 0;
  failed: i32 = 0;
  skipped: i32 = 0;
  total: i32 = 0;
  update(status: i32): void {
    if (status == KUNIT_SUCCESS) this.passed++;
    else if (status == KUNIT_FAILURE) this.failed++;
    else this.skipped++;
    this.total++;
  }
  add(o: Stats): void {
    this.passed += o.passed;
    this.failed += o.failed;
    this.skipped += o.skipped;
    this.total += o.total;
  }
  toString(): string {
    return "pass:" + this.passed.toString() + " fail:" + this.failed.toString() + " skip:" +
      this.skipped.toString() + " total:" + this.total.toString();
  }
}

/** Called by the host inside its try/catch; see the file comment. */
export function kunit_try_run(what: i32): void {
  if (what == TRY_SUITE_INIT) {
    const s = cur_suite!;
    suite_init_err = s.suite_init != null ? s.suite_init!(s) : 0;
    return;
  }
  if (what == TRY_SUITE_EXIT) {
    const s = cur_suite!;
    if (s.suite_exit != null) s.suite_exit!(s);
    return;
  }
  const test = cur_test!;
  const suite = cur_suite!;
  if (what == TRY_CASE) {
    let ret = 0;
    if (suite.init != null) ret = suite.init!(test);
    if (ret != 0) {
      kunit_info(test, "failed to initialize: " + ret.toString());
      kunit_set_failure(test);
    } else {
      cur_case!.run_case(test);
    }
  }
  kunit_fuel_set(KUNIT_FUEL_UNLIMITED);
  if (suite.exit != null) suite.exit!(test);
  kunit_cleanup(test);
}

function fault_reason(): string {
  if (fault_buf == 0) fault_buf = heap.alloc(<usize>FAULT_REASON_MAX << 1);
  const n = __kunit_fault_reason(fault_buf, FAULT_REASON_MAX);
  return String.UTF16.decodeUnsafe(fault_buf, <usize>n << 1);
}

/** Run one try under the host's try-catch; returns ENDED, ABORTED, FAULTED or TIMED_OUT. */
function try_catch(what: i32, budget: i64): i32 {
  kunit_clear_aborting();
  kunit_fuel_set(budget);
  const trapped = __kunit_try_catch(what);
  const out = kunit_fuel_out;
  kunit_fuel_set(KUNIT_FUEL_UNLIMITED);
  if (trapped == 0) return ENDED;
  if (kunit_aborting) return ABORTED;
  return out ? TIMED_OUT : FAULTED;
}

function case_timeout_secs(suite: KUnitSuite, kase: KUnitCase): i32 {
  if (kase.timeout_secs > 0) return kase.timeout_secs;
  const speed = kase.speed != KUNIT_SPEED_UNSET ? kase.speed : suite.speed;
  // A slow case gets three times the default, a very slow one twelve.
  if (speed == KUNIT_SPEED_VERY_SLOW) return default_timeout_secs * 12;
  if (speed == KUNIT_SPEED_SLOW) return default_timeout_secs * 3;
  return default_timeout_secs;
}

/** Why a case did not finish, for its result line: "" when it did. */
class Outcome {
  directive: string = "";
  diag: string = "";
}

/** kunit_run_case_catch_errors: one case or one parameter of it. */
function run_case_catch_errors(suite: KUnitSuite, kase: KUnitCase, test: KUnit, out: Outcome): void {
  test.status = KUNIT_SUCCESS;
  test.status_comment = "";
  test.actions.length = 0;
  cur_suite = suite;
  cur_case = kase;
  cur_test = test;
  const secs = case_timeout_secs(suite, kase);
  const ended = try_catch(TRY_CASE, <i64>secs * KUNIT_FUEL_PER_SECOND);
  if (ended == ABORTED) {
    // The case stopped itself; what it set up is still torn down.
    if (try_catch(TRY_CLEANUP, KUNIT_FUEL_UNLIMITED) != ENDED) fault(test, out);
  } else if (ended == TIMED_OUT) {
    kunit_info(test, "try timed out: the " + secs.toString() + " s budget of " +
      (<i64>secs * KUNIT_FUEL_PER_SECOND).toString() + " loop iterations ran out");
    kunit_set_failure(test);
    out.directive = "TIMEOUT";
    out.diag = secs.toString() + " seconds";
  } else if (ended == FAULTED) {
    fault(test, out);
  }
  // Propagate the parameter's result to the case, as kunit_run_case_catch_errors does.
  if (test.status == KUNIT_FAILURE) kase.status = KUNIT_FAILURE;
  else if (kase.status != KUNIT_FAILURE && test.status == KUNIT_SUCCESS) kase.status = KUNIT_SUCCESS;
}

function fault(test: KUnit, out: Outcome): void {
  kunit_info(test, "try faulted: " + fault_reason());
  kunit_set_failure(test);
  out.directive = "ERROR";
  out.diag = "try faulted";
}

function result_directive(status: i32, comment: string, out: Outcome): string {
  if (out.directive.length > 0) return out.directive;
  return status == KUNIT_SKIPPED ? "SKIP" : "";
}

function result_diag(status: i32, comment: string, out: Outcome): string {
  if (out.directive.length > 0) return out.diag;
  return status == KUNIT_SKIPPED ? comment : "";
}

function print_result(level: i32, status: i32, number: i32, name: string, comment: string, out: Outcome): void {
  ktap_result(level, status != KUNIT_FAILURE, number, name, result_directive(status, comment, out),
    result_diag(status, comment, out));
}

/** The parameters of a parameterized case as a nested test (level 2). */
function run_params(suite: KUnitSuite, kase: KUnitCase, test: KUnit, stats: Stats): void {
  const params = kase.params!;
  ktap_version(2);
  ktap_diag(2, "Subtest: " + kase.name);
  ktap_plan(2, params.length);
  test.level = 2;
  for (let i = 0; i < params.length; i++) {
    test.param_value = params[i].value;
    test.param_index = i;
    const out = new Outcome();
    run_case_catch_errors(suite, kase, test, out);
    const desc = params[i].desc.length > 0 ? params[i].desc : "param-" + i.toString();
    print_result(2, test.status, i + 1, desc, test.status_comment, out);
    stats.update(test.status);
  }
}

/** One case: its result line, and the parameters' nested test before it. */
function run_case(suite: KUnitSuite, kase: KUnitCase, number: i32, suite_stats: Stats, total: Stats): void {
  const test = new KUnit();
  test.name = kase.name;
  kase.status = KUNIT_SKIPPED;
  const param_stats = new Stats();
  const out = new Outcome();
  if (kase.filter_action == KUNIT_FILTER_SKIP) {
    test.status = KUNIT_SKIPPED;
    test.status_comment = "filtered out";
    param_stats.update(KUNIT_SKIPPED);
  } else if (kase.params == null) {
    run_case_catch_errors(suite, kase, test, out);
    param_stats.update(test.status);
  } else {
    run_params(suite, kase, test, param_stats);
  }
  if (kase.speed != KUNIT_SPEED_UNSET) ktap_diag(1, kase.name + ".speed: " + KUNIT_SPEED_NAMES[kase.speed]);
  if (param_stats.total > 1) ktap_diag(1, kase.name + ": " + param_stats.toString());
  const status = kase.params == null || kase.filter_action == KUNIT_FILTER_SKIP ? test.status : kase.status;
  const comment = kase.params == null ? test.status_comment : "";
  print_result(1, status, number, kase.name, comment, kase.params == null ? out : new Outcome());
  suite_stats.update(status);
  total.add(param_stats);
}

function selected_cases(suite: KUnitSuite): KUnitCase[] {
  const out: KUnitCase[] = [];
  for (let i = 0; i < suite.cases.length; i++) {
    if (suite.cases[i].filter_action != KUNIT_FILTER_EXCLUDE) out.push(suite.cases[i]);
  }
  return out;
}

/** kunit_run_tests: one suite as a nested test (level 1) and its result line (level 0). */
function run_suite(suite: KUnitSuite, cases: KUnitCase[], number: i32): void {
  cur_suite = suite;
  suite_init_err = 0;
  if (suite.suite_init != null) {
    if (try_catch(TRY_SUITE_INIT, KUNIT_FUEL_UNLIMITED) != ENDED) suite_init_err = -1;
  }
  if (suite_init_err != 0) {
    ktap_diag(1, "failed to initialize (" + suite_init_err.toString() + ")");
    ktap_result(0, false, number, suite.name, "", "");
    return;
  }
  ktap_version(1);
  ktap_diag(1, "Subtest: " + suite.name);
  if (suite.speed != KUNIT_SPEED_UNSET) ktap_diag(1, "speed: " + KUNIT_SPEED_NAMES[suite.speed]);
  ktap_plan(1, cases.length);
  const suite_stats = new Stats();
  const total = new Stats();
  for (let i = 0; i < cases.length; i++) run_case(suite, cases[i], i + 1, suite_stats, total);
  if (suite.suite_exit != null) {
    cur_suite = suite;
    try_catch(TRY_SUITE_EXIT, KUNIT_FUEL_UNLIMITED);
  }
  if (suite_stats.total > 1) ktap_diag(0, suite.name + ": " + suite_stats.toString());
  if (total.total > 1) ktap_diag(0, "Totals: " + total.toString());
  // kunit_suite_has_succeeded: failed if any case failed, skipped if none passed.
  let status = KUNIT_SKIPPED;
  for (let i = 0; i < cases.length; i++) {
    if (cases[i].status == KUNIT_FAILURE) {
      status = KUNIT_FAILURE;
      break;
    }
    if (cases[i].status == KUNIT_SUCCESS) status = KUNIT_SUCCESS;
  }
  ktap_result(0, status != KUNIT_FAILURE, number, suite.name, status == KUNIT_SKIPPED ? "SKIP" : "", "");
}

/** Run every suite with at least one case not excluded by the filter: the whole KTAP log. */
export function kunit_run(): void {
  const run: KUnitSuite[] = [];
  for (let i = 0; i < suites.length; i++) {
    if (selected_cases(suites[i]).length > 0) run.push(suites[i]);
  }
  ktap_version(0);
  ktap_plan(0, run.length);
  for (let i = 0; i < run.length; i++) run_suite(run[i], selected_cases(run[i]), i + 1);
}

// ---- what the host reads and sets before kunit_run (the executor's filter is host-side) ----

export function kunit_set_default_timeout(seconds: i32): void {
  default_timeout_secs = seconds;
}
export function kunit_suite_count(): i32 {
  return suites.length;
}
export function kunit_suite_name(s: i32): string {
  return suites[s].name;
}
export function kunit_suite_speed(s: i32): i32 {
  return suites[s].speed;
}
export function kunit_case_count(s: i32): i32 {
  return suites[s].cases.length;
}
export function kunit_case_name(s: i32, c: i32): string {
  return suites[s].cases[c].name;
}
export function kunit_case_speed(s: i32, c: i32): i32 {
  return suites[s].cases[c].speed;
}
/** 0 for a case without parameters. */
export function kunit_case_param_count(s: i32, c: i32): i32 {
  const p = suites[s].cases[c].params;
  return p == null ? 0 : p.length;
}
export function kunit_case_set_filter(s: i32, c: i32, action: i32): void {
  suites[s].cases[c].filter_action = action;
}
