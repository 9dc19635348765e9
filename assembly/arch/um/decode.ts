// arch/um/decode.ts — RV64GC decode into cached slots.
// Owns: the op numbering and the 16-byte decoded-slot layout the executor (cpu.ts) reads:
//   0 op u8 | 1 adv u8 (length * 8: the slot distance to the next instruction) | 2 rd u16
//   4 rs1 u16 | 6 rs2 u16 | 8 imm i32
//  12 rs3 u16 | 14 rm u8 | 15 reserved
// Register fields hold the register's byte offset inside the hart (x: 8*r, f: HART_F + 8*r),
// so the executor reaches any operand with one add; op and len share the first load.
// Integer destinations x0 decode as HART_SINK so the executor never special-cases x0.
// CSR immediate forms keep the 5-bit zimm itself in rs1.
// Everything reserved decodes to OP_ILLEGAL (SIGILL, ILL_ILLOPC): reserved rm values 5 and 6,
// non-zero rs2 where the encoding fixes it, unknown funct fields, halfwords rvc_expand rejects.
// Follows the RISC-V unprivileged ISA (20191213 + Zifencei/Zicsr chapters).

import { rvc_expand } from "./rvc";
import { HART_SINK, HART_F } from "./regs";

export const SLOT_SIZE: u32 = 16;

