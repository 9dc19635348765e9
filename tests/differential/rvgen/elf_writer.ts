// tests/differential/rvgen/elf_writer.ts — a minimal static riscv64 ET_EXEC writer.
// Owns: the file layout of generated test programs. Two PT_LOADs (text R+X, data R+W), each
// at a file offset congruent to its vaddr so both loaders can mmap them directly, plus a small
// section header table (.text, .data, .shstrtab) that only objdump uses; loaders ignore it.
// Layout (file offset == vaddr - ELF_BASE_VADDR for both segments):
//   0      ELF header (64) | program headers (2 x 56)
//   0x1000 .text                     ELF_TEXT_VADDR
//   page   .data                     dataVaddr (page aligned, after text)
//   ...    .shstrtab | section headers
// e_flags = EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE (0x5), what gcc emits for rv64gc/lp64d.

export const ELF_BASE_VADDR = 0x10000;
export const ELF_TEXT_VADDR = ELF_BASE_VADDR + 0x1000;
const PAGE_SIZE = 0x1000;
const EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64;
const ET_EXEC = 2, EM_RISCV = 243, PT_LOAD = 1;
const PF_X = 1, PF_W = 2, PF_R = 4;
const SHT_PROGBITS = 1, SHT_STRTAB = 3;
const SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4;
const EF_RISCV_RVC_DOUBLE = 0x5;

export interface ElfImage {
  entry: number;
  text: Uint8Array; // loaded at ELF_TEXT_VADDR
  data: Uint8Array; // loaded at dataVaddrFor(text.length)
}

const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;

/** Where the data segment of an image with this much text will be loaded. */
export function dataVaddrFor(textSizeBytes: number): number {
  return alignUp(ELF_TEXT_VADDR + textSizeBytes, PAGE_SIZE);
}

interface SectionHeader {
  name: number; type: number; flags: number; addr: number; offset: number; size: number; align: number;
}

/** writeElf: serialise text and data into a loadable ELF64 executable. */
export function writeElf(image: ElfImage): Uint8Array {
  const textOff = ELF_TEXT_VADDR - ELF_BASE_VADDR;
  const dataVaddr = dataVaddrFor(image.text.length);
  const dataOff = dataVaddr - ELF_BASE_VADDR;
  const shstrtab = new TextEncoder().encode("\0.text\0.data\0.shstrtab\0");
  const strOff = dataOff + image.data.length;
  const shOff = alignUp(strOff + shstrtab.length, 8);
  const out = new Uint8Array(shOff + 4 * SHDR_SIZE);
  const v = new DataView(out.buffer);
  writeEhdr(v, image.entry, shOff);
  writePhdr(v, EHDR_SIZE, PF_R | PF_X, textOff, ELF_TEXT_VADDR, image.text.length);
  writePhdr(v, EHDR_SIZE + PHDR_SIZE, PF_R | PF_W, dataOff, dataVaddr, image.data.length);
  out.set(image.text, textOff);
  out.set(image.data, dataOff);
  out.set(shstrtab, strOff);
  const sections: SectionHeader[] = [
    { name: 0, type: 0, flags: 0, addr: 0, offset: 0, size: 0, align: 0 },
    { name: 1, type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, addr: ELF_TEXT_VADDR,
      offset: textOff, size: image.text.length, align: 2 },
    { name: 7, type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE, addr: dataVaddr,
      offset: dataOff, size: image.data.length, align: 16 },
    { name: 13, type: SHT_STRTAB, flags: 0, addr: 0, offset: strOff, size: shstrtab.length, align: 1 },
  ];
  sections.forEach((s, i) => writeShdr(v, shOff + i * SHDR_SIZE, s));
  return out;
}

function writeEhdr(v: DataView, entry: number, shOff: number): void {
  const ident = [0x7f, 0x45, 0x4c, 0x46, 2 /* ELFCLASS64 */, 1 /* LSB */, 1 /* EV_CURRENT */, 0 /* SYSV */];
  ident.forEach((b, i) => v.setUint8(i, b));
  v.setUint16(16, ET_EXEC, true);
  v.setUint16(18, EM_RISCV, true);
  v.setUint32(20, 1, true); // e_version
  v.setBigUint64(24, BigInt(entry), true);
  v.setBigUint64(32, BigInt(EHDR_SIZE), true); // e_phoff
  v.setBigUint64(40, BigInt(shOff), true);
  v.setUint32(48, EF_RISCV_RVC_DOUBLE, true);
  v.setUint16(52, EHDR_SIZE, true);
  v.setUint16(54, PHDR_SIZE, true);
  v.setUint16(56, 2, true); // e_phnum
  v.setUint16(58, SHDR_SIZE, true);
  v.setUint16(60, 4, true); // e_shnum
  v.setUint16(62, 3, true); // e_shstrndx
}

function writePhdr(v: DataView, at: number, flags: number, offset: number, vaddr: number, size: number): void {
  v.setUint32(at, PT_LOAD, true);
  v.setUint32(at + 4, flags, true);
  v.setBigUint64(at + 8, BigInt(offset), true);
  v.setBigUint64(at + 16, BigInt(vaddr), true);
  v.setBigUint64(at + 24, BigInt(vaddr), true); // p_paddr
  v.setBigUint64(at + 32, BigInt(size), true); // p_filesz
  v.setBigUint64(at + 40, BigInt(size), true); // p_memsz: no bss
  v.setBigUint64(at + 48, BigInt(PAGE_SIZE), true);
}

function writeShdr(v: DataView, at: number, s: SectionHeader): void {
  v.setUint32(at, s.name, true);
  v.setUint32(at + 4, s.type, true);
  v.setBigUint64(at + 8, BigInt(s.flags), true);
  v.setBigUint64(at + 16, BigInt(s.addr), true);
  v.setBigUint64(at + 24, BigInt(s.offset), true);
  v.setBigUint64(at + 32, BigInt(s.size), true);
  v.setUint32(at + 40, 0, true); // sh_link
  v.setUint32(at + 44, 0, true); // sh_info
  v.setBigUint64(at + 48, BigInt(s.align), true);
  v.setBigUint64(at + 56, 0n, true); // sh_entsize
}
