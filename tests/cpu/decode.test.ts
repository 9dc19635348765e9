// tests/cpu/decode.test.ts — the decoder and executor one instruction at a time, table-driven.
// Each case is a tiny guest: the instruction (or a short sequence), then ebreak. The test sets
// every register through ptrace, single-steps the sequence and reads every register back:
// the ones the case names must hold the stated values, and all others must be unchanged (so
// a write to x0 or to the wrong register shows up). Reserved encodings must stop with SIGILL
// ILL_ILLOPC at their pc, having changed nothing.
// Known values are set up as follows unless the case says otherwise:
//   x8 (s0) = data, x2 (sp) = data + 1024, every other x = 0; f = 0; fcsr = 0;
//   data byte i = (0x81 + i) & 0xff, so the u64 at data+0 is 0x8887868584838281.

import { beforeAll, describe, expect, it } from "vitest";
import type { Kernel } from "../../kernel/kernel";
import * as E from "../differential/rvgen/encode";
import { bootTestKernel, spawnTiny } from "../helpers/tiny_guest";

const SIGILL = 4, SIGTRAP = 5;
const ILL_ILLOPC = 1, TRAP_BRKPT = 1;
const NX = 0x01, DZ = 0x08, NV = 0x10;
const RNE = 0, RTZ = 1, RUP = 3, RMM = 4, DYN = 7;
const SP = 2, S0 = 8, S1 = 9, A0 = 10;
const X5 = 5, X6 = 6, X7 = 7;
const DATA_SP_OFFSET = 1024n;

interface Ctx {
  text: bigint;
  data: bigint;
}
type Val = bigint | ((c: Ctx) => bigint);
interface Case {
  name: string;
  prog: E.Insn[];
  x?: Record<number, Val>;
  f?: Record<number, bigint>;
  fcsr?: number;
  /** Expected afterwards: registers (others unchanged), pc (offset from text; default: past
   *  the sequence), u64 memory at data offsets, fcsr (default unchanged). */
  ex?: Record<number, Val>;
  ef?: Record<number, bigint>;
  efcsr?: number;
  pc?: number;
  mem?: [number, bigint][];
  /** The last instruction must stop with this signal (addr defaults to its pc). */
  trap?: { signo: number; code: number };
  /** Run the sequence in one sysemu() to the ebreak after it instead of stepping it. */
  run?: boolean;
}

const u = (v: bigint): bigint => BigInt.asUintN(64, v);
const raw = (bits: number, size: 2 | 4 = 4): E.Insn => ({ bits: bits >>> 0, size, asm: `.insn 0x${(bits >>> 0).toString(16)}` });
const pat = (i: number): number => (0x81 + i) & 0xff;
/** The little-endian value of size bytes of the data pattern at offset off. */
function patLE(off: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(pat(off + i));
  return v;
}
const sx = (v: bigint, bits: number): bigint => u(BigInt.asIntN(bits, v));
const boxS = (bits32: number): bigint => 0xffff_ffff_0000_0000n | BigInt(bits32 >>> 0);
const D = {
  one: 0x3ff0_0000_0000_0000n, onePointFive: 0x3ff8_0000_0000_0000n, two: 0x4000_0000_0000_0000n,
  twoPointFive: 0x4004_0000_0000_0000n, four: 0x4010_0000_0000_0000n, minusOne: 0xbff0_0000_0000_0000n,
  zero: 0n, minusZero: 0x8000_0000_0000_0000n, inf: 0x7ff0_0000_0000_0000n, qnan: 0x7ff8_0000_0000_0000n,
  snan: 0x7ff0_0000_0000_0001n, tenth: 0x3fb9_9999_9999_999an,
};
const S = { one: 0x3f80_0000, onePointFive: 0x3fc0_0000, twoPointFive: 0x4020_0000, four: 0x4080_0000,
  minusOne: 0xbf80_0000, qnan: 0x7fc0_0000 };
const ill = { signo: SIGILL, code: ILL_ILLOPC };
const at = (off: bigint) => (c: Ctx): bigint => c.data + off;
const atText = (off: bigint) => (c: Ctx): bigint => c.text + off;