// Op numbers: dense from 1 so the executor's switch compiles to a br_table. 0 = not decoded.
export const OP_NONE: u16 = 0;
export const OP_ILLEGAL: u16 = 1;
export const OP_LUI: u16 = 2;
export const OP_AUIPC: u16 = 3;
export const OP_JAL: u16 = 4;
export const OP_JALR: u16 = 5;
export const OP_BEQ: u16 = 6;
export const OP_BNE: u16 = 7;
export const OP_BLT: u16 = 8;
export const OP_BGE: u16 = 9;
export const OP_BLTU: u16 = 10;
export const OP_BGEU: u16 = 11;
export const OP_LB: u16 = 12;
export const OP_LH: u16 = 13;
export const OP_LW: u16 = 14;
export const OP_LD: u16 = 15;
export const OP_LBU: u16 = 16;
export const OP_LHU: u16 = 17;
export const OP_LWU: u16 = 18;
export const OP_SB: u16 = 19;
export const OP_SH: u16 = 20;
export const OP_SW: u16 = 21;
export const OP_SD: u16 = 22;
export const OP_ADDI: u16 = 23;
export const OP_SLTI: u16 = 24;
export const OP_SLTIU: u16 = 25;
export const OP_XORI: u16 = 26;
export const OP_ORI: u16 = 27;
export const OP_ANDI: u16 = 28;
export const OP_SLLI: u16 = 29;
export const OP_SRLI: u16 = 30;
export const OP_SRAI: u16 = 31;
export const OP_ADD: u16 = 32;
export const OP_SUB: u16 = 33;
export const OP_SLL: u16 = 34;
export const OP_SLT: u16 = 35;
export const OP_SLTU: u16 = 36;
export const OP_XOR: u16 = 37;
export const OP_SRL: u16 = 38;
export const OP_SRA: u16 = 39;
export const OP_OR: u16 = 40;
export const OP_AND: u16 = 41;
export const OP_ADDIW: u16 = 42;
export const OP_SLLIW: u16 = 43;
export const OP_SRLIW: u16 = 44;
export const OP_SRAIW: u16 = 45;
export const OP_ADDW: u16 = 46;
export const OP_SUBW: u16 = 47;
export const OP_SLLW: u16 = 48;
export const OP_SRLW: u16 = 49;
export const OP_SRAW: u16 = 50;
export const OP_FENCE: u16 = 51;
export const OP_ECALL: u16 = 52;
export const OP_EBREAK: u16 = 53;
export const OP_MUL: u16 = 54;
export const OP_MULH: u16 = 55;
export const OP_MULHSU: u16 = 56;
export const OP_MULHU: u16 = 57;
export const OP_DIV: u16 = 58;
export const OP_DIVU: u16 = 59;
export const OP_REM: u16 = 60;
export const OP_REMU: u16 = 61;
export const OP_MULW: u16 = 62;
export const OP_DIVW: u16 = 63;
export const OP_DIVUW: u16 = 64;
export const OP_REMW: u16 = 65;
export const OP_REMUW: u16 = 66;
export const OP_LR_W: u16 = 67;
export const OP_SC_W: u16 = 68;
export const OP_AMO_W: u16 = 69; // rm holds the AMO function (AMOFN_*)
export const OP_LR_D: u16 = 70;
export const OP_SC_D: u16 = 71;
export const OP_AMO_D: u16 = 72;
export const OP_CSRRW: u16 = 73; // imm holds the csr number; CSRR*I: rs1 holds the zimm
export const OP_CSRRS: u16 = 74;
export const OP_CSRRC: u16 = 75;
export const OP_CSRRWI: u16 = 76;
export const OP_CSRRSI: u16 = 77;
export const OP_CSRRCI: u16 = 78;
export const OP_FLW: u16 = 79;
export const OP_FLD: u16 = 80;
export const OP_FSW: u16 = 81;
export const OP_FSD: u16 = 82;
export const OP_FMADD_S: u16 = 83;
export const OP_FMSUB_S: u16 = 84;
export const OP_FNMSUB_S: u16 = 85;
export const OP_FNMADD_S: u16 = 86;
export const OP_FMADD_D: u16 = 87;
export const OP_FMSUB_D: u16 = 88;
export const OP_FNMSUB_D: u16 = 89;
export const OP_FNMADD_D: u16 = 90;
export const OP_FADD_S: u16 = 91;
export const OP_FSUB_S: u16 = 92;
export const OP_FMUL_S: u16 = 93;
export const OP_FDIV_S: u16 = 94;
export const OP_FSQRT_S: u16 = 95;
export const OP_FADD_D: u16 = 96;
export const OP_FSUB_D: u16 = 97;
export const OP_FMUL_D: u16 = 98;
export const OP_FDIV_D: u16 = 99;
export const OP_FSQRT_D: u16 = 100;
export const OP_FSGNJ_S: u16 = 101;
export const OP_FSGNJN_S: u16 = 102;
export const OP_FSGNJX_S: u16 = 103;
export const OP_FSGNJ_D: u16 = 104;
export const OP_FSGNJN_D: u16 = 105;
export const OP_FSGNJX_D: u16 = 106;
export const OP_FMIN_S: u16 = 107;
export const OP_FMAX_S: u16 = 108;
export const OP_FMIN_D: u16 = 109;
export const OP_FMAX_D: u16 = 110;
export const OP_FCVT_S_D: u16 = 111;
export const OP_FCVT_D_S: u16 = 112;
export const OP_FEQ_S: u16 = 113;
export const OP_FLT_S: u16 = 114;
export const OP_FLE_S: u16 = 115;
export const OP_FEQ_D: u16 = 116;
export const OP_FLT_D: u16 = 117;
export const OP_FLE_D: u16 = 118;
export const OP_FCVT_W_S: u16 = 119;
export const OP_FCVT_WU_S: u16 = 120;
export const OP_FCVT_L_S: u16 = 121;
export const OP_FCVT_LU_S: u16 = 122;
export const OP_FCVT_W_D: u16 = 123;
export const OP_FCVT_WU_D: u16 = 124;
export const OP_FCVT_L_D: u16 = 125;
export const OP_FCVT_LU_D: u16 = 126;
export const OP_FCVT_S_W: u16 = 127;
export const OP_FCVT_S_WU: u16 = 128;
export const OP_FCVT_S_L: u16 = 129;
export const OP_FCVT_S_LU: u16 = 130;
export const OP_FCVT_D_W: u16 = 131;
export const OP_FCVT_D_WU: u16 = 132;
export const OP_FCVT_D_L: u16 = 133;
export const OP_FCVT_D_LU: u16 = 134;
export const OP_FMV_X_W: u16 = 135;
export const OP_FCLASS_S: u16 = 136;
export const OP_FMV_X_D: u16 = 137;
export const OP_FCLASS_D: u16 = 138;
export const OP_FMV_W_X: u16 = 139;
export const OP_FMV_D_X: u16 = 140;
/** Not an instruction: the two slots past a page's last one. Sequential flow that leaves the
 *  page lands here and the executor looks the next page up. */
