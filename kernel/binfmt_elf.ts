// kernel/binfmt_elf.ts — load a static riscv64 ELF program and build its initial stack.
// Owns: ELF validation, the placement of every PT_LOAD (file pages, padzero, bss pages), the
// mm_struct layout fields (start_code ... env_end, start_brk/brk) and the order of exec steps.
// Derived: nothing is kept; the caller stores ElfLoadResult in its mm and sets pc/sp from it.
// Invariants: all checks run on the untouched input before the first ExecMm call, so a rejected
// file leaves the mm as it was; after the first call only ExecMm itself can fail, and then (as
// after Linux's point of no return in begin_new_exec) the caller must throw the mm away.
// Every address handed to ExecMm is page aligned and below TASK_SIZE = 2^38, exact in a double;
// 64-bit ELF fields are checked as BigInt with unsigned long wrap-around where Linux wraps.
// Follows Linux 6.x fs/binfmt_elf.c: load_elf_binary(), load_elf_phdrs(), elf_load()/elf_map()
// as reworked in 6.7, padzero(), total_mapping_size(), maximum_alignment(); and
// arch/riscv/include/asm/elf.h for elf_check_arch() and ELF_ET_DYN_BASE. The initial stack
// (strings, create_elf_tables(), auxv) is built by exec_stack.ts.

import {
  PAGE_SIZE, TASK_SIZE, copy_exec_strings, create_elf_tables, elf_table_layout, stack_vm_start,
  type ArgStrings, type AuxValues, type ElfTableLayout, type ElfTables,
} from "./exec_stack";
import { E2BIG, EEXIST, EINVAL, ENOEXEC, ENOMEM } from "./errno";

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const MAP_GROWSDOWN = 0x100;

/** The loader's only view of the new address space; the lead implements it over the mm core. */
export interface ExecMm {
  /** Map zero-filled anonymous memory at exactly [addr, addr+len) (page aligned) with prot (PROT_READ=1, PROT_WRITE=2, PROT_EXEC=4); flags may include MAP_GROWSDOWN=0x100 for the stack. Returns 0 or -errno. */
  map_fixed(addr: number, len: number, prot: number, flags: number): number;
  /** Kernel write into the task's memory, ignoring protections (like the kernel filling a page). Returns 0 or -EFAULT. */
  poke(addr: number, bytes: Uint8Array): number;
  /** Change protection of a mapped page-aligned range. Returns 0 or -errno. */
  protect(addr: number, len: number, prot: number): number;
}

/** struct linux_binprm: what execve() hands to the binary loader. */
export interface LinuxBinprm {
  file: Uint8Array;
  filename: string;
  argv: string[];
  envp: string[];
  /** 16 bytes from the kernel PRNG for AT_RANDOM. */
  random_bytes: Uint8Array;
  uid: number;
  euid: number;
  gid: number;
  egid: number;
  /** AT_SECURE: set-id or capability-gaining exec. */
  secure: boolean;
  /** Page-aligned top of the new stack, at most TASK_SIZE. */
  stack_top: number;
  /** RLIMIT_STACK (rlim_cur) of the new program; 8 MiB by default. */
  stack_limit_bytes: number;
  hwcap: number;
  clktck: number;
  /** AT_PLATFORM string; riscv's ELF_PLATFORM is NULL, so normally absent. */
  platform?: string;
}

/** The mm_struct fields load_elf_binary() fills, plus the stack vma and the saved auxv. */
export interface ElfLoadResult {
  entry: number;
  sp: number;
  start_code: number;
  end_code: number;
  start_data: number;
  end_data: number;
  start_brk: number;
  brk: number;
  start_stack: number;
  arg_start: number;
  arg_end: number;
  env_start: number;
  env_end: number;
  phdr_addr: number;
  /** The stack vma [stack_vm_start, stack_vm_end), mapped MAP_GROWSDOWN. */
  stack_vm_start: number;
  stack_vm_end: number;
  /** mm->saved_auxv: id/value pairs ending with AT_NULL, for /proc/pid/auxv. */
  saved_auxv: bigint[];
}

export interface ElfLoadError {
  /** Positive errno, e.g. ENOEXEC = 8. */
  errno: number;
  message: string;
}

// include/uapi/linux/elf.h
const ELFCLASS64 = 2;
const ET_EXEC = 2;
const ET_DYN = 3;
const EM_RISCV = 243;
const PT_LOAD = 1;
const PT_INTERP = 3;
const PT_GNU_STACK = 0x6474e551;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
const ELF_EHDR_BYTES = 64;
const ELF_PHDR_BYTES = 56; // sizeof(struct elf64_phdr)

