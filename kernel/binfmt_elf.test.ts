// kernel/binfmt_elf.test.ts — load_elf_binary() against a fake ExecMm that enforces the
// contract (page alignment, no overlapping map_fixed, poke only into mapped pages), with ELF
// files built in the test, a real riscv64-linux-gnu-gcc static binary, and a seeded fuzzer.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  ELF_ET_DYN_BASE, MAP_GROWSDOWN, PROT_EXEC, PROT_READ, PROT_WRITE,
  load_elf_binary, type ElfLoadError, type ElfLoadResult, type ExecMm, type LinuxBinprm,
} from "./binfmt_elf";
import {
  AT_BASE, AT_CLKTCK, AT_EGID, AT_ENTRY, AT_EUID, AT_EXECFN, AT_FLAGS, AT_GID, AT_HWCAP,
  AT_L1D_CACHEGEOMETRY, AT_L1D_CACHESIZE, AT_L1I_CACHEGEOMETRY, AT_L1I_CACHESIZE,
  AT_L2_CACHEGEOMETRY, AT_L2_CACHESIZE, AT_L3_CACHEGEOMETRY, AT_L3_CACHESIZE, AT_MINSIGSTKSZ,
  AT_NULL, AT_PAGESZ, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PLATFORM, AT_RANDOM, AT_SECURE, AT_UID,
  MAX_ARG_STRLEN, PAGE_SIZE, RISCV_MINSIGSTKSZ, TASK_SIZE,
} from "./exec_stack";

const E2BIG = 7, ENOEXEC = 8, EFAULT = 14, ENOMEM = 12, EEXIST = 17, EINVAL = 22;
const R = PROT_READ, W = PROT_WRITE, X = PROT_EXEC;
const PF_X = 1, PF_W = 2, PF_R = 4;
const PT_LOAD = 1, PT_INTERP = 3, PT_GNU_STACK = 0x6474e551;
const ET_EXEC = 2, ET_DYN = 3;
const HWCAP_IMAFDC = (1 << 8) | (1 << 12) | (1 << 0) | (1 << 5) | (1 << 3) | (1 << 2);

// ---------------------------------------------------------------------------------------------
// Fake ExecMm: vmas as sorted ranges, memory as sparse pages written by poke().

interface FakeVma { start: number; end: number; prot: number; flags: number }

class FakeMm implements ExecMm {
  vmas: FakeVma[] = [];
  pages = new Map<number, Uint8Array>();
  calls: string[] = [];
  fail_map_fixed_errno = 0;

  map_fixed(addr: number, len: number, prot: number, flags: number): number {
    this.calls.push(`map_fixed(${hx(addr)}, ${hx(len)}, ${prot}, ${hx(flags)})`);
    if (this.fail_map_fixed_errno) return -this.fail_map_fixed_errno;
    if (!aligned(addr) || !aligned(len) || len <= 0) return -EINVAL;
    if (addr < 0 || addr + len > TASK_SIZE) return -ENOMEM;
    if (this.vmas.some((v) => v.start < addr + len && v.end > addr)) return -EEXIST;
    this.vmas.push({ start: addr, end: addr + len, prot, flags });
    this.vmas.sort((a, b) => a.start - b.start);
    return 0;
  }

  poke(addr: number, bytes: Uint8Array): number {
    this.calls.push(`poke(${hx(addr)}, ${hx(bytes.length)})`);
    if (!this.covered(addr, addr + bytes.length)) return -EFAULT;
    for (let done = 0; done < bytes.length;) {
      const a = addr + done;
      const off = a % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - off, bytes.length - done);
      this.page(a).set(bytes.subarray(done, done + n), off);
      done += n;
    }
    return 0;
  }

  protect(addr: number, len: number, prot: number): number {
    this.calls.push(`protect(${hx(addr)}, ${hx(len)}, ${prot})`);
    if (!aligned(addr) || !aligned(len)) return -EINVAL;
    if (!this.covered(addr, addr + len)) return -ENOMEM;
    const out: FakeVma[] = [];
    for (const v of this.vmas) {
      if (v.end <= addr || v.start >= addr + len) { out.push(v); continue; }
      if (v.start < addr) out.push({ ...v, end: addr });
      out.push({ ...v, start: Math.max(v.start, addr), end: Math.min(v.end, addr + len), prot });
      if (v.end > addr + len) out.push({ ...v, start: addr + len });
    }
    this.vmas = out;
    return 0;
  }

  covered(start: number, end: number): boolean {
    let cur = start;
    for (const v of this.vmas) {
      if (v.end <= cur) continue;
      if (v.start > cur) return false;
      cur = v.end;
      if (cur >= end) return true;
    }
    return cur >= end;
  }

  page(a: number): Uint8Array {
    const idx = Math.floor(a / PAGE_SIZE);
    let p = this.pages.get(idx);
    if (!p) { p = new Uint8Array(PAGE_SIZE); this.pages.set(idx, p); }
    return p;
  }

  read(addr: number, len: number): Uint8Array {
    if (!this.covered(addr, addr + len)) throw new Error(`read of unmapped ${hx(addr)}+${len}`);
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const p = this.pages.get(Math.floor((addr + i) / PAGE_SIZE));
      out[i] = p ? p[(addr + i) % PAGE_SIZE] : 0;
    }
    return out;
  }

  u64(addr: number): bigint {
    return new DataView(this.read(addr, 8).buffer).getBigUint64(0, true);
  }

  cstr(addr: number): string {
    let s = "";
    for (let a = addr; ; a++) {
      const c = this.read(a, 1)[0];
      if (c === 0) return s;
      s += String.fromCharCode(c);
    }
  }

  vma_at(addr: number): FakeVma | undefined {
    return this.vmas.find((v) => v.start <= addr && addr < v.end);
  }

  prot_at(addr: number): number {
    return this.vma_at(addr)?.prot ?? -1;
  }
}

const aligned = (n: number): boolean => n % PAGE_SIZE === 0;
/** x & ~15 without JavaScript's 32-bit bitwise operators (addresses reach 2^38). */
const align16_down = (n: number): number => n - (n % 16);
const hx = (n: number | bigint): string => "0x" + n.toString(16);

