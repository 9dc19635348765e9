// kernel/oom_kill.test.ts — a fault with no free frame runs the OOM killer: the process with
// the most resident memory dies (never init), it is logged as Linux logs it, its frames come
// back, and a faulting task that was not the victim carries on.
import { describe, expect, it } from "vitest";
import * as E from "../tests/differential/rvgen/encode";
import { bootTestKernel, spawnTiny } from "../tests/helpers/tiny_guest";

const A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14, A5 = 15, A7 = 17, T1 = 6, T2 = 7;

/** li rd, v for 0 <= v < 2^31. */
function li(rd: number, v: number): E.Insn[] {
  const hi = (v + 0x800) >> 12;
  return [E.lui(rd, hi), E.addi(rd, rd, v - (hi << 12))];
}

/** mmap(NULL, 64 MiB, RW, PRIVATE|ANON), store to `pages` pages (all 16384: until killed),
 *  then exit(0) or, with spin, loop forever holding them. */
function hog(pages: number, spin = false): E.Insn[] {
  return [
    E.addi(A0, 0, 0), E.lui(A1, 64 << 8), E.addi(A2, 0, 3), E.addi(A3, 0, 0x22), E.addi(A4, 0, -1),
    E.addi(A5, 0, 0), E.addi(A7, 0, 222), E.ecall(), E.lui(T1, 1), ...li(T2, pages),
    // loop: sd t1, 0(a0); a0 += 4096; t2 -= 1; bne t2, x0, loop
    E.sd(T1, A0, 0), E.add(A0, A0, T1), E.addi(T2, T2, -1), E.bne(T2, 0, -12),
    ...(spin ? [E.jal(0, 0)] : [E.addi(A0, 0, 0), E.addi(A7, 0, 94), E.ecall()]),
  ];
}

describe("out_of_memory", () => {
  it("kills the biggest process, not init, and lets the faulting task go on", () => {
    const { kernel } = bootTestKernel("mem=16M");
    const init = spawnTiny(kernel, [E.jal(0, 0)]).task; // pid 1 spins
    // The big one takes nearly everything, then holds it.
    const big = spawnTiny(kernel, hog(kernel.machine.nrFreePages() - 400, true)).task;
    kernel.step(4);
    expect(big.state.kind).toBe("running");
    expect(kernel.machine.nrFreePages()).toBeLessThan(400);
    const small = spawnTiny(kernel, hog(600)).task; // needs more than is left
    while (small.state.kind === "running") kernel.step(1);
    expect(small.state).toEqual({ kind: "exited", code: 0 });
    expect(big.state).toEqual({ kind: "signaled", signo: 9, core: false });
    expect(init.state.kind).toBe("running");
    const log = kernel.printk.syslog_print_all(1 << 17, false).split("\n").map((l) => l.replace(/^<\d+>\[ *[\d.]+\] /, ""));
    const killed = log.filter((l) => l.startsWith("Out of memory: Killed process"));
    expect(killed).toHaveLength(1);
    expect(killed[0]).toMatch(new RegExp(`^Out of memory: Killed process ${big.pid} \\(tiny\\) total-vm:\\d+kB, anon-rss:\\d+kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0$`));
  });

  it("kills the faulting task itself when it is the only candidate", () => {
    const { kernel } = bootTestKernel("mem=16M");
    const init = spawnTiny(kernel, [E.jal(0, 0)]).task;
    const before = kernel.machine.nrFreePages();
    const hogger = spawnTiny(kernel, hog(16384)).task;
    while (hogger.state.kind === "running") kernel.step(1);
    expect(hogger.state).toEqual({ kind: "signaled", signo: 9, core: false });
    expect(init.state.kind).toBe("running");
    expect(kernel.printk.syslog_print_all(1 << 17, false)).toMatch(/\] tiny invoked oom-killer: /);
    expect(kernel.machine.nrFreePages()).toBeGreaterThanOrEqual(before - 64);
  });
});