export const OP_PAGE_END: u16 = 141;
// Branches and jal whose target lies in the same page: imm holds the slot distance in bytes,
// so a taken branch is one add to the slot pointer (no pc arithmetic, no page lookup).
export const OP_BEQ_L: u16 = 142;
export const OP_BNE_L: u16 = 143;
export const OP_BLT_L: u16 = 144;
export const OP_BGE_L: u16 = 145;
export const OP_BLTU_L: u16 = 146;
export const OP_BGEU_L: u16 = 147;
export const OP_JAL_L: u16 = 148;
// Pairs the executor runs as one slot (decode_fuse). The first instruction's fields are the
// slot's usual ones; the second's rd index is byte 14, the first's advance byte 15.
export const OP_SLLI_ADD: u16 = 149; // second: add rd2, rs2 (@6), rs3 (@12)
export const OP_ADDI_ADDI: u16 = 150; // second: addi rd2, rs2 (@6), imm i16 (@12)
export const OP_J_L: u16 = 151; // jal x0 within the page: no link to write
export const OP_LBU_ADDI: u16 = 152; // second: addi rd2, rs2 (@6), imm i16 (@12)
export const OP_LW_ADD: u16 = 153; // second: add rd2, rs2 (@6), rs3 (@12)
export const OP_SLLI_ADDI: u16 = 154; // second: addi rd2, rs2 (@6), imm i16 (@12)
export const OP_ADDI_ADD: u16 = 155; // second: add rd2, rs2 (@6), rs3 (@12)
export const OP_MUL_ADD: u16 = 156; // second: add rd2, x[@12 index], x[@13 index]
export const OP_COUNT: u16 = 157;

// AMO functions (funct5 >> 0), kept in the slot's rm byte for OP_AMO_W/D.
export const AMOFN_ADD: u8 = 0x00;
export const AMOFN_SWAP: u8 = 0x01;
export const AMOFN_XOR: u8 = 0x04;
export const AMOFN_OR: u8 = 0x08;
export const AMOFN_AND: u8 = 0x0c;
export const AMOFN_MIN: u8 = 0x10;
export const AMOFN_MAX: u8 = 0x14;
export const AMOFN_MINU: u8 = 0x18;
export const AMOFN_MAXU: u8 = 0x1c;

/** Byte offsets of operands in the hart: integer source, integer destination, FP register. */
@inline function xs(r: u32): u32 {
  return r << 3;
}
@inline function xd(r: u32): u32 {
  return (r == 0 ? HART_SINK : r) << 3;
}
@inline function fr(r: u32): u32 {
  return HART_F + (r << 3);
}
@inline function imm_i(insn: u32): i32 {
  return <i32>insn >> 20;
}
@inline function imm_s(insn: u32): i32 {
  return ((<i32>insn >> 25) << 5) | <i32>((insn >> 7) & 31);
}
@inline function imm_b(insn: u32): i32 {
  return ((<i32>insn >> 31) << 12) | <i32>(((insn >> 7) & 1) << 11) |
    <i32>(((insn >> 25) & 63) << 5) | <i32>(((insn >> 8) & 15) << 1);
}
@inline function imm_j(insn: u32): i32 {
  return ((<i32>insn >> 31) << 20) | <i32>(insn & 0xff000) | <i32>(((insn >> 20) & 1) << 11) |
    <i32>(((insn >> 21) & 0x3ff) << 1);
}

@inline function put(s: usize, op: u16, rd: u32, rs1: u32, rs2: u32, imm: i32): u16 {
  store<u8>(s, <u8>op, 0);
  store<u16>(s, <u16>rd, 2);
  store<u16>(s, <u16>rs1, 4);
  store<u16>(s, <u16>rs2, 6);
  store<i32>(s, imm, 8);
  return op;
}

function decode_load(s: usize, insn: u32, rd: u32, rs1: u32, f3: u32): u16 {
  let op = OP_ILLEGAL;
  switch (f3) {
    case 0: op = OP_LB; break;
    case 1: op = OP_LH; break;
    case 2: op = OP_LW; break;
    case 3: op = OP_LD; break;
    case 4: op = OP_LBU; break;
    case 5: op = OP_LHU; break;
    case 6: op = OP_LWU; break;
  }
  return put(s, op, xd(rd), xs(rs1), 0, imm_i(insn));
}

