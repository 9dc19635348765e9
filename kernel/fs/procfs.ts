// kernel/fs/procfs.ts — procfs basics (fs/proc/): /proc/self, /proc/thread-self, the per-process
// directories and the system-wide files a program may parse, generated when a file is opened
// (seq_file: the text is a snapshot taken at open and read from there).
// Owns: nothing lasting. Every lookup builds a fresh dentry and inode from a ProcEntry table;
// inode numbers are stable per name (allocated on first sight).
// Texts follow Linux 6.18's formats (fs/proc/array.c, arch/riscv/kernel/cpu.c, ...). Lines the
// mm work owns (Vm* in status, meminfo's numbers, maps) come from ProcHooks.

import type { Kernel } from "../kernel";
import type { Task } from "../task";
import { UTS_RELEASE, UTS_VERSION } from "../kernel";
import type { Vfs } from "./vfs";
import { Dentry, Inode, SuperBlock, inode_getattr, DT_DIR, DT_LNK, DT_REG } from "./vfs_types";
import type { FileSystemType, InodeOps, Path } from "./vfs_types";
import { File, FileOps, S_IFDIR, S_IFLNK, S_IFREG, SEEK_SET, SEEK_CUR, SEEK_END } from "./file";
import { dcache_dir_ops, empty_fops } from "./tmpfs";
import { ENOENT, EINVAL } from "../errno";

export const PROC_SUPER_MAGIC = 0x9fa0;
export const PID_MAX_DEFAULT = 32768;

/** What procfs needs from the rest of the kernel; the mm work adds the optional ones. */
export interface ProcHooks {
  kernel: Kernel;
  /** The Vm and Rss lines of /proc/<pid>/status (each ending in "\n"), or "" for none. */
  status_mm?: (task: Task) => string;
  /** /proc/meminfo's whole text. */
  meminfo?: () => string;
  /** /proc/<pid>/maps. */
  maps?: (task: Task) => string;
  /** [arg_start, arg_end, env_start, env_end] of the task's mm, to read cmdline/environ. */
  mm_args?: (task: Task) => [bigint, bigint, bigint, bigint] | null;
  /** Fields of /proc/<pid>/stat the mm knows: vsize, rss (pages), start_code... */
  stat_mm?: (task: Task) => { vsize: bigint; rss: bigint } | null;
  /** /proc/<pid>/smaps, smaps_rollup and statm. */
  smaps?: (task: Task) => string;
  smaps_rollup?: (task: Task) => string;
  statm?: (task: Task) => string;
  /** /proc/<pid>/pagemap's read: count bytes of entries from pos of the address space mm
   *  (0: gone), or -errno. */
  pagemap_read?: (mm: number, pos: bigint, count: number, show_pfn: boolean) => Uint8Array | number;
  /** /proc/<pid>/clear_refs's write: the bytes taken or -errno. */
  clear_refs_write?: (task: Task, data: Uint8Array) => number;
}

type Content = () => string | Uint8Array;

export interface ProcEntry {
  name: string;
  mode: number;
  /** Regular files: the text at open. */
  show?: Content;
  /** Writable files: take the written text; returns 0 or -errno (a sysctl's or sysfs
   *  attribute's store). Without it a write fails with EINVAL. */
  store?: (text: string) => number;
  /** Symlinks: the target (a path string, or a Path for magic links) and the readlink text. */
  link?: () => string | Path | number;
  text?: () => string | number;
  /** Directories: the entries, in readdir order. */
  children?: () => ProcEntry[];
  uid?: number;
  gid?: number;
  /** Files with their own operations (binary, position-addressed or write-only files). */
  fops?: FileOps;
}

const enc = new TextEncoder();

export function proc_type(vfs: Vfs, hooks: () => ProcHooks): FileSystemType {
  const type: FileSystemType = {
    name: "proc",
    requires_dev: false,
    mount: () => proc_fill_super(vfs, type, hooks()),
  };
  return type;
}

function proc_fill_super(vfs: Vfs, type: FileSystemType, hooks: ProcHooks): SuperBlock {
  return table_fill_super(vfs, type, PROC_SUPER_MAGIC, () => proc_root_entries(vfs, hooks));
}

/** A super block whose tree is generated from ProcEntry tables on every lookup: procfs here,
 *  sysfs (fs/sysfs.ts) with its own root. */
