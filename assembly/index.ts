// The wasm core's only exports: boot, harts, address spaces, the CPU slice, the mm system
// calls and user-memory access. Pointers cross as u32; 64-bit guest values as i64.
// Errors come back as negative errno (in the unsigned value for u64-returning calls).

import { page_alloc_init, nr_free, nr_frames } from "./mm/page_alloc";
// Page-allocator fault injection (fail the nth allocation, or each with p/1000 under a seed)
// and the DEBUG_VM free-list check, for tests.
export { page_alloc_fail_nth, page_alloc_fail_prob, validate_free_lists } from "./mm/page_alloc";
import { vma_init, validate_mm } from "./mm/vma";
import { anon_vma_init } from "./mm/rmap";
import { anon_name_init, anon_vma_name_len, anon_vma_name_str, anon_vma_name_alloc, anon_vma_name_put } from "./mm/anon_name";
import { madvise_set_anon_name } from "./mm/madvise";
import { mmap_init, mm_alloc, exit_mmap, do_mmap, do_munmap, do_brk } from "./mm/mmap";
import { TASK_SIZE } from "./include/mman";
import { do_mprotect } from "./mm/mprotect";
import { dup_mmap } from "./mm/fork";
import {
  userfaultfd_register_range, userfaultfd_unregister_range, userfaultfd_release_all, mwriteprotect_range,
  uffd_ctx_at, mfill_atomic_check, mfill_atomic_pte,
} from "./mm/userfaultfd";
import { do_madvise } from "./mm/madvise";
import { mbind_range, vma_policy_at } from "./mm/mempolicy";
import { do_mremap } from "./mm/mremap";
import { do_mlock, do_munlock, do_mlockall, do_mincore, do_msync } from "./mm/mlock";
import { MmStruct, VmArea, mm_types_check } from "./mm/mm_types";
import { find_vma, vma_next, vm_set_max_map_count } from "./mm/vma";
import { smap_gather_stats, task_mem, mem_census, MSS_SIZE, pagemap_read_entries, clear_refs } from "./mm/task_mmu";
import { pte_offset_map, pte_present, pmd_addr_end } from "./mm/pgtable";
import { filemap_init, mapping_check } from "./mm/filemap";
export {
  mapping_new, mapping_release_inode, mapping_size, mapping_set_size, mapping_nrpages, mapping_flags,
  mapping_read_to, mapping_write_from, mapping_fallocate, mapping_punch_hole, mapping_seek_data,
  mapping_writably_mapped, shmem_sb_new, shmem_sb_used_blocks, mapping_writeback_next_to, mapping_page_mkclean,
} from "./mm/filemap_api";
import { tlb_init, tlb_switch_mm, tlb_mm } from "./arch/um/tlb";
import { decode_cache_init } from "./arch/um/decode_cache";
import { cpu_init, cpu_run as __cpu_run } from "./arch/um/cpu";
import { copy_from_user, copy_to_user, strnlen_user } from "./arch/um/uaccess";
import { HART_SIZE } from "./arch/um/regs";

export {
  HART_X, HART_F, HART_PC, HART_FCSR, HART_STOP_SIGNO, HART_STOP_CODE, HART_STOP_ADDR,
  HART_INSTRET, HART_TIME, HART_SIZE, STOP_BUDGET, STOP_SYSCALL, STOP_SIGNAL,
} from "./arch/um/regs";

/** Bytes of the bounce buffer the kernel uses to move data in and out of user memory. */
export const BOUNCE_SIZE: u32 = 1 << 16;
let bounce: usize = 0;
let hart_pool: usize = 0; // free list of harts

/** Boot the core with nr_pages frames of guest memory. Call once. */
export function core_init(nr_pages: u32): void {
  mm_types_check();
  page_alloc_init(nr_pages);
  vma_init(1 << 20);
  anon_vma_init(1 << 20);
  anon_name_init(1 << 16);
  mmap_init(1 << 16);
  filemap_init();
  mapping_check();
  tlb_init();
  decode_cache_init(2048);
  cpu_init();
  bounce = heap.alloc(BOUNCE_SIZE);
}

export function bounce_buffer(): u32 {
  return <u32>bounce;
}
export function mem_nr_free(): u32 {
  return nr_free;
}
export function mem_nr_frames(): u32 {
  return nr_frames;
}

export function hart_alloc(): u32 {
  let h = hart_pool;
  if (h != 0) hart_pool = <usize>load<u32>(h);
  else h = heap.alloc(HART_SIZE);
  memory.fill(h, 0, HART_SIZE);
  return <u32>h;
}
export function hart_free(h: u32): void {
  store<u32>(<usize>h, <u32>hart_pool);
  hart_pool = <usize>h;
}

