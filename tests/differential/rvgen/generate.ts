// tests/differential/rvgen/generate.ts — seeded random RV64GC test programs.
// Owns: what a generated case contains and how cases are laid out in one ELF. The runner
// (cpu_random.test.ts) only compares bytes; this file decides every byte.
//
// A case is: load x1..x31 (but x2) and f0..f31 from an init block, set fcsr, run `items`
// random items (an item is one random instruction plus any setup it needs, such as an address
// in a register, or a branch with the instructions it skips), then store every register, fcsr
// and the case's scratch memory and write(1) them. x2 (sp) is reserved as the scratch pointer:
// every load, store and AMO targets [x2, x2 + SCRATCH_BYTES), and nothing random writes x2
// (c.addi16sp comes in balanced pairs). Nothing generated can trap or read a value that may
// legitimately differ (no counters, no invalid frm, no misaligned AMOs).
//
// Per-case data region (REGION_BYTES, 16-aligned), x2 = region + INIT_BYTES:
//   x2-512  init   slot 0: fcsr | slots 1..31: x1..x31 (slot 2 unused) | slots 32..63: f0..f31
//   x2+0    scratch  512 bytes, initial contents seeded            ┐
//   x2+512  x0..x31  (x0 stored as zero, x2 as the pointer)         │ the record written to
//   x2+768  f0..f31                                                 │ stdout: RECORD_BYTES
//   x2+1024 fcsr                                                    ┘
// Case i uses Rng(seed, i) only, so case i is the same however many cases the ELF holds.

import * as E from "./encode";
import type { Insn, RoundingMode } from "./encode";
import { ELF_TEXT_VADDR, dataVaddrFor, writeElf } from "./elf_writer";
import { Rng } from "./rng";
import { fpValue, intValue } from "./values";

export const SP = 2;
export const INIT_BYTES = 512;
export const SCRATCH_BYTES = 512;
export const RECORD_X_OFF = 512;
export const RECORD_F_OFF = 768;
export const RECORD_FCSR_OFF = 1024;
export const RECORD_BYTES = 1032;
export const REGION_BYTES = INIT_BYTES + 1040; // the record padded to 16 bytes
const SYS_WRITE = 64, SYS_EXIT_GROUP = 94;

export interface Item {
  kind: string;
  insns: Insn[];
}

export interface Case {
  seed: number;
  index: number;
  xInit: bigint[]; // 32 entries; [0] and [2] unused
  fInit: bigint[]; // 32 raw 64-bit patterns
  fcsrInit: number;
  scratchInit: bigint[]; // SCRATCH_BYTES / 8 little-endian words
  items: Item[];
}

export interface PlacedInsn {
  addr: number;
  insn: Insn;
}

export interface Program {
  elf: Uint8Array;
  placed: PlacedInsn[]; // every instruction in text order, for objdump cross-checks
  scratchAddrs: number[]; // x2 of each case
}

// ---- what one run generates; a developer narrows it with UMW_SEED / UMW_CASES / UMW_INSNS ----

export const DEFAULT_SEED_BASE = 0x5eed0000;
export const DEFAULT_SEED_COUNT = 40;
export const DEFAULT_CASES = 100;
export const DEFAULT_ITEMS = 40;

export interface SeedPlan {
  seeds: number[]; // one ELF per seed
  cases: number; // cases per ELF
  items: number; // random items per case
  fromEnv: boolean;
}

