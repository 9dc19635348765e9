// arch/um/cpu.ts — the RV64GC user-mode executor: run one hart for a budget of instructions.
// Owns: nothing persistent; all state is the hart (regs.ts) and the TLB/decode caches.
// Shape (DESIGN.md "the CPU is a hot loop"): a page is looked up in the exec TLB only when
// control enters it; inside it the slot pointer walks that page's decoded slots, one dense
// switch dispatches them, and same-page branches and common instruction pairs (decode_fuse)
// need no pc arithmetic. Loads and stores check the read/write TLB inline and leave misses,
// page-crossing accesses and faults to mmu.ts. Retired instructions are counted exactly: a
// faulting instruction is not retired; ecall is retired before the syscall stop, as Linux
// advances sepc past it on entry.

import { PAGE_SHIFT } from "../../include/mman";
import {
  HART_F, HART_PC, HART_FCSR, HART_STOP_SIGNO, HART_STOP_CODE, HART_STOP_ADDR, HART_INSTRET,
  HART_RESV_ADDR, HART_RESV_VALID, HART_TIME, STOP_BUDGET, STOP_SYSCALL, STOP_SIGNAL, SIGILL,
  SIGTRAP, SIGBUS, ILL_ILLOPC, TRAP_BRKPT, BUS_ADRALN,
} from "./regs";
import * as D from "./decode";
import { decode_insn, decode_fuse, SLOT_SIZE } from "./decode";
import { tlb_r, tlb_w, tlb_x } from "./tlb";
import { tlb_fill, mmu_load_slow, mmu_store_slow, mmu_fetch_host, mmu_host_for, mmu_fault, mmu_fault_addr } from "./mmu";
import { fault_signo, fault_code, ACC_READ, ACC_WRITE, ACC_EXEC } from "./fault";
import { decode_cache_mark, dpage_clear, DPAGE_STRIDE } from "./decode_cache";
import { host_to_pfn } from "../../mm/page_alloc";
import * as F from "./softfloat";

const CANON_NAN_S: u32 = 0x7fc00000;

export function cpu_init(): void {
  straddle_base = heap.alloc(DPAGE_STRIDE + 16);
  straddle_base = (straddle_base + 15) & ~(<usize>15);
  dpage_clear(straddle_base);
}

// Registers (by byte offset in the hart, as the decoder stores them) and slot fields.
@inline function rx(h: usize, off: u32): u64 {
  return load<u64>(h + <usize>off);
}
@inline function wx(h: usize, off: u32, v: u64): void {
  store<u64>(h + <usize>off, v);
}
@inline function rf(h: usize, off: u32): u64 {
  return load<u64>(h + <usize>off);
}
@inline function wf(h: usize, off: u32, v: u64): void {
  store<u64>(h + <usize>off, v);
}
/** A single read through NaN-unboxing: anything not boxed in ones is the canonical NaN. */
@inline function rfs(h: usize, r: u32): u32 {
  const v = rf(h, r);
  return (v >> 32) == 0xffffffff ? <u32>v : CANON_NAN_S;
}
@inline function wfs(h: usize, r: u32, v: u32): void {
  wf(h, r, 0xffffffff00000000 | <u64>v);
}
@inline function sx32(v: u64): u64 {
  return <u64><i64><i32><u32>v;
}
@inline function s_rd(s: usize): u32 {
  return <u32>load<u16>(s, 2);
}
@inline function s_rs1(s: usize): u32 {
  return <u32>load<u16>(s, 4);
}
@inline function s_rs2(s: usize): u32 {
  return <u32>load<u16>(s, 6);
}
@inline function s_rs3(s: usize): u32 {
  return <u32>load<u16>(s, 12);
}
@inline function s_rm(s: usize): u32 {
  return <u32>load<u8>(s, 14);
}
@inline function s_imm(s: usize): u64 {
  return <u64><i64>load<i32>(s, 8);
}

/** The host address of a size-byte access at a, if the TLB has it and it stays in one page. */
@inline function tlb_host(table: usize, a: u64, size: u32): usize {
  const vpn = a >> PAGE_SHIFT;
  const e = table + (<usize>(vpn & 4095) << 4);
  if (load<u64>(e) == vpn && (<u32>a & 4095) <= 4096 - size) {
    return <usize>load<u32>(e, 8) + <usize>(<u32>a & 4095);
  }
  return 0;
}

/** The hart's rounding mode for slot s: the static rm, or frm when dynamic (7). */
@inline function fp_rm(h: usize, s: usize): u32 {
  const rm = s_rm(s);
  return rm == 7 ? (load<u32>(h, HART_FCSR) >> 5) & 7 : rm;
}

/** 64x64 → high 64 bits, unsigned. */
function mulhu(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}
function mulh(a: u64, b: u64): u64 {
  let r = mulhu(a, b);
  if (<i64>a < 0) r -= b;
  if (<i64>b < 0) r -= a;
  return r;
}
function mulhsu(a: u64, b: u64): u64 {
  let r = mulhu(a, b);
  if (<i64>a < 0) r -= b;
  return r;
}
@inline function div64(a: u64, b: u64): u64 {
  if (b == 0) return <u64>-1;
  if (a == 0x8000000000000000 && b == <u64>-1) return a;
  return <u64>(<i64>a / <i64>b);
}
@inline function rem64(a: u64, b: u64): u64 {
  if (b == 0) return a;
  if (a == 0x8000000000000000 && b == <u64>-1) return 0;
  return <u64>(<i64>a % <i64>b);
}
@inline function div32(a: u64, b: u64): u64 {
  const x = <i32>a, y = <i32>b;
  if (y == 0) return <u64>-1;
  if (x == i32.MIN_VALUE && y == -1) return sx32(<u64><u32>x);
  return <u64><i64>(x / y);
}
@inline function rem32(a: u64, b: u64): u64 {
  const x = <i32>a, y = <i32>b;
  if (y == 0) return <u64><i64>x;
  if (x == i32.MIN_VALUE && y == -1) return 0;
  return <u64><i64>(x % y);
}
@inline function divu32(a: u64, b: u64): u64 {
  const x = <u32>a, y = <u32>b;
  if (y == 0) return <u64>-1;
  return sx32(<u64>(x / y));
}
@inline function remu32(a: u64, b: u64): u64 {
  const x = <u32>a, y = <u32>b;
  if (y == 0) return sx32(<u64>x);
  return sx32(<u64>(x % y));
}

