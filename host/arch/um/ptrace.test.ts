// host/arch/um/ptrace.test.ts — the ptrace layer against tiny hand-assembled guests: stops,
// exact instruction counting, registers and regsets, guest memory, and the synchronous
// signals with the si_code and si_addr a riscv64 Linux tracer would see.

import { beforeAll, describe, expect, it } from "vitest";
import type { Kernel } from "../../../kernel/kernel";
import { SLICE_INSNS } from "../../../kernel/kernel";
import * as E from "../../../tests/differential/rvgen/encode";
import { bootTestKernel, spawnTiny, TestPort, assemble } from "../../../tests/helpers/tiny_guest";
import { dataVaddrFor } from "../../../tests/differential/rvgen/elf_writer";
import { NT_PRSTATUS, NT_PRFPREG, USER_REGS_BYTES, FP_REGSET_BYTES, PtraceError, Stop } from "./ptrace";

const T0 = 5, T1 = 6, S0 = 8, S1 = 9, A0 = 10, A1 = 11, A2 = 12, A7 = 17;
const NR_WRITE = 64, NR_EXIT_GROUP = 94, NR_GETPID = 172;
const SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGSEGV = 11;
const SEGV_MAPERR = 1, SEGV_ACCERR = 2, ILL_ILLOPC = 1, TRAP_BRKPT = 1, BUS_ADRALN = 1;
const EINVAL = 22;

let kernel: Kernel;
let port: TestPort;
beforeAll(() => {
  ({ kernel, port } = bootTestKernel());
});

/** lui+addi: rd = v for a v that fits 32 signed bits. */
function li32(rd: number, v: number): E.Insn[] {
  const lo = ((v << 20) >> 20);
  const hi = ((v - lo) >>> 12) & 0xfffff;
  return hi === 0 ? [E.addi(rd, 0, lo)] : [E.lui(rd, hi), E.addi(rd, rd, lo)];
}

