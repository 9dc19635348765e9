// kernel/fs/userfaultfd.ts — userfaultfd(2) (fs/userfaultfd.c, 6.18): an anon-inode file
// "[userfaultfd]" through which a monitor learns of page faults in ranges it registered, and
// resolves them. Write-protect mode: UFFDIO_WRITEPROTECT marks pages (the core's uffd-wp PTE
// bit, assembly/mm/userfaultfd.ts); a write to one stops the CPU with FAULT_CODE_UFFD_WP, and
// handle_userfault() here queues a UFFD_EVENT_PAGEFAULT message and puts the faulting thread
// to sleep. Clearing the protection (or UFFDIO_WAKE, or closing the file) wakes it, and it runs
// the faulting instruction again.
// Owns: the contexts (by id; the core's vmas refer to them by that id), their messages and
// their sleeping threads. The vma flags and PTE bits are the core's.
// A message stays queued while its thread sleeps: read() hands each out once (it then moves
// to Linux's fault_wqh), and any wake-up of the thread takes it away, read or not.
// Missing mode likewise: a fault on an empty page of a VM_UFFD_MISSING vma stops with
// FAULT_CODE_UFFD_MISSING(_WRITE); UFFDIO_COPY or UFFDIO_ZEROPAGE fill the page and wake.
// DIVERGES: no UFFDIO_MOVE, CONTINUE or POISON, so REGISTER reports only WAKE, COPY, ZEROPAGE
// and WRITEPROTECT in ioctls. No non-cooperative events (fork, remap, remove, unmap).
// Faults of the kernel's own user-memory accesses (copy_to_user) are not handed to the
// monitor: they fail with EFAULT, as Linux does for a UFFD_USER_MODE_ONLY context. The
// context keeps its mm's address space alive (Linux keeps only the mm_struct, mmgrab).

import type { Kernel } from "../kernel";
import type { Task } from "../task";
import { Inode, inode_getattr } from "./vfs_types";
import { Block, WaitQueue } from "./wait";
import { File, FileOps, IoctlAccess, O_NONBLOCK, O_CLOEXEC, POLLIN, POLLERR } from "./file";
import { Blocked } from "../sched";
import { has_pending } from "../signal";
import { EAGAIN, EFAULT, EINVAL, EPERM, ESRCH } from "../errno";

export const UFFD_API = 0xaan;
export const UFFD_USER_MODE_ONLY = 1;
export const UFFD_EVENT_PAGEFAULT = 0x12;
export const UFFD_PAGEFAULT_FLAG_WRITE = 1n << 0n;
export const UFFD_PAGEFAULT_FLAG_WP = 1n << 1n;
export const UFFD_FEATURE_PAGEFAULT_FLAG_WP = 1n << 0n;
export const UFFD_FEATURE_THREAD_ID = 1n << 8n;
export const UFFD_FEATURE_EXACT_ADDRESS = 1n << 11n;
/** The features this kernel offers (UFFD_API_FEATURES less what is not implemented). */
const UFFD_API_FEATURES = UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_THREAD_ID | UFFD_FEATURE_EXACT_ADDRESS;

export const UFFDIO_REGISTER_MODE_MISSING = 1n;
export const UFFDIO_REGISTER_MODE_WP = 2n;
export const UFFDIO_REGISTER_MODE_MINOR = 4n;
const UFFD_API_REGISTER_MODES = UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP | UFFDIO_REGISTER_MODE_MINOR;
export const UFFDIO_WRITEPROTECT_MODE_WP = 1n;
export const UFFDIO_WRITEPROTECT_MODE_DONTWAKE = 2n;

