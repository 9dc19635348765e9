// kernel/mm_proc.ts — the mm's files in /proc: /proc/<pid>/{maps,smaps,smaps_rollup,statm},
// the Vm*/Rss* lines of status, the mm fields of stat, and /proc/meminfo, formatted as
// fs/proc/task_mmu.c and fs/proc/meminfo.c (Linux 6.18) format them. The numbers come from
// the core: mm_vma_dump and mm_smaps_dump walk the vmas and their page tables, mm_task_mem
// counts resident pages by kind, mem_census_dump classifies every frame (assembly/mm/task_mmu.ts).
// /proc/<pid>/pagemap (binary, 8 bytes a page) and clear_refs (write-only) are here too; the
// core's mm_pagemap and mm_clear_refs do their page-table work (mm/task_mmu.ts).
// Names follow Linux: [heap] over the brk area, [stack] over the initial stack, [vdso] for the
// page holding the sigreturn trampoline (where Linux maps its vDSO), [anon:name] and
// [anon_shmem:name] for vmas named by prctl(PR_SET_VMA_ANON_NAME); file vmas show their path.

import type { Kernel } from "./kernel";
import type { Task } from "./task";
import { MAJOR, MINOR } from "./fs/vfs_types";
import { EINVAL, ERANGE, ESRCH } from "./errno";
import { TASK_SIZE } from "./exec_stack";

const VM_READ = 0x1n, VM_WRITE = 0x2n, VM_EXEC = 0x4n, VM_SHARED = 0x8n, VM_MAYSHARE = 0x80n,
  VM_GROWSDOWN = 0x100n, VM_LOCKED = 0x2000n, VM_ACCOUNT = 0x100000n;
const PAGE_SIZE = 4096n;
const PSS_SHIFT = 12n;

export interface VmaInfo {
  start: bigint;
  end: bigint;
  flags: bigint;
  pgoff: bigint;
  rss_pages: bigint;
  /** The address_space of a file mapping (kernel/fs/page_cache.ts), 0 for anonymous memory. */
  file: number;
}

/** struct mem_size_stats as the core fills it (bytes; pss_* in bytes << PSS_SHIFT). */
export interface MemSizeStats {
  resident: bigint; shared_clean: bigint; shared_dirty: bigint; private_clean: bigint;
  private_dirty: bigint; referenced: bigint; anonymous: bigint; lazyfree: bigint; pss: bigint;
  pss_dirty: bigint; pss_anon: bigint; pss_file: bigint; pss_shmem: bigint; pss_locked: bigint;
}
const MSS_FIELDS: (keyof MemSizeStats)[] = ["resident", "shared_clean", "shared_dirty", "private_clean",
  "private_dirty", "referenced", "anonymous", "lazyfree", "pss", "pss_dirty", "pss_anon", "pss_file",
  "pss_shmem", "pss_locked"];
const MSS_SIZE = MSS_FIELDS.length * 8;
const SMAPS_RECORD = 40 + MSS_SIZE;