const U64_MASK = (1n << 64n) - 1n;
const PAGE_MASK_N = U64_MASK ^ 0xfffn;
const TASK_SIZE_N = BigInt(TASK_SIZE);
/** arch/riscv/include/asm/elf.h: ELF_ET_DYN_BASE = (TASK_SIZE / 3) * 2. */
export const ELF_ET_DYN_BASE = Number((TASK_SIZE_N / 3n) * 2n);

const wrap = (x: bigint): bigint => x & U64_MASK;
const ELF_PAGESTART = (v: bigint): bigint => v & PAGE_MASK_N;
const ELF_PAGEOFFSET = (v: bigint): bigint => v & 0xfffn;
const ELF_PAGEALIGN = (v: bigint): bigint => wrap(v + 0xfffn) & PAGE_MASK_N;
const BAD_ADDR = (x: bigint): boolean => x >= TASK_SIZE_N;
const hex = (x: bigint | number): string => "0x" + x.toString(16);

interface ElfHdr {
  e_type: number;
  e_machine: number;
  ei_class: number;
  e_entry: bigint;
  e_phoff: bigint;
  e_phentsize: number;
  e_phnum: number;
}

interface ElfPhdr {
  p_type: number;
  p_flags: number;
  p_offset: bigint;
  p_vaddr: bigint;
  p_filesz: bigint;
  p_memsz: bigint;
  p_align: bigint;
}

/** One PT_LOAD as elf_load() maps it, already biased and checked; all values are exact. */
interface ElfSegment {
  /** File-backed pages: [map_start, map_start + map_len) from file offset file_offset. */
  map_start: number;
  map_len: number;
  file_offset: number;
  prot: number;
  /** padzero(): bytes after p_filesz to the end of that page, cleared only if writable. */
  pad_start: number;
  pad_len: number;
  /** vm_brk_flags() pages for the rest of p_memsz: always RW, plus X if the segment has it. */
  brk_start: number;
  brk_len: number;
}

function elf_error(errno: number, message: string): ElfLoadError {
  return { errno, message };
}

function is_error(x: object): x is ElfLoadError {
  return "errno" in x;
}

/** elf_read_ehdr: decode the fields load_elf_binary() looks at. Linux reads the header from
 *  bprm->buf, which is zero-filled past a short file, so missing bytes read as zero here too. */
function elf_read_ehdr(file: Uint8Array): ElfHdr {
  const buf = new Uint8Array(ELF_EHDR_BYTES);
  buf.set(file.subarray(0, ELF_EHDR_BYTES));
  const dv = new DataView(buf.buffer);
  return {
    e_type: dv.getUint16(16, true),
    e_machine: dv.getUint16(18, true),
    ei_class: buf[4],
    e_entry: dv.getBigUint64(24, true),
    e_phoff: dv.getBigUint64(32, true),
    e_phentsize: dv.getUint16(54, true),
    e_phnum: dv.getUint16(56, true),
  };
}

/** elf_check_ehdr: the "simple consistency checks" of load_elf_binary() and elf_check_arch().
 *  Linux riscv checks only e_machine and EI_CLASS: EI_DATA, EI_VERSION, e_version, EI_OSABI
 *  and e_flags are not looked at (there is no riscv arch_check_elf()), so a soft-float, single-
 *  float or RVE e_flags value loads like the usual RVC|FLOAT_ABI_DOUBLE; the float ABI only
 *  fixes the calling convention inside the program. We mirror that and accept them all. */
function elf_check_ehdr(file: Uint8Array, ehdr: ElfHdr): ElfLoadError | null {
  if (file.length < 4 || file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c ||
      file[3] !== 0x46) {
    return elf_error(ENOEXEC, "not an ELF file: bad magic");
  }
  if (ehdr.e_type !== ET_EXEC && ehdr.e_type !== ET_DYN) {
    return elf_error(ENOEXEC, `ELF e_type ${ehdr.e_type} is neither ET_EXEC nor ET_DYN`);
  }
  if (ehdr.e_machine !== EM_RISCV) {
    return elf_error(ENOEXEC, `ELF e_machine ${ehdr.e_machine} is not EM_RISCV (243)`);
  }
  if (ehdr.ei_class !== ELFCLASS64) {
    return elf_error(ENOEXEC, `ELF class ${ehdr.ei_class} is not ELFCLASS64`);
  }
  return null;
}