// The ioctl numbers: _IOC(dir, 0xAA, nr, size) of include/uapi/linux/userfaultfd.h.
const _UFFDIO_REGISTER = 0x00, _UFFDIO_UNREGISTER = 0x01, _UFFDIO_WAKE = 0x02, _UFFDIO_COPY = 0x03;
const _UFFDIO_ZEROPAGE = 0x04, _UFFDIO_WRITEPROTECT = 0x06;
const _UFFDIO_API = 0x3f;
function _IOC(dir: number, nr: number, size: number): number {
  return ((dir << 30) | (size << 16) | (0xaa << 8) | nr) >>> 0;
}
const IOC_READ = 2, IOC_RW = 3;
export const UFFDIO_API = _IOC(IOC_RW, _UFFDIO_API, 24);
export const UFFDIO_REGISTER = _IOC(IOC_RW, _UFFDIO_REGISTER, 32);
export const UFFDIO_UNREGISTER = _IOC(IOC_READ, _UFFDIO_UNREGISTER, 16);
export const UFFDIO_WAKE = _IOC(IOC_READ, _UFFDIO_WAKE, 16);
export const UFFDIO_WRITEPROTECT = _IOC(IOC_RW, _UFFDIO_WRITEPROTECT, 24);
export const UFFDIO_COPY = _IOC(IOC_RW, _UFFDIO_COPY, 40);
export const UFFDIO_ZEROPAGE = _IOC(IOC_RW, _UFFDIO_ZEROPAGE, 32);
export const UFFDIO_COPY_MODE_DONTWAKE = 1n;
export const UFFDIO_COPY_MODE_WP = 2n;
export const UFFDIO_ZEROPAGE_MODE_DONTWAKE = 1n;
/** UFFD_API_IOCTLS: what UFFDIO_API reports. */
const UFFD_API_IOCTLS = (1n << BigInt(_UFFDIO_REGISTER)) | (1n << BigInt(_UFFDIO_UNREGISTER)) | (1n << BigInt(_UFFDIO_API));
/** The range ioctls offered after REGISTER (see DIVERGES above). */
const UFFD_RANGE_IOCTLS = (1n << BigInt(_UFFDIO_WAKE)) | (1n << BigInt(_UFFDIO_COPY)) |
  (1n << BigInt(_UFFDIO_ZEROPAGE)) | (1n << BigInt(_UFFDIO_WRITEPROTECT));

const UFFD_MSG_SIZE = 32;
// assembly/include/mman.ts VM_UFFD_MISSING / VM_UFFD_WP.
const VM_UFFD_MISSING = 0x200n;
const VM_UFFD_WP = 0x1000n;
/** The stop code of a write-protect fault (assembly/arch/um/fault.ts FAULT_CODE_UFFD_WP). */
export const FAULT_CODE_UFFD_WP = 0x554657;
/** ... and of a missing page, read or written (FAULT_CODE_UFFD_MISSING(_WRITE)). */
export const FAULT_CODE_UFFD_MISSING = 0x55464d;
export const FAULT_CODE_UFFD_MISSING_WRITE = 0x55464e;
const PAGE_SIZE = 4096n;
const TASK_SIZE = 0x40_0000_0000n;
const MMAP_MIN_ADDR = 65536n;

/** A thread sleeping in handle_userfault (struct userfaultfd_wait_queue). */
interface UffdWaiter {
  task: Task;
  /** The page (or, with UFFD_FEATURE_EXACT_ADDRESS, the byte) that faulted. */
  address: bigint;
  msg: Uint8Array;
  /** read() handed the message out already (Linux moved it to fault_wqh). */
  read: boolean;
  /** A missing-page fault (unregistering wakes these; write-protect ones wait on). */
  missing: boolean;
}

export class UserfaultfdCtx {
  features = 0n;
  initialized = false;
  released = false;
  /** Fault messages and their threads, oldest first. */
  readonly waiters: UffdWaiter[] = [];
  /** Readers and pollers of the file (fd_wqh). */
  readonly fd_wqh = new WaitQueue();
  constructor(readonly k: Kernel, readonly id: number, readonly mm: number, readonly flags: number) {}

  /** Wake the sleeping threads whose fault lies in [start, start + len) (wake_userfault). */
  wake_range(start: bigint, len: bigint, only_missing = false): void {
    const end = start + len;
    for (const w of this.waiters.slice()) {
      if (only_missing && !w.missing) continue;
      const page = w.address & ~(PAGE_SIZE - 1n);
      if (page + PAGE_SIZE > start && page < end) this.k.wake_task(w.task);
    }
  }
}