describe("single-step", () => {
  it("counts every instruction, 2- and 4-byte, with the right pc sequence", () => {
    const prog = [E.addi(T0, 0, 1), E.c_addi(T0, 1), E.c_addi(T0, 1), E.addi(T0, T0, 10),
      E.c_j(4), E.c_nop(), E.c_addi(T0, 1), E.ebreak()];
    const { pt, text } = spawnTiny(kernel, prog);
    const pcs = [0, 4, 6, 8, 12, 16].map((o) => text + BigInt(o));
    const instret0 = pt.instret;
    expect(pt.getregs()[0]).toBe(pcs[0]);
    for (let i = 1; i < pcs.length; i++) {
      expect(pt.sysemuSinglestep()).toEqual({ kind: "step" });
      expect(pt.getregs()[0]).toBe(pcs[i]);
      expect(pt.instret - instret0).toBe(BigInt(i));
    }
    expect(pt.getregs()[T0]).toBe(13n);
    expect(pt.sysemuSinglestep()).toEqual({ kind: "step" }); // c.addi
    expect(pt.getregs()[T0]).toBe(14n);
    expect(pt.sysemuSinglestep()).toMatchObject({ kind: "signal", signo: SIGTRAP });
    expect(pt.instret - instret0).toBe(6n); // the ebreak did not retire
    pt.kill();
  });

  // The decoder runs slli+add and addi+addi as one slot; stepping, jumping into the middle
  // and running straight through must all see two ordinary instructions.
  it("steps through fused instruction pairs one instruction at a time", () => {
    const prog = [E.addi(T0, 0, 3), E.slli(T1, T0, 4), E.add(T1, T1, T0), E.addi(T0, T0, 5),
      E.addi(T1, T1, -2), E.ebreak()];
    const { pt, text } = spawnTiny(kernel, prog);
    const want: [bigint, bigint][] = [[3n, 0n], [3n, 48n], [3n, 51n], [8n, 51n], [8n, 49n]];
    for (let i = 0; i < want.length; i++) {
      expect(pt.sysemuSinglestep()).toEqual({ kind: "step" });
      const r = pt.getregs();
      expect([r[T0], r[T1]]).toEqual(want[i]);
      expect(r[0]).toBe(text + BigInt(4 * (i + 1)));
    }
    expect(pt.instret).toBe(5n);
    pt.kill();
  });

  it("runs fused pairs straight through and from a jump into their middle", () => {
    // pc 0: jal to 12, the add of the slli+add pair at 8..15 (the pair is decoded at 8 later).
    const prog = [E.jal(0, 12), E.addi(T0, 0, 7), E.slli(T1, T0, 2), E.add(T1, T1, T0),
      E.addi(S0, S0, 1), E.addi(S1, 0, 1), E.beq(S0, S1, -20), E.ebreak()];
    const { pt } = spawnTiny(kernel, prog);
    expect(pt.cont()).toMatchObject({ kind: "signal", signo: SIGTRAP });
    const r = pt.getregs();
    // First pass (5 instructions): the add alone (t1 = 0), s0 = 1, s1 = 1, beq back to 4.
    // Second pass (6): t0 = 7, t1 = 28 + 7 = 35, s0 = 2, s1 = 1, beq falls through to ebreak.
    expect([r[T0], r[T1], r[S0]]).toEqual([7n, 35n, 2n]);
    expect(pt.instret).toBe(11n);
    pt.kill();
  });

  it("gives the same registers stepped and run for every fused pair kind", () => {
    const prog = [E.addi(T0, 0, 3), E.addi(T1, 0, -7),
      E.slli(S0, T0, 5), E.add(S1, S0, T1), // slli+add
      E.slli(A0, T1, 3), E.addi(A1, A0, 11), // slli+addi
      E.addi(A2, T0, 9), E.add(T0, A2, S1), // addi+add
      E.mul(A0, T0, T1), E.add(A1, A0, A1), // mul+add
      E.addi(S0, S0, 1), E.addi(S1, S1, -1), // addi+addi
      E.ebreak()];
    const stepped = spawnTiny(kernel, prog);
    let steps = 0;
    while (stepped.pt.sysemuSinglestep().kind === "step") steps++;
    const run = spawnTiny(kernel, prog);
    expect(run.pt.cont()).toMatchObject({ kind: "signal", signo: SIGTRAP });
    expect(steps).toBe(prog.length - 1);
    expect(run.pt.instret).toBe(BigInt(prog.length - 1));
    const a = stepped.pt.getregs(), b = run.pt.getregs();
    expect(b.slice(1)).toEqual(a.slice(1));
    expect([a[S1], a[A1], a[T0], a[A0]]).toEqual([88n, BigInt.asUintN(64, -752n), 101n, BigInt.asUintN(64, -707n)]);
    stepped.pt.kill();
    run.pt.kill();
  });

  it("runs load+ALU pairs as two instructions: stepped, straight through, and faulting", () => {
    const data = new Uint8Array(4096);
    data.set([0xfe, 0, 0, 0, 0x10, 0, 0, 0]);
    const dataAddr = Number(dataVaddrFor(6 * 4));
    const prog = [...li32(S0, dataAddr), E.lbu(T0, S0, 0), E.addi(T1, T0, 2), E.lw(A0, S0, 4),
      E.add(A1, A0, T1)];
    // Stepped: one instruction per step, the pair's second half after the first.
    let g = spawnTiny(kernel, [...prog, E.ebreak()], { data });
    for (let i = 0; i < prog.length; i++) expect(g.pt.sysemuSinglestep()).toEqual({ kind: "step" });
    let r = g.pt.getregs();
    expect([r[T0], r[T1], r[A0], r[A1]]).toEqual([0xfen, 0x100n, 0x10n, 0x110n]);
    g.pt.kill();
    // Straight through: the same registers and instruction count.
    g = spawnTiny(kernel, [...prog, E.ebreak()], { data });
    expect(g.pt.cont()).toMatchObject({ kind: "signal", signo: SIGTRAP });
    r = g.pt.getregs();
    expect([r[T0], r[T1], r[A0], r[A1]]).toEqual([0xfen, 0x100n, 0x10n, 0x110n]);
    expect(g.pt.instret).toBe(BigInt(prog.length));
    g.pt.kill();
    // A faulting load stops at the load; its partner has not run.
    g = spawnTiny(kernel, [E.addi(T1, 0, 5), E.lw(A0, 0, 8), E.add(T1, T1, T1), E.ebreak()]);
    expect(g.pt.cont()).toMatchObject({ kind: "fault", signo: SIGSEGV, code: SEGV_MAPERR, addr: 8n });
    r = g.pt.getregs();
    expect(r[0]).toBe(g.text + 4n);
    expect(r[T1]).toBe(5n);
    g.pt.kill();
  });

  it("steps a 4-byte instruction that straddles a page boundary", () => {
    // text+0: jal to text+0xff8; three c.nop to 0xffe; addi at 0xffe..0x1001; ebreak.
    const bytes = new Uint8Array(0x1008);
    bytes.set(assemble([E.jal(0, 0xff8)]), 0);
    bytes.set(assemble([E.c_nop(), E.c_nop(), E.c_nop(), E.addi(T1, 0, 0x5a5), E.ebreak()]), 0xff8);
    const { pt, text } = spawnTiny(kernel, bytes);
    const expected = [0xff8, 0xffa, 0xffc, 0xffe, 0x1002];
    for (const off of expected) {
      expect(pt.sysemuSinglestep()).toEqual({ kind: "step" });
      expect(pt.getregs()[0]).toBe(text + BigInt(off));
    }
    expect(pt.getregs()[T1]).toBe(0x5a5n);
    expect(pt.instret).toBe(5n);
    expect(pt.sysemuSinglestep()).toEqual({ kind: "signal", signo: SIGTRAP, code: TRAP_BRKPT, addr: text + 0x1002n });
    pt.kill();
  });

  it("runs the straddling instruction the same way without stepping", () => {
    const bytes = new Uint8Array(0x1008);
    bytes.set(assemble([E.jal(0, 0xffe)]), 0);
    bytes.set(assemble([E.addi(T1, 0, -7), E.ebreak()]), 0xffe);
    const { pt, text } = spawnTiny(kernel, bytes);
    expect(pt.sysemu()).toEqual({ kind: "signal", signo: SIGTRAP, code: TRAP_BRKPT, addr: text + 0x1002n });
    expect(pt.getregs()[T1]).toBe(BigInt.asUintN(64, -7n));
    expect(pt.instret).toBe(2n);
    pt.kill();
  });

  it("faults at the second half of a straddling fetch from a non-executable page", () => {
    // The text is exactly one page whose last halfword begins a 32-bit instruction; the next
    // page is the R+W data segment, so fetching the upper half is an exec fault there.
    const bytes = new Uint8Array(0x1000);
    bytes.set(assemble([E.jal(0, 0xffe)]), 0);
    bytes.set(assemble([E.addi(T1, 0, 1)]).subarray(0, 2), 0xffe);
    const { pt, text, data } = spawnTiny(kernel, bytes);
    expect(data).toBe(text + 0x1000n);
    expect(pt.sysemuSinglestep()).toEqual({ kind: "step" });
    expect(pt.sysemuSinglestep()).toEqual({ kind: "fault", signo: SIGSEGV, code: SEGV_ACCERR, addr: data });
    expect(pt.getregs()[0]).toBe(text + 0xffen);
    expect(pt.instret).toBe(1n);
    pt.kill();
  });

  it("completes the step of a jump to unmapped memory; the fetch fault comes on resume", () => {
    const { pt } = spawnTiny(kernel, [E.lui(T0, 1), E.jalr(0, T0, 0)]);
    expect(pt.sysemuSinglestep()).toEqual({ kind: "step" });
    expect(pt.sysemuSinglestep()).toEqual({ kind: "step" });
    expect(pt.getregs()[0]).toBe(0x1000n);
    expect(pt.instret).toBe(2n);
    expect(pt.sysemuSinglestep()).toEqual({ kind: "fault", signo: SIGSEGV, code: SEGV_MAPERR, addr: 0x1000n });
    expect(pt.instret).toBe(2n);
    pt.kill();
  });

  it("reports an ecall as a syscall stop with the ecall retired and pc past it", () => {
    const { pt, text } = spawnTiny(kernel, [E.addi(A7, 0, NR_GETPID), E.ecall(), E.addi(S1, A0, 0), E.ebreak()]);
    pt.sysemuSinglestep();
    const regs = pt.getregs();
    regs[A0] = 99n;
    pt.setregs(regs);
    expect(pt.sysemuSinglestep()).toMatchObject({ kind: "syscall", nr: NR_GETPID });
    expect(pt.getregs()[0]).toBe(text + 8n);
    expect(pt.instret).toBe(2n);
    // Not serviced: stepping on skips it, and a0 keeps what the tracer left there.
    expect(pt.sysemuSinglestep()).toEqual({ kind: "step" });
    expect(pt.getregs()[S1]).toBe(99n);
    pt.kill();
  });
});