export function table_fill_super(vfs: Vfs, type: FileSystemType, magic: number, root: () => ProcEntry[]): SuperBlock {
  const sb = new SuperBlock(type, magic, () => ({
    f_type: magic, f_bsize: 4096, f_blocks: 0n, f_bfree: 0n, f_bavail: 0n, f_files: 0n, f_ffree: 0n, f_namelen: 255,
  }));
  sb.s_dev = vfs.get_anon_dev();
  sb.s_time = vfs.now;
  const inos = new Map<string, number>();
  inos.set("", 1);
  const ino_of = (key: string): number => {
    let n = inos.get(key);
    if (n === undefined) {
      n = inos.size + 1;
      inos.set(key, n);
    }
    return n;
  };
  const mk = (ent: ProcEntry, key: string): Inode => {
    const ops: InodeOps = {};
    let fop: FileOps = proc_file_ops;
    if (ent.children) {
      const children = ent.children;
      ops.lookup = (_dir, name: string) => {
        const c = children().find((e) => e.name === name);
        return c ? mk(c, key + "/" + name) : null;
      };
      ops.readdir = () => children().map((c) => ({
        name: c.name, ino: ino_of(key + "/" + c.name), type: c.children ? DT_DIR : c.link ? DT_LNK : DT_REG,
      }));
      fop = dcache_dir_ops;
    } else if (ent.link) {
      const link = ent.link;
      ops.get_link = () => link();
      if (ent.text) {
        const text = ent.text;
        ops.readlink = () => text();
      }
      fop = empty_fops;
    }
    if (ent.fops) fop = ent.fops;
    const inode = new Inode(sb, ino_of(key), ent.mode, ops, fop);
    inode.i_nlink = ent.children ? 2 : 1;
    inode.i_uid = ent.uid ?? 0;
    inode.i_gid = ent.gid ?? 0;
    inode.i_atime_ns = inode.i_mtime_ns = inode.i_ctime_ns = vfs.now();
    inode.i_private = ent;
    return inode;
  };
  const root_ent: ProcEntry = { name: "/", mode: S_IFDIR | 0o555, children: root };
  const root_inode = mk(root_ent, "");
  sb.s_root = new Dentry("/", null, root_inode);
  return sb;
}

/** seq_file style: the text is made at open and read from the snapshot. */
const proc_file_ops: FileOps = {
  open(inode: Inode, file: File) {
    const ent = inode.i_private as ProcEntry;
    const v = ent.show ? ent.show() : "";
    file.private_data = typeof v === "string" ? enc.encode(v) : v;
    return 0;
  },
  read(file: File, max: number, ppos) {
    const data = file.private_data as Uint8Array;
    if (ppos.pos < 0n) return -EINVAL;
    const pos = Number(ppos.pos);
    const out = data.subarray(Math.min(pos, data.length), Math.min(pos + max, data.length));
    ppos.pos += BigInt(out.length);
    return out.slice();
  },
  // The whole write is handed to the entry's store at once, as proc_sys_write and sysfs's
  // kernfs_fop_write_iter do for a write that fits a page.
  write(file: File, data: Uint8Array) {
    const ent = file.inode!.i_private as ProcEntry;
    if (!ent.store) return -EINVAL;
    const err = ent.store(new TextDecoder().decode(data));
    return err < 0 ? err : data.length;
  },
  llseek(file: File, offset: bigint, whence: number) {
    let pos: bigint;
    if (whence === SEEK_SET) pos = offset;
    else if (whence === SEEK_CUR) pos = file.pos + offset;
    else if (whence === SEEK_END) return BigInt(-EINVAL);
    else return BigInt(-EINVAL);
    if (pos < 0n) return BigInt(-EINVAL);
    file.pos = pos;
    return pos;
  },
  getattr: (file: File) => ({ ...inode_getattr(file.inode!), size: 0n, blksize: 1024 }),
};

export const file = (name: string, show: Content, mode = 0o444, store?: (text: string) => number): ProcEntry =>
  ({ name, mode: S_IFREG | mode, show, store });
export const dir = (name: string, children: () => ProcEntry[], mode = 0o555): ProcEntry => ({ name, mode: S_IFDIR | mode, children });
const link = (name: string, target: () => string | Path | number, text?: () => string | number): ProcEntry =>
  ({ name, mode: S_IFLNK | 0o777, link: target, text });

function current(h: ProcHooks): Task | null {
  return h.kernel.current ?? h.kernel.init ?? null;
}