export function mm_new(): u32 {
  const mm = mm_alloc();
  return mm == null ? 0 : changetype<u32>(mm);
}
/** fork's address space: a copy-on-write duplicate of mm. Returns 0 on -ENOMEM. */
export function mm_dup(mm: u32): u32 {
  const n = dup_mmap(changetype<MmStruct>(<usize>mm));
  return n == null ? 0 : changetype<u32>(n);
}
export function mm_destroy(mm: u32): void {
  exit_mmap(changetype<MmStruct>(<usize>mm));
}

/** Run hart h in address space mm for at most budget instructions. Returns STOP_*. */
export function cpu_run(h: u32, mm: u32, budget: u32): i32 {
  tlb_switch_mm(<usize>mm);
  return __cpu_run(<usize>h, budget);
}

/** mmap; file is an address_space (0: anonymous), pgoff its page offset, vm_clear the
 *  VM_MAY* and VM_SHARED bits the open file does not allow, file_err the kernel's verdict on
 *  the file (returned once the address is checked, as Linux orders it). */
export function sys_mmap(mm: u32, addr: u64, len: u64, prot: i32, flags: i32, file: u32, pgoff: u64, vm_clear: u64, file_err: i32): u64 {
  return do_mmap(changetype<MmStruct>(<usize>mm), addr, len, prot, flags, file, pgoff, vm_clear, file_err);
}
export function sys_munmap(mm: u32, addr: u64, len: u64): i32 {
  return do_munmap(changetype<MmStruct>(<usize>mm), addr, len);
}
export function sys_mprotect(mm: u32, addr: u64, len: u64, prot: i32): i32 {
  return do_mprotect(changetype<MmStruct>(<usize>mm), addr, len, prot);
}
/** mbind's vma part: policy (mm/mempolicy.ts encoding, 0 = MPOL_DEFAULT) over the range. */
export function sys_mbind(mm: u32, addr: u64, len: u64, policy: u32): i32 {
  return mbind_range(changetype<MmStruct>(<usize>mm), addr, len, policy);
}
/** get_mempolicy(MPOL_F_ADDR): the policy of the vma at addr, or -EFAULT. */
export function mm_vma_policy(mm: u32, addr: u64): i64 {
  return vma_policy_at(changetype<MmStruct>(<usize>mm), addr);
}
export function sys_madvise(mm: u32, addr: u64, len: u64, advice: i32): i32 {
  return do_madvise(changetype<MmStruct>(<usize>mm), addr, len, advice);
}
export function sys_mlock(mm: u32, addr: u64, len: u64, onfault: i32): i32 {
  return do_mlock(changetype<MmStruct>(<usize>mm), addr, len, onfault != 0);
}
export function sys_munlock(mm: u32, addr: u64, len: u64): i32 {
  return do_munlock(changetype<MmStruct>(<usize>mm), addr, len);
}
/** mlockall(flags) when all is set, munlockall() otherwise. */
export function sys_mlockall(mm: u32, flags: i32, all: i32): i32 {
  return do_mlockall(changetype<MmStruct>(<usize>mm), flags, all != 0);
}
/** mincore into the bounce buffer: the page count, or -errno. */
export function sys_mincore(mm: u32, addr: u64, len: u64): i64 {
  return do_mincore(changetype<MmStruct>(<usize>mm), addr, len, bounce, BOUNCE_SIZE);
}
export function sys_msync(mm: u32, addr: u64, len: u64, flags: i32): i32 {
  return do_msync(changetype<MmStruct>(<usize>mm), addr, len, flags);
}
export function sys_mremap(mm: u32, addr: u64, old_len: u64, new_len: u64, flags: i32, new_addr: u64): u64 {
  return do_mremap(changetype<MmStruct>(<usize>mm), addr, old_len, new_len, flags, new_addr);
}
export function sys_brk(mm: u32, brk: u64): u64 {
  return do_brk(changetype<MmStruct>(<usize>mm), brk);
}
/** Set start_brk and brk after exec (the loader decides them). */
export function mm_set_brk(mm: u32, start: u64): void {
  const m = changetype<MmStruct>(<usize>mm);
  m.start_brk = start;
  m.brk = start;
}
export function mm_set_stack_rlimit(mm: u32, bytes: u64): void {
  changetype<MmStruct>(<usize>mm).stack_rlimit = bytes;
}
/** RLIMIT_AS and the effective RLIMIT_MEMLOCK (RLIM_INFINITY with CAP_IPC_LOCK) of mm's process. */
export function mm_set_rlimits(mm: u32, as_bytes: u64, memlock_bytes: u64): void {
  const m = changetype<MmStruct>(<usize>mm);
  m.rlimit_as = as_bytes;
  m.memlock_limit = memlock_bytes;
}
export function mm_validate(mm: u32): void {
  validate_mm(changetype<MmStruct>(<usize>mm));
}

