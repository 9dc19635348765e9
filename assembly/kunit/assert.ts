// kunit/assert.ts — KUNIT_EXPECT_* and KUNIT_ASSERT_* (include/kunit/test.h) and their failure
// reports (lib/kunit/assert.c). Owns: the report text. Re-exported by test.ts.
// Every check takes, after its own arguments, the source text of its operands, the file and
// the line; scripts/kunit_transform.mjs appends them to each call in the kunit build. A check
// called without them (no transform) reports "?" and line 0.
// Integers are compared as the type they have and printed as KUnit prints long long:
// "<decimal> (0x<hex>)". References compare by identity; STREQ compares contents.

import { KUnit, kunit_set_failure, kunit_abort } from "./test";
import { ktap_diag } from "./ktap";

const EXPECTATION = false;
const ASSERTION = true;
const SUB = "    "; // KUNIT_SUBSUBTEST_INDENT inside a report

function report(test: KUnit, assertion: bool, file: string, line: i32, lines: string[]): void {
  kunit_set_failure(test);
  const kind = assertion ? "ASSERTION" : "EXPECTATION";
  ktap_diag(test.level, test.name + ": " + kind + " FAILED at " + file + ":" + line.toString());
  for (let i = 0; i < lines.length; i++) ktap_diag(test.level, lines[i]);
  if (assertion) kunit_abort(test);
}

function hex64(v: u64): string {
  return v.toString(16);
}

/** The value as KUnit prints it, or null when text is the literal of the value itself. */
function value_line<T>(text: string, v: T): string | null {
  if (isBoolean<T>()) return SUB + SUB + text + " == " + (v ? "true" : "false");
  if (isInteger<T>()) {
    const x = <i64>v;
    if (text == x.toString()) return null;
    return SUB + SUB + text + " == " + x.toString() + " (0x" + hex64(<u64>x) + ")";
  }
  if (isFloat<T>()) {
    const f = <f64>v;
    if (text == f.toString()) return null;
    return SUB + SUB + text + " == " + f.toString();
  }
  if (isString<T>()) {
    const s = changetype<string>(v);
    if (text == "\"" + s + "\"") return null;
    return SUB + text + " == \"" + s + "\"";
  }
  return SUB + text + " == 0x" + hex64(<u64>changetype<usize>(v));
}

@inline function bits<T>(v: T): u64 {
  if (isReference<T>()) return <u64>changetype<usize>(v);
  return <u64>v;
}

function binary_fail<T>(test: KUnit, assertion: bool, left: T, op: string, right: T,
                        lt: string, rt: string, msg: string, file: string, line: i32): void {
  const lines: string[] = [SUB + "Expected " + lt + " " + op + " " + rt + ", but"];
  const l = value_line<T>(lt, left);
  if (l != null) lines.push(l);
  const r = value_line<T>(rt, right);
  if (r != null) lines.push(r);
  if (msg.length > 0) lines.push(msg);
  report(test, assertion, file, line, lines);
}

function compare<T>(left: T, op: i32, right: T): bool {
  if (isReference<T>() && !isString<T>()) {
    const a = changetype<usize>(left), b = changetype<usize>(right);
    return op == 0 ? a == b : op == 1 ? a != b : op == 2 ? a < b : op == 3 ? a <= b : op == 4 ? a > b : a >= b;
  }
  return op == 0 ? left == right : op == 1 ? left != right : op == 2 ? left < right
    : op == 3 ? left <= right : op == 4 ? left > right : left >= right;
}

const OPS: string[] = ["==", "!=", "<", "<=", ">", ">="];

function binary<T>(test: KUnit, assertion: bool, left: T, op: i32, right: T,
                   lt: string, rt: string, msg: string, file: string, line: i32): void {
  if (!compare<T>(left, op, right)) binary_fail<T>(test, assertion, left, OPS[op], right, lt, rt, msg, file, line);
}