/** One AMO: the new memory value from old and src. */
@inline function amo_apply(fn: u32, old: u64, src: u64, word: bool): u64 {
  switch (fn) {
    case D.AMOFN_SWAP: return src;
    case D.AMOFN_ADD: return old + src;
    case D.AMOFN_XOR: return old ^ src;
    case D.AMOFN_AND: return old & src;
    case D.AMOFN_OR: return old | src;
    case D.AMOFN_MIN:
      if (word) return <i32>old < <i32>src ? old : src;
      return <i64>old < <i64>src ? old : src;
    case D.AMOFN_MAX:
      if (word) return <i32>old > <i32>src ? old : src;
      return <i64>old > <i64>src ? old : src;
    case D.AMOFN_MINU:
      if (word) return <u32>old < <u32>src ? old : src;
      return old < src ? old : src;
    default: // MAXU
      if (word) return <u32>old > <u32>src ? old : src;
      return old > src ? old : src;
  }
}

// Stop bookkeeping: every exit writes pc, instret and the accrued FP flags back.
@inline function hart_save(h: usize, pc: u64, n: u32): void {
  store<u64>(h, pc, HART_PC);
  store<u64>(h, load<u64>(h, HART_INSTRET) + <u64>n, HART_INSTRET);
  store<u32>(h, (load<u32>(h, HART_FCSR) & ~31) | (F.fflags_acc & 31), HART_FCSR);
}
function stop_signal(h: usize, pc: u64, n: u32, signo: u32, code: u32, addr: u64): i32 {
  hart_save(h, pc, n);
  store<u32>(h, signo, HART_STOP_SIGNO);
  store<u32>(h, code, HART_STOP_CODE);
  store<u64>(h, addr, HART_STOP_ADDR);
  return STOP_SIGNAL;
}
function stop_fault(h: usize, pc: u64, n: u32): i32 {
  return stop_signal(h, pc, n, fault_signo, fault_code, mmu_fault_addr);
}
function stop_illegal(h: usize, pc: u64, n: u32): i32 {
  return stop_signal(h, pc, n, SIGILL, ILL_ILLOPC, pc);
}

/** Zicsr on the user-level CSRs. Returns the old value, or -1 (as u64 with bit 63 set and a
 *  marker) when the access is illegal; legal values never use the marker. */
const CSR_ILLEGAL: u64 = 0xdead_0000_0000_0001;
function csr_access(h: usize, csr: u32, kind: u32, src: u64, writes: bool, n: u32): u64 {
  let old: u64;
  const fcsr = load<u32>(h, HART_FCSR);
  switch (csr) {
    case 0x001: old = <u64>(F.fflags_acc & 31); break;
    case 0x002: old = <u64>((fcsr >> 5) & 7); break;
    case 0x003: old = <u64>((fcsr & 0xe0) | (F.fflags_acc & 31)); break;
    case 0xc00: case 0xc02: old = load<u64>(h, HART_INSTRET) + <u64>n; break;
    case 0xc01: old = load<u64>(h, HART_TIME); break;
    default: return CSR_ILLEGAL;
  }
  if (!writes) return old;
  if (csr >= 0xc00) return CSR_ILLEGAL; // read-only
  let v = kind == 0 ? src : kind == 1 ? old | src : old & ~src;
  if (csr == 0x001) {
    F.fflags_acc = <u32>v & 31;
  } else if (csr == 0x002) {
    store<u32>(h, (fcsr & 0x1f) | ((<u32>v & 7) << 5), HART_FCSR);
  } else {
    F.fflags_acc = <u32>v & 31;
    store<u32>(h, <u32>v & 0xff, HART_FCSR);
  }
  return old;
}

/** The decoded page of the page holding va, from the exec TLB (faulting it in on a miss).
 *  Returns 0 on a fetch fault (fault_signo/fault_code set); fetch_fhost is the frame. */
let fetch_fhost: usize = 0;
function fetch_page(va: u64): usize {
  const vpn = va >> PAGE_SHIFT;
  const e = tlb_x + (<usize>(vpn & 4095) << 4);
  if (load<u64>(e) != vpn && tlb_fill(va, ACC_EXEC) == 0) return 0;
  fetch_fhost = <usize>load<u32>(e, 8);
  return <usize>load<u32>(e, 12);
}

/** Slots for a 32-bit instruction that starts at a page's last halfword: it is decoded afresh
 *  each time (its second half lives in another page that may change on its own). The slot
 *  sits where slot 2047 of a page would, so the two end slots after it work as usual. */
let straddle_base: usize = 0; // a decoded page of its own: only slot 2047 and the end slots are used

/** Exactly one of the executor's two loops, inlined twice. In the fast loop the budget is
 *  checked only at control transfers and page ends (never more than 2049 instructions apart);
 *  the exact loop checks before every instruction and finishes the slice. The pc is not kept:
 *  it is derived from the slot, pc = pcb + s / 8 with pcb = page_va - dp / 8 (decoded pages
 *  are 16-byte aligned). Few values live across the dispatch, so they stay in registers. */
