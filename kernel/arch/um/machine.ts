// kernel/arch/um/machine.ts — the wasm core as the kernel sees it: harts, address spaces,
// the CPU slice, mm calls, user-memory access. One instance per booted kernel.
// Registers are read through typed-array views at offsets the core exports (HART_*), never
// through a copy of its layout. Views are re-made when linear memory grows.

import { instantiateSync } from "@assemblyscript/loader";

/** Why a CPU slice ended (assembly/arch/um/regs.ts STOP_*). */
export const STOP_BUDGET = 0;
export const STOP_SYSCALL = 1;
export const STOP_SIGNAL = 2;

/** A kernel bug inside the wasm core (a failed assert): never an answer to guest input. */
export class CoreBug extends Error {}

interface CoreExports {
  memory: WebAssembly.Memory;
  [name: string]: any;
}

export class Machine {
  readonly core: CoreExports;
  private u8!: Uint8Array;
  private dv!: DataView;
  private readonly off: Record<string, number> = {};
  readonly bounce: number;
  readonly bounceSize: number;
  /** Fills page `index` of a non-shmem page-cache mapping during a fault (the core's
   *  filemap_read_folio import): the bytes (at most a page), or -errno. Must not call back
   *  into the core. */
  read_folio: (mapping: number, index: bigint) => Uint8Array | number = () => -5;

  private constructor(core: CoreExports) {
    this.core = core;
    for (const k of ["HART_X", "HART_F", "HART_PC", "HART_FCSR", "HART_STOP_SIGNO", "HART_STOP_CODE",
      "HART_STOP_ADDR", "HART_INSTRET", "HART_TIME"]) {
      this.off[k] = (core[k] as WebAssembly.Global).value as number;
    }
    this.bounce = core.bounce_buffer() >>> 0;
    this.bounceSize = (core.BOUNCE_SIZE as WebAssembly.Global).value as number;
    this.views();
  }

  /** Instantiate the core and give it mem_bytes of guest physical memory. */
  static create(module: WebAssembly.Module, mem_bytes: number): Machine {
    let core: CoreExports | null = null;
    let machine: Machine | null = null;
    const imports = {
      env: {
        filemap_read_folio(mapping: number, index: bigint, dst: number): number {
          const r = machine!.read_folio(mapping >>> 0, index);
          if (typeof r === "number") return r;
          const n = Math.min(r.length, 4096);
          machine!.bytes().set(r.subarray(0, n), dst >>> 0);
          return n;
        },
        abort(msg: number, file: number, line: number, col: number): never {
          const text = core ? readAsString(core.memory, msg) : "?";
          const where = core ? readAsString(core.memory, file) : "?";
          throw new CoreBug(`core: ${text} at ${where}:${line}:${col}`);
        },
      },
    };
    const inst = instantiateSync(module, imports as any);
    core = inst.exports as unknown as CoreExports;
    core.core_init(Math.floor(mem_bytes / 4096));
    machine = new Machine(core);
    return machine;
  }

  private views(): void {
    this.u8 = new Uint8Array(this.core.memory.buffer);
    this.dv = new DataView(this.core.memory.buffer);
  }
  private view(): DataView {
    if (this.u8.buffer !== this.core.memory.buffer) this.views();
    return this.dv;
  }
  bytes(): Uint8Array {
    if (this.u8.buffer !== this.core.memory.buffer) this.views();
    return this.u8;
  }

