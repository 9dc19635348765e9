// kunit/ktap.ts — KTAP version 1 output (Documentation/dev-tools/ktap.rst), one line at a time.
// Owns: the line shapes and the indentation; test.ts decides what is said and when.
//   version line  "KTAP version 1"           plan         "1..N"
//   result line   "<ok|not ok> <number> <description>[ # <DIRECTIVE> <diagnostic>]"
//   diagnostic    "# <text>"
// A nested test's lines are indented by two spaces per level, from its version line to its
// last subtest; the parent's result line that closes it is not (ktap.rst "Nested tests").
// DIVERGES: Linux's KUnit indents by four spaces (KUNIT_SUBTEST_INDENT); ktap.rst specifies
// two, and kunit.py accepts any whitespace.
// Lines leave through the host's kunit_write import as whole strings without the newline.

// @ts-ignore: decorator
@external("env", "kunit_write")
declare function __kunit_write(line: string): void;

export const KTAP_INDENT = "  ";

function indent(level: i32): string {
  return KTAP_INDENT.repeat(level);
}

/** Diagnostic text, result descriptions and directives are single lines without '#' where
 *  the grammar forbids it; control characters are escaped so one call is one line. */
export function ktap_escape(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 10) out += "\\n";
    else if (c == 13) out += "\\r";
    else if (c == 9) out += "\\t";
    else if (c < 32) out += "\\x" + (c < 16 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out;
}

export function ktap_line(level: i32, text: string): void {
  __kunit_write(indent(level) + text);
}

export function ktap_version(level: i32): void {
  ktap_line(level, "KTAP version 1");
}

export function ktap_plan(level: i32, nr_tests: i32): void {
  ktap_line(level, "1.." + nr_tests.toString());
}

/** "# text": free-form information, usually about the result line that follows. */
export function ktap_diag(level: i32, text: string): void {
  ktap_line(level, "# " + ktap_escape(text));
}

/** A result line. directive is "" (none), "SKIP", "ERROR" or "TIMEOUT"; diag follows it. */
export function ktap_result(level: i32, ok: bool, number: i32, description: string,
                            directive: string, diag: string): void {
  // The description may not contain '#': it would start the directive.
  let line = (ok ? "ok " : "not ok ") + number.toString() + " " + ktap_escape(description.replaceAll("#", "_"));
  if (directive.length > 0) {
    line += " # " + directive;
    if (diag.length > 0) line += " " + ktap_escape(diag);
  }
  ktap_line(level, line);
}
