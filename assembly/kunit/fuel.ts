// kunit/fuel.ts — the per-case timeout of the kunit build, as a budget of loop iterations.
// Owns: kunit_fuel (iterations left to the running case) and kunit_fuel_out (it ran dry).
// scripts/kunit_transform.mjs begins every loop body outside assembly/kunit/ with a call to
// __kunit_fuel(); when the budget runs out the case traps, and the host's try-catch
// (host/kunit/runner.ts) sees kunit_fuel_out and reports a timeout instead of a crash.
// DIVERGES: KUnit times a case out after a wall-clock interval (a kthread and a completion);
// a wasm instance cannot be interrupted from its own thread, and a loop budget is
// deterministic, so a timeout reproduces exactly. Straight-line code and recursion are not
// counted; recursion ends in a stack-overflow trap, which is reported as a crash.

/** Loop iterations that stand for one second of a case's timeout. */
export const KUNIT_FUEL_PER_SECOND: i64 = 100_000_000;
/** Outside a case the budget is unlimited. */
export const KUNIT_FUEL_UNLIMITED: i64 = i64.MAX_VALUE;

export let kunit_fuel: i64 = KUNIT_FUEL_UNLIMITED;
export let kunit_fuel_out = false;

/** Called at the top of every instrumented loop body. */
// @ts-ignore: decorator
@global export function __kunit_fuel(): void {
  if (--kunit_fuel < 0) {
    kunit_fuel_out = true;
    kunit_fuel = KUNIT_FUEL_UNLIMITED;
    unreachable();
  }
}

export function kunit_fuel_set(budget: i64): void {
  kunit_fuel = budget;
  kunit_fuel_out = false;
}
