// tests/differential/rvgen/encode.ts — an RV64GC instruction encoder for generated test programs.
// Owns: the bit layout of every RV64I/M/A/F/D/Zicsr/Zifencei instruction and every RV64C
// compressed form (RISC-V Unprivileged ISA 20191213, ch. 2, 5, 7, 8, 9, 11, 12, 16, 24).
// Each encoder returns an Insn carrying both the encoding and its GNU as spelling, so a listing
// printed on a test failure is the same text the encoder self-test (encode.test.ts) feeds to
// riscv64-linux-gnu-as: one source of truth for "what did we mean to emit".
// Invariants: every field is range-checked; an out-of-range operand is a generator bug and
// throws, rather than silently wrapping into a different instruction.

export interface Insn {
  bits: number; // unsigned; the low 16 bits only when size is 2
  size: 2 | 4;
  asm: string; // GNU as syntax, numeric register names (x5, f7)
}

export type RoundingMode = 0 | 1 | 2 | 3 | 4 | 7;
export const ROUNDING_MODE_NAMES = ["rne", "rtz", "rdn", "rup", "rmm", "", "", "dyn"];

export const CSR_FFLAGS = 0x001;
export const CSR_FRM = 0x002;
export const CSR_FCSR = 0x003;
const CSR_NAMES: Record<number, string> = { 1: "fflags", 2: "frm", 3: "fcsr" };

const OPC_LOAD = 0x03, OPC_LOAD_FP = 0x07, OPC_MISC_MEM = 0x0f, OPC_OP_IMM = 0x13;
const OPC_AUIPC = 0x17, OPC_OP_IMM_32 = 0x1b, OPC_STORE = 0x23, OPC_STORE_FP = 0x27;
const OPC_AMO = 0x2f, OPC_OP = 0x33, OPC_LUI = 0x37, OPC_OP_32 = 0x3b;
const OPC_MADD = 0x43, OPC_MSUB = 0x47, OPC_NMSUB = 0x4b, OPC_NMADD = 0x4f;
const OPC_OP_FP = 0x53, OPC_BRANCH = 0x63, OPC_JALR = 0x67, OPC_JAL = 0x6f, OPC_SYSTEM = 0x73;

const x = (r: number): string => `x${r}`;
const f = (r: number): string => `f${r}`;
const rel = (off: number): string => (off >= 0 ? `.+${off}` : `.${off}`);

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`rvgen encode: ${what}`);
}
function checkReg(r: number): void {
  check(Number.isInteger(r) && r >= 0 && r < 32, `register ${r} out of range`);
}
function checkSigned(v: number, bits: number, what: string): void {
  const lim = 2 ** (bits - 1);
  check(Number.isInteger(v) && v >= -lim && v < lim, `${what} ${v} does not fit ${bits} signed bits`);
}
function checkUnsigned(v: number, bits: number, what: string): void {
  check(Number.isInteger(v) && v >= 0 && v < 2 ** bits, `${what} ${v} does not fit ${bits} bits`);
}
function checkRm(rm: number): void {
  // 5 and 6 are reserved encodings: an instruction carrying them is illegal.
  check(rm === 7 || (rm >= 0 && rm <= 4), `rounding mode ${rm} is reserved`);
}
/** Bits hi..lo of v, shifted down to bit 0. */
function bits(v: number, hi: number, lo: number): number {
  return (v >>> lo) & ((1 << (hi - lo + 1)) - 1);
}

// ---- base formats (spec 2.2, 2.3) ----