describe("sysemu", () => {
  const writeThenExit = (data: number): E.Insn[] => [
    E.addi(A7, 0, NR_WRITE), E.addi(A0, 0, 1), ...li32(A1, data), E.addi(A2, 0, 5), E.ecall(),
    E.addi(S1, A0, 0),
    E.addi(A7, 0, NR_EXIT_GROUP), E.addi(A0, 0, 7), E.ecall(),
  ];
  const hello = new TextEncoder().encode("hello");

  it("stops at every ecall with nr and args, without executing it", () => {
    const probe = spawnTiny(kernel, [E.ebreak()]);
    const dataAddr = Number(probe.data);
    probe.pt.kill();
    const data = new Uint8Array(4096);
    data.set(hello);
    const { pt } = spawnTiny(kernel, writeThenExit(dataAddr), { data });
    const before = port.out.length;
    const s = pt.sysemu();
    expect(s).toEqual({ kind: "syscall", nr: NR_WRITE, args: [1n, BigInt(dataAddr), 5n, 0n, 0n, 0n] });
    // Emulate write by hand: the guest sees our a0, and nothing reached the console.
    const regs = pt.getregs();
    regs[A0] = 4242n;
    pt.setregs(regs);
    expect(pt.sysemu()).toEqual({ kind: "syscall", nr: NR_EXIT_GROUP, args: [7n, BigInt(dataAddr), 5n, 0n, 0n, 0n] });
    expect(pt.getregs()[S1]).toBe(4242n);
    expect(port.out.length).toBe(before);
    expect(pt.syscall()).toEqual({ kind: "exit", state: { kind: "exited", code: 7 } });
    expect(pt.exited).toBe(true);
  });

  it("lets the kernel service a syscall on request", () => {
    const probe = spawnTiny(kernel, [E.ebreak()]);
    const dataAddr = Number(probe.data);
    probe.pt.kill();
    const data = new Uint8Array(4096);
    data.set(hello);
    const { pt } = spawnTiny(kernel, writeThenExit(dataAddr), { data });
    const before = port.out.length;
    expect(pt.sysemu()).toMatchObject({ kind: "syscall", nr: NR_WRITE });
    expect(pt.syscall()).toBeNull();
    expect(new TextDecoder().decode(new Uint8Array(port.out.slice(before)))).toBe("hello");
    expect(pt.getregs()[A0]).toBe(5n);
    expect(() => pt.syscall()).toThrow(PtraceError);
    expect(pt.cont()).toEqual({ kind: "exit", state: { kind: "exited", code: 7 } });
    expect(() => pt.getregs()).toThrow(PtraceError);
  });

  it("cont services syscalls until exit_group", () => {
    const { pt } = spawnTiny(kernel, [
      E.addi(A7, 0, NR_GETPID), E.ecall(), E.addi(S0, A0, 0),
      E.addi(A7, 0, NR_EXIT_GROUP), E.addi(A0, 0, 42), E.ecall(),
    ]);
    const pid = pt.task.pid;
    expect(pt.sysemuSinglestep()).toEqual({ kind: "step" });
    expect(pt.sysemuSinglestep()).toMatchObject({ kind: "syscall", nr: NR_GETPID });
    pt.syscall();
    expect(pt.sysemuSinglestep()).toEqual({ kind: "step" });
    expect(pt.getregs()[S0]).toBe(BigInt(pid));
    const exit = pt.cont();
    expect(exit).toEqual({ kind: "exit", state: { kind: "exited", code: 42 } });
    expect(pt.instret).toBe(6n);
    // A dead task stays dead: every resume returns its exit, memory and registers are gone.
    expect(pt.sysemu()).toEqual(exit);
    expect(pt.sysemuSinglestep()).toEqual(exit);
    expect(pt.peek(0x10000n, 4)).toBeNull();
    expect(pt.poke(0x10000n, new Uint8Array(4))).toBe(false);
    expect(() => pt.getregs()).toThrow(PtraceError);
    expect(() => pt.getfpregs()).toThrow(PtraceError);
  });
});

