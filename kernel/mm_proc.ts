// kernel/mm_proc.ts — the mm's lines of /proc/<pid>/{maps,status,stat} and /proc/meminfo,
// formatted as fs/proc/task_mmu.c and fs/proc/meminfo.c format them. The vmas come from the
// core (mm_vma_dump); names follow Linux: [heap] over the brk area, [stack] over the initial
// stack, [vdso] for the page holding the sigreturn trampoline (where Linux maps its vDSO),
// [anon:name] / [anon_shmem:name] for vmas named by prctl(PR_SET_VMA_ANON_NAME).

import type { Kernel } from "./kernel";
import type { Task } from "./task";
import { MAJOR, MINOR } from "./fs/vfs_types";

const VM_READ = 0x1n, VM_WRITE = 0x2n, VM_EXEC = 0x4n, VM_SHARED = 0x8n, VM_MAYSHARE = 0x80n,
  VM_GROWSDOWN = 0x100n, VM_LOCKED = 0x2000n;

export interface VmaInfo {
  start: bigint;
  end: bigint;
  flags: bigint;
  pgoff: bigint;
  rss_pages: bigint;
  /** The address_space of a file mapping (kernel/fs/page_cache.ts), 0 for anonymous memory. */
  file: number;
}

/** Every vma of mm, lowest first. */
export function mm_vmas(k: Kernel, mm: number): VmaInfo[] {
  const out: VmaInfo[] = [];
  if (!mm) return out;
  let from = 0n;
  for (;;) {
    const n = k.machine.core.mm_vma_dump(mm, from) >>> 0;
    if (n === 0) break;
    const dv = new DataView(k.machine.bytes().buffer, k.machine.bounce, n * 48);
    for (let i = 0; i < n; i++) {
      const o = i * 48;
      out.push({
        start: dv.getBigUint64(o, true), end: dv.getBigUint64(o + 8, true), flags: dv.getBigUint64(o + 16, true),
        pgoff: dv.getBigUint64(o + 24, true), rss_pages: dv.getBigUint64(o + 32, true), file: dv.getUint32(o + 40, true),
      });
    }
    from = out[out.length - 1].end;
  }
  return out;
}

/** start_brk, brk and hiwater_vm from the core's mm_struct (mm/mm_types.ts layout). */
function mm_fields(k: Kernel, mm: number): { start_brk: bigint; brk: bigint; hiwater_vm: bigint } {
  const dv = new DataView(k.machine.bytes().buffer, mm, 128);
  return { start_brk: dv.getBigUint64(16, true), brk: dv.getBigUint64(24, true), hiwater_vm: dv.getBigUint64(64, true) };
}

function hex(v: bigint, width: number): string {
  return v.toString(16).padStart(width, "0");
}

/** The name a vma shows in maps (show_map_vma's special names), or "". */
function vma_name(k: Kernel, t: Task, v: VmaInfo): string {
  const f = mm_fields(k, t.mm);
  if (v.start <= f.brk && v.end >= f.start_brk && f.brk > f.start_brk) return "[heap]";
  if (t.start_stack >= v.start && t.start_stack < v.end) return "[stack]";
  if (t.sigreturn_tramp === v.start) return "[vdso]";
  const name = anon_vma_name(k, t, v);
  return name === null ? "" : "[anon:" + name + "]";
}

/** prctl(PR_SET_VMA_ANON_NAME)'s name for the vma, or null. */
function anon_vma_name(k: Kernel, t: Task, v: VmaInfo): string | null {
  const n = k.machine.core.mm_vma_anon_name(t.mm, v.start) as number;
  if (n < 0) return null;
  return new TextDecoder().decode(k.machine.bytes().subarray(k.machine.bounce, k.machine.bounce + n));
}