function encR(op: number, rd: number, f3: number, rs1: number, rs2: number, f7: number): number {
  checkReg(rd); checkReg(rs1); checkReg(rs2);
  return ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
}
function encI(op: number, rd: number, f3: number, rs1: number, imm: number): number {
  checkReg(rd); checkReg(rs1); checkSigned(imm, 12, "I-immediate");
  return (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
}
function encS(op: number, f3: number, rs1: number, rs2: number, imm: number): number {
  checkReg(rs1); checkReg(rs2); checkSigned(imm, 12, "S-immediate");
  return ((bits(imm, 11, 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (bits(imm, 4, 0) << 7) | op) >>> 0;
}
function encB(f3: number, rs1: number, rs2: number, off: number): number {
  checkReg(rs1); checkReg(rs2); checkSigned(off, 13, "branch offset");
  check(off % 2 === 0, "branch offset must be even");
  return ((bits(off, 12, 12) << 31) | (bits(off, 10, 5) << 25) | (rs2 << 20) | (rs1 << 15) |
    (f3 << 12) | (bits(off, 4, 1) << 8) | (bits(off, 11, 11) << 7) | OPC_BRANCH) >>> 0;
}
function encU(op: number, rd: number, imm20: number): number {
  checkReg(rd); checkUnsigned(imm20, 20, "U-immediate");
  return ((imm20 << 12) | (rd << 7) | op) >>> 0;
}
function encJ(rd: number, off: number): number {
  checkReg(rd); checkSigned(off, 21, "jump offset");
  check(off % 2 === 0, "jump offset must be even");
  return ((bits(off, 20, 20) << 31) | (bits(off, 10, 1) << 21) | (bits(off, 11, 11) << 20) |
    (bits(off, 19, 12) << 12) | (rd << 7) | OPC_JAL) >>> 0;
}
function encR4(op: number, rd: number, rm: number, rs1: number, rs2: number, rs3: number,
  fmt: number): number {
  checkReg(rs3); checkRm(rm);
  return (encR(op, rd, rm, rs1, rs2, 0) | (rs3 << 27) | (fmt << 25)) >>> 0;
}
const w32 = (bits32: number, asm: string): Insn => ({ bits: bits32 >>> 0, size: 4, asm });

// ---- RV64I + M: register-register (spec 2.4, 5.2, 7.1) ----

type RegOp = (rd: number, rs1: number, rs2: number) => Insn;
function rOp(name: string, op: number, f3: number, f7: number): RegOp {
  return (rd, rs1, rs2) => w32(encR(op, rd, f3, rs1, rs2, f7), `${name} ${x(rd)}, ${x(rs1)}, ${x(rs2)}`);
}
export const add = rOp("add", OPC_OP, 0, 0x00);
export const sub = rOp("sub", OPC_OP, 0, 0x20);
export const sll = rOp("sll", OPC_OP, 1, 0x00);
export const slt = rOp("slt", OPC_OP, 2, 0x00);
export const sltu = rOp("sltu", OPC_OP, 3, 0x00);
export const xor = rOp("xor", OPC_OP, 4, 0x00);
export const srl = rOp("srl", OPC_OP, 5, 0x00);
export const sra = rOp("sra", OPC_OP, 5, 0x20);
export const or = rOp("or", OPC_OP, 6, 0x00);
export const and = rOp("and", OPC_OP, 7, 0x00);
export const addw = rOp("addw", OPC_OP_32, 0, 0x00);
export const subw = rOp("subw", OPC_OP_32, 0, 0x20);
export const sllw = rOp("sllw", OPC_OP_32, 1, 0x00);
export const srlw = rOp("srlw", OPC_OP_32, 5, 0x00);
export const sraw = rOp("sraw", OPC_OP_32, 5, 0x20);
export const mul = rOp("mul", OPC_OP, 0, 0x01);
export const mulh = rOp("mulh", OPC_OP, 1, 0x01);
export const mulhsu = rOp("mulhsu", OPC_OP, 2, 0x01);
export const mulhu = rOp("mulhu", OPC_OP, 3, 0x01);
export const div = rOp("div", OPC_OP, 4, 0x01);
export const divu = rOp("divu", OPC_OP, 5, 0x01);
export const rem = rOp("rem", OPC_OP, 6, 0x01);
export const remu = rOp("remu", OPC_OP, 7, 0x01);
export const mulw = rOp("mulw", OPC_OP_32, 0, 0x01);
export const divw = rOp("divw", OPC_OP_32, 4, 0x01);
export const divuw = rOp("divuw", OPC_OP_32, 5, 0x01);
export const remw = rOp("remw", OPC_OP_32, 6, 0x01);
export const remuw = rOp("remuw", OPC_OP_32, 7, 0x01);

// ---- RV64I: immediates, shifts, upper immediates (spec 2.4, 5.2) ----

type ImmOp = (rd: number, rs1: number, imm: number) => Insn;
function iOp(name: string, op: number, f3: number): ImmOp {
  return (rd, rs1, imm) => w32(encI(op, rd, f3, rs1, imm), `${name} ${x(rd)}, ${x(rs1)}, ${imm}`);
}
export const addi = iOp("addi", OPC_OP_IMM, 0);
export const slti = iOp("slti", OPC_OP_IMM, 2);
export const sltiu = iOp("sltiu", OPC_OP_IMM, 3);
export const xori = iOp("xori", OPC_OP_IMM, 4);
export const ori = iOp("ori", OPC_OP_IMM, 6);
export const andi = iOp("andi", OPC_OP_IMM, 7);
export const addiw = iOp("addiw", OPC_OP_IMM_32, 0);

/** RV64 shifts take a 6-bit shamt (imm[5:0]) under funct6; the *w forms a 5-bit one. */
function shiftOp(name: string, op: number, f3: number, hi: number, shamtBits: number): ImmOp {
  return (rd, rs1, shamt) => {
    checkUnsigned(shamt, shamtBits, "shift amount");
    return w32(encI(op, rd, f3, rs1, 0) | ((hi << 6 | shamt) << 20), `${name} ${x(rd)}, ${x(rs1)}, ${shamt}`);
  };
}
export const slli = shiftOp("slli", OPC_OP_IMM, 1, 0x00, 6);
export const srli = shiftOp("srli", OPC_OP_IMM, 5, 0x00, 6);
export const srai = shiftOp("srai", OPC_OP_IMM, 5, 0x10, 6);
export const slliw = shiftOp("slliw", OPC_OP_IMM_32, 1, 0x00, 5);
export const srliw = shiftOp("srliw", OPC_OP_IMM_32, 5, 0x00, 5);
export const sraiw = shiftOp("sraiw", OPC_OP_IMM_32, 5, 0x10, 5);

export const lui = (rd: number, imm20: number): Insn =>
  w32(encU(OPC_LUI, rd, imm20), `lui ${x(rd)}, 0x${imm20.toString(16)}`);
export const auipc = (rd: number, imm20: number): Insn =>
  w32(encU(OPC_AUIPC, rd, imm20), `auipc ${x(rd)}, 0x${imm20.toString(16)}`);

// ---- control transfer (spec 2.5) ----

type BranchOp = (rs1: number, rs2: number, off: number) => Insn;
function bOp(name: string, f3: number): BranchOp {
  return (rs1, rs2, off) => w32(encB(f3, rs1, rs2, off), `${name} ${x(rs1)}, ${x(rs2)}, ${rel(off)}`);
}
export const beq = bOp("beq", 0);
export const bne = bOp("bne", 1);
export const blt = bOp("blt", 4);
export const bge = bOp("bge", 5);
export const bltu = bOp("bltu", 6);
export const bgeu = bOp("bgeu", 7);
export const jal = (rd: number, off: number): Insn => w32(encJ(rd, off), `jal ${x(rd)}, ${rel(off)}`);
export const jalr = (rd: number, rs1: number, imm: number): Insn =>
  w32(encI(OPC_JALR, rd, 0, rs1, imm), `jalr ${x(rd)}, ${imm}(${x(rs1)})`);

// ---- loads and stores, integer and FP (spec 2.6, 5.3, 11.5, 12.3) ----

type LoadOp = (rd: number, rs1: number, imm: number) => Insn;
type StoreOp = (rs2: number, rs1: number, imm: number) => Insn;
function loadOp(name: string, op: number, f3: number, reg: (r: number) => string): LoadOp {
  return (rd, rs1, imm) => w32(encI(op, rd, f3, rs1, imm), `${name} ${reg(rd)}, ${imm}(${x(rs1)})`);
}
function storeOp(name: string, op: number, f3: number, reg: (r: number) => string): StoreOp {
  return (rs2, rs1, imm) => w32(encS(op, f3, rs1, rs2, imm), `${name} ${reg(rs2)}, ${imm}(${x(rs1)})`);
}
export const lb = loadOp("lb", OPC_LOAD, 0, x);
export const lh = loadOp("lh", OPC_LOAD, 1, x);
export const lw = loadOp("lw", OPC_LOAD, 2, x);
export const ld = loadOp("ld", OPC_LOAD, 3, x);
export const lbu = loadOp("lbu", OPC_LOAD, 4, x);
export const lhu = loadOp("lhu", OPC_LOAD, 5, x);
export const lwu = loadOp("lwu", OPC_LOAD, 6, x);
export const sb = storeOp("sb", OPC_STORE, 0, x);
export const sh = storeOp("sh", OPC_STORE, 1, x);
export const sw = storeOp("sw", OPC_STORE, 2, x);
export const sd = storeOp("sd", OPC_STORE, 3, x);
export const flw = loadOp("flw", OPC_LOAD_FP, 2, f);
export const fld = loadOp("fld", OPC_LOAD_FP, 3, f);
export const fsw = storeOp("fsw", OPC_STORE_FP, 2, f);
export const fsd = storeOp("fsd", OPC_STORE_FP, 3, f);

// ---- memory ordering, environment call (spec 2.7, 2.8, 3) ----

const FENCE_SET_NAMES = ["", "w", "r", "rw", "o", "ow", "or", "orw",
  "i", "iw", "ir", "irw", "io", "iow", "ior", "iorw"];
/** fence pred, succ: each a 4-bit PI|PO|PR|PW set; GNU as cannot spell an empty set. */
export function fence(pred: number, succ: number): Insn {
  checkUnsigned(pred, 4, "fence pred"); checkUnsigned(succ, 4, "fence succ");
  check(pred !== 0 && succ !== 0, "fence with an empty set has no GNU as spelling");
  return w32(encI(OPC_MISC_MEM, 0, 0, 0, 0) | (pred << 24) | (succ << 20),
    `fence ${FENCE_SET_NAMES[pred]}, ${FENCE_SET_NAMES[succ]}`);
}
/** fence.tso is fm=1000 with pred=succ=RW. */
export const fence_tso = (): Insn => w32(0x8330000f, "fence.tso");
export const fence_i = (): Insn => w32(encI(OPC_MISC_MEM, 0, 1, 0, 0), "fence.i");
export const ecall = (): Insn => w32(0x00000073, "ecall");
export const ebreak = (): Insn => w32(0x00100073, "ebreak");

// ---- Zicsr (spec 9) ----

type CsrRegOp = (rd: number, csr: number, rs1: number) => Insn;
function csrOp(name: string, f3: number, immediate: boolean): CsrRegOp {
  return (rd, csr, src) => {
    checkUnsigned(csr, 12, "csr number");
    checkUnsigned(src, 5, immediate ? "csr uimm" : "csr rs1");
    const csrName = CSR_NAMES[csr] ?? `0x${csr.toString(16)}`;
    return w32(encR(OPC_SYSTEM, rd, f3, src, 0, 0) | (csr << 20),
      `${name} ${x(rd)}, ${csrName}, ${immediate ? src : x(src)}`);
  };
}
export const csrrw = csrOp("csrrw", 1, false);
export const csrrs = csrOp("csrrs", 2, false);
export const csrrc = csrOp("csrrc", 3, false);
export const csrrwi = csrOp("csrrwi", 5, true);
export const csrrsi = csrOp("csrrsi", 6, true);
export const csrrci = csrOp("csrrci", 7, true);

// ---- A: LR/SC and AMOs (spec 8) ----

/** GNU as spells both bits as one suffix: .aq, .rl or .aqrl. */
function ordering(aq: boolean, rl: boolean): string {
  return aq && rl ? ".aqrl" : aq ? ".aq" : rl ? ".rl" : "";
}
function aqrlBits(aq: boolean, rl: boolean): number {
  return ((aq ? 1 : 0) << 26) | ((rl ? 1 : 0) << 25);
}
export type AmoOp = (rd: number, rs2: number, rs1: number, aq: boolean, rl: boolean) => Insn;
function amoOp(name: string, funct5: number, f3: number): AmoOp {
  return (rd, rs2, rs1, aq, rl) => w32(encR(OPC_AMO, rd, f3, rs1, rs2, funct5 << 2) | aqrlBits(aq, rl),
    `${name}${ordering(aq, rl)} ${x(rd)}, ${x(rs2)}, (${x(rs1)})`);
}
export type LrOp = (rd: number, rs1: number, aq: boolean, rl: boolean) => Insn;
function lrOp(name: string, f3: number): LrOp {
  return (rd, rs1, aq, rl) => w32(encR(OPC_AMO, rd, f3, rs1, 0, 0x02 << 2) | aqrlBits(aq, rl),
    `${name}${ordering(aq, rl)} ${x(rd)}, (${x(rs1)})`);
}
export const lr_w = lrOp("lr.w", 2);
export const lr_d = lrOp("lr.d", 3);
export const sc_w = amoOp("sc.w", 0x03, 2);
export const sc_d = amoOp("sc.d", 0x03, 3);
export const amoswap_w = amoOp("amoswap.w", 0x01, 2);
export const amoadd_w = amoOp("amoadd.w", 0x00, 2);
export const amoxor_w = amoOp("amoxor.w", 0x04, 2);
export const amoand_w = amoOp("amoand.w", 0x0c, 2);
export const amoor_w = amoOp("amoor.w", 0x08, 2);
export const amomin_w = amoOp("amomin.w", 0x10, 2);
export const amomax_w = amoOp("amomax.w", 0x14, 2);
export const amominu_w = amoOp("amominu.w", 0x18, 2);
export const amomaxu_w = amoOp("amomaxu.w", 0x1c, 2);
export const amoswap_d = amoOp("amoswap.d", 0x01, 3);
export const amoadd_d = amoOp("amoadd.d", 0x00, 3);
export const amoxor_d = amoOp("amoxor.d", 0x04, 3);
export const amoand_d = amoOp("amoand.d", 0x0c, 3);
export const amoor_d = amoOp("amoor.d", 0x08, 3);
export const amomin_d = amoOp("amomin.d", 0x10, 3);
export const amomax_d = amoOp("amomax.d", 0x14, 3);
export const amominu_d = amoOp("amominu.d", 0x18, 3);
export const amomaxu_d = amoOp("amomaxu.d", 0x1c, 3);

// ---- F and D (spec 11, 12) ----
// fmt is 0 for S and 1 for D; funct7 = funct5 << 2 | fmt.

const FMT_S = 0, FMT_D = 1;
const rmSuffix = (rm: number): string => `, ${ROUNDING_MODE_NAMES[rm]}`;

export type FpBinOp = (rd: number, rs1: number, rs2: number, rm: RoundingMode) => Insn;
function fpBin(name: string, funct5: number, fmt: number): FpBinOp {
  return (rd, rs1, rs2, rm) => {
    checkRm(rm);
    return w32(encR(OPC_OP_FP, rd, rm, rs1, rs2, funct5 << 2 | fmt), `${name} ${f(rd)}, ${f(rs1)}, ${f(rs2)}${rmSuffix(rm)}`);
  };
}
export const fadd_s = fpBin("fadd.s", 0x00, FMT_S);
export const fsub_s = fpBin("fsub.s", 0x01, FMT_S);
export const fmul_s = fpBin("fmul.s", 0x02, FMT_S);
export const fdiv_s = fpBin("fdiv.s", 0x03, FMT_S);
export const fadd_d = fpBin("fadd.d", 0x00, FMT_D);
export const fsub_d = fpBin("fsub.d", 0x01, FMT_D);
export const fmul_d = fpBin("fmul.d", 0x02, FMT_D);
export const fdiv_d = fpBin("fdiv.d", 0x03, FMT_D);

export type FpUnOp = (rd: number, rs1: number, rm: RoundingMode) => Insn;
/** One-source ops with a rounding mode; rs2 selects the variant (fsqrt, fcvt). */
function fpUn(name: string, funct7: number, rs2: number, rdReg: (r: number) => string,
  rsReg: (r: number) => string, rmSpelled: (rm: number) => boolean): FpUnOp {
  return (rd, rs1, rm) => {
    checkRm(rm);
    return w32(encR(OPC_OP_FP, rd, rm, rs1, rs2, funct7),
      `${name} ${rdReg(rd)}, ${rsReg(rs1)}${rmSpelled(rm) ? rmSuffix(rm) : ""}`);
  };
}
const always = (): boolean => true;
// GNU as 2.40 rejects a rounding mode on conversions that are always exact and encodes rm=0
// for them, so the spelling omits it then; other values keep it (newer binutils accept it).
const unlessRne = (rm: number): boolean => rm !== 0;
/** True for such a conversion with rm != 0: binutils 2.40 neither assembles nor disassembles it
 *  (objdump prints .4byte), though the ISA, qemu and hardware accept every valid rm there. */
export function binutils240CannotSpell(insn: Insn): boolean {
  return /^fcvt\.d\.(s|w|wu) .*, [a-z]+$/.test(insn.asm);
}
export const fsqrt_s = fpUn("fsqrt.s", 0x2c, 0, f, f, always);
export const fsqrt_d = fpUn("fsqrt.d", 0x2d, 0, f, f, always);
export const fcvt_s_d = fpUn("fcvt.s.d", 0x20, 1, f, f, always);
export const fcvt_d_s = fpUn("fcvt.d.s", 0x21, 0, f, f, unlessRne);
export const fcvt_w_s = fpUn("fcvt.w.s", 0x60, 0, x, f, always);
export const fcvt_wu_s = fpUn("fcvt.wu.s", 0x60, 1, x, f, always);
export const fcvt_l_s = fpUn("fcvt.l.s", 0x60, 2, x, f, always);
export const fcvt_lu_s = fpUn("fcvt.lu.s", 0x60, 3, x, f, always);
export const fcvt_w_d = fpUn("fcvt.w.d", 0x61, 0, x, f, always);
export const fcvt_wu_d = fpUn("fcvt.wu.d", 0x61, 1, x, f, always);
export const fcvt_l_d = fpUn("fcvt.l.d", 0x61, 2, x, f, always);
export const fcvt_lu_d = fpUn("fcvt.lu.d", 0x61, 3, x, f, always);
export const fcvt_s_w = fpUn("fcvt.s.w", 0x68, 0, f, x, always);
export const fcvt_s_wu = fpUn("fcvt.s.wu", 0x68, 1, f, x, always);
export const fcvt_s_l = fpUn("fcvt.s.l", 0x68, 2, f, x, always);
export const fcvt_s_lu = fpUn("fcvt.s.lu", 0x68, 3, f, x, always);
export const fcvt_d_w = fpUn("fcvt.d.w", 0x69, 0, f, x, unlessRne);
export const fcvt_d_wu = fpUn("fcvt.d.wu", 0x69, 1, f, x, unlessRne);
export const fcvt_d_l = fpUn("fcvt.d.l", 0x69, 2, f, x, always);
export const fcvt_d_lu = fpUn("fcvt.d.lu", 0x69, 3, f, x, always);

/** Two-source ops whose funct3 selects the operation, not a rounding mode. */
function fpF3(name: string, funct5: number, fmt: number, f3: number, rdReg: (r: number) => string): RegOp {
  return (rd, rs1, rs2) => w32(encR(OPC_OP_FP, rd, f3, rs1, rs2, funct5 << 2 | fmt),
    `${name} ${rdReg(rd)}, ${f(rs1)}, ${f(rs2)}`);
}
export const fsgnj_s = fpF3("fsgnj.s", 0x04, FMT_S, 0, f);
export const fsgnjn_s = fpF3("fsgnjn.s", 0x04, FMT_S, 1, f);
export const fsgnjx_s = fpF3("fsgnjx.s", 0x04, FMT_S, 2, f);
export const fmin_s = fpF3("fmin.s", 0x05, FMT_S, 0, f);
export const fmax_s = fpF3("fmax.s", 0x05, FMT_S, 1, f);
export const fle_s = fpF3("fle.s", 0x14, FMT_S, 0, x);
export const flt_s = fpF3("flt.s", 0x14, FMT_S, 1, x);
export const feq_s = fpF3("feq.s", 0x14, FMT_S, 2, x);
export const fsgnj_d = fpF3("fsgnj.d", 0x04, FMT_D, 0, f);
export const fsgnjn_d = fpF3("fsgnjn.d", 0x04, FMT_D, 1, f);
export const fsgnjx_d = fpF3("fsgnjx.d", 0x04, FMT_D, 2, f);
export const fmin_d = fpF3("fmin.d", 0x05, FMT_D, 0, f);
export const fmax_d = fpF3("fmax.d", 0x05, FMT_D, 1, f);
export const fle_d = fpF3("fle.d", 0x14, FMT_D, 0, x);
export const flt_d = fpF3("flt.d", 0x14, FMT_D, 1, x);
export const feq_d = fpF3("feq.d", 0x14, FMT_D, 2, x);

type MoveOp = (rd: number, rs1: number) => Insn;
function fpMove(name: string, funct7: number, f3: number, rdReg: (r: number) => string,
  rsReg: (r: number) => string): MoveOp {
  return (rd, rs1) => w32(encR(OPC_OP_FP, rd, f3, rs1, 0, funct7), `${name} ${rdReg(rd)}, ${rsReg(rs1)}`);
}
export const fclass_s = fpMove("fclass.s", 0x70, 1, x, f);
export const fclass_d = fpMove("fclass.d", 0x71, 1, x, f);
export const fmv_x_w = fpMove("fmv.x.w", 0x70, 0, x, f);
export const fmv_x_d = fpMove("fmv.x.d", 0x71, 0, x, f);
export const fmv_w_x = fpMove("fmv.w.x", 0x78, 0, f, x);
export const fmv_d_x = fpMove("fmv.d.x", 0x79, 0, f, x);

export type FmaOp = (rd: number, rs1: number, rs2: number, rs3: number, rm: RoundingMode) => Insn;
function fma(name: string, op: number, fmt: number): FmaOp {
  return (rd, rs1, rs2, rs3, rm) => w32(encR4(op, rd, rm, rs1, rs2, rs3, fmt),
    `${name} ${f(rd)}, ${f(rs1)}, ${f(rs2)}, ${f(rs3)}${rmSuffix(rm)}`);
}
export const fmadd_s = fma("fmadd.s", OPC_MADD, FMT_S);
export const fmsub_s = fma("fmsub.s", OPC_MSUB, FMT_S);
export const fnmsub_s = fma("fnmsub.s", OPC_NMSUB, FMT_S);
export const fnmadd_s = fma("fnmadd.s", OPC_NMADD, FMT_S);
export const fmadd_d = fma("fmadd.d", OPC_MADD, FMT_D);
export const fmsub_d = fma("fmsub.d", OPC_MSUB, FMT_D);
export const fnmsub_d = fma("fnmsub.d", OPC_NMSUB, FMT_D);
export const fnmadd_d = fma("fnmadd.d", OPC_NMADD, FMT_D);

// ---- RV64C (spec 16) ----
// Compressed encodings only: RV32-only forms (c.jal, c.flw, c.fsw, c.flwsp, c.fswsp) share
// their encodings with RV64 ones (c.addiw, c.ld, c.sd, c.ldsp, c.sdsp) and do not exist here.

const w16 = (bits16: number, asm: string): Insn => ({ bits: bits16 & 0xffff, size: 2, asm });
/** A register in the 3-bit rd'/rs1'/rs2' field must be x8..x15 (or f8..f15). */
function cReg(r: number): number {
  check(r >= 8 && r <= 15, `compressed register ${r} is not in x8..x15`);
  return r - 8;
}
function checkNotZero(v: number, what: string): void {
  check(v !== 0, `${what} must be nonzero (zero is reserved or a HINT)`);
}
function checkScaled(v: number, scale: number, max: number, what: string): void {
  check(Number.isInteger(v) && v >= 0 && v <= max && v % scale === 0, `${what} ${v} not in 0..${max} step ${scale}`);
}

export function c_addi4spn(rd: number, nzuimm: number): Insn {
  checkScaled(nzuimm, 4, 1020, "c.addi4spn nzuimm"); checkNotZero(nzuimm, "c.addi4spn nzuimm");
  const imm = (bits(nzuimm, 5, 4) << 11) | (bits(nzuimm, 9, 6) << 7) | (bits(nzuimm, 2, 2) << 6) |
    (bits(nzuimm, 3, 3) << 5);
  return w16(imm | (cReg(rd) << 2), `c.addi4spn ${x(rd)}, x2, ${nzuimm}`);
}

/** CL/CS forms with 8-byte scaling: uimm[5:3] at 12:10, uimm[7:6] at 6:5. */
function clsDouble(name: string, f3: number, reg: (r: number) => string) {
  return (r: number, rs1: number, uimm: number): Insn => {
    checkScaled(uimm, 8, 248, `${name} offset`);
    return w16((f3 << 13) | (bits(uimm, 5, 3) << 10) | (cReg(rs1) << 7) | (bits(uimm, 7, 6) << 5) |
      (cReg(r) << 2), `${name} ${reg(r)}, ${uimm}(${x(rs1)})`);
  };
}
/** CL/CS forms with 4-byte scaling: uimm[5:3] at 12:10, uimm[2] at 6, uimm[6] at 5. */
function clsWord(name: string, f3: number) {
  return (r: number, rs1: number, uimm: number): Insn => {
    checkScaled(uimm, 4, 124, `${name} offset`);
    return w16((f3 << 13) | (bits(uimm, 5, 3) << 10) | (cReg(rs1) << 7) | (bits(uimm, 2, 2) << 6) |
      (bits(uimm, 6, 6) << 5) | (cReg(r) << 2), `${name} ${x(r)}, ${uimm}(${x(rs1)})`);
  };
}
export const c_fld = clsDouble("c.fld", 1, f);
export const c_lw = clsWord("c.lw", 2);
export const c_ld = clsDouble("c.ld", 3, x);
export const c_fsd = clsDouble("c.fsd", 5, f);
export const c_sw = clsWord("c.sw", 6);
export const c_sd = clsDouble("c.sd", 7, x);

/** CI form: imm[5] at 12, rd at 11:7, imm[4:0] at 6:2. */
function ci(op: number, f3: number, rd: number, imm6: number): number {
  checkReg(rd);
  return (f3 << 13) | (bits(imm6, 5, 5) << 12) | (rd << 7) | (bits(imm6, 4, 0) << 2) | op;
}
export const c_nop = (): Insn => w16(0x0001, "c.nop");
export function c_addi(rd: number, nzimm: number): Insn {
  checkNotZero(rd, "c.addi rd"); checkNotZero(nzimm, "c.addi nzimm"); checkSigned(nzimm, 6, "c.addi imm");
  return w16(ci(1, 0, rd, nzimm), `c.addi ${x(rd)}, ${nzimm}`);
}
export function c_addiw(rd: number, imm: number): Insn {
  checkNotZero(rd, "c.addiw rd"); checkSigned(imm, 6, "c.addiw imm");
  return w16(ci(1, 1, rd, imm), `c.addiw ${x(rd)}, ${imm}`);
}
export function c_li(rd: number, imm: number): Insn {
  checkNotZero(rd, "c.li rd"); checkSigned(imm, 6, "c.li imm");
  return w16(ci(1, 2, rd, imm), `c.li ${x(rd)}, ${imm}`);
}
export function c_addi16sp(nzimm: number): Insn {
  checkNotZero(nzimm, "c.addi16sp nzimm"); checkSigned(nzimm, 10, "c.addi16sp imm");
  check(nzimm % 16 === 0, "c.addi16sp imm must be a multiple of 16");
  const imm = (bits(nzimm, 9, 9) << 12) | (bits(nzimm, 4, 4) << 6) | (bits(nzimm, 6, 6) << 5) |
    (bits(nzimm, 8, 7) << 3) | (bits(nzimm, 5, 5) << 2);
  return w16((3 << 13) | imm | (2 << 7) | 1, `c.addi16sp x2, ${nzimm}`);
}
/** c.lui loads nzimm[17:12]; the argument is that 6-bit field as a signed value (-32..31). */
export function c_lui(rd: number, nzimm: number): Insn {
  check(rd !== 0 && rd !== 2, "c.lui rd must not be x0 or x2");
  checkNotZero(nzimm, "c.lui nzimm"); checkSigned(nzimm, 6, "c.lui imm");
  return w16(ci(1, 3, rd, nzimm), `c.lui ${x(rd)}, 0x${(nzimm & 0xfffff).toString(16)}`);
}
/** CB-form ALU ops on rd': funct2 at 11:10. */
function cbAlu(name: string, funct2: number, immKind: "shamt" | "imm") {
  return (rd: number, v: number): Insn => {
    if (immKind === "shamt") { checkUnsigned(v, 6, `${name} shamt`); checkNotZero(v, `${name} shamt`); }
    else checkSigned(v, 6, `${name} imm`);
    return w16((4 << 13) | (bits(v, 5, 5) << 12) | (funct2 << 10) | (cReg(rd) << 7) |
      (bits(v, 4, 0) << 2) | 1, `${name} ${x(rd)}, ${v}`);
  };
}
export const c_srli = cbAlu("c.srli", 0, "shamt");
export const c_srai = cbAlu("c.srai", 1, "shamt");
export const c_andi = cbAlu("c.andi", 2, "imm");
/** CA form: 100 | bit12 | 11 | rd' | funct2 | rs2' | 01. */
function ca(name: string, bit12: number, funct2: number) {
  return (rd: number, rs2: number): Insn =>
    w16((4 << 13) | (bit12 << 12) | (3 << 10) | (cReg(rd) << 7) | (funct2 << 5) | (cReg(rs2) << 2) | 1,
      `${name} ${x(rd)}, ${x(rs2)}`);
}
export const c_sub = ca("c.sub", 0, 0);
export const c_xor = ca("c.xor", 0, 1);
export const c_or = ca("c.or", 0, 2);
export const c_and = ca("c.and", 0, 3);
export const c_subw = ca("c.subw", 1, 0);
export const c_addw = ca("c.addw", 1, 1);

export function c_j(off: number): Insn {
  checkSigned(off, 12, "c.j offset"); check(off % 2 === 0, "c.j offset must be even");
  const imm = (bits(off, 11, 11) << 12) | (bits(off, 4, 4) << 11) | (bits(off, 9, 8) << 9) |
    (bits(off, 10, 10) << 8) | (bits(off, 6, 6) << 7) | (bits(off, 7, 7) << 6) |
    (bits(off, 3, 1) << 3) | (bits(off, 5, 5) << 2);
  return w16((5 << 13) | imm | 1, `c.j ${rel(off)}`);
}
function cBranch(name: string, f3: number) {
  return (rs1: number, off: number): Insn => {
    checkSigned(off, 9, `${name} offset`); check(off % 2 === 0, `${name} offset must be even`);
    const imm = (bits(off, 8, 8) << 12) | (bits(off, 4, 3) << 10) | (bits(off, 7, 6) << 5) |
      (bits(off, 2, 1) << 3) | (bits(off, 5, 5) << 2);
    return w16((f3 << 13) | imm | (cReg(rs1) << 7) | 1, `${name} ${x(rs1)}, ${rel(off)}`);
  };
}
export const c_beqz = cBranch("c.beqz", 6);
export const c_bnez = cBranch("c.bnez", 7);

export function c_slli(rd: number, shamt: number): Insn {
  checkNotZero(rd, "c.slli rd"); checkUnsigned(shamt, 6, "c.slli shamt"); checkNotZero(shamt, "c.slli shamt");
  return w16(ci(2, 0, rd, shamt), `c.slli ${x(rd)}, ${shamt}`);
}
/** CI-form sp loads with 8-byte scaling: uimm[5] at 12, uimm[4:3|8:6] at 6:2. */
function ciSpDouble(name: string, f3: number, reg: (r: number) => string, rdMayBeZero: boolean) {
  return (rd: number, uimm: number): Insn => {
    if (!rdMayBeZero) checkNotZero(rd, `${name} rd`);
    checkReg(rd); checkScaled(uimm, 8, 504, `${name} offset`);
    return w16((f3 << 13) | (bits(uimm, 5, 5) << 12) | (rd << 7) | (bits(uimm, 4, 3) << 5) |
      (bits(uimm, 8, 6) << 2) | 2, `${name} ${reg(rd)}, ${uimm}(x2)`);
  };
}
export const c_fldsp = ciSpDouble("c.fldsp", 1, f, true);
export const c_ldsp = ciSpDouble("c.ldsp", 3, x, false);
export function c_lwsp(rd: number, uimm: number): Insn {
  checkNotZero(rd, "c.lwsp rd"); checkReg(rd); checkScaled(uimm, 4, 252, "c.lwsp offset");
  return w16((2 << 13) | (bits(uimm, 5, 5) << 12) | (rd << 7) | (bits(uimm, 4, 2) << 4) |
    (bits(uimm, 7, 6) << 2) | 2, `c.lwsp ${x(rd)}, ${uimm}(x2)`);
}
/** CR form: 100 | bit12 | rd/rs1 | rs2 | 10. */
function cr(bit12: number, rs1: number, rs2: number): number {
  checkReg(rs1); checkReg(rs2);
  return (4 << 13) | (bit12 << 12) | (rs1 << 7) | (rs2 << 2) | 2;
}
export function c_jr(rs1: number): Insn {
  checkNotZero(rs1, "c.jr rs1");
  return w16(cr(0, rs1, 0), `c.jr ${x(rs1)}`);
}
export function c_jalr(rs1: number): Insn {
  checkNotZero(rs1, "c.jalr rs1");
  return w16(cr(1, rs1, 0), `c.jalr ${x(rs1)}`);
}
export function c_mv(rd: number, rs2: number): Insn {
  checkNotZero(rd, "c.mv rd"); checkNotZero(rs2, "c.mv rs2");
  return w16(cr(0, rd, rs2), `c.mv ${x(rd)}, ${x(rs2)}`);
}
export function c_add(rd: number, rs2: number): Insn {
  checkNotZero(rd, "c.add rd"); checkNotZero(rs2, "c.add rs2");
  return w16(cr(1, rd, rs2), `c.add ${x(rd)}, ${x(rs2)}`);
}
export const c_ebreak = (): Insn => w16(0x9002, "c.ebreak");
/** CSS-form sp stores with 8-byte scaling: uimm[5:3] at 12:10, uimm[8:6] at 9:7. */
function cssDouble(name: string, f3: number, reg: (r: number) => string) {
  return (rs2: number, uimm: number): Insn => {
    checkReg(rs2); checkScaled(uimm, 8, 504, `${name} offset`);
    return w16((f3 << 13) | (bits(uimm, 5, 3) << 10) | (bits(uimm, 8, 6) << 7) | (rs2 << 2) | 2,
      `${name} ${reg(rs2)}, ${uimm}(x2)`);
  };
}
export const c_fsdsp = cssDouble("c.fsdsp", 5, f);
export const c_sdsp = cssDouble("c.sdsp", 7, x);
export function c_swsp(rs2: number, uimm: number): Insn {
  checkReg(rs2); checkScaled(uimm, 4, 252, "c.swsp offset");
  return w16((6 << 13) | (bits(uimm, 5, 2) << 9) | (bits(uimm, 7, 6) << 7) | (rs2 << 2) | 2,
    `c.swsp ${x(rs2)}, ${uimm}(x2)`);
}
