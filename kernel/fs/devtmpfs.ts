// kernel/fs/devtmpfs.ts — devtmpfs on /dev and the character devices behind its nodes:
// drivers/char/mem.c (null 1:3, zero 1:5, full 1:7, random 1:8, urandom 1:9) and the console
// (tty 5:0, console 5:1). devtmpfs is one tmpfs super block shared by every mount of it, filled
// with the nodes of the registered devices (drivers/base/devtmpfs.c).
// Randomness comes from the kernel PRNG (kernel.random), never the host.
// DIVERGES: /dev/tty and /dev/console are the host console until the tty layer (issue 5)
// replaces them; Linux's /dev/tty fails with ENXIO in a task without a controlling terminal.

import type { HostPort } from "../host_port";
import type { Vfs } from "./vfs";
import type { FileSystemType, SuperBlock } from "./vfs_types";
import { new_encode_dev, inode_getattr } from "./vfs_types";
import { shmem_fill_super } from "./tmpfs";
import { ConsoleOps } from "./console";
import { File, FileOps, IoctlAccess, S_IFCHR } from "./file";
import { ENOSPC } from "../errno";

/** Reads of zero/random are served in chunks of at most this many bytes per call, as
 *  read_iter_zero() and get_random_bytes_user() loop page by page. */
const DEV_READ_MAX = 1 << 20;

function mem_getattr(file: File) {
  return inode_getattr(file.inode!);
}

/** null_lseek: every seek lands at 0. */
function null_lseek(file: File): bigint {
  file.pos = 0n;
  return 0n;
}

export const null_fops: FileOps = {
  read: () => new Uint8Array(0),
  write: (_f: File, data: Uint8Array) => data.length,
  llseek: null_lseek,
  getattr: mem_getattr,
};

export const zero_fops: FileOps = {
  read: (_f: File, max: number) => new Uint8Array(Math.min(max, DEV_READ_MAX)),
  write: (_f: File, data: Uint8Array) => data.length,
  llseek: null_lseek,
  getattr: mem_getattr,
};

export const full_fops: FileOps = {
  read: (_f: File, max: number) => new Uint8Array(Math.min(max, DEV_READ_MAX)),
  write: () => -ENOSPC,
  llseek: null_lseek,
  getattr: mem_getattr,
};

export function random_fops(fill: (buf: Uint8Array) => void): FileOps {
  return {
    read: (_f: File, max: number) => {
      const b = new Uint8Array(Math.min(max, DEV_READ_MAX));
      fill(b);
      return b;
    },
    // Writing mixes bytes into the pool on Linux; the PRNG here stays a pure function of the
    // boot seed, so written bytes are accepted and dropped.
    write: (_f: File, data: Uint8Array) => data.length,
    llseek: (file: File) => file.pos, // noop_llseek
    getattr: mem_getattr,
  };
}

/** The console as a device node: reads the host console's input, writes its stdout. */
export function console_dev_fops(port: HostPort): FileOps {
  const con = new ConsoleOps(port, 1);
  return {
    read: (_f: File, max: number) => port.console_read(max) ?? new Uint8Array(0),
    write: (_f: File, data: Uint8Array) => {
      port.console_write(1, data);
      return data.length;
    },
    ioctl: (f: File, cmd: number, arg: bigint, io: IoctlAccess) => con.ioctl(f, cmd, arg, io),
    getattr: mem_getattr,
  };
}

interface DevNode {
  name: string;
  major: number;
  minor: number;
  mode: number;
  gid?: number;
}

/** The nodes devtmpfs creates, with the modes udev-less Linux gives them (devnode callbacks). */
export const DEVTMPFS_NODES: readonly DevNode[] = [
  { name: "console", major: 5, minor: 1, mode: 0o600 },
  { name: "tty", major: 5, minor: 0, mode: 0o666, gid: 5 },
  { name: "null", major: 1, minor: 3, mode: 0o666 },
  { name: "zero", major: 1, minor: 5, mode: 0o666 },
  { name: "full", major: 1, minor: 7, mode: 0o666 },
  { name: "random", major: 1, minor: 8, mode: 0o666 },
  { name: "urandom", major: 1, minor: 9, mode: 0o666 },
  { name: "kmsg", major: 1, minor: 11, mode: 0o644 },
];

/** Register the character devices above with the VFS (chrdev_init + the drivers' inits). */
export function chr_dev_init(vfs: Vfs, port: HostPort, random_fill: (b: Uint8Array) => void): void {
  vfs.register_chrdev(1, 3, null_fops);
  vfs.register_chrdev(1, 5, zero_fops);
  vfs.register_chrdev(1, 7, full_fops);
  const rnd = random_fops(random_fill);
  vfs.register_chrdev(1, 8, rnd);
  vfs.register_chrdev(1, 9, rnd);
  const con = console_dev_fops(port);
  vfs.register_chrdev(5, 0, con);
  vfs.register_chrdev(5, 1, con);
}

/** The devtmpfs file system type: every mount shares one super block, made on first use. */
export function devtmpfs_type(vfs: Vfs): FileSystemType {
  let sb: SuperBlock | null = null;
  const type: FileSystemType = {
    name: "devtmpfs",
    requires_dev: false,
    mount: () => {
      if (sb) return sb;
      const s = shmem_fill_super(vfs, type, "mode=755");
      if (typeof s === "number") return s;
      sb = s;
      for (const n of DEVTMPFS_NODES) {
        const d = s.s_root.d_inode!.i_op.create!(s.s_root, n.name, S_IFCHR | n.mode, new_encode_dev(n.major, n.minor), 0, n.gid ?? 0);
        if (typeof d === "number") return d;
      }
      return s;
    },
  };
  return type;
}

