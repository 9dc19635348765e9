// tests/differential/rvgen/encode.test.ts — the encoder checked against GNU as.
// Each Insn carries its GNU as spelling; assembling those spellings must give the same bytes.
// Two sources of samples: a hand list touching every exported encoder at its operand edges, and
// whole generated cases (the instructions the differential test really runs).

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as E from "./encode";
import type { Insn } from "./encode";
import { generateCases } from "./generate";
import { findOnPath } from "../qemu";

const AS = findOnPath("riscv64-linux-gnu-as");
const OBJCOPY = findOnPath("riscv64-linux-gnu-objcopy");
if (!AS || !OBJCOPY) console.warn("riscv64-linux-gnu-as not installed: apt-get install binutils-riscv64-linux-gnu");

/** Every exported encoder, at edge operands. Register numbers vary so each field is exercised. */
function handSamples(): Insn[] {
  const out: Insn[] = [];
  for (const op of [E.add, E.sub, E.sll, E.slt, E.sltu, E.xor, E.srl, E.sra, E.or, E.and, E.addw, E.subw,
    E.sllw, E.srlw, E.sraw, E.mul, E.mulh, E.mulhsu, E.mulhu, E.div, E.divu, E.rem, E.remu, E.mulw, E.divw,
    E.divuw, E.remw, E.remuw]) out.push(op(31, 1, 30), op(0, 17, 5));
  for (const op of [E.addi, E.slti, E.sltiu, E.xori, E.ori, E.andi, E.addiw, E.jalr]) {
    out.push(op(5, 6, -2048), op(31, 0, 2047), op(1, 31, -1), op(2, 3, 0));
  }
  for (const op of [E.slli, E.srli, E.srai]) out.push(op(7, 8, 0), op(9, 10, 63), op(11, 12, 32));
  for (const op of [E.slliw, E.srliw, E.sraiw]) out.push(op(7, 8, 0), op(9, 10, 31));
  for (const op of [E.lui, E.auipc]) out.push(op(1, 0), op(31, 0xfffff), op(5, 0x80000));
  for (const op of [E.beq, E.bne, E.blt, E.bge, E.bltu, E.bgeu]) out.push(op(1, 2, 4094), op(30, 31, -4096), op(0, 5, 8));
  out.push(E.jal(0, 8), E.jal(1, 0xffffe), E.jal(31, -0x100000), E.jal(5, -2));
  for (const op of [E.lb, E.lh, E.lw, E.ld, E.lbu, E.lhu, E.lwu, E.flw, E.fld]) out.push(op(1, 2, -2048), op(31, 30, 2047));
  for (const op of [E.sb, E.sh, E.sw, E.sd, E.fsw, E.fsd]) out.push(op(1, 2, -2048), op(31, 30, 2047), op(7, 8, 33));
  out.push(E.fence(15, 15), E.fence(1, 2), E.fence(3, 1), E.fence(8, 4), E.fence_tso(), E.fence_i(), E.ecall(), E.ebreak());
  for (const op of [E.csrrw, E.csrrs, E.csrrc, E.csrrwi, E.csrrsi, E.csrrci]) {
    out.push(op(1, E.CSR_FFLAGS, 31), op(31, E.CSR_FRM, 0), op(0, E.CSR_FCSR, 17));
  }
  out.push(...atomicSamples(), ...fpSamples(), ...compressedSamples());
  return out;
}

function atomicSamples(): Insn[] {
  const out: Insn[] = [];
  const ordering = [[false, false], [true, false], [false, true], [true, true]] as const;
  for (const [aq, rl] of ordering) {
    out.push(E.lr_w(1, 2, aq, rl), E.lr_d(31, 30, aq, rl));
    for (const op of [E.sc_w, E.sc_d, E.amoswap_w, E.amoadd_w, E.amoxor_w, E.amoand_w, E.amoor_w, E.amomin_w,
      E.amomax_w, E.amominu_w, E.amomaxu_w, E.amoswap_d, E.amoadd_d, E.amoxor_d, E.amoand_d, E.amoor_d,
      E.amomin_d, E.amomax_d, E.amominu_d, E.amomaxu_d]) out.push(op(5, 6, 7, aq, rl), op(0, 31, 1, aq, rl));
  }
  return out;
}

