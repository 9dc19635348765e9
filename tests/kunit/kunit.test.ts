// tests/kunit/kunit.test.ts — the in-kernel KUnit suites (the kunit build) as vitest tests: one
// test per case, named suite.case. The whole run happens once; a failing case shows its KTAP
// (its diagnostics and, for a parameterized case, every parameter's) in the failure message.
import { describe, expect, it } from "vitest";
import { runKunit } from "../../host/kunit/runner";
import { parseKtap, KtapTest } from "../../host/kunit/ktap_parser";
import { loadKunitBuild } from "../helpers/kunit";

const lines = runKunit(await loadKunitBuild());
const { test: main, errors } = parseKtap(lines);

function ktapOf(t: KtapTest): string {
  const own = [...t.log, `${t.status} ${t.name}`];
  for (const sub of t.subtests) own.push(...sub.log.map((l) => "  " + l), `  ${sub.status} ${sub.name}`);
  return own.join("\n");
}

describe("kunit", () => {
  it("the KTAP log parses without errors", () => {
    expect(errors, lines.join("\n")).toEqual([]);
    expect(main.subtests.length).toBeGreaterThan(0);
  });
  for (const suite of main.subtests) {
    describe(suite.name, () => {
      for (const kase of suite.subtests) {
        it(kase.name, () => {
          expect(["SUCCESS", "SKIPPED"], `KTAP of ${suite.name}.${kase.name}:\n${ktapOf(kase)}`).toContain(kase.status);
        });
      }
    });
  }
});