/** load_elf_phdrs: read the program header table.
 *  Returns: the headers, or ENOEXEC for a wrong e_phentsize, an empty table, a table larger
 *  than 64 KiB or than one page (ELF_MIN_ALIGN: e_phnum > 73 with 4 KiB pages), or a table
 *  that is not wholly inside the file.
 *  Matches: fs/binfmt_elf.c load_elf_phdrs(), whose page limit 6.x still has. */
function load_elf_phdrs(file: Uint8Array, ehdr: ElfHdr): ElfPhdr[] | ElfLoadError {
  if (ehdr.e_phentsize !== ELF_PHDR_BYTES) {
    return elf_error(ENOEXEC, `ELF e_phentsize ${ehdr.e_phentsize} is not 56`);
  }
  const size = ELF_PHDR_BYTES * ehdr.e_phnum;
  if (size === 0 || size > 65536 || size > PAGE_SIZE) {
    return elf_error(ENOEXEC, `ELF e_phnum ${ehdr.e_phnum} is outside 1..73 (the program ` +
                     "header table must fit in one page)");
  }
  // kernel_read() comes back short past EOF; Linux turns that into ENOEXEC.
  if (ehdr.e_phoff + BigInt(size) > BigInt(file.length)) {
    return elf_error(ENOEXEC, `ELF program headers at ${hex(ehdr.e_phoff)} run past the ` +
                     `end of the ${file.length}-byte file`);
  }
  const base = Number(ehdr.e_phoff);
  const dv = new DataView(file.buffer, file.byteOffset + base, size);
  const phdrs: ElfPhdr[] = [];
  for (let i = 0; i < ehdr.e_phnum; i++) {
    const o = i * ELF_PHDR_BYTES;
    phdrs.push({
      p_type: dv.getUint32(o, true),
      p_flags: dv.getUint32(o + 4, true),
      p_offset: dv.getBigUint64(o + 8, true),
      p_vaddr: dv.getBigUint64(o + 16, true),
      p_filesz: dv.getBigUint64(o + 32, true),
      p_memsz: dv.getBigUint64(o + 40, true),
      p_align: dv.getBigUint64(o + 48, true),
    });
  }
  return phdrs;
}

/** make_prot: PF_R/PF_W/PF_X to PROT_*; riscv has no arch_elf_adjust_prot(). */
function make_prot(p_flags: number): number {
  let prot = 0;
  if (p_flags & PF_R) prot |= PROT_READ;
  if (p_flags & PF_W) prot |= PROT_WRITE;
  if (p_flags & PF_X) prot |= PROT_EXEC;
  return prot;
}

/** total_mapping_size: span from the lowest PT_LOAD page to the highest p_vaddr + p_memsz. */
function total_mapping_size(phdrs: ElfPhdr[]): bigint {
  let min_addr = U64_MASK;
  let max_addr = 0n;
  let pt_load = false;
  for (const ph of phdrs) {
    if (ph.p_type !== PT_LOAD) continue;
    const lo = ELF_PAGESTART(ph.p_vaddr);
    const hi = wrap(ph.p_vaddr + ph.p_memsz);
    if (lo < min_addr) min_addr = lo;
    if (hi > max_addr) max_addr = hi;
    pt_load = true;
  }
  return pt_load ? wrap(max_addr - min_addr) : 0n;
}

/** maximum_alignment: the largest power-of-two p_align of any PT_LOAD, at least a page. */
function maximum_alignment(phdrs: ElfPhdr[]): bigint {
  let alignment = 0n;
  for (const ph of phdrs) {
    if (ph.p_type !== PT_LOAD) continue;
    const a = ph.p_align;
    if (a === 0n || (a & (a - 1n)) !== 0n) continue; // Non powers of two are skipped as invalid.
    if (a > alignment) alignment = a;
  }
  return ELF_PAGEALIGN(alignment);
}

/** elf_dyn_load_bias: where an ET_DYN image goes.
 *  DIVERGES: Linux maps a static PIE (ET_DYN without PT_INTERP) wherever mmap's top-down
 *  allocator puts it, which depends on ASLR and on mappings we do not model. We use the rule
 *  Linux applies to PIE programs with an interpreter: ELF_ET_DYN_BASE, aligned down to the
 *  largest p_align, minus the first PT_LOAD's page, without arch_mmap_rnd(). */