describe("budget", () => {
  it("stops after exactly the budget, within and across slices", () => {
    const { pt } = spawnTiny(kernel, [E.addi(T0, T0, 1), E.jal(0, -4)]);
    expect(pt.sysemu(1000)).toEqual({ kind: "budget", insns: 1000 });
    expect(pt.instret).toBe(1000n);
    expect(pt.getregs()[T0]).toBe(500n);
    const big = SLICE_INSNS * 2 + 3;
    expect(pt.sysemu(big)).toEqual({ kind: "budget", insns: big });
    expect(pt.instret).toBe(BigInt(1000 + big));
    expect(pt.sysemu(0)).toEqual({ kind: "budget", insns: 0 });
    expect(() => pt.sysemu(-1)).toThrow(PtraceError);
    expect(() => pt.sysemu(1.5)).toThrow(PtraceError);
    pt.kill();
  });

  it("cont counts the syscall instructions it services", () => {
    const { pt } = spawnTiny(kernel, [E.addi(A7, 0, NR_GETPID), E.ecall(), E.jal(0, -8)]);
    expect(pt.cont(301)).toEqual({ kind: "budget", insns: 301 });
    expect(pt.instret).toBe(301n);
    expect(pt.getregs()[A0]).toBe(BigInt(pt.task.pid));
    pt.kill();
  });
});