function decode_op_imm(s: usize, insn: u32, rd: u32, rs1: u32, f3: u32): u16 {
  const imm = imm_i(insn);
  const f6 = insn >> 26;
  const sh = <i32>((insn >> 20) & 63);
  switch (f3) {
    case 0: return put(s, OP_ADDI, xd(rd), xs(rs1), 0, imm);
    case 2: return put(s, OP_SLTI, xd(rd), xs(rs1), 0, imm);
    case 3: return put(s, OP_SLTIU, xd(rd), xs(rs1), 0, imm);
    case 4: return put(s, OP_XORI, xd(rd), xs(rs1), 0, imm);
    case 6: return put(s, OP_ORI, xd(rd), xs(rs1), 0, imm);
    case 7: return put(s, OP_ANDI, xd(rd), xs(rs1), 0, imm);
    case 1: return f6 == 0 ? put(s, OP_SLLI, xd(rd), xs(rs1), 0, sh) : OP_ILLEGAL;
    default: // 5
      if (f6 == 0) return put(s, OP_SRLI, xd(rd), xs(rs1), 0, sh);
      if (f6 == 0x10) return put(s, OP_SRAI, xd(rd), xs(rs1), 0, sh);
      return OP_ILLEGAL;
  }
}

function decode_op_imm_32(s: usize, insn: u32, rd: u32, rs1: u32, f3: u32): u16 {
  const f7 = insn >> 25;
  const sh = <i32>((insn >> 20) & 31);
  if (f3 == 0) return put(s, OP_ADDIW, xd(rd), xs(rs1), 0, imm_i(insn));
  if (f3 == 1 && f7 == 0) return put(s, OP_SLLIW, xd(rd), xs(rs1), 0, sh);
  if (f3 == 5 && f7 == 0) return put(s, OP_SRLIW, xd(rd), xs(rs1), 0, sh);
  if (f3 == 5 && f7 == 0x20) return put(s, OP_SRAIW, xd(rd), xs(rs1), 0, sh);
  return OP_ILLEGAL;
}

function decode_op(s: usize, insn: u32, rd: u32, rs1: u32, rs2: u32, f3: u32): u16 {
  const f7 = insn >> 25;
  let op = OP_ILLEGAL;
  if (f7 == 0) {
    switch (f3) {
      case 0: op = OP_ADD; break;
      case 1: op = OP_SLL; break;
      case 2: op = OP_SLT; break;
      case 3: op = OP_SLTU; break;
      case 4: op = OP_XOR; break;
      case 5: op = OP_SRL; break;
      case 6: op = OP_OR; break;
      default: op = OP_AND;
    }
  } else if (f7 == 0x20) {
    if (f3 == 0) op = OP_SUB;
    else if (f3 == 5) op = OP_SRA;
  } else if (f7 == 1) {
    op = <u16>(OP_MUL + f3); // mul, mulh, mulhsu, mulhu, div, divu, rem, remu
  }
  if (op == OP_ILLEGAL) return op;
  return put(s, op, xd(rd), xs(rs1), xs(rs2), 0);
}

function decode_op_32(s: usize, insn: u32, rd: u32, rs1: u32, rs2: u32, f3: u32): u16 {
  const f7 = insn >> 25;
  let op = OP_ILLEGAL;
  if (f7 == 0) {
    if (f3 == 0) op = OP_ADDW;
    else if (f3 == 1) op = OP_SLLW;
    else if (f3 == 5) op = OP_SRLW;
  } else if (f7 == 0x20) {
    if (f3 == 0) op = OP_SUBW;
    else if (f3 == 5) op = OP_SRAW;
  } else if (f7 == 1) {
    if (f3 == 0) op = OP_MULW;
    else if (f3 == 4) op = OP_DIVW;
    else if (f3 == 5) op = OP_DIVUW;
    else if (f3 == 6) op = OP_REMW;
    else if (f3 == 7) op = OP_REMUW;
  }
  if (op == OP_ILLEGAL) return op;
  return put(s, op, xd(rd), xs(rs1), xs(rs2), 0);
}

