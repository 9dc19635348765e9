// host/cli/main.ts — the `umwasm` command: wires the host port, the core and the kernel.
import { runCommand } from "./commands/run";
import { kunitCommand } from "./commands/kunit";
import { selftestCommand } from "./commands/selftest";
import { UsageError } from "./options";

const USAGE = `usage: umwasm <command> [options]

commands:
  run [options] <elf> [args...]   run a static riscv64 Linux program
  boot                            boot the default image to a shell (not available yet)
  kunit run|parse [options]       run the in-kernel KUnit suites, or parse a KTAP log
  selftest [names...]             KUnit suites and guest kselftest programs in one report
  help                            show this help

Run 'umwasm run --help' for the options of run.`;

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "run":
      return runCommand(rest);
    case "kunit":
      return kunitCommand(rest);
    case "selftest":
      return selftestCommand(rest);
    case "boot":
      // Booting to a shell needs processes, a VFS and a tty (issue 5); say so plainly.
      process.stderr.write("umwasm boot: not available yet: booting the default image to a shell arrives with\n" +
        "processes, files and the console tty. Use 'umwasm run <elf>' to run a static riscv64 program.\n");
      return 1;
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

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`umwasm: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
