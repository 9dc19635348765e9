// host/kunit/runner.ts — drives a kunit build of the core (build/umwasm.kunit.wasm): lists its
// suites and cases, applies kunit.py's filters, and runs them, collecting the KTAP it prints.
// The host's part is KUnit's try-catch (lib/kunit/try-catch.c): the executor inside the wasm
// calls the kunit_try_catch import, which calls back into the instance's kunit_try_run export
// inside a JavaScript try/catch. A trap in a case unwinds only to that catch; the executor's
// frames below it are intact, so the run goes on with the next case (see
// assembly/kunit/executor.ts). The reason of the last fault is handed back through
// kunit_fault_reason.

import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const SPEED_NAMES = ["unset", "very_slow", "slow", "normal"] as const;
const SPEED_NORMAL = 3;

export interface KunitCaseInfo {
  suite: string;
  name: string;
  suiteIndex: number;
  caseIndex: number;
  /** The case's speed attribute, or its suite's when the case sets none (1..3). */
  speed: number;
  /** Number of parameters; 0 for a plain case. */
  params: number;
}

export interface KunitRunOptions {
  /** kunit.filter_glob: "suite_glob[.case_glob]". */
  filterGlob?: string;
  /** kunit.filter: attribute filters, comma separated ("speed>slow"). */
  filter?: string;
  /** kunit.filter_action: "skip" reports filtered-out cases as skipped instead of dropping them. */
  filterAction?: "skip";
  /** Default per-case timeout in seconds (a loop budget, see assembly/kunit/fuel.ts). */
  timeoutSecs?: number;
  /** Called with each KTAP line as the executor prints it. */
  onLine?: (line: string) => void;
}

export class KunitFilterError extends Error {}

/** The kunit build beside the bundle (build/umwasm.mjs) or under build/ from sources. */
export function findKunitWasm(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, "umwasm.kunit.wasm"), path.join(here, "..", "..", "build", "umwasm.kunit.wasm")];
  for (const p of candidates) if (fs.existsSync(p)) return p;
  throw new Error(`cannot find umwasm.kunit.wasm (looked in ${candidates.join(", ")}); run npm run build`);
}

function readString(memory: WebAssembly.Memory, ptr: number): string {
  const bytes = new DataView(memory.buffer).getUint32(ptr - 4, true);
  return Buffer.from(memory.buffer, ptr, bytes).toString("utf16le");
}

function readCString16(memory: WebAssembly.Memory, ptr: number): string {
  return ptr === 0 ? "" : readString(memory, ptr);
}

/** One instance of a kunit build. Run it once: suites keep their state between cases. */
export class KunitInstance {
  private readonly exports: Record<string, any>;
  private readonly lines: string[] = [];
  private onLine: ((line: string) => void) | undefined;
  private lastFault = "";