export function KUNIT_EXPECT_EQ<T>(test: KUnit, left: T, right: T, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, EXPECTATION, left, 0, right, lt, rt, "", file, line);
}
export function KUNIT_EXPECT_NE<T>(test: KUnit, left: T, right: T, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, EXPECTATION, left, 1, right, lt, rt, "", file, line);
}
export function KUNIT_EXPECT_LT<T>(test: KUnit, left: T, right: T, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, EXPECTATION, left, 2, right, lt, rt, "", file, line);
}
export function KUNIT_EXPECT_LE<T>(test: KUnit, left: T, right: T, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, EXPECTATION, left, 3, right, lt, rt, "", file, line);
}
export function KUNIT_EXPECT_GT<T>(test: KUnit, left: T, right: T, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, EXPECTATION, left, 4, right, lt, rt, "", file, line);
}
export function KUNIT_EXPECT_GE<T>(test: KUnit, left: T, right: T, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, EXPECTATION, left, 5, right, lt, rt, "", file, line);
}
export function KUNIT_ASSERT_EQ<T>(test: KUnit, left: T, right: T, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, ASSERTION, left, 0, right, lt, rt, "", file, line);
}
export function KUNIT_ASSERT_NE<T>(test: KUnit, left: T, right: T, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, ASSERTION, left, 1, right, lt, rt, "", file, line);
}
export function KUNIT_ASSERT_LT<T>(test: KUnit, left: T, right: T, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, ASSERTION, left, 2, right, lt, rt, "", file, line);
}
export function KUNIT_ASSERT_LE<T>(test: KUnit, left: T, right: T, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, ASSERTION, left, 3, right, lt, rt, "", file, line);
}
export function KUNIT_ASSERT_GT<T>(test: KUnit, left: T, right: T, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, ASSERTION, left, 4, right, lt, rt, "", file, line);
}
export function KUNIT_ASSERT_GE<T>(test: KUnit, left: T, right: T, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, ASSERTION, left, 5, right, lt, rt, "", file, line);
}
export function KUNIT_EXPECT_EQ_MSG<T>(test: KUnit, left: T, right: T, msg: string, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, EXPECTATION, left, 0, right, lt, rt, msg, file, line);
}
export function KUNIT_ASSERT_EQ_MSG<T>(test: KUnit, left: T, right: T, msg: string, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  binary<T>(test, ASSERTION, left, 0, right, lt, rt, msg, file, line);
}

// ---- unary: TRUE, FALSE, NULL, NOT_NULL ----

function truth(test: KUnit, assertion: bool, cond: bool, expected: bool, text: string, msg: string,
               file: string, line: i32): void {
  if (cond == expected) return;
  const lines: string[] = [SUB + "Expected " + text + " to be " + (expected ? "true, but is false" : "false, but is true")];
  if (msg.length > 0) lines.push(msg);
  report(test, assertion, file, line, lines);
}

export function KUNIT_EXPECT_TRUE(test: KUnit, cond: bool, text: string = "?", file: string = "?", line: i32 = 0): void {
  truth(test, EXPECTATION, cond, true, text, "", file, line);
}
export function KUNIT_EXPECT_FALSE(test: KUnit, cond: bool, text: string = "?", file: string = "?", line: i32 = 0): void {
  truth(test, EXPECTATION, cond, false, text, "", file, line);
}
export function KUNIT_ASSERT_TRUE(test: KUnit, cond: bool, text: string = "?", file: string = "?", line: i32 = 0): void {
  truth(test, ASSERTION, cond, true, text, "", file, line);
}
export function KUNIT_ASSERT_FALSE(test: KUnit, cond: bool, text: string = "?", file: string = "?", line: i32 = 0): void {
  truth(test, ASSERTION, cond, false, text, "", file, line);
}
export function KUNIT_EXPECT_TRUE_MSG(test: KUnit, cond: bool, msg: string, text: string = "?", file: string = "?", line: i32 = 0): void {
  truth(test, EXPECTATION, cond, true, text, msg, file, line);
}
export function KUNIT_ASSERT_TRUE_MSG(test: KUnit, cond: bool, msg: string, text: string = "?", file: string = "?", line: i32 = 0): void {
  truth(test, ASSERTION, cond, true, text, msg, file, line);
}

/** NULL checks take a pointer (usize) or a nullable reference. */
function nullness<T>(test: KUnit, assertion: bool, ptr: T, want_null: bool, text: string,
                     file: string, line: i32): void {
  const p = bits<T>(ptr);
  if ((p == 0) == want_null) return;
  const lines: string[] = want_null
    ? [SUB + "Expected " + text + " == NULL, but", SUB + SUB + text + " == 0x" + hex64(p)]
    : [SUB + "Expected " + text + " != NULL, but", SUB + SUB + text + " == 0x0"];
  report(test, assertion, file, line, lines);
}