function elf_dyn_load_bias(phdrs: ElfPhdr[], first_vaddr: bigint): bigint {
  let load_bias = BigInt(ELF_ET_DYN_BASE);
  const alignment = maximum_alignment(phdrs);
  if (alignment !== 0n) load_bias &= wrap(~(alignment - 1n));
  return ELF_PAGESTART(wrap(load_bias - first_vaddr));
}

/** elf_range_checks: the errors vm_mmap()/vm_brk_flags() give for [start, start + len):
 *  ENOMEM outside the user address space, EEXIST over the already mapped stack.
 *  DIVERGES: Linux maps only the first PT_LOAD with MAP_FIXED_NOREPLACE (EEXIST); later ones
 *  use MAP_FIXED or vm_brk_flags(), which would silently unmap the stack pages. We refuse all
 *  of them: such a program could not get as far as its first instruction anyway. */
function elf_range_checks(i: number, start: bigint, len: bigint, stack: [number, number],
                          what: string): ElfLoadError | null {
  if (len > TASK_SIZE_N || start > TASK_SIZE_N - len) {
    return elf_error(ENOMEM, `PT_LOAD[${i}] ${what} [${hex(start)}, +${hex(len)}) lies ` +
                     `outside the user address space (TASK_SIZE ${hex(TASK_SIZE)})`);
  }
  const end = start + len;
  if (start < BigInt(stack[1]) && end > BigInt(stack[0])) {
    return elf_error(EEXIST, `PT_LOAD[${i}] ${what} [${hex(start)}, ${hex(end)}) overlaps ` +
                     `the stack [${hex(stack[0])}, ${hex(stack[1])})`);
  }
  return null;
}

/** elf_map_checks: the file-backed part of one PT_LOAD, as elf_map() and vm_mmap() see it.
 *  Returns: [map_start, map_len, file_offset] or the error; map_len is 0 when nothing maps.
 *  DIVERGES: Linux maps file pages past EOF and the program gets SIGBUS when it touches them;
 *  we copy the bytes now, so a segment that runs past the end of the file is ENOEXEC. */
function elf_map_checks(i: number, ph: ElfPhdr, vaddr: bigint, file_len: number,
                        stack: [number, number]): [bigint, bigint, bigint] | ElfLoadError {
  const pageoff = ELF_PAGEOFFSET(ph.p_vaddr);
  const map_start = ELF_PAGESTART(vaddr);
  const size = ELF_PAGEALIGN(wrap(ph.p_filesz + pageoff));
  const off = wrap(ph.p_offset - pageoff);
  if (size === 0n) return [map_start, 0n, 0n]; // elf_map(): nothing to map, returns addr.
  // vm_mmap(): the offset must not wrap and must be page aligned, i.e. p_offset and p_vaddr
  // must agree modulo the page size.
  if (wrap(off + size) < off || ELF_PAGEOFFSET(off) !== 0n) {
    return elf_error(EINVAL, `PT_LOAD[${i}] p_offset ${hex(ph.p_offset)} and p_vaddr ` +
                     `${hex(ph.p_vaddr)} differ modulo the page size`);
  }
  const err = elf_range_checks(i, map_start, size, stack, "file pages");
  if (err) return err;
  if (ph.p_offset + ph.p_filesz > BigInt(file_len)) {
    return elf_error(ENOEXEC, `PT_LOAD[${i}] file bytes [${hex(ph.p_offset)}, +` +
                     `${hex(ph.p_filesz)}) run past the end of the ${file_len}-byte file`);
  }
  return [map_start, size, off];
}

/** elf_load_checks: plan one PT_LOAD in the order Linux maps and checks it.
 *  Returns: the segment, or ENOMEM/EINVAL/EEXIST (from the mapping calls), ENOEXEC (past
 *  EOF, see elf_map_checks), or EINVAL from load_elf_binary()'s own size test.
 *  Matches: fs/binfmt_elf.c elf_load() plus the TASK_SIZE test that follows it. */