@inline function run_loop(h: usize, limit: u32, exact: bool): i32 {
  let n = run_n;
  // IALIGN is 16 with the C extension: bit 0 of the pc does not exist (a tracer may set it).
  let tgt = load<u64>(h, HART_PC) & ~(<u64>1);
  let dp = fetch_page(tgt);
  if (dp == 0) return stop_signal(h, tgt, n, fault_signo, fault_code, tgt);
  let pcb = (tgt & ~(<u64>4095)) - <u64>(dp >> 3);
  let s = dp + (<usize>(<u32>tgt & 4094) << 3);
  let force = false;
  while (true) {
    if (exact && n >= limit) {
      hart_save(h, (pcb + <u64>(s >> 3)), n);
      return STOP_BUDGET;
    }
    const w = load<u32>(s);
    switch (<i32>(w & 0xff)) {
      case D.OP_NONE: {
        const pc = (pcb + <u64>(s >> 3));
        const off = <usize>(<u32>pc & 4095);
        fetch_page(pc); // an exec TLB hit: the frame of this page
        const fhost = fetch_fhost;
        const lo = <u32>load<u16>(fhost + off);
        if ((lo & 3) != 3 || off != 4094) {
          decode_insn(s, lo, (lo & 3) == 3 ? <u32>load<u16>(fhost + off + 2) : 0, <i32>off);
          // Look at the next instruction when it lies wholly in this page: a pair may fuse.
          const next = off + ((lo & 3) == 3 ? 4 : 2);
          if (next <= 4094) {
            const lo2 = <u32>load<u16>(fhost + next);
            if ((lo2 & 3) != 3 || next <= 4092) decode_fuse(s, lo2, (lo2 & 3) == 3 ? <u32>load<u16>(fhost + next + 2) : 0);
          }
          decode_cache_mark(host_to_pfn(fhost));
          continue;
        }
        const h2 = mmu_fetch_host(pc + 2);
        if (h2 == 0) return stop_fault(h, pc, n);
        const hi = <u32>load<u16>(h2);
        // Faulting the next page in may have recycled decoded pages: read this one again.
        if (fetch_page(pc) == 0) return stop_signal(h, pc, n, fault_signo, fault_code, pc);
        dp = straddle_base;
        pcb = (pc & ~(<u64>4095)) - <u64>(dp >> 3);
        s = straddle_base + 2047 * SLOT_SIZE;
        decode_insn(s, <u32>load<u16>(fetch_fhost + 4094), hi, -1);
        // dp is not this page's decoded page: whatever follows must look the page up.
        force = true;
        continue;
      }
      case D.OP_PAGE_END:
        tgt = (pcb + <u64>(s >> 3));
        force = true;
        break;
      case D.OP_ILLEGAL: return stop_illegal(h, (pcb + <u64>(s >> 3)), n);
      case D.OP_LUI: wx(h, w >> 16, s_imm(s)); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_AUIPC: wx(h, w >> 16, (pcb + <u64>(s >> 3)) + s_imm(s)); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_JAL: {
        const pc = (pcb + <u64>(s >> 3));
        wx(h, w >> 16, pc + <u64>((w >> 11) & 31));
        tgt = pc + s_imm(s);
        n++;
        break;
      }
      case D.OP_JALR: {
        const pc = (pcb + <u64>(s >> 3));
        tgt = (rx(h, s_rs1(s)) + s_imm(s)) & ~(<u64>1);
        wx(h, w >> 16, pc + <u64>((w >> 11) & 31));
        n++;
        break;
      }
      case D.OP_BEQ:
        if (rx(h, s_rs1(s)) == rx(h, s_rs2(s))) { tgt = (pcb + <u64>(s >> 3)) + s_imm(s); n++; break; }
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_BNE:
        if (rx(h, s_rs1(s)) != rx(h, s_rs2(s))) { tgt = (pcb + <u64>(s >> 3)) + s_imm(s); n++; break; }
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_BLT:
        if (<i64>rx(h, s_rs1(s)) < <i64>rx(h, s_rs2(s))) { tgt = (pcb + <u64>(s >> 3)) + s_imm(s); n++; break; }
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_BGE:
        if (<i64>rx(h, s_rs1(s)) >= <i64>rx(h, s_rs2(s))) { tgt = (pcb + <u64>(s >> 3)) + s_imm(s); n++; break; }
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_BLTU:
        if (rx(h, s_rs1(s)) < rx(h, s_rs2(s))) { tgt = (pcb + <u64>(s >> 3)) + s_imm(s); n++; break; }
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_BGEU:
        if (rx(h, s_rs1(s)) >= rx(h, s_rs2(s))) { tgt = (pcb + <u64>(s >> 3)) + s_imm(s); n++; break; }
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_BEQ_L:
        if (rx(h, s_rs1(s)) == rx(h, s_rs2(s))) { s += <usize>load<i32>(s, 8); n++; if (!exact && n >= limit) { tgt = (pcb + <u64>(s >> 3)); break; } continue; }
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_BNE_L:
        if (rx(h, s_rs1(s)) != rx(h, s_rs2(s))) { s += <usize>load<i32>(s, 8); n++; if (!exact && n >= limit) { tgt = (pcb + <u64>(s >> 3)); break; } continue; }
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_BLT_L:
        if (<i64>rx(h, s_rs1(s)) < <i64>rx(h, s_rs2(s))) { s += <usize>load<i32>(s, 8); n++; if (!exact && n >= limit) { tgt = (pcb + <u64>(s >> 3)); break; } continue; }
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_BGE_L:
        if (<i64>rx(h, s_rs1(s)) >= <i64>rx(h, s_rs2(s))) { s += <usize>load<i32>(s, 8); n++; if (!exact && n >= limit) { tgt = (pcb + <u64>(s >> 3)); break; } continue; }
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_BLTU_L:
        if (rx(h, s_rs1(s)) < rx(h, s_rs2(s))) { s += <usize>load<i32>(s, 8); n++; if (!exact && n >= limit) { tgt = (pcb + <u64>(s >> 3)); break; } continue; }
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_BGEU_L:
        if (rx(h, s_rs1(s)) >= rx(h, s_rs2(s))) { s += <usize>load<i32>(s, 8); n++; if (!exact && n >= limit) { tgt = (pcb + <u64>(s >> 3)); break; } continue; }
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_JAL_L:
        wx(h, w >> 16, (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31));
        s += <usize>load<i32>(s, 8);
        n++;
        if (!exact && n >= limit) { tgt = (pcb + <u64>(s >> 3)); break; }
        continue;
      case D.OP_J_L:
        s += <usize>load<i32>(s, 8);
        n++;
        if (!exact && n >= limit) { tgt = (pcb + <u64>(s >> 3)); break; }
        continue;
      case D.OP_SLLI_ADD:
        wx(h, w >> 16, rx(h, s_rs1(s)) << s_imm(s));
        // The exact loop may have room for only the first of the pair.
        if (exact && n + 1 >= limit) { s += <usize>load<u8>(s, 15); n++; continue; }
        wx(h, <u32>load<u8>(s, 14) << 3, rx(h, s_rs2(s)) + rx(h, s_rs3(s)));
        s += <usize>((w >> 8) & 0xff); n += 2; continue;
      case D.OP_SLLI_ADDI:
        wx(h, w >> 16, rx(h, s_rs1(s)) << s_imm(s));
        if (exact && n + 1 >= limit) { s += <usize>load<u8>(s, 15); n++; continue; }
        wx(h, <u32>load<u8>(s, 14) << 3, rx(h, s_rs2(s)) + <u64><i64>load<i16>(s, 12));
        s += <usize>((w >> 8) & 0xff); n += 2; continue;
      case D.OP_ADDI_ADD:
        wx(h, w >> 16, rx(h, s_rs1(s)) + s_imm(s));
        if (exact && n + 1 >= limit) { s += <usize>load<u8>(s, 15); n++; continue; }
        wx(h, <u32>load<u8>(s, 14) << 3, rx(h, s_rs2(s)) + rx(h, s_rs3(s)));
        s += <usize>((w >> 8) & 0xff); n += 2; continue;
      case D.OP_MUL_ADD:
        wx(h, w >> 16, rx(h, s_rs1(s)) * rx(h, s_rs2(s)));
        if (exact && n + 1 >= limit) { s += <usize>load<u8>(s, 15); n++; continue; }
        wx(h, <u32>load<u8>(s, 14) << 3, rx(h, <u32>load<u8>(s, 12) << 3) + rx(h, <u32>load<u8>(s, 13) << 3));
        s += <usize>((w >> 8) & 0xff); n += 2; continue;
      case D.OP_ADDI_ADDI:
        wx(h, w >> 16, rx(h, s_rs1(s)) + s_imm(s));
        if (exact && n + 1 >= limit) { s += <usize>load<u8>(s, 15); n++; continue; }
        wx(h, <u32>load<u8>(s, 14) << 3, rx(h, s_rs2(s)) + <u64><i64>load<i16>(s, 12));
        s += <usize>((w >> 8) & 0xff); n += 2; continue;
      case D.OP_LBU_ADDI: case D.OP_LW_ADD: {
        const lw = (w & 0xff) == D.OP_LW_ADD;
        const p = tlb_host(tlb_r, rx(h, s_rs1(s)) + s_imm(s), lw ? 4 : 1);
        if (p != 0 && !(exact && n + 1 >= limit)) {
          if (lw) {
            wx(h, w >> 16, <u64><i64>load<i32>(p));
            wx(h, <u32>load<u8>(s, 14) << 3, rx(h, s_rs2(s)) + rx(h, s_rs3(s)));
          } else {
            wx(h, w >> 16, <u64>load<u8>(p));
            wx(h, <u32>load<u8>(s, 14) << 3, rx(h, s_rs2(s)) + <u64><i64>load<i16>(s, 12));
          }
          s += <usize>((w >> 8) & 0xff); n += 2; continue;
        }
        // Only the load: the TLB missed, or the budget has room for one instruction.
        if (p != 0) {
          wx(h, w >> 16, lw ? <u64><i64>load<i32>(p) : <u64>load<u8>(p));
          s += <usize>load<u8>(s, 15); n++; continue;
        }
        if (!load_miss(h, s, lw ? D.OP_LW : D.OP_LBU, w >> 16)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>(load<u8>(s, 15) >> 3);
        force = true;
        n++;
        break;
      }
      case D.OP_LB: {
        const p = tlb_host(tlb_r, rx(h, s_rs1(s)) + s_imm(s), 1);
        if (p != 0) { wx(h, w >> 16, <u64><i64>load<i8>(p)); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!load_miss(h, s, <i32>(w & 0xff), w >> 16)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true; // the fault may have recycled decoded pages: resync through a lookup
        n++;
        break;
      }
      case D.OP_LH: {
        const p = tlb_host(tlb_r, rx(h, s_rs1(s)) + s_imm(s), 2);
        if (p != 0) { wx(h, w >> 16, <u64><i64>load<i16>(p)); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!load_miss(h, s, <i32>(w & 0xff), w >> 16)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true; // the fault may have recycled decoded pages: resync through a lookup
        n++;
        break;
      }
      case D.OP_LW: {
        const p = tlb_host(tlb_r, rx(h, s_rs1(s)) + s_imm(s), 4);
        if (p != 0) { wx(h, w >> 16, <u64><i64>load<i32>(p)); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!load_miss(h, s, <i32>(w & 0xff), w >> 16)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true; // the fault may have recycled decoded pages: resync through a lookup
        n++;
        break;
      }
      case D.OP_LD: {
        const p = tlb_host(tlb_r, rx(h, s_rs1(s)) + s_imm(s), 8);
        if (p != 0) { wx(h, w >> 16, load<u64>(p)); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!load_miss(h, s, <i32>(w & 0xff), w >> 16)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true; // the fault may have recycled decoded pages: resync through a lookup
        n++;
        break;
      }
      case D.OP_LBU: {
        const p = tlb_host(tlb_r, rx(h, s_rs1(s)) + s_imm(s), 1);
        if (p != 0) { wx(h, w >> 16, <u64>load<u8>(p)); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!load_miss(h, s, <i32>(w & 0xff), w >> 16)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true; // the fault may have recycled decoded pages: resync through a lookup
        n++;
        break;
      }
      case D.OP_LHU: {
        const p = tlb_host(tlb_r, rx(h, s_rs1(s)) + s_imm(s), 2);
        if (p != 0) { wx(h, w >> 16, <u64>load<u16>(p)); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!load_miss(h, s, <i32>(w & 0xff), w >> 16)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true; // the fault may have recycled decoded pages: resync through a lookup
        n++;
        break;
      }
      case D.OP_LWU: {
        const p = tlb_host(tlb_r, rx(h, s_rs1(s)) + s_imm(s), 4);
        if (p != 0) { wx(h, w >> 16, <u64>load<u32>(p)); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!load_miss(h, s, <i32>(w & 0xff), w >> 16)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true; // the fault may have recycled decoded pages: resync through a lookup
        n++;
        break;
      }
      case D.OP_SB: {
        const p = tlb_host(tlb_w, rx(h, s_rs1(s)) + s_imm(s), 1);
        if (p != 0) { store<u8>(p, <u8>rx(h, s_rs2(s))); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!store_miss(h, s, w)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true;
        n++;
        break;
      }
      case D.OP_SH: {
        const p = tlb_host(tlb_w, rx(h, s_rs1(s)) + s_imm(s), 2);
        if (p != 0) { store<u16>(p, <u16>rx(h, s_rs2(s))); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!store_miss(h, s, w)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true;
        n++;
        break;
      }
      case D.OP_SW: {
        const p = tlb_host(tlb_w, rx(h, s_rs1(s)) + s_imm(s), 4);
        if (p != 0) { store<u32>(p, <u32>rx(h, s_rs2(s))); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!store_miss(h, s, w)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true;
        n++;
        break;
      }
      case D.OP_SD: {
        const p = tlb_host(tlb_w, rx(h, s_rs1(s)) + s_imm(s), 8);
        if (p != 0) { store<u64>(p, rx(h, s_rs2(s))); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!store_miss(h, s, w)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true;
        n++;
        break;
      }
      case D.OP_ADDI: wx(h, w >> 16, rx(h, s_rs1(s)) + s_imm(s)); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SLTI: wx(h, w >> 16, <i64>rx(h, s_rs1(s)) < <i64>s_imm(s) ? 1 : 0); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SLTIU: wx(h, w >> 16, rx(h, s_rs1(s)) < s_imm(s) ? 1 : 0); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_XORI: wx(h, w >> 16, rx(h, s_rs1(s)) ^ s_imm(s)); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_ORI: wx(h, w >> 16, rx(h, s_rs1(s)) | s_imm(s)); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_ANDI: wx(h, w >> 16, rx(h, s_rs1(s)) & s_imm(s)); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SLLI: wx(h, w >> 16, rx(h, s_rs1(s)) << s_imm(s)); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SRLI: wx(h, w >> 16, rx(h, s_rs1(s)) >> s_imm(s)); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SRAI: wx(h, w >> 16, <u64>(<i64>rx(h, s_rs1(s)) >> <i64>s_imm(s))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_ADD: wx(h, w >> 16, rx(h, s_rs1(s)) + rx(h, s_rs2(s))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SUB: wx(h, w >> 16, rx(h, s_rs1(s)) - rx(h, s_rs2(s))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SLL: wx(h, w >> 16, rx(h, s_rs1(s)) << (rx(h, s_rs2(s)) & 63)); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SLT: wx(h, w >> 16, <i64>rx(h, s_rs1(s)) < <i64>rx(h, s_rs2(s)) ? 1 : 0); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SLTU: wx(h, w >> 16, rx(h, s_rs1(s)) < rx(h, s_rs2(s)) ? 1 : 0); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_XOR: wx(h, w >> 16, rx(h, s_rs1(s)) ^ rx(h, s_rs2(s))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SRL: wx(h, w >> 16, rx(h, s_rs1(s)) >> (rx(h, s_rs2(s)) & 63)); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SRA: wx(h, w >> 16, <u64>(<i64>rx(h, s_rs1(s)) >> <i64>(rx(h, s_rs2(s)) & 63))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_OR: wx(h, w >> 16, rx(h, s_rs1(s)) | rx(h, s_rs2(s))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_AND: wx(h, w >> 16, rx(h, s_rs1(s)) & rx(h, s_rs2(s))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_ADDIW: wx(h, w >> 16, sx32(rx(h, s_rs1(s)) + s_imm(s))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SLLIW: wx(h, w >> 16, sx32(<u64>(<u32>rx(h, s_rs1(s)) << <u32>s_imm(s)))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SRLIW: wx(h, w >> 16, sx32(<u64>(<u32>rx(h, s_rs1(s)) >> <u32>s_imm(s)))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SRAIW: wx(h, w >> 16, <u64><i64>(<i32>rx(h, s_rs1(s)) >> <i32>s_imm(s))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_ADDW: wx(h, w >> 16, sx32(rx(h, s_rs1(s)) + rx(h, s_rs2(s)))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SUBW: wx(h, w >> 16, sx32(rx(h, s_rs1(s)) - rx(h, s_rs2(s)))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SLLW: wx(h, w >> 16, sx32(<u64>(<u32>rx(h, s_rs1(s)) << (<u32>rx(h, s_rs2(s)) & 31)))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SRLW: wx(h, w >> 16, sx32(<u64>(<u32>rx(h, s_rs1(s)) >> (<u32>rx(h, s_rs2(s)) & 31)))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_SRAW: wx(h, w >> 16, <u64><i64>(<i32>rx(h, s_rs1(s)) >> (<i32>rx(h, s_rs2(s)) & 31))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_FENCE: s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_ECALL: hart_save(h, (pcb + <u64>(s >> 3)) + 4, n + 1); return STOP_SYSCALL;
      case D.OP_EBREAK: {
        const pc = (pcb + <u64>(s >> 3));
        return stop_signal(h, pc, n, SIGTRAP, TRAP_BRKPT, pc);
      }
      case D.OP_MUL: wx(h, w >> 16, rx(h, s_rs1(s)) * rx(h, s_rs2(s))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_MULW: wx(h, w >> 16, sx32(rx(h, s_rs1(s)) * rx(h, s_rs2(s)))); s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_MULH: case D.OP_MULHSU: case D.OP_MULHU: case D.OP_DIV: case D.OP_DIVU:
      case D.OP_REM: case D.OP_REMU: case D.OP_DIVW: case D.OP_DIVUW: case D.OP_REMW: case D.OP_REMUW:
        wx(h, w >> 16, muldiv(<i32>(w & 0xff), rx(h, s_rs1(s)), rx(h, s_rs2(s))));
        s += <usize>((w >> 8) & 0xff); n++; continue;
      case D.OP_LR_W: case D.OP_LR_D: case D.OP_SC_W: case D.OP_SC_D: case D.OP_AMO_W: case D.OP_AMO_D: {
        const r = cpu_atomic(h, s, w);
        if (r != 0) return stop_atomic(h, (pcb + <u64>(s >> 3)), n, r);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true;
        n++;
        break;
      }
      case D.OP_CSRRW: case D.OP_CSRRS: case D.OP_CSRRC:
      case D.OP_CSRRWI: case D.OP_CSRRSI: case D.OP_CSRRCI: {
        const op = w & 0xff;
        const imm_form = op >= <u32>D.OP_CSRRWI;
        const kind = op - (imm_form ? <u32>D.OP_CSRRWI : <u32>D.OP_CSRRW);
        const src = imm_form ? <u64>s_rs1(s) : rx(h, s_rs1(s));
        const writes = kind == 0 || s_rs1(s) != 0;
        const old = csr_access(h, <u32>load<i32>(s, 8) & 0xfff, kind, src, writes, n);
        if (old == CSR_ILLEGAL) return stop_illegal(h, (pcb + <u64>(s >> 3)), n);
        wx(h, w >> 16, old);
        s += <usize>((w >> 8) & 0xff); n++; continue;
      }
      case D.OP_FLD: {
        const p = tlb_host(tlb_r, rx(h, s_rs1(s)) + s_imm(s), 8);
        if (p != 0) { wf(h, w >> 16, load<u64>(p)); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!load_miss(h, s, <i32>(w & 0xff), w >> 16)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true; // the fault may have recycled decoded pages: resync through a lookup
        n++;
        break;
      }
      case D.OP_FSD: {
        const p = tlb_host(tlb_w, rx(h, s_rs1(s)) + s_imm(s), 8);
        if (p != 0) { store<u64>(p, rf(h, s_rs2(s))); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!store_miss(h, s, w)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true;
        n++;
        break;
      }
      case D.OP_FLW: {
        const p = tlb_host(tlb_r, rx(h, s_rs1(s)) + s_imm(s), 4);
        if (p != 0) { wfs(h, w >> 16, load<u32>(p)); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!load_miss(h, s, <i32>(w & 0xff), w >> 16)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true; // the fault may have recycled decoded pages: resync through a lookup
        n++;
        break;
      }
      case D.OP_FSW: {
        const p = tlb_host(tlb_w, rx(h, s_rs1(s)) + s_imm(s), 4);
        if (p != 0) { store<u32>(p, <u32>rf(h, s_rs2(s))); s += <usize>((w >> 8) & 0xff); n++; continue; }
        if (!store_miss(h, s, w)) return stop_fault(h, (pcb + <u64>(s >> 3)), n);
        tgt = (pcb + <u64>(s >> 3)) + <u64>((w >> 11) & 31);
        force = true;
        n++;
        break;
      }
      // The common double-precision arithmetic stays in the loop; the rest goes to cpu_fp().
      case D.OP_FADD_D: case D.OP_FSUB_D: case D.OP_FMUL_D: case D.OP_FDIV_D:
      case D.OP_FMADD_D: case D.OP_FMSUB_D: case D.OP_FNMSUB_D: case D.OP_FNMADD_D: {
        const rm = fp_rm(h, s);
        if (rm > 4) return stop_illegal(h, (pcb + <u64>(s >> 3)), n);
        const op = <i32>(w & 0xff);
        const x = rf(h, s_rs1(s)), y = rf(h, s_rs2(s));
        let r: u64;
        if (op == D.OP_FADD_D) r = F.f64_add(x, y, rm);
        else if (op == D.OP_FMUL_D) r = F.f64_mul(x, y, rm);
        else if (op == D.OP_FMADD_D) r = F.f64_fmadd(x, y, rf(h, s_rs3(s)), rm);
        else if (op == D.OP_FSUB_D) r = F.f64_sub(x, y, rm);
        else if (op == D.OP_FDIV_D) r = F.f64_div(x, y, rm);
        else if (op == D.OP_FMSUB_D) r = F.f64_fmsub(x, y, rf(h, s_rs3(s)), rm);
        else if (op == D.OP_FNMSUB_D) r = F.f64_fnmsub(x, y, rf(h, s_rs3(s)), rm);
        else r = F.f64_fnmadd(x, y, rf(h, s_rs3(s)), rm);
        wf(h, w >> 16, r);
        s += <usize>((w >> 8) & 0xff); n++; continue;
      }
      case D.OP_FSGNJ_D: wf(h, w >> 16, (rf(h, s_rs1(s)) & 0x7fffffffffffffff) | (rf(h, s_rs2(s)) & 0x8000000000000000)); s += <usize>((w >> 8) & 0xff); n++; continue;
      default:
        if (!cpu_fp(h, s)) return stop_illegal(h, (pcb + <u64>(s >> 3)), n);
        s += <usize>((w >> 8) & 0xff); n++; continue;
    }
    // A control transfer (or a page end, or a resync after a slow path) to tgt. When the
    // budget is spent the target is not fetched: its fault belongs to the next slice.
    if (n >= limit) {
      if (exact) {
        hart_save(h, tgt, n);
        return STOP_BUDGET;
      }
      store<u64>(h, tgt, HART_PC);
      run_n = n;
      return RUN_CONTINUE;
    }
    if (!force && (tgt ^ (pcb + <u64>(dp >> 3))) < 4096) {
      s = dp + (<usize>(<u32>tgt & 4094) << 3);
      continue;
    }
    force = false;
    dp = fetch_page(tgt);
    if (dp == 0) return stop_signal(h, tgt, n, fault_signo, fault_code, tgt);
    pcb = (tgt & ~(<u64>4095)) - <u64>(dp >> 3);
    s = dp + (<usize>(<u32>tgt & 4094) << 3);
  }
  return STOP_BUDGET; // not reached
}

/** Instructions retired so far in this cpu_run (carried from the fast loop to the exact one). */
let run_n: u32 = 0;
const RUN_CONTINUE: i32 = -1;
/** More than the longest run without a control transfer or page end (2048 + a straddler). */
const EXACT_MARGIN: u32 = 4096;

/** cpu_run: run hart h in the TLB's mm until budget instructions retire or it stops.
 *  Returns STOP_*; pc, instret and fcsr are written back to the hart in every case. */
export function cpu_run(h: usize, budget: u32): i32 {
  F.fflags_acc = load<u32>(h, HART_FCSR) & 31;
  // Linux clears a hart's reservation on every return to user space (a dummy sc in
  // ret_from_exception); a slice boundary is such a return.
  store<u32>(h, 0, HART_RESV_VALID);
  run_n = 0;
  let r = RUN_CONTINUE;
  if (budget > EXACT_MARGIN) r = run_fast(h, budget - EXACT_MARGIN);
  if (r == RUN_CONTINUE) r = run_exact(h, budget);
  return r;
}
function run_fast(h: usize, limit: u32): i32 {
  return run_loop(h, limit, false);
}
function run_exact(h: usize, limit: u32): i32 {
  return run_loop(h, limit, true);
}

/** MULH*, DIV* and REM*: rare enough to live out of the loop. */
function muldiv(op: i32, a: u64, b: u64): u64 {
  switch (op) {
    case D.OP_MULH: return mulh(a, b);
    case D.OP_MULHSU: return mulhsu(a, b);
    case D.OP_MULHU: return mulhu(a, b);
    case D.OP_DIV: return div64(a, b);
    case D.OP_DIVU: return b == 0 ? <u64>-1 : a / b;
    case D.OP_REM: return rem64(a, b);
    case D.OP_REMU: return b == 0 ? a : a % b;
    case D.OP_DIVW: return div32(a, b);
    case D.OP_DIVUW: return divu32(a, b);
    case D.OP_REMW: return rem32(a, b);
    default: return remu32(a, b);
  }
}

// cpu_atomic results: 0 done, else the synchronous signal to raise.
const ATOMIC_MISALIGNED: i32 = 1;
const ATOMIC_FAULT: i32 = 2;

/** LR, SC and the AMOs. Atomic accesses must be naturally aligned (SIGBUS otherwise). */
function cpu_atomic(h: usize, s: usize, w: u32): i32 {
  const op = <i32>(w & 0xff);
  const rd = w >> 16;
  const word = op == D.OP_LR_W || op == D.OP_SC_W || op == D.OP_AMO_W;
  const a = rx(h, s_rs1(s));
  atomic_addr = a;
  if (a & (word ? 3 : 7)) return ATOMIC_MISALIGNED;
  if (op == D.OP_LR_W || op == D.OP_LR_D) {
    const p = mmu_host_for(a, ACC_READ);
    if (p == 0) return ATOMIC_FAULT;
    wx(h, rd, word ? sx32(<u64>load<u32>(p)) : load<u64>(p));
    store<u64>(h, a, HART_RESV_ADDR);
    store<u32>(h, 1, HART_RESV_VALID);
    return 0;
  }
  const p = mmu_host_for(a, ACC_WRITE);
  if (p == 0) return ATOMIC_FAULT;
  const src = rx(h, s_rs2(s));
  if (op == D.OP_SC_W || op == D.OP_SC_D) {
    const ok = load<u32>(h, HART_RESV_VALID) != 0 && load<u64>(h, HART_RESV_ADDR) == a;
    store<u32>(h, 0, HART_RESV_VALID);
    if (ok) {
      if (word) store<u32>(p, <u32>src);
      else store<u64>(p, src);
    }
    wx(h, rd, ok ? 0 : 1);
    return 0;
  }
  const fn = s_rm(s);
  if (word) {
    const old = sx32(<u64>load<u32>(p));
    store<u32>(p, <u32>amo_apply(fn, old, src, true));
    wx(h, rd, old);
  } else {
    const old = load<u64>(p);
    store<u64>(p, amo_apply(fn, old, src, false));
    wx(h, rd, old);
  }
  return 0;
}
let atomic_addr: u64 = 0;

function stop_atomic(h: usize, pc: u64, n: u32, r: i32): i32 {
  if (r == ATOMIC_MISALIGNED) return stop_signal(h, pc, n, SIGBUS, BUS_ADRALN, atomic_addr);
  return stop_fault(h, pc, n);
}

/** A load the TLB fast path could not serve: the slow path for every width and kind, writing
 *  rd (integer or FP, extended or NaN-boxed as the op says). Returns false on a fault. */
function load_miss(h: usize, s: usize, op: i32, rd: u32): bool {
  const size: u32 = op == D.OP_LB || op == D.OP_LBU ? 1 : op == D.OP_LH || op == D.OP_LHU ? 2
    : op == D.OP_LD || op == D.OP_FLD ? 8 : 4;
  let v = mmu_load_slow(rx(h, s_rs1(s)) + s_imm(s), size);
  if (mmu_fault) return false;
  if (op == D.OP_LB) v = <u64><i64><i8>v;
  else if (op == D.OP_LH) v = <u64><i64><i16>v;
  else if (op == D.OP_LW) v = sx32(v);
  if (op == D.OP_FLW) wfs(h, rd, <u32>v);
  else wx(h, rd, v); // integer and FLD: both a plain 64-bit register write
  return true;
}

/** A store the TLB fast path could not serve. Returns false on a fault. */
function store_miss(h: usize, s: usize, w: u32): bool {
  const op = <i32>(w & 0xff);
  const size: u32 = op == D.OP_SB ? 1 : op == D.OP_SH ? 2 : op == D.OP_SD || op == D.OP_FSD ? 8 : 4;
  mmu_store_slow(rx(h, s_rs1(s)) + s_imm(s), size, rx(h, s_rs2(s)));
  return !mmu_fault;
}

/** The F and D computational instructions (no memory access). Returns false for an illegal
 *  rounding mode (a dynamic rm while frm holds 5, 6 or 7), true otherwise. */
function cpu_fp(h: usize, s: usize): bool {
  const op = <i32>load<u8>(s);
  const rd = s_rd(s), r1 = s_rs1(s), r2 = s_rs2(s);
  const rm = fp_rm(h, s);
  if (rm > 4) return false;
  switch (op) {
    case D.OP_FMADD_S: wfs(h, rd, F.f32_fmadd(rfs(h, r1), rfs(h, r2), rfs(h, s_rs3(s)), rm)); break;
    case D.OP_FMSUB_S: wfs(h, rd, F.f32_fmsub(rfs(h, r1), rfs(h, r2), rfs(h, s_rs3(s)), rm)); break;
    case D.OP_FNMSUB_S: wfs(h, rd, F.f32_fnmsub(rfs(h, r1), rfs(h, r2), rfs(h, s_rs3(s)), rm)); break;
    case D.OP_FNMADD_S: wfs(h, rd, F.f32_fnmadd(rfs(h, r1), rfs(h, r2), rfs(h, s_rs3(s)), rm)); break;
    case D.OP_FMADD_D: wf(h, rd, F.f64_fmadd(rf(h, r1), rf(h, r2), rf(h, s_rs3(s)), rm)); break;
    case D.OP_FMSUB_D: wf(h, rd, F.f64_fmsub(rf(h, r1), rf(h, r2), rf(h, s_rs3(s)), rm)); break;
    case D.OP_FNMSUB_D: wf(h, rd, F.f64_fnmsub(rf(h, r1), rf(h, r2), rf(h, s_rs3(s)), rm)); break;
    case D.OP_FNMADD_D: wf(h, rd, F.f64_fnmadd(rf(h, r1), rf(h, r2), rf(h, s_rs3(s)), rm)); break;
    case D.OP_FADD_S: wfs(h, rd, F.f32_add(rfs(h, r1), rfs(h, r2), rm)); break;
    case D.OP_FSUB_S: wfs(h, rd, F.f32_sub(rfs(h, r1), rfs(h, r2), rm)); break;
    case D.OP_FMUL_S: wfs(h, rd, F.f32_mul(rfs(h, r1), rfs(h, r2), rm)); break;
    case D.OP_FDIV_S: wfs(h, rd, F.f32_div(rfs(h, r1), rfs(h, r2), rm)); break;
    case D.OP_FSQRT_S: wfs(h, rd, F.f32_sqrt(rfs(h, r1), rm)); break;
    case D.OP_FADD_D: wf(h, rd, F.f64_add(rf(h, r1), rf(h, r2), rm)); break;
    case D.OP_FSUB_D: wf(h, rd, F.f64_sub(rf(h, r1), rf(h, r2), rm)); break;
    case D.OP_FMUL_D: wf(h, rd, F.f64_mul(rf(h, r1), rf(h, r2), rm)); break;
    case D.OP_FDIV_D: wf(h, rd, F.f64_div(rf(h, r1), rf(h, r2), rm)); break;
    case D.OP_FSQRT_D: wf(h, rd, F.f64_sqrt(rf(h, r1), rm)); break;
    case D.OP_FSGNJ_S: wfs(h, rd, (rfs(h, r1) & 0x7fffffff) | (rfs(h, r2) & 0x80000000)); break;
    case D.OP_FSGNJN_S: wfs(h, rd, (rfs(h, r1) & 0x7fffffff) | (~rfs(h, r2) & 0x80000000)); break;
    case D.OP_FSGNJX_S: wfs(h, rd, rfs(h, r1) ^ (rfs(h, r2) & 0x80000000)); break;
    case D.OP_FSGNJ_D: wf(h, rd, (rf(h, r1) & 0x7fffffffffffffff) | (rf(h, r2) & 0x8000000000000000)); break;
    case D.OP_FSGNJN_D: wf(h, rd, (rf(h, r1) & 0x7fffffffffffffff) | (~rf(h, r2) & 0x8000000000000000)); break;
    case D.OP_FSGNJX_D: wf(h, rd, rf(h, r1) ^ (rf(h, r2) & 0x8000000000000000)); break;
    case D.OP_FMIN_S: wfs(h, rd, F.f32_min(rfs(h, r1), rfs(h, r2))); break;
    case D.OP_FMAX_S: wfs(h, rd, F.f32_max(rfs(h, r1), rfs(h, r2))); break;
    case D.OP_FMIN_D: wf(h, rd, F.f64_min(rf(h, r1), rf(h, r2))); break;
    case D.OP_FMAX_D: wf(h, rd, F.f64_max(rf(h, r1), rf(h, r2))); break;
    case D.OP_FCVT_S_D: wfs(h, rd, F.f64_to_f32(rf(h, r1), rm)); break;
    case D.OP_FCVT_D_S: wf(h, rd, F.f32_to_f64(rfs(h, r1))); break;
    case D.OP_FEQ_S: wx(h, rd, <u64>F.f32_eq(rfs(h, r1), rfs(h, r2))); break;
    case D.OP_FLT_S: wx(h, rd, <u64>F.f32_lt(rfs(h, r1), rfs(h, r2))); break;
    case D.OP_FLE_S: wx(h, rd, <u64>F.f32_le(rfs(h, r1), rfs(h, r2))); break;
    case D.OP_FEQ_D: wx(h, rd, <u64>F.f64_eq(rf(h, r1), rf(h, r2))); break;
    case D.OP_FLT_D: wx(h, rd, <u64>F.f64_lt(rf(h, r1), rf(h, r2))); break;
    case D.OP_FLE_D: wx(h, rd, <u64>F.f64_le(rf(h, r1), rf(h, r2))); break;
    case D.OP_FCVT_W_S: wx(h, rd, <u64>F.f32_to_i32(rfs(h, r1), rm)); break;
    case D.OP_FCVT_WU_S: wx(h, rd, <u64>F.f32_to_u32(rfs(h, r1), rm)); break;
    case D.OP_FCVT_L_S: wx(h, rd, <u64>F.f32_to_i64(rfs(h, r1), rm)); break;
    case D.OP_FCVT_LU_S: wx(h, rd, <u64>F.f32_to_u64(rfs(h, r1), rm)); break;
    case D.OP_FCVT_W_D: wx(h, rd, <u64>F.f64_to_i32(rf(h, r1), rm)); break;
    case D.OP_FCVT_WU_D: wx(h, rd, <u64>F.f64_to_u32(rf(h, r1), rm)); break;
    case D.OP_FCVT_L_D: wx(h, rd, <u64>F.f64_to_i64(rf(h, r1), rm)); break;
    case D.OP_FCVT_LU_D: wx(h, rd, <u64>F.f64_to_u64(rf(h, r1), rm)); break;
    case D.OP_FCVT_S_W: wfs(h, rd, F.i32_to_f32(<i32>rx(h, r1), rm)); break;
    case D.OP_FCVT_S_WU: wfs(h, rd, F.u32_to_f32(<u32>rx(h, r1), rm)); break;
    case D.OP_FCVT_S_L: wfs(h, rd, F.i64_to_f32(<i64>rx(h, r1), rm)); break;
    case D.OP_FCVT_S_LU: wfs(h, rd, F.u64_to_f32(rx(h, r1), rm)); break;
    case D.OP_FCVT_D_W: wf(h, rd, F.i32_to_f64(<i32>rx(h, r1), rm)); break;
    case D.OP_FCVT_D_WU: wf(h, rd, F.u32_to_f64(<u32>rx(h, r1), rm)); break;
    case D.OP_FCVT_D_L: wf(h, rd, F.i64_to_f64(<i64>rx(h, r1), rm)); break;
    case D.OP_FCVT_D_LU: wf(h, rd, F.u64_to_f64(rx(h, r1), rm)); break;
    case D.OP_FMV_X_W: wx(h, rd, sx32(rf(h, r1))); break;
    case D.OP_FCLASS_S: wx(h, rd, <u64>F.f32_classify(rfs(h, r1))); break;
    case D.OP_FMV_X_D: wx(h, rd, rf(h, r1)); break;
    case D.OP_FCLASS_D: wx(h, rd, <u64>F.f64_classify(rf(h, r1))); break;
    case D.OP_FMV_W_X: wfs(h, rd, <u32>rx(h, r1)); break;
    case D.OP_FMV_D_X: wf(h, rd, rx(h, r1)); break;
    default: assert(false, "unknown decoded op");
  }
  return true;
}