function proc_root_entries(vfs: Vfs, h: ProcHooks): ProcEntry[] {
  const k = h.kernel;
  const fixed: ProcEntry[] = [
    file("cpuinfo", () => cpuinfo()),
    file("filesystems", () => [...vfs.fs_types.values()].map((t) => `${t.requires_dev ? "" : "nodev"}\t${t.name}\n`).join("")),
    file("loadavg", () => {
      const all = [...k.tasks.values()].filter((t) => t.state.kind === "running");
      const running = all.filter((t) => !t.sleeping).length;
      const last = Math.max(0, ...[...k.tasks.keys()]);
      return `0.00 0.00 0.00 ${running}/${all.length} ${last}\n`;
    }),
    file("meminfo", () => (h.meminfo ? h.meminfo() : meminfo_default(k))),
    link("mounts", () => "self/mounts"),
    link("self", () => { const t = current(h); return t ? String(t.tgid) : -ENOENT; }),
    dir("sys", () => [
      dir("kernel", () => [
        file("osrelease", () => UTS_RELEASE + "\n", 0o444),
        file("ostype", () => "Linux\n", 0o444),
        file("pid_max", () => `${PID_MAX_DEFAULT}\n`, 0o644),
        file("version", () => UTS_VERSION + "\n", 0o444),
      ]),
      dir("vm", () => [
        file("max_map_count", () => `${k.sysctl_max_map_count}\n`, 0o644,
          (text) => proc_dointvec_minmax(text, 0, 0x7fffffff, (v) => k.set_max_map_count(v))),
        file("mmap_min_addr", () => "4096\n", 0o644),
        file("overcommit_memory", () => "0\n", 0o644),
      ]),
    ]),
    link("thread-self", () => { const t = current(h); return t ? `${t.tgid}/task/${t.pid}` : -ENOENT; }),
    file("uptime", () => {
      const cs = k.port.monotonic_ns() / 10_000_000n;
      return `${cs / 100n}.${String(cs % 100n).padStart(2, "0")} 0.00\n`;
    }),
    file("version", () => `Linux version ${UTS_RELEASE} (umwasm@umwasm) (umwasm TypeScript kernel) ${UTS_VERSION}\n`),
  ];
  const pids = [...k.tasks.values()].filter((t) => t.tgid === t.pid && !t.reaped)
    .sort((a, b) => a.pid - b.pid)
    .map((t) => dir(String(t.pid), () => proc_pid_entries(vfs, h, t, true)));
  return [...fixed, ...pids];
}

function proc_pid_entries(vfs: Vfs, h: ProcHooks, t: Task, with_task_dir: boolean): ProcEntry[] {
  const own = (e: ProcEntry): ProcEntry => ({ ...e, uid: t.uid, gid: t.gid });
  const root = (): Path | number => t.fs?.root ?? -ENOENT;
  const ents: ProcEntry[] = [
    { name: "clear_refs", mode: S_IFREG | 0o200, fops: proc_clear_refs_operations(h, t) },
    file("cmdline", () => mm_strings(h, t, 0)),
    file("comm", () => t.comm + "\n", 0o644),
    link("cwd", () => t.fs?.pwd ?? -ENOENT, () => (t.fs ? proc_path_text(vfs, t, t.fs.pwd) : -ENOENT)),
    file("environ", () => mm_strings(h, t, 1), 0o400),
    link("exe", () => t.exe || -ENOENT, () => t.exe || -ENOENT),
    dir("fd", () => t.files.open_fds().map((fd) => link(String(fd),
      () => { const f = t.files.get(fd); return f ? (f.path ?? -ENOENT) : -ENOENT; },
      () => { const f = t.files.get(fd); return f ? proc_fd_text(vfs, t, f) : -ENOENT; })), 0o500),
    file("maps", () => (h.maps ? h.maps(t) : "")),
    { name: "pagemap", mode: S_IFREG | 0o400, fops: proc_pagemap_operations(h, t) },
    file("smaps", () => (h.smaps ? h.smaps(t) : "")),
    file("smaps_rollup", () => (h.smaps_rollup ? h.smaps_rollup(t) : "")),
    file("statm", () => (h.statm ? h.statm(t) : "0 0 0 0 0 0 0\n")),
    file("mounts", () => { const r = root(); return typeof r === "number" ? "" : vfs.proc_mounts(r); }),
    link("root", () => root(), () => { const r = root(); return typeof r === "number" ? r : proc_path_text(vfs, t, r); }),
    file("stat", () => proc_pid_stat(h, t)),
    file("status", () => proc_pid_status(h, t)),
  ];
  if (with_task_dir) {
    ents.push(dir("task", () => t.group.filter((g) => g.state.kind === "running")
      .map((g) => dir(String(g.pid), () => proc_pid_entries(vfs, h, g, false)))));
  }
  ents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return ents.map(own);
}