describe("registers", () => {
  it("round-trips every general register and redirects execution through pc", () => {
    const { pt, text } = spawnTiny(kernel, [E.addi(T0, 0, 1), E.ebreak(), E.addi(T0, 0, 2), E.ebreak()]);
    const r = pt.getregs();
    expect(r.length).toBe(32);
    expect(r[0]).toBe(text);
    const want = new BigUint64Array(32);
    for (let i = 1; i < 32; i++) want[i] = BigInt.asUintN(64, 0x0123_4567_89ab_cdefn * BigInt(i));
    want[0] = text + 8n;
    pt.setregs(want);
    expect(pt.getregs()).toEqual(want);
    expect(pt.sysemu()).toEqual({ kind: "signal", signo: SIGTRAP, code: TRAP_BRKPT, addr: text + 12n });
    expect(pt.getregs()[T0]).toBe(2n);
    expect(() => pt.setregs(new BigUint64Array(31))).toThrow(PtraceError);
    pt.kill();
  });

  it("reads and writes the NT_PRSTATUS regset as 256 bytes, pc first", () => {
    const { pt, text } = spawnTiny(kernel, [E.ebreak()]);
    const bytes = pt.getregset(NT_PRSTATUS);
    expect(bytes.length).toBe(USER_REGS_BYTES);
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    expect(dv.getBigUint64(0, true)).toBe(text);
    expect(dv.getBigUint64(2 * 8, true)).toBe(pt.getregs()[2]); // sp
    dv.setBigUint64(A0 * 8, 0xfeedn, true);
    expect(pt.setregset(NT_PRSTATUS, bytes)).toBe(0);
    expect(pt.getregs()[A0]).toBe(0xfeedn);
    // A prefix sets only the registers it covers; a longer buffer is cut to the regset.
    expect(pt.setregset(NT_PRSTATUS, new Uint8Array(8 * 3))).toBe(0);
    const r = pt.getregs();
    expect([r[0], r[1], r[2], r[A0]]).toEqual([0n, 0n, 0n, 0xfeedn]);
    const long = new Uint8Array(USER_REGS_BYTES + 64).fill(1);
    expect(pt.setregset(NT_PRSTATUS, long)).toBe(0);
    expect(pt.getregs()[31]).toBe(0x0101010101010101n);
    expect(pt.setregset(NT_PRSTATUS, new Uint8Array(12))).toBe(-EINVAL);
    pt.kill();
  });

  it("round-trips the FP registers and fcsr; the guest computes with them", () => {
    const { pt, text } = spawnTiny(kernel, [E.fadd_d(3, 1, 2, 7), E.ebreak()]);
    const fp = pt.getfpregs();
    expect(fp.f.length).toBe(32);
    const f = new BigUint64Array(32);
    for (let i = 0; i < 32; i++) f[i] = 0x4000_0000_0000_0000n + BigInt(i); // 2.0000...
    f[1] = 0x3ff8_0000_0000_0000n; // 1.5
    f[2] = 0x3fb9_9999_9999_999an; // 0.1
    pt.setfpregs({ f, fcsr: 0x20 | 0x1 }); // frm = RTZ, NX set
    const back = pt.getfpregs();
    expect(back.f).toEqual(f);
    expect(back.fcsr).toBe(0x21);
    expect(pt.sysemuSinglestep()).toEqual({ kind: "step" });
    const after = pt.getfpregs();
    // 1.5 + 0.1 rounded toward zero is 0x3ff9999999999999 (RNE would give ...9a); inexact.
    expect(after.f[3]).toBe(0x3ff9_9999_9999_9999n);
    expect(after.fcsr).toBe(0x21);
    expect(pt.getregs()[0]).toBe(text + 4n);
    pt.kill();
  });

  it("reads and writes the NT_PRFPREG regset as 264 bytes with fcsr at 256", () => {
    const { pt } = spawnTiny(kernel, [E.ebreak()]);
    const f = new BigUint64Array(32).map((_, i) => BigInt(i) * 0x1111n);
    pt.setfpregs({ f, fcsr: 0x45 });
    const bytes = pt.getregset(NT_PRFPREG);
    expect(bytes.length).toBe(FP_REGSET_BYTES);
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    expect(dv.getBigUint64(31 * 8, true)).toBe(31n * 0x1111n);
    expect(dv.getUint32(256, true)).toBe(0x45);
    expect(dv.getUint32(260, true)).toBe(0);
    dv.setUint32(256, 0x80, true);
    dv.setBigUint64(0, 0xabcdn, true);
    expect(pt.setregset(NT_PRFPREG, bytes)).toBe(0);
    expect(pt.getfpregs().fcsr).toBe(0x80);
    expect(pt.getfpregs().f[0]).toBe(0xabcdn);
    // 256 bytes leave fcsr alone; 260 is not a whole number of elements.
    expect(pt.setregset(NT_PRFPREG, new Uint8Array(256))).toBe(0);
    expect(pt.getfpregs().fcsr).toBe(0x80);
    expect(pt.setregset(NT_PRFPREG, new Uint8Array(260))).toBe(-EINVAL);
    pt.kill();
  });
});

