// host/kunit/ktap_parser.ts — parses KTAP (Documentation/dev-tools/ktap.rst) and kselftest TAP
// 13/14 into a tree of tests with counts, as Linux's tools/testing/kunit/kunit_parser.py does,
// so `umwasm kunit parse` reads a real kernel's log as well as ours.
// The same rules as kunit.py: the log starts at the first "KTAP version N" or "TAP version N"
// (anything before it on that line, a dmesg timestamp say, is stripped from every later line)
// and ends at a line kunit.py treats as the end of the kernel's tests; "# Subtest: name" names
// a nested test; a test with subtests is counted by its leaves; a missing subtest or result
// line counts as crashed and is an error; SKIP makes a result skipped.
// Additions: indentation closes a nested test whose plan and name are both missing (ktap.rst
// requires it); "not ok … # ERROR" and "# TIMEOUT" count as crashed (ktap.rst's directives for
// a test that could not finish; our executor prints them for traps and spent budgets); nesting
// is bounded, so no input can exhaust the stack. Nothing here throws on bad input: problems are
// reported as errors with their line numbers.

export type TestStatus = "SUCCESS" | "FAILURE" | "SKIPPED" | "TEST_CRASHED" | "NO_TESTS" | "FAILURE_TO_PARSE_TESTS";

export class TestCounts {
  passed = 0;
  failed = 0;
  crashed = 0;
  skipped = 0;
  errors = 0;

  total(): number {
    return this.passed + this.failed + this.crashed + this.skipped;
  }

  add(o: TestCounts): void {
    this.passed += o.passed;
    this.failed += o.failed;
    this.crashed += o.crashed;
    this.skipped += o.skipped;
    this.errors += o.errors;
  }

  addStatus(s: TestStatus): void {
    if (s === "SUCCESS") this.passed++;
    else if (s === "FAILURE") this.failed++;
    else if (s === "SKIPPED") this.skipped++;
    else if (s !== "NO_TESTS") this.crashed++;
  }

  /** The aggregate status (TestCounts.get_status in kunit_parser.py). */
  status(): TestStatus {
    if (this.total() === 0) return "NO_TESTS";
    if (this.crashed) return "TEST_CRASHED";
    if (this.failed) return "FAILURE";
    if (this.passed) return "SUCCESS";
    return "SKIPPED";
  }

  /** "Ran N tests: passed: P, failed: F, …", leaving out zero counts as kunit.py does. */
  toString(): string {
    const parts = (["passed", "failed", "crashed", "skipped", "errors"] as const)
      .filter((k) => this[k] > 0).map((k) => `${k}: ${this[k]}`);
    return `Ran ${this.total()} tests: ${parts.join(", ")}`;
  }
}

export interface KtapTest {
  name: string;
  status: TestStatus;
  /** The plan's count; null when the test had no plan. */
  expectedCount: number | null;
  subtests: KtapTest[];
  /** Diagnostic and unknown lines that belong to this test (not its result line). */
  log: string[];
  counts: TestCounts;
  /** The result line's directive and its text ("SKIP", "no device"), if any. */
  directive: string | null;
  directiveText: string;
}

export interface ParseError {
  /** 1-based line number in the input, 0 when at the end. */
  line: number;
  test: string;
  message: string;
}

export interface ParseResult {
  test: KtapTest;
  errors: ParseError[];
}

/** Nested tests deeper than this are an error rather than a recursion. */
export const KTAP_DEPTH_MAX = 64;