function decode_amo(s: usize, insn: u32, rd: u32, rs1: u32, rs2: u32, f3: u32): u16 {
  if (f3 != 2 && f3 != 3) return OP_ILLEGAL;
  const dw = f3 == 3;
  const f5 = insn >> 27;
  if (f5 == 0x02) {
    if (rs2 != 0) return OP_ILLEGAL;
    return put(s, dw ? OP_LR_D : OP_LR_W, xd(rd), xs(rs1), 0, 0);
  }
  if (f5 == 0x03) return put(s, dw ? OP_SC_D : OP_SC_W, xd(rd), xs(rs1), xs(rs2), 0);
  switch (f5) {
    case AMOFN_ADD: case AMOFN_SWAP: case AMOFN_XOR: case AMOFN_OR: case AMOFN_AND:
    case AMOFN_MIN: case AMOFN_MAX: case AMOFN_MINU: case AMOFN_MAXU:
      break;
    default:
      return OP_ILLEGAL;
  }
  store<u8>(s, <u8>f5, 14);
  return put(s, dw ? OP_AMO_D : OP_AMO_W, xd(rd), xs(rs1), xs(rs2), 0);
}

function decode_system(s: usize, insn: u32, rd: u32, rs1: u32, f3: u32): u16 {
  if (f3 == 0) {
    if (insn == 0x00000073) return put(s, OP_ECALL, 0, 0, 0, 0);
    if (insn == 0x00100073) return put(s, OP_EBREAK, 0, 0, 0, 0);
    return OP_ILLEGAL;
  }
  if (f3 == 4) return OP_ILLEGAL;
  // csrrw, csrrs, csrrc at f3 1..3; their immediate forms at 5..7.
  const op = <u16>(f3 < 4 ? OP_CSRRW + f3 - 1 : OP_CSRRWI + f3 - 5);
  return put(s, op, xd(rd), f3 < 4 ? xs(rs1) : rs1, 0, <i32>(insn >> 20));
}

/** An rm field: 5 and 6 are reserved, 7 is resolved against frm at execution. */
@inline function rm_ok(rm: u32): bool {
  return rm != 5 && rm != 6;
}

function decode_fma(s: usize, insn: u32, opcode: u32, rd: u32, rs1: u32, rs2: u32, rm: u32): u16 {
  const fmt = (insn >> 25) & 3;
  if (fmt > 1 || !rm_ok(rm)) return OP_ILLEGAL;
  const base = fmt == 0 ? OP_FMADD_S : OP_FMADD_D;
  const op = <u16>(base + ((opcode >> 2) & 3)); // 0x43, 0x47, 0x4b, 0x4f
  store<u16>(s, <u16>fr(insn >> 27), 12);
  store<u8>(s, <u8>rm, 14);
  return put(s, op, fr(rd), fr(rs1), fr(rs2), 0);
}

function decode_op_fp(s: usize, insn: u32, rd: u32, rs1: u32, rs2: u32, rm: u32): u16 {
  const f7 = insn >> 25;
  let op = OP_ILLEGAL;
  let uses_rm = true;
  let int_rd = false;
  let int_rs1 = false;
  switch (f7) {
    case 0x00: op = OP_FADD_S; break;
    case 0x01: op = OP_FADD_D; break;
    case 0x04: op = OP_FSUB_S; break;
    case 0x05: op = OP_FSUB_D; break;
    case 0x08: op = OP_FMUL_S; break;
    case 0x09: op = OP_FMUL_D; break;
    case 0x0c: op = OP_FDIV_S; break;
    case 0x0d: op = OP_FDIV_D; break;
    case 0x2c: if (rs2 == 0) op = OP_FSQRT_S; break;
    case 0x2d: if (rs2 == 0) op = OP_FSQRT_D; break;
    case 0x10: if (rm < 3) op = <u16>(OP_FSGNJ_S + rm); uses_rm = false; break;
    case 0x11: if (rm < 3) op = <u16>(OP_FSGNJ_D + rm); uses_rm = false; break;
    case 0x14: if (rm < 2) op = <u16>(OP_FMIN_S + rm); uses_rm = false; break;
    case 0x15: if (rm < 2) op = <u16>(OP_FMIN_D + rm); uses_rm = false; break;
    case 0x20: if (rs2 == 1) op = OP_FCVT_S_D; break;
    case 0x21: if (rs2 == 0) op = OP_FCVT_D_S; break;
    case 0x50: if (rm < 3) op = <u16>(OP_FLE_S + (rm == 0 ? 0 : rm == 1 ? -1 : -2)); uses_rm = false; int_rd = true; break;
    case 0x51: if (rm < 3) op = <u16>(OP_FLE_D + (rm == 0 ? 0 : rm == 1 ? -1 : -2)); uses_rm = false; int_rd = true; break;
    case 0x60: if (rs2 < 4) op = <u16>(OP_FCVT_W_S + rs2); int_rd = true; break;
    case 0x61: if (rs2 < 4) op = <u16>(OP_FCVT_W_D + rs2); int_rd = true; break;
    case 0x68: if (rs2 < 4) op = <u16>(OP_FCVT_S_W + rs2); int_rs1 = true; break;
    case 0x69: if (rs2 < 4) op = <u16>(OP_FCVT_D_W + rs2); int_rs1 = true; break;
    case 0x70:
      if (rs2 == 0 && rm == 0) op = OP_FMV_X_W;
      else if (rs2 == 0 && rm == 1) op = OP_FCLASS_S;
      uses_rm = false; int_rd = true; break;
    case 0x71:
      if (rs2 == 0 && rm == 0) op = OP_FMV_X_D;
      else if (rs2 == 0 && rm == 1) op = OP_FCLASS_D;
      uses_rm = false; int_rd = true; break;
    case 0x78: if (rs2 == 0 && rm == 0) op = OP_FMV_W_X; uses_rm = false; int_rs1 = true; break;
    case 0x79: if (rs2 == 0 && rm == 0) op = OP_FMV_D_X; uses_rm = false; int_rs1 = true; break;
  }
  if (op == OP_ILLEGAL) return op;
  if (uses_rm && !rm_ok(rm)) return OP_ILLEGAL;
  store<u8>(s, <u8>rm, 14);
  return put(s, op, int_rd ? xd(rd) : fr(rd), int_rs1 ? xs(rs1) : fr(rs1), fr(rs2), 0);
}

