// kernel/exec_stack.ts — the initial user stack of a new program image.
// Owns: the byte layout of the strings at the top of the new stack (filename for AT_EXECFN,
// envp strings, argv strings), the size of the stack vma that setup_arg_pages() leaves, and
// the tables below the strings: argc, argv[], envp[], auxv, AT_RANDOM bytes, AT_PLATFORM.
// Derived: nothing; binfmt_elf.ts supplies the ELF values and pokes the bytes into the mm.
// Invariants: every address here is below stack_top <= TASK_SIZE (2^38), so doubles are exact;
// the strings sit in [p, stack_top - 8) and the top 8 bytes stay zero, as in Linux.
// Follows Linux fs/exec.c (6.x): bprm_stack_limits(), copy_string_kernel(), copy_strings(),
// the argc == 0 fix-up in do_execveat_common(), and setup_arg_pages(); fs/binfmt_elf.c
// create_elf_tables() with riscv's ARCH_DLINFO (arch/riscv/include/asm/elf.h) and
// arch_align_stack() (arch/riscv/kernel/process.c).
// Linux builds the strings in a temporary mm at STACK_TOP_MAX and shifts them to the randomised
// stack top later; only offsets from the top matter, so we lay them out at stack_top directly.

import type { LinuxBinprm } from "./binfmt_elf";
import { E2BIG } from "./errno";

export const PAGE_SIZE = 4096;
/** Sv39 user address space: every user address is below 2^38. */
export const TASK_SIZE = 0x40_0000_0000;

/** include/uapi/linux/binfmts.h: the longest single argv/envp string, NUL included. */
export const MAX_ARG_STRLEN = 32 * PAGE_SIZE;
/** include/uapi/linux/binfmts.h: the most argv or envp entries. */
export const MAX_ARG_STRINGS = 0x7fffffff;
/** include/uapi/linux/limits.h ARG_MAX: strings always get at least this much room. */
export const ARG_MAX = 32 * PAGE_SIZE;
/** include/linux/sched.h _STK_LIM: the default RLIMIT_STACK, 8 MiB. */
export const _STK_LIM = 8 * 1024 * 1024;
/** fs/exec.c setup_arg_pages(): the stack is expanded by this much beyond the strings. */
export const STACK_EXPAND_BYTES = 128 * 1024;

const ELF_PHDR_BYTES = 56; // AT_PHENT: sizeof(struct elf64_phdr)

const utf8 = new TextEncoder();

/** The strings as copy_strings() leaves them: bprm->p, bprm->exec and the bytes above p. */
export interface ArgStrings {
  /** bprm->p: lowest string byte; becomes mm->arg_start (the argv[0] string). */
  p: number;
  /** bprm->exec: address of the filename string, the value of AT_EXECFN. */
  exec: number;
  /** argc after the argc == 0 fix-up (an empty argv[0] is added, as Linux does since 5.18). */
  argc: number;
  envc: number;
  /** Bytes of [p, stack_top): argv strings, envp strings, filename, then 8 zero bytes. */
  area: Uint8Array;
}