describe("memory", () => {
  it("pokes data the guest then loads, and peeks what it stored", () => {
    const probe = spawnTiny(kernel, [E.ebreak()]);
    const dataAddr = Number(probe.data);
    probe.pt.kill();
    const { pt, text, data } = spawnTiny(kernel, [
      ...li32(A1, dataAddr), E.ld(T0, A1, 0), E.addi(T1, T0, 1), E.sd(T1, A1, 8), E.ebreak(),
    ]);
    expect(pt.poke(data, new Uint8Array([0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe]))).toBe(true);
    expect(pt.sysemu()).toMatchObject({ kind: "signal", signo: SIGTRAP });
    expect(pt.getregs()[T0]).toBe(0xfedcba9876543210n);
    expect(pt.peek(data + 8n, 8)).toEqual(new Uint8Array([0x11, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe]));
    // The text reads back as the instructions; it is read-only, so a poke fails (DIVERGES:
    // Linux's FOLL_FORCE would write it by COW).
    expect(pt.peek(text + 8n, 4)).toEqual(assemble([E.ld(T0, A1, 0)]));
    expect(pt.poke(text, new Uint8Array([0x73, 0, 0x10, 0]))).toBe(false);
    expect(pt.peek(text, 4)).toEqual(assemble([E.lui(A1, (dataAddr >>> 12) & 0xfffff)]));
    expect(pt.peek(0x1000n, 1)).toBeNull();
    expect(pt.poke(0x1000n, new Uint8Array(1))).toBe(false);
    expect(pt.peek(data, 0)).toEqual(new Uint8Array(0));
    pt.kill();
  });
});