/** The vmas of mm from the first ending above from, as 48-byte records in the bounce buffer:
 *  vm_start, vm_end, vm_flags, vm_pgoff, rss (pages present) as u64, then vm_file (the
 *  address_space, 0 for anonymous memory) and anon_name as u32.
 *  Returns how many were written; call again from the last vm_end for more. */
export function mm_vma_dump(mm: u32, from: u64): u32 {
  const m = changetype<MmStruct>(<usize>mm);
  let v = find_vma(m, from);
  let n: u32 = 0;
  while (v != null && (n + 1) * 48 <= BOUNCE_SIZE) {
    const vma = changetype<VmArea>(v);
    const r = bounce + <usize>n * 48;
    store<u64>(r, vma.vm_start, 0);
    store<u64>(r, vma.vm_end, 8);
    store<u64>(r, vma.vm_flags, 16);
    store<u64>(r, vma.vm_pgoff, 24);
    store<u64>(r, vma_rss(m, vma), 32);
    store<u32>(r, vma.vm_file, 40);
    store<u32>(r, vma.anon_name, 44);
    n++;
    v = vma_next(vma);
  }
  return n;
}

/** Pages of vma with a present PTE (what /proc/pid/smaps calls Rss, in pages). */
function vma_rss(mm: MmStruct, vma: VmArea): u64 {
  let n: u64 = 0;
  let a = vma.vm_start;
  while (a < vma.vm_end) {
    const p = pte_offset_map(mm.pgd, a);
    if (p == 0) {
      a = pmd_addr_end(a); // no page table here: skip its 2 MiB
      continue;
    }
    if (pte_present(load<u64>(p))) n++;
    a += 4096;
  }
  return n;
}

/** /proc/<pid>/smaps: the vmas of mm from the first ending above from, each as a 152-byte record
 *  in the bounce buffer: vm_start, vm_end, vm_flags, vm_pgoff, vm_file (u64 each), then the
 *  vma's struct mem_size_stats (mm/task_mmu.ts layout). Returns how many were written; call again
 *  from the last vm_end for more. */
export function mm_smaps_dump(mm: u32, from: u64): u32 {
  const m = changetype<MmStruct>(<usize>mm);
  const size: u32 = 40 + MSS_SIZE;
  let v = find_vma(m, from);
  let n: u32 = 0;
  while (v != null && (n + 1) * size <= BOUNCE_SIZE) {
    const vma = changetype<VmArea>(v);
    const r = bounce + <usize>(n * size);
    store<u64>(r, vma.vm_start, 0);
    store<u64>(r, vma.vm_end, 8);
    store<u64>(r, vma.vm_flags, 16);
    store<u64>(r, vma.vm_pgoff, 24);
    store<u64>(r, <u64>vma.vm_file, 32);
    memory.fill(r + 40, 0, MSS_SIZE);
    smap_gather_stats(m, vma, r + 40);
    n++;
    v = vma_next(vma);
  }
  return n;
}
/** The resident counters of /proc/<pid>/status and statm into the bounce buffer
 *  (mm/task_mmu.ts task_mem record). */
export function mm_task_mem(mm: u32): void {
  task_mem(changetype<MmStruct>(<usize>mm), bounce);
}
/** /proc/<pid>/pagemap: the entries of nr_pages (at most BOUNCE_SIZE / 8) pages from the
 *  page-aligned addr into the bounce buffer, 8 bytes each (mm/task_mmu.ts PM_* bits). The
 *  kernel clamped the range to TASK_SIZE. */
export function mm_pagemap(mm: u32, addr: u64, nr_pages: u32): void {
  assert(nr_pages <= BOUNCE_SIZE / 8 && (addr & 4095) == 0 && addr <= TASK_SIZE, "pagemap range");
  pagemap_read_entries(changetype<MmStruct>(<usize>mm), addr, nr_pages, bounce);
}
/** /proc/<pid>/clear_refs: type is 1..5 (the kernel parsed and checked it). */
export function mm_clear_refs(mm: u32, type: u32): void {
  assert(type >= 1 && type <= 5, "clear_refs type");
  clear_refs(changetype<MmStruct>(<usize>mm), type);
}
/** The page census of /proc/meminfo into the bounce buffer (mm/task_mmu.ts layout). */
export function mem_census_dump(): void {
  mem_census(bounce);
}
/** sysctl vm.max_map_count (the kernel checked the value). */
export function sysctl_set_max_map_count(n: u32): void {
  vm_set_max_map_count(n);
}