/** The sleep of a faulting thread: no queue, woken by wake_range (or a signal, or exit); any
 *  wake-up takes its message away. */
class UffdFaultBlock extends Block {
  constructor(private readonly ctx: UserfaultfdCtx, private readonly waiter: UffdWaiter) {
    super();
  }
  override cancel(task: Task): void {
    super.cancel(task);
    const i = this.ctx.waiters.indexOf(this.waiter);
    if (i >= 0) this.ctx.waiters.splice(i, 1);
  }
}

/** The contexts of one kernel by id (ids start at 1: 0 is "not registered" in the core). */
const contexts = new WeakMap<Kernel, { next_id: number; by_id: Map<number, UserfaultfdCtx> }>();
function registry(k: Kernel): { next_id: number; by_id: Map<number, UserfaultfdCtx> } {
  let r = contexts.get(k);
  if (!r) {
    r = { next_id: 1, by_id: new Map() };
    contexts.set(k, r);
  }
  return r;
}

/** handle_userfault for a fault of task at addr (code: which kind, the stop's FAULT_CODE_UFFD_*):
 *  queue the message and sleep.
 *  With a signal pending the thread does not sleep: the signal is delivered first and the
 *  instruction faults again after it (Linux's VM_FAULT_RETRY with fault_signal_pending). */
export function handle_userfault(k: Kernel, task: Task, addr: bigint, code: number): void {
  const id = Number(k.machine.core.uffd_ctx_of(task.mm, addr));
  const ctx = registry(k).by_id.get(id);
  if (!ctx || ctx.released) throw new Error(`handle_userfault: no userfaultfd context ${id} at ${addr.toString(16)}`);
  if (has_pending(task)) return;
  // Only a tracer runs a sleeping task (host/arch/um/ptrace.ts): its earlier fault's message
  // is stale now that the instruction faulted again.
  task.sleeping?.fs_block?.cancel(task);
  const address = ctx.features & UFFD_FEATURE_EXACT_ADDRESS ? addr : addr & ~(PAGE_SIZE - 1n);
  const msg = new Uint8Array(UFFD_MSG_SIZE);
  const dv = new DataView(msg.buffer);
  msg[0] = UFFD_EVENT_PAGEFAULT;
  const missing = code !== FAULT_CODE_UFFD_WP;
  let flags = UFFD_PAGEFAULT_FLAG_WRITE | UFFD_PAGEFAULT_FLAG_WP;
  if (missing) flags = code === FAULT_CODE_UFFD_MISSING_WRITE ? UFFD_PAGEFAULT_FLAG_WRITE : 0n;
  dv.setBigUint64(8, flags, true);
  dv.setBigUint64(16, address, true);
  if (ctx.features & UFFD_FEATURE_THREAD_ID) dv.setUint32(24, task.pid, true);
  const waiter: UffdWaiter = { task, address, msg, read: false, missing };
  ctx.waiters.push(waiter);
  // User-mode faults sleep interruptibly (FAULT_FLAG_INTERRUPTIBLE); the pc stays on the
  // faulting instruction, which runs again once the thread is woken.
  task.sleeping = new Blocked(null, null, null, true, new UffdFaultBlock(ctx, waiter));
  ctx.fd_wqh.wake_up(POLLIN);
}

function ctx_of(file: File): UserfaultfdCtx {
  return file.private_data as UserfaultfdCtx;
}

/** validate_range: page aligned, nonempty, inside the user address space. */
function validate_range(start: bigint, len: bigint): number {
  if (start & (PAGE_SIZE - 1n)) return -EINVAL;
  if (len & (PAGE_SIZE - 1n)) return -EINVAL;
  if (len === 0n) return -EINVAL;
  if (start < MMAP_MIN_ADDR) return -EINVAL;
  if (start >= TASK_SIZE) return -EINVAL;
  if (len > TASK_SIZE - start) return -EINVAL;
  return 0;
}

