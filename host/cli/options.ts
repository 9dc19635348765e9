// host/cli/options.ts — one typed option table per command; parsing stops at the first word
// that is not an option, so a guest program's own arguments pass through untouched.

export interface OptionSpec {
  name: string;
  /** Takes a value (`--name=v` or `--name v`). */
  value?: string;
  help: string;
}

export class UsageError extends Error {}

export interface Parsed {
  opts: Map<string, string | true>;
  rest: string[];
}

export function parseOptions(argv: string[], specs: OptionSpec[]): Parsed {
  const opts = new Map<string, string | true>();
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i];
    if (word === "--") {
      i++;
      break;
    }
    if (!word.startsWith("-") || word === "-") break;
    const eq = word.indexOf("=");
    const name = word.replace(/^--?/, "").slice(0, eq < 0 ? undefined : eq - (word.startsWith("--") ? 2 : 1));
    const spec = specs.find((s) => s.name === name || (name === "h" && s.name === "help"));
    if (!spec) throw new UsageError(`unknown option ${word}`);
    if (spec.value) {
      let v: string;
      if (eq >= 0) v = word.slice(eq + 1);
      else if (i + 1 < argv.length) v = argv[++i];
      else throw new UsageError(`--${spec.name} needs a value (${spec.value})`);
      opts.set(spec.name, v);
    } else {
      if (eq >= 0) throw new UsageError(`--${spec.name} takes no value`);
      opts.set(spec.name, true);
    }
  }
  return { opts, rest: argv.slice(i) };
}

export function formatOptions(specs: OptionSpec[]): string {
  const rows = specs.map((s) => [`  --${s.name}${s.value ? `=${s.value}` : ""}`, s.help]);
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return rows.map(([a, b]) => a.padEnd(w) + b).join("\n");
}