function envCount(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}=${value} is not a count`);
  return n;
}

/** The seeds, cases and items to run: defaults, or one seed from UMW_SEED (hex or decimal). */
export function seedPlanFromEnv(env: Record<string, string | undefined>): SeedPlan {
  const cases = envCount(env.UMW_CASES, DEFAULT_CASES, "UMW_CASES");
  const items = envCount(env.UMW_INSNS, DEFAULT_ITEMS, "UMW_INSNS");
  const fromEnv = env.UMW_SEED !== undefined || env.UMW_CASES !== undefined || env.UMW_INSNS !== undefined;
  if (env.UMW_SEED === undefined || env.UMW_SEED === "") {
    return { seeds: Array.from({ length: DEFAULT_SEED_COUNT }, (_, i) => DEFAULT_SEED_BASE + i), cases, items, fromEnv };
  }
  const seed = Number(env.UMW_SEED);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`UMW_SEED=${env.UMW_SEED} is not a 32-bit seed`);
  return { seeds: [seed], cases, items, fromEnv };
}

export const seedHex = (seed: number): string => `0x${seed.toString(16).padStart(8, "0")}`;

// ---- register and operand choices ----

const X_WRITABLE: readonly number[] = Array.from({ length: 32 }, (_, r) => r).filter((r) => r !== 0 && r !== SP);
const RMS: readonly RoundingMode[] = [0, 1, 2, 3, 4, 7, 7, 7];

class Gen {
  constructor(readonly rng: Rng) {}
  /** A destination: any register but x2, and x0 now and then (the write is discarded). */
  rd(avoid: readonly number[] = []): number {
    if (this.rng.chance(1 / 40) && !avoid.includes(0)) return 0;
    return this.rdNonZero(avoid);
  }
  rdNonZero(avoid: readonly number[] = []): number {
    const choices = X_WRITABLE.filter((r) => !avoid.includes(r));
    return this.rng.pick(choices);
  }
  /** A source may be anything, including x0 and the scratch pointer. */
  rs(): number {
    return this.rng.below(32);
  }
  /** x8..x15 for the 3-bit compressed register fields. */
  rc(avoid: readonly number[] = []): number {
    const choices = [8, 9, 10, 11, 12, 13, 14, 15].filter((r) => !avoid.includes(r));
    return this.rng.pick(choices);
  }
  fr(): number {
    return this.rng.below(32);
  }
  rm(): RoundingMode {
    return this.rng.pick(RMS);
  }
  imm12(): number {
    const k = this.rng.below(10);
    if (k === 0) return this.rng.pick([0, 1, -1, 2047, -2048, 0x7ff, -0x800 + 1]);
    if (k < 5) return this.rng.range(-32, 32);
    return this.rng.range(-2048, 2047);
  }
  imm6(nonZero: boolean): number {
    const v = this.rng.range(-32, 31);
    return nonZero && v === 0 ? 1 : v;
  }
  imm20(): number {
    if (this.rng.chance(0.3)) return this.rng.pick([0, 1, 0x7ffff, 0x80000, 0xfffff, 0x80001]);
    return this.rng.below(1 << 20);
  }
  /** A byte offset into scratch for a size-byte access; misaligned only when allowed. */
  scratchOffset(size: number, misalignedOk: boolean): number {
    if (misalignedOk && this.rng.chance(0.25)) return this.rng.below(SCRATCH_BYTES - size + 1);
    return this.rng.below(SCRATCH_BYTES / size) * size;
  }
}

// ---- simple ALU items (also the fillers skipped by branches) ----

const ALU_REG = [E.add, E.sub, E.sll, E.slt, E.sltu, E.xor, E.srl, E.sra, E.or, E.and,
  E.addw, E.subw, E.sllw, E.srlw, E.sraw];
const MUL_DIV = [E.mul, E.mulh, E.mulhsu, E.mulhu, E.div, E.divu, E.rem, E.remu,
  E.mulw, E.divw, E.divuw, E.remw, E.remuw];
const ALU_IMM = [E.addi, E.slti, E.sltiu, E.xori, E.ori, E.andi, E.addiw];

function aluReg(g: Gen, avoid: readonly number[] = []): Insn[] {
  return [g.rng.pick(ALU_REG)(g.rd(avoid), g.rs(), g.rs())];
}
function aluImm(g: Gen, avoid: readonly number[] = []): Insn[] {
  return [g.rng.pick(ALU_IMM)(g.rd(avoid), g.rs(), g.imm12())];
}
function shiftImm(g: Gen, avoid: readonly number[] = []): Insn[] {
  const k = g.rng.below(6);
  const op = [E.slli, E.srli, E.srai, E.slliw, E.srliw, E.sraiw][k];
  return [op(g.rd(avoid), g.rs(), g.rng.below(k < 3 ? 64 : 32))];
}
function upperImm(g: Gen): Insn[] {
  return [(g.rng.chance(0.5) ? E.lui : E.auipc)(g.rd(), g.imm20())];
}
function mulDiv(g: Gen): Insn[] {
  // x0 as the divisor now and then makes division by zero common; init values add more zeros.
  const rs2 = g.rng.chance(0.15) ? 0 : g.rs();
  return [g.rng.pick(MUL_DIV)(g.rd(), g.rs(), rs2)];
}
/** INT_MIN / -1 and its 32-bit twin, built in registers so the overflow case always occurs. */
function divOverflow(g: Gen): Insn[] {
  const a = g.rdNonZero(), b = g.rdNonZero([a]);
  const wide = g.rng.chance(0.5);
  const minInsns = wide ? [E.addi(a, 0, 1), E.slli(a, a, 63)] : [E.lui(a, 0x80000)];
  const ops = wide ? [E.div, E.divu, E.rem, E.remu, E.mulh, E.mul] : [E.divw, E.divuw, E.remw, E.remuw, E.mulw];
  return [...minInsns, E.addi(b, 0, -1), g.rng.pick(ops)(g.rd(), a, b)];
}

function compressedAlu(g: Gen, avoid: readonly number[] = []): Insn[] {
  const rd = g.rdNonZero(avoid), rc = g.rc(avoid);
  switch (g.rng.below(12)) {
    case 0: return [E.c_addi(rd, g.imm6(true))];
    case 1: return [E.c_addiw(rd, g.imm6(false))];
    case 2: return [E.c_li(rd, g.imm6(false))];
    case 3: return [E.c_lui(rd, g.imm6(true))];
    case 4: return [g.rng.pick([E.c_srli, E.c_srai])(rc, g.rng.range(1, 63))];
    case 5: return [E.c_andi(rc, g.imm6(false))];
    case 6: return [g.rng.pick([E.c_sub, E.c_xor, E.c_or, E.c_and, E.c_subw, E.c_addw])(rc, g.rc())];
    case 7: return [E.c_slli(rd, g.rng.range(1, 63))];
    case 8: return [E.c_mv(rd, g.rng.range(1, 31))];
    case 9: return [E.c_add(rd, g.rng.range(1, 31))];
    case 10: return [E.c_addi4spn(rc, g.rng.range(1, 255) * 4)];
    default: return [g.rng.chance(0.2) ? E.c_nop() : E.c_addi(rd, g.imm6(true))];
  }
}

/** 1..3 ALU instructions that never write a register in `avoid`. */
function fillers(g: Gen, avoid: readonly number[] = []): Insn[] {
  const out: Insn[] = [];
  const n = g.rng.range(1, 3);
  for (let i = 0; i < n; i++) {
    const pick = g.rng.pick([aluReg, aluImm, shiftImm, compressedAlu]);
    out.push(...pick(g, avoid));
  }
  return out;
}
const byteSize = (insns: readonly Insn[]): number => insns.reduce((n, i) => n + i.size, 0);

// ---- memory items ----

/** An address for scratch + target: x2 itself, or another register set from x2 first. */
function addressOf(g: Gen, target: number): { setup: Insn[]; base: number; imm: number } {
  if (g.rng.chance(0.6)) return { setup: [], base: SP, imm: target };
  const base = g.rdNonZero();
  const imm = g.rng.range(-256, 255);
  return { setup: [E.addi(base, SP, target - imm)], base, imm };
}

const INT_LOADS = [[E.lb, 1], [E.lbu, 1], [E.lh, 2], [E.lhu, 2], [E.lw, 4], [E.lwu, 4], [E.ld, 8]] as const;
const INT_STORES = [[E.sb, 1], [E.sh, 2], [E.sw, 4], [E.sd, 8]] as const;

function intLoadStore(g: Gen): Insn[] {
  if (g.rng.chance(0.5)) {
    const [op, size] = g.rng.pick(INT_LOADS);
    const a = addressOf(g, g.scratchOffset(size, true));
    return [...a.setup, op(g.rd(), a.base, a.imm)];
  }
  const [op, size] = g.rng.pick(INT_STORES);
  const a = addressOf(g, g.scratchOffset(size, true));
  return [...a.setup, op(g.rs(), a.base, a.imm)];
}

function fpLoadStore(g: Gen): Insn[] {
  const double = g.rng.chance(0.5);
  const size = double ? 8 : 4;
  const a = addressOf(g, g.scratchOffset(size, true));
  const op = g.rng.chance(0.5) ? (double ? E.fld : E.flw) : (double ? E.fsd : E.fsw);
  return [...a.setup, op(g.fr(), a.base, a.imm)];
}

/** CL/CS forms need a base in x8..x15: set it with c.addi4spn or addi, then access. */
function compressedLoadStore(g: Gen): Insn[] {
  const k = g.rng.below(6);
  const size = k === 1 || k === 4 ? 4 : 8;
  const uimm = g.rng.below((size === 4 ? 128 : 256) / size) * size;
  const base = g.rc();
  const baseOff = g.rng.below((SCRATCH_BYTES - size - uimm) / size + 1) * size;
  const setup = baseOff !== 0 && g.rng.chance(0.5) ? E.c_addi4spn(base, baseOff) : E.addi(base, SP, baseOff);
  const r = g.rc();
  const op = [E.c_fld, E.c_lw, E.c_ld, E.c_fsd, E.c_sw, E.c_sd][k];
  return [setup, op(r, base, uimm)];
}

function spLoadStore(g: Gen): Insn[] {
  switch (g.rng.below(6)) {
    case 0: return [E.c_lwsp(g.rdNonZero(), g.rng.below(64) * 4)];
    case 1: return [E.c_ldsp(g.rdNonZero(), g.rng.below(64) * 8)];
    case 2: return [E.c_fldsp(g.fr(), g.rng.below(64) * 8)];
    case 3: return [E.c_swsp(g.rs(), g.rng.below(64) * 4)];
    case 4: return [E.c_sdsp(g.rs(), g.rng.below(64) * 8)];
    default: return [E.c_fsdsp(g.fr(), g.rng.below(64) * 8)];
  }
}

/** Move sp and back: each c.addi16sp is balanced, with an sp-relative load or store between. */
function spAdjustPair(g: Gen): Insn[] {
  const up = g.rng.range(1, 8) * 16;
  const room = (SCRATCH_BYTES - 8 - up) / 8;
  const middle = g.rng.chance(0.5)
    ? E.c_ldsp(g.rdNonZero(), g.rng.below(room + 1) * 8)
    : E.c_sdsp(g.rs(), g.rng.below(room + 1) * 8);
  return [E.c_addi16sp(up), middle, E.c_addi16sp(-up)];
}

const AMOS_W = [E.amoswap_w, E.amoadd_w, E.amoxor_w, E.amoand_w, E.amoor_w, E.amomin_w, E.amomax_w,
  E.amominu_w, E.amomaxu_w];
const AMOS_D = [E.amoswap_d, E.amoadd_d, E.amoxor_d, E.amoand_d, E.amoor_d, E.amomin_d, E.amomax_d,
  E.amominu_d, E.amomaxu_d];

function amo(g: Gen): Insn[] {
  const double = g.rng.chance(0.5);
  const addr = g.rdNonZero();
  const op = g.rng.pick(double ? AMOS_D : AMOS_W);
  return [E.addi(addr, SP, g.scratchOffset(double ? 8 : 4, false)),
    op(g.rd(), g.rs(), addr, g.rng.chance(0.5), g.rng.chance(0.5))];
}

/** lr then sc on the same address, with only register ALU work between (so sc succeeds). */
function lrSc(g: Gen): Insn[] {
  const double = g.rng.chance(0.5);
  const addr = g.rdNonZero();
  const between = g.rng.chance(0.5) ? fillers(g, [addr]) : [];
  const lr = (double ? E.lr_d : E.lr_w)(g.rd([addr]), addr, g.rng.chance(0.5), g.rng.chance(0.5));
  const sc = (double ? E.sc_d : E.sc_w)(g.rd(), g.rs(), addr, g.rng.chance(0.5), g.rng.chance(0.5));
  return [E.addi(addr, SP, g.scratchOffset(double ? 8 : 4, false)), lr, ...between, sc];
}

/** An sc with no reservation (every lr above is paired) must fail, write 1 and store nothing. */
function loneSc(g: Gen): Insn[] {
  const double = g.rng.chance(0.5);
  const addr = g.rdNonZero();
  return [E.addi(addr, SP, g.scratchOffset(double ? 8 : 4, false)),
    (double ? E.sc_d : E.sc_w)(g.rd(), g.rs(), addr, false, false)];
}

function fences(g: Gen): Insn[] {
  const k = g.rng.below(4);
  if (k === 0) return [E.fence_tso()];
  if (k === 1) return [E.fence_i()];
  return [E.fence(g.rng.range(1, 15), g.rng.range(1, 15))];
}

// ---- control flow: forward only, targets inside the item ----

const BRANCHES = [E.beq, E.bne, E.blt, E.bge, E.bltu, E.bgeu];

function branch(g: Gen): Insn[] {
  const skipped = fillers(g);
  const rs1 = g.rs();
  const rs2 = g.rng.chance(0.1) ? rs1 : g.rs();
  return [g.rng.pick(BRANCHES)(rs1, rs2, 4 + byteSize(skipped)), ...skipped];
}
function compressedBranch(g: Gen): Insn[] {
  const skipped = fillers(g);
  return [(g.rng.chance(0.5) ? E.c_beqz : E.c_bnez)(g.rc(), 2 + byteSize(skipped)), ...skipped];
}
function jump(g: Gen): Insn[] {
  const skipped = fillers(g);
  if (g.rng.chance(0.5)) return [E.jal(g.rd(), 4 + byteSize(skipped)), ...skipped];
  return [E.c_j(2 + byteSize(skipped)), ...skipped];
}
/** auipc gives the base; jalr ignores bit 0 of the sum, so an odd offset is legal too. */
function jumpRegister(g: Gen): Insn[] {
  const target = g.rdNonZero();
  const skipped = fillers(g);
  const odd = g.rng.chance(0.2) ? 1 : 0;
  return [E.auipc(target, 0), E.jalr(g.rd(), target, 8 + byteSize(skipped) + odd), ...skipped];
}
function compressedJumpRegister(g: Gen): Insn[] {
  const target = g.rdNonZero();
  const skipped = fillers(g);
  const jump = g.rng.chance(0.5) ? E.c_jr(target) : E.c_jalr(target);
  return [E.auipc(target, 0), E.addi(target, target, 10 + byteSize(skipped)), jump, ...skipped];
}

// ---- Zicsr on fflags, frm, fcsr; never leaves frm at 5..7 ----

const CSRS = [E.CSR_FFLAGS, E.CSR_FRM, E.CSR_FCSR];

/** A valid value for a whole write of csr: frm 0..4, flags 0..31, nothing above bit 7. */
function csrWriteValue(g: Gen, csr: number): number {
  if (csr === E.CSR_FFLAGS) return g.rng.below(32);
  if (csr === E.CSR_FRM) return g.rng.below(5);
  return (g.rng.below(5) << 5) | g.rng.below(32);
}

function csrAccess(g: Gen): Insn[] {
  const csr = g.rng.pick(CSRS);
  const rd = g.rd();
  switch (g.rng.below(5)) {
    case 0: // read only: rs1 = x0 / uimm = 0 means no write at all
      return [g.rng.pick([E.csrrs, E.csrrc, E.csrrsi, E.csrrci])(rd, csr, 0)];
    case 1: { // clearing bits can only lower frm to a subset of a valid value: still 0..4
      if (g.rng.chance(0.5)) return [E.csrrci(rd, csr, g.rng.below(32))];
      return [E.csrrc(rd, csr, g.rs())];
    }
    case 2: { // whole write
      const v = csrWriteValue(g, csr);
      if (v < 32 && g.rng.chance(0.5)) return [E.csrrwi(rd, csr, v)];
      const src = g.rdNonZero();
      return [E.addi(src, 0, v), E.csrrw(rd, csr, src)];
    }
    default: return csrSet(g, csr, rd);
  }
}

/** Setting bits: pin frm to a first, then set b with a | b <= 4 so the result stays legal. */
function csrSet(g: Gen, csr: number, rd: number): Insn[] {
  const pairs = [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [1, 2], [2, 1], [1, 1], [3, 1], [4, 4], [2, 3]];
  const [a, b] = g.rng.pick(pairs);
  const flags = g.rng.below(32);
  const setBits = csr === E.CSR_FFLAGS ? flags : csr === E.CSR_FRM ? b : (b << 5) | flags;
  const pin = csr === E.CSR_FFLAGS ? [] : [E.csrrwi(0, E.CSR_FRM, a)];
  if (setBits < 32 && g.rng.chance(0.5)) return [...pin, E.csrrsi(rd, csr, setBits)];
  const src = g.rdNonZero();
  return [...pin, E.addi(src, 0, setBits), E.csrrs(rd, csr, src)];
}

// ---- F and D ----

const FP_BIN = [E.fadd_s, E.fsub_s, E.fmul_s, E.fdiv_s, E.fadd_d, E.fsub_d, E.fmul_d, E.fdiv_d];
const FP_SIGN_MINMAX = [E.fsgnj_s, E.fsgnjn_s, E.fsgnjx_s, E.fmin_s, E.fmax_s,
  E.fsgnj_d, E.fsgnjn_d, E.fsgnjx_d, E.fmin_d, E.fmax_d];
const FP_COMPARE = [E.feq_s, E.flt_s, E.fle_s, E.feq_d, E.flt_d, E.fle_d];
const FMAS = [E.fmadd_s, E.fmsub_s, E.fnmsub_s, E.fnmadd_s, E.fmadd_d, E.fmsub_d, E.fnmsub_d, E.fnmadd_d];
const FCVT_TO_INT = [E.fcvt_w_s, E.fcvt_wu_s, E.fcvt_l_s, E.fcvt_lu_s, E.fcvt_w_d, E.fcvt_wu_d,
  E.fcvt_l_d, E.fcvt_lu_d];
const FCVT_FROM_INT = [E.fcvt_s_w, E.fcvt_s_wu, E.fcvt_s_l, E.fcvt_s_lu, E.fcvt_d_w, E.fcvt_d_wu,
  E.fcvt_d_l, E.fcvt_d_lu];

function fpArith(g: Gen): Insn[] {
  if (g.rng.chance(0.2)) return [g.rng.pick([E.fsqrt_s, E.fsqrt_d])(g.fr(), g.fr(), g.rm())];
  return [g.rng.pick(FP_BIN)(g.fr(), g.fr(), g.fr(), g.rm())];
}
function fpFma(g: Gen): Insn[] {
  return [g.rng.pick(FMAS)(g.fr(), g.fr(), g.fr(), g.fr(), g.rm())];
}
function fpSignMinMax(g: Gen): Insn[] {
  const rs1 = g.fr();
  const rs2 = g.rng.chance(0.15) ? rs1 : g.fr(); // fsgnj rd, rs, rs is fmv/fneg/fabs
  return [g.rng.pick(FP_SIGN_MINMAX)(g.fr(), rs1, rs2)];
}
function fpCompareClass(g: Gen): Insn[] {
  if (g.rng.chance(0.3)) return [g.rng.pick([E.fclass_s, E.fclass_d])(g.rd(), g.fr())];
  return [g.rng.pick(FP_COMPARE)(g.rd(), g.fr(), g.fr())];
}
function fpConvert(g: Gen): Insn[] {
  const k = g.rng.below(10);
  if (k < 4) return [g.rng.pick(FCVT_TO_INT)(g.rd(), g.fr(), g.rm())];
  if (k < 8) return [g.rng.pick(FCVT_FROM_INT)(g.fr(), g.rs(), g.rm())];
  return [g.rng.pick([E.fcvt_s_d, E.fcvt_d_s])(g.fr(), g.fr(), g.rm())];
}
function fpMove(g: Gen): Insn[] {
  switch (g.rng.below(4)) {
    case 0: return [E.fmv_x_w(g.rd(), g.fr())];
    case 1: return [E.fmv_x_d(g.rd(), g.fr())];
    case 2: return [E.fmv_w_x(g.fr(), g.rs())];
    default: return [E.fmv_d_x(g.fr(), g.rs())];
  }
}

// ---- the item mix ----

type ItemGen = (g: Gen) => Insn[];
const ITEM_KINDS: readonly (readonly [string, number, ItemGen])[] = [
  ["alu", 8, aluReg], ["alu-imm", 6, aluImm], ["shift-imm", 4, shiftImm], ["upper", 2, upperImm],
  ["muldiv", 6, mulDiv], ["div-overflow", 1, divOverflow],
  ["load-store", 7, intLoadStore], ["fp-load-store", 4, fpLoadStore],
  ["amo", 4, amo], ["lr-sc", 2, lrSc], ["lone-sc", 1, loneSc], ["fence", 1, fences],
  ["branch", 4, branch], ["jump", 2, jump], ["jalr", 2, jumpRegister], ["csr", 4, csrAccess],
  ["fp-arith", 8, fpArith], ["fma", 5, fpFma], ["fp-sign-minmax", 4, fpSignMinMax],
  ["fp-compare", 4, fpCompareClass], ["fcvt", 7, fpConvert], ["fmv", 3, fpMove],
  ["c-alu", 8, compressedAlu], ["c-load-store", 4, compressedLoadStore], ["c-sp-load-store", 3, spLoadStore],
  ["c-sp-adjust", 1, spAdjustPair], ["c-branch", 2, compressedBranch], ["c-jr", 2, compressedJumpRegister],
];
const TOTAL_WEIGHT = ITEM_KINDS.reduce((n, k) => n + k[1], 0);

export const ITEM_KIND_NAMES: readonly string[] = ITEM_KINDS.map((k) => k[0]);

function randomItem(g: Gen): Item {
  let w = g.rng.below(TOTAL_WEIGHT);
  for (const [kind, weight, gen] of ITEM_KINDS) {
    if (w < weight) return { kind, insns: gen(g) };
    w -= weight;
  }
  throw new Error("unreachable: weights exhausted");
}

/** generateCase: case `index` of `seed`, independent of every other case. */
export function generateCase(seed: number, index: number, itemCount: number): Case {
  const rng = new Rng(seed, index);
  const g = new Gen(rng);
  const xInit = Array.from({ length: 32 }, (_, r) => (r === 0 || r === SP ? 0n : intValue(rng)));
  const fInit = Array.from({ length: 32 }, () => fpValue(rng));
  const fcsrInit = rng.below(5) << 5; // random frm, fflags clear
  const scratchInit = Array.from({ length: SCRATCH_BYTES / 8 }, () => (rng.chance(0.5) ? intValue(rng) : fpValue(rng)));
  const items = Array.from({ length: itemCount }, () => randomItem(g));
  return { seed, index, xInit, fInit, fcsrInit, scratchInit, items };
}

export function generateCases(seed: number, caseCount: number, itemCount: number): Case[] {
  return Array.from({ length: caseCount }, (_, i) => generateCase(seed, i, itemCount));
}

// ---- layout and ELF ----

/** x2 = an absolute address below 2 GiB: lui + addi with the low part sign-corrected. */
function loadAddress(rd: number, addr: number): Insn[] {
  const hi = ((addr + 0x800) >>> 12) & 0xfffff;
  return [E.lui(rd, hi), E.addi(rd, rd, addr - hi * 4096)];
}

function caseCode(c: Case, scratchAddr: number): Insn[] {
  const code: Insn[] = [...loadAddress(SP, scratchAddr)];
  code.push(E.ld(1, SP, -INIT_BYTES), E.csrrw(0, E.CSR_FCSR, 1));
  for (let r = 1; r < 32; r++) if (r !== SP) code.push(E.ld(r, SP, -INIT_BYTES + 8 * r));
  for (let r = 0; r < 32; r++) code.push(E.fld(r, SP, -INIT_BYTES + 256 + 8 * r));
  for (const item of c.items) code.push(...item.insns);
  for (let r = 0; r < 32; r++) code.push(E.sd(r, SP, RECORD_X_OFF + 8 * r));
  for (let r = 0; r < 32; r++) code.push(E.fsd(r, SP, RECORD_F_OFF + 8 * r));
  code.push(E.csrrs(1, E.CSR_FCSR, 0), E.sd(1, SP, RECORD_FCSR_OFF));
  code.push(E.addi(10, 0, 1), E.addi(11, SP, 0), E.addi(12, 0, RECORD_BYTES), E.addi(17, 0, SYS_WRITE), E.ecall());
  return code;
}

function caseData(c: Case, region: DataView, at: number): void {
  region.setBigUint64(at, BigInt(c.fcsrInit), true);
  for (let r = 1; r < 32; r++) region.setBigUint64(at + 8 * r, c.xInit[r], true);
  for (let r = 0; r < 32; r++) region.setBigUint64(at + 256 + 8 * r, c.fInit[r], true);
  c.scratchInit.forEach((w, i) => region.setBigUint64(at + INIT_BYTES + 8 * i, w, true));
}

/** buildProgram: all cases in order, then exit_group(0), as one static ELF. */
export function buildProgram(cases: readonly Case[]): Program {
  const exit = [E.addi(10, 0, 0), E.addi(17, 0, SYS_EXIT_GROUP), E.ecall()];
  // Code size does not depend on the data address (always lui + addi), so measure first.
  const textBytes = cases.reduce((n, c) => n + byteSize(caseCode(c, 0)), byteSize(exit));
  const dataVaddr = dataVaddrFor(textBytes);
  const scratchAddrs = cases.map((_, i) => dataVaddr + i * REGION_BYTES + INIT_BYTES);
  const insns = cases.flatMap((c, i) => caseCode(c, scratchAddrs[i])).concat(exit);
  const text = new Uint8Array(textBytes);
  const placed: PlacedInsn[] = [];
  let at = 0;
  for (const insn of insns) {
    placed.push({ addr: ELF_TEXT_VADDR + at, insn });
    text[at] = insn.bits & 0xff;
    text[at + 1] = (insn.bits >>> 8) & 0xff;
    if (insn.size === 4) {
      text[at + 2] = (insn.bits >>> 16) & 0xff;
      text[at + 3] = (insn.bits >>> 24) & 0xff;
    }
    at += insn.size;
  }
  if (at !== textBytes) throw new Error("rvgen: code size changed between passes");
  const data = new Uint8Array(cases.length * REGION_BYTES);
  const view = new DataView(data.buffer);
  cases.forEach((c, i) => caseData(c, view, i * REGION_BYTES));
  const elf = writeElf({ entry: ELF_TEXT_VADDR, text, data });
  return { elf, placed, scratchAddrs };
}

/** listCase: the items of a case, numbered, one instruction a line. */
export function listCase(c: Case, upTo = c.items.length): string {
  const lines: string[] = [];
  c.items.slice(0, upTo).forEach((item, i) => {
    item.insns.forEach((insn, j) => {
      const label = j === 0 ? `${String(i).padStart(3)} ${item.kind.padEnd(15)}` : " ".repeat(20);
      lines.push(`${label} ${insn.asm}`);
    });
  });
  return lines.join("\n");
}
