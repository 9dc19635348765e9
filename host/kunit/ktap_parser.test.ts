// host/kunit/ktap_parser.test.ts — the KTAP parser on hand-written logs: ktap.rst's own
// examples, a real kernel's dmesg, kselftest TAP 13, and truncated and garbled input, which
// must give a clear parse error and never an exception.
import { describe, expect, it } from "vitest";
import { parseKtap, KTAP_DEPTH_MAX } from "./ktap_parser";
import { formatResults, resultFailed, summaryLine } from "./report";

const summary = (log: string) => summaryLine(parseKtap(log).test.counts);

describe("parseKtap", () => {
  it("reads ktap.rst's example with three levels and no Subtest lines", () => {
    const log = [
      "KTAP version 1", "1..1", "  KTAP version 1", "  1..3", "    KTAP version 1", "    1..1",
      "    # test_1: initializing test_1", "    ok 1 test_1", "  ok 1 example_test_1",
      "    KTAP version 1", "    1..2", "    ok 1 test_1 # SKIP test_1 skipped", "    ok 2 test_2",
      "  ok 2 example_test_2", "    KTAP version 1", "    1..3", "    ok 1 test_1", "    # test_2: FAIL",
      "    not ok 2 test_2", "    ok 3 test_3 # SKIP test_3 skipped", "  not ok 3 example_test_3", "not ok 1 main_test",
    ].join("\n");
    const { test, errors } = parseKtap(log);
    expect(errors).toEqual([]);
    const main = test.subtests[0];
    expect(main.name).toBe("main_test");
    expect(main.subtests.map((t) => [t.name, t.status])).toEqual([
      ["example_test_1", "SUCCESS"], ["example_test_2", "SUCCESS"], ["example_test_3", "FAILURE"]]);
    expect(main.subtests[1].subtests[0].directiveText).toBe("test_1 skipped");
    expect(main.subtests[0].subtests[0].log).toEqual(["    # test_1: initializing test_1"]);
    expect(summaryLine(test.counts)).toBe("Testing complete. Ran 6 tests: passed: 3, failed: 1, skipped: 2");
  });

  it("reads a Linux kernel's dmesg: timestamps, four-space indents, old '- ' results, end marker", () => {
    const log = [
      "[    0.512000] Run /init as init process", "[    0.600000] KTAP version 1", "[    0.600001] 1..2",
      "[    0.600002]     KTAP version 1", "[    0.600003]     # Subtest: example", "[    0.600004]     1..3",
      "[    0.600005]     # example_simple_test: initializing", "[    0.600006]     ok 1 example_simple_test",
      "[    0.600007]     ok 2 example_skip_test # SKIP this test should be skipped",
      "[    0.600008]         KTAP version 1", "[    0.600009]         # Subtest: example_params_test",
      "[    0.600010]         ok 1 example value 3", "[    0.600011]         ok 2 example value 0 # SKIP unsupported param value 0",
      "[    0.600012]     # example_params_test: pass:1 fail:0 skip:1 total:2",
      "[    0.600013]     ok 3 example_params_test", "[    0.600014] # example: pass:2 fail:0 skip:1 total:3",
      "[    0.600015] ok 1 example", "[    0.600016]     # Subtest: old_style", "[    0.600017]     1..1",
      "[    0.600018]     not ok 1 - old_case", "[    0.600019] not ok 2 - old_style",
      "[    0.700000] reboot: System halted", "[    0.700001] ok 3 after_the_end",
    ].join("\n");
    const { test, errors } = parseKtap(log);
    expect(errors).toEqual([]);
    expect(test.subtests.map((t) => [t.name, t.status])).toEqual([["example", "SUCCESS"], ["old_style", "FAILURE"]]);
    expect(test.subtests[0].subtests[2].subtests.map((t) => t.status)).toEqual(["SUCCESS", "SKIPPED"]);
    expect(summaryLine(test.counts)).toBe("Testing complete. Ran 5 tests: passed: 2, failed: 1, skipped: 2");
  });

  it("reads kselftest TAP 13 with Totals", () => {
    const log = ["TAP version 13", "1..3", "# Starting 3 tests", "ok 1 mmap_basic", "not ok 2 mremap_grow",
      "ok 3 uffd # SKIP userfaultfd not available", "# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0"].join("\n");
    expect(summary(log)).toBe("Testing complete. Ran 3 tests: passed: 1, failed: 1, skipped: 1");
  });

  it("counts ERROR and TIMEOUT results as crashed, other directives by ok/not ok", () => {
    const log = ["KTAP version 1", "1..4", "not ok 1 a # ERROR try faulted", "not ok 2 b # TIMEOUT 1 seconds",
      "ok 3 c # TODO later", "not ok 4 d # XFAIL known"].join("\n");
    expect(summary(log)).toBe("Testing complete. Ran 4 tests: passed: 1, failed: 1, crashed: 2");
  });

  it("reports a truncated log as crashed with errors, not an exception", () => {
    const log = ["KTAP version 1", "1..2", "  KTAP version 1", "  # Subtest: suite", "  1..3", "  ok 1 first",
      "  # second: EXPECTATION FAILED at x.ts:1"].join("\n");
    const { test, errors } = parseKtap(log);
    expect(errors.map((e) => e.message)).toEqual([
      "missing expected subtest!", "missing expected subtest!", "missing subtest result line!", "missing expected subtest!"]);
    expect(test.subtests[0].status).toBe("TEST_CRASHED");
    expect(summaryLine(test.counts)).toBe("Testing complete. Ran 4 tests: passed: 1, crashed: 3, errors: 4");
    expect(resultFailed(test)).toBe(true);
  });

  it("flags a wrong test number and a result line that names another test", () => {
    const log = ["KTAP version 1", "1..1", "  KTAP version 1", "  # Subtest: s", "  1..1", "  ok 2 c", "ok 1 other"].join("\n");
    const { errors } = parseKtap(log);
    expect(errors.map((e) => [e.line, e.message])).toEqual([[6, "Expected test number 1 but found 2"]]);
  });

  it("gives a clear error for input that holds no KTAP", () => {
    for (const garbage of ["", "hello\nworld", "\u0000\u0001\u00ff\ufffd", "ok 1 x\nnot ok 2 y"]) {
      const { test, errors } = parseKtap(garbage);
      expect(test.status).toBe("FAILURE_TO_PARSE_TESTS");
      expect(errors).toEqual([{ line: 0, test: "<missing>", message: "Could not find any KTAP output. Did any KUnit tests run?" }]);
      expect(formatResults(test, errors).join("\n")).toContain("[ERROR] Test: <missing>: Could not find any KTAP output");
    }
  });

  it("stops at the nesting bound instead of exhausting the stack", () => {
    const log = Array.from({ length: 100_000 }, () => "KTAP version 1").join("\n");
    const { errors } = parseKtap(log);
    expect(errors.some((e) => e.message === `tests nested deeper than ${KTAP_DEPTH_MAX} levels; the rest is not parsed`)).toBe(true);
  });

  it("skips stray plan and version lines with an error and goes on", () => {
    const log = ["KTAP version 1", "1..2", "ok 1 a", "1..7", "ok 2 b"].join("\n");
    const { test, errors } = parseKtap(log);
    expect(errors.map((e) => e.message)).toContain("unexpected line '1..7'");
    expect(test.counts.passed).toBe(2);
  });

  it("never throws on random mixtures of KTAP lines", () => {
    const pieces = ["KTAP version 1", "TAP version 13", "KTAP version 9", "1..3", "1..0", "  ok 1 x", "not ok 2 y # SKIP",
      "    # Subtest: s", "# diag", "garbage \u0007", "ok 99 z # ERROR", "  not ok 1 s", "", "1..", "ok", "not ok x"];
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 500; n++) {
      const log = Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => pieces[Math.floor(rnd() * pieces.length)]).join("\n");
      expect(() => formatResults(parseKtap(log).test, parseKtap(log).errors)).not.toThrow();
    }
  });
});
