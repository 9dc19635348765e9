// host/arch/um/ptrace.ts — ptrace-like control of one guest task: UML's stub trampolines.
// UML's kernel runs each userspace process as a ptraced host child and drives it with
// PTRACE_SYSEMU (run to the next syscall entry without executing it), PTRACE_SYSEMU_SINGLESTEP,
// GETREGS/SETREGS and PEEK/POKE. This class gives a tracer (a debugger, a test, a syscall
// emulator) the same handles on a umwasm task, with typed stops instead of wait statuses.
// Owns: only the tracer's view of the last stop (is a syscall entry or a signal pending?).
// Everything else is the task's: registers live in its hart, memory in its mm.
// Register and regset layouts follow Linux 6.18 riscv64: NT_PRSTATUS is struct
// user_regs_struct (arch/riscv/include/uapi/asm/ptrace.h, 32 u64, pc first), NT_PRFPREG is
// struct __riscv_d_ext_state sized as arch/riscv/kernel/ptrace.c's regset declares it:
// ELF_NFPREG = sizeof(struct __riscv_d_ext_state) / sizeof(elf_fpreg_t) = 264 / 8 = 33
// elements of 8 bytes, so 264 bytes (f[32], fcsr u32, 4 bytes of tail padding read as zero).
//
// Stops, as a tracer of a riscv64 Linux task sees them:
//   syscall  the ecall has retired and pc is past it (riscv's do_trap_ecall_u advances epc
//            before the entry stop); a7 is the number, a0..a5 the arguments. The syscall has
//            not run: resume with sysemu()/cont() to skip it (a0 is its result, as the tracer
//            left it), or call syscall() to have the kernel service it first.
//   fault    SIGSEGV or SIGBUS from a load, store, fetch or AMO; pc is the faulting
//            instruction, which did not retire. Resuming re-executes it (the signal is
//            suppressed, as PTRACE_SYSEMU with data = 0 does); deliverSignal() takes the
//            signal's default action instead.
//   signal   SIGILL or SIGTRAP (illegal instruction, ebreak): as for fault, addr = pc.
//   step     sysemuSinglestep() retired exactly one instruction (that was not an ecall).
//   budget   the instruction budget ran out; insns is the number retired by this call.
//   exit     the task is gone (exit_group, or a signal's default action); state says how.

import { Kernel, SLICE_INSNS } from "../../../kernel/kernel";
import type { Task, ExitState } from "../../../kernel/task";
import { STOP_SYSCALL, STOP_SIGNAL } from "../../../kernel/arch/um/machine";

/** Regset note types (include/uapi/linux/elf.h). */
export const NT_PRSTATUS = 1;
export const NT_PRFPREG = 2;
export type RegsetType = typeof NT_PRSTATUS | typeof NT_PRFPREG;

/** sizeof(struct user_regs_struct): pc, then x1..x31. */
export const USER_REGS_BYTES = 256;
/** The NT_PRFPREG regset: ELF_NFPREG (33) elements of sizeof(elf_fpreg_t) (8). */
export const FP_REGSET_BYTES = 264;
/** Offset of fcsr in struct __riscv_d_ext_state. */
const FCSR_OFFSET = 256;

const SIGBUS = 7;
const SIGKILL = 9;
const SIGSEGV = 11;
const EINVAL = 22;
const A0 = 10;
const A7 = 17;

export type Stop =
  | { kind: "syscall"; nr: number; args: bigint[] }
  | { kind: "fault"; signo: number; code: number; addr: bigint }
  | { kind: "signal"; signo: number; code: number; addr: bigint }
  | { kind: "step" }
  | { kind: "budget"; insns: number }
  | { kind: "exit"; state: ExitState };

/** NT_PRFPREG as values: f0..f31 as raw bits (singles NaN-boxed), and fcsr. */
export interface FpRegs {
  f: BigUint64Array;
  fcsr: number;
}

/** A tracer's misuse of the interface (a bug in the tracer, not guest behaviour). */
export class PtraceError extends Error {}

export class Ptrace {
  readonly kernel: Kernel;
  readonly task: Task;
  /** The last stop was a syscall entry that neither syscall() nor a resume has consumed. */
  private syscall_pending = false;
  /** The signal of the last stop, while deliverSignal() may still deliver it. */
  private signal_pending: { signo: number; code: number; addr: bigint } | null = null;

  constructor(kernel: Kernel, task: Task) {
    if (task.state.kind !== "running") throw new PtraceError(`task ${task.pid} has already exited`);
    this.kernel = kernel;
    this.task = task;
  }

  /** Whether the task has exited (every later resume returns its exit stop again). */
  get exited(): boolean {
    return this.task.state.kind !== "running";
  }

  /** Instructions the task has retired (exact; final once it has exited). Not a Linux
   *  ptrace request: the tracer's view of the perf counter instret. */
  get instret(): bigint {
    return this.exited ? this.task.instret : this.kernel.machine.instret(this.task.hart);
  }

  /** PTRACE_SYSEMU: run until the next syscall entry (not executed), a synchronous signal,
   *  or budget instructions (default: no limit, run in slices of SLICE_INSNS). */
  sysemu(budget: number = Infinity): Stop {
    return this.resume(budget, false, false);
  }