function elf_load_checks(i: number, ph: ElfPhdr, load_bias: bigint, file_len: number,
                         stack: [number, number]): ElfSegment | ElfLoadError {
  const prot = make_prot(ph.p_flags);
  const vaddr = wrap(ph.p_vaddr + load_bias);
  const pageoff = ELF_PAGEOFFSET(ph.p_vaddr);
  let map: [bigint, bigint, bigint] = [ELF_PAGESTART(vaddr), 0n, 0n];
  let zero_start = map[0];
  let zero_end = wrap(zero_start + pageoff + ph.p_memsz);
  if (ph.p_filesz !== 0n) {
    const m = elf_map_checks(i, ph, vaddr, file_len, stack);
    if (!Array.isArray(m)) return m;
    map = m;
    zero_start = wrap(map[0] + pageoff + ph.p_filesz);
  }
  let brk_start = 0n;
  let brk_len = 0n;
  if (ph.p_memsz > ph.p_filesz) {
    brk_start = ELF_PAGEALIGN(zero_start);
    brk_len = wrap(ELF_PAGEALIGN(zero_end) - brk_start);
    const err = brk_len === 0n ? null : elf_range_checks(i, brk_start, brk_len, stack, "bss");
    if (err) return err;
  }
  // elf_load() hands back an unmapped address when nothing was mapped; BAD_ADDR() sees it.
  if (BAD_ADDR(map[0])) {
    return elf_error(EINVAL, `PT_LOAD[${i}] p_vaddr ${hex(vaddr)} is beyond TASK_SIZE`);
  }
  // "set_brk can never work. Avoid overflows." — checked on the unbiased p_vaddr, as Linux does.
  const k = ph.p_vaddr;
  if (BAD_ADDR(k) || ph.p_filesz > ph.p_memsz || ph.p_memsz > TASK_SIZE_N ||
      TASK_SIZE_N - ph.p_memsz < k) {
    return elf_error(EINVAL, `PT_LOAD[${i}] p_vaddr ${hex(k)} p_filesz ${hex(ph.p_filesz)} ` +
                     `p_memsz ${hex(ph.p_memsz)}: p_filesz > p_memsz or end beyond TASK_SIZE`);
  }
  // padzero() uses clear_user(), which faults on a read-only page; Linux ignores that failure,
  // so the tail of the last file page keeps file bytes unless the segment is writable.
  const pad = ph.p_memsz > ph.p_filesz && (prot & PROT_WRITE) !== 0
    ? ELF_PAGEALIGN(zero_start) - zero_start : 0n;
  return {
    map_start: Number(map[0]), map_len: Number(map[1]), file_offset: Number(map[2]), prot,
    pad_start: Number(zero_start), pad_len: map[1] === 0n ? 0 : Number(pad),
    brk_start: Number(brk_start), brk_len: Number(brk_len),
  };
}

/** What the PT_LOAD loop of load_elf_binary() produces. */
interface ElfLayout {
  segments: ElfSegment[];
  load_bias: bigint;
  phdr_addr: bigint;
  start_code: bigint;
  end_code: bigint;
  start_data: bigint;
  end_data: bigint;
  elf_brk: bigint;
}

/** elf_plan_segments: the PT_LOAD loop of load_elf_binary(), without touching memory.
 *  Overlapping PT_LOADs are allowed, as in Linux: later ones are mapped MAP_FIXED over the
 *  earlier ones, so for a shared page the later segment's bytes and protection win. */
function elf_plan_segments(file: Uint8Array, ehdr: ElfHdr, phdrs: ElfPhdr[],
                           stack: [number, number]): ElfLayout | ElfLoadError {
  const out: ElfLayout = {
    segments: [], load_bias: 0n, phdr_addr: 0n, start_code: U64_MASK, end_code: 0n,
    start_data: 0n, end_data: 0n, elf_brk: 0n,
  };
  let first_pt_load = true;
  for (let i = 0; i < phdrs.length; i++) {
    const ph = phdrs[i];
    if (ph.p_type !== PT_LOAD) continue;
    if (first_pt_load && ehdr.e_type === ET_DYN) {
      if (total_mapping_size(phdrs) === 0n) {
        return elf_error(EINVAL, "ET_DYN image has a zero total mapping size");
      }
      out.load_bias = elf_dyn_load_bias(phdrs, ph.p_vaddr);
    }
    first_pt_load = false;
    const seg = elf_load_checks(i, ph, out.load_bias, file.length, stack);
    if (is_error(seg)) return seg;
    out.segments.push(seg);
    // The segment whose file bytes hold the program headers gives AT_PHDR.
    if (ph.p_offset <= ehdr.e_phoff && ehdr.e_phoff < wrap(ph.p_offset + ph.p_filesz)) {
      out.phdr_addr = wrap(ehdr.e_phoff - ph.p_offset + ph.p_vaddr);
    }
    const k = ph.p_vaddr;
    if ((ph.p_flags & PF_X) && k < out.start_code) out.start_code = k;
    if (out.start_data < k) out.start_data = k;
    const file_end = k + ph.p_filesz;
    if ((ph.p_flags & PF_X) && out.end_code < file_end) out.end_code = file_end;
    if (out.end_data < file_end) out.end_data = file_end;
    if (k + ph.p_memsz > out.elf_brk) out.elf_brk = k + ph.p_memsz;
  }
  return out;
}