describe("synchronous signals", () => {
  const cases: { name: string; prog: (data: bigint) => E.Insn[]; stop: (text: bigint, data: bigint) => Stop }[] = [
    {
      name: "load from an unmapped address: SIGSEGV SEGV_MAPERR",
      prog: () => [E.addi(T0, 0, 0x123), E.slli(T0, T0, 4), E.ld(T1, T0, 8)],
      stop: () => ({ kind: "fault", signo: SIGSEGV, code: SEGV_MAPERR, addr: 0x1238n }),
    },
    {
      name: "store to a read-only page: SIGSEGV SEGV_ACCERR",
      prog: () => [E.auipc(T0, 0), E.sw(0, T0, 0)],
      stop: (text) => ({ kind: "fault", signo: SIGSEGV, code: SEGV_ACCERR, addr: text }),
    },
    {
      name: "illegal instruction: SIGILL ILL_ILLOPC at pc",
      prog: () => [E.c_nop(), { bits: 0xffffffff, size: 4, asm: ".4byte 0xffffffff" }],
      stop: (text) => ({ kind: "signal", signo: SIGILL, code: ILL_ILLOPC, addr: text + 2n }),
    },
    {
      name: "the all-zero halfword: SIGILL ILL_ILLOPC at pc",
      prog: () => [E.c_nop(), { bits: 0, size: 2, asm: "c.unimp" }],
      stop: (text) => ({ kind: "signal", signo: SIGILL, code: ILL_ILLOPC, addr: text + 2n }),
    },
    {
      name: "ebreak: SIGTRAP TRAP_BRKPT at pc",
      prog: () => [E.addi(T0, 0, 1), E.ebreak()],
      stop: (text) => ({ kind: "signal", signo: SIGTRAP, code: TRAP_BRKPT, addr: text + 4n }),
    },
    {
      name: "c.ebreak: SIGTRAP TRAP_BRKPT at pc",
      prog: () => [E.c_ebreak()],
      stop: (text) => ({ kind: "signal", signo: SIGTRAP, code: TRAP_BRKPT, addr: text }),
    },
    {
      name: "fetch from an unmapped address: SIGSEGV SEGV_MAPERR at the target",
      prog: () => [E.lui(T0, 1), E.jalr(0, T0, 0)],
      stop: () => ({ kind: "fault", signo: SIGSEGV, code: SEGV_MAPERR, addr: 0x1000n }),
    },
    {
      name: "fetch from a non-executable page: SIGSEGV SEGV_ACCERR",
      prog: (data) => [...li32(T0, Number(data)), E.jalr(0, T0, 0)],
      stop: (_, data) => ({ kind: "fault", signo: SIGSEGV, code: SEGV_ACCERR, addr: data }),
    },
    {
      name: "misaligned AMO: SIGBUS BUS_ADRALN",
      prog: (data) => [...li32(A1, Number(data) + 2), E.amoadd_w(T0, T1, A1, false, false)],
      stop: (_, data) => ({ kind: "fault", signo: SIGBUS, code: BUS_ADRALN, addr: data + 2n }),
    },
  ];
  const dataOf = (() => {
    let cached: bigint | null = null;
    return (): bigint => {
      if (cached === null) {
        const p = spawnTiny(kernel, [E.ebreak()]);
        cached = p.data;
        p.pt.kill();
      }
      return cached;
    };
  })();

  for (const c of cases) {
    it(c.name, () => {
      const { pt, text, data } = spawnTiny(kernel, c.prog(dataOf()));
      expect(data).toBe(dataOf());
      const n = c.prog(data).length;
      const stop = pt.sysemu();
      expect(stop).toEqual(c.stop(text, data));
      // The faulting instruction did not retire and pc still names it (for a fetch fault,
      // the jump to it did retire).
      const fetch = c.name.startsWith("fetch");
      expect(pt.instret).toBe(BigInt(fetch ? n : n - 1));
      if (fetch) expect(pt.getregs()[0]).toBe((stop as { addr: bigint }).addr);
      const pc = pt.getregs()[0];
      // Resuming without the signal re-executes it; delivering it kills the task.
      expect(pt.sysemu()).toEqual(stop);
      expect(pt.getregs()[0]).toBe(pc);
      const signo = (stop as { signo: number }).signo;
      expect(pt.deliverSignal()).toEqual({ kind: "exit", state: { kind: "signaled", signo, core: true } });
    });
  }

  it("deliverSignal needs a signal stop", () => {
    const { pt } = spawnTiny(kernel, [E.addi(0, 0, 0), E.ebreak()]);
    expect(() => pt.deliverSignal()).toThrow(PtraceError);
    pt.sysemuSinglestep();
    expect(() => pt.deliverSignal()).toThrow(PtraceError);
    pt.kill();
  });

  it("kill ends the task with SIGKILL and frees it from the kernel", () => {
    const { pt, task } = spawnTiny(kernel, [E.ebreak()]);
    expect(kernel.tasks.has(task.pid)).toBe(true);
    expect(pt.kill()).toEqual({ kind: "exit", state: { kind: "signaled", signo: 9, core: false } });
    expect(kernel.tasks.has(task.pid)).toBe(false);
  });
});

