// assembly/arch/um/rvc.ts — RV64C compressed-instruction expander.
// Owns: the mapping from one 16-bit RVC halfword to the 32-bit RV64G instruction it stands for.
// Derived: the decoder's cache of expanded instructions; the executor never sees a compressed form.
// Follows the RISC-V unprivileged ISA manual, chapter "C" Standard Extension for Compressed
// Instructions (RVC opcode map and the RV64C column), including its HINT and reserved rules.
// Convention: rvc_expand() returns 0 for an illegal or reserved encoding. 0 is never a valid
// 32-bit expansion (its low bits are 00), so the caller raises an illegal-instruction trap on it.
// HINTs expand to an instruction with the same architectural effect (a write to x0, or a shift
// by zero), so they retire as no-ops without any special case in the executor.
// Illegal for RV64 here: 0x0000, c.addi4spn with nzuimm=0, quadrant 0 funct3=100, c.addiw with
// rd=0, c.addi16sp / c.lui with a zero immediate (c.lui rd=2 is c.addi16sp), the C1 funct6
// 100111 slots with funct2 10 and 11, c.lwsp / c.ldsp with rd=0 and c.jr with rs1=0.
// No allocation, no managed objects: safe under --runtime stub.

// Major opcodes of the 32-bit forms we produce (unprivileged manual, RV32/64G opcode map).
const OP_LOAD: u32 = 0x03;
const OP_LOAD_FP: u32 = 0x07;
const OP_IMM: u32 = 0x13;
const OP_IMM_32: u32 = 0x1b;
const OP_STORE: u32 = 0x23;
const OP_STORE_FP: u32 = 0x27;
const OP_OP: u32 = 0x33;
const OP_LUI: u32 = 0x37;
const OP_OP_32: u32 = 0x3b;
const OP_BRANCH: u32 = 0x63;
const OP_JALR: u32 = 0x67;
const OP_JAL: u32 = 0x6f;
const INSN_EBREAK: u32 = 0x00100073;

// funct7 bit 30 selects sub/subw and srai among their siblings.
const F7_ALT: u32 = 0x40000000;
const X_RA: u32 = 1;
const X_SP: u32 = 2;

// ---- 32-bit instruction formats ----