  /** PTRACE_SYSEMU_SINGLESTEP: exactly one instruction; an ecall gives a syscall stop. */
  sysemuSinglestep(): Stop {
    return this.resume(1, false, true);
  }

  /** Let the kernel service the syscall of the pending syscall stop. Returns the exit stop if
   *  the syscall ended the task (exit_group), else null; the task stays stopped after it. */
  syscall(): Stop | null {
    if (!this.syscall_pending) throw new PtraceError("syscall(): the task is not at a syscall stop");
    this.syscall_pending = false;
    this.kernel.syscall(this.task);
    return this.exitStop();
  }

  /** PTRACE_CONT: run with the kernel servicing syscalls, until exit, a synchronous signal or
   *  budget instructions (syscall instructions included). A pending syscall is skipped. */
  cont(budget: number = Infinity): Stop {
    return this.resume(budget, true, false);
  }

  /** PTRACE_CONT with data = the signal of the last fault or signal stop: the task takes
   *  that signal. DIVERGES: no signal handlers yet (kernel.ts force_sig_fault), so this is
   *  always the default action, and for these signals that ends the task. */
  deliverSignal(): Stop {
    const sig = this.signal_pending;
    if (!sig) throw new PtraceError("deliverSignal(): no signal stop is pending");
    this.signal_pending = null;
    this.kernel.force_sig_fault(this.task, sig);
    return this.exitStop()!;
  }

  /** PTRACE_KILL: end the task with SIGKILL. */
  kill(): Stop {
    if (!this.exited) this.kernel.do_exit(this.task, { kind: "signaled", signo: SIGKILL, core: false });
    this.syscall_pending = false;
    this.signal_pending = null;
    return this.exitStop()!;
  }

  /** PTRACE_GETREGSET NT_PRSTATUS as values: [pc, x1 (ra), x2 (sp), ..., x31 (t6)]. */
  getregs(): BigUint64Array {
    const h = this.hart();
    const m = this.kernel.machine;
    const r = new BigUint64Array(32);
    r[0] = m.getPc(h);
    for (let i = 1; i < 32; i++) r[i] = m.getX(h, i);
    return r;
  }

  /** PTRACE_SETREGSET NT_PRSTATUS: all 32 slots, pc first; setting pc redirects execution. */
  setregs(r: BigUint64Array | readonly bigint[]): void {
    if (r.length !== 32) throw new PtraceError(`setregs: expected 32 registers, got ${r.length}`);
    const h = this.hart();
    const m = this.kernel.machine;
    m.setPc(h, r[0]);
    for (let i = 1; i < 32; i++) m.setX(h, i, r[i]);
  }

  /** PTRACE_GETREGSET NT_PRFPREG as values. */
  getfpregs(): FpRegs {
    const h = this.hart();
    const m = this.kernel.machine;
    const f = new BigUint64Array(32);
    for (let i = 0; i < 32; i++) f[i] = m.getF(h, i);
    return { f, fcsr: m.getFcsr(h) };
  }

  /** PTRACE_SETREGSET NT_PRFPREG. DIVERGES: fcsr keeps only its defined bits (frm, fflags);
   *  Linux stores the whole u32 in thread.fstate and the hardware drops the rest on restore,
   *  so a GETREGSET before the task runs again would show the upper bits there. */
  setfpregs(fp: FpRegs): void {
    if (fp.f.length !== 32) throw new PtraceError(`setfpregs: expected 32 registers, got ${fp.f.length}`);
    const h = this.hart();
    const m = this.kernel.machine;
    for (let i = 0; i < 32; i++) m.setF(h, i, fp.f[i]);
    m.setFcsr(h, fp.fcsr);
  }

  /** PTRACE_GETREGSET: the regset's bytes, exactly as large as Linux's regset (256 or 264). */
  getregset(type: RegsetType): Uint8Array {
    if (type === NT_PRSTATUS) {
      return new Uint8Array(this.getregs().buffer);
    }
    if (type === NT_PRFPREG) {
      const out = new Uint8Array(FP_REGSET_BYTES);
      const dv = new DataView(out.buffer);
      const fp = this.getfpregs();
      for (let i = 0; i < 32; i++) dv.setBigUint64(i * 8, fp.f[i], true);
      dv.setUint32(FCSR_OFFSET, fp.fcsr, true);
      return out;
    }
    throw new PtraceError(`getregset: unknown note type ${type}`);
  }

  /** PTRACE_SETREGSET: as ptrace_regset(), a length that is not a multiple of the element
   *  size (8) is -EINVAL, a longer one is cut to the regset, a shorter one sets a prefix.
   *  Returns 0 or -errno. */
  setregset(type: RegsetType, bytes: Uint8Array): number {
    if (type !== NT_PRSTATUS && type !== NT_PRFPREG) return -EINVAL;
    if (bytes.length % 8 !== 0) return -EINVAL;
    const cur = this.getregset(type);
    cur.set(bytes.subarray(0, Math.min(bytes.length, cur.length)));
    const dv = new DataView(cur.buffer);
    if (type === NT_PRSTATUS) {
      const r = new BigUint64Array(32);
      for (let i = 0; i < 32; i++) r[i] = dv.getBigUint64(i * 8, true);
      this.setregs(r);
    } else {
      const f = new BigUint64Array(32);
      for (let i = 0; i < 32; i++) f[i] = dv.getBigUint64(i * 8, true);
      this.setfpregs({ f, fcsr: dv.getUint32(FCSR_OFFSET, true) });
    }
    return 0;
  }

