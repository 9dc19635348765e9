// kernel/boot.ts — start_kernel for `umwasm boot`: the boot log, the initramfs, the console
// tty, and init. Follows init/main.c (6.18): the command line's unknown words go to init
// (those with '=' into its environment, the others into argv), rdinit= (default /init) is
// tried first, then init=, then /sbin/init, /etc/init, /bin/init and /bin/sh; with none of
// them the kernel panics as Linux does ("No working init found").

import type { Kernel } from "./kernel";
import { Task, init_rlimits } from "./task";
import { File, O_RDWR } from "./fs/file";
import { Tty } from "./tty/tty";
import { do_execve } from "./exec";
import { bytes_name, name_bytes } from "./fs/vfs_types";
import { KERN_ERR, KERN_INFO } from "./printk";

export interface BootOptions {
  /** The initramfs (cpio newc) to unpack into the root. */
  initramfs: Uint8Array | null;
  /** Rows and columns of the host terminal. */
  winsize: { rows: number; cols: number };
}

export interface Booted {
  init: Task;
  console: Tty;
}

/** The words of the command line that init receives (init/main.c unknown_bootoption). */
function init_args(rest: string[]): { argv: string[]; envp: string[] } {
  const argv: string[] = [];
  const envp = ["HOME=/", "TERM=linux"];
  for (const w of rest) {
    if (/^(init|rdinit|root|rootfstype|rootflags|hostfs|loglevel|mem|quiet|console)(=|$)/.test(w)) continue;
    if (w.includes("=")) envp.push(w);
    else argv.push(w);
  }
  return { argv, envp };
}

/** A boot message into the kernel log; the console shows it unless loglevel= (or quiet,
 *  loglevel 4) hides its level. */
function printk(k: Kernel, level: number, line: string): void {
  k.printk.printk(level, bytes_name(new TextEncoder().encode(line + "\n")));
}

export function start_kernel(k: Kernel, opts: BootOptions): Booted | string {
  const con = new Tty(k, 0x501n, (b) => k.port.console_write(1, b));
  con.winsize = { ...opts.winsize };
  k.fs.vfs.register_chrdev(5, 0, con);
  k.fs.vfs.register_chrdev(5, 1, con);
  // The console shows what the kernel logged before it (the Linux version banner...) first.
  k.printk.register_console((text) => con.print_bytes(name_bytes(text)));
  const info = KERN_INFO;
  printk(k, info, "clocksource: host monotonic clock, time-travel mode off");
  printk(k, info, `printk: console [tty0] enabled (${opts.winsize.cols}x${opts.winsize.rows})`);
  if (k.params.rootfstype !== null) {
    // DIVERGES: Linux unpacks the initramfs into rootfs and mounts root= later; here the root
    // is mounted at boot, and unpacking into it would write into a host directory.
    printk(k, info, `VFS: Mounted root (${k.params.rootfstype} filesystem); initramfs not unpacked`);
  } else if (opts.initramfs) {
    printk(k, info, `Unpacking initramfs (${opts.initramfs.length} bytes)...`);
    const err = k.fs.populate_rootfs(opts.initramfs);
    if (err) printk(k, KERN_ERR, `Initramfs unpacking failed: ${err}`);
  }
  const { argv, envp } = init_args(k.params.rest);
  const rdinit = word_value(k.params.cmdline, "rdinit") ?? "/init";
  const initw = word_value(k.params.cmdline, "init");
  const tries = [rdinit, ...(initw ? [initw] : []), "/sbin/init", "/etc/init", "/bin/init", "/bin/sh"];
  const hart = k.machine.hartAlloc();
  const task = new Task(k.alloc_pid(), hart, 0, init_rlimits(k.max_threads()));
  task.fs = k.fs.fs_struct_for_init();
  // console_on_rootfs: /dev/console as fds 0, 1 and 2 (one open file, dup'ed).
  const f = new File(con, O_RDWR);
  f.refs = 3;
  task.fds = [f, f, f];
  for (const path of tries) {
    const file = k.open_exec(task, path);
    if (typeof file === "number") continue;
    printk(k, info, `Run ${path} as init process`);
    const err = do_execve(k, task, { file: file.file, filename: path, exe: file.exe, argv: [path, ...argv], envp });
    if (err) {
      printk(k, KERN_ERR, `Failed to execute ${path} (error -${err.errno})`);
      continue;
    }
    // init starts in the session and process group 0 of the kernel's own threads, so its
    // setsid() succeeds and makes it the leader of session 1.
    k.init = task;
    k.enqueue(task);
    return { init: task, console: con };
  }
  k.machine.hartFree(hart);
  return "Kernel panic - not syncing: No working init found.  Try passing init= option to kernel.";
}

function word_value(cmdline: string, key: string): string | null {
  for (const w of cmdline.split(/\s+/)) if (w.startsWith(key + "=")) return w.slice(key.length + 1);
  return null;
}