/** decode32: fill slot s from a 32-bit instruction. Returns the op (OP_ILLEGAL if reserved). */
export function decode32(s: usize, insn: u32): u16 {
  const opcode = insn & 0x7f;
  const rd = (insn >> 7) & 31;
  const f3 = (insn >> 12) & 7;
  const rs1 = (insn >> 15) & 31;
  const rs2 = (insn >> 20) & 31;
  store<u32>(s, 0, 12);
  switch (opcode) {
    case 0x37: return put(s, OP_LUI, xd(rd), 0, 0, <i32>(insn & 0xfffff000));
    case 0x17: return put(s, OP_AUIPC, xd(rd), 0, 0, <i32>(insn & 0xfffff000));
    case 0x6f: return put(s, OP_JAL, xd(rd), 0, 0, imm_j(insn));
    case 0x67: return f3 == 0 ? put(s, OP_JALR, xd(rd), xs(rs1), 0, imm_i(insn)) : OP_ILLEGAL;
    case 0x63: {
      if (f3 == 2 || f3 == 3) return OP_ILLEGAL;
      const op = <u16>(f3 < 2 ? OP_BEQ + f3 : OP_BLT + f3 - 4); // beq bne | blt bge bltu bgeu
      return put(s, op, 0, xs(rs1), xs(rs2), imm_b(insn));
    }
    case 0x03: return decode_load(s, insn, rd, rs1, f3);
    case 0x23: {
      if (f3 > 3) return OP_ILLEGAL;
      return put(s, <u16>(OP_SB + f3), 0, xs(rs1), xs(rs2), imm_s(insn));
    }
    case 0x13: return decode_op_imm(s, insn, rd, rs1, f3);
    case 0x1b: return decode_op_imm_32(s, insn, rd, rs1, f3);
    case 0x33: return decode_op(s, insn, rd, rs1, rs2, f3);
    case 0x3b: return decode_op_32(s, insn, rd, rs1, rs2, f3);
    case 0x0f: return f3 <= 1 ? put(s, OP_FENCE, 0, 0, 0, 0) : OP_ILLEGAL; // fence, fence.i
    case 0x73: return decode_system(s, insn, rd, rs1, f3);
    case 0x2f: return decode_amo(s, insn, rd, rs1, rs2, f3);
    case 0x07:
      if (f3 == 2) return put(s, OP_FLW, fr(rd), xs(rs1), 0, imm_i(insn));
      if (f3 == 3) return put(s, OP_FLD, fr(rd), xs(rs1), 0, imm_i(insn));
      return OP_ILLEGAL;
    case 0x27:
      if (f3 == 2) return put(s, OP_FSW, 0, xs(rs1), fr(rs2), imm_s(insn));
      if (f3 == 3) return put(s, OP_FSD, 0, xs(rs1), fr(rs2), imm_s(insn));
      return OP_ILLEGAL;
    case 0x43: case 0x47: case 0x4b: case 0x4f:
      return decode_fma(s, insn, opcode, rd, rs1, rs2, f3);
    case 0x53: return decode_op_fp(s, insn, rd, rs1, rs2, f3);
  }
  return OP_ILLEGAL;
}