// ---------------------------------------------------------------------------------------------
// Tiny ELF builder: header, program headers at e_phoff, and a patterned body.

interface PhdrSpec {
  type: number; flags: number; offset: bigint | number; vaddr: bigint | number;
  filesz: bigint | number; memsz: bigint | number; align?: bigint | number;
}

interface ElfSpec {
  type?: number; machine?: number; ei_class?: number; ei_data?: number; ei_version?: number;
  e_version?: number; e_flags?: number; entry?: bigint | number; phoff?: bigint | number;
  phentsize?: number; phnum?: number; phdrs: PhdrSpec[]; size: number;
}

/** Every body byte is (offset * 7 + 3) & 0xff, never 0 for long runs, so zeroing shows. */
const pattern = (off: number): number => ((off * 7 + 3) & 0xff) || 1;

function build_elf(spec: ElfSpec): Uint8Array {
  const buf = new Uint8Array(spec.size);
  for (let i = 0; i < buf.length; i++) buf[i] = pattern(i);
  buf.fill(0, 0, 64);
  const dv = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, spec.ei_class ?? 2, spec.ei_data ?? 1, spec.ei_version ?? 1]);
  dv.setUint16(16, spec.type ?? ET_EXEC, true);
  dv.setUint16(18, spec.machine ?? 243, true);
  dv.setUint32(20, spec.e_version ?? 1, true);
  dv.setBigUint64(24, BigInt(spec.entry ?? 0x10078), true);
  const phoff = Number(spec.phoff ?? 64);
  dv.setBigUint64(32, BigInt(spec.phoff ?? 64), true);
  dv.setUint32(48, spec.e_flags ?? 5, true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, spec.phentsize ?? 56, true);
  dv.setUint16(56, spec.phnum ?? spec.phdrs.length, true);
  spec.phdrs.forEach((ph, i) => {
    const o = phoff + i * 56;
    if (o + 56 > buf.length) return;
    buf.fill(0, o, o + 56);
    dv.setUint32(o, ph.type, true);
    dv.setUint32(o + 4, ph.flags, true);
    dv.setBigUint64(o + 8, BigInt.asUintN(64, BigInt(ph.offset)), true);
    dv.setBigUint64(o + 16, BigInt.asUintN(64, BigInt(ph.vaddr)), true);
    dv.setBigUint64(o + 24, BigInt.asUintN(64, BigInt(ph.vaddr)), true);
    dv.setBigUint64(o + 32, BigInt.asUintN(64, BigInt(ph.filesz)), true);
    dv.setBigUint64(o + 40, BigInt.asUintN(64, BigInt(ph.memsz)), true);
    dv.setBigUint64(o + 48, BigInt.asUintN(64, BigInt(ph.align ?? 0x1000)), true);
  });
  return buf;
}

//   vaddr   0x10000        0x12000   0x12f00  0x13100  0x14000        0x16000
//   text    [R-X file 0..0x1234 | file tail ]
//   data                      [file 0x1000.. | data   | zero   | bss pages   ]
const TEXT: PhdrSpec = { type: PT_LOAD, flags: PF_R | PF_X, offset: 0, vaddr: 0x10000,
                         filesz: 0x1234, memsz: 0x1234 };
const DATA: PhdrSpec = { type: PT_LOAD, flags: PF_R | PF_W, offset: 0x1f00, vaddr: 0x12f00,
                         filesz: 0x200, memsz: 0x3000 };
const STACK_RW: PhdrSpec = { type: PT_GNU_STACK, flags: PF_R | PF_W, offset: 0, vaddr: 0,
                             filesz: 0, memsz: 0, align: 16 };

function good_elf(over: Partial<ElfSpec> = {}): Uint8Array {
  return build_elf({ phdrs: [TEXT, DATA, STACK_RW], size: 0x3000, ...over });
}

function bprm_for(file: Uint8Array, over: Partial<LinuxBinprm> = {}): LinuxBinprm {
  return {
    file, filename: "/bin/prog", argv: ["prog", "-v", "x y"], envp: ["HOME=/root", "TERM=vt100"],
    random_bytes: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i),
    uid: 1000, euid: 1001, gid: 100, egid: 101, secure: false, stack_top: TASK_SIZE,
    stack_limit_bytes: 8 * 1024 * 1024, hwcap: HWCAP_IMAFDC, clktck: 100, ...over,
  };
}

function load_ok(file: Uint8Array, over: Partial<LinuxBinprm> = {}): [ElfLoadResult, FakeMm] {
  const mm = new FakeMm();
  const r = load_elf_binary(bprm_for(file, over), mm);
  if ("errno" in r) throw new Error(`unexpected errno ${r.errno}: ${r.message}`);
  return [r, mm];
}

function load_err(file: Uint8Array, over: Partial<LinuxBinprm> = {}): ElfLoadError & { mm: FakeMm } {
  const mm = new FakeMm();
  const r = load_elf_binary(bprm_for(file, over), mm);
  if (!("errno" in r)) throw new Error("expected an error, got a loaded image");
  expect(r.message.length).toBeGreaterThan(10);
  return { ...r, mm };
}

/** Set one phdr field (byte offset within the entry) of a built file. */
function patch_phdr(file: Uint8Array, index: number, field_off: number, value: bigint,
                    bytes = 8): Uint8Array {
  const dv = new DataView(file.buffer);
  const o = 64 + index * 56 + field_off;
  if (bytes === 8) dv.setBigUint64(o, BigInt.asUintN(64, value), true);
  else dv.setUint32(o, Number(value), true);
  return file;
}

interface ParsedStack {
  argc: number; argv: string[]; envp: string[]; auxv: [number, bigint][];
  argv_ptrs: number[]; envp_ptrs: number[];
}