/** pagemap's file_operations: the address space is taken at open (proc_mem_open) and read at
 *  the file position, 8 bytes per page (kernel/mm_proc.ts proc_pagemap_read). Seeking is
 *  mem_lseek's: SEEK_SET and SEEK_CUR only. */
function proc_pagemap_operations(h: ProcHooks, t: Task): FileOps {
  return {
    open(_inode: Inode, file: File) {
      // PFNs only for an opener with CAP_SYS_ADMIN (file_ns_capable at read: the opener's
      // credentials); here that is root.
      file.private_data = { mm: t.mm, show_pfn: (h.kernel.current?.uid ?? 0) === 0 };
      return 0;
    },
    read(file: File, max: number, ppos) {
      if (ppos.pos < 0n) return -EINVAL; // rw_verify_area
      const { mm, show_pfn } = file.private_data as { mm: number; show_pfn: boolean };
      // The mm is gone once the task exited or exec'd (mmget_not_zero fails): 0 bytes.
      const live = t.state.kind === "running" && t.mm === mm ? mm : 0;
      const r = h.pagemap_read ? h.pagemap_read(live, ppos.pos, max, show_pfn) : new Uint8Array(0);
      if (typeof r !== "number") ppos.pos += BigInt(r.length);
      return r;
    },
    llseek(file: File, offset: bigint, whence: number) {
      if (whence === SEEK_SET) file.pos = offset;
      else if (whence === SEEK_CUR) file.pos += offset;
      else return BigInt(-EINVAL);
      return file.pos;
    },
    getattr: (file: File) => ({ ...inode_getattr(file.inode!), size: 0n, blksize: 1024 }),
  };
}

/** clear_refs's file_operations: write only (a read is EINVAL: no .read). */
function proc_clear_refs_operations(h: ProcHooks, t: Task): FileOps {
  return {
    read: () => -EINVAL,
    write: (_file: File, data: Uint8Array) => (h.clear_refs_write ? h.clear_refs_write(t, data) : -EINVAL),
    llseek: (file: File) => file.pos, // noop_llseek
    getattr: (file: File) => ({ ...inode_getattr(file.inode!), size: 0n, blksize: 1024 }),
  };
}

function proc_path_text(vfs: Vfs, t: Task, p: Path): string {
  const root = t.fs?.root ?? vfs.root_path();
  const r = vfs.d_path(root, p);
  return (r.reachable ? "" : "(unreachable)") + r.name + (p.dentry.d_deleted ? " (deleted)" : "");
}

/** What /proc/<pid>/fd/N reads as (d_path, or the pseudo file system's dname). */
export function proc_fd_text(vfs: Vfs, t: Task, f: File): string {
  if (f.path) {
    const d = f.path.dentry;
    if (d.d_name.startsWith("memfd:") && d.d_deleted) return "/" + d.d_name + " (deleted)";
    return proc_path_text(vfs, t, f.path);
  }
  const inode = f.inode;
  if (inode && inode.i_sb.s_magic === 0x50495045) return `pipe:[${inode.i_ino}]`;
  if (f.ops.dname) return f.ops.dname(f);
  return "/dev/console";
}

/** cmdline (which 0) or environ (which 1): the strings as the task's memory holds them. */
function mm_strings(h: ProcHooks, t: Task, which: 0 | 1): Uint8Array {
  const r = h.mm_args?.(t);
  if (!r || !t.mm) return new Uint8Array(0);
  const [start, end] = which === 0 ? [r[0], r[1]] : [r[2], r[3]];
  if (end <= start) return new Uint8Array(0);
  return h.kernel.machine.readUser(t.mm, start, Number(end - start)) ?? new Uint8Array(0);
}

const TASK_STATE = (t: Task): [string, string] => {
  if (t.state.kind !== "running") return ["Z", "Z (zombie)"];
  if (t.sleeping) return ["S", "S (sleeping)"];
  return ["R", "R (running)"];
};