export interface SmapsVma {
  start: bigint;
  end: bigint;
  flags: bigint;
  pgoff: bigint;
  /** As VmaInfo.file. */
  file: number;
  mss: MemSizeStats;
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

function mss_zero(): MemSizeStats {
  const m = {} as MemSizeStats;
  for (const f of MSS_FIELDS) m[f] = 0n;
  return m;
}

/** Every vma of mm with its smaps counters, lowest first. */
export function mm_smaps(k: Kernel, mm: number): SmapsVma[] {
  const out: SmapsVma[] = [];
  if (!mm) return out;
  let from = 0n;
  for (;;) {
    const n = k.machine.core.mm_smaps_dump(mm, from) >>> 0;
    if (n === 0) break;
    const dv = new DataView(k.machine.bytes().buffer, k.machine.bounce, n * SMAPS_RECORD);
    for (let i = 0; i < n; i++) {
      const o = i * SMAPS_RECORD;
      const mss = mss_zero();
      MSS_FIELDS.forEach((f, j) => { mss[f] = dv.getBigUint64(o + 40 + j * 8, true); });
      out.push({
        start: dv.getBigUint64(o, true), end: dv.getBigUint64(o + 8, true), flags: dv.getBigUint64(o + 16, true),
        pgoff: dv.getBigUint64(o + 24, true), file: Number(dv.getBigUint64(o + 32, true)), mss,
      });
    }
    from = out[out.length - 1].end;
  }
  return out;
}

interface TaskMem { anon: bigint; file: bigint; shmem: bigint; pgtables_bytes: bigint; hiwater_rss: bigint }

/** The resident counters of an mm (get_mm_counter for MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES). */
function task_mem_counters(k: Kernel, mm: number): TaskMem {
  k.machine.core.mm_task_mem(mm);
  const dv = new DataView(k.machine.bytes().buffer, k.machine.bounce, 40);
  return {
    anon: dv.getBigUint64(0, true), file: dv.getBigUint64(8, true), shmem: dv.getBigUint64(16, true),
    pgtables_bytes: dv.getBigUint64(24, true), hiwater_rss: dv.getBigUint64(32, true),
  };
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
function vma_name(k: Kernel, t: Task, v: { start: bigint; end: bigint }): string {
  const f = mm_fields(k, t.mm);
  if (v.start <= f.brk && v.end >= f.start_brk && f.brk > f.start_brk) return "[heap]";
  if (t.start_stack >= v.start && t.start_stack < v.end) return "[stack]";
  if (t.sigreturn_tramp === v.start) return "[vdso]";
  const name = anon_vma_name(k, t, v);
  return name === null ? "" : "[anon:" + name + "]";
}

/** prctl(PR_SET_VMA_ANON_NAME)'s name for the vma, or null. */
function anon_vma_name(k: Kernel, t: Task, v: { start: bigint }): string | null {
  const n = k.machine.core.mm_vma_anon_name(t.mm, v.start) as number;
  if (n < 0) return null;
  return new TextDecoder().decode(k.machine.bytes().subarray(k.machine.bounce, k.machine.bounce + n));
}

/** A file vma's dev, inode and name as show_map_vma prints them (d_path, " (deleted)"). */
function vma_file(k: Kernel, t: Task, v: { start: bigint; file: number }): { dev: number; ino: number; name: string } {
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

/** seq_setwidth(25 + 6 * sizeof(void *) - 1) then seq_pad(' '): a name starts in column 73. */
function with_name(prefix: string, name: string): string {
  return name ? prefix.padEnd(72, " ") + " " + name : prefix;
}

/** show_map_vma: one line of maps, also the first line of each smaps entry. */
function show_map_vma(k: Kernel, t: Task, v: VmaInfo | SmapsVma): string {
  const perms = (v.flags & VM_READ ? "r" : "-") + (v.flags & VM_WRITE ? "w" : "-") +
    (v.flags & VM_EXEC ? "x" : "-") + (v.flags & VM_MAYSHARE ? "s" : "p");
  if (v.file) {
    const f = vma_file(k, t, v);
    const dev = `${hex(BigInt(MAJOR(f.dev)), 2)}:${hex(BigInt(MINOR(f.dev)), 2)}`;
    return with_name(`${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} ${hex(v.pgoff << 12n, 8)} ${dev} ${f.ino} `, f.name) + "\n";
  }
  // Anonymous mappings show offset 0 (vm_pgoff is the address, not a file offset). The
  // header ends in a space even when no name follows, as show_vma_header_prefix prints it.
  const prefix = `${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} ${hex(0n, 8)} 00:00 0 `;
  return with_name(prefix, vma_name(k, t, v)) + "\n";
}

/** /proc/<pid>/maps. */
export function proc_pid_maps(k: Kernel, t: Task): string {
  let s = "";
  for (const v of mm_vmas(k, t.mm)) s += show_map_vma(k, t, v);
  return s;
}

/** SEQ_PUT_DEC: a 16-character label, the value in kB right-aligned in 8, then " kB". */
function kb_line(label: string, bytes: bigint): string {
  return `${(label + ":").padEnd(16, " ")}${String(bytes >> 10n).padStart(8, " ")} kB\n`;
}

/** __show_smap: the counter lines shared by smaps and smaps_rollup. */
function show_smap_counters(m: MemSizeStats, rollup: boolean): string {
  let s = kb_line("Rss", m.resident) + kb_line("Pss", m.pss >> PSS_SHIFT) + kb_line("Pss_Dirty", m.pss_dirty >> PSS_SHIFT);
  if (rollup) {
    s += kb_line("Pss_Anon", m.pss_anon >> PSS_SHIFT) + kb_line("Pss_File", m.pss_file >> PSS_SHIFT) +
      kb_line("Pss_Shmem", m.pss_shmem >> PSS_SHIFT);
  }
  s += kb_line("Shared_Clean", m.shared_clean) + kb_line("Shared_Dirty", m.shared_dirty) +
    kb_line("Private_Clean", m.private_clean) + kb_line("Private_Dirty", m.private_dirty) +
    kb_line("Referenced", m.referenced) + kb_line("Anonymous", m.anonymous) + kb_line("KSM", 0n) +
    kb_line("LazyFree", m.lazyfree) +
    // THP is compiled in but "never": no PMD mappings; no hugetlb, no swap.
    kb_line("AnonHugePages", 0n) + kb_line("ShmemPmdMapped", 0n) + kb_line("FilePmdMapped", 0n) +
    kb_line("Shared_Hugetlb", 0n) + kb_line("Private_Hugetlb", 0n) + kb_line("Swap", 0n) +
    kb_line("SwapPss", 0n) + kb_line("Locked", m.pss_locked >> PSS_SHIFT);
  return s;
}

// show_smap_vma_flags' mnemonics, by bit number; bits without one are not printed.
// VM_UFFD_MISSING is bit 9 ("um"), VM_UFFD_WP bit 12 ("uw"), as include/linux/mm.h has them.
const VM_FLAG_MNEMONICS: [number, string][] = [
  [0, "rd"], [1, "wr"], [2, "ex"], [3, "sh"], [4, "mr"], [5, "mw"], [6, "me"], [7, "ms"], [8, "gd"],
  [9, "um"], [10, "pf"], [12, "uw"], [13, "lo"], [14, "io"], [15, "sr"], [16, "rr"], [17, "dc"], [18, "de"], [19, "lf"],
  [20, "ac"], [21, "nr"], [22, "ht"], [23, "sf"], [24, "ar"], [25, "wf"], [26, "dd"], [28, "mm"],
  [29, "hg"], [30, "nh"], [31, "mg"],
];

function show_smap_vma_flags(flags: bigint): string {
  let s = "VmFlags: ";
  for (const [bit, name] of VM_FLAG_MNEMONICS) if (flags & (1n << BigInt(bit))) s += name + " ";
  return s + "\n";
}

/** /proc/<pid>/smaps (show_smap for each vma). */
export function proc_pid_smaps(k: Kernel, t: Task): string {
  let s = "";
  for (const v of mm_smaps(k, t.mm)) {
    s += show_map_vma(k, t, v);
    s += kb_line("Size", v.end - v.start) + kb_line("KernelPageSize", PAGE_SIZE) + kb_line("MMUPageSize", PAGE_SIZE);
    s += show_smap_counters(v.mss, false);
    // thp_vma_allowable_orders() is false for every vma while THP is "never".
    s += `THPeligible:    ${String(0).padStart(8, " ")}\n`;
    s += show_smap_vma_flags(v.flags);
  }
  return s;
}

/** /proc/<pid>/smaps_rollup (show_smaps_rollup): every vma's counters summed under one header
 *  spanning the first vma's start to the last one's end. Empty for a task without an mm. */
export function proc_pid_smaps_rollup(k: Kernel, t: Task): string {
  const vmas = mm_smaps(k, t.mm);
  if (vmas.length === 0) return "";
  const sum = mss_zero();
  for (const v of vmas) for (const f of MSS_FIELDS) sum[f] += v.mss[f];
  const prefix = `${hex(vmas[0].start, 8)}-${hex(vmas[vmas.length - 1].end, 8)} ---p 00000000 00:00 0`;
  return with_name(prefix, "[rollup]") + "\n" + show_smap_counters(sum, true);
}

/** The counters task_mem() and task_statm() print, in pages. */
interface MmCounters {
  total_vm: bigint; hiwater_vm: bigint; locked_vm: bigint; data_vm: bigint; stack_vm: bigint;
  exec_vm: bigint; text_pages: bigint; anon: bigint; file: bigint; shmem: bigint;
  hiwater_rss: bigint; pgtables_bytes: bigint;
}

function mm_counters(k: Kernel, t: Task): MmCounters {
  let total = 0n, locked = 0n, data = 0n, stack = 0n, exec = 0n;
  for (const v of mm_vmas(k, t.mm)) {
    const pages = (v.end - v.start) >> 12n;
    total += pages;
    if (v.flags & VM_LOCKED) locked += pages;
    // vm_stat_account's classes: is_data_mapping, is_stack_mapping, is_exec_mapping.
    if ((v.flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) === VM_WRITE) data += pages;
    if (v.flags & VM_GROWSDOWN) stack += pages;
    if ((v.flags & (VM_EXEC | VM_WRITE | VM_GROWSDOWN)) === VM_EXEC) exec += pages;
  }
  const c = task_mem_counters(k, t.mm);
  const f = mm_fields(k, t.mm);
  const page_align = (a: bigint): bigint => (a + PAGE_SIZE - 1n) & ~(PAGE_SIZE - 1n);
  const text_pages = t.end_code > t.start_code ? (page_align(t.end_code) - (t.start_code & ~(PAGE_SIZE - 1n))) >> 12n : 0n;
  return {
    total_vm: total, hiwater_vm: f.hiwater_vm, locked_vm: locked, data_vm: data, stack_vm: stack,
    exec_vm: exec, text_pages, anon: c.anon, file: c.file, shmem: c.shmem, hiwater_rss: c.hiwater_rss,
    pgtables_bytes: c.pgtables_bytes,
  };
}

/** The Vm* and Rss* lines of /proc/<pid>/status (task_mem()). */
export function proc_status_mm(k: Kernel, t: Task): string {
  if (!t.mm) return "";
  const c = mm_counters(k, t);
  const peak = c.hiwater_vm > c.total_vm ? c.hiwater_vm : c.total_vm;
  const rss = c.anon + c.file + c.shmem;
  const hwm = c.hiwater_rss > rss ? c.hiwater_rss : rss;
  const kb = (n: bigint): string => `${String(n).padStart(8, " ")} kB`;
  const pg = (pages: bigint): string => kb(pages * 4n);
  const text_kb = c.text_pages * 4n;
  const lib_kb = c.exec_vm * 4n - text_kb;
  return `VmPeak:\t${pg(peak)}\nVmSize:\t${pg(c.total_vm)}\nVmLck:\t${pg(c.locked_vm)}\nVmPin:\t${pg(0n)}\n` +
    `VmHWM:\t${pg(hwm)}\nVmRSS:\t${pg(rss)}\nRssAnon:\t${pg(c.anon)}\nRssFile:\t${pg(c.file)}\n` +
    `RssShmem:\t${pg(c.shmem)}\nVmData:\t${pg(c.data_vm)}\nVmStk:\t${pg(c.stack_vm)}\nVmExe:\t${kb(text_kb)}\n` +
    `VmLib:\t${kb(lib_kb < 0n ? 0n : lib_kb)}\nVmPTE:\t${kb(c.pgtables_bytes >> 10n)}\nVmSwap:\t${pg(0n)}\n`;
}

/** /proc/<pid>/statm (task_statm()): size resident shared text lib data dt, in pages. */
export function proc_pid_statm(k: Kernel, t: Task): string {
  if (!t.mm) return "0 0 0 0 0 0 0\n";
  const c = mm_counters(k, t);
  const shared = c.file + c.shmem;
  return `${c.total_vm} ${shared + c.anon} ${shared} ${c.text_pages} 0 ${c.data_vm + c.stack_vm} 0\n`;
}

/** vsize (bytes) and rss (pages) for /proc/<pid>/stat. */
export function proc_stat_mm(k: Kernel, t: Task): { vsize: bigint; rss: bigint } {
  let vsize = 0n;
  for (const v of mm_vmas(k, t.mm)) vsize += v.end - v.start;
  const c = task_mem_counters(k, t.mm);
  return { vsize, rss: c.anon + c.file + c.shmem };
}

/** The distinct address spaces of live tasks, in task order. */
function live_mms(k: Kernel): number[] {
  const seen = new Set<number>();
  for (const t of k.tasks.values()) if (t.mm && t.state.kind === "running") seen.add(t.mm);
  return [...seen];
}

/** /proc/meminfo (meminfo_proc_show) for a kernel built with THP but without swap, zswap,
 *  hugetlb, highmem, CMA or memory-failure handling: those lines are absent or zero.
 *  DIVERGES: there are no LRU lists, so mapped anonymous pages all count as Active(anon),
 *  page cache as Inactive(file) and nothing is reclaimable beyond clean page cache; Mlocked
 *  counts resident pages of locked vmas once per mapping, not once per page. */
export function proc_meminfo(k: Kernel): string {
  const core = k.machine.core;
  core.mem_census_dump();
  const dv = new DataView(k.machine.bytes().buffer, k.machine.bounce, 48);
  const anon = dv.getBigUint64(0, true), mapped = dv.getBigUint64(8, true), shmem = dv.getBigUint64(16, true);
  const cached_all = dv.getBigUint64(24, true), pagetables = dv.getBigUint64(32, true);
  const total = BigInt(core.mem_nr_frames() >>> 0);
  const free = BigInt(core.mem_nr_free() >>> 0);
  let committed = 0n, mlocked = 0n;
  for (const mm of live_mms(k)) {
    for (const v of mm_vmas(k, mm)) {
      if (v.flags & VM_ACCOUNT) committed += (v.end - v.start) >> 12n;
      if (v.flags & VM_LOCKED) mlocked += v.rss_pages;
    }
  }
  const file_lru = cached_all - shmem;
  // si_mem_available(): free memory plus the page cache that could be dropped (no watermarks
  // or reserves here, so nothing is held back).
  const available = free + file_lru;
  const lines: [string, bigint][] = [
    ["MemTotal", total], ["MemFree", free], ["MemAvailable", available], ["Buffers", 0n],
    ["Cached", cached_all], ["SwapCached", 0n], ["Active", anon + shmem], ["Inactive", file_lru],
    ["Active(anon)", anon + shmem], ["Inactive(anon)", 0n], ["Active(file)", 0n], ["Inactive(file)", file_lru],
    ["Unevictable", 0n], ["Mlocked", mlocked], ["SwapTotal", 0n], ["SwapFree", 0n], ["Dirty", 0n],
    ["Writeback", 0n], ["AnonPages", anon], ["Mapped", mapped], ["Shmem", shmem], ["KReclaimable", 0n],
    ["Slab", 0n], ["SReclaimable", 0n], ["SUnreclaim", 0n], ["KernelStack", 0n], ["PageTables", pagetables],
    ["SecPageTables", 0n], ["NFS_Unstable", 0n], ["Bounce", 0n], ["WritebackTmp", 0n],
    // CommitLimit: overcommit_ratio (50) percent of RAM, no swap.
    ["CommitLimit", total / 2n], ["Committed_AS", committed],
  ];
  let s = "";
  const kb = (name: string, pages: bigint): string => `${(name + ":").padEnd(16, " ")}${String(pages * 4n).padStart(8, " ")} kB\n`;
  for (const [name, pages] of lines) s += kb(name, pages);
  // riscv64 Sv39's vmalloc/ioremap space is 64 GiB (Documentation/arch/riscv/vm-layout.rst).
  s += kb("VmallocTotal", 64n << 18n);
  for (const name of ["VmallocUsed", "VmallocChunk", "Percpu", "AnonHugePages", "ShmemHugePages",
    "ShmemPmdMapped", "FileHugePages", "FilePmdMapped", "Balloon"]) s += kb(name, 0n);
  return s;
}

/** PM_ENTRY_BYTES: one pagemap entry per page. */
const PM_ENTRY_BYTES = 8;
/** Bits 0-54 of an entry: the page frame number. */
const PM_PFRAME_MASK = (1n << 55n) - 1n;
const TASK_SIZE_N = BigInt(TASK_SIZE);

/** /proc/<pid>/pagemap's read (fs/proc/task_mmu.c pagemap_read): count bytes of entries from
 *  the entry at pos. Position and count must both be multiples of 8 (EINVAL, checked before a
 *  zero count returns 0). The range stops at TASK_SIZE: a position at or past it reads 0
 *  bytes. mm is the address space the file was opened on, 0 once it is gone (exit, exec:
 *  mmget_not_zero fails and the read returns 0). Bits 0-54 (the PFN) are cleared unless
 *  show_pfn (the opener had CAP_SYS_ADMIN). */
export function proc_pagemap_read(k: Kernel, mm: number, pos: bigint, count: number, show_pfn: boolean): Uint8Array | number {
  if (!mm) return new Uint8Array(0);
  if (pos % BigInt(PM_ENTRY_BYTES) !== 0n || count % PM_ENTRY_BYTES !== 0) return -EINVAL;
  if (count === 0) return new Uint8Array(0);
  const svpfn = pos / BigInt(PM_ENTRY_BYTES);
  let start = TASK_SIZE_N;
  let end = TASK_SIZE_N;
  if (svpfn <= (1n << 52n) - 1n) {
    start = svpfn * PAGE_SIZE;
    const e = start + BigInt(count / PM_ENTRY_BYTES) * PAGE_SIZE;
    if (e < TASK_SIZE_N) end = e;
  }
  if (start > TASK_SIZE_N) start = end;
  if (start >= end) return new Uint8Array(0);
  const nr = Number((end - start) / PAGE_SIZE);
  const out = new Uint8Array(nr * PM_ENTRY_BYTES);
  const chunk = k.machine.bounceSize / PM_ENTRY_BYTES;
  for (let done = 0; done < nr; done += chunk) {
    const n = Math.min(chunk, nr - done);
    k.machine.core.mm_pagemap(mm, start + BigInt(done) * PAGE_SIZE, n);
    out.set(new Uint8Array(k.machine.bytes().buffer, k.machine.bounce, n * PM_ENTRY_BYTES), done * PM_ENTRY_BYTES);
  }
  if (!show_pfn) {
    const dv = new DataView(out.buffer);
    for (let i = 0; i < nr; i++) dv.setBigUint64(i * 8, dv.getBigUint64(i * 8, true) & ~PM_PFRAME_MASK, true);
  }
  return out;
}

/** PROC_NUMBUF: clear_refs reads at most PROC_NUMBUF - 1 bytes of a write. */
const PROC_NUMBUF = 13;

/** kstrtoint(s, 10): an optional sign, decimal digits, one optional "\n"; the value, or
 *  -EINVAL for anything else and -ERANGE outside an int. */
function kstrtoint(s: string): { value: number } | { err: number } {
  const m = /^(-|\+?)([0-9]+)\n?$/.exec(s);
  if (!m) return { err: -EINVAL };
  const v = m[1] === "-" ? -BigInt(m[2]) : BigInt(m[2]);
  if (v > 0x7fffffffn || v < -0x80000000n) return { err: -ERANGE };
  return { value: Number(v) };
}

/** /proc/<pid>/clear_refs's write (clear_refs_write): the first PROC_NUMBUF - 1 bytes, up to
 *  a NUL, stripped of surrounding blanks, must be an int from 1 (CLEAR_REFS_ALL) to 5
 *  (CLEAR_REFS_MM_HIWATER_RSS); returns the bytes it read or -errno. The work is the core's
 *  (mm/task_mmu.ts clear_refs). "4" is accepted and does nothing: this configuration has
 *  CONFIG_MEM_SOFT_DIRTY unset, as the Linux it follows. */
export function proc_clear_refs_write(k: Kernel, t: Task, data: Uint8Array): number {
  const count = Math.min(data.length, PROC_NUMBUF - 1);
  let bytes = data.subarray(0, count);
  const nul = bytes.indexOf(0);
  if (nul >= 0) bytes = bytes.subarray(0, nul);
  const text = new TextDecoder("latin1").decode(bytes).replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "");
  const r = kstrtoint(text);
  if ("err" in r) return r.err;
  const type = r.value;
  if (type < 1 || type > 5) return -EINVAL;
  if (t.reaped) return -ESRCH; // get_proc_task: the pid is gone
  // A zombie has no mm any more (get_task_mm is NULL): nothing to do, the write succeeds.
  if (t.state.kind === "running" && t.mm) k.machine.core.mm_clear_refs(t.mm, type);
  return count;
}