const KTAP_START = /\s*KTAP version ([0-9]+)$/;
const TAP_START = /\s*TAP version ([0-9]+)$/;
const KTAP_END = /\s*(List of all partitions:|Kernel panic - not syncing: VFS:|reboot: System halted)/;
const EXECUTOR_ERROR = /\s*kunit executor: (.*)$/;
const TEST_HEADER = /^\s*# Subtest: (.*)$/;
const TEST_PLAN = /^\s*1\.\.([0-9]+)/;
const TEST_RESULT = /^(\s*)(ok|not ok) ([0-9]+)(?: - | |$)([^#]*?)\s*(?:#\s*(.*))?$/;

interface Line {
  no: number;
  text: string;
}

/** kunit_parser.py's extract_tap_lines: the KTAP part of a kernel log, prefix removed. */
export function extractTapLines(input: string | string[]): Line[] {
  const raw = typeof input === "string" ? input.split("\n") : input;
  const out: Line[] = [];
  let started = false;
  let prefix = 0;
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i].replace(/\s+$/, "");
    if (!started) {
      const m = KTAP_START.exec(line) ?? TAP_START.exec(line);
      if (m) {
        prefix = line.length - m[0].replace(/^\s*/, "").length;
        started = true;
        out.push({ no: i + 1, text: line.slice(prefix) });
      } else if (EXECUTOR_ERROR.test(line)) {
        out.push({ no: i + 1, text: line });
      }
    } else if (KTAP_END.test(line)) {
      break;
    } else {
      out.push({ no: i + 1, text: line.slice(prefix) });
    }
  }
  return out;
}

function newTest(): KtapTest {
  return { name: "", status: "TEST_CRASHED", expectedCount: 0, subtests: [], log: [], counts: new TestCounts(),
    directive: null, directiveText: "" };
}

function indentOf(text: string): number {
  return text.length - text.replace(/^\s*/, "").length;
}

class Parser {
  private i = 0;
  readonly errors: ParseError[] = [];

  constructor(private readonly lines: Line[]) {}

  private peek(): string {
    return this.i < this.lines.length ? this.lines[this.i].text : "";
  }
  private more(): boolean {
    return this.i < this.lines.length;
  }
  private pop(): string {
    return this.lines[this.i++].text;
  }
  private lineNo(): number {
    return this.i < this.lines.length ? this.lines[this.i].no : 0;
  }

  error(test: KtapTest, message: string): void {
    test.counts.errors++;
    this.errors.push({ line: this.lineNo(), test: test.name, message });
  }

  private isStructural(text: string): boolean {
    return TEST_RESULT.test(text) || TEST_HEADER.test(text) || KTAP_START.test(text) ||
      TAP_START.test(text) || TEST_PLAN.test(text);
  }

  /** Lines up to the next result, header, version or plan line. */
  diagnostics(): string[] {
    const log: string[] = [];
    while (this.more() && !this.isStructural(this.peek())) log.push(this.pop());
    return log;
  }

  private version(test: KtapTest): boolean {
    const k = KTAP_START.exec(this.peek());
    const t = k ? null : TAP_START.exec(this.peek());
    if (!k && !t) return false;
    const v = Number((k ?? t)![1]);
    if (k && v !== 1) this.error(test, `KTAP version ${v < 1 ? "lower" : "higher"} than expected!`);
    if (t && (v < 13 || v > 14)) this.error(test, `TAP version ${v < 13 ? "lower" : "higher"} than expected!`);
    this.pop();
    return true;
  }

  private header(test: KtapTest): boolean {
    const m = TEST_HEADER.exec(this.peek());
    if (!m) return false;
    test.name = m[1];
    this.pop();
    return true;
  }

  private plan(test: KtapTest): void {
    const m = TEST_PLAN.exec(this.peek());
    if (!m) {
      test.expectedCount = null;
      return;
    }
    test.expectedCount = Number(m[1]);
    this.pop();
  }

  /** Does the next line close test: its result line, or a result line less indented? */
  private closes(test: KtapTest, indent: number): boolean {
    const m = TEST_RESULT.exec(this.peek());
    if (!m) return false;
    if (test.name !== "" && m[4] === test.name) return true;
    return indent >= 0 && m[1].length < indent;
  }

  private result(test: KtapTest, expectedNum: number): boolean {
    const m = TEST_RESULT.exec(this.peek());
    if (!m) return false;
    test.name = m[4];
    const num = Number(m[3]);
    if (num !== expectedNum) this.error(test, `Expected test number ${expectedNum} but found ${num}`);
    this.pop(); // kunit.py keeps the result line out of the log
    const directive = m[5] === undefined ? "" : m[5];
    const word = /^(\S+)\s*(.*)$/.exec(directive);
    test.directive = word ? word[1].toUpperCase() : null;
    test.directiveText = word ? word[2] : "";
    if (test.directive === "SKIP") test.status = "SKIPPED";
    else if (m[2] === "ok") test.status = "SUCCESS";
    else if (test.directive === "ERROR" || test.directive === "TIMEOUT") test.status = "TEST_CRASHED";
    else test.status = "FAILURE";
    return true;
  }