/** Copy len (<= BOUNCE_SIZE) bytes of user memory at uaddr into the bounce buffer.
 *  Returns the number of bytes not copied. */
export function user_read(mm: u32, uaddr: u64, len: u32): u32 {
  assert(len <= BOUNCE_SIZE, "user_read longer than the bounce buffer");
  return copy_from_user(changetype<MmStruct>(<usize>mm), bounce, uaddr, len);
}
/** Copy len bytes from the bounce buffer to user memory at uaddr. Returns bytes not copied. */
export function user_write(mm: u32, uaddr: u64, len: u32): u32 {
  assert(len <= BOUNCE_SIZE, "user_write longer than the bounce buffer");
  return copy_to_user(changetype<MmStruct>(<usize>mm), uaddr, bounce, len);
}
export function user_strnlen(mm: u32, uaddr: u64, max: u32): i32 {
  return strnlen_user(changetype<MmStruct>(<usize>mm), uaddr, max);
}

/** prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, addr, len, name): name_len < 0 clears the name;
 *  otherwise the name's bytes (checked by the caller: printable, no NUL, < 80) are in the
 *  bounce buffer. Returns 0 or -errno. */
export function sys_set_anon_vma_name(mm: u32, addr: u64, len: u64, name_len: i32): i32 {
  let name: u32 = 0;
  if (name_len >= 0) {
    name = anon_vma_name_alloc(bounce, <u32>name_len);
    if (name == 0) return -12; // ENOMEM, as prctl_set_vma() when the copy cannot be made
  }
  const err = madvise_set_anon_name(changetype<MmStruct>(<usize>mm), addr, len, name);
  anon_vma_name_put(name);
  return err;
}

/** The name of the vma containing addr ([anon:name] in maps), copied to the bounce buffer.
 *  Returns its length, or -1 when the vma has none (or there is no vma at addr). */
export function mm_vma_anon_name(mm: u32, addr: u64): i32 {
  const vma = find_vma(changetype<MmStruct>(<usize>mm), addr);
  if (vma == null || vma.vm_start > addr || vma.anon_name == 0) return -1;
  const len = anon_vma_name_len(vma.anon_name);
  memory.copy(bounce, anon_vma_name_str(vma.anon_name), len);
  return <i32>len;
}

/** UFFDIO_REGISTER's address-space part: register the vmas of [start, end) with the kernel's
 *  userfaultfd ctx (nonzero id) for vm_flags (VM_UFFD_MISSING | VM_UFFD_WP). 0 or -errno. */
export function uffd_register(mm: u32, start: u64, end: u64, ctx: u32, vm_flags: u64): i32 {
  return userfaultfd_register_range(changetype<MmStruct>(<usize>mm), start, end, ctx, vm_flags);
}
/** UFFDIO_UNREGISTER's address-space part. 0 or -errno. */
export function uffd_unregister(mm: u32, start: u64, end: u64): i32 {
  return userfaultfd_unregister_range(changetype<MmStruct>(<usize>mm), start, end);
}
/** The userfaultfd ctx was released: unregister every vma of mm that carries it. */
export function uffd_release(mm: u32, ctx: u32): void {
  userfaultfd_release_all(changetype<MmStruct>(<usize>mm), ctx);
}
/** UFFDIO_WRITEPROTECT's address-space part: 0 or -errno. */
export function uffd_writeprotect(mm: u32, start: u64, len: u64, enable: i32): i32 {
  return mwriteprotect_range(changetype<MmStruct>(<usize>mm), start, len, enable != 0);
}
/** The userfaultfd ctx of the vma containing addr, 0 when none. */
export function uffd_ctx_of(mm: u32, addr: u64): u32 {
  return uffd_ctx_at(changetype<MmStruct>(<usize>mm), addr);
}
/** UFFDIO_COPY / UFFDIO_ZEROPAGE: the range checks for [dst, dst + len). 0 or -errno. */
export function uffd_mfill_check(mm: u32, dst: u64, len: u64, wp: i32): i32 {
  return mfill_atomic_check(changetype<MmStruct>(<usize>mm), dst, len, wp != 0);
}
/** Fill the page at dst with the bounce buffer's first page (copy) or the zero page. */
export function uffd_mfill_page(mm: u32, dst: u64, zeropage: i32, wp: i32): i32 {
  return mfill_atomic_pte(changetype<MmStruct>(<usize>mm), dst, zeropage != 0 ? 0 : bounce, wp != 0);
}