/** Read the initial stack back the way a C runtime's _start does. */
function parse_stack(mm: FakeMm, sp: number): ParsedStack {
  let a = sp;
  const argc = Number(mm.u64(a)); a += 8;
  const argv_ptrs: number[] = [];
  for (let i = 0; i < argc; i++, a += 8) argv_ptrs.push(Number(mm.u64(a)));
  expect(mm.u64(a)).toBe(0n); a += 8;
  const envp_ptrs: number[] = [];
  for (let p = mm.u64(a); p !== 0n; a += 8, p = mm.u64(a)) envp_ptrs.push(Number(p));
  a += 8;
  const auxv: [number, bigint][] = [];
  for (;;) {
    const id = Number(mm.u64(a));
    const val = mm.u64(a + 8);
    a += 16;
    auxv.push([id, val]);
    if (id === AT_NULL) break;
  }
  return {
    argc, argv: argv_ptrs.map((p) => mm.cstr(p)), envp: envp_ptrs.map((p) => mm.cstr(p)),
    auxv, argv_ptrs, envp_ptrs,
  };
}

const auxval = (s: ParsedStack, id: number): bigint | undefined =>
  s.auxv.find(([k]) => k === id)?.[1];

// ---------------------------------------------------------------------------------------------

describe("load_elf_binary: good files", () => {
  it("maps every PT_LOAD with whole file pages, padzero, bss pages and final protections", () => {
    const file = good_elf();
    const [r, mm] = load_ok(file);
    // Text: whole file pages from offset 0, so the ELF header and the tail after p_filesz
    // are visible, as with Linux's mmap of the file.
    expect(mm.read(0x10000, 0x2000)).toEqual(file.subarray(0, 0x2000));
    expect(mm.prot_at(0x10000)).toBe(R | X);
    expect(mm.prot_at(0x11fff)).toBe(R | X);
    // Data: the first page holds file bytes from 0x1000, then p_filesz bytes of data.
    expect(mm.read(0x12000, 0x1100)).toEqual(file.subarray(0x1000, 0x2100));
    // padzero: the rest of the last file page is zero although the file has bytes there.
    expect(file[0x2100]).not.toBe(0);
    expect(mm.read(0x13100, 0xf00).every((b) => b === 0)).toBe(true);
    // bss pages up to PAGE_ALIGN(p_vaddr + p_memsz) = 0x16000, zero and RW.
    expect(mm.read(0x14000, 0x2000).every((b) => b === 0)).toBe(true);
    for (const a of [0x12000, 0x13000, 0x14000, 0x15fff]) expect(mm.prot_at(a)).toBe(R | W);
    expect(mm.prot_at(0x16000)).toBe(-1);
    expect(mm.prot_at(0xf000)).toBe(-1);
    expect(r.start_brk).toBe(0x16000);
    expect(r.brk).toBe(0x16000);
    expect(r.entry).toBe(0x10078);
    expect(r.start_code).toBe(0x10000);
    expect(r.end_code).toBe(0x11234);
    expect(r.start_data).toBe(0x12f00);
    expect(r.end_data).toBe(0x13100);
    expect(r.phdr_addr).toBe(0x10040);
  });

  it("maps file pages RW first, pokes, then protects to the final prot", () => {
    const [, mm] = load_ok(good_elf());
    const text = mm.calls.findIndex((c) => c.startsWith("map_fixed(0x10000,"));
    expect(mm.calls[text]).toBe("map_fixed(0x10000, 0x2000, 3, 0x0)");
    expect(mm.calls[text + 1]).toBe("poke(0x10000, 0x2000)");
    expect(mm.calls[text + 2]).toBe("protect(0x10000, 0x2000, 5)");
    expect(mm.calls).toContain("map_fixed(0x14000, 0x2000, 3, 0x0)");
    expect(mm.calls).toContain("protect(0x14000, 0x2000, 3)");
  });

  it("lays out argc, argv, envp, auxv and the strings exactly like create_elf_tables", () => {
    const [r, mm] = load_ok(good_elf());
    expect(r.sp % 16).toBe(0);
    expect(r.start_stack).toBe(r.sp);
    const s = parse_stack(mm, r.sp);
    expect(s.argc).toBe(3);
    expect(s.argv).toEqual(["prog", "-v", "x y"]);
    expect(s.envp).toEqual(["HOME=/root", "TERM=vt100"]);
    // Strings from the top: 8 zero bytes, filename, envp strings, argv strings.
    const top = TASK_SIZE;
    expect(mm.u64(top - 8)).toBe(0n);
    const execfn = top - 8 - "/bin/prog".length - 1;
    expect(mm.cstr(execfn)).toBe("/bin/prog");
    expect(s.envp_ptrs[1]).toBe(execfn - "TERM=vt100".length - 1);
    expect(s.envp_ptrs[0]).toBe(s.envp_ptrs[1] - "HOME=/root".length - 1);
    expect(s.argv_ptrs[2]).toBe(s.envp_ptrs[0] - 4);
    expect(s.argv_ptrs[1]).toBe(s.argv_ptrs[2] - 3);
    expect(s.argv_ptrs[0]).toBe(s.argv_ptrs[1] - 5);
    expect(r.arg_start).toBe(s.argv_ptrs[0]);
    expect(r.arg_end).toBe(s.envp_ptrs[0]);
    expect(r.env_start).toBe(s.envp_ptrs[0]);
    expect(r.env_end).toBe(execfn);
    // AT_RANDOM sits 16 bytes below the 16-aligned end of the strings.
    const rand = Number(auxval(s, AT_RANDOM));
    expect(rand).toBe(align16_down(r.arg_start) - 16);
    expect(mm.read(rand, 16)).toEqual(Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i));
    expect(s.auxv).toEqual([
      [AT_L1I_CACHESIZE, 0n], [AT_L1I_CACHEGEOMETRY, 0n], [AT_L1D_CACHESIZE, 0n],
      [AT_L1D_CACHEGEOMETRY, 0n], [AT_L2_CACHESIZE, 0n], [AT_L2_CACHEGEOMETRY, 0n],
      [AT_L3_CACHESIZE, 0n], [AT_L3_CACHEGEOMETRY, 0n], [AT_MINSIGSTKSZ, BigInt(RISCV_MINSIGSTKSZ)],
      [AT_HWCAP, BigInt(HWCAP_IMAFDC)], [AT_PAGESZ, 4096n], [AT_CLKTCK, 100n],
      [AT_PHDR, 0x10040n], [AT_PHENT, 56n], [AT_PHNUM, 3n], [AT_BASE, 0n], [AT_FLAGS, 0n],
      [AT_ENTRY, 0x10078n], [AT_UID, 1000n], [AT_EUID, 1001n], [AT_GID, 100n], [AT_EGID, 101n],
      [AT_SECURE, 0n], [AT_RANDOM, BigInt(rand)], [AT_EXECFN, BigInt(execfn)], [AT_NULL, 0n],
    ]);
    expect(r.saved_auxv).toEqual(s.auxv.flatMap(([k, v]) => [BigInt(k), v]));
    // The words end where the random bytes begin, less at most 15 bytes of STACK_ROUND padding.
    const words = 1 + 4 + 3 + s.auxv.length * 2;
    expect(rand - (r.sp + words * 8)).toBeGreaterThanOrEqual(0);
    expect(rand - (r.sp + words * 8)).toBeLessThan(16);
  });

  it("maps the stack MAP_GROWSDOWN at stack_top, non-executable, strings + 128 KiB", () => {
    const [r, mm] = load_ok(good_elf());
    const vma = mm.vma_at(TASK_SIZE - 1)!;
    expect(vma.flags).toBe(MAP_GROWSDOWN);
    expect(vma.prot).toBe(R | W);
    expect(vma.end).toBe(TASK_SIZE);
    expect(vma.start).toBe(TASK_SIZE - PAGE_SIZE - 128 * 1024);
    expect(r.stack_vm_start).toBe(vma.start);
    expect(r.stack_vm_end).toBe(TASK_SIZE);
  });

  it("makes the stack executable only for PT_GNU_STACK with PF_X", () => {
    const exec = build_elf({ phdrs: [TEXT, DATA, { ...STACK_RW, flags: PF_R | PF_W | PF_X }],
                             size: 0x3000 });
    expect(load_ok(exec)[1].vma_at(TASK_SIZE - 1)!.prot).toBe(R | W | X);
    const none = build_elf({ phdrs: [TEXT, DATA], size: 0x3000 });
    expect(load_ok(none)[1].vma_at(TASK_SIZE - 1)!.prot).toBe(R | W);
  });

  it("adds an empty argv[0] when argv is empty, as Linux does since 5.18", () => {
    const [r, mm] = load_ok(good_elf(), { argv: [], envp: [] });
    const s = parse_stack(mm, r.sp);
    expect(s.argc).toBe(1);
    expect(s.argv).toEqual([""]);
    expect(s.envp).toEqual([]);
  });

  it("puts AT_PLATFORM's string above the AT_RANDOM bytes when a platform is given", () => {
    const [r, mm] = load_ok(good_elf(), { platform: "riscv64" });
    const s = parse_stack(mm, r.sp);
    const plat = Number(auxval(s, AT_PLATFORM));
    expect(mm.cstr(plat)).toBe("riscv64");
    expect(plat).toBe(align16_down(r.arg_start) - 8);
    expect(Number(auxval(s, AT_RANDOM))).toBe(plat - 16);
    expect(s.auxv[s.auxv.length - 2][0]).toBe(AT_PLATFORM);
    expect(r.sp % 16).toBe(0);
  });

  it("reports AT_SECURE and 32-bit ids", () => {
    const [r, mm] = load_ok(good_elf(), { secure: true, uid: 0, euid: 0xffffffff });
    const s = parse_stack(mm, r.sp);
    expect(auxval(s, AT_SECURE)).toBe(1n);
    expect(auxval(s, AT_UID)).toBe(0n);
    expect(auxval(s, AT_EUID)).toBe(0xffffffffn);
  });

  it("keeps sp 16-byte aligned for every argv/envp shape", () => {
    for (let n = 0; n < 6; n++) {
      for (let m = 0; m < 6; m++) {
        const argv = Array.from({ length: n }, (_, i) => "a".repeat(i + m));
        const envp = Array.from({ length: m }, (_, i) => "E=" + "b".repeat(i * 3 + n));
        const [r, mm] = load_ok(good_elf(), { argv, envp, filename: "f".repeat(n + m + 1) });
        expect(r.sp % 16).toBe(0);
        const s = parse_stack(mm, r.sp);
        expect(s.argv).toEqual(n === 0 ? [""] : argv);
        expect(s.envp).toEqual(envp);
      }
    }
  });

  it("accepts soft-float, single-float and RVE e_flags, which Linux does not check", () => {
    for (const e_flags of [0x0, 0x1, 0x3, 0x8, 0x9, 0x10]) {
      expect(load_ok(good_elf({ e_flags }))[0].entry).toBe(0x10078);
    }
  });

  it("accepts EI_DATA, EI_VERSION and e_version values Linux's riscv elf_check_arch ignores", () => {
    expect(load_ok(good_elf({ ei_data: 2 }))[0].entry).toBe(0x10078);
    expect(load_ok(good_elf({ ei_version: 0 }))[0].entry).toBe(0x10078);
    expect(load_ok(good_elf({ e_version: 7 }))[0].entry).toBe(0x10078);
  });

  it("accepts an entry point outside every executable segment (Linux does not check)", () => {
    const [r] = load_ok(good_elf({ entry: 0x3000_0000 }));
    expect(r.entry).toBe(0x3000_0000);
  });

  it("accepts e_phnum = 73, the most that fit in one page (ELF_MIN_ALIGN)", () => {
    const file = build_elf({ phdrs: [TEXT, DATA], phnum: 73, size: 0x3000 });
    // The zero-filled entries after the first two are PT_NULL and ignored.
    new Uint8Array(file.buffer).fill(0, 64 + 2 * 56, 64 + 73 * 56);
    const [r, mm] = load_ok(file);
    expect(r.brk).toBe(0x16000);
    expect(parse_stack(mm, r.sp).auxv.find(([k]) => k === AT_PHNUM)![1]).toBe(73n);
  });

  it("allows p_offset and p_vaddr to disagree modulo the page when p_filesz is 0", () => {
    const bss: PhdrSpec = { type: PT_LOAD, flags: PF_R | PF_W, offset: 0x123, vaddr: 0x20010,
                            filesz: 0, memsz: 0x2000 };
    const [r, mm] = load_ok(build_elf({ phdrs: [TEXT, bss], size: 0x3000 }));
    expect(mm.prot_at(0x20000)).toBe(R | W);
    expect(mm.prot_at(0x22000)).toBe(R | W);
    expect(mm.read(0x20000, 0x3000).every((b) => b === 0)).toBe(true);
    expect(r.brk).toBe(0x23000);
  });

  it("leaves file bytes after p_filesz in a read-only segment's page (padzero fault ignored)", () => {
    const ro: PhdrSpec = { type: PT_LOAD, flags: PF_R, offset: 0x2100, vaddr: 0x20100,
                           filesz: 0x100, memsz: 0x1800 };
    const file = build_elf({ phdrs: [TEXT, ro], size: 0x3000 });
    const [, mm] = load_ok(file);
    expect(mm.read(0x20200, 0xe00)).toEqual(file.subarray(0x2200, 0x3000));
    expect(mm.prot_at(0x20000)).toBe(R);
    // The vm_brk_flags() page after it is read/write whatever p_flags says.
    expect(mm.prot_at(0x21000)).toBe(R | W);
    expect(mm.read(0x21000, 0x1000).every((b) => b === 0)).toBe(true);
  });

  it("lets a later overlapping PT_LOAD replace an earlier one's pages (MAP_FIXED semantics)", () => {
    //   page     0x10000  0x11000  0x12000  0x13000
    //   A (R-X)  [file 0  file 1 ]
    //   B (RW-)           [file 3 | zero  | bss   ]
    //   C (RW-, p_filesz 0)                 [bss]  → replaces nothing dirty, all zero
    const a: PhdrSpec = { type: PT_LOAD, flags: PF_R | PF_X, offset: 0, vaddr: 0x10000,
                          filesz: 0x2000, memsz: 0x2000 };
    const b: PhdrSpec = { type: PT_LOAD, flags: PF_R | PF_W, offset: 0x3000, vaddr: 0x11000,
                          filesz: 0x800, memsz: 0x2800 };
    const c: PhdrSpec = { type: PT_LOAD, flags: PF_R | PF_W, offset: 0, vaddr: 0x11000,
                          filesz: 0, memsz: 0x100 };
    const file = build_elf({ phdrs: [a, b], size: 0x4000 });
    const [, mm] = load_ok(file);
    expect(mm.read(0x10000, 0x1000)).toEqual(file.subarray(0, 0x1000));
    expect(mm.read(0x11000, 0x800)).toEqual(file.subarray(0x3000, 0x3800));
    expect(mm.read(0x11800, 0x800).every((x) => x === 0)).toBe(true);
    expect(mm.prot_at(0x10000)).toBe(R | X);
    expect(mm.prot_at(0x11000)).toBe(R | W);
    // A p_filesz == 0 segment on a written page maps fresh zero pages over it (vm_brk_flags).
    const file2 = build_elf({ phdrs: [a, c], size: 0x4000 });
    const [, mm2] = load_ok(file2);
    expect(mm2.read(0x11000, 0x1000).every((x) => x === 0)).toBe(true);
    expect(mm2.prot_at(0x11000)).toBe(R | W);
  });

  it("loads ET_DYN (static PIE) at ELF_ET_DYN_BASE aligned to the largest p_align", () => {
    const text: PhdrSpec = { ...TEXT, vaddr: 0, align: 0x10000 };
    const data: PhdrSpec = { ...DATA, vaddr: 0x2f00 };
    const [r, mm] = load_ok(build_elf({ type: ET_DYN, entry: 0x78, phdrs: [text, data],
                                        size: 0x3000 }));
    const base = Math.floor(ELF_ET_DYN_BASE / 0x10000) * 0x10000;
    expect(r.entry).toBe(base + 0x78);
    expect(r.phdr_addr).toBe(base + 0x40);
    expect(mm.prot_at(base)).toBe(R | X);
    expect(mm.prot_at(base + 0x2000)).toBe(R | W);
    expect(r.start_code).toBe(base);
    expect(r.brk).toBe(base + 0x6000);
    const s = parse_stack(mm, r.sp);
    expect(auxval(s, AT_ENTRY)).toBe(BigInt(base + 0x78));
    expect(auxval(s, AT_PHDR)).toBe(BigInt(base + 0x40));
    expect(auxval(s, AT_BASE)).toBe(0n);
  });
});

