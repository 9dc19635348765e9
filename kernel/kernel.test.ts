// kernel/kernel.test.ts — the run loop's handling of a kernel bug: an exception below a
// syscall is an oops (logged, recorded, the task killed), never a crash of the host.
import { describe, expect, it } from "vitest";
import { Kernel } from "./kernel";
import { loadCore } from "../host/core";
import * as E from "../tests/differential/rvgen/encode";
import { TestPort, spawnTiny } from "../tests/helpers/tiny_guest";

/** A host port whose console breaks: a stand-in for a bug under sys_write. */
class BrokenConsolePort extends TestPort {
  console_write(): void {
    throw new Error("console exploded");
  }
}

describe("Kernel.run", () => {
  it("turns an exception under a syscall into an oops that kills only the task", () => {
    const port = new BrokenConsolePort();
    const kernel = Kernel.boot(port, loadCore(), "mem=16M");
    // write(1, sp, 1), then exit_group(0) if write ever returned.
    const { task } = spawnTiny(kernel, [E.addi(10, 0, 1), E.addi(11, 2, 0), E.addi(12, 0, 1),
      E.addi(17, 0, 64), E.ecall(), E.addi(10, 0, 0), E.addi(17, 0, 94), E.ecall()]);
    const state = kernel.run(task);
    expect(state).toEqual({ kind: "signaled", signo: 9, core: false });
    expect(kernel.oopses).toHaveLength(1);
    expect(kernel.oopses[0]).toContain("console exploded");
    expect(port.logs.some((l) => l.startsWith("umwasm: Oops: kernel bug in pid"))).toBe(true);
    expect(kernel.tasks.size).toBe(0);
  });

  it("runs a well-behaved task with no oops", () => {
    const port = new TestPort();
    const kernel = Kernel.boot(port, loadCore(), "mem=16M");
    const { task } = spawnTiny(kernel, [E.addi(10, 0, 7), E.addi(17, 0, 94), E.ecall()]);
    expect(kernel.run(task)).toEqual({ kind: "exited", code: 7 });
    expect(kernel.oopses).toEqual([]);
  });
});