function u64s(b: Uint8Array, n: number): bigint[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) out.push(dv.getBigUint64(i * 8, true));
  return out;
}

function le64(...v: bigint[]): Uint8Array {
  const b = new Uint8Array(v.length * 8);
  const dv = new DataView(b.buffer);
  v.forEach((x, i) => dv.setBigUint64(i * 8, BigInt.asUintN(64, x), true));
  return b;
}

/** UFFDIO_API: the features handshake, once. Failures zero the caller's struct. */
function userfaultfd_api(ctx: UserfaultfdCtx, arg: bigint, io: IoctlAccess): number {
  const b = io.read(arg, 24);
  if (!b) return -EFAULT;
  const [api, features] = u64s(b, 2);
  const err_out = (err: number): number => (io.write(arg, new Uint8Array(24)) ? err : -EFAULT);
  if (api !== UFFD_API) return err_out(-EINVAL);
  if (features & ~UFFD_API_FEATURES) return err_out(-EINVAL);
  if (!io.write(arg, le64(UFFD_API, UFFD_API_FEATURES, UFFD_API_IOCTLS))) return -EFAULT;
  if (ctx.initialized) return err_out(-EINVAL);
  ctx.initialized = true;
  ctx.features = features;
  return 0;
}

function userfaultfd_register(ctx: UserfaultfdCtx, arg: bigint, io: IoctlAccess): number {
  const b = io.read(arg, 32);
  if (!b) return -EFAULT;
  const [start, len, mode] = u64s(b, 3);
  if (mode === 0n || mode & ~UFFD_API_REGISTER_MODES) return -EINVAL;
  let vm_flags = 0n;
  if (mode & UFFDIO_REGISTER_MODE_MISSING) vm_flags |= VM_UFFD_MISSING;
  if (mode & UFFDIO_REGISTER_MODE_WP) vm_flags |= VM_UFFD_WP;
  const err = validate_range(start, len);
  if (err) return err;
  // Minor faults need shmem or hugetlb: no anonymous vma can take them (vma_can_userfault).
  // DIVERGES: EINVAL before looking at the vmas (Linux finds the same answer there).
  if (mode & UFFDIO_REGISTER_MODE_MINOR) return -EINVAL;
  const r = ctx.k.machine.core.uffd_register(ctx.mm, start, start + len, ctx.id, vm_flags) as number;
  if (r) return r;
  let ioctls = UFFD_RANGE_IOCTLS;
  if (!(mode & UFFDIO_REGISTER_MODE_WP)) ioctls &= ~(1n << BigInt(_UFFDIO_WRITEPROTECT));
  if (!io.write(arg + 24n, le64(ioctls))) return -EFAULT;
  return 0;
}

function userfaultfd_unregister(ctx: UserfaultfdCtx, arg: bigint, io: IoctlAccess): number {
  const b = io.read(arg, 16);
  if (!b) return -EFAULT;
  const [start, len] = u64s(b, 2);
  const err = validate_range(start, len);
  if (err) return err;
  const r = ctx.k.machine.core.uffd_unregister(ctx.mm, start, start + len) as number;
  // Missing-page faults of the range would wait forever: they resolve normally now.
  // DIVERGES: Linux wakes them on the context each vma had; here only on this one.
  if (r === 0) ctx.wake_range(start, len, true);
  return r;
}

/** validate_unaligned_range: as validate_range, without the alignment of start. */
function validate_unaligned_range(start: bigint, len: bigint): number {
  return validate_range(start & ~(PAGE_SIZE - 1n), len);
}

/** mfill_atomic for UFFDIO_COPY (src: the caller's memory) and UFFDIO_ZEROPAGE (src null):
 *  page by page, stopping at the first failure. Returns the bytes filled, or -errno when the
 *  first page failed. */
