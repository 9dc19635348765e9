#!/usr/bin/env node
// tests/rvc/gen_vectors.mjs — regenerates tests/rvc/vectors.txt, the oracle for rvc_expand().
//
// For every 16-bit value whose low two bits are not 0b11 (49152 halfwords) it decides the
// expected 32-bit RV64G expansion with GNU binutils as the oracle:
//   1. objdump -D -b binary -m riscv:rv64 -M no-aliases disassembles all halfwords at once;
//   2. each compressed mnemonic is rewritten as its 32-bit equivalent (c.addi a0,3 ->
//      addi a0,a0,3, ...), following the expansions in the unprivileged manual's "C" chapter;
//   3. riscv64-linux-gnu-as -march=rv64g (no C, .option norvc) assembles them, ld resolves the
//      pc-relative branch and jump offsets, and objcopy extracts the words.
// Halfwords objdump cannot decode (.2byte, c.unimp) expect 0. Where binutils disagrees with the
// spec for RV64, the spec wins; each case is listed in SPEC_EXCEPTIONS below. As a second check
// the set of illegal halfwords must equal the spec's reserved classes in SPEC_RESERVED.
//
// Output: one line per halfword, "hhhh wwwwwwww mnemonic" (hex, lower case, ascending order;
// mnemonic is objdump's, or "-" when it had none). Needs binutils 2.40-era riscv64-linux-gnu
// tools; the test itself reads only the committed file.
//
// Usage: node tests/rvc/gen_vectors.mjs   (writes tests/rvc/vectors.txt beside this script)

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), "rvc-vectors-"));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: work, maxBuffer: 1 << 28 }).toString();

// Reserved or illegal RV64C encodings per the "C" chapter, as (mask, match) pairs.
const SPEC_RESERVED = [
  { mask: 0xffff, match: 0x0000, why: "all-zero halfword is defined illegal" },
  { mask: 0xffe3, match: 0x0000, why: "c.addi4spn with nzuimm=0" },
  { mask: 0xe003, match: 0x8000, why: "quadrant 0 funct3=100 (reserved; Zcb not implemented)" },
  { mask: 0xef83, match: 0x2001, why: "c.addiw with rd=0" },
  { mask: 0xf07f, match: 0x6001, why: "c.lui / c.addi16sp with a zero immediate" },
  { mask: 0xfc43, match: 0x9c41, why: "C1 funct6=100111 with funct2 10 or 11" },
  { mask: 0xef83, match: 0x4002, why: "c.lwsp with rd=0" },
  { mask: 0xef83, match: 0x6002, why: "c.ldsp with rd=0" },
  { mask: 0xffff, match: 0x8002, why: "c.jr with rs1=0" },
];
const specReserved = (h) => SPEC_RESERVED.some((r) => (h & r.mask) === r.match);

// Halfwords where binutils 2.40 and the spec disagree. Each entry says why the spec decides.
const SPEC_EXCEPTIONS = [
  {
    // objdump prints "c.addi16sp sp,0" for 0x6101, but the spec says for C.ADDI16SP "the code
    // point with nzimm=0 is reserved". rvc_expand must trap, so expect 0.
    test: (h) => h === 0x6101,
    expect: () => null,
  },
];
// Everything else was checked against the spec and agrees with binutils 2.40:
//  - HINTs that objdump decodes and we expand with the same effect: c.nop with imm != 0 and
//    c.addi with rd=0 or imm=0, c.li rd=0, c.lui rd=0, c.mv/c.add rd=0, c.slli rd=0, and the
//    shift-by-zero forms objdump calls c.slli64/c.srli64/c.srai64 (HINTs in RV64C, so they
//    expand to a shift by 0, which leaves rd unchanged).
//  - c.fldsp with rd=f0 and c.fld/c.fsd are legal (D is present in RV64GC).
//  - Quadrant 0 funct3 011/111 and quadrant 2 funct3 011/111 are c.ld/c.sd/c.ldsp/c.sdsp in
//    RV64 (c.flw and friends are RV32-only); quadrant 1 funct3 001 is c.addiw, not c.jal.

const regs = (s) => s.split(",").map((x) => x.trim());

