// tests/kunit/harness.test.ts — the harness tested on itself: assembly/kunit/tests/
// kunit_example_failing.ts (failing, crashing, skipped, timed-out and parameterized cases,
// a suite whose suite_init fails, a suite whose only case skips) is compiled as its own kunit
// build, and its KTAP, kunit.py report, JSON counts and filters are checked exactly.
import { beforeAll, describe, expect, it } from "vitest";
import { KunitInstance, runKunit } from "../../host/kunit/runner";
import { parseKtap } from "../../host/kunit/ktap_parser";
import { formatResults, jsonResult, resultFailed } from "../../host/kunit/report";
import { compileKunit } from "../helpers/kunit";

const F = "assembly/kunit/tests/kunit_example_failing.ts";

const EXPECTED_KTAP = `KTAP version 1
1..3
  KTAP version 1
  # Subtest: kunit_example_failing
  1..12
  # passes: exit
  ok 1 passes
  # expectations_fail: EXPECTATION FAILED at assembly/kunit/tests/kunit_example_failing.ts:26
  #     Expected two == 3, but
  #         two == 2 (0x2)
  # expectations_fail: EXPECTATION FAILED at assembly/kunit/tests/kunit_example_failing.ts:27
  #     Expected "abc" == "ab" + "d", but
  #     "ab" + "d" == "abd"
  # expectations_fail: EXPECTATION FAILED at assembly/kunit/tests/kunit_example_failing.ts:29
  #     Expected p == NULL, but
  #         p == 0x10
  # expectations_fail: EXPECTATION FAILED at assembly/kunit/tests/kunit_example_failing.ts:30
  # reached the end
  # expectations_fail: exit
  not ok 2 expectations_fail
  # assertion_ends_case: ASSERTION FAILED at assembly/kunit/tests/kunit_example_failing.ts:39
  #     Expected 2 < 1 to be true, but is false
  # assertion_ends_case: exit
  # assertion_ends_case: deferred action ran
  not ok 3 assertion_ends_case
  # memeq_fails: EXPECTATION FAILED at assembly/kunit/tests/kunit_example_failing.ts:46
  #     Expected a == b, but
  #         a ==
  #          01  02  03  04  05  06  07  08  09  0a  0b  0c  0d  0e  0f  10 
  #          11 <12>
  #         b ==
  #          01  02  03  04  05  06  07  08  09  0a  0b  0c  0d  0e  0f  10 
  #          11 <13>
  # memeq_fails: exit
  not ok 4 memeq_fails
  # skipped: exit
  ok 5 skipped # SKIP no such device
  # marked_skipped_goes_on: still running
  # marked_skipped_goes_on: exit
  ok 6 marked_skipped_goes_on # SKIP partly unsupported
  # crashes: try faulted: memory access out of bounds
  not ok 7 crashes # ERROR try faulted
  # kernel_assert_crashes: try faulted: abort: param_index must be 1 at assembly/kunit/tests/kunit_example_failing.ts:67:3
  not ok 8 kernel_assert_crashes # ERROR try faulted
  # times_out: try timed out: the 1 s budget of 100000000 loop iterations ran out
  not ok 9 times_out # TIMEOUT 1 seconds
  # runs_after_crash: exit
  ok 10 runs_after_crash
  # slow_passes: exit
  # slow_passes.speed: slow
  ok 11 slow_passes
    KTAP version 1
    # Subtest: param_mix
    1..4
    # param_mix: exit
    ok 1 one
    # param_mix: EXPECTATION FAILED at assembly/kunit/tests/kunit_example_failing.ts:90
    #     Expected test.param_value == 1, but
    #         test.param_value == 2 (0x2)
    # param_mix: exit
    not ok 2 two
    # param_mix: exit
    ok 3 three # SKIP three is skipped
    # param_mix: try faulted: unreachable
    not ok 4 param-3 # ERROR try faulted
  # param_mix: pass:1 fail:2 skip:1 total:4
  not ok 12 param_mix
# kunit_example_failing: pass:3 fail:7 skip:2 total:12
# Totals: pass:4 fail:8 skip:3 total:15
not ok 1 kunit_example_failing
  # failed to initialize (-12)
not ok 2 kunit_example_init_fails
  KTAP version 1
  # Subtest: kunit_example_all_skipped
  # speed: very_slow
  1..1
  ok 1 skipped # SKIP no such device
ok 3 kunit_example_all_skipped # SKIP`;