  /** parse_test in kunit_parser.py, with the nesting bound and indentation added. */
  parseTest(expectedNum: number, log: string[], isSubtest: boolean, depth: number): KtapTest {
    const test = newTest();
    test.log.push(...log, ...this.diagnostics());
    let parent: boolean;
    let indent = -1;
    if (!isSubtest) {
      test.name = "main";
      if (!this.version(test)) this.error(test, "no KTAP or TAP version line");
      test.log.push(...this.diagnostics());
      this.plan(test);
      parent = true;
    } else {
      const here = this.peek();
      const hasVersion = this.version(test);
      if (hasVersion) indent = indentOf(here);
      const hasHeader = this.header(test);
      parent = hasVersion || hasHeader;
      if (parent) {
        test.log.push(...this.diagnostics());
        this.plan(test);
      }
    }
    if (parent && depth >= KTAP_DEPTH_MAX) {
      this.error(test, `tests nested deeper than ${KTAP_DEPTH_MAX} levels; the rest is not parsed`);
      this.i = this.lines.length;
      parent = false;
    }
    this.subtests(test, parent, isSubtest, indent, depth);
    if (isSubtest) {
      test.log.push(...this.diagnostics());
      // A named nested test ends at its own result line, or at one less indented than its
      // version line; a leaf's result line is the next line.
      if (parent && test.name !== "" && !this.closes(test, indent)) this.error(test, "missing subtest result line!");
      else if (!this.result(test, expectedNum)) this.error(test, "missing subtest result line!");
    }
    if (parent && test.subtests.length === 0 && (test.status === "TEST_CRASHED" || test.status === "SUCCESS")) {
      test.status = "NO_TESTS";
      this.error(test, "0 tests run!");
    }
    for (const t of test.subtests) test.counts.add(t.counts);
    if (test.counts.total() === 0) test.counts.addStatus(test.status);
    else if (test.counts.status() === "TEST_CRASHED") test.status = "TEST_CRASHED";
    return test;
  }

  private subtests(test: KtapTest, parent: boolean, isSubtest: boolean, indent: number, depth: number): void {
    const expected = test.expectedCount;
    let num = 1;
    while (parent && (expected === null || num <= expected)) {
      const sublog = this.diagnostics();
      if (!this.more() || (isSubtest && this.closes(test, indent))) {
        if (expected !== null && num <= expected) {
          // Truncated, or the test ended early: the missing subtests count as crashed.
          this.error(test, "missing expected subtest!");
          const missing = newTest();
          missing.log.push(...sublog);
          missing.counts.addStatus("TEST_CRASHED");
          test.subtests.push(missing);
          num++;
          continue;
        }
        test.log.push(...sublog);
        break;
      }
      const before = this.i;
      const sub = this.parseTest(num, sublog, true, depth + 1);
      if (this.i === before) {
        // A plan or a version line where no test can start: skip it so parsing goes on.
        this.error(test, `unexpected line '${this.peek().trim()}'`);
        test.log.push(...sublog, this.pop());
        continue;
      }
      test.subtests.push(sub);
      num++;
    }
  }
}

/** Parse a kernel log or a bare KTAP/TAP document. Never throws on bad input. */
export function parseKtap(input: string | string[]): ParseResult {
  const lines = extractTapLines(input);
  if (lines.length === 0) {
    const test = newTest();
    test.name = "<missing>";
    test.status = "FAILURE_TO_PARSE_TESTS";
    test.counts.errors = 1;
    return { test, errors: [{ line: 0, test: test.name, message: "Could not find any KTAP output. Did any KUnit tests run?" }] };
  }
  const p = new Parser(lines);
  const test = p.parseTest(0, [], false, 0);
  if (test.status !== "NO_TESTS") test.status = test.counts.status();
  return { test, errors: p.errors };
}