/** A string as the kernel sees it: bytes up to the first NUL, like strnlen_user() stops. */
function arg_bytes(s: string): Uint8Array {
  const bytes = utf8.encode(s);
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

/** bprm_stack_limits: the lowest address the strings may reach (bprm->argmin).
 *  Returns: argmin, or -E2BIG when the argv/envp pointers alone exceed the limit.
 *  Matches: fs/exec.c bprm_stack_limits(); rlim_cur is the new RLIMIT_STACK. */
export function bprm_stack_limits(p: number, argc: number, envc: number,
                                  stack_limit_bytes: number): number {
  // 1/4 of the stack rlimit, at most 3/4 of _STK_LIM, but never below the historic 32 pages.
  let limit = Math.min((_STK_LIM / 4) * 3, Math.floor(stack_limit_bytes / 4));
  limit = Math.max(limit, ARG_MAX);
  if (argc > MAX_ARG_STRINGS || envc > MAX_ARG_STRINGS) return -E2BIG;
  // The pointer arrays are written much later, when failing is no longer possible, so their
  // room is reserved now; argc == 0 still reserves one pointer for the "" argv[0] added later.
  const ptr_size = (Math.max(argc, 1) + envc) * 8;
  if (limit <= ptr_size) return -E2BIG;
  return p - (limit - ptr_size);
}

/** copy_exec_strings: place filename, envp and argv strings below stack_top.
 *  Preconditions: stack_top is page aligned (checked by load_elf_binary).
 *  Returns: the layout, or -E2BIG for a string longer than MAX_ARG_STRLEN or strings beyond
 *  the bprm_stack_limits() budget.
 *  Matches: do_execveat_common()'s copy_string_kernel(filename), copy_strings(envp),
 *  copy_strings(argv) and the empty argv[0] added when argc == 0. */
export function copy_exec_strings(stack_top: number, filename: string, argv: readonly string[],
                                  envp: readonly string[],
                                  stack_limit_bytes: number): ArgStrings | number {
  // __bprm_mm_init() starts below one NULL pointer's worth of space at the very top.
  let p = stack_top - 8;
  const argmin = bprm_stack_limits(p, argv.length, envp.length, stack_limit_bytes);
  if (argmin < 0) return argmin;
  const placed: { addr: number; bytes: Uint8Array }[] = [];
  // Each string goes just below the previous one; Linux copies the vectors last entry first,
  // so argv[0] ends up lowest and the filename highest.
  const push = (s: string): number => {
    const bytes = arg_bytes(s);
    const len = bytes.length + 1;
    if (len > MAX_ARG_STRLEN) return -E2BIG;
    p -= len;
    if (p < argmin) return -E2BIG;
    placed.push({ addr: p, bytes });
    return 0;
  };
  let ret = push(filename);
  if (ret < 0) return ret;
  const exec = p;
  for (let i = envp.length - 1; i >= 0; i--) {
    ret = push(envp[i]);
    if (ret < 0) return ret;
  }
  for (let i = argv.length - 1; i >= 0; i--) {
    ret = push(argv[i]);
    if (ret < 0) return ret;
  }
  let argc = argv.length;
  if (argc === 0) {
    // Programs that start at argv[1] would otherwise walk into envp (CVE-2021-4034).
    ret = push("");
    if (ret < 0) return ret;
    argc = 1;
  }
  const area = new Uint8Array(stack_top - p);
  for (const s of placed) area.set(s.bytes, s.addr - p); // NULs come from the zeroed buffer.
  return { p, exec, argc, envc: envp.length, area };
}

/** setup_arg_pages: where the stack vma starts once the new image is set up.
 *  Linux's vma first covers the pages the strings touched, then is expanded by 128 KiB (capped
 *  by RLIMIT_STACK), and create_elf_tables() extends it again down to the final sp.
 *  Returns: vm_start (page aligned; vm_end is stack_top).
 *  Matches: fs/exec.c setup_arg_pages() plus find_extend_vma() in create_elf_tables(). */
export function stack_vm_start(stack_top: number, strings_p: number, sp: number,
                               stack_limit_bytes: number): number {
  const vm_start = page_start(strings_p);
  const stack_size = stack_top - vm_start;
  const rlim_stack = Math.floor(stack_limit_bytes / PAGE_SIZE) * PAGE_SIZE;
  const stack_expand = Math.min(rlim_stack, stack_size + STACK_EXPAND_BYTES);
  // expand_stack() only ever grows the vma, so a tiny rlimit never shrinks it below the strings.
  return Math.min(vm_start, stack_top - stack_expand, page_start(sp));
}

/** ELF_PAGESTART for exact (below 2^53) addresses; `&` would cut them to 32 bits. */
export function page_start(addr: number): number {
  return addr - (addr % PAGE_SIZE);
}

// include/uapi/linux/auxvec.h and arch/riscv/include/uapi/asm/auxvec.h
export const AT_NULL = 0;
export const AT_PHDR = 3;
export const AT_PHENT = 4;
export const AT_PHNUM = 5;
export const AT_PAGESZ = 6;
export const AT_BASE = 7;
export const AT_FLAGS = 8;
export const AT_ENTRY = 9;
export const AT_UID = 11;
export const AT_EUID = 12;
export const AT_GID = 13;
export const AT_EGID = 14;
export const AT_PLATFORM = 15;
export const AT_HWCAP = 16;
export const AT_CLKTCK = 17;
export const AT_SECURE = 23;
export const AT_RANDOM = 25;
export const AT_EXECFN = 31;
export const AT_L1I_CACHESIZE = 40;
export const AT_L1I_CACHEGEOMETRY = 41;
export const AT_L1D_CACHESIZE = 42;
export const AT_L1D_CACHEGEOMETRY = 43;
export const AT_L2_CACHESIZE = 44;
export const AT_L2_CACHEGEOMETRY = 45;
export const AT_L3_CACHESIZE = 46;
export const AT_L3_CACHEGEOMETRY = 47;
export const AT_MINSIGSTKSZ = 51;

/** arch/riscv signal_minsigstksz for RV64GC without V: sizeof(struct rt_sigframe) rounded to
 *  16 = 128 (siginfo) + 960 (ucontext with the 528-byte Q-sized FP area). Checked against
 *  riscv64-linux-gnu headers; a vector unit would add riscv_v_sc_size plus an END header. */
export const RISCV_MINSIGSTKSZ = 1088;

/** The values create_elf_tables() puts in auxv, decided before the table is laid out. */
export interface AuxValues {
  phdr_addr: bigint;
  phnum: number;
  e_entry: bigint;
  u_rand_bytes: number;
  exec: number;
  u_platform: number;
}

const u64 = (n: number): bigint => BigInt.asUintN(64, BigInt(n));

/** elf_info: auxv in the order create_elf_tables() emits it on riscv, AT_NULL last.
 *  ARCH_DLINFO comes first. DIVERGES: AT_SYSINFO_EHDR is left out because umwasm has no vDSO.
 *  The cache entries are unconditional in Linux and carry 0 ("not known") when the device
 *  tree has no cache nodes, as on QEMU's virt board; we give 0 too. AT_MINSIGSTKSZ is always
 *  emitted because signal_minsigstksz is never 0. riscv defines neither ELF_HWCAP2 nor
 *  ELF_BASE_PLATFORM, so AT_HWCAP2 and AT_BASE_PLATFORM never appear; AT_EXECFD needs binfmt_misc. */
function elf_info(bprm: LinuxBinprm, v: AuxValues): bigint[] {
  const aux: bigint[] = [];
  const NEW_AUX_ENT = (id: number, val: bigint): void => { aux.push(BigInt(id), val); };
  NEW_AUX_ENT(AT_L1I_CACHESIZE, 0n);
  NEW_AUX_ENT(AT_L1I_CACHEGEOMETRY, 0n);
  NEW_AUX_ENT(AT_L1D_CACHESIZE, 0n);
  NEW_AUX_ENT(AT_L1D_CACHEGEOMETRY, 0n);
  NEW_AUX_ENT(AT_L2_CACHESIZE, 0n);
  NEW_AUX_ENT(AT_L2_CACHEGEOMETRY, 0n);
  NEW_AUX_ENT(AT_L3_CACHESIZE, 0n);
  NEW_AUX_ENT(AT_L3_CACHEGEOMETRY, 0n);
  NEW_AUX_ENT(AT_MINSIGSTKSZ, BigInt(RISCV_MINSIGSTKSZ));
  NEW_AUX_ENT(AT_HWCAP, u64(bprm.hwcap));
  NEW_AUX_ENT(AT_PAGESZ, BigInt(PAGE_SIZE));
  NEW_AUX_ENT(AT_CLKTCK, u64(bprm.clktck));
  NEW_AUX_ENT(AT_PHDR, v.phdr_addr);
  NEW_AUX_ENT(AT_PHENT, BigInt(ELF_PHDR_BYTES));
  NEW_AUX_ENT(AT_PHNUM, BigInt(v.phnum));
  NEW_AUX_ENT(AT_BASE, 0n); // No interpreter.
  NEW_AUX_ENT(AT_FLAGS, 0n); // AT_FLAGS_PRESERVE_ARGV0 is only set by binfmt_misc.
  NEW_AUX_ENT(AT_ENTRY, v.e_entry);
  // from_kuid_munged() yields a 32-bit uid_t, zero-extended into the 64-bit slot.
  NEW_AUX_ENT(AT_UID, BigInt(bprm.uid >>> 0));
  NEW_AUX_ENT(AT_EUID, BigInt(bprm.euid >>> 0));
  NEW_AUX_ENT(AT_GID, BigInt(bprm.gid >>> 0));
  NEW_AUX_ENT(AT_EGID, BigInt(bprm.egid >>> 0));
  NEW_AUX_ENT(AT_SECURE, bprm.secure ? 1n : 0n);
  NEW_AUX_ENT(AT_RANDOM, BigInt(v.u_rand_bytes));
  NEW_AUX_ENT(AT_EXECFN, BigInt(v.exec));
  if (bprm.platform !== undefined) NEW_AUX_ENT(AT_PLATFORM, BigInt(v.u_platform));
  NEW_AUX_ENT(AT_NULL, 0n);
  return aux;
}

/** Where create_elf_tables() puts things below the strings; depends only on counts. */
export interface ElfTableLayout {
  u_platform: number;
  platform_bytes: Uint8Array;
  u_rand_bytes: number;
  sp: number;
}

/** elf_table_layout: the address arithmetic of create_elf_tables().
 *  arch_align_stack() on riscv subtracts a random amount below a page when randomize_va_space
 *  is on, then aligns to 16; we are deterministic and do only the alignment.
 *
 *    stack_top  8 zero bytes | filename | envp strings | argv strings    <- strings.p
 *               (align 16) platform string | 16 AT_RANDOM bytes          <- p
 *               pad to 16 | auxv pairs | NULL | envp[] | NULL | argv[] | argc  <- sp */
export function elf_table_layout(bprm: LinuxBinprm, strings: ArgStrings): ElfTableLayout {
  let p = strings.p - (strings.p % 16);
  let u_platform = 0;
  let platform_bytes = new Uint8Array(0);
  if (bprm.platform !== undefined) {
    const bytes = utf8.encode(bprm.platform);
    const nul = bytes.indexOf(0);
    platform_bytes = nul < 0 ? bytes : bytes.subarray(0, nul);
    p -= platform_bytes.length + 1; // STACK_ALLOC(p, strlen + 1)
    u_platform = p;
  }
  p -= 16;
  const u_rand_bytes = p;
  const dummy: AuxValues = { phdr_addr: 0n, phnum: 0, e_entry: 0n, u_rand_bytes: 0, exec: 0,
                             u_platform: 0 };
  const ei_index = elf_info(bprm, dummy).length;
  const items = (strings.argc + 1) + (strings.envc + 1) + 1;
  // STACK_ADD(p, ei_index), then STACK_ROUND(sp, items): down by the words, then to 16.
  const sp_unaligned = p - (ei_index + items) * 8;
  return { u_platform, platform_bytes, u_rand_bytes, sp: sp_unaligned - (sp_unaligned % 16) };
}

/** The initial stack as bytes of [sp, stack_top) plus the mm fields it defines. */
export interface ElfTables {
  image: Uint8Array;
  arg_start: number;
  arg_end: number;
  env_start: number;
  env_end: number;
  saved_auxv: bigint[];
}

/** create_elf_tables: fill argc, argv[], envp[], auxv, AT_RANDOM bytes and the platform string.
 *  Matches: fs/binfmt_elf.c create_elf_tables() on a stack that grows down. */
export function create_elf_tables(bprm: LinuxBinprm, strings: ArgStrings, lay: ElfTableLayout,
                           v: AuxValues): ElfTables {
  const stack_top = bprm.stack_top;
  const image = new Uint8Array(stack_top - lay.sp);
  const dv = new DataView(image.buffer);
  image.set(strings.area, strings.p - lay.sp);
  image.set(bprm.random_bytes, lay.u_rand_bytes - lay.sp);
  if (bprm.platform !== undefined) image.set(lay.platform_bytes, lay.u_platform - lay.sp);
  let off = 0;
  const put_user = (val: bigint): void => { dv.setBigUint64(off, val, true); off += 8; };
  put_user(BigInt(strings.argc));
  // Walk the strings themselves, as strnlen_user() does: argv[0] starts at arg_start.
  let p = strings.p;
  const arg_start = p;
  const next = (q: number): number => image.indexOf(0, q - lay.sp) + lay.sp + 1;
  for (let i = 0; i < strings.argc; i++) { put_user(BigInt(p)); p = next(p); }
  put_user(0n);
  const arg_end = p;
  for (let i = 0; i < strings.envc; i++) { put_user(BigInt(p)); p = next(p); }
  put_user(0n);
  const env_end = p;
  const saved_auxv = elf_info(bprm, v);
  for (const word of saved_auxv) put_user(word);
  return { image, arg_start, arg_end, env_start: arg_end, env_end, saved_auxv };
}
