// host/cli/main.ts — the `umwasm` command: wires the host port, the core and the kernel.
import { runCommand } from "./commands/run";
import { bootCommand } from "./commands/boot";
import { kunitCommand } from "./commands/kunit";
import { selftestCommand } from "./commands/selftest";
import { UsageError } from "./options";

const USAGE = `usage: umwasm <command> [options]

commands:
  run [options] <elf> [args...]   run a static riscv64 Linux program
  boot [options] [kernel args...] boot the default image to a shell ('umwasm boot --help')
  kunit run|parse [options]       run the in-kernel KUnit suites, or parse a KTAP log
  selftest [names...]             KUnit suites and guest kselftest programs in one report
  help                            show this help

Run 'umwasm run --help' for the options of run.`;

function main(argv: string[]): number | Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "run":
      return runCommand(rest);
    case "kunit":
      return kunitCommand(rest);
    case "selftest":
      return selftestCommand(rest);
    case "boot":
      return bootCommand(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE + "\n");
      return cmd === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${cmd}'\n\n${USAGE}`);
  }
}

function fail(e: unknown): void {
  if (e instanceof UsageError) {
    process.stderr.write(`umwasm: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}

try {
  const r = main(process.argv.slice(2));
  if (typeof r === "number") process.exitCode = r;
  else r.then((status) => process.exit(status), fail);
} catch (e) {
  fail(e);
}
