// kernel/fs/sysfs.ts — a minimal sysfs (fs/sysfs/, mm/huge_memory.c's attributes): the tree a
// program reads to learn the memory-management configuration, generated on lookup like procfs.
// Owns: the transparent_hugepage settings, which are those of a kernel built with THP and booted
// with transparent_hugepage=never (mm/huge_memory.c defaults otherwise), on riscv64 with 4 KiB
// pages: PMD-sized pages of 2 MiB, mTHP sizes 16 kB..2048 kB for anonymous memory and 8 kB..
// 2048 kB for shmem.
// DIVERGES: only /sys/kernel/mm/transparent_hugepage exists (no devices, buses, classes, no
// per-size stats directories); the settings can be rewritten to what they are but not changed
// (EINVAL), because the mm core maps no huge pages.

import type { Vfs } from "./vfs";
import type { FileSystemType } from "./vfs_types";
import { table_fill_super, file, dir, ProcEntry } from "./procfs";
import { EINVAL } from "../errno";

export const SYSFS_MAGIC = 0x62656572;

/** A selection attribute: the choices with the current one in brackets ("always [never]"). */
function choice(choices: string[], current: string): string {
  return choices.map((c) => (c === current ? `[${c}]` : c)).join(" ") + "\n";
}

/** A store that accepts the current choice (or value) only: writing it is a no-op, as on Linux;
 *  any other value would need huge pages the core does not have. */
function keep(current: string): (text: string) => number {
  return (text) => (text.trim() === current ? 0 : -EINVAL);
}

const THP_ENABLED = ["always", "madvise", "never"];
const THP_DEFRAG = ["always", "defer", "defer+madvise", "madvise", "never"];
const SHMEM_ENABLED = ["always", "within_size", "advise", "never", "deny", "force"];
const SIZE_ENABLED = ["always", "inherit", "madvise", "never"];
const SIZE_SHMEM = ["always", "inherit", "within_size", "advise", "never"];
const HPAGE_PMD_SIZE = 2 << 20;

/** One hugepages-<size>kB directory (thpsize_create): PMD size inherits the global setting,
 *  smaller sizes default to never; order 1 (8 kB) exists for shmem only. */
function thpsize_dir(kb: number): ProcEntry {
  const pmd = kb * 1024 === HPAGE_PMD_SIZE;
  const ents: ProcEntry[] = [];
  if (kb >= 16) {
    const v = pmd ? "inherit" : "never";
    ents.push(file("enabled", () => choice(SIZE_ENABLED, v), 0o644, keep(v)));
  }
  const sv = pmd ? "inherit" : "never";
  ents.push(file("shmem_enabled", () => choice(SIZE_SHMEM, sv), 0o644, keep(sv)));
  return dir(`hugepages-${kb}kB`, () => ents, 0o755);
}

function khugepaged_dir(): ProcEntry {
  const attr = (name: string, v: number): ProcEntry => file(name, () => `${v}\n`, 0o644, keep(String(v)));
  const stat = (name: string): ProcEntry => file(name, () => "0\n", 0o444);
  return dir("khugepaged", () => [
    attr("alloc_sleep_millisecs", 60000), attr("defrag", 1), stat("full_scans"), attr("max_ptes_none", 511),
    attr("max_ptes_shared", 256), attr("max_ptes_swap", 64), stat("pages_collapsed"), attr("pages_to_scan", 4096),
    attr("scan_sleep_millisecs", 10000),
  ], 0o755);
}

function transparent_hugepage_dir(): ProcEntry {
  const sizes = [8, 16, 32, 64, 128, 256, 512, 1024, 2048];
  const ents: ProcEntry[] = [
    file("defrag", () => choice(THP_DEFRAG, "madvise"), 0o644, keep("madvise")),
    file("enabled", () => choice(THP_ENABLED, "never"), 0o644, keep("never")),
    file("hpage_pmd_size", () => `${HPAGE_PMD_SIZE}\n`, 0o444),
    ...sizes.map(thpsize_dir),
    khugepaged_dir(),
    file("shmem_enabled", () => choice(SHMEM_ENABLED, "never"), 0o644, keep("never")),
    file("shrink_underused", () => "1\n", 0o644, keep("1")),
    file("use_zero_page", () => "1\n", 0o644, keep("1")),
  ];
  // readdir order: Linux lists kernfs nodes sorted by name hash; name order reads alike enough.
  ents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return dir("transparent_hugepage", () => ents, 0o755);
}

function sysfs_root(): ProcEntry[] {
  return [dir("kernel", () => [dir("mm", () => [transparent_hugepage_dir()], 0o755)], 0o755)];
}

export function sysfs_type(vfs: Vfs): FileSystemType {
  const type: FileSystemType = {
    name: "sysfs",
    requires_dev: false,
    mount: () => table_fill_super(vfs, type, SYSFS_MAGIC, sysfs_root),
  };
  return type;
}
