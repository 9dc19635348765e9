// kernel/kernel.ts — the kernel instance: boot, tasks, the run loop and syscall dispatch.
// Deterministic by construction: it sees the world only through the HostPort it is given.
// The run loop is UML's: run the task's hart until it stops (a syscall, a synchronous
// signal, or the end of its slice), service the stop, resume.

import type { HostPort } from "./host_port";
import { Machine, STOP_SYSCALL, STOP_SIGNAL } from "./arch/um/machine";
import { Task, init_rlimits, RLIMIT_STACK, ExitState } from "./task";
import { KernelRandom } from "./random";
import { console_files } from "./fs/console";
import { SYSCALL_NAMES } from "./syscalls/names";
import { SyscallHandler, NORETURN } from "./syscalls/types";
import { syscall_table } from "./syscalls/table";
import { do_execve, ExecRequest } from "./exec";
import { parse_cmdline, KernelParams } from "./params";
import { ENOSYS } from "./errno";

/** Instructions a task runs before the kernel looks at it again (a scheduling tick). */
export const SLICE_INSNS = 1 << 17;

export const UTS_RELEASE = "6.18.0-umwasm";
export const UTS_VERSION = "#1 SMP PREEMPT_DYNAMIC umwasm";

export class Kernel {
  readonly port: HostPort;
  readonly machine: Machine;
  readonly params: KernelParams;
  readonly random: KernelRandom;
  private readonly table: Map<number, SyscallHandler>;
  private readonly enosys_logged = new Set<number>();
  private next_pid = 1;
  readonly tasks = new Map<number, Task>();

  private constructor(port: HostPort, machine: Machine, params: KernelParams) {
    this.port = port;
    this.machine = machine;
    this.params = params;
    const seed = new Uint8Array(32);
    port.entropy(seed);
    this.random = new KernelRandom(seed);
    this.table = syscall_table();
  }

  /** Boot a kernel: instantiate the core with the memory mem= asks for. */
  static boot(port: HostPort, core: WebAssembly.Module, cmdline: string): Kernel {
    const params = parse_cmdline(cmdline);
    const machine = Machine.create(core, params.mem_bytes);
    return new Kernel(port, machine, params);
  }

  /** The most tasks this memory could hold (fork_init's max_threads, for RLIMIT_NPROC). */
  max_threads(): number {
    return Math.max(20, Math.floor(this.params.mem_bytes / (8 * 16384)));
  }

  /** Create a task running the ELF in req with the console as fds 0-2 (the first process). */
  spawn(req: ExecRequest): Task | { errno: number; message: string } {
    const hart = this.machine.hartAlloc();
    const task = new Task(this.next_pid++, hart, 0, init_rlimits(this.max_threads()));
    task.fds = console_files(this.port);
    const err = do_execve(this, task, req);
    if (err) {
      this.machine.hartFree(hart);
      return err;
    }
    this.tasks.set(task.pid, task);
    return task;
  }

  /** Kernel bugs seen so far (a wasm trap or an exception below a syscall): tests assert none. */
  readonly oopses: string[] = [];

  /** Run task until it exits or is killed. */
  run(task: Task): ExitState {
    while (task.state.kind === "running") {
      try {
        const stop = this.run_slice(task, SLICE_INSNS);
        if (stop === STOP_SYSCALL) this.syscall(task);
        else if (stop === STOP_SIGNAL) this.force_sig_fault(task);
      } catch (e) {
        this.oops(task, e);
      }
    }
    return task.state;
  }

  /** A kernel bug while running task: log it as Linux logs an oops and kill the task, never
   *  the host. Guest input never gets here; every such report is a bug to fix. */
  oops(task: Task, e: unknown): void {
    const what = e instanceof Error ? (e.stack ?? e.message) : String(e);
    this.oopses.push(what);
    this.port.log(`umwasm: Oops: kernel bug in pid ${task.pid} (${task.comm}): ${what}`);
    if (task.state.kind === "running") {
      try {
        this.do_exit(task, { kind: "signaled", signo: 9, core: false });
      } catch {
        task.state = { kind: "signaled", signo: 9, core: false }; // the core itself is broken
      }
    }
  }

  /** Run a live task's hart for at most budget_insns (1..SLICE_INSNS) instructions and return
   *  the core's raw stop (STOP_*) without servicing it: the run loop above and the ptrace
   *  layer (host/arch/um/ptrace.ts, SYSEMU and single-step) both drive tasks through here. */
  run_slice(task: Task, budget_insns: number): number {
    if (task.state.kind !== "running") throw new Error(`run_slice: task ${task.pid} has exited`);
    if (!Number.isInteger(budget_insns) || budget_insns < 1 || budget_insns > SLICE_INSNS) {
      throw new Error(`run_slice: budget ${budget_insns} outside 1..${SLICE_INSNS}`);
    }
    this.machine.setTime(task.hart, this.port.monotonic_ns() / 100n);
    return this.machine.run(task.hart, task.mm, budget_insns);
  }

  /** Service the syscall a task stopped at: a7 is the number, a0..a5 the arguments. */
  syscall(task: Task): void {
    const m = this.machine;
    const h = task.hart;
    const nr = Number(m.getX(h, 17));
    const handler = this.table.get(nr);
    let ret: number | bigint | typeof NORETURN;
    if (handler) {
      const args = [m.getX(h, 10), m.getX(h, 11), m.getX(h, 12), m.getX(h, 13), m.getX(h, 14), m.getX(h, 15)];
      ret = handler(this, task, args);
    } else {
      this.log_enosys(nr);
      ret = -ENOSYS;
    }
    if (ret !== NORETURN) m.setX(h, 10, BigInt(ret));
  }

  private log_enosys(nr: number): void {
    if (this.enosys_logged.has(nr)) return;
    this.enosys_logged.add(nr);
    const name = SYSCALL_NAMES.get(nr) ?? "unknown";
    this.port.log(`umwasm: syscall ${nr} (${name}) is not implemented: ENOSYS`);
  }

  /** A synchronous signal: by default the one in the hart's stop block (the CPU's), or one a
   *  tracer was shown and now delivers (host/arch/um/ptrace.ts). DIVERGES: no handlers yet
   *  (issue 5), so every such signal takes its default action, which for these is to dump core. */
  force_sig_fault(task: Task, s: { signo: number } = this.machine.stopSignal(task.hart)): void {
    this.do_exit(task, { kind: "signaled", signo: s.signo, core: s.signo !== 9 });
  }

  /** Tear a task down: its address space returns every frame to the allocator. */
  do_exit(task: Task, state: ExitState): void {
    task.state = state;
    task.instret = this.machine.instret(task.hart);
    if (task.mm) this.machine.mmDestroy(task.mm);
    task.mm = 0;
    this.machine.hartFree(task.hart);
    this.tasks.delete(task.pid);
  }

  /** The stack limit a new image gets (RLIMIT_STACK), capped to what a JS number holds. */
  stack_limit(task: Task): number {
    const cur = task.rlim[RLIMIT_STACK].cur;
    return cur > 1n << 40n ? 2 ** 40 : Number(cur);
  }
}