  /** PTRACE_PEEKDATA over len bytes: null when any byte is inaccessible (EIO/EFAULT) or the
   *  task has exited. Pages are faulted in as the task's own read would fault them.
   *  DIVERGES: Linux reads with FOLL_FORCE, which also reads PROT_NONE and exec-only pages
   *  of a mapping that may be read (VM_MAYREAD); here those fail as the task's load would. */
  peek(addr: bigint, len: number): Uint8Array | null {
    if (this.exited) return null;
    if (!Number.isInteger(len) || len < 0) throw new PtraceError(`peek: bad length ${len}`);
    return this.kernel.machine.readUser(this.task.mm, BigInt.asUintN(64, addr), len);
  }

  /** PTRACE_POKEDATA over bytes: false when any byte is not writable or the task has exited
   *  (the bytes before the first inaccessible page may have been written, as a partial
   *  access_process_vm() leaves them). The decode cache of every written page is dropped.
   *  DIVERGES: Linux writes with FOLL_FORCE, which writes a read-only private mapping
   *  (VM_MAYWRITE) by breaking COW, so a debugger can plant an ebreak in .text. The core's
   *  copy_to_user has no forced write yet, so a poke into read-only memory fails here. */
  poke(addr: bigint, bytes: Uint8Array): boolean {
    if (this.exited) return false;
    return this.kernel.machine.writeUser(this.task.mm, BigInt.asUintN(64, addr), bytes);
  }

  /** Run the task for at most budget instructions; service syscalls or stop at them. */
  private resume(budget: number, service_syscalls: boolean, step: boolean): Stop {
    if (!(budget >= 0 && (Number.isInteger(budget) || budget === Infinity))) {
      throw new PtraceError(`bad instruction budget ${budget}`);
    }
    const dead = this.exitStop();
    if (dead) return dead;
    this.syscall_pending = false;
    this.signal_pending = null;
    const m = this.kernel.machine;
    const start = m.instret(this.task.hart);
    // Only a tracer can make pc odd (jalr clears bit 0; branch offsets are even). Linux
    // returns to user mode through sepc, whose bit 0 is always zero (privileged spec, WARL),
    // so the task resumes at pc & ~1; the core assumes an even pc, so it is cleared here.
    const pc = m.getPc(this.task.hart);
    if (pc & 1n) m.setPc(this.task.hart, pc & ~1n);
    for (;;) {
      const done = Number(m.instret(this.task.hart) - start);
      if (done >= budget) return step ? { kind: "step" } : { kind: "budget", insns: done };
      const stop = this.kernel.run_slice(this.task, Math.min(budget - done, SLICE_INSNS));
      if (stop === STOP_SIGNAL) {
        const s = this.signalStop(m.stopSignal(this.task.hart));
        if (s) return s;
        // The kernel kept the task (the OOM killer chose another victim, or a userfaultfd
        // fault put it to sleep): the instruction runs again on the next resume.
        return { kind: "budget", insns: Number(m.instret(this.task.hart) - start) };
      }
      if (stop !== STOP_SYSCALL) continue;
      if (!service_syscalls) {
        this.syscall_pending = true;
        return this.syscallStop();
      }
      this.kernel.syscall(this.task);
      const gone = this.exitStop();
      if (gone) return gone;
    }
  }

  private syscallStop(): Stop {
    const m = this.kernel.machine;
    const h = this.task.hart;
    const args: bigint[] = [];
    for (let i = 0; i < 6; i++) args.push(m.getX(h, A0 + i));
    return { kind: "syscall", nr: Number(BigInt.asIntN(64, m.getX(h, A7))), args };
  }

  /** A synchronous signal from the core. SIGKILL (the core's stand-in for the OOM killer and
   *  for userfaultfd faults) is not a stop a tracer ever sees: the task is gone, or (null) the
   *  kernel handled the fault and the task stays. */
  private signalStop(s: { signo: number; code: number; addr: bigint }): Stop | null {
    if (s.signo === SIGKILL) {
      this.kernel.force_sig_fault(this.task, s);
      return this.exitStop();
    }
    this.signal_pending = s;
    const kind = s.signo === SIGSEGV || s.signo === SIGBUS ? "fault" : "signal";
    return { kind, signo: s.signo, code: s.code, addr: s.addr };
  }

  private exitStop(): Stop | null {
    return this.exited ? { kind: "exit", state: this.task.state } : null;
  }

  /** The hart of a live task; once the task has exited its hart may belong to another. */
  private hart(): number {
    if (this.exited) throw new PtraceError(`task ${this.task.pid} has exited (ESRCH)`);
    return this.task.hart;
  }
}