/** elf_find_interp: the first loop of load_elf_binary(): PT_INTERP and PT_GNU_STACK.
 *  Returns: whether the stack is executable, or ENOEXEC for a dynamic program.
 *  DIVERGES: Linux would open and load the interpreter; we have no dynamic loader yet. */
function elf_find_interp(phdrs: ElfPhdr[]): boolean | ElfLoadError {
  for (const ph of phdrs) {
    if (ph.p_type === PT_INTERP) {
      return elf_error(ENOEXEC, "dynamic ELF needs an interpreter; umwasm runs static binaries");
    }
  }
  // riscv's VM_DATA_DEFAULT_FLAGS has no VM_EXEC and riscv has no READ_IMPLIES_EXEC, so a
  // missing PT_GNU_STACK means a non-executable stack; the last PT_GNU_STACK wins.
  let executable_stack = false;
  for (const ph of phdrs) {
    if (ph.p_type === PT_GNU_STACK) executable_stack = (ph.p_flags & PF_X) !== 0;
  }
  return executable_stack;
}

/** The loader's record of what it has mapped and what it has written, so that a later
 *  PT_LOAD replaces an earlier one's pages the way MAP_FIXED would, without an unmap call. */
interface ElfMapState {
  mapped: [number, number][];
  dirty: [number, number][];
}

function range_add(list: [number, number][], start: number, end: number): void {
  list.push([start, end]);
  list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let w = 0;
  for (let r = 1; r < list.length; r++) {
    if (list[r][0] <= list[w][1]) list[w][1] = Math.max(list[w][1], list[r][1]);
    else list[++w] = list[r];
  }
  list.length = w + 1;
}

/** Parts of [start, end) covered (inside = true) or not covered by the sorted, merged list. */
function range_split(list: [number, number][], start: number, end: number,
                     inside: boolean): [number, number][] {
  const out: [number, number][] = [];
  let cur = start;
  for (const [s, e] of list) {
    if (e <= cur || s >= end) continue;
    if (s > cur && !inside) out.push([cur, s]);
    if (inside) out.push([Math.max(s, cur), Math.min(e, end)]);
    cur = Math.min(e, end);
  }
  if (cur < end && !inside) out.push([cur, end]);
  return out;
}

const ZERO_CHUNK = new Uint8Array(64 * 1024);

function poke_zeros(mm: ExecMm, start: number, end: number): number {
  for (let a = start; a < end; a += ZERO_CHUNK.length) {
    const ret = mm.poke(a, ZERO_CHUNK.subarray(0, Math.min(ZERO_CHUNK.length, end - a)));
    if (ret < 0) return ret;
  }
  return 0;
}

/** elf_map_anon: make [start, end) fresh zero pages, RW for now. New pages come from
 *  map_fixed(); pages an earlier PT_LOAD mapped and wrote are cleared instead, which is what
 *  Linux's MAP_FIXED / vm_brk_flags() replacement leaves behind. */
function elf_map_anon(mm: ExecMm, st: ElfMapState, start: number, end: number): number {
  for (const [s, e] of range_split(st.mapped, start, end, false)) {
    const ret = mm.map_fixed(s, e - s, PROT_READ | PROT_WRITE, 0);
    if (ret < 0) return ret;
  }
  for (const [s, e] of range_split(st.dirty, start, end, true)) {
    const ret = poke_zeros(mm, s, e);
    if (ret < 0) return ret;
  }
  range_add(st.mapped, start, end);
  return 0;
}

