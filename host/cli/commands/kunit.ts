// host/cli/commands/kunit.ts — `umwasm kunit run|parse`: kunit.py's run and parse for the
// kunit build of the core (build/umwasm.kunit.wasm). Options keep kunit.py's names.
//   run    instantiate the kunit build, filter, run, parse the KTAP, print kunit.py's report
//   parse  parse a KTAP log from a file or stdin (a real Linux kernel's log too)
// The exit status is 1 when a test failed or crashed or the log did not parse, as kunit.py's.
// DIVERGES: --timeout is the default per-case timeout (a loop budget, assembly/kunit/fuel.ts),
// not kunit.py's wall-clock limit on the whole kernel run: our cases run in-process.

import * as fs from "node:fs";
import { KunitInstance, KunitFilterError, findKunitWasm } from "../../kunit/runner";
import { parseKtap } from "../../kunit/ktap_parser";
import { formatResults, jsonResult, resultFailed } from "../../kunit/report";
import { parseOptions, formatOptions, OptionSpec, UsageError } from "../options";

const RUN_OPTIONS: OptionSpec[] = [
  { name: "filter_glob", value: "suite[.case]", help: "run only the cases matching the glob" },
  { name: "filter", value: "attr<op>value", help: "attribute filter, e.g. \"speed>slow\" (comma separated)" },
  { name: "filter_action", value: "skip", help: "report cases the attribute filter drops as skipped" },
  { name: "json", value: "file", help: "write kunit.py's JSON to file ('--json=stdout' or '--json' last: stdout)" },
  { name: "raw_output", value: "all|kunit", help: "print the KTAP as it is produced instead of the report" },
  { name: "timeout", value: "seconds", help: "default per-case timeout, as a loop budget (default 10)" },
  { name: "list_tests", help: "list suite.case for every selected case and exit" },
  { name: "wasm", value: "file", help: "the kunit build to run (default: build/umwasm.kunit.wasm)" },
  { name: "help", help: "show this help" },
];

const PARSE_OPTIONS: OptionSpec[] = [
  { name: "json", value: "file", help: "write kunit.py's JSON to file (stdout: --json=stdout)" },
  { name: "raw_output", value: "all|kunit", help: "also print the log's lines" },
  { name: "help", help: "show this help" },
];

export const KUNIT_USAGE = `usage: umwasm kunit run [options]
       umwasm kunit parse [options] [file]

Runs the in-kernel KUnit suites of the kunit build and reports like Linux's kunit.py.

run options:
${formatOptions(RUN_OPTIONS)}

parse options:
${formatOptions(PARSE_OPTIONS)}`;

/** kunit.py lets --json and --raw_output go without a value; give them one. */
function normaliseBareFlags(argv: string[]): string[] {
  return argv.map((a) => (a === "--json" ? "--json=stdout" : a === "--raw_output" ? "--raw_output=all" : a));
}

function stamp(): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, "0");
  return `[${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}] `;
}

/** Parse, print the report (unless raw) and the JSON; returns the exit status. */
function report(lines: string[], opts: Map<string, string | true>, buildDir: string): number {
  const { test, errors } = parseKtap(lines);
  if (!opts.has("raw_output")) process.stdout.write(formatResults(test, errors, { timestamp: stamp }).join("\n") + "\n");
  const json = opts.get("json");
  if (typeof json === "string") {
    const text = jsonResult(test, { arch: "um", defconfig: "", buildDir });
    if (json === "stdout") process.stdout.write(text + "\n");
    else {
      fs.writeFileSync(json, text + "\n");
      process.stdout.write(`${stamp()}Test results stored in ${json}\n`);
    }
  }
  return resultFailed(test) ? 1 : 0;
}

function runSub(argv: string[]): number {
  const { opts, rest } = parseOptions(normaliseBareFlags(argv), RUN_OPTIONS);
  if (opts.has("help")) {
    process.stdout.write(KUNIT_USAGE + "\n");
    return 0;
  }
  if (rest.length > 0) throw new UsageError(`kunit run: unexpected argument '${rest[0]}'`);
  const action = opts.get("filter_action");
  if (action !== undefined && action !== "skip") throw new UsageError("--filter_action: the only action is 'skip'");
  const raw = opts.get("raw_output");
  if (raw !== undefined && raw !== "all" && raw !== "kunit") throw new UsageError("--raw_output is 'all' or 'kunit'");
  let timeoutSecs: number | undefined;
  if (opts.has("timeout")) {
    timeoutSecs = Number(opts.get("timeout"));
    if (!Number.isInteger(timeoutSecs) || timeoutSecs < 1) throw new UsageError("--timeout: a whole number of seconds, at least 1");
  }
  const wasm = typeof opts.get("wasm") === "string" ? String(opts.get("wasm")) : findKunitWasm();
  const inst = new KunitInstance(new WebAssembly.Module(fs.readFileSync(wasm)));
  const runOpts = {
    filterGlob: opts.get("filter_glob") as string | undefined,
    filter: opts.get("filter") as string | undefined,
    filterAction: action as "skip" | undefined,
    timeoutSecs,
    onLine: raw !== undefined ? (l: string) => process.stdout.write(l + "\n") : undefined,
  };
  try {
    if (opts.has("list_tests")) {
      for (const name of inst.selected(runOpts)) process.stdout.write(name + "\n");
      return 0;
    }
    return report(inst.run(runOpts), opts, wasm);
  } catch (e) {
    if (e instanceof KunitFilterError) throw new UsageError(e.message);
    throw e;
  }
}

function parseSub(argv: string[]): number {
  const { opts, rest } = parseOptions(normaliseBareFlags(argv), PARSE_OPTIONS);
  if (opts.has("help")) {
    process.stdout.write(KUNIT_USAGE + "\n");
    return 0;
  }
  if (rest.length > 1) throw new UsageError("kunit parse: at most one file");
  const file = rest[0];
  let text: string;
  try {
    text = fs.readFileSync(file === undefined || file === "-" ? 0 : file, "utf8");
  } catch (e) {
    process.stderr.write(`umwasm: ${file ?? "stdin"}: ${(e as Error).message}\n`);
    return 1;
  }
  const lines = text.split("\n");
  if (opts.has("raw_output")) process.stdout.write(text);
  return report(lines, opts, "");
}

export function kunitCommand(argv: string[]): number {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "run":
      return runSub(rest);
    case "parse":
      return parseSub(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(KUNIT_USAGE + "\n");
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`kunit: unknown subcommand '${sub}'\n\n${KUNIT_USAGE}`);
  }
}