const EXPECTED_REPORT = `============================================================
=========== kunit_example_failing (12 subtests) ============
[PASSED] passes
# expectations_fail: EXPECTATION FAILED at assembly/kunit/tests/kunit_example_failing.ts:26
#     Expected two == 3, but
#         two == 2 (0x2)
# expectations_fail: EXPECTATION FAILED at assembly/kunit/tests/kunit_example_failing.ts:27
#     Expected "abc" == "ab" + "d", but
#     "ab" + "d" == "abd"
# expectations_fail: EXPECTATION FAILED at assembly/kunit/tests/kunit_example_failing.ts:29
#     Expected p == NULL, but
#         p == 0x10
# expectations_fail: EXPECTATION FAILED at assembly/kunit/tests/kunit_example_failing.ts:30
# reached the end
# expectations_fail: exit
[FAILED] expectations_fail
# assertion_ends_case: ASSERTION FAILED at assembly/kunit/tests/kunit_example_failing.ts:39
#     Expected 2 < 1 to be true, but is false
# assertion_ends_case: exit
# assertion_ends_case: deferred action ran
[FAILED] assertion_ends_case
# memeq_fails: EXPECTATION FAILED at assembly/kunit/tests/kunit_example_failing.ts:46
#     Expected a == b, but
#         a ==
#          01  02  03  04  05  06  07  08  09  0a  0b  0c  0d  0e  0f  10
#          11 <12>
#         b ==
#          01  02  03  04  05  06  07  08  09  0a  0b  0c  0d  0e  0f  10
#          11 <13>
# memeq_fails: exit
[FAILED] memeq_fails
[SKIPPED] skipped
[SKIPPED] marked_skipped_goes_on
# crashes: try faulted: memory access out of bounds
[CRASHED] crashes
# kernel_assert_crashes: try faulted: abort: param_index must be 1 at assembly/kunit/tests/kunit_example_failing.ts:67:3
[CRASHED] kernel_assert_crashes
# times_out: try timed out: the 1 s budget of 100000000 loop iterations ran out
[CRASHED] times_out
[PASSED] runs_after_crash
[PASSED] slow_passes
================== param_mix (4 subtests) ==================
[PASSED] one
# param_mix: EXPECTATION FAILED at assembly/kunit/tests/kunit_example_failing.ts:90
#     Expected test.param_value == 1, but
#         test.param_value == 2 (0x2)
# param_mix: exit
[FAILED] two
[SKIPPED] three
# param_mix: try faulted: unreachable
[CRASHED] param-3
=================== [CRASHED] param_mix ====================
============= [CRASHED] kunit_example_failing ==============
# failed to initialize (-12)
[FAILED] kunit_example_init_fails
========== kunit_example_all_skipped (1 subtest) ===========
[SKIPPED] skipped
=========== [SKIPPED] kunit_example_all_skipped ============
============================================================
Testing complete. Ran 17 tests: passed: 4, failed: 5, crashed: 4, skipped: 4`;

let mod: WebAssembly.Module;
beforeAll(async () => {
  mod = await compileKunit(F);
});

describe("kunit harness", () => {
  it("prints the KTAP of failing, crashing, skipped, timed-out and parameterized cases exactly", () => {
    expect(runKunit(mod).join("\n")).toBe(EXPECTED_KTAP);
  });

  it("reports like kunit.py, summary included", () => {
    const { test, errors } = parseKtap(runKunit(mod));
    expect(errors).toEqual([]);
    expect(formatResults(test, errors).join("\n")).toBe(EXPECTED_REPORT);
    expect(resultFailed(test)).toBe(true);
  });

  it("gives kunit.py's JSON counts", () => {
    const { test } = parseKtap(runKunit(mod));
    const json = JSON.parse(jsonResult(test, { arch: "um", defconfig: "", buildDir: "" }));
    expect(json.name).toBe("KUnit Test Group");
    expect(json.misc).toEqual({ tests: 17, passed: 4, failed: 5, crashed: 4, skipped: 4, errors: 0 });
    expect(json.git_branch).toBe("kselftest");
    const failing = json.sub_groups[0];
    expect(failing.name).toBe("kunit_example_failing");
    expect(failing.test_cases.map((c: { status: string }) => c.status)).toEqual(
      ["PASS", "FAIL", "FAIL", "FAIL", "SKIP", "SKIP", "ERROR", "ERROR", "ERROR", "PASS", "PASS"]);
    expect(failing.sub_groups[0].test_cases.map((c: { name: string }) => c.name)).toEqual(["one", "two", "three", "param-3"]);
  });

  it("filters by glob, drops or skips by attribute, and lists", () => {
    const globbed = runKunit(mod, { filterGlob: "kunit_example_fail*.runs_*" }).join("\n");
    expect(globbed).toBe([
      "KTAP version 1", "1..1", "  KTAP version 1", "  # Subtest: kunit_example_failing", "  1..1",
      "  # runs_after_crash: exit", "  ok 1 runs_after_crash", "ok 1 kunit_example_failing",
    ].join("\n"));
    const fast = parseKtap(runKunit(mod, { filterGlob: "kunit_example_f*", filter: "speed>slow" })).test;
    expect(fast.subtests[0].subtests.map((t) => t.name)).not.toContain("slow_passes");
    expect(fast.subtests[0].subtests.length).toBe(11);
    const skipped = runKunit(mod, { filterGlob: "kunit_example_f*", filter: "speed>slow", filterAction: "skip" });
    expect(skipped).toContain("  ok 11 slow_passes # SKIP filtered out");
    expect(new KunitInstance(mod).selected({ filter: "speed<normal" })).toEqual(
      ["kunit_example_failing.slow_passes", "kunit_example_all_skipped.skipped"]);
  });

  it("a shorter default timeout still lets quick cases finish", () => {
    const lines = runKunit(mod, { filterGlob: "kunit_example_failing.passes", timeoutSecs: 1 });
    expect(lines).toContain("  ok 1 passes");
  });
});