/** elf_load: map one planned PT_LOAD: file pages RW, copy, padzero, final prot, then bss. */
function elf_load(mm: ExecMm, st: ElfMapState, file: Uint8Array, seg: ElfSegment): number {
  let ret = 0;
  if (seg.map_len > 0) {
    ret = elf_map_anon(mm, st, seg.map_start, seg.map_start + seg.map_len);
    if (ret < 0) return ret;
    // Whole file pages, as mmap() would show them: the first page starts with whatever file
    // bytes precede p_offset, and bytes past EOF in the last page read as zero.
    const bytes = file.subarray(seg.file_offset,
                                Math.min(seg.file_offset + seg.map_len, file.length));
    ret = mm.poke(seg.map_start, bytes);
    if (ret < 0) return ret;
    range_add(st.dirty, seg.map_start, seg.map_start + bytes.length);
    if (seg.pad_len > 0) ret = poke_zeros(mm, seg.pad_start, seg.pad_start + seg.pad_len);
    if (ret < 0) return ret;
    ret = mm.protect(seg.map_start, seg.map_len, seg.prot);
    if (ret < 0) return ret;
  }
  if (seg.brk_len > 0) {
    ret = elf_map_anon(mm, st, seg.brk_start, seg.brk_start + seg.brk_len);
    if (ret < 0) return ret;
    // vm_brk_flags() pages get VM_DATA_DEFAULT_FLAGS (read/write) plus VM_EXEC only.
    ret = mm.protect(seg.brk_start, seg.brk_len,
                     PROT_READ | PROT_WRITE | (seg.prot & PROT_EXEC));
  }
  return ret;
}

/** elf_check_bprm: the caller's side of the contract; breaking it is a kernel bug. */
function elf_check_bprm(bprm: LinuxBinprm): void {
  if (bprm.stack_top % PAGE_SIZE !== 0 || bprm.stack_top <= 0 || bprm.stack_top > TASK_SIZE) {
    throw new Error(`BUG: load_elf_binary: stack_top ${hex(bprm.stack_top)} is not a page ` +
                    "aligned user address");
  }
  if (bprm.random_bytes.length !== 16) {
    throw new Error("BUG: load_elf_binary: AT_RANDOM needs exactly 16 bytes");
  }
  if (!(bprm.stack_limit_bytes >= 0)) { // Infinity stands for RLIM_INFINITY; NaN is a bug.
    throw new Error("BUG: load_elf_binary: stack_limit_bytes must be >= 0");
  }
  if (!Number.isSafeInteger(bprm.hwcap) || !Number.isSafeInteger(bprm.clktck)) {
    throw new Error("BUG: load_elf_binary: hwcap and clktck must be integers");
  }
}

/** Everything decided before the first ExecMm call. */
interface ElfPlan {
  strings: ArgStrings;
  ehdr: ElfHdr;
  executable_stack: boolean;
  lay: ElfTableLayout;
  stack: [number, number];
  layout: ElfLayout;
}

/** elf_plan: every check of execve() and load_elf_binary() that can reject the file, in
 *  Linux's order: the strings first (E2BIG wins over a bad file, as copy_strings() runs before
 *  any binary format is tried), then the header, program headers, PT_INTERP and the PT_LOADs. */
function elf_plan(bprm: LinuxBinprm): ElfPlan | ElfLoadError {
  const strings = copy_exec_strings(bprm.stack_top, bprm.filename, bprm.argv, bprm.envp,
                                    bprm.stack_limit_bytes);
  if (typeof strings === "number") {
    return elf_error(E2BIG, "argument list too long: argv/envp strings exceed the " +
                     "RLIMIT_STACK/4 budget, or one string exceeds MAX_ARG_STRLEN (32 pages)");
  }
  const ehdr = elf_read_ehdr(bprm.file);
  const bad = elf_check_ehdr(bprm.file, ehdr);
  if (bad) return bad;
  const phdrs = load_elf_phdrs(bprm.file, ehdr);
  if (is_error(phdrs)) return phdrs;
  const executable_stack = elf_find_interp(phdrs);
  if (typeof executable_stack !== "boolean") return executable_stack;
  // setup_arg_pages() runs before the PT_LOAD loop, so the stack is already there to collide
  // with; its extent depends only on the strings and the number of table entries.
  const lay = elf_table_layout(bprm, strings);
  const vm_start = stack_vm_start(bprm.stack_top, strings.p, lay.sp, bprm.stack_limit_bytes);
  if (vm_start < PAGE_SIZE) {
    return elf_error(ENOMEM, `stack of ${hex(bprm.stack_top - vm_start)} bytes does not fit ` +
                     `below stack_top ${hex(bprm.stack_top)}`);
  }
  const stack: [number, number] = [vm_start, bprm.stack_top];
  const layout = elf_plan_segments(bprm.file, ehdr, phdrs, stack);
  if (is_error(layout)) return layout;
  return { strings, ehdr, executable_stack, lay, stack, layout };
}