  constructor(module: WebAssembly.Module) {
    const env: Record<string, (...args: number[]) => number | void> = {
      kunit_write: (ptr) => {
        const line = readString(this.memory, ptr);
        this.lines.push(line);
        this.onLine?.(line);
      },
      kunit_try_catch: (what) => {
        try {
          this.exports.kunit_try_run(what);
          return 0;
        } catch (e) {
          this.lastFault = e instanceof Error ? e.message : String(e);
          return 1;
        }
      },
      kunit_fault_reason: (buf, cap) => {
        const s = this.lastFault.slice(0, cap);
        new Uint16Array(this.memory.buffer, buf, s.length).set(Array.from(s, (c) => c.charCodeAt(0)));
        return s.length;
      },
      abort: (msg, file, line, col) => {
        // asc's assert() and abort(): the message and where, from the AssemblyScript source.
        const m = readCString16(this.memory, msg);
        throw new Error(`abort${m ? ": " + m : ""} at ${readCString16(this.memory, file)}:${line}:${col}`);
      },
    };
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.module === "env" && !(imp.name in env) && imp.kind === "function") {
        env[imp.name] = () => {
          throw new Error(`kunit build called host import env.${imp.name}, which the kunit runner does not provide`);
        };
      }
    }
    this.exports = new WebAssembly.Instance(module, { env }).exports as Record<string, any>;
  }

  private get memory(): WebAssembly.Memory {
    return this.exports.memory as WebAssembly.Memory;
  }

  /** Every case in registration order. */
  list(): KunitCaseInfo[] {
    const x = this.exports;
    const out: KunitCaseInfo[] = [];
    for (let s = 0; s < x.kunit_suite_count(); s++) {
      const suite = readString(this.memory, x.kunit_suite_name(s));
      const suiteSpeed = x.kunit_suite_speed(s);
      for (let c = 0; c < x.kunit_case_count(s); c++) {
        const own = x.kunit_case_speed(s, c);
        out.push({
          suite, name: readString(this.memory, x.kunit_case_name(s, c)), suiteIndex: s, caseIndex: c,
          speed: own || suiteSpeed || SPEED_NORMAL, params: x.kunit_case_param_count(s, c),
        });
      }
    }
    return out;
  }

  /** What the filters make of each case: 0 run, 1 skip, 2 leave out (executor.ts values). */
  private actions(opts: KunitRunOptions): [KunitCaseInfo, number][] {
    const glob = parseFilterGlob(opts.filterGlob);
    const attrs = parseAttributeFilter(opts.filter);
    return this.list().map((c) => {
      if (!glob(c)) return [c, 2];
      if (!attrs.every((f) => f(c))) return [c, opts.filterAction === "skip" ? 1 : 2];
      return [c, 0];
    });
  }

  /** "suite.case" for every case the filters keep (kunit.py run --list_tests). */
  selected(opts: KunitRunOptions = {}): string[] {
    return this.actions(opts).filter(([, a]) => a !== 2).map(([c]) => `${c.suite}.${c.name}`);
  }

  /** Apply the filters, run, and return the KTAP lines (also streamed to onLine). */
  run(opts: KunitRunOptions = {}): string[] {
    const x = this.exports;
    for (const [c, action] of this.actions(opts)) x.kunit_case_set_filter(c.suiteIndex, c.caseIndex, action);
    if (opts.timeoutSecs !== undefined) x.kunit_set_default_timeout(opts.timeoutSecs);
    this.onLine = opts.onLine;
    x.kunit_run();
    return this.lines.slice();
  }
}

/** Glob as lib/kunit's glob_match: '*' any run, '?' one character, '[...]' a class. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let cls = glob.slice(i + 1, end).replace(/\\/g, "\\\\");
        if (cls.startsWith("!")) cls = "^" + cls.slice(1);
        re += "[" + cls + "]";
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp("^" + re + "$");
}

/** kunit.filter_glob: a glob for the suite, and after the first '.', one for the case. */
export function parseFilterGlob(glob: string | undefined): (c: KunitCaseInfo) => boolean {
  if (!glob) return () => true;
  const dot = glob.indexOf(".");
  const suite = globToRegExp(dot < 0 ? glob : glob.slice(0, dot));
  const kase = dot < 0 ? null : globToRegExp(glob.slice(dot + 1));
  return (c) => suite.test(c.suite) && (kase === null || kase.test(c.name));
}

/** kunit.filter: "attr<op>value" terms separated by commas; the one attribute is speed. */
export function parseAttributeFilter(filter: string | undefined): ((c: KunitCaseInfo) => boolean)[] {
  if (!filter) return [];
  return filter.split(",").map((term) => term.trim()).filter((t) => t.length > 0).map((term) => {
    const m = /^([a-z_]+)\s*(<=|>=|!=|<|>|=)\s*([a-z_]+)$/.exec(term);
    if (!m) throw new KunitFilterError(`filter '${term}': expected <attribute><op><value>, op one of < > <= >= = !=`);
    const [, attr, op, value] = m;
    if (attr !== "speed") throw new KunitFilterError(`filter '${term}': unknown attribute '${attr}' (known: speed)`);
    const want = SPEED_NAMES.indexOf(value as (typeof SPEED_NAMES)[number]);
    if (want <= 0) throw new KunitFilterError(`filter '${term}': speed is one of very_slow, slow, normal`);
    return (c: KunitCaseInfo) => {
      const v = c.speed;
      switch (op) {
        case "<": return v < want;
        case ">": return v > want;
        case "<=": return v <= want;
        case ">=": return v >= want;
        case "=": return v === want;
        default: return v !== want;
      }
    };
  });
}

/** Load, instantiate and run a kunit build in one go. */
export function runKunit(module: WebAssembly.Module, opts: KunitRunOptions = {}): string[] {
  return new KunitInstance(module).run(opts);
}