function mfill_atomic(ctx: UserfaultfdCtx, dst: bigint, src: bigint | null, len: bigint, wp: boolean,
                      io: IoctlAccess): number {
  const m = ctx.k.machine;
  const err = m.core.uffd_mfill_check(ctx.mm, dst, len, wp ? 1 : 0) as number;
  if (err) return err;
  let done = 0n;
  for (; done < len; done += PAGE_SIZE) {
    let r: number;
    if (src !== null) {
      const page = io.read(src + done, Number(PAGE_SIZE));
      if (!page) r = -EFAULT;
      else {
        m.bytes().set(page, m.bounce);
        r = m.core.uffd_mfill_page(ctx.mm, dst + done, 0, wp ? 1 : 0) as number;
      }
    } else r = m.core.uffd_mfill_page(ctx.mm, dst + done, 1, 0) as number;
    if (r) return done > 0n ? Number(done) : r;
  }
  return Number(done);
}

/** The common end of COPY and ZEROPAGE: report the count (or -errno) at out, wake the filled
 *  range unless told not to, and say -EAGAIN for a partial fill. */
function mfill_finish(ctx: UserfaultfdCtx, ret: number, dst: bigint, len: bigint, dontwake: boolean,
                      out: bigint, io: IoctlAccess): number {
  if (!io.write(out, le64(BigInt(ret)))) return -EFAULT;
  if (ret < 0) return ret;
  if (!dontwake) ctx.wake_range(dst, BigInt(ret));
  return BigInt(ret) === len ? 0 : -EAGAIN;
}

function userfaultfd_copy(ctx: UserfaultfdCtx, arg: bigint, io: IoctlAccess): number {
  const b = io.read(arg, 32);
  if (!b) return -EFAULT;
  const [dst, src, len, mode] = u64s(b, 4);
  let err = validate_unaligned_range(src, len);
  if (err) return err;
  err = validate_range(dst, len);
  if (err) return err;
  if (mode & ~(UFFDIO_COPY_MODE_DONTWAKE | UFFDIO_COPY_MODE_WP)) return -EINVAL;
  if (ctx.released) return -ESRCH;
  const ret = mfill_atomic(ctx, dst, src, len, (mode & UFFDIO_COPY_MODE_WP) !== 0n, io);
  return mfill_finish(ctx, ret, dst, len, (mode & UFFDIO_COPY_MODE_DONTWAKE) !== 0n, arg + 32n, io);
}

function userfaultfd_zeropage(ctx: UserfaultfdCtx, arg: bigint, io: IoctlAccess): number {
  const b = io.read(arg, 24);
  if (!b) return -EFAULT;
  const [start, len, mode] = u64s(b, 3);
  const err = validate_range(start, len);
  if (err) return err;
  if (mode & ~UFFDIO_ZEROPAGE_MODE_DONTWAKE) return -EINVAL;
  if (ctx.released) return -ESRCH;
  const ret = mfill_atomic(ctx, start, null, len, false, io);
  return mfill_finish(ctx, ret, start, len, (mode & UFFDIO_ZEROPAGE_MODE_DONTWAKE) !== 0n, arg + 24n, io);
}

function userfaultfd_wake(ctx: UserfaultfdCtx, arg: bigint, io: IoctlAccess): number {
  const b = io.read(arg, 16);
  if (!b) return -EFAULT;
  const [start, len] = u64s(b, 2);
  const err = validate_range(start, len);
  if (err) return err;
  ctx.wake_range(start, len);
  return 0;
}

function userfaultfd_writeprotect(ctx: UserfaultfdCtx, arg: bigint, io: IoctlAccess): number {
  const b = io.read(arg, 24);
  if (!b) return -EFAULT;
  const [start, len, mode] = u64s(b, 3);
  const err = validate_range(start, len);
  if (err) return err;
  if (mode & ~(UFFDIO_WRITEPROTECT_MODE_DONTWAKE | UFFDIO_WRITEPROTECT_MODE_WP)) return -EINVAL;
  const wp = (mode & UFFDIO_WRITEPROTECT_MODE_WP) !== 0n;
  const dontwake = (mode & UFFDIO_WRITEPROTECT_MODE_DONTWAKE) !== 0n;
  if (wp && dontwake) return -EINVAL;
  if (ctx.released) return -ESRCH;
  const r = ctx.k.machine.core.uffd_writeprotect(ctx.mm, start, len, wp ? 1 : 0) as number;
  if (r) return r;
  if (!wp && !dontwake) ctx.wake_range(start, len);
  return 0;
}