/** load_elf_binary: replace the (empty) address space behind mm with the program in bprm.
 *  Preconditions: mm maps nothing in the ranges the program needs (a fresh mm); stack_top is
 *  page aligned and at most TASK_SIZE; random_bytes holds 16 bytes (a violation throws, as a
 *  kernel bug).
 *  Returns: the mm fields and entry/sp for start_thread(), or an error: E2BIG (strings),
 *  ENOEXEC (not a loadable static riscv64 ELF), EINVAL/ENOMEM/EEXIST (segments Linux cannot
 *  map), or an ExecMm errno. An error before the first ExecMm call leaves mm untouched.
 *  Matches: fs/binfmt_elf.c load_elf_binary() for a static ET_EXEC or ET_DYN program, with
 *  no ASLR (stack, brk and load bias are not randomised: umwasm is deterministic). */
export function load_elf_binary(bprm: LinuxBinprm, mm: ExecMm): ElfLoadResult | ElfLoadError {
  elf_check_bprm(bprm);
  const plan = elf_plan(bprm);
  if (is_error(plan)) return plan;
  const { strings, ehdr, lay, stack, layout: lo } = plan;
  const bias = lo.load_bias;
  const e_entry = wrap(ehdr.e_entry + bias);
  // Linux checks only that the entry is a user address, not that any segment maps it, let
  // alone an executable one: such a program simply takes SIGSEGV on its first fetch.
  if (BAD_ADDR(e_entry)) return elf_error(EINVAL, `entry point ${hex(e_entry)} is beyond TASK_SIZE`);
  const fail = (ret: number, what: string): ElfLoadError =>
    elf_error(-ret, `mm refused ${what} (errno ${-ret})`);
  const stack_prot = PROT_READ | PROT_WRITE | (plan.executable_stack ? PROT_EXEC : 0);
  let ret = mm.map_fixed(stack[0], stack[1] - stack[0], stack_prot, MAP_GROWSDOWN);
  if (ret < 0) return fail(ret, "the stack mapping");
  ret = mm.poke(strings.p, strings.area);
  if (ret < 0) return fail(ret, "the argument strings");
  const st: ElfMapState = { mapped: [], dirty: [] };
  for (const seg of lo.segments) {
    ret = elf_load(mm, st, bprm.file, seg);
    if (ret < 0) return fail(ret, `a PT_LOAD at ${hex(seg.map_start)}`);
  }
  const v: AuxValues = {
    phdr_addr: wrap(lo.phdr_addr + bias), phnum: ehdr.e_phnum, e_entry,
    u_rand_bytes: lay.u_rand_bytes, exec: strings.exec, u_platform: lay.u_platform,
  };
  const tables = create_elf_tables(bprm, strings, lay, v);
  ret = mm.poke(lay.sp, tables.image.subarray(0, strings.p - lay.sp));
  if (ret < 0) return fail(ret, "the initial stack tables");
  return elf_result(lo, v, lay.sp, stack, tables);
}

/** elf_result: the mm_struct fields, biased, as load_elf_binary() stores them.
 *  DIVERGES: with no executable PT_LOAD Linux leaves start_code at ~0UL, which a double cannot
 *  hold; we report start_code = end_code = 0 instead. Likewise Linux (without COMPAT_BRK) moves
 *  a static PIE's brk to ELF_ET_DYN_BASE; our PIE already sits there, so brk follows its bss
 *  exactly as for ET_EXEC: start_brk = brk = PAGE_ALIGN(end of the highest segment). */
function elf_result(lo: ElfLayout, v: AuxValues, sp: number, stack: [number, number],
                    tables: ElfTables): ElfLoadResult {
  const bias = lo.load_bias;
  const has_code = lo.start_code !== U64_MASK;
  const brk = Number(ELF_PAGEALIGN(wrap(lo.elf_brk + bias)));
  return {
    entry: Number(v.e_entry),
    sp,
    start_code: has_code ? Number(wrap(lo.start_code + bias)) : 0,
    end_code: has_code ? Number(wrap(lo.end_code + bias)) : 0,
    start_data: Number(wrap(lo.start_data + bias)),
    end_data: Number(wrap(lo.end_data + bias)),
    start_brk: brk,
    brk,
    start_stack: sp,
    arg_start: tables.arg_start,
    arg_end: tables.arg_end,
    env_start: tables.env_start,
    env_end: tables.env_end,
    phdr_addr: Number(v.phdr_addr),
    stack_vm_start: stack[0],
    stack_vm_end: stack[1],
    saved_auxv: tables.saved_auxv,
  };
}