describe("load_elf_binary: malformed files", () => {
  const hdr16 = (off: number, v: number): Uint8Array => {
    const f = good_elf();
    new DataView(f.buffer).setUint16(off, v, true);
    return f;
  };

  it("bad magic → ENOEXEC", () => {
    const f = good_elf();
    f[1] = 0x46;
    expect(load_err(f).errno).toBe(ENOEXEC);
    expect(load_err(new Uint8Array(0)).errno).toBe(ENOEXEC);
  });

  it("a file shorter than the ELF header → ENOEXEC", () => {
    expect(load_err(good_elf().subarray(0, 40)).errno).toBe(ENOEXEC);
  });

  it("ELFCLASS32 → ENOEXEC", () => {
    expect(load_err(good_elf({ ei_class: 1 })).errno).toBe(ENOEXEC);
  });

  it("wrong e_machine (x86-64) → ENOEXEC", () => {
    expect(load_err(good_elf({ machine: 62 })).errno).toBe(ENOEXEC);
  });

  it("ET_REL, ET_CORE and ET_NONE → ENOEXEC", () => {
    for (const type of [0, 1, 4]) expect(load_err(good_elf({ type })).errno).toBe(ENOEXEC);
  });

  it("e_phentsize != 56 → ENOEXEC", () => {
    expect(load_err(hdr16(54, 32)).errno).toBe(ENOEXEC);
    expect(load_err(hdr16(54, 64)).errno).toBe(ENOEXEC);
  });

  it("e_phnum 0 → ENOEXEC", () => {
    expect(load_err(hdr16(56, 0)).errno).toBe(ENOEXEC);
  });

  it("e_phnum > 65536 / 56 → ENOEXEC", () => {
    const f = build_elf({ phdrs: [TEXT, DATA], phnum: 1171, size: 64 + 1171 * 56 + 0x100 });
    expect(load_err(f).errno).toBe(ENOEXEC);
  });

  it("a program header table over one page (e_phnum 74) → ENOEXEC, as load_elf_phdrs has it", () => {
    const f = build_elf({ phdrs: [TEXT, DATA], phnum: 74, size: 0x3000 });
    new Uint8Array(f.buffer).fill(0, 64 + 2 * 56, 64 + 74 * 56);
    expect(load_err(f).errno).toBe(ENOEXEC);
  });

  it("program header table beyond the end of the file → ENOEXEC", () => {
    expect(load_err(good_elf({ phoff: 0x2fd0 })).errno).toBe(ENOEXEC);
    expect(load_err(good_elf({ phoff: 0xffff_ffff_ffff_ff00n })).errno).toBe(ENOEXEC);
    expect(load_err(good_elf().subarray(0, 64 + 56 * 2)).errno).toBe(ENOEXEC);
  });

  it("PT_INTERP → ENOEXEC with the static-only message", () => {
    const interp: PhdrSpec = { type: PT_INTERP, flags: PF_R, offset: 0x200, vaddr: 0x10200,
                               filesz: 20, memsz: 20 };
    const e = load_err(build_elf({ phdrs: [interp, TEXT, DATA], size: 0x3000 }));
    expect(e.errno).toBe(ENOEXEC);
    expect(e.message).toBe("dynamic ELF needs an interpreter; umwasm runs static binaries");
    expect(e.mm.calls).toEqual([]);
  });

  it("p_offset + p_filesz beyond the file → ENOEXEC (we copy; Linux would SIGBUS later)", () => {
    const e = load_err(patch_phdr(good_elf(), 1, 32, 0x1200n));
    expect(e.errno).toBe(ENOEXEC);
    expect(e.mm.calls).toEqual([]);
  });

  it("p_filesz > p_memsz → EINVAL, as load_elf_binary's TASK_SIZE test returns", () => {
    expect(load_err(patch_phdr(good_elf(), 1, 40, 0x100n)).errno).toBe(EINVAL);
  });

  it("p_vaddr and p_offset differing modulo the page size → EINVAL, from vm_mmap", () => {
    expect(load_err(patch_phdr(good_elf(), 1, 8, 0x1f08n)).errno).toBe(EINVAL);
  });

  it("p_offset + mapped size wrapping 2^64 → EINVAL, from vm_mmap", () => {
    expect(load_err(patch_phdr(good_elf(), 1, 8, 0xffff_ffff_ffff_ff00n)).errno).toBe(EINVAL);
  });

  it("p_vaddr + p_memsz wrapping 2^64 → ENOMEM, from vm_brk_flags", () => {
    expect(load_err(patch_phdr(good_elf(), 1, 40, -0x8000n)).errno).toBe(ENOMEM);
  });

  it("huge p_filesz → ENOMEM from the mapping before the file-size check", () => {
    const f = patch_phdr(patch_phdr(good_elf(), 1, 32, 1n << 63n), 1, 40, 1n << 63n);
    expect(load_err(f).errno).toBe(ENOMEM);
  });

  it("a segment at or beyond TASK_SIZE → ENOMEM (mmap), or EINVAL when nothing maps", () => {
    expect(load_err(patch_phdr(good_elf(), 1, 16, BigInt(TASK_SIZE) + 0xf00n)).errno)
      .toBe(ENOMEM);
    // Its bss runs past TASK_SIZE; the stack sits lower so that the range test is reached.
    const tail = { ...DATA, vaddr: TASK_SIZE - 0x1100, offset: 0x1f00 };
    expect(load_err(build_elf({ phdrs: [TEXT, tail], size: 0x3000 }),
                    { stack_top: 0x20_0000_0000 }).errno).toBe(ENOMEM);
    const empty: PhdrSpec = { type: PT_LOAD, flags: PF_R, offset: 0, vaddr: TASK_SIZE + 0x1000,
                              filesz: 0, memsz: 0 };
    expect(load_err(build_elf({ phdrs: [TEXT, empty], size: 0x3000 })).errno).toBe(EINVAL);
  });

  it("entry point beyond TASK_SIZE → EINVAL", () => {
    expect(load_err(good_elf({ entry: BigInt(TASK_SIZE) })).errno).toBe(EINVAL);
    expect(load_err(good_elf({ entry: -1n })).errno).toBe(EINVAL);
  });

  it("a PT_LOAD over the stack → EEXIST, as MAP_FIXED_NOREPLACE gives", () => {
    const top = 0x20_0000_0000;
    const hit = { ...DATA, vaddr: top - 0x1100, offset: 0x1f00 };
    const e = load_err(build_elf({ phdrs: [hit, TEXT], size: 0x3000 }), { stack_top: top });
    expect(e.errno).toBe(EEXIST);
    expect(e.mm.calls).toEqual([]);
  });

  it("ET_DYN whose PT_LOADs span nothing → EINVAL (total_mapping_size 0)", () => {
    const z: PhdrSpec = { type: PT_LOAD, flags: PF_R, offset: 0, vaddr: 0, filesz: 0, memsz: 0 };
    expect(load_err(build_elf({ type: ET_DYN, phdrs: [z], size: 0x1000 })).errno).toBe(EINVAL);
  });

  it("ExecMm failures come back as their errno", () => {
    const mm = new FakeMm();
    mm.fail_map_fixed_errno = ENOMEM;
    const r = load_elf_binary(bprm_for(good_elf()), mm) as ElfLoadError;
    expect(r.errno).toBe(ENOMEM);
  });

  it("a caller breaking the contract is a kernel bug and throws", () => {
    expect(() => load_elf_binary(bprm_for(good_elf(), { stack_top: TASK_SIZE - 8 }),
                                 new FakeMm())).toThrow(/BUG/);
    expect(() => load_elf_binary(bprm_for(good_elf(), { random_bytes: new Uint8Array(8) }),
                                 new FakeMm())).toThrow(/BUG/);
    expect(() => load_elf_binary(bprm_for(good_elf(), { stack_limit_bytes: NaN }),
                                 new FakeMm())).toThrow(/BUG/);
    // RLIM_INFINITY is fine: the string budget is then 3/4 of _STK_LIM.
    expect(load_ok(good_elf(), { stack_limit_bytes: Infinity })[0].sp % 16).toBe(0);
  });
});