function fpSamples(): Insn[] {
  const out: Insn[] = [];
  const rms: E.RoundingMode[] = [0, 1, 2, 3, 4, 7];
  for (const rm of rms) {
    for (const op of [E.fadd_s, E.fsub_s, E.fmul_s, E.fdiv_s, E.fadd_d, E.fsub_d, E.fmul_d, E.fdiv_d]) out.push(op(1, 2, 31, rm));
    for (const op of [E.fmadd_s, E.fmsub_s, E.fnmsub_s, E.fnmadd_s, E.fmadd_d, E.fmsub_d, E.fnmsub_d, E.fnmadd_d]) {
      out.push(op(31, 1, 2, 30, rm));
    }
    for (const op of [E.fsqrt_s, E.fsqrt_d, E.fcvt_s_d, E.fcvt_w_s, E.fcvt_wu_s, E.fcvt_l_s, E.fcvt_lu_s,
      E.fcvt_w_d, E.fcvt_wu_d, E.fcvt_l_d, E.fcvt_lu_d, E.fcvt_s_w, E.fcvt_s_wu, E.fcvt_s_l, E.fcvt_s_lu,
      E.fcvt_d_l, E.fcvt_d_lu]) out.push(op(3, 29, rm));
  }
  // GNU as 2.40 spells only rm=0 for the exact conversions (see encode.ts).
  out.push(E.fcvt_d_s(3, 29, 0), E.fcvt_d_w(3, 29, 0), E.fcvt_d_wu(31, 1, 0));
  for (const op of [E.fsgnj_s, E.fsgnjn_s, E.fsgnjx_s, E.fmin_s, E.fmax_s, E.fle_s, E.flt_s, E.feq_s,
    E.fsgnj_d, E.fsgnjn_d, E.fsgnjx_d, E.fmin_d, E.fmax_d, E.fle_d, E.flt_d, E.feq_d]) out.push(op(4, 5, 6), op(31, 0, 31));
  for (const op of [E.fclass_s, E.fclass_d, E.fmv_x_w, E.fmv_x_d, E.fmv_w_x, E.fmv_d_x]) out.push(op(1, 31), op(31, 0));
  return out;
}

function compressedSamples(): Insn[] {
  const out: Insn[] = [E.c_nop(), E.c_ebreak(), E.c_addi4spn(8, 4), E.c_addi4spn(15, 1020), E.c_addi4spn(9, 0x2a8)];
  for (const op of [E.c_fld, E.c_ld, E.c_fsd, E.c_sd]) out.push(op(8, 15, 0), op(15, 8, 248), op(9, 10, 0x48), op(10, 9, 0xb0));
  for (const op of [E.c_lw, E.c_sw]) out.push(op(8, 15, 0), op(15, 8, 124), op(9, 10, 0x44), op(11, 12, 0x38));
  for (const op of [E.c_addi, E.c_addiw, E.c_li]) out.push(op(1, -32), op(31, 31), op(5, 1), op(6, -1));
  out.push(E.c_addiw(7, 0), E.c_li(8, 0));
  out.push(E.c_addi16sp(-512), E.c_addi16sp(496), E.c_addi16sp(16), E.c_addi16sp(0x150), E.c_addi16sp(-0xb0));
  out.push(E.c_lui(1, 1), E.c_lui(31, 31), E.c_lui(3, -32), E.c_lui(4, -1));
  for (const op of [E.c_srli, E.c_srai]) out.push(op(8, 1), op(15, 63), op(9, 32), op(10, 31));
  out.push(E.c_andi(8, -32), E.c_andi(15, 31), E.c_andi(9, 0));
  for (const op of [E.c_sub, E.c_xor, E.c_or, E.c_and, E.c_subw, E.c_addw]) out.push(op(8, 15), op(15, 8));
  out.push(E.c_j(2046), E.c_j(-2048), E.c_j(0x2aa), E.c_j(-0x156));
  for (const op of [E.c_beqz, E.c_bnez]) out.push(op(8, 254), op(15, -256), op(9, 0xaa), op(10, -0x56));
  out.push(E.c_slli(1, 1), E.c_slli(31, 63), E.c_slli(5, 32));
  for (const op of [E.c_fldsp, E.c_ldsp]) out.push(op(1, 0), op(31, 504), op(5, 0x148), op(6, 0xb8));
  out.push(E.c_fldsp(0, 8), E.c_lwsp(1, 0), E.c_lwsp(31, 252), E.c_lwsp(5, 0xa4), E.c_lwsp(6, 0x5c));
  out.push(E.c_jr(1), E.c_jr(31), E.c_jalr(1), E.c_jalr(31), E.c_mv(1, 31), E.c_mv(31, 2), E.c_add(1, 31), E.c_add(31, 1));
  for (const op of [E.c_fsdsp, E.c_sdsp]) out.push(op(0, 0), op(31, 504), op(5, 0x148), op(6, 0xb8));
  out.push(E.c_swsp(0, 0), E.c_swsp(31, 252), E.c_swsp(5, 0xa4), E.c_swsp(6, 0x5c));
  return out;
}