  // Harts.
  hartAlloc(): number {
    return this.core.hart_alloc() >>> 0;
  }
  hartFree(h: number): void {
    this.core.hart_free(h);
  }
  /** Copy every register of hart src into hart dst (fork). */
  copyHart(dst: number, src: number): void {
    const size = (this.core.HART_SIZE as WebAssembly.Global).value as number;
    const b = this.bytes();
    b.copyWithin(dst, src, src + size);
  }
  /** Integer register i (0..31) as an unsigned 64-bit value. */
  getX(h: number, i: number): bigint {
    return this.view().getBigUint64(h + this.off.HART_X + i * 8, true);
  }
  setX(h: number, i: number, v: bigint): void {
    if (i !== 0) this.view().setBigUint64(h + this.off.HART_X + i * 8, BigInt.asUintN(64, v), true);
  }
  getF(h: number, i: number): bigint {
    return this.view().getBigUint64(h + this.off.HART_F + i * 8, true);
  }
  setF(h: number, i: number, v: bigint): void {
    this.view().setBigUint64(h + this.off.HART_F + i * 8, BigInt.asUintN(64, v), true);
  }
  getPc(h: number): bigint {
    return this.view().getBigUint64(h + this.off.HART_PC, true);
  }
  setPc(h: number, v: bigint): void {
    this.view().setBigUint64(h + this.off.HART_PC, BigInt.asUintN(64, v), true);
  }
  getFcsr(h: number): number {
    return this.view().getUint32(h + this.off.HART_FCSR, true);
  }
  setFcsr(h: number, v: number): void {
    this.view().setUint32(h + this.off.HART_FCSR, v & 0xff, true);
  }
  instret(h: number): bigint {
    return this.view().getBigUint64(h + this.off.HART_INSTRET, true);
  }
  setTime(h: number, ticks: bigint): void {
    this.view().setBigUint64(h + this.off.HART_TIME, ticks, true);
  }
  /** The synchronous signal of the last STOP_SIGNAL: signo, si_code, si_addr. */
  stopSignal(h: number): { signo: number; code: number; addr: bigint } {
    const dv = this.view();
    return {
      signo: dv.getUint32(h + this.off.HART_STOP_SIGNO, true),
      code: dv.getUint32(h + this.off.HART_STOP_CODE, true),
      addr: dv.getBigUint64(h + this.off.HART_STOP_ADDR, true),
    };
  }

  /** Run hart h in mm for at most budget instructions; returns STOP_*. */
  run(h: number, mm: number, budget: number): number {
    return this.core.cpu_run(h, mm, budget);
  }

  // Address spaces.
  mmNew(): number {
    return this.core.mm_new() >>> 0;
  }
  mmDestroy(mm: number): void {
    this.core.mm_destroy(mm);
  }
  nrFreePages(): number {
    return this.core.mem_nr_free() >>> 0;
  }

  /** Read len bytes of user memory; null when any byte is inaccessible (EFAULT). */
  readUser(mm: number, addr: bigint, len: number): Uint8Array | null {
    const out = new Uint8Array(len);
    for (let done = 0; done < len;) {
      const chunk = Math.min(this.bounceSize, len - done);
      if (this.core.user_read(mm, addr + BigInt(done), chunk) !== 0) return null;
      out.set(this.bytes().subarray(this.bounce, this.bounce + chunk), done);
      done += chunk;
    }
    return out;
  }

  /** Write bytes to user memory; false when any byte is inaccessible (EFAULT). */
  writeUser(mm: number, addr: bigint, data: Uint8Array): boolean {
    for (let done = 0; done < data.length;) {
      const chunk = Math.min(this.bounceSize, data.length - done);
      this.bytes().set(data.subarray(done, done + chunk), this.bounce);
      if (this.core.user_write(mm, addr + BigInt(done), chunk) !== 0) return false;
      done += chunk;
    }
    return true;
  }

  /** A NUL-terminated user string of at most max bytes (without the NUL), or -errno. */
  readUserString(mm: number, addr: bigint, max: number): Uint8Array | number {
    const n = this.core.user_strnlen(mm, addr, max);
    if (n < 0) return -14; // EFAULT
    if (n >= max) return -36; // ENAMETOOLONG
    return this.readUser(mm, addr, n) ?? -14;
  }
}

/** An AssemblyScript string (UTF-16, byte length at ptr - 4) out of linear memory. */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return "";
  const dv = new DataView(memory.buffer);
  const len = dv.getUint32(ptr - 4, true);
  let s = "";
  for (let i = 0; i < len; i += 2) s += String.fromCharCode(dv.getUint16(ptr + i, true));
  return s;
}