/** A file vma's dev, inode and name as show_map_vma prints them (d_path, " (deleted)"). */
function vma_file(k: Kernel, t: Task, v: VmaInfo): { dev: number; ino: number; name: string } {
  const pc = k.fs.vfs.page_cache;
  const mf = pc?.mapped_file(v.file) ?? null;
  if (mf) {
    const d = mf.path.dentry;
    let name: string;
    if (d.d_name.startsWith("memfd:") && d.d_deleted) name = "/" + d.d_name;
    else {
      const r = k.fs.vfs.d_path(t.fs?.root ?? k.fs.vfs.root_path(), mf.path);
      name = (r.reachable ? "" : "(unreachable)") + r.name;
    }
    return { dev: mf.inode.i_sb.s_dev, ino: mf.inode.i_ino, name: name + (d.d_deleted ? " (deleted)" : "") };
  }
  // Shared anonymous memory: shmem_zero_setup's file on the internal shm mount, shown by its
  // prctl name when it has one.
  const ino = pc?.anon_shmem_ino(v.file) ?? 0;
  const anon = anon_vma_name(k, t, v);
  return { dev: k.fs.shm_mnt.mnt_sb.s_dev, ino, name: anon === null ? "/dev/zero (deleted)" : `[anon_shmem:${anon}]` };
}

/** /proc/<pid>/maps. */
export function proc_pid_maps(k: Kernel, t: Task): string {
  let s = "";
  for (const v of mm_vmas(k, t.mm)) {
    const perms = (v.flags & VM_READ ? "r" : "-") + (v.flags & VM_WRITE ? "w" : "-") +
      (v.flags & VM_EXEC ? "x" : "-") + (v.flags & VM_MAYSHARE ? "s" : "p");
    if (v.file) {
      const f = vma_file(k, t, v);
      const dev = `${hex(BigInt(MAJOR(f.dev)), 2)}:${hex(BigInt(MINOR(f.dev)), 2)}`;
      const line = `${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} ${hex(v.pgoff << 12n, 8)} ${dev} ${f.ino}`;
      s += line.padEnd(73, " ") + f.name + "\n";
      continue;
    }
    // Anonymous private mappings show offset 0 (vm_pgoff is the address, not a file offset).
    let line = `${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} ${hex(0n, 8)} 00:00 0`;
    const name = vma_name(k, t, v);
    if (name) line = line.padEnd(73, " ") + name;
    s += line + "\n";
  }
  return s;
}

/** The Vm* and Rss* lines of /proc/<pid>/status (task_mem()). */
export function proc_status_mm(k: Kernel, t: Task): string {
  if (!t.mm) return "";
  let total = 0n, locked = 0n, data = 0n, stack = 0n, exec = 0n, rss = 0n;
  for (const v of mm_vmas(k, t.mm)) {
    const pages = (v.end - v.start) >> 12n;
    total += pages;
    if (v.flags & VM_LOCKED) locked += pages;
    if ((v.flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) === VM_WRITE) data += pages;
    if (v.flags & VM_GROWSDOWN) stack += pages;
    if ((v.flags & (VM_EXEC | VM_WRITE | VM_GROWSDOWN)) === VM_EXEC) exec += pages;
    rss += v.rss_pages;
  }
  const f = mm_fields(k, t.mm);
  const peak = f.hiwater_vm > total ? f.hiwater_vm : total;
  const kb = (pages: bigint): string => `${String(pages * 4n).padStart(8, " ")} kB`;
  return `VmPeak:\t${kb(peak)}\nVmSize:\t${kb(total)}\nVmLck:\t${kb(locked)}\nVmPin:\t${kb(0n)}\n` +
    `VmHWM:\t${kb(rss)}\nVmRSS:\t${kb(rss)}\nRssAnon:\t${kb(rss)}\nRssFile:\t${kb(0n)}\nRssShmem:\t${kb(0n)}\n` +
    `VmData:\t${kb(data)}\nVmStk:\t${kb(stack)}\nVmExe:\t${kb(exec)}\nVmLib:\t${kb(0n)}\n` +
    `VmPTE:\t${kb(0n)}\nVmSwap:\t${kb(0n)}\n`;
}

/** vsize (bytes) and rss (pages) for /proc/<pid>/stat. */
export function proc_stat_mm(k: Kernel, t: Task): { vsize: bigint; rss: bigint } {
  let vsize = 0n, rss = 0n;
  for (const v of mm_vmas(k, t.mm)) {
    vsize += v.end - v.start;
    rss += v.rss_pages;
  }
  return { vsize, rss };
}