describe("load_elf_binary: argument limits (fs/exec.c)", () => {
  it("a string of MAX_ARG_STRLEN bytes with its NUL → E2BIG; one byte less loads", () => {
    const big = "x".repeat(MAX_ARG_STRLEN);
    expect(load_err(good_elf(), { argv: ["p", big] }).errno).toBe(E2BIG);
    expect(load_err(good_elf(), { envp: [big] }).errno).toBe(E2BIG);
    expect(load_err(good_elf(), { filename: big }).errno).toBe(E2BIG);
    const [r, mm] = load_ok(good_elf(), { argv: ["p", big.slice(1)] });
    expect(parse_stack(mm, r.sp).argv[1].length).toBe(MAX_ARG_STRLEN - 1);
  });

  it("strings beyond RLIMIT_STACK/4 minus the pointers → E2BIG", () => {
    // 8 MiB rlimit: 2 MiB for strings and pointers.
    const envp = Array.from({ length: 20 }, () => "E=" + "v".repeat(120 * 1024));
    expect(load_err(good_elf(), { envp }).errno).toBe(E2BIG);
    const [r, mm] = load_ok(good_elf(), { envp: envp.slice(0, 15) });
    expect(parse_stack(mm, r.sp).envp.length).toBe(15);
    expect(mm.vma_at(r.sp)!.end).toBe(TASK_SIZE);
  });

  it("E2BIG wins over a malformed file, since copy_strings runs before any binfmt", () => {
    const f = good_elf();
    f[0] = 0;
    expect(load_err(f, { argv: ["x".repeat(MAX_ARG_STRLEN)] }).errno).toBe(E2BIG);
  });

  it("a small RLIMIT_STACK still allows ARG_MAX (32 pages) of strings", () => {
    const argv = Array.from({ length: 4 }, () => "a".repeat(25 * 1024));
    const [r, mm] = load_ok(good_elf(), { argv, stack_limit_bytes: 64 * 1024 });
    expect(parse_stack(mm, r.sp).argv).toEqual(argv);
    const e = load_err(good_elf(), { argv: [...argv, "b".repeat(40 * 1024)],
                                     stack_limit_bytes: 64 * 1024 });
    expect(e.errno).toBe(E2BIG);
  });

  it("a huge rlimit caps the string budget at 3/4 of _STK_LIM (6 MiB)", () => {
    const envp = Array.from({ length: 50 }, () => "v".repeat(127 * 1024));
    expect(load_err(good_elf(), { envp, stack_limit_bytes: 1 << 30 }).errno).toBe(E2BIG);
    const [r] = load_ok(good_elf(), { envp: envp.slice(0, 40), stack_limit_bytes: 1 << 30 });
    expect(r.sp % 16).toBe(0);
  });

  it("cuts a string at an embedded NUL, as strnlen_user sees it", () => {
    const [r, mm] = load_ok(good_elf(), { argv: ["a\0b", "c"] });
    expect(parse_stack(mm, r.sp).argv).toEqual(["a", "c"]);
  });
});