/** fs/proc/array.c proc_pid_status. */
export function proc_pid_status(h: ProcHooks, t: Task): string {
  const hex16 = (v: bigint): string => v.toString(16).padStart(16, "0");
  const leader = t.group[0] ?? t;
  const ppid = leader.parent ? leader.parent.tgid : 0;
  const umask = (t.fs?.umask ?? 0o022).toString(8).padStart(4, "0");
  const ids = (v: number): string => `${v}\t${v}\t${v}\t${v}`;
  let s = `Name:\t${t.comm}\nUmask:\t${umask}\nState:\t${TASK_STATE(t)[1]}\n`;
  s += `Tgid:\t${t.tgid}\nNgid:\t0\nPid:\t${t.pid}\nPPid:\t${ppid}\nTracerPid:\t0\n`;
  s += `Uid:\t${ids(t.uid)}\nGid:\t${ids(t.gid)}\nFDSize:\t${t.files.max_fds()}\nGroups:\t \n`;
  s += `NStgid:\t${t.tgid}\nNSpid:\t${t.pid}\nNSpgid:\t${t.pgrp_of()}\nNSsid:\t${leader.sid}\nKthread:\t0\n`;
  s += h.status_mm ? h.status_mm(t) : "";
  s += `Threads:\t${t.group.filter((g) => g.state.kind === "running").length}\n`;
  s += `SigQ:\t0/${h.kernel.max_threads() >> 1}\n`;
  s += `SigPnd:\t${hex16(0n)}\nShdPnd:\t${hex16(0n)}\nSigBlk:\t${hex16(BigInt.asUintN(64, t.blocked))}\n`;
  s += `SigIgn:\t${hex16(0n)}\nSigCgt:\t${hex16(0n)}\n`;
  const cap = t.uid === 0 ? "000001ffffffffff" : hex16(0n);
  s += `CapInh:\t${hex16(0n)}\nCapPrm:\t${cap}\nCapEff:\t${cap}\nCapBnd:\t000001ffffffffff\nCapAmb:\t${hex16(0n)}\n`;
  s += "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n";
  s += "Speculation_Store_Bypass:\tunknown\nSpeculationIndirectBranch:\tunknown\n";
  s += "Cpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\nMems_allowed_list:\t0\n";
  s += "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n";
  return s;
}

/** fs/proc/array.c do_task_stat: the 52 fields. */
export function proc_pid_stat(h: ProcHooks, t: Task): string {
  const leader = t.group[0] ?? t;
  const ppid = leader.parent ? leader.parent.tgid : 0;
  const mm = h.stat_mm?.(t) ?? { vsize: 0n, rss: 0n };
  const threads = t.group.filter((g) => g.state.kind === "running").length;
  const f = [
    t.pid, `(${t.comm})`, TASK_STATE(t)[0], ppid, t.pgrp_of(), leader.sid,
    t.ctty ? Number(t.ctty.rdev) : 0, t.ctty && t.ctty.pgrp ? t.ctty.pgrp : -1, 0x400000,
    0, 0, 0, 0, 0, 0, 0, 0, 20, 0, threads, 0, 0, mm.vsize, mm.rss, "18446744073709551615",
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, t.exit_signal, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  ];
  return f.join(" ") + "\n";
}

/** proc_dointvec_minmax for one integer: optional blanks, an optional sign, decimal digits,
 *  optional trailing blanks; outside [min, max] or anything else is EINVAL. */
export function proc_dointvec_minmax(text: string, min: number, max: number, set: (v: number) => void): number {
  const m = /^[ \t\n]*([-+]?[0-9]+)[ \t\n]*$/.exec(text);
  if (!m) return -EINVAL;
  const v = Number(m[1]);
  if (!Number.isSafeInteger(v) || v < min || v > max) return -EINVAL;
  set(v);
  return 0;
}

function meminfo_default(k: Kernel): string {
  const kb = (pages: number): string => String(pages * 4).padStart(8, " ") + " kB";
  const total = Math.floor(k.params.mem_bytes / 4096);
  const free = k.machine.nrFreePages();
  return `MemTotal:       ${kb(total)}\nMemFree:        ${kb(free)}\nMemAvailable:   ${kb(free)}\n`;
}

/** arch/riscv/kernel/cpu.c c_show, for the one hart this machine has. */
export function cpuinfo(): string {
  const isa = "rv64imafdc_zicntr_zicsr_zifencei";
  return `processor\t: 0\nhart\t\t: 0\nisa\t\t: ${isa}\nmmu\t\t: sv39\nmvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\nhart isa\t: ${isa}\n\n`;
}