describe("odd pc", () => {
  it("resumes at pc & ~1, as sret through sepc (bit 0 always zero) does", () => {
    const { pt, text } = spawnTiny(kernel, [E.addi(T0, 0, 1), E.addi(T1, 0, 2), E.ebreak()]);
    const r = pt.getregs();
    r[0] = text + 5n;
    pt.setregs(r);
    expect(pt.sysemuSinglestep()).toEqual({ kind: "step" });
    expect(pt.getregs()[0]).toBe(text + 8n);
    expect(pt.getregs()[T1]).toBe(2n);
    // The instruction before it still decodes as itself.
    const r2 = pt.getregs();
    r2[0] = text;
    pt.setregs(r2);
    expect(pt.sysemuSinglestep()).toEqual({ kind: "step" });
    expect(pt.getregs()[T0]).toBe(1n);
    pt.kill();
  });
});

describe("self-modifying code", () => {
  // mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0), then
  // write a function there, call it, overwrite its first instruction and call it again: the
  // second call must run the new instruction (stores drop the page's decoded instructions).
  const T2 = 7, RA = 1, A3 = 13, A4 = 14, A5 = 15;
  const NR_MMAP = 222;
  const word = (i: E.Insn): bigint => BigInt(i.bits >>> 0);
  const prog = [
    E.ecall(), E.addi(S0, A0, 0),
    E.sw(T0, S0, 0), E.sw(T1, S0, 4), E.fence_i(), E.jalr(RA, S0, 0), E.addi(A2, S1, 0),
    E.sw(T2, S0, 0), E.fence_i(), E.jalr(RA, S0, 0),
    E.ebreak(),
  ];
  function start(newFirst: E.Insn): ReturnType<typeof spawnTiny> {
    const g = spawnTiny(kernel, prog);
    const r = g.pt.getregs();
    r[A7] = BigInt(NR_MMAP); r[A0] = 0n; r[A1] = 4096n; r[A2] = 7n; r[A3] = 0x22n;
    r[A4] = BigInt.asUintN(64, -1n); r[A5] = 0n;
    r[T0] = word(E.addi(S1, 0, 1));
    r[T1] = word(E.jalr(0, RA, 0));
    r[T2] = word(newFirst) | (newFirst.size === 2 ? word(E.c_nop()) << 16n : 0n);
    g.pt.setregs(r);
    return g;
  }
  for (const [name, step] of [["running", false], ["single-stepping", true]] as const) {
    it(`a store over decoded code takes effect (${name})`, () => {
      const { pt } = start(E.addi(S1, 0, 2));
      let stop: Stop;
      if (step) {
        do {
          stop = pt.sysemuSinglestep();
          if (stop.kind === "syscall") expect(pt.syscall()).toBeNull();
        } while (stop.kind === "step" || stop.kind === "syscall");
      } else {
        stop = pt.cont();
      }
      expect(stop).toMatchObject({ kind: "signal", signo: SIGTRAP });
      const r = pt.getregs();
      expect(r[A2]).toBe(1n);
      expect(r[S1]).toBe(2n);
      pt.kill();
    });
  }
  it("a 2-byte store over the middle of a decoded 4-byte instruction", () => {
    // The first instruction becomes c.li s1, 3 then c.nop: the slot at +2 was never an
    // instruction start before.
    const { pt } = start(E.c_li(S1, 3));
    expect(pt.cont()).toMatchObject({ kind: "signal", signo: SIGTRAP });
    expect(pt.getregs()[S1]).toBe(3n);
    pt.kill();
  });
  it("a poke over decoded code takes effect", () => {
    const { pt } = start(E.addi(S1, 0, 2));
    pt.sysemu(); // the mmap
    pt.syscall();
    const page = pt.getregs()[A0];
    expect(pt.sysemu()).toMatchObject({ kind: "signal", signo: SIGTRAP });
    expect(pt.getregs()[S1]).toBe(2n);
    expect(pt.poke(page, assemble([E.addi(S1, 0, 5)]))).toBe(true);
    const r = pt.getregs();
    r[0] = page;
    r[RA] = 0x1000n; // returns into unmapped memory: a fault that ends the check
    pt.setregs(r);
    expect(pt.sysemu()).toMatchObject({ kind: "fault", addr: 0x1000n });
    expect(pt.getregs()[S1]).toBe(5n);
    pt.kill();
  });
});