@inline function enc_i(imm: u32, rs1: u32, f3: u32, rd: u32, op: u32): u32 {
  return (imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}

@inline function enc_s(imm: u32, rs2: u32, rs1: u32, f3: u32, op: u32): u32 {
  return ((imm & 0xfe0) << 20) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op;
}

@inline function enc_r(f7: u32, rs2: u32, rs1: u32, f3: u32, rd: u32, op: u32): u32 {
  return f7 | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}

/** B-type: imm[12|10:5] in bits 31:25, imm[4:1|11] in bits 11:7; imm is a signed byte offset. */
@inline function enc_b(imm: u32, rs1: u32, f3: u32): u32 {
  return ((imm & 0x1000) << 19) | ((imm & 0x7e0) << 20) | (rs1 << 15) | (f3 << 12)
    | ((imm & 0x1e) << 7) | ((imm & 0x800) >> 4) | OP_BRANCH;
}

/** J-type: imm[20|10:1|11|19:12] in bits 31:12; imm is a signed byte offset. */
@inline function enc_j(imm: u32, rd: u32): u32 {
  return ((imm & 0x100000) << 11) | ((imm & 0x7fe) << 20) | ((imm & 0x800) << 9)
    | (imm & 0xff000) | (rd << 7) | OP_JAL;
}

// ---- RVC fields ----

/** Sign-extends the low `bits` bits of v. */
@inline function sext(v: u32, bits: i32): u32 {
  return <u32>((<i32>(v << (32 - bits))) >> (32 - bits));
}

/** rd/rs1 of the CR and CI formats, bits 11:7. */
@inline function rvc_rd(c: u32): u32 { return (c >> 7) & 0x1f; }
/** rs2 of the CR and CSS formats, bits 6:2. */
@inline function rvc_rs2(c: u32): u32 { return (c >> 2) & 0x1f; }
/** rs1' / rd' of CL, CS, CA and CB formats, bits 9:7, naming x8..x15. */
@inline function rvc_rs1p(c: u32): u32 { return 8 + ((c >> 7) & 7); }
/** rd' / rs2' of CIW, CL, CS and CA formats, bits 4:2, naming x8..x15. */
@inline function rvc_rs2p(c: u32): u32 { return 8 + ((c >> 2) & 7); }

/** CI immediate: imm[5] at bit 12, imm[4:0] at bits 6:2, sign-extended (c.addi, c.li, c.andi, ...). */
@inline function rvc_imm6(c: u32): u32 {
  return sext(((c >> 7) & 0x20) | ((c >> 2) & 0x1f), 6);
}

/** CI/CB shift amount: shamt[5] at bit 12, shamt[4:0] at bits 6:2. */
@inline function rvc_shamt(c: u32): u32 {
  return ((c >> 7) & 0x20) | ((c >> 2) & 0x1f);
}

/** c.addi4spn: nzuimm[5:4|9:6|2|3] at bits 12:5. */
@inline function rvc_addi4spn_imm(c: u32): u32 {
  return ((c >> 7) & 0x30) | ((c >> 1) & 0x3c0) | ((c >> 4) & 0x4) | ((c >> 2) & 0x8);
}

/** c.lw/c.sw: uimm[5:3] at bits 12:10, uimm[2|6] at bits 6:5. */
@inline function rvc_lw_imm(c: u32): u32 {
  return ((c >> 7) & 0x38) | ((c >> 4) & 0x4) | ((c << 1) & 0x40);
}

/** c.ld/c.sd/c.fld/c.fsd: uimm[5:3] at bits 12:10, uimm[7:6] at bits 6:5. */
@inline function rvc_ld_imm(c: u32): u32 {
  return ((c >> 7) & 0x38) | ((c << 1) & 0xc0);
}

/** c.addi16sp: nzimm[9] at bit 12, nzimm[4|6|8:7|5] at bits 6:2, sign-extended. */
@inline function rvc_addi16sp_imm(c: u32): u32 {
  return sext(((c >> 3) & 0x200) | ((c >> 2) & 0x10) | ((c << 1) & 0x40)
    | ((c << 4) & 0x180) | ((c << 3) & 0x20), 10);
}

/** c.j: offset[11|4|9:8|10|6|7|3:1|5] at bits 12:2, sign-extended. */
@inline function rvc_j_imm(c: u32): u32 {
  return sext(((c >> 1) & 0x800) | ((c >> 7) & 0x10) | ((c >> 1) & 0x300) | ((c << 2) & 0x400)
    | ((c >> 1) & 0x40) | ((c << 1) & 0x80) | ((c >> 2) & 0xe) | ((c << 3) & 0x20), 12);
}

/** c.beqz/c.bnez: offset[8|4:3] at bits 12:10, offset[7:6|2:1|5] at bits 6:2, sign-extended. */
@inline function rvc_b_imm(c: u32): u32 {
  return sext(((c >> 4) & 0x100) | ((c >> 7) & 0x18) | ((c << 1) & 0xc0)
    | ((c >> 2) & 0x6) | ((c << 3) & 0x20), 9);
}

/** c.lwsp: uimm[5] at bit 12, uimm[4:2|7:6] at bits 6:2. */
@inline function rvc_lwsp_imm(c: u32): u32 {
  return ((c >> 7) & 0x20) | ((c >> 2) & 0x1c) | ((c << 4) & 0xc0);
}

/** c.ldsp/c.fldsp: uimm[5] at bit 12, uimm[4:3|8:6] at bits 6:2. */
@inline function rvc_ldsp_imm(c: u32): u32 {
  return ((c >> 7) & 0x20) | ((c >> 2) & 0x18) | ((c << 4) & 0x1c0);
}

/** c.swsp: uimm[5:2|7:6] at bits 12:7. */
@inline function rvc_swsp_imm(c: u32): u32 {
  return ((c >> 7) & 0x3c) | ((c >> 1) & 0xc0);
}

/** c.sdsp/c.fsdsp: uimm[5:3|8:6] at bits 12:7. */
@inline function rvc_sdsp_imm(c: u32): u32 {
  return ((c >> 7) & 0x38) | ((c >> 1) & 0x1c0);
}

/** rvc_expand: the 32-bit RV64G instruction that compressed halfword c expands to.
 *  Preconditions: c's low 2 bits are not 0b11 (the caller checked the instruction length);
 *  bits above 15 are ignored.
 *  Returns: the 32-bit encoding, or 0 when c is illegal or reserved in RV64C. */
export function rvc_expand(c: u32): u32 {
  c &= 0xffff;
  // Quadrant (bits 1:0) and funct3 (bits 15:13) pick one of 24 slots.
  switch (((c & 3) << 3) | (c >> 13)) {
    // ---- Quadrant 0 ----
    case 0x00: { // c.addi4spn -> addi rd', x2, nzuimm; nzuimm=0 (and so 0x0000) is reserved.
      const imm = rvc_addi4spn_imm(c);
      return imm != 0 ? enc_i(imm, X_SP, 0, rvc_rs2p(c), OP_IMM) : 0;
    }
    case 0x01: // c.fld -> fld rd', uimm(rs1')
      return enc_i(rvc_ld_imm(c), rvc_rs1p(c), 3, rvc_rs2p(c), OP_LOAD_FP);
    case 0x02: // c.lw -> lw rd', uimm(rs1')
      return enc_i(rvc_lw_imm(c), rvc_rs1p(c), 2, rvc_rs2p(c), OP_LOAD);
    case 0x03: // c.ld (RV64; c.flw in RV32) -> ld rd', uimm(rs1')
      return enc_i(rvc_ld_imm(c), rvc_rs1p(c), 3, rvc_rs2p(c), OP_LOAD);
    case 0x04: // Reserved in RV64GC (Zcb lives here; we do not implement it).
      return 0;
    case 0x05: // c.fsd -> fsd rs2', uimm(rs1')
      return enc_s(rvc_ld_imm(c), rvc_rs2p(c), rvc_rs1p(c), 3, OP_STORE_FP);
    case 0x06: // c.sw -> sw rs2', uimm(rs1')
      return enc_s(rvc_lw_imm(c), rvc_rs2p(c), rvc_rs1p(c), 2, OP_STORE);
    case 0x07: // c.sd (RV64; c.fsw in RV32) -> sd rs2', uimm(rs1')
      return enc_s(rvc_ld_imm(c), rvc_rs2p(c), rvc_rs1p(c), 3, OP_STORE);

    // ---- Quadrant 1 ----
    case 0x08: { // c.addi -> addi rd, rd, imm; c.nop and every rd=0 or imm=0 HINT included.
      const rd = rvc_rd(c);
      return enc_i(rvc_imm6(c), rd, 0, rd, OP_IMM);
    }
    case 0x09: { // c.addiw (RV64; c.jal in RV32) -> addiw rd, rd, imm; rd=0 is reserved.
      const rd = rvc_rd(c);
      return rd != 0 ? enc_i(rvc_imm6(c), rd, 0, rd, OP_IMM_32) : 0;
    }
    case 0x0a: // c.li -> addi rd, x0, imm; rd=0 is a HINT.
      return enc_i(rvc_imm6(c), 0, 0, rvc_rd(c), OP_IMM);
    case 0x0b: { // c.addi16sp (rd=2) / c.lui; a zero immediate is reserved for both.
      const rd = rvc_rd(c);
      if (rd == X_SP) {
        const imm = rvc_addi16sp_imm(c);
        return imm != 0 ? enc_i(imm, X_SP, 0, X_SP, OP_IMM) : 0;
      }
      // lui takes imm[31:12]; the sign-extended 6-bit field lands there directly. rd=0 is a HINT.
      const imm = rvc_imm6(c);
      return imm != 0 ? (imm << 12) | (rd << 7) | OP_LUI : 0;
    }
    case 0x0c: { // c.srli, c.srai, c.andi, and the CA-format register-register group.
      const rd = rvc_rs1p(c);
      switch ((c >> 10) & 3) {
        case 0: // c.srli -> srli rd', rd', shamt; shamt=0 is a HINT in RV64.
          return enc_i(rvc_shamt(c), rd, 5, rd, OP_IMM);
        case 1: // c.srai -> srai rd', rd', shamt; shamt=0 is a HINT in RV64.
          return F7_ALT | enc_i(rvc_shamt(c), rd, 5, rd, OP_IMM);
        case 2: // c.andi -> andi rd', rd', imm
          return enc_i(rvc_imm6(c), rd, 7, rd, OP_IMM);
        default: {
          const rs2 = rvc_rs2p(c);
          // Bit 12 picks the 64-bit (0) or word (1) group; bits 6:5 the operation.
          switch (((c >> 10) & 4) | ((c >> 5) & 3)) {
            case 0: return enc_r(F7_ALT, rs2, rd, 0, rd, OP_OP);    // c.sub
            case 1: return enc_r(0, rs2, rd, 4, rd, OP_OP);         // c.xor
            case 2: return enc_r(0, rs2, rd, 6, rd, OP_OP);         // c.or
            case 3: return enc_r(0, rs2, rd, 7, rd, OP_OP);         // c.and
            case 4: return enc_r(F7_ALT, rs2, rd, 0, rd, OP_OP_32); // c.subw
            case 5: return enc_r(0, rs2, rd, 0, rd, OP_OP_32);      // c.addw
            default: return 0; // funct2 10 and 11 with bit 12 set: reserved.
          }
        }
      }
    }
    case 0x0d: // c.j -> jal x0, offset
      return enc_j(rvc_j_imm(c), 0);
    case 0x0e: // c.beqz -> beq rs1', x0, offset
      return enc_b(rvc_b_imm(c), rvc_rs1p(c), 0);
    case 0x0f: // c.bnez -> bne rs1', x0, offset
      return enc_b(rvc_b_imm(c), rvc_rs1p(c), 1);

    // ---- Quadrant 2 ----
    case 0x10: { // c.slli -> slli rd, rd, shamt; rd=0 and shamt=0 are HINTs in RV64.
      const rd = rvc_rd(c);
      return enc_i(rvc_shamt(c), rd, 1, rd, OP_IMM);
    }
    case 0x11: // c.fldsp -> fld rd, uimm(x2); every rd, f0 included, is legal.
      return enc_i(rvc_ldsp_imm(c), X_SP, 3, rvc_rd(c), OP_LOAD_FP);
    case 0x12: { // c.lwsp -> lw rd, uimm(x2); rd=0 is reserved.
      const rd = rvc_rd(c);
      return rd != 0 ? enc_i(rvc_lwsp_imm(c), X_SP, 2, rd, OP_LOAD) : 0;
    }
    case 0x13: { // c.ldsp (RV64; c.flwsp in RV32) -> ld rd, uimm(x2); rd=0 is reserved.
      const rd = rvc_rd(c);
      return rd != 0 ? enc_i(rvc_ldsp_imm(c), X_SP, 3, rd, OP_LOAD) : 0;
    }
    case 0x14: { // c.jr, c.mv, c.ebreak, c.jalr, c.add (bit 12 and which of rs1/rs2 is zero).
      const rd = rvc_rd(c);
      const rs2 = rvc_rs2(c);
      if ((c & 0x1000) == 0) {
        // c.mv -> add rd, x0, rs2 (rd=0 is a HINT); c.jr -> jalr x0, 0(rs1), reserved for rs1=0.
        if (rs2 != 0) return enc_r(0, rs2, 0, 0, rd, OP_OP);
        return rd != 0 ? enc_i(0, rd, 0, 0, OP_JALR) : 0;
      }
      // c.add -> add rd, rd, rs2 (rd=0 is a HINT); c.jalr -> jalr x1, 0(rs1); c.ebreak.
      if (rs2 != 0) return enc_r(0, rs2, rd, 0, rd, OP_OP);
      return rd != 0 ? enc_i(0, rd, 0, X_RA, OP_JALR) : INSN_EBREAK;
    }
    case 0x15: // c.fsdsp -> fsd rs2, uimm(x2)
      return enc_s(rvc_sdsp_imm(c), rvc_rs2(c), X_SP, 3, OP_STORE_FP);
    case 0x16: // c.swsp -> sw rs2, uimm(x2)
      return enc_s(rvc_swsp_imm(c), rvc_rs2(c), X_SP, 2, OP_STORE);
    case 0x17: // c.sdsp (RV64; c.fswsp in RV32) -> sd rs2, uimm(x2)
      return enc_s(rvc_sdsp_imm(c), rvc_rs2(c), X_SP, 3, OP_STORE);
    default: // Quadrant 3 is a 32-bit instruction, not ours to expand.
      return 0;
  }
}