/** An R-type word from fields, for reserved encodings the encoder refuses to build. */
function rType(opcode: number, rd: number, f3: number, rs1: number, rs2: number, f7: number): E.Insn {
  return raw((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode);
}

const R_CASES: Case[] = [
  { name: "add", prog: [E.add(X7, X5, X6)], x: { 5: 7n, 6: u(-3n) }, ex: { 7: 4n } },
  { name: "sub", prog: [E.sub(X7, X5, X6)], x: { 5: 5n, 6: 7n }, ex: { 7: u(-2n) } },
  { name: "sll masks the shift to 6 bits", prog: [E.sll(X7, X5, X6)], x: { 5: 1n, 6: 65n }, ex: { 7: 2n } },
  { name: "slt", prog: [E.slt(X7, X5, X6)], x: { 5: u(-1n), 6: 1n }, ex: { 7: 1n } },
  { name: "sltu", prog: [E.sltu(X7, X5, X6)], x: { 5: u(-1n), 6: 1n }, ex: { 7: 0n } },
  { name: "xor", prog: [E.xor(X7, X5, X6)], x: { 5: 0xf0f0n, 6: 0xff00n }, ex: { 7: 0x0ff0n } },
  { name: "srl", prog: [E.srl(X7, X5, X6)], x: { 5: 1n << 63n, 6: 63n }, ex: { 7: 1n } },
  { name: "sra", prog: [E.sra(X7, X5, X6)], x: { 5: 1n << 63n, 6: 63n }, ex: { 7: u(-1n) } },
  { name: "or", prog: [E.or(X7, X5, X6)], x: { 5: 0xf0n, 6: 0x0fn }, ex: { 7: 0xffn } },
  { name: "and", prog: [E.and(X7, X5, X6)], x: { 5: 0xf0n, 6: 0x3cn }, ex: { 7: 0x30n } },
  { name: "add to x0 changes nothing", prog: [E.add(0, X5, X6)], x: { 5: 1n, 6: 2n } },
  { name: "addw wraps and sign-extends", prog: [E.addw(X7, X5, X6)], x: { 5: 0x7fff_ffffn, 6: 1n }, ex: { 7: 0xffff_ffff_8000_0000n } },
  { name: "subw", prog: [E.subw(X7, X5, X6)], x: { 5: 0n, 6: 1n }, ex: { 7: u(-1n) } },
  { name: "sllw masks the shift to 5 bits", prog: [E.sllw(X7, X5, X6)], x: { 5: 1n, 6: 33n }, ex: { 7: 2n } },
  { name: "srlw", prog: [E.srlw(X7, X5, X6)], x: { 5: 0xffff_ffff_8000_0000n, 6: 31n }, ex: { 7: 1n } },
  { name: "sraw", prog: [E.sraw(X7, X5, X6)], x: { 5: 0x8000_0000n, 6: 31n }, ex: { 7: u(-1n) } },
  { name: "mul", prog: [E.mul(X7, X5, X6)], x: { 5: u(-3n), 6: 7n }, ex: { 7: u(-21n) } },
  { name: "mulh", prog: [E.mulh(X7, X5, X6)], x: { 5: u(-1n), 6: 1n }, ex: { 7: u(-1n) } },
  { name: "mulhsu", prog: [E.mulhsu(X7, X5, X6)], x: { 5: u(-1n), 6: 2n }, ex: { 7: u(-1n) } },
  { name: "mulhu", prog: [E.mulhu(X7, X5, X6)], x: { 5: u(-1n), 6: u(-1n) }, ex: { 7: u(-2n) } },
  { name: "div rounds toward zero", prog: [E.div(X7, X5, X6)], x: { 5: u(-7n), 6: 2n }, ex: { 7: u(-3n) } },
  { name: "div by zero is -1", prog: [E.div(X7, X5, X6)], x: { 5: 5n, 6: 0n }, ex: { 7: u(-1n) } },
  { name: "div overflow", prog: [E.div(X7, X5, X6)], x: { 5: 1n << 63n, 6: u(-1n) }, ex: { 7: 1n << 63n } },
  { name: "divu by zero", prog: [E.divu(X7, X5, X6)], x: { 5: 7n, 6: 0n }, ex: { 7: u(-1n) } },
  { name: "rem takes the dividend's sign", prog: [E.rem(X7, X5, X6)], x: { 5: u(-7n), 6: 2n }, ex: { 7: u(-1n) } },
  { name: "rem by zero is the dividend", prog: [E.rem(X7, X5, X6)], x: { 5: u(-7n), 6: 0n }, ex: { 7: u(-7n) } },
  { name: "remu", prog: [E.remu(X7, X5, X6)], x: { 5: u(-7n), 6: 10n }, ex: { 7: 9n } },
  { name: "mulw", prog: [E.mulw(X7, X5, X6)], x: { 5: 0x7fff_ffffn, 6: 2n }, ex: { 7: u(-2n) } },
  { name: "divw ignores the upper halves", prog: [E.divw(X7, X5, X6)], x: { 5: 0x1234_5678_ffff_fff8n, 6: 2n }, ex: { 7: u(-4n) } },
  { name: "divuw", prog: [E.divuw(X7, X5, X6)], x: { 5: 0xffff_ffffn, 6: 2n }, ex: { 7: 0x7fff_ffffn } },
  { name: "remw", prog: [E.remw(X7, X5, X6)], x: { 5: u(-7n), 6: 3n }, ex: { 7: u(-1n) } },
  { name: "remuw", prog: [E.remuw(X7, X5, X6)], x: { 5: 0x1_0000_0005n, 6: 3n }, ex: { 7: 2n } },
];

const I_CASES: Case[] = [
  { name: "addi", prog: [E.addi(X7, X5, -1)], x: { 5: 0n }, ex: { 7: u(-1n) } },
  { name: "slti", prog: [E.slti(X7, X5, 5)], x: { 5: u(-5n) }, ex: { 7: 1n } },
  { name: "sltiu compares with the sign-extended immediate", prog: [E.sltiu(X7, X5, -1)], x: { 5: 5n }, ex: { 7: 1n } },
  { name: "xori -1 is not", prog: [E.xori(X7, X5, -1)], x: { 5: 0x0fn }, ex: { 7: u(~0x0fn) } },
  { name: "ori", prog: [E.ori(X7, X5, 0x700)], x: { 5: 0x0fn }, ex: { 7: 0x70fn } },
  { name: "andi", prog: [E.andi(X7, X5, -16)], x: { 5: 0x1234n }, ex: { 7: 0x1230n } },
  { name: "slli 63", prog: [E.slli(X7, X5, 63)], x: { 5: 3n }, ex: { 7: 1n << 63n } },
  { name: "srli 60", prog: [E.srli(X7, X5, 60)], x: { 5: u(-1n) }, ex: { 7: 0xfn } },
  { name: "srai 4", prog: [E.srai(X7, X5, 4)], x: { 5: u(-256n) }, ex: { 7: u(-16n) } },
  { name: "addiw", prog: [E.addiw(X7, X5, 1)], x: { 5: 0x7fff_ffffn }, ex: { 7: 0xffff_ffff_8000_0000n } },
  { name: "slliw", prog: [E.slliw(X7, X5, 31)], x: { 5: 1n }, ex: { 7: 0xffff_ffff_8000_0000n } },
  { name: "srliw", prog: [E.srliw(X7, X5, 4)], x: { 5: 0xffff_ffff_ffff_ff00n }, ex: { 7: 0x0fff_fff0n } },
  { name: "sraiw", prog: [E.sraiw(X7, X5, 4)], x: { 5: 0x8000_0000n }, ex: { 7: 0xffff_ffff_f800_0000n } },
  { name: "lb", prog: [E.lb(X7, S0, 0)], ex: { 7: sx(patLE(0, 1), 8) } },
  { name: "lh", prog: [E.lh(X7, S0, 2)], ex: { 7: sx(patLE(2, 2), 16) } },
  { name: "lw", prog: [E.lw(X7, S0, 4)], ex: { 7: sx(patLE(4, 4), 32) } },
  { name: "ld", prog: [E.ld(X7, S0, 8)], ex: { 7: patLE(8, 8) } },
  { name: "lbu", prog: [E.lbu(X7, S0, 0)], ex: { 7: patLE(0, 1) } },
  { name: "lhu", prog: [E.lhu(X7, S0, 2)], ex: { 7: patLE(2, 2) } },
  { name: "lwu", prog: [E.lwu(X7, S0, 4)], ex: { 7: patLE(4, 4) } },
  { name: "ld with a negative offset", prog: [E.ld(X7, X5, -8)], x: { 5: at(16n) }, ex: { 7: patLE(8, 8) } },
  { name: "misaligned ld (Linux emulates it)", prog: [E.ld(X7, S0, 1)], ex: { 7: patLE(1, 8) } },
  { name: "load into x0 changes nothing", prog: [E.ld(0, S0, 0)] },
  { name: "jalr clears bit 0 of the target", prog: [E.jalr(1, X5, 3)], x: { 5: atText(0x100n) }, ex: { 1: atText(4n) }, pc: 0x102 },
  { name: "jalr with rd = rs1 reads rs1 first", prog: [E.jalr(X5, X5, 8)], x: { 5: atText(0x40n) }, ex: { 5: atText(4n) }, pc: 0x48 },
  { name: "fence", prog: [E.fence(3, 3)] },
  { name: "fence.i", prog: [E.fence_i()] },
  { name: "fence.tso", prog: [E.fence_tso()] },
];

const S_B_U_J_CASES: Case[] = [
  { name: "sb", prog: [E.sb(X5, S0, 1)], x: { 5: 0x1122_3344_5566_7788n }, mem: [[0, (patLE(0, 8) & ~0xff00n) | 0x8800n]] },
  { name: "sh", prog: [E.sh(X5, S0, 2)], x: { 5: 0x1122_3344_5566_7788n }, mem: [[0, (patLE(0, 8) & ~0xffff_0000n) | 0x7788_0000n]] },
  { name: "sw", prog: [E.sw(X5, S0, 4)], x: { 5: 0x1122_3344_5566_7788n }, mem: [[0, (patLE(0, 4)) | (0x5566_7788n << 32n)]] },
  { name: "sd with a negative offset", prog: [E.sd(X5, X6, -8)], x: { 5: 0x1122_3344_5566_7788n, 6: at(16n) }, mem: [[8, 0x1122_3344_5566_7788n]] },
  { name: "misaligned sd", prog: [E.sd(X5, S0, 3)], x: { 5: 0x1122_3344_5566_7788n }, mem: [[0, patLE(0, 3) | (0x44_5566_7788n << 24n)], [8, (patLE(8, 8) & ~0xff_ffffn) | 0x11_2233n]] },
  { name: "beq taken", prog: [E.beq(X5, X6, 8)], x: { 5: 3n, 6: 3n }, pc: 8 },
  { name: "beq not taken", prog: [E.beq(X5, X6, 8)], x: { 5: 3n, 6: 4n } },
  { name: "bne taken backwards", prog: [E.bne(X5, X6, -4)], x: { 5: 3n, 6: 4n }, pc: -4 },
  { name: "blt signed", prog: [E.blt(X5, X6, 12)], x: { 5: u(-1n), 6: 0n }, pc: 12 },
  { name: "bge equal", prog: [E.bge(X5, X6, 12)], x: { 5: 2n, 6: 2n }, pc: 12 },
  { name: "bltu unsigned", prog: [E.bltu(X5, X6, 12)], x: { 5: u(-1n), 6: 0n } },
  { name: "bgeu unsigned", prog: [E.bgeu(X5, X6, 12)], x: { 5: u(-1n), 6: 0n }, pc: 12 },
  { name: "lui sign-extends", prog: [E.lui(X7, 0x80000)], ex: { 7: 0xffff_ffff_8000_0000n } },
  { name: "auipc", prog: [E.c_nop(), E.auipc(X7, 0x12345)], ex: { 7: atText(0x1234_5002n) } },
  { name: "jal links and jumps", prog: [E.jal(1, 0x7fe)], ex: { 1: atText(4n) }, pc: 0x7fe },
  { name: "jal backwards to x0", prog: [E.jal(0, -0x100)], pc: -0x100 },
];

const AMO_CASES: Case[] = [
  { name: "lr.d then sc.d succeeds", prog: [E.lr_d(X7, S0, false, false), E.sc_d(S1, X6, S0, false, false)], run: true, x: { 6: 42n }, ex: { 7: patLE(0, 8), 9: 0n }, mem: [[0, 42n]] },
  // Every return to user space clears the reservation (riscv's ret_from_exception does a
  // dummy sc), and a single step is such a return: a stepped LR/SC pair never succeeds.
  { name: "single-stepped lr.d then sc.d fails", prog: [E.lr_d(X7, S0, false, false), E.sc_d(S1, X6, S0, false, false)], x: { 6: 42n }, ex: { 7: patLE(0, 8), 9: 1n }, mem: [[0, patLE(0, 8)]] },
  { name: "sc.d without a reservation fails", prog: [E.sc_d(S1, X6, S0, true, true)], x: { 6: 42n }, ex: { 9: 1n }, mem: [[0, patLE(0, 8)]] },
  { name: "lr.w sign-extends", prog: [E.lr_w(X7, S0, true, false)], ex: { 7: sx(patLE(0, 4), 32) } },
  { name: "sc.w to another address fails", prog: [E.lr_w(X7, S0, false, false), E.sc_w(S1, X6, X5, false, false)], x: { 5: at(8n), 6: 1n }, ex: { 7: sx(patLE(0, 4), 32), 9: 1n }, mem: [[8, patLE(8, 8)]] },
  { name: "amoadd.w wraps in 32 bits", prog: [E.amoadd_w(X7, X6, X5, false, false)], x: { 5: at(16n), 6: 1n }, ex: { 7: sx(patLE(16, 4), 32) }, mem: [[16, (patLE(16, 8) & ~0xffff_ffffn) | ((patLE(16, 4) + 1n) & 0xffff_ffffn)]] },
  { name: "amoswap.d", prog: [E.amoswap_d(X7, X6, S0, true, true)], x: { 6: 7n }, ex: { 7: patLE(0, 8) }, mem: [[0, 7n]] },
  { name: "amoxor.d", prog: [E.amoxor_d(X7, X6, S0, false, false)], x: { 6: u(-1n) }, ex: { 7: patLE(0, 8) }, mem: [[0, u(~patLE(0, 8))]] },
  { name: "amoand.d", prog: [E.amoand_d(X7, X6, S0, false, false)], x: { 6: 0xffn }, ex: { 7: patLE(0, 8) }, mem: [[0, patLE(0, 1)]] },
  { name: "amoor.w", prog: [E.amoor_w(X7, X6, S0, false, false)], x: { 6: 0x7000_0000n }, ex: { 7: sx(patLE(0, 4), 32) }, mem: [[0, patLE(0, 8) | 0x7000_0000n]] },
  { name: "amomin.w is signed", prog: [E.amomin_w(X7, X6, S0, false, false)], x: { 6: 5n }, ex: { 7: sx(patLE(0, 4), 32) }, mem: [[0, patLE(0, 8)]] },
  { name: "amominu.w is unsigned", prog: [E.amominu_w(X7, X6, S0, false, false)], x: { 6: 5n }, ex: { 7: sx(patLE(0, 4), 32) }, mem: [[0, (patLE(0, 8) & ~0xffff_ffffn) | 5n]] },
  { name: "amomax.d is signed", prog: [E.amomax_d(X7, X6, S0, false, false)], x: { 6: 5n }, ex: { 7: patLE(0, 8) }, mem: [[0, 5n]] },
  { name: "amomaxu.d is unsigned", prog: [E.amomaxu_d(X7, X6, S0, false, false)], x: { 6: 5n }, ex: { 7: patLE(0, 8) }, mem: [[0, patLE(0, 8)]] },
  { name: "amomin.d to x0 still stores", prog: [E.amomin_d(0, X6, S0, false, false)], x: { 6: 5n }, mem: [[0, patLE(0, 8)]] },
];

const CSR_CASES: Case[] = [
  { name: "csrr fflags", prog: [E.csrrs(X7, E.CSR_FFLAGS, 0)], fcsr: 0x75, ex: { 7: 0x15n } },
  { name: "csrr frm", prog: [E.csrrs(X7, E.CSR_FRM, 0)], fcsr: 0x75, ex: { 7: 3n } },
  { name: "csrrw frm", prog: [E.csrrw(X7, E.CSR_FRM, X5)], x: { 5: 0xfffn }, fcsr: 0x35, ex: { 7: 1n }, efcsr: 0xf5 },
  { name: "csrrw fcsr keeps 8 bits", prog: [E.csrrw(X7, E.CSR_FCSR, X5)], x: { 5: 0x1ffn }, fcsr: 0x21, ex: { 7: 0x21n }, efcsr: 0xff },
  { name: "csrrs fflags", prog: [E.csrrs(X7, E.CSR_FFLAGS, X5)], x: { 5: 0x3n }, fcsr: 0x44, ex: { 7: 0x4n }, efcsr: 0x47 },
  { name: "csrrc fcsr", prog: [E.csrrc(X7, E.CSR_FCSR, X5)], x: { 5: 0xe1n }, fcsr: 0xff, ex: { 7: 0xffn }, efcsr: 0x1e },
  { name: "csrrwi fflags", prog: [E.csrrwi(X7, E.CSR_FFLAGS, 0x1f)], fcsr: 0x40, ex: { 7: 0n }, efcsr: 0x5f },
  { name: "csrrsi frm", prog: [E.csrrsi(X7, E.CSR_FRM, 4)], fcsr: 0x20, ex: { 7: 1n }, efcsr: 0xa0 },
  { name: "csrrci fcsr", prog: [E.csrrci(X7, E.CSR_FCSR, 0x10)], fcsr: 0x1f, ex: { 7: 0x1fn }, efcsr: 0x0f },
  { name: "rdinstret counts what retired before it", prog: [E.c_nop(), E.addi(0, 0, 0), E.csrrs(X7, 0xc02, 0)], ex: { 7: 2n } },
  { name: "rdcycle reads the same count", prog: [E.c_nop(), E.csrrs(X7, 0xc00, 0)], ex: { 7: 1n } },
  { name: "csrrsi with uimm 0 only reads a read-only CSR", prog: [E.csrrsi(X7, 0xc02, 0)], ex: { 7: 0n } },
  { name: "csrrc with x0 only reads a read-only CSR", prog: [E.c_nop(), E.csrrc(X7, 0xc00, 0)], ex: { 7: 1n } },
  { name: "mstatus is not a user CSR", prog: [E.csrrs(X7, 0x300, 0)], trap: ill },
  { name: "sstatus is not a user CSR", prog: [E.csrrs(X7, 0x100, 0)], trap: ill },
  { name: "cycleh does not exist on RV64", prog: [E.csrrs(X7, 0xc80, 0)], trap: ill },
  { name: "vlenb does not exist without V", prog: [E.csrrs(X7, 0xc22, 0)], trap: ill },
  { name: "an unassigned CSR", prog: [E.csrrs(X7, 0x004, 0)], trap: ill },
  { name: "csrrw to cycle", prog: [E.csrrw(X7, 0xc00, X5)], trap: ill },
  { name: "csrrw x0 to instret (a write even though rd = x0)", prog: [E.csrrw(0, 0xc02, 0)], trap: ill },
  { name: "csrrs to time with rs1 != x0", prog: [E.csrrs(X7, 0xc01, X5)], x: { 5: 0n }, trap: ill },
  { name: "csrrwi to instret", prog: [E.csrrwi(X7, 0xc02, 0)], trap: ill },
  { name: "csrrci to cycle with uimm != 0", prog: [E.csrrci(X7, 0xc00, 1)], trap: ill },
];

const FP_CASES: Case[] = [
  { name: "fadd.s", prog: [E.fadd_s(3, 1, 2, RNE)], f: { 1: boxS(S.onePointFive), 2: boxS(S.twoPointFive) }, ef: { 3: boxS(S.four) } },
  { name: "fadd.s reads an unboxed single as the canonical NaN", prog: [E.fadd_s(3, 1, 2, RNE)], f: { 1: BigInt(S.onePointFive), 2: boxS(S.one) }, ef: { 3: boxS(S.qnan) } },
  { name: "fadd.d", prog: [E.fadd_d(3, 1, 2, RNE)], f: { 1: D.onePointFive, 2: D.twoPointFive }, ef: { 3: D.four } },
  { name: "fadd.d rtz is inexact", prog: [E.fadd_d(3, 1, 2, RTZ)], f: { 1: D.onePointFive, 2: D.tenth }, ef: { 3: 0x3ff9_9999_9999_9999n }, efcsr: NX },
  { name: "fadd.d rne rounds up here", prog: [E.fadd_d(3, 1, 2, RNE)], f: { 1: D.onePointFive, 2: D.tenth }, ef: { 3: 0x3ff9_9999_9999_999an }, efcsr: NX },
  { name: "fadd.d dyn with frm = rtz", prog: [E.fadd_d(3, 1, 2, DYN)], f: { 1: D.onePointFive, 2: D.tenth }, fcsr: RTZ << 5, ef: { 3: 0x3ff9_9999_9999_9999n }, efcsr: (RTZ << 5) | NX },
  { name: "fsub.d", prog: [E.fsub_d(3, 1, 2, RNE)], f: { 1: D.one, 2: D.one }, ef: { 3: D.zero } },
  { name: "fmul.s", prog: [E.fmul_s(3, 1, 2, RNE)], f: { 1: boxS(S.twoPointFive), 2: boxS(S.minusOne) }, ef: { 3: boxS(0xc020_0000) } },
  { name: "fdiv.d by zero", prog: [E.fdiv_d(3, 1, 2, RNE)], f: { 1: D.one, 2: D.zero }, ef: { 3: D.inf }, efcsr: DZ },
  { name: "fsqrt.d", prog: [E.fsqrt_d(3, 1, RNE)], f: { 1: D.four }, ef: { 3: D.two } },
  { name: "fsqrt.d of -1 is invalid", prog: [E.fsqrt_d(3, 1, RNE)], f: { 1: D.minusOne }, ef: { 3: D.qnan }, efcsr: NV },
  { name: "fsqrt.s", prog: [E.fsqrt_s(3, 1, RNE)], f: { 1: boxS(S.four) }, ef: { 3: boxS(0x4000_0000) } },
  { name: "fmadd.d (R4)", prog: [E.fmadd_d(3, 1, 2, 4, RNE)], f: { 1: D.onePointFive, 2: D.twoPointFive, 4: D.one }, ef: { 3: 0x4013_0000_0000_0000n } },
  { name: "fmsub.d", prog: [E.fmsub_d(3, 1, 2, 4, RNE)], f: { 1: D.onePointFive, 2: D.twoPointFive, 4: D.one }, ef: { 3: 0x4006_0000_0000_0000n } },
  { name: "fnmsub.d", prog: [E.fnmsub_d(3, 1, 2, 4, RNE)], f: { 1: D.onePointFive, 2: D.twoPointFive, 4: D.one }, ef: { 3: 0xc006_0000_0000_0000n } },
  { name: "fnmadd.d", prog: [E.fnmadd_d(3, 1, 2, 4, RNE)], f: { 1: D.onePointFive, 2: D.twoPointFive, 4: D.one }, ef: { 3: 0xc013_0000_0000_0000n } },
  { name: "fmadd.s", prog: [E.fmadd_s(3, 1, 2, 4, RNE)], f: { 1: boxS(S.onePointFive), 2: boxS(S.twoPointFive), 4: boxS(S.one) }, ef: { 3: boxS(0x4098_0000) } },
  { name: "fsgnj.d", prog: [E.fsgnj_d(3, 1, 2)], f: { 1: D.one, 2: D.minusZero }, ef: { 3: D.minusOne } },
  { name: "fsgnjn.d (fneg)", prog: [E.fsgnjn_d(3, 1, 1)], f: { 1: D.one }, ef: { 3: D.minusOne } },
  { name: "fsgnjx.d (fabs)", prog: [E.fsgnjx_d(3, 1, 1)], f: { 1: D.minusOne }, ef: { 3: D.one } },
  { name: "fsgnj.s", prog: [E.fsgnj_s(3, 1, 2)], f: { 1: boxS(S.one), 2: boxS(S.minusOne) }, ef: { 3: boxS(S.minusOne) } },
  { name: "fmin.d of -0 and +0 is -0", prog: [E.fmin_d(3, 1, 2)], f: { 1: D.zero, 2: D.minusZero }, ef: { 3: D.minusZero } },
  { name: "fmax.d of -0 and +0 is +0", prog: [E.fmax_d(3, 1, 2)], f: { 1: D.minusZero, 2: D.zero }, ef: { 3: D.zero } },
  { name: "fmin.d ignores one quiet NaN", prog: [E.fmin_d(3, 1, 2)], f: { 1: D.qnan, 2: D.one }, ef: { 3: D.one } },
  { name: "fmax.d of signalling NaN is invalid", prog: [E.fmax_d(3, 1, 2)], f: { 1: D.snan, 2: D.one }, ef: { 3: D.one }, efcsr: NV },
  { name: "fmin.s of two NaNs is the canonical NaN", prog: [E.fmin_s(3, 1, 2)], f: { 1: boxS(0x7fc0_0001), 2: boxS(0xffc0_0000) }, ef: { 3: boxS(S.qnan) } },
  { name: "fcvt.w.d rne ties to even", prog: [E.fcvt_w_d(X7, 1, RNE)], f: { 1: D.twoPointFive }, ex: { 7: 2n }, efcsr: NX },
  { name: "fcvt.w.d rup", prog: [E.fcvt_w_d(X7, 1, RUP)], f: { 1: D.twoPointFive }, ex: { 7: 3n }, efcsr: NX },
  { name: "fcvt.w.d rmm", prog: [E.fcvt_w_d(X7, 1, RMM)], f: { 1: D.twoPointFive }, ex: { 7: 3n }, efcsr: NX },
  { name: "fcvt.w.d of NaN saturates", prog: [E.fcvt_w_d(X7, 1, RNE)], f: { 1: D.qnan }, ex: { 7: 0x7fff_ffffn }, efcsr: NV },
  { name: "fcvt.wu.d of -1 is 0, invalid", prog: [E.fcvt_wu_d(X7, 1, RTZ)], f: { 1: D.minusOne }, ex: { 7: 0n }, efcsr: NV },
  { name: "fcvt.wu.s sign-extends its 32-bit result", prog: [E.fcvt_wu_s(X7, 1, RTZ)], f: { 1: boxS(0x4f7f_ffff) }, ex: { 7: 0xffff_ffff_ffff_ff00n } },
  { name: "fcvt.l.d", prog: [E.fcvt_l_d(X7, 1, RTZ)], f: { 1: D.minusOne }, ex: { 7: u(-1n) } },
  { name: "fcvt.lu.s", prog: [E.fcvt_lu_s(X7, 1, RTZ)], f: { 1: boxS(S.four) }, ex: { 7: 4n } },
  { name: "fcvt.d.w", prog: [E.fcvt_d_w(3, X5, RNE)], x: { 5: u(-5n) }, ef: { 3: 0xc014_0000_0000_0000n } },
  { name: "fcvt.d.lu", prog: [E.fcvt_d_lu(3, X5, RNE)], x: { 5: 4n }, ef: { 3: D.four } },
  { name: "fcvt.s.l", prog: [E.fcvt_s_l(3, X5, RNE)], x: { 5: u(-1n) }, ef: { 3: boxS(S.minusOne) } },
  { name: "fcvt.s.d", prog: [E.fcvt_s_d(3, 1, RNE)], f: { 1: D.onePointFive }, ef: { 3: boxS(S.onePointFive) } },
  { name: "fcvt.d.s", prog: [E.fcvt_d_s(3, 1, RNE)], f: { 1: boxS(S.twoPointFive) }, ef: { 3: D.twoPointFive } },
  { name: "fmv.x.w sign-extends", prog: [E.fmv_x_w(X7, 1)], f: { 1: boxS(S.minusOne) }, ex: { 7: 0xffff_ffff_bf80_0000n } },
  { name: "fmv.x.w takes the low bits even when unboxed", prog: [E.fmv_x_w(X7, 1)], f: { 1: 0x1234_5678_3f80_0000n }, ex: { 7: 0x3f80_0000n } },
  { name: "fmv.w.x boxes", prog: [E.fmv_w_x(3, X5)], x: { 5: 0x1234_5678_3f80_0000n }, ef: { 3: boxS(S.one) } },
  { name: "fmv.x.d", prog: [E.fmv_x_d(X7, 1)], f: { 1: D.minusZero }, ex: { 7: D.minusZero } },
  { name: "fmv.d.x", prog: [E.fmv_d_x(3, X5)], x: { 5: D.inf }, ef: { 3: D.inf } },
  { name: "fclass.d +inf", prog: [E.fclass_d(X7, 1)], f: { 1: D.inf }, ex: { 7: 0x80n } },
  { name: "fclass.d -0", prog: [E.fclass_d(X7, 1)], f: { 1: D.minusZero }, ex: { 7: 0x08n } },
  { name: "fclass.d signalling NaN", prog: [E.fclass_d(X7, 1)], f: { 1: D.snan }, ex: { 7: 0x100n } },
  { name: "fclass.s of an unboxed value is a quiet NaN", prog: [E.fclass_s(X7, 1)], f: { 1: BigInt(S.one) }, ex: { 7: 0x200n } },
  { name: "feq.d", prog: [E.feq_d(X7, 1, 2)], f: { 1: D.one, 2: D.one }, ex: { 7: 1n } },
  { name: "feq.d of -0 and +0", prog: [E.feq_d(X7, 1, 2)], f: { 1: D.zero, 2: D.minusZero }, ex: { 7: 1n } },
  { name: "feq.d of a quiet NaN is quiet", prog: [E.feq_d(X7, 1, 2)], f: { 1: D.qnan, 2: D.one }, ex: { 7: 0n } },
  { name: "flt.d of a quiet NaN is invalid", prog: [E.flt_d(X7, 1, 2)], f: { 1: D.qnan, 2: D.one }, ex: { 7: 0n }, efcsr: NV },
  { name: "fle.s", prog: [E.fle_s(X7, 1, 2)], f: { 1: boxS(S.one), 2: boxS(S.one) }, ex: { 7: 1n } },
  { name: "flt.s", prog: [E.flt_s(X7, 1, 2)], f: { 1: boxS(S.minusOne), 2: boxS(S.one) }, ex: { 7: 1n } },
  { name: "flw boxes", prog: [E.flw(3, S0, 4)], ef: { 3: boxS(Number(patLE(4, 4))) } },
  { name: "fld", prog: [E.fld(3, S0, 8)], ef: { 3: patLE(8, 8) } },
  { name: "fsw stores the low 32 bits", prog: [E.fsw(1, S0, 0)], f: { 1: 0x1122_3344_5566_7788n }, mem: [[0, (patLE(0, 8) & ~0xffff_ffffn) | 0x5566_7788n]] },
  { name: "fsd", prog: [E.fsd(1, S0, 8)], f: { 1: D.inf }, mem: [[8, D.inf]] },
  { name: "fflags accrue across instructions", prog: [E.fdiv_d(3, 1, 2, RNE), E.fsqrt_d(4, 5, RNE)], f: { 1: D.one, 2: D.zero, 5: D.minusOne }, ef: { 3: D.inf, 4: D.qnan }, efcsr: DZ | NV },
  { name: "frm = rtz via csrwi, then dyn", prog: [E.csrrwi(0, E.CSR_FRM, RTZ), E.fadd_d(3, 1, 2, DYN)], f: { 1: D.onePointFive, 2: D.tenth }, ef: { 3: 0x3ff9_9999_9999_9999n }, efcsr: (RTZ << 5) | NX },
];

// fadd.d: funct7 0x01, opcode 0x53; fsqrt.d: funct7 0x2d; fmadd.d: opcode 0x43, fmt bits 26:25.
const fpOp = (f7: number, rm: number, rs2 = 2): E.Insn => rType(0x53, 3, rm, 1, rs2, f7);
const RESERVED_CASES: Case[] = [
  { name: "fadd.d rm = 5", prog: [fpOp(0x01, 5)], trap: ill },
  { name: "fadd.d rm = 6", prog: [fpOp(0x01, 6)], trap: ill },
  { name: "fadd.s rm = 5", prog: [fpOp(0x00, 5)], trap: ill },
  { name: "fcvt.w.d rm = 6", prog: [rType(0x53, X7, 6, 1, 0, 0x61)], trap: ill },
  { name: "fmadd.d rm = 5", prog: [raw(0x43 | (3 << 7) | (5 << 12) | (1 << 15) | (2 << 20) | (1 << 25) | (4 << 27))], trap: ill },
  { name: "fmadd with fmt = 2 (no Zfh)", prog: [raw(0x43 | (3 << 7) | (1 << 15) | (2 << 20) | (2 << 25) | (4 << 27))], trap: ill },
  { name: "fmadd with fmt = 3 (no Q)", prog: [raw(0x43 | (3 << 7) | (1 << 15) | (2 << 20) | (3 << 25) | (4 << 27))], trap: ill },
  { name: "fsqrt.d with rs2 = 1", prog: [fpOp(0x2d, RNE, 1)], trap: ill },
  { name: "fsqrt.s with rs2 = 2", prog: [fpOp(0x2c, RNE, 2)], trap: ill },
  { name: "fcvt.s.d with rs2 = 0", prog: [fpOp(0x20, RNE, 0)], trap: ill },
  { name: "fcvt.w.d with rs2 = 4", prog: [fpOp(0x61, RNE, 4)], trap: ill },
  { name: "fsgnj.d with funct3 = 3", prog: [fpOp(0x11, 3)], trap: ill },
  { name: "fmin.d with funct3 = 2", prog: [fpOp(0x15, 2)], trap: ill },
  { name: "feq.d with funct3 = 3", prog: [fpOp(0x51, 3)], trap: ill },
  { name: "fmv.x.d with rs2 = 1", prog: [fpOp(0x71, 0, 1)], trap: ill },
  { name: "fmv.d.x with funct3 = 1", prog: [fpOp(0x79, 1, 0)], trap: ill },
  { name: "an unassigned OP-FP funct7", prog: [fpOp(0x7f, 0)], trap: ill },
  { name: "frm = 5 then fadd.d dyn", prog: [E.csrrwi(0, E.CSR_FRM, 5), E.fadd_d(3, 1, 2, DYN)], efcsr: 5 << 5, trap: ill },
  { name: "frm = 7 then fmadd.d dyn", prog: [E.csrrwi(0, E.CSR_FRM, 7), E.fmadd_d(3, 1, 2, 4, DYN)], efcsr: 7 << 5, trap: ill },
  { name: "frm = 6 then fcvt.d.w dyn (exact, still illegal)", prog: [E.csrrwi(0, E.CSR_FRM, 6), E.fcvt_d_w(3, X5, DYN)], efcsr: 6 << 5, trap: ill },
  { name: "frm = 5 leaves a static rm legal", prog: [E.csrrwi(0, E.CSR_FRM, 5), E.fadd_d(3, 1, 2, RNE)], f: { 1: D.one, 2: D.one }, ef: { 3: D.two }, efcsr: 5 << 5 },
  { name: "frm = 5 leaves fsgnj legal", prog: [E.csrrwi(0, E.CSR_FRM, 5), E.fsgnjn_d(3, 1, 1)], f: { 1: D.one }, ef: { 3: D.minusOne }, efcsr: 5 << 5 },
  { name: "slli with funct6 = 1", prog: [raw(E.slli(X7, X5, 1).bits | (1 << 26))], trap: ill },
  { name: "srli with funct6 = 0x20", prog: [raw(E.srli(X7, X5, 1).bits | (0x20 << 26))], trap: ill },
  { name: "srai with funct6 = 0x11", prog: [raw(E.srai(X7, X5, 1).bits | (1 << 26))], trap: ill },
  { name: "slliw with shamt[5] set", prog: [raw(E.slliw(X7, X5, 1).bits | (1 << 25))], trap: ill },
  { name: "sraiw with shamt[5] set", prog: [raw(E.sraiw(X7, X5, 1).bits | (1 << 25))], trap: ill },
  { name: "OP with funct7 = 2", prog: [rType(0x33, X7, 0, X5, X6, 0x02)], trap: ill },
  { name: "sub-encoding of sll (funct7 0x20, funct3 1)", prog: [rType(0x33, X7, 1, X5, X6, 0x20)], trap: ill },
  { name: "OP-32 funct3 = 2", prog: [rType(0x3b, X7, 2, X5, X6, 0)], trap: ill },
  { name: "mulw-space funct3 = 1", prog: [rType(0x3b, X7, 1, X5, X6, 1)], trap: ill },
  { name: "load funct3 = 7", prog: [raw(E.ld(X7, S0, 0).bits | (7 << 12))], trap: ill },
  { name: "store funct3 = 4", prog: [raw((E.sd(X5, S0, 0).bits & ~(7 << 12)) | (4 << 12))], trap: ill },
  { name: "branch funct3 = 2", prog: [raw((E.beq(X5, X6, 8).bits & ~(7 << 12)) | (2 << 12))], trap: ill },
  { name: "jalr funct3 = 1", prog: [raw(E.jalr(1, X5, 0).bits | (1 << 12))], trap: ill },
  { name: "AMO funct5 = 5", prog: [rType(0x2f, X7, 3, S0, X6, 5 << 2)], trap: ill },
  { name: "AMO width .b (funct3 0)", prog: [rType(0x2f, X7, 0, S0, X6, 0)], trap: ill },
  { name: "lr.d with rs2 != 0", prog: [rType(0x2f, X7, 3, S0, 1, 2 << 2)], trap: ill },
  { name: "MISC-MEM funct3 = 2", prog: [raw(0x0000200f)], trap: ill },
  { name: "mret in user mode", prog: [raw(0x30200073)], trap: ill },
  { name: "sret in user mode", prog: [raw(0x10200073)], trap: ill },
  { name: "SYSTEM funct3 = 4", prog: [raw(0x00004073 | (X7 << 7))], trap: ill },
  { name: "an unassigned major opcode (0x0b, custom-0)", prog: [raw(0x0000000b)], trap: ill },
  { name: "the all-ones word", prog: [raw(0xffffffff)], trap: ill },
];

const C_CASES: Case[] = [
  { name: "c.addi4spn", prog: [E.c_addi4spn(S1, 16)], ex: { 9: at(DATA_SP_OFFSET + 16n) } },
  { name: "c.lw", prog: [E.c_lw(S1, S0, 4)], ex: { 9: sx(patLE(4, 4), 32) } },
  { name: "c.ld", prog: [E.c_ld(S1, S0, 8)], ex: { 9: patLE(8, 8) } },
  { name: "c.fld", prog: [E.c_fld(S1, S0, 8)], ef: { 9: patLE(8, 8) } },
  { name: "c.sw", prog: [E.c_sw(S1, S0, 0)], x: { 9: 0x1122_3344_5566_7788n }, mem: [[0, (patLE(0, 8) & ~0xffff_ffffn) | 0x5566_7788n]] },
  { name: "c.sd", prog: [E.c_sd(S1, S0, 8)], x: { 9: 0x1122_3344_5566_7788n }, mem: [[8, 0x1122_3344_5566_7788n]] },
  { name: "c.fsd", prog: [E.c_fsd(S1, S0, 16)], f: { 9: D.inf }, mem: [[16, D.inf]] },
  { name: "c.nop", prog: [E.c_nop()] },
  { name: "c.addi", prog: [E.c_addi(X5, -3)], x: { 5: 10n }, ex: { 5: 7n } },
  { name: "c.addiw", prog: [E.c_addiw(X5, 1)], x: { 5: 0x7fff_ffffn }, ex: { 5: 0xffff_ffff_8000_0000n } },
  { name: "c.addiw 0 is sext.w", prog: [E.c_addiw(X5, 0)], x: { 5: 0x1_8000_0000n }, ex: { 5: 0xffff_ffff_8000_0000n } },
  { name: "c.li", prog: [E.c_li(X5, -32)], ex: { 5: u(-32n) } },
  { name: "c.addi16sp", prog: [E.c_addi16sp(-64)], ex: { 2: at(DATA_SP_OFFSET - 64n) } },
  { name: "c.lui sign-extends", prog: [E.c_lui(X5, -1)], ex: { 5: u(-4096n) } },
  { name: "c.lui", prog: [E.c_lui(X5, 1)], ex: { 5: 0x1000n } },
  { name: "c.srli", prog: [E.c_srli(S1, 4)], x: { 9: 0xf0n }, ex: { 9: 0xfn } },
  { name: "c.srai", prog: [E.c_srai(S1, 63)], x: { 9: u(-5n) }, ex: { 9: u(-1n) } },
  { name: "c.andi", prog: [E.c_andi(S1, -16)], x: { 9: 0x1234n }, ex: { 9: 0x1230n } },
  { name: "c.sub", prog: [E.c_sub(S1, A0)], x: { 9: 5n, 10: 7n }, ex: { 9: u(-2n) } },
  { name: "c.xor", prog: [E.c_xor(S1, A0)], x: { 9: 0xf0n, 10: 0xffn }, ex: { 9: 0x0fn } },
  { name: "c.or", prog: [E.c_or(S1, A0)], x: { 9: 0xf0n, 10: 0x0fn }, ex: { 9: 0xffn } },
  { name: "c.and", prog: [E.c_and(S1, A0)], x: { 9: 0xf0n, 10: 0x3cn }, ex: { 9: 0x30n } },
  { name: "c.subw", prog: [E.c_subw(S1, A0)], x: { 9: 0n, 10: 1n }, ex: { 9: u(-1n) } },
  { name: "c.addw", prog: [E.c_addw(S1, A0)], x: { 9: 0x7fff_ffffn, 10: 1n }, ex: { 9: 0xffff_ffff_8000_0000n } },
  { name: "c.j", prog: [E.c_j(-2)], pc: -2 },
  { name: "c.beqz taken", prog: [E.c_beqz(S1, 6)], pc: 6 },
  { name: "c.beqz not taken", prog: [E.c_beqz(S1, 6)], x: { 9: 1n } },
  { name: "c.bnez taken", prog: [E.c_bnez(S1, -256)], x: { 9: 1n }, pc: -256 },
  { name: "c.slli", prog: [E.c_slli(X5, 32)], x: { 5: 3n }, ex: { 5: 3n << 32n } },
  { name: "c.fldsp", prog: [E.c_fldsp(X5, 8)], ef: { 5: patLE(8, 8) } },
  { name: "c.lwsp", prog: [E.c_lwsp(X5, 4)], ex: { 5: sx(patLE(4, 4), 32) } },
  { name: "c.ldsp", prog: [E.c_ldsp(X5, 16)], ex: { 5: patLE(16, 8) } },
  { name: "c.jr", prog: [E.c_jr(X5)], x: { 5: atText(0x40n) }, pc: 0x40 },
  { name: "c.jalr links pc + 2", prog: [E.c_jalr(X5)], x: { 5: atText(0x40n) }, ex: { 1: atText(2n) }, pc: 0x40 },
  { name: "c.jalr ra uses the old ra as the target", prog: [E.c_jalr(1)], x: { 1: atText(0x20n) }, ex: { 1: atText(2n) }, pc: 0x20 },
  { name: "c.mv", prog: [E.c_mv(X5, X6)], x: { 6: 9n }, ex: { 5: 9n } },
  { name: "c.add", prog: [E.c_add(X5, X6)], x: { 5: 1n, 6: 9n }, ex: { 5: 10n } },
  { name: "c.fsdsp", prog: [E.c_fsdsp(X5, 16)], f: { 5: D.one }, mem: [[1024 + 16, D.one]] },
  { name: "c.swsp", prog: [E.c_swsp(X5, 20)], x: { 5: 0xdead_beefn }, mem: [[1024 + 16, patLE(16, 4) | (0xdead_beefn << 32n)]] },
  { name: "c.sdsp", prog: [E.c_sdsp(X5, 24)], x: { 5: 0x0102_0304_0506_0708n }, mem: [[1024 + 24, 0x0102_0304_0506_0708n]] },
  { name: "c.ebreak", prog: [E.c_ebreak()], trap: { signo: SIGTRAP, code: TRAP_BRKPT } },
  { name: "c.unimp (0x0000)", prog: [raw(0x0000, 2)], trap: ill },
  { name: "c.addi4spn with nzuimm 0", prog: [raw(0x0004, 2)], trap: ill },
  { name: "c.lui with imm 0", prog: [raw(0x6081, 2)], trap: ill },
  { name: "c.addi16sp with imm 0", prog: [raw(0x6101, 2)], trap: ill },
  { name: "c.lwsp with rd = x0", prog: [raw(0x4002, 2)], trap: ill },
  { name: "c.ldsp with rd = x0", prog: [raw(0x6002, 2)], trap: ill },
  { name: "c.jr with rs1 = x0", prog: [raw(0x8002, 2)], trap: ill },
  { name: "c.addiw with rd = x0", prog: [raw(0x2001, 2)], trap: ill },
];

let kernel: Kernel;
beforeAll(() => {
  ({ kernel } = bootTestKernel());
});

function value(v: Val, c: Ctx): bigint {
  return typeof v === "function" ? v(c) : v;
}

function runCase(c: Case): void {
  const data = new Uint8Array(4096).map((_, i) => pat(i));
  const { pt, text, data: dataAddr } = spawnTiny(kernel, [...c.prog, E.ebreak()], { data });
  const ctx: Ctx = { text, data: dataAddr };
  try {
    const regs = new BigUint64Array(32);
    regs[0] = text;
    regs[SP] = dataAddr + DATA_SP_OFFSET;
    regs[S0] = dataAddr;
    for (const [r, v] of Object.entries(c.x ?? {})) regs[Number(r)] = value(v, ctx);
    pt.setregs(regs);
    const f = new BigUint64Array(32);
    for (const [r, v] of Object.entries(c.f ?? {})) f[Number(r)] = v;
    pt.setfpregs({ f, fcsr: c.fcsr ?? 0 });

    let pc = text;
    if (c.run) {
      for (const insn of c.prog) pc += BigInt(insn.size);
      expect(pt.sysemu()).toEqual({ kind: "signal", signo: SIGTRAP, code: TRAP_BRKPT, addr: pc });
    }
    for (let i = 0; i < c.prog.length && !c.run; i++) {
      const stop = pt.sysemuSinglestep();
      if (c.trap && i === c.prog.length - 1) {
        expect(stop).toEqual({ kind: "signal", signo: c.trap.signo, code: c.trap.code, addr: pc });
        expect(pt.instret).toBe(BigInt(c.prog.length - 1));
      } else {
        expect(stop, `step ${i}`).toEqual({ kind: "step" });
      }
      pc += BigInt(c.prog[i].size);
    }
    const after = pt.getregs();
    const wantPc = c.trap ? pc - BigInt(c.prog[c.prog.length - 1].size) : c.pc !== undefined ? text + BigInt(c.pc) : pc;
    expect(after[0], "pc").toBe(u(wantPc));
    for (let r = 1; r < 32; r++) {
      const want = c.ex?.[r] !== undefined ? value(c.ex[r], ctx) : regs[r];
      expect(after[r], `x${r}`).toBe(want);
    }
    const fp = pt.getfpregs();
    for (let r = 0; r < 32; r++) expect(fp.f[r], `f${r}`).toBe(c.ef?.[r] ?? f[r]);
    expect(fp.fcsr, "fcsr").toBe(c.efcsr ?? c.fcsr ?? 0);
    for (const [off, want] of c.mem ?? []) {
      const bytes = pt.peek(dataAddr + BigInt(off), 8)!;
      expect(new DataView(bytes.buffer).getBigUint64(0, true), `mem[${off}]`).toBe(want);
    }
  } finally {
    pt.kill();
  }
}

const SUITES: [string, Case[]][] = [
  ["R-type (OP, OP-32, M)", R_CASES],
  ["I-type (OP-IMM, OP-IMM-32, LOAD, JALR, MISC-MEM)", I_CASES],
  ["S, B, U and J types", S_B_U_J_CASES],
  ["A: LR/SC and AMOs", AMO_CASES],
  ["Zicsr", CSR_CASES],
  ["F and D (R, R4, loads and stores)", FP_CASES],
  ["reserved encodings trap", RESERVED_CASES],
  ["RVC", C_CASES],
];

for (const [suite, cases] of SUITES) {
  describe(suite, () => {
    for (const c of cases) it(c.name, () => runCase(c));
  });
}