/** Assemble the spellings of insns with GNU as and return the .text bytes. */
function assemble(insns: readonly Insn[], dir: string): Uint8Array {
  // norelax: resolve `.+N` branch targets now instead of leaving relocations; norvc around the
  // 32-bit forms so as never compresses them behind our back.
  const lines = [".option norelax"];
  let rvc: boolean | null = null;
  for (const insn of insns) {
    if (rvc !== (insn.size === 2)) {
      rvc = insn.size === 2;
      lines.push(rvc ? ".option rvc" : ".option norvc");
    }
    lines.push(insn.asm);
  }
  writeFileSync(join(dir, "t.s"), lines.join("\n") + "\n");
  execFileSync(AS!, ["-march=rv64gc", "-o", join(dir, "t.o"), join(dir, "t.s")]);
  execFileSync(OBJCOPY!, ["-O", "binary", "-j", ".text", join(dir, "t.o"), join(dir, "t.bin")]);
  return new Uint8Array(readFileSync(join(dir, "t.bin")));
}

/** The first instruction whose bytes differ from as's, described; null when all agree. */
function firstMismatch(insns: readonly Insn[], bytes: Uint8Array): string | null {
  let at = 0;
  for (const insn of insns) {
    let theirs = 0;
    for (let i = insn.size - 1; i >= 0; i--) theirs = theirs * 256 + (bytes[at + i] ?? 0);
    if (theirs !== insn.bits) {
      const hex = (v: number): string => v.toString(16).padStart(insn.size * 2, "0");
      return `${insn.asm}: encoder 0x${hex(insn.bits)}, as 0x${hex(theirs)} (byte offset ${at})`;
    }
    at += insn.size;
  }
  return at === bytes.length ? null : `as emitted ${bytes.length} bytes, encoder ${at}`;
}

const spellableByAs = (insn: Insn): boolean => !E.binutils240CannotSpell(insn);

/** encoder export name → mnemonic, e.g. fcvt_w_s → fcvt.w.s, c_addi → c.addi. */
const mnemonicOf = (exportName: string): string => exportName.replace(/_/g, ".");

const maybe = AS && OBJCOPY ? describe : describe.skip;
maybe("rvgen encoder matches GNU as", () => {
  it("encodes every hand sample as GNU as does", () => {
    const dir = mkdtempSync(join(tmpdir(), "rvgen-as-"));
    try {
      const samples = handSamples();
      expect(firstMismatch(samples, assemble(samples, dir))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has a hand sample for every exported encoder", () => {
    const spelled = new Set(handSamples().map((i) => i.asm.split(" ")[0].replace(/\.(aq|rl|aqrl)$/, "")));
    const encoders = Object.entries(E).filter(([k, v]) => typeof v === "function" && k !== "binutils240CannotSpell").map(([k]) => mnemonicOf(k));
    expect(encoders.filter((m) => !spelled.has(m))).toEqual([]);
  });

  it("encodes generated cases as GNU as does", () => {
    const dir = mkdtempSync(join(tmpdir(), "rvgen-as-"));
    try {
      for (const seed of [0x5eed0001, 0x5eed0002, 0x5eed0003]) {
        const insns = generateCases(seed, 50, 40).flatMap((c) => c.items.flatMap((item) => item.insns)).filter(spellableByAs);
        expect(firstMismatch(insns, assemble(insns, dir)), `seed=0x${seed.toString(16)}`).toBeNull();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
