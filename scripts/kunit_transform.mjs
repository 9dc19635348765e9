// scripts/kunit_transform.mjs — the asc transform of the kunit build (asconfig target "kunit").
// AssemblyScript has no macros, so this plays the C preprocessor's part for KUnit:
//  1. KUNIT_EXPECT_*/KUNIT_ASSERT_* calls get the source text of their value arguments and the
//     file:line of the call appended, as KUnit's macros stringify their operands (#left) and
//     pass __FILE__/__LINE__. KUNIT_CASE*(fn) gets the function's name, as KUNIT_CASE does.
//     A call that already passes those arguments is left alone.
//  2. Every loop body outside assembly/kunit/ and the standard library begins with a call to
//     __kunit_fuel() (assembly/kunit/fuel.ts): the per-case timeout is a budget of loop
//     iterations, deterministic and exact, where KUnit uses a wall-clock timer on a kthread.
// Only source files of the project are touched; the release and debug builds never load this.
import { Transform } from "assemblyscript/transform";
import { Node } from "assemblyscript";

// NodeKind and SourceKind are const enums in the compiler's typings; their values in 0.28.
const K = { Identifier: 7, Call: 10, Do: 34, For: 40, ForOf: 41, While: 50 };
const SOURCE_USER = 0, SOURCE_USER_ENTRY = 1;

// name → [arguments before the texts, indices of the arguments to stringify]
const EXPECT_BINARY = ["EQ", "NE", "LT", "LE", "GT", "GE", "STREQ", "STRNEQ", "PTR_EQ", "PTR_NE"];
const EXPECT_UNARY = ["TRUE", "FALSE", "NULL", "NOT_NULL"];
const SIGNATURES = new Map();
for (const kind of ["EXPECT", "ASSERT"]) {
  for (const op of EXPECT_BINARY) {
    SIGNATURES.set(`KUNIT_${kind}_${op}`, [3, [1, 2]]);
    SIGNATURES.set(`KUNIT_${kind}_${op}_MSG`, [4, [1, 2]]);
  }
  for (const op of EXPECT_UNARY) {
    SIGNATURES.set(`KUNIT_${kind}_${op}`, [2, [1]]);
    SIGNATURES.set(`KUNIT_${kind}_${op}_MSG`, [3, [1]]);
  }
  SIGNATURES.set(`KUNIT_${kind}_MEMEQ`, [4, [1, 2]]);
  SIGNATURES.set(`KUNIT_${kind}_MEMNEQ`, [4, [1, 2]]);
  SIGNATURES.set(`KUNIT_${kind}_MEMEQ_MSG`, [5, [1, 2]]);
  SIGNATURES.set(`KUNIT_${kind}_MEMNEQ_MSG`, [5, [1, 2]]);
}
SIGNATURES.set("KUNIT_FAIL", [2, []]);
// Case constructors take the case function's name, not a location.
const CASES = new Map([["KUNIT_CASE", 1], ["KUNIT_CASE_SLOW", 1], ["KUNIT_CASE_PARAM", 2], ["KUNIT_CASE_ATTR", 2]]);

// The compiler's i64 values are its own Long type, made by the global i64_new it installs.
function i64(n) {
  return globalThis.i64_new(n, 0);
}

function sourceText(node) {
  return node.range.source.text.substring(node.range.start, node.range.end);
}

function rewriteCall(call) {
  if (call.expression.kind !== K.Identifier) return;
  const name = call.expression.text;
  const range = call.range;
  const sig = SIGNATURES.get(name);
  if (sig) {
    const [base, texts] = sig;
    if (call.args.length !== base) return;
    for (const i of texts) call.args.push(Node.createStringLiteralExpression(sourceText(call.args[i]), range));
    call.args.push(Node.createStringLiteralExpression(range.source.normalizedPath, range));
    call.args.push(Node.createIntegerLiteralExpression(i64(range.source.lineAt(range.start)), range));
    return;
  }
  const base = CASES.get(name);
  if (base !== undefined && call.args.length === base) {
    call.args.push(Node.createStringLiteralExpression(sourceText(call.args[0]), range));
  }
}

function fuelled(body) {
  const r = body.range;
  const call = Node.createCallExpression(Node.createIdentifierExpression("__kunit_fuel", r), null, [], r);
  return Node.createBlockStatement([Node.createExpressionStatement(call), body], r);
}

// Walks every node reachable from a source's statements through node-valued fields.
function walk(node, instrumentLoops, seen) {
  if (seen.has(node)) return;
  seen.add(node);
  if (node.kind === K.Call) rewriteCall(node);
  if (instrumentLoops && (node.kind === K.For || node.kind === K.While || node.kind === K.Do || node.kind === K.ForOf)) {
    walk(node.body, instrumentLoops, seen);
    node.body = fuelled(node.body);
    seen.add(node.body);
  }
  for (const key of Object.keys(node)) {
    if (key === "range" || key === "body" && seen.has(node[key])) continue;
    const v = node[key];
    if (Array.isArray(v)) {
      for (const item of v) if (isNode(item)) walk(item, instrumentLoops, seen);
    } else if (isNode(v)) {
      walk(v, instrumentLoops, seen);
    }
  }
}

function isNode(v) {
  return v !== null && typeof v === "object" && typeof v.kind === "number" && v.range !== undefined;
}

export default class KUnitTransform extends Transform {
  afterParse(parser) {
    for (const source of parser.sources) {
      if (source.sourceKind !== SOURCE_USER && source.sourceKind !== SOURCE_USER_ENTRY) continue;
      const path = source.normalizedPath;
      const instrumentLoops = !path.startsWith("assembly/kunit/") || path.startsWith("assembly/kunit/tests/");
      const seen = new Set();
      for (const stmt of source.statements) walk(stmt, instrumentLoops, seen);
    }
  }
}