// ---------------------------------------------------------------------------------------------
// A real static binary from riscv64-linux-gnu-gcc, checked against readelf's program headers.

function have_tool(name: string): boolean {
  try {
    execFileSync(name, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const HELLO_C = fileURLToPath(new URL("../tests/fixtures/hello.c", import.meta.url));
const have_gcc = have_tool("riscv64-linux-gnu-gcc") && have_tool("riscv64-linux-gnu-readelf");
if (!have_gcc) {
  console.log("binfmt_elf.test: skipping the real-binary test: riscv64-linux-gnu-gcc or " +
              "riscv64-linux-gnu-readelf is not installed");
}

interface ReadelfLoad { offset: number; vaddr: number; filesz: number; memsz: number; flags: string }

function readelf_loads(path: string): { entry: number; loads: ReadelfLoad[]; phnum: number } {
  const out = execFileSync("riscv64-linux-gnu-readelf", ["-lhW", path], { encoding: "utf8" });
  const entry = parseInt(/Entry point address:\s+(0x[0-9a-f]+)/.exec(out)![1], 16);
  const phnum = parseInt(/Number of program headers:\s+(\d+)/.exec(out)![1], 10);
  const loads: ReadelfLoad[] = [];
  const re = /^\s*LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+([RWE ]+?)\s+0x/gm;
  for (let m = re.exec(out); m; m = re.exec(out)) {
    loads.push({ offset: parseInt(m[1], 16), vaddr: parseInt(m[2], 16),
                 filesz: parseInt(m[3], 16), memsz: parseInt(m[4], 16), flags: m[5] });
  }
  return { entry, loads, phnum };
}

describe("load_elf_binary: real static binary", () => {
  it.skipIf(!have_gcc)("loads tests/fixtures/hello.c built with riscv64-linux-gnu-gcc -static", () => {
    const dir = mkdtempSync(join(tmpdir(), "umwasm-binfmt-"));
    try {
      const exe = join(dir, "hello");
      execFileSync("riscv64-linux-gnu-gcc", ["-static", "-O2", "-o", exe,
                                             HELLO_C]);
      const file = new Uint8Array(readFileSync(exe));
      const info = readelf_loads(exe);
      expect(info.loads.length).toBeGreaterThanOrEqual(2);
      const [r, mm] = load_ok(file, { filename: "/bin/hello", argv: ["hello"] });
      expect(r.entry).toBe(info.entry);
      let brk_end = 0;
      for (const ld of info.loads) {
        const prot = (ld.flags.includes("R") ? R : 0) | (ld.flags.includes("W") ? W : 0) |
                     (ld.flags.includes("E") ? X : 0);
        expect(mm.read(ld.vaddr, ld.filesz)).toEqual(file.subarray(ld.offset, ld.offset + ld.filesz));
        expect(mm.prot_at(ld.vaddr)).toBe(prot);
        if (ld.memsz > ld.filesz) {
          const bss_from = ld.vaddr + ld.filesz;
          expect(mm.read(bss_from, ld.memsz - ld.filesz).every((b) => b === 0)).toBe(true);
          const page_end = Math.ceil(bss_from / PAGE_SIZE) * PAGE_SIZE;
          if (prot & W) expect(mm.read(bss_from, page_end - bss_from).every((b) => b === 0)).toBe(true);
        }
        brk_end = Math.max(brk_end, ld.vaddr + ld.memsz);
      }
      expect(r.brk).toBe(Math.ceil(brk_end / PAGE_SIZE) * PAGE_SIZE);
      const first = info.loads[0];
      expect(r.phdr_addr).toBe(first.vaddr + 64 - first.offset);
      const s = parse_stack(mm, r.sp);
      expect(auxval(s, AT_PHDR)).toBe(BigInt(r.phdr_addr));
      expect(auxval(s, AT_PHNUM)).toBe(BigInt(info.phnum));
      expect(auxval(s, AT_ENTRY)).toBe(BigInt(info.entry));
      expect(mm.cstr(Number(auxval(s, AT_EXECFN)))).toBe("/bin/hello");
      expect(s.argv).toEqual(["hello"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Fuzz: seeded mutations of a good file; the loader must never throw and must only answer
// with a loaded image or one of the errnos Linux's exec path gives for bad files.

/** xorshift64*: deterministic across engines; the seed comes from UMW_SEED when set. */
class Xorshift {
  constructor(private s: bigint) { if (this.s === 0n) this.s = 1n; }
  next(): bigint {
    let x = this.s;
    x ^= x >> 12n; x ^= (x << 25n) & ((1n << 64n) - 1n); x ^= x >> 27n;
    this.s = x;
    return (x * 0x2545f4914f6cdd1dn) & ((1n << 64n) - 1n);
  }
  below(n: number): number { return Number(this.next() % BigInt(n)); }
}

const EXTREMES = [0n, 1n, 0xfffn, 0x1000n, 0x7fff_ffffn, 0xffff_ffffn, BigInt(TASK_SIZE),
                  BigInt(TASK_SIZE - PAGE_SIZE), 1n << 63n, (1n << 64n) - 1n, (1n << 64n) - 0x1000n];

function mutate(rng: Xorshift, base: Uint8Array): Uint8Array {
  let f = new Uint8Array(base);
  const nmut = 1 + rng.below(4);
  const table_end = 64 + 3 * 56;
  for (let k = 0; k < nmut; k++) {
    switch (rng.below(6)) {
      case 0: { const bit = rng.below(64 * 8); if (bit >> 3 < f.length) f[bit >> 3] ^= 1 << (bit & 7); break; }
      case 1: { const bit = 64 * 8 + rng.below(3 * 56 * 8); if (bit >> 3 < f.length) f[bit >> 3] ^= 1 << (bit & 7); break; }
      case 2: { // A 64-bit header or phdr field set to an extreme value.
        const fields = [24, 32, ...[0, 1, 2].flatMap((i) => [8, 16, 32, 40, 48].map((o) => 64 + i * 56 + o))];
        const off = fields[rng.below(fields.length)];
        const v = rng.below(3) === 0 ? rng.next() : EXTREMES[rng.below(EXTREMES.length)];
        if (off + 8 <= f.length) new DataView(f.buffer).setBigUint64(off, v, true);
        break;
      }
      case 3: { // A 16/32-bit field: e_type, e_machine, e_phentsize, e_phnum, p_type, p_flags.
        const fields: [number, number][] = [[16, 2], [18, 2], [54, 2], [56, 2],
          ...[0, 1, 2].flatMap((i): [number, number][] => [[64 + i * 56, 4], [68 + i * 56, 4]])];
        const [off, size] = fields[rng.below(fields.length)];
        const v = [0, 1, 2, 3, 0xffff, 0xffffffff, rng.below(0x10000)][rng.below(7)];
        const dv = new DataView(f.buffer);
        if (off + size > f.length) break;
        if (size === 2) dv.setUint16(off, v & 0xffff, true); else dv.setUint32(off, v >>> 0, true);
        break;
      }
      case 4: f = f.slice(0, rng.below(f.length + 1)); break;
      default: { const i = rng.below(table_end); if (i < f.length) f[i] = Number(rng.next() & 0xffn); break; }
    }
  }
  return f;
}

describe("load_elf_binary: fuzz", () => {
  it("never throws and answers with an image or ENOEXEC/EINVAL/ENOMEM/E2BIG/EFAULT/EEXIST", () => {
    const seed = BigInt(process.env.UMW_SEED ?? "0x5eed0fe1f");
    const rng = new Xorshift(seed);
    const base = good_elf();
    const allowed = new Set([ENOEXEC, EINVAL, ENOMEM, E2BIG, EFAULT, EEXIST]);
    const seen = new Map<number, number>();
    const iterations = 6000;
    for (let it_ = 0; it_ < iterations; it_++) {
      const file = mutate(rng, base);
      const where = `seed=${hx(seed)} iteration=${it_}; rerun with UMW_SEED=${hx(seed)}`;
      let r: ElfLoadResult | ElfLoadError;
      const mm = new FakeMm();
      try {
        r = load_elf_binary(bprm_for(file), mm);
      } catch (e) {
        throw new Error(`loader threw (${where}): ${(e as Error).message}`);
      }
      if ("errno" in r) {
        if (!allowed.has(r.errno)) throw new Error(`errno ${r.errno} ${r.message} (${where})`);
        seen.set(r.errno, (seen.get(r.errno) ?? 0) + 1);
      } else {
        seen.set(0, (seen.get(0) ?? 0) + 1);
        if (r.sp % 16 !== 0 || r.entry >= TASK_SIZE || r.brk > TASK_SIZE || r.brk % PAGE_SIZE) {
          throw new Error(`bad result ${JSON.stringify({ ...r, saved_auxv: [] })} (${where})`);
        }
        expect(parse_stack(mm, r.sp).argv).toEqual(["prog", "-v", "x y"]);
      }
    }
    // No timing assertion: speed belongs to bench/, and this machine is shared.
    console.log(`binfmt_elf fuzz: ${iterations} files, outcomes ` +
                JSON.stringify(Object.fromEntries([...seen].sort((a, b) => a[0] - b[0]))));
    expect(seen.get(0) ?? 0).toBeGreaterThan(100); // Many mutations must still load.
    expect(seen.get(ENOEXEC) ?? 0).toBeGreaterThan(100);
  });
});