/** Maps one objdump line (compressed mnemonic + operands at address addr) to 32-bit assembly. */
function expand(mn, ops, addr) {
  const o = ops === "" ? [] : regs(ops);
  // pc-relative targets are absolute addresses in objdump's output; rebase them on the label
  // that marks this instruction's own position in the 32-bit listing.
  const rel = (target) => {
    const off = parseInt(target, 16) - addr;
    return `. ${off < 0 ? "-" : "+"} ${Math.abs(off)}`;
  };
  switch (mn) {
    case "c.addi4spn": return `addi ${o[0]},${o[1]},${o[2]}`;
    case "c.fld": return `fld ${o[0]},${o[1]}`;
    case "c.lw": return `lw ${o[0]},${o[1]}`;
    case "c.ld": return `ld ${o[0]},${o[1]}`;
    case "c.fsd": return `fsd ${o[0]},${o[1]}`;
    case "c.sw": return `sw ${o[0]},${o[1]}`;
    case "c.sd": return `sd ${o[0]},${o[1]}`;
    case "c.addi": return `addi ${o[0]},${o[0]},${o[1]}`;
    case "c.addiw": return `addiw ${o[0]},${o[0]},${o[1]}`;
    case "c.li": return `addi ${o[0]},zero,${o[1]}`;
    case "c.addi16sp": return `addi sp,sp,${o[1]}`;
    case "c.lui": return `lui ${o[0]},${o[1]}`;
    case "c.srli": return `srli ${o[0]},${o[0]},${o[1]}`;
    case "c.srai": return `srai ${o[0]},${o[0]},${o[1]}`;
    case "c.srli64": return `srli ${o[0]},${o[0]},0`;
    case "c.srai64": return `srai ${o[0]},${o[0]},0`;
    case "c.andi": return `andi ${o[0]},${o[0]},${o[1]}`;
    case "c.sub": return `sub ${o[0]},${o[0]},${o[1]}`;
    case "c.xor": return `xor ${o[0]},${o[0]},${o[1]}`;
    case "c.or": return `or ${o[0]},${o[0]},${o[1]}`;
    case "c.and": return `and ${o[0]},${o[0]},${o[1]}`;
    case "c.subw": return `subw ${o[0]},${o[0]},${o[1]}`;
    case "c.addw": return `addw ${o[0]},${o[0]},${o[1]}`;
    case "c.j": return `jal zero,${rel(o[0])}`;
    case "c.beqz": return `beq ${o[0]},zero,${rel(o[1])}`;
    case "c.bnez": return `bne ${o[0]},zero,${rel(o[1])}`;
    case "c.slli": return `slli ${o[0]},${o[0]},${o[1]}`;
    case "c.slli64": return `slli ${o[0]},${o[0]},0`;
    case "c.fldsp": return `fld ${o[0]},${o[1]}`;
    case "c.lwsp": return `lw ${o[0]},${o[1]}`;
    case "c.ldsp": return `ld ${o[0]},${o[1]}`;
    case "c.jr": return `jalr zero,0(${o[0]})`;
    case "c.mv": return `add ${o[0]},zero,${o[1]}`; // the spec expands c.mv to add, not addi
    case "c.ebreak": return `ebreak`;
    case "c.jalr": return `jalr ra,0(${o[0]})`;
    case "c.add": return `add ${o[0]},${o[0]},${o[1]}`;
    case "c.fsdsp": return `fsd ${o[0]},${o[1]}`;
    case "c.swsp": return `sw ${o[0]},${o[1]}`;
    case "c.sdsp": return `sd ${o[0]},${o[1]}`;
    case "c.unimp": case ".2byte": case ".insn": return null;
    default: throw new Error(`unmapped objdump mnemonic ${mn} ${ops}`);
  }
}

try {
  // 1. All compressed halfwords, back to back: each decodes as exactly 2 bytes.
  const halves = [];
  for (let h = 0; h < 0x10000; h++) if ((h & 3) !== 3) halves.push(h);
  const bin = Buffer.alloc(halves.length * 2);
  halves.forEach((h, i) => bin.writeUInt16LE(h, i * 2));
  writeFileSync(join(work, "all.bin"), bin);
  const dis = run("riscv64-linux-gnu-objdump",
    ["-D", "-b", "binary", "-m", "riscv:rv64", "-M", "no-aliases", "all.bin"]);

  const rows = new Map(); // halfword -> { mn, asm }
  for (const line of dis.split("\n")) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f]{4})\s+\t(\S+)(?:\t(.*))?$/.exec(line);
    if (!m) continue;
    const addr = parseInt(m[1], 16);
    const h = parseInt(m[2], 16);
    if (halves[addr / 2] !== h) throw new Error(`objdump out of step at ${m[1]}: ${line}`);
    const exc = SPEC_EXCEPTIONS.find((e) => e.test(h));
    const asm = exc ? exc.expect() : expand(m[3], (m[4] ?? "").trim(), addr);
    rows.set(h, { mn: m[3], asm, addr });
  }
  if (rows.size !== halves.length) throw new Error(`objdump decoded ${rows.size} of ${halves.length}`);

  // The spec's reserved set and the (corrected) binutils illegal set must be the same.
  for (const h of halves) {
    const illegal = rows.get(h).asm === null;
    if (illegal !== specReserved(h)) {
      throw new Error(`0x${h.toString(16)}: binutils says ${rows.get(h).mn}, spec says ` +
        (specReserved(h) ? "reserved" : "legal") + "; add a SPEC_EXCEPTIONS entry");
    }
  }

  // 2. One 32-bit instruction per legal halfword. Offsets stay relative to ".", which is now the
  //    32-bit instruction's own address, so ld resolves them to the same byte offsets.
  const legal = halves.filter((h) => rows.get(h).asm !== null);
  const src = [".option norvc", ".text"];
  for (const h of legal) src.push(rows.get(h).asm);
  writeFileSync(join(work, "x.s"), src.join("\n") + "\n");
  run("riscv64-linux-gnu-as", ["-march=rv64g", "-mno-relax", "-mno-arch-attr", "-o", "x.o", "x.s"]);
  // Branch targets may lie below the first instruction; link high enough that none wraps.
  run("riscv64-linux-gnu-ld", ["--no-relax", "-Ttext=0x100000", "-e", "0x100000", "-o", "x.elf", "x.o"]);
  run("riscv64-linux-gnu-objcopy", ["-O", "binary", "-j", ".text", "x.elf", "x.text"]);
  const text = readFileSync(join(work, "x.text"));
  if (text.length !== legal.length * 4) throw new Error(`expected ${legal.length} words, got ${text.length / 4}`);
  const words = new Map(legal.map((h, i) => [h, text.readUInt32LE(i * 4)]));

  // 3. The vector file.
  const hex = (v, n) => v.toString(16).padStart(n, "0");
  const out = halves.map((h) => {
    const r = rows.get(h);
    const mn = r.mn.startsWith(".") ? "-" : r.mn;
    return `${hex(h, 4)} ${hex(words.get(h) ?? 0, 8)} ${mn}`;
  });
  writeFileSync(join(here, "vectors.txt"), out.join("\n") + "\n");
  console.log(`wrote ${out.length} vectors: ${legal.length} legal, ${out.length - legal.length} illegal`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
