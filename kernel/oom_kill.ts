// kernel/oom_kill.ts — the OOM killer (mm/oom_kill.c, 6.18): when a page fault finds no free
// frame, kill the process whose memory is largest and let the fault try again.
// Badness is oom_badness() without oom_score_adj (always 0 here): resident pages of every
// kind plus page-table pages (not counted yet) plus swap (none). Init is never chosen; on a
// tie the process found later in pid order wins, as select_bad_process's `<` comparison
// makes it. The victim dies at once (our stand-in for the oom_reaper), so its frames are
// free before the faulting task runs again.

import type { Kernel } from "./kernel";
import type { Task } from "./task";
import { KERN_ERR, KERN_WARNING } from "./printk";
import { bytes_name } from "./fs/vfs_types";

/** The SIGKILL code the core reports for VM_FAULT_OOM (assembly/arch/um/fault.ts). */
export const FAULT_CODE_OOM = 0x4f4f4d;

/** Resident pages of mm by kind (MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES: mm_types.ts). */
export function mm_rss(k: Kernel, mm: number): { anon: number; file: number; shmem: number } {
  const dv = new DataView(k.machine.bytes().buffer, mm, 128);
  return { anon: Number(dv.getBigUint64(72, true)), file: dv.getUint32(104, true), shmem: dv.getUint32(108, true) };
}

function total_vm_pages(k: Kernel, mm: number): number {
  return Number(new DataView(k.machine.bytes().buffer, mm, 128).getBigUint64(48, true));
}

/** out_of_memory for a fault of current: kills the worst process and says whether current may
 *  retry (false: current itself was the victim, or nothing could be killed and it must die). */
export function out_of_memory(k: Kernel, current: Task): boolean {
  let chosen: Task | null = null;
  let chosen_points = -1;
  const leaders = [...k.tasks.values()].filter((t) => t.group[0] === t && t.state.kind === "running")
    .sort((a, b) => a.pid - b.pid);
  for (const t of leaders) {
    if (t === k.init) continue;
    const mm = t.group.find((g) => g.mm)?.mm ?? 0;
    if (!mm) continue;
    const r = mm_rss(k, mm);
    const points = r.anon + r.file + r.shmem;
    if (points < chosen_points) continue;
    chosen = t;
    chosen_points = points;
  }
  const victim = chosen ?? current;
  const mm = victim.group.find((g) => g.mm)?.mm ?? 0;
  const r = mm ? mm_rss(k, mm) : { anon: 0, file: 0, shmem: 0 };
  const kb = (pages: number) => `${pages * 4}kB`;
  const log = (level: number, line: string) => k.printk.printk(level, bytes_name(new TextEncoder().encode(line + "\n")));
  log(KERN_WARNING, `${current.comm} invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0`);
  log(KERN_ERR, `Out of memory: Killed process ${victim.pid} (${victim.comm}) total-vm:${kb(mm ? total_vm_pages(k, mm) : 0)}, ` +
    `anon-rss:${kb(r.anon)}, file-rss:${kb(r.file)}, shmem-rss:${kb(r.shmem)}, UID:${victim.uid} pgtables:0kB oom_score_adj:0`);
  const self = victim.group.includes(current);
  k.do_group_exit(victim, { kind: "signaled", signo: 9, core: false });
  return !self;
}