export function KUNIT_EXPECT_NULL<T>(test: KUnit, ptr: T, text: string = "?", file: string = "?", line: i32 = 0): void {
  nullness<T>(test, EXPECTATION, ptr, true, text, file, line);
}
export function KUNIT_EXPECT_NOT_NULL<T>(test: KUnit, ptr: T, text: string = "?", file: string = "?", line: i32 = 0): void {
  nullness<T>(test, EXPECTATION, ptr, false, text, file, line);
}
export function KUNIT_ASSERT_NULL<T>(test: KUnit, ptr: T, text: string = "?", file: string = "?", line: i32 = 0): void {
  nullness<T>(test, ASSERTION, ptr, true, text, file, line);
}
export function KUNIT_ASSERT_NOT_NULL<T>(test: KUnit, ptr: T, text: string = "?", file: string = "?", line: i32 = 0): void {
  nullness<T>(test, ASSERTION, ptr, false, text, file, line);
}

// ---- strings ----

function streq(test: KUnit, assertion: bool, left: string, right: string, equal: bool,
               lt: string, rt: string, file: string, line: i32): void {
  if ((left == right) == equal) return;
  binary_fail<string>(test, assertion, left, equal ? "==" : "!=", right, lt, rt, "", file, line);
}

export function KUNIT_EXPECT_STREQ(test: KUnit, left: string, right: string, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  streq(test, EXPECTATION, left, right, true, lt, rt, file, line);
}
export function KUNIT_EXPECT_STRNEQ(test: KUnit, left: string, right: string, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  streq(test, EXPECTATION, left, right, false, lt, rt, file, line);
}
export function KUNIT_ASSERT_STREQ(test: KUnit, left: string, right: string, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  streq(test, ASSERTION, left, right, true, lt, rt, file, line);
}
export function KUNIT_ASSERT_STRNEQ(test: KUnit, left: string, right: string, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  streq(test, ASSERTION, left, right, false, lt, rt, file, line);
}

// ---- memory ----

/** kunit_assert_hexdump: 16 bytes a line, bytes that differ from the other buffer in <>. */
function hexdump(lines: string[], buf: usize, other: usize, size: usize): void {
  let row = "";
  for (let i: usize = 0; i < size; i++) {
    if (i > 0 && i % 16 == 0) {
      lines.push(SUB + SUB + row);
      row = "";
    }
    const b = load<u8>(buf + i);
    const h = (b < 16 ? "0" : "") + b.toString(16);
    row += b != load<u8>(other + i) ? "<" + h + ">" : " " + h + " ";
  }
  lines.push(SUB + SUB + row);
}

function memeq(test: KUnit, assertion: bool, left: usize, right: usize, size: usize, equal: bool,
               lt: string, rt: string, file: string, line: i32): void {
  if ((memory.compare(left, right, size) == 0) == equal) return;
  const lines: string[] = [SUB + "Expected " + lt + (equal ? " == " : " != ") + rt + ", but"];
  lines.push(SUB + SUB + lt + " ==");
  hexdump(lines, left, right, size);
  lines.push(SUB + SUB + rt + " ==");
  hexdump(lines, right, left, size);
  report(test, assertion, file, line, lines);
}

export function KUNIT_EXPECT_MEMEQ(test: KUnit, left: usize, right: usize, size: usize, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  memeq(test, EXPECTATION, left, right, size, true, lt, rt, file, line);
}
export function KUNIT_EXPECT_MEMNEQ(test: KUnit, left: usize, right: usize, size: usize, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  memeq(test, EXPECTATION, left, right, size, false, lt, rt, file, line);
}
export function KUNIT_ASSERT_MEMEQ(test: KUnit, left: usize, right: usize, size: usize, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  memeq(test, ASSERTION, left, right, size, true, lt, rt, file, line);
}
export function KUNIT_ASSERT_MEMNEQ(test: KUnit, left: usize, right: usize, size: usize, lt: string = "?", rt: string = "?", file: string = "?", line: i32 = 0): void {
  memeq(test, ASSERTION, left, right, size, false, lt, rt, file, line);
}

/** Fail unconditionally with a message (KUNIT_FAIL). */
export function KUNIT_FAIL(test: KUnit, msg: string, file: string = "?", line: i32 = 0): void {
  report(test, EXPECTATION, file, line, [msg]);
}
