// arch/um/tests/decode_kunit.ts — KUnit suite for the decoder (arch/um/decode.ts): a handful of
// encodings, one per format, decoded into a slot whose every field is then checked.
// Slot layout (decode.ts): 0 op u8 | 1 adv u8 | 2 rd u16 | 4 rs1 u16 | 6 rs2 u16 | 8 imm i32.
// Register fields are byte offsets in the hart (x: 8*r; a destination x0 is HART_SINK).
// Encodings were assembled by hand from the RISC-V unprivileged ISA's instruction formats.

import {
  KUnit, KUnitSuite, KUNIT_CASE, KUNIT_CASE_PARAM, kunit_param, kunit_test_suite, kunit_kzalloc,
  KUNIT_EXPECT_EQ, KUNIT_ASSERT_EQ,
} from "../../../kunit/test";
import {
  decode32, decode_insn, SLOT_SIZE, OP_ADDI, OP_ADD, OP_SUB, OP_LUI, OP_LD, OP_SD, OP_BEQ, OP_BLTU,
  OP_JAL, OP_ILLEGAL, OP_BEQ_L,
} from "../decode";
import { HART_SINK } from "../regs";

function slot_op(s: usize): u16 {
  return <u16>load<u8>(s, 0);
}
function slot_adv(s: usize): u8 {
  return load<u8>(s, 1);
}
function slot_rd(s: usize): u16 {
  return load<u16>(s, 2);
}
function slot_rs1(s: usize): u16 {
  return load<u16>(s, 4);
}
function slot_rs2(s: usize): u16 {
  return load<u16>(s, 6);
}
function slot_imm(s: usize): i32 {
  return load<i32>(s, 8);
}
/** The byte offset a register field holds for xr. */
function x(r: u16): u16 {
  return r << 3;
}

// addi x1, x2, -5: I-type, a negative immediate sign-extends.
function decode_addi_negative_imm(test: KUnit): void {
  const s = kunit_kzalloc(test, SLOT_SIZE);
  KUNIT_ASSERT_EQ(test, decode32(s, 0xffb10093), OP_ADDI);
  KUNIT_EXPECT_EQ(test, slot_op(s), OP_ADDI);
  KUNIT_EXPECT_EQ(test, slot_rd(s), x(1));
  KUNIT_EXPECT_EQ(test, slot_rs1(s), x(2));
  KUNIT_EXPECT_EQ(test, slot_imm(s), -5);
}

// addi x0, x0, 0 (nop): a destination x0 decodes as the sink register.
function decode_nop_writes_sink(test: KUnit): void {
  const s = kunit_kzalloc(test, SLOT_SIZE);
  KUNIT_ASSERT_EQ(test, decode32(s, 0x00000013), OP_ADDI);
  KUNIT_EXPECT_EQ(test, slot_rd(s), <u16>(HART_SINK << 3));
  KUNIT_EXPECT_EQ(test, slot_rs1(s), x(0));
  KUNIT_EXPECT_EQ(test, slot_imm(s), 0);
}

// lui x10, 0x12345: U-type, the immediate keeps its low 12 bits clear.
function decode_lui(test: KUnit): void {
  const s = kunit_kzalloc(test, SLOT_SIZE);
  KUNIT_ASSERT_EQ(test, decode32(s, 0x12345537), OP_LUI);
  KUNIT_EXPECT_EQ(test, slot_rd(s), x(10));
  KUNIT_EXPECT_EQ(test, slot_imm(s), 0x12345000);
}

// ld x6, 16(x8) and sd x7, 24(x9): I-type load, S-type store with the split immediate.
function decode_load_store(test: KUnit): void {
  const s = kunit_kzalloc(test, SLOT_SIZE);
  KUNIT_ASSERT_EQ(test, decode32(s, 0x01043303), OP_LD);
  KUNIT_EXPECT_EQ(test, slot_rd(s), x(6));
  KUNIT_EXPECT_EQ(test, slot_rs1(s), x(8));
  KUNIT_EXPECT_EQ(test, slot_imm(s), 16);
  KUNIT_ASSERT_EQ(test, decode32(s, 0x0074bc23), OP_SD);
  KUNIT_EXPECT_EQ(test, slot_rs1(s), x(9));
  KUNIT_EXPECT_EQ(test, slot_rs2(s), x(7));
  KUNIT_EXPECT_EQ(test, slot_imm(s), 24);
}

