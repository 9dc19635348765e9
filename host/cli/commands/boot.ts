// host/cli/commands/boot.ts — `umwasm boot [kernel args...]`: boot the default image to a shell
// on this terminal. The host side of UML's console: the terminal goes raw and every byte
// typed is handed to the kernel's tty, a resize becomes a window-size event (SIGWINCH in the
// guest), and the kernel runs between events in turns so the event loop stays responsive.
// The terminal is put back however umwasm exits.

import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import * as path from "node:path";
import { Kernel } from "../../../kernel/kernel";
import { CmdlineError } from "../../../kernel/params";
import { start_kernel } from "../../../kernel/boot";
import { NodePort } from "../../port/node";
import { loadCore } from "../../core";
import { parseOptions, formatOptions, OptionSpec, UsageError } from "../options";

const OPTIONS: OptionSpec[] = [
  { name: "initramfs", value: "file", help: "boot this cpio newc archive instead of the default image" },
  { name: "seed", value: "N", help: "seed the entropy source" },
  { name: "help", help: "show this help" },
];

export const BOOT_USAGE = `usage: umwasm boot [options] [kernel args...]

Boots the default image (/init, /bin/sh and tools) to a shell on this terminal. When the
shell exits, init powers the machine off. Input that is not a terminal (a pipe, a file) is
fed to the console, and the machine powers off at its end once the shell exits.

kernel args (UML style, as Linux's command line):
  mem=SIZE        guest memory, e.g. mem=512M (default 256M, 16M..3G)
  init=PATH       the program to run as init if rdinit is missing
  rdinit=PATH     the program in the initramfs to run as init (default /init)
  root=DEV        accepted for compatibility; there are no block devices yet
  rootfstype=hostfs rootflags=DIR
                  boot from the host directory DIR instead of the initramfs (UML style)
  hostfs=DIR      confine every hostfs mount (mount -t hostfs none /mnt -o PATH) below DIR
  loglevel=N      kernel messages below level N are printed (default 7)
  quiet           only warnings and errors (loglevel=4)
  anything else   passed to init: words with '=' in its environment, others as arguments

options:
${formatOptions(OPTIONS)}`;

/** The default initramfs (userland/images/initramfs.cpio), bundled or from the sources. */
export function defaultImage(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const p of [path.join(here, "..", "userland", "images", "initramfs.cpio"),
    path.join(here, "..", "..", "..", "userland", "images", "initramfs.cpio")]) {
    if (fs.existsSync(p)) return p;
  }
  throw new Error("umwasm: the default image userland/images/initramfs.cpio is missing");
}

export function bootCommand(argv: string[]): Promise<number> | number {
  const { opts, rest } = parseOptions(argv, OPTIONS);
  if (opts.has("help")) {
    process.stdout.write(BOOT_USAGE + "\n");
    return 0;
  }
  const image = opts.has("initramfs") ? String(opts.get("initramfs")) : defaultImage();
  let cpio: Uint8Array;
  try {
    cpio = fs.readFileSync(image);
  } catch (e) {
    throw new UsageError(`${image}: ${(e as Error).message}`);
  }
  const seed = opts.has("seed") ? BigInt(String(opts.get("seed"))) : undefined;
  const port = new NodePort({ seed });
  let kernel: Kernel;
  try {
    kernel = Kernel.boot(port, loadCore(), rest.join(" "));
  } catch (e) {
    if (e instanceof CmdlineError) throw new UsageError(e.message);
    throw e;
  }
  const tty = process.stdin.isTTY ? process.stdin : null;
  const winsize = { rows: process.stdout.rows || 24, cols: process.stdout.columns || 80 };
  const booted = start_kernel(kernel, { initramfs: cpio, winsize });
  if (typeof booted === "string") {
    process.stderr.write(booted + "\n");
    return 1;
  }
  const restore = () => {
    if (tty && tty.isRaw) tty.setRawMode(false);
  };
  if (tty) tty.setRawMode(true);
  process.on("exit", restore);
  for (const sig of ["SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      restore();
      process.exit(128 + (sig === "SIGTERM" ? 15 : 1));
    });
  }
  return new Promise<number>((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    let scheduled = false;
    const finish = (status: number) => {
      if (timer) clearTimeout(timer);
      process.stdin.pause();
      restore();
      resolve(status);
    };
    const pump = () => {
      scheduled = false;
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      // A few hundred turns, then back to the event loop so input and resizes get through.
      const r = kernel.step(256, () => booted.init.state.kind !== "running");
      if (booted.init.state.kind !== "running") {
        if (!kernel.halted) {
          process.stderr.write("\r\nKernel panic - not syncing: Attempted to kill init!\r\n");
          finish(1);
        } else {
          finish(0);
        }
        return;
      }
      if (r.kind === "ran") schedule();
      else if (r.deadline_ns !== null) {
        const ms = Number((r.deadline_ns - port.monotonic_ns()) / 1_000_000n);
        timer = setTimeout(pump, Math.max(0, ms));
      }
    };
    const schedule = () => {
      if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
    };
    process.stdin.on("data", (b: Buffer) => {
      booted.console.receive(new Uint8Array(b.buffer, b.byteOffset, b.length));
      schedule();
    });
    process.stdin.on("end", () => {
      booted.console.receive_eof();
      schedule();
    });
    process.stdout.on("resize", () => {
      booted.console.resize(process.stdout.rows, process.stdout.columns);
      schedule();
    });
    schedule();
  });
}