export const userfaultfd_fops: FileOps = {
  poll(file: File) {
    const ctx = ctx_of(file);
    if (!ctx.initialized) return { mask: POLLERR, queues: [ctx.fd_wqh] };
    const mask = ctx.waiters.some((w) => !w.read) ? POLLIN : 0;
    return { mask, queues: [ctx.fd_wqh] };
  },
  /** Whole messages, as many as fit; only the first may wait (later ones never block). */
  read(file: File, max: number) {
    const ctx = ctx_of(file);
    if (max < UFFD_MSG_SIZE) return -EINVAL;
    const out: Uint8Array[] = [];
    for (const w of ctx.waiters) {
      if (out.length * UFFD_MSG_SIZE + UFFD_MSG_SIZE > max) break;
      if (w.read) continue;
      w.read = true;
      out.push(w.msg);
    }
    if (out.length === 0) {
      if (file.flags & O_NONBLOCK) return -EAGAIN;
      return new Block(ctx.fd_wqh);
    }
    const b = new Uint8Array(out.length * UFFD_MSG_SIZE);
    out.forEach((m, i) => b.set(m, i * UFFD_MSG_SIZE));
    return b;
  },
  ioctl(file: File, cmd: number, arg: bigint, io: IoctlAccess) {
    const ctx = ctx_of(file);
    if (cmd !== UFFDIO_API && !ctx.initialized) return -EINVAL;
    switch (cmd) {
      case UFFDIO_API: return userfaultfd_api(ctx, arg, io);
      case UFFDIO_REGISTER: return userfaultfd_register(ctx, arg, io);
      case UFFDIO_UNREGISTER: return userfaultfd_unregister(ctx, arg, io);
      case UFFDIO_WAKE: return userfaultfd_wake(ctx, arg, io);
      case UFFDIO_WRITEPROTECT: return userfaultfd_writeprotect(ctx, arg, io);
      case UFFDIO_COPY: return userfaultfd_copy(ctx, arg, io);
      case UFFDIO_ZEROPAGE: return userfaultfd_zeropage(ctx, arg, io);
    }
    return -EINVAL;
  },
  /** userfaultfd_release: unregister everything, then wake every faulting thread (their
   *  faults now resolve normally) and the pollers. */
  release(file: File) {
    const ctx = ctx_of(file);
    ctx.released = true;
    const k = ctx.k;
    k.machine.core.uffd_release(ctx.mm, ctx.id);
    for (const w of ctx.waiters.slice()) k.wake_task(w.task);
    ctx.fd_wqh.wake_up(0);
    registry(k).by_id.delete(ctx.id);
    k.mm_put(ctx.mm);
  },
  dname: () => "anon_inode:[userfaultfd]",
  getattr: (file: File) => inode_getattr(file.inode!),
};

/** userfaultfd(flags) for task: a new file, or -errno. The caller installs the fd. */
export function userfaultfd_file_create(k: Kernel, task: Task, anon: Inode, flags: number): File | number {
  // userfaultfd_syscall_allowed, before the flags are looked at: vm.unprivileged_userfaultfd
  // is 0, so without UFFD_USER_MODE_ONLY only CAP_SYS_PTRACE (here: root) may.
  if (!(flags & UFFD_USER_MODE_ONLY) && task.uid !== 0) return -EPERM;
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY)) return -EINVAL;
  const r = registry(k);
  const ctx = new UserfaultfdCtx(k, r.next_id++, task.mm, flags);
  r.by_id.set(ctx.id, ctx);
  k.mm_get(task.mm);
  const f = new File(userfaultfd_fops, flags & O_NONBLOCK);
  f.inode = anon;
  f.private_data = ctx;
  return f;
}