// beq x1, x2, -8 and jal x1, +2048: B- and J-type immediates are scrambled in the encoding.
function decode_branch_jump(test: KUnit): void {
  const s = kunit_kzalloc(test, SLOT_SIZE);
  KUNIT_ASSERT_EQ(test, decode32(s, 0xfe208ce3), OP_BEQ);
  KUNIT_EXPECT_EQ(test, slot_rs1(s), x(1));
  KUNIT_EXPECT_EQ(test, slot_rs2(s), x(2));
  KUNIT_EXPECT_EQ(test, slot_imm(s), -8);
  KUNIT_ASSERT_EQ(test, decode32(s, 0x001000ef), OP_JAL);
  KUNIT_EXPECT_EQ(test, slot_rd(s), x(1));
  KUNIT_EXPECT_EQ(test, slot_imm(s), 2048);
}

// bltu x5, x6, +16 at page offset 64: the target stays in the page, so decode_insn gives the
// same-page form with the distance in slots (imm * 8) and a 4-byte advance.
function decode_insn_localises_branch(test: KUnit): void {
  const s = kunit_kzalloc(test, SLOT_SIZE);
  const insn: u32 = 0x0062e863;
  KUNIT_ASSERT_EQ(test, decode32(s, insn), OP_BLTU);
  const op = decode_insn(s, insn & 0xffff, insn >> 16, 64);
  KUNIT_EXPECT_EQ(test, op, <u16>(OP_BEQ_L + (OP_BLTU - OP_BEQ)));
  KUNIT_EXPECT_EQ(test, slot_op(s), op);
  KUNIT_EXPECT_EQ(test, slot_adv(s), <u8>(4 << 3));
  KUNIT_EXPECT_EQ(test, slot_imm(s), 16 << 3);
}

// c.addi x1, 1 (0x0085) expands to addi x1, x1, 1 and advances 2 bytes; 0x0000 is reserved.
function decode_insn_compressed(test: KUnit): void {
  const s = kunit_kzalloc(test, SLOT_SIZE);
  KUNIT_ASSERT_EQ(test, decode_insn(s, 0x0085, 0, -1), OP_ADDI);
  KUNIT_EXPECT_EQ(test, slot_adv(s), <u8>(2 << 3));
  KUNIT_EXPECT_EQ(test, slot_rd(s), x(1));
  KUNIT_EXPECT_EQ(test, slot_rs1(s), x(1));
  KUNIT_EXPECT_EQ(test, slot_imm(s), 1);
  KUNIT_EXPECT_EQ(test, decode_insn(s, 0x0000, 0, -1), OP_ILLEGAL);
}

// R-type: add and sub differ only in funct7; rd, rs1 and rs2 land in their fields.
// Parameter value: encoding << 16 | expected op.
const RTYPE_PARAMS = [
  kunit_param((<u64>0x005201b3 << 16) | OP_ADD, "add x3, x4, x5"),
  kunit_param((<u64>0x405201b3 << 16) | OP_SUB, "sub x3, x4, x5"),
];
function decode_rtype(test: KUnit): void {
  const s = kunit_kzalloc(test, SLOT_SIZE);
  const insn = <u32>(test.param_value >> 16);
  const op = <u16>(test.param_value & 0xffff);
  KUNIT_ASSERT_EQ(test, decode32(s, insn), op);
  KUNIT_EXPECT_EQ(test, slot_rd(s), x(3));
  KUNIT_EXPECT_EQ(test, slot_rs1(s), x(4));
  KUNIT_EXPECT_EQ(test, slot_rs2(s), x(5));
}

// Reserved encodings decode to OP_ILLEGAL.
const ILLEGAL_PARAMS = [
  kunit_param(0x00000000, "all zero"),
  kunit_param(0xffffffff, "all ones"),
  kunit_param(0x0000a067, "jalr with funct3 2"),
  kunit_param(0x00003023 | (4 << 12), "store funct3 7"),
];
function decode_reserved_is_illegal(test: KUnit): void {
  const s = kunit_kzalloc(test, SLOT_SIZE);
  KUNIT_EXPECT_EQ(test, decode32(s, <u32>test.param_value), OP_ILLEGAL);
}

kunit_test_suite(new KUnitSuite("decode", [
  KUNIT_CASE(decode_addi_negative_imm),
  KUNIT_CASE(decode_nop_writes_sink),
  KUNIT_CASE(decode_lui),
  KUNIT_CASE(decode_load_store),
  KUNIT_CASE(decode_branch_jump),
  KUNIT_CASE(decode_insn_localises_branch),
  KUNIT_CASE(decode_insn_compressed),
  KUNIT_CASE_PARAM(decode_rtype, RTYPE_PARAMS),
  KUNIT_CASE_PARAM(decode_reserved_is_illegal, ILLEGAL_PARAMS),
]));
