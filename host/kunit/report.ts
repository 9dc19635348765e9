// host/kunit/report.ts — kunit.py's human output and its JSON (tools/testing/kunit/
// kunit_parser.py's printing helpers and kunit_json.py), from a parsed KTAP tree.
// The text is kunit.py's: a divider line with the suite name and its subtest count, one
// "[PASSED] name" line per case (a failed or crashed case's log before it), a footer per
// suite, and "Testing complete. Ran N tests: …". Colours are left out; timestamps are the
// caller's choice (kunit.py prints the wall-clock time, tests print none).

import { KtapTest, ParseError, TestCounts, TestStatus } from "./ktap_parser";

const DIVIDER = "=".repeat(60);

export interface PrintOptions {
  /** Prefix of each line, e.g. "[12:00:00] "; "" for none. */
  timestamp?: () => string;
}

function dedent(lines: string[]): string[] {
  const nonEmpty = lines.filter((l) => l.trim().length > 0);
  const cut = nonEmpty.length === 0 ? 0 : Math.min(...nonEmpty.map((l) => l.length - l.replace(/^\s*/, "").length));
  return lines.map((l) => l.slice(cut));
}

function divider(message: string): string {
  const diff = DIVIDER.length - message.length - 2;
  const left = diff > 0 ? Math.floor(diff / 2) : 3;
  const right = diff > 0 ? diff - left : 3;
  return "=".repeat(left) + ` ${message} ` + "=".repeat(right);
}

function statusTag(status: TestStatus): string {
  switch (status) {
    case "SUCCESS": return "[PASSED]";
    case "SKIPPED": return "[SKIPPED]";
    case "NO_TESTS": return "[NO TESTS RUN]";
    case "TEST_CRASHED": return "[CRASHED]";
    default: return "[FAILED]";
  }
}

/** The result lines kunit.py prints for test and its subtests (not the main test's line). */
function printTest(test: KtapTest, out: string[], top: boolean): void {
  const isParent = test.subtests.length > 0 || (test.expectedCount !== null && test.expectedCount > 0);
  if (!top && isParent) {
    let header = test.name;
    if (header !== "") header += " ";
    if (test.expectedCount) header += test.expectedCount === 1 ? "(1 subtest)" : `(${test.expectedCount} subtests)`;
    out.push(divider(header));
  }
  for (const sub of test.subtests) printTest(sub, out, false);
  if (top) return;
  const bad = test.status === "FAILURE" || test.status === "TEST_CRASHED";
  if (bad && !isParent) for (const l of dedent(test.log)) out.push(l);
  const result = `${statusTag(test.status)} ${test.name}`;
  out.push(isParent ? divider(result) : result);
}

/** kunit.py's output for a parsed log, ending with the summary line; also the parse errors. */
export function formatResults(test: KtapTest, errors: ParseError[], opts: PrintOptions = {}): string[] {
  const lines: string[] = [DIVIDER];
  for (const e of errors) lines.push(`[ERROR] Test: ${e.test}: ${e.message}${e.line ? ` (line ${e.line})` : ""}`);
  printTest(test, lines, true);
  lines.push(DIVIDER);
  lines.push(summaryLine(test.counts));
  const stamp = opts.timestamp ?? (() => "");
  return lines.map((l) => stamp() + l);
}

export function summaryLine(counts: TestCounts): string {
  return `Testing complete. ${counts.toString()}`;
}

/** kunit.py's exit rule: anything but passing or skipped tests is a failure. */
export function resultFailed(test: KtapTest): boolean {
  return !(test.status === "SUCCESS" || test.status === "SKIPPED") || test.counts.errors > 0;
}

export interface JsonMetadata {
  arch: string;
  defconfig: string;
  buildDir: string;
}

const JSON_STATUS: Partial<Record<TestStatus, string>> = { SUCCESS: "PASS", SKIPPED: "SKIP", TEST_CRASHED: "ERROR" };

function groupJson(test: KtapTest, common: Record<string, unknown>): Record<string, unknown> {
  const subGroups: unknown[] = [];
  const testCases: unknown[] = [];
  for (const sub of test.subtests) {
    if (sub.subtests.length > 0) subGroups.push(groupJson(sub, common));
    else testCases.push({ name: sub.name, status: JSON_STATUS[sub.status] ?? "FAIL" });
  }
  const c = test.counts;
  return {
    name: test.name, sub_groups: subGroups, test_cases: testCases,
    misc: { tests: c.total(), passed: c.passed, failed: c.failed, crashed: c.crashed, skipped: c.skipped, errors: c.errors },
    ...common,
  };
}

/** kunit_json.get_json_result: the KernelCI test-group shape, indented by four. */
export function jsonResult(test: KtapTest, meta: JsonMetadata): string {
  const common = {
    arch: meta.arch, defconfig: meta.defconfig, build_environment: meta.buildDir,
    lab_name: null, kernel: null, job: null, git_branch: "kselftest",
  };
  const group = groupJson(test, common);
  group.name = "KUnit Test Group";
  return JSON.stringify(group, null, 4);
}