/** Turn a decoded branch or jal into its same-page form when its target stays in the page
 *  (page_off: the instruction's offset in its page, or -1 when it must not be localised). */
function localise_branch(s: usize, op: u16, page_off: i32): u16 {
  if (page_off < 0) return op;
  let lop: u16;
  if (op >= OP_BEQ && op <= OP_BGEU) lop = <u16>(OP_BEQ_L + (op - OP_BEQ));
  else if (op == OP_JAL) lop = OP_JAL_L;
  else return op;
  const imm = load<i32>(s, 8);
  const target = page_off + imm;
  if (target < 0 || target >= 4096) return op;
  store<i32>(s, imm << 3, 8);
  if (lop == OP_JAL_L && load<u16>(s, 2) == <u16>(HART_SINK << 3)) lop = OP_J_L;
  return lop;
}

let fuse_tmp: usize = 0;

/** decode_fuse: slot s holds a decoded instruction; lo/hi are the bytes of the one after it in
 *  the same page. When the pair is one the executor runs as a single slot, rewrite s to it.
 *  The second is a plain ALU operation and neither faults nor transfers control; a first that
 *  is a load may fault, and then nothing of the second has happened. A jump to the second
 *  still finds its own slot. */
export function decode_fuse(s: usize, lo: u32, hi: u32): void {
  const first = <u16>load<u8>(s, 0);
  if (first != OP_SLLI && first != OP_ADDI && first != OP_LBU && first != OP_LW && first != OP_MUL) return;
  if (fuse_tmp == 0) fuse_tmp = heap.alloc(SLOT_SIZE);
  const second = decode_insn(fuse_tmp, lo, hi, -1);
  const rd2 = <u8>(load<u16>(fuse_tmp, 2) >> 3);
  const adv1 = load<u8>(s, 1);
  const adv = adv1 + load<u8>(fuse_tmp, 1);
  let fused: u16;
  if (first == OP_MUL) {
    // mul already uses rs2: the add's sources go as register indices in bytes 12 and 13.
    if (second != OP_ADD) return;
    store<u8>(s, <u8>(load<u16>(fuse_tmp, 4) >> 3), 12);
    store<u8>(s, <u8>(load<u16>(fuse_tmp, 6) >> 3), 13);
    fused = OP_MUL_ADD;
  } else {
    if (second == OP_ADD && first != OP_LBU) {
      store<u16>(s, load<u16>(fuse_tmp, 6), 12);
      fused = first == OP_SLLI ? OP_SLLI_ADD : first == OP_LW ? OP_LW_ADD : OP_ADDI_ADD;
    } else if (second == OP_ADDI && first != OP_LW) {
      store<i16>(s, <i16>load<i32>(fuse_tmp, 8), 12);
      fused = first == OP_ADDI ? OP_ADDI_ADDI : first == OP_LBU ? OP_LBU_ADDI : OP_SLLI_ADDI;
    } else {
      return;
    }
    store<u16>(s, load<u16>(fuse_tmp, 4), 6);
  }
  store<u8>(s, <u8>fused, 0);
  store<u8>(s, rd2, 14);
  store<u8>(s, adv1, 15);
  store<u8>(s, adv, 1);
}

/** decode_insn: decode the instruction whose low halfword is lo (hi: the next halfword, only
 *  read for 32-bit forms) into slot s, including its length. page_off is the instruction's
 *  offset in its page (-1: do not use same-page forms). Returns the op. */
export function decode_insn(s: usize, lo: u32, hi: u32, page_off: i32): u16 {
  let op: u16;
  let len: u8;
  if ((lo & 3) != 3) {
    const x = rvc_expand(lo);
    op = x == 0 ? OP_ILLEGAL : decode32(s, x);
    len = 2;
  } else {
    op = decode32(s, lo | (hi << 16));
    len = 4;
  }
  op = localise_branch(s, op, page_off);
  store<u8>(s, <u8>op, 0);
  store<u8>(s, len << 3, 1);
  return op;
}
