// mm/mmap.ts — mm_struct lifetime, mmap, munmap, brk and the top-down gap search.
// Owns: creating and destroying an mm, placing new mappings. Follows Linux mm/mmap.c and
// mm/vma.c (6.18): argument checks in Linux's order (tests diff errnos), anonymous private
// vm_pgoff = addr >> PAGE_SHIFT, merges with an adjacent compatible vma on either side.
// File mappings carry an address_space (mm/filemap.ts) as vm_file and their file page offset.
// DIVERGES: no ASLR: mmap_base is chosen by the kernel and fixed.

import { EINVAL, ENOMEM, EEXIST, EOVERFLOW, EAGAIN, EPERM } from "../include/errno";
import {
  PAGE_SHIFT, PAGE_SIZE, PAGE_MASK, TASK_SIZE, MMAP_MIN_ADDR, PROT_READ, PROT_WRITE, PROT_EXEC,
  MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE, MAP_TYPE, MAP_FIXED, MAP_GROWSDOWN, MAP_LOCKED,
  MAP_NORESERVE, MAP_FIXED_NOREPLACE, VM_READ, VM_WRITE, VM_EXEC, VM_SHARED, VM_MAYREAD,
  VM_MAYWRITE, VM_MAYEXEC, VM_MAYSHARE, VM_GROWSDOWN, VM_LOCKED, VM_NORESERVE, VM_ACCOUNT,
} from "../include/mman";
import { MmStruct, VmArea, MM_SIZE } from "./mm_types";
import { kmem_cache_create, kmem_cache_zalloc, kmem_cache_free } from "./slab";
import { pgd_alloc, free_pgtables } from "./pgtable";
import {
  find_vma, find_vma_prev_of, vma_link, vma_unlink, vm_area_alloc, remove_vma, vma_next,
  vma_prev, vma_first, vma_pages, split_vma, __split_vma, validate_mm,
  sysctl_max_map_count, vma_set_range,
} from "./vma";
import { vmg_get, vmg_init, vma_merge_new_range } from "./vma_merge";
import { unmapped_area_topdown } from "./vma_tree";
import { zap_page_range } from "./memory";
import { mapping_alloc, mapping_release, AS_SHMEM, AS_ANON_SHMEM } from "./filemap";
import { can_do_mlock, mlock_future_ok } from "./mlock";
import { tlb_mm, tlb_switch_mm } from "../arch/um/tlb";

/** Pages kept free below a VM_GROWSDOWN vma (mm/mmap.c stack_guard_gap, 256 pages). */
export const stack_guard_gap: u64 = 256 << PAGE_SHIFT;

let mm_cachep: usize = 0;
let mm_next_id: u32 = 1;

export function mmap_init(limit: u32): void {
  mm_cachep = kmem_cache_create(MM_SIZE, limit);
}

/** mm_alloc: an empty address space. Returns null on -ENOMEM. */
export function mm_alloc(): MmStruct | null {
  const p = kmem_cache_zalloc(mm_cachep);
  if (p == 0) return null;
  const mm = changetype<MmStruct>(p);
  const pgd = pgd_alloc();
  if (pgd == 0) {
    kmem_cache_free(mm_cachep, p);
    return null;
  }
  mm.pgd = pgd;
  mm.mm_users = 1;
  mm.id = mm_next_id++;
  // mmap_base() without randomisation: the stack gap is max(RLIMIT_STACK + guard, 128 MiB).
  mm.mmap_base = TASK_SIZE - (128 << 20);
  mm.stack_rlimit = 8 << 20;
  mm.rlimit_as = U64.MAX_VALUE;
  mm.memlock_limit = U64.MAX_VALUE;
  return mm;
}

/** may_expand_vm: may the address space grow by npages under RLIMIT_AS?
 *  DIVERGES: RLIMIT_DATA is not checked (no data_vm accounting). Matches mm/mmap.c. */
export function may_expand_vm(mm: MmStruct, flags: u64, npages: u64): bool {
  return mm.total_vm + npages <= mm.rlimit_as >> PAGE_SHIFT;
}

/** exit_mmap: unmap everything and free the mm; every frame returns to the allocator. */
export function exit_mmap(mm: MmStruct): void {
  let vma = vma_first(mm);
  while (vma != null) {
    const next = vma_next(vma);
    zap_page_range(mm, vma.vm_start, vma.vm_end);
    vma_unlink(mm, vma);
    remove_vma(vma);
    vma = next;
  }
  free_pgtables(mm.pgd);
  if (tlb_mm == changetype<usize>(mm)) tlb_switch_mm(0);
  kmem_cache_free(mm_cachep, changetype<usize>(mm));
}

@inline export function vm_start_gap(vma: VmArea): u64 {
  if (!(vma.vm_flags & VM_GROWSDOWN)) return vma.vm_start;
  return vma.vm_start > stack_guard_gap ? vma.vm_start - stack_guard_gap : 0;
}

/** find_vma_intersection: the first vma overlapping [start, end), or null. */
export function find_vma_intersection(mm: MmStruct, start: u64, end: u64): VmArea | null {
  const vma = find_vma(mm, start);
  if (vma != null && vma.vm_start < end) return vma;
  return null;
}

/** get_unmapped_area: place a len-byte mapping; a free page-aligned hint is honoured.
 *  Returns the address or -errno. Matches generic_get_unmapped_area_topdown(). */
export function get_unmapped_area(mm: MmStruct, addr: u64, len: u64, flags: i32): u64 {
  if (len > TASK_SIZE - MMAP_MIN_ADDR) return <u64>-ENOMEM;
  if (flags & MAP_FIXED) {
    if (addr > TASK_SIZE - len) return <u64>-ENOMEM;
    if (addr & ~PAGE_MASK) return <u64>-EINVAL;
    return addr;
  }
  if (addr != 0) {
    addr = (addr + PAGE_SIZE - 1) & PAGE_MASK;
    if (TASK_SIZE - len >= addr && addr >= MMAP_MIN_ADDR) {
      const next = find_vma(mm, addr);
      const prev = find_vma_prev_of(mm, addr);
      if ((next == null || addr + len <= vm_start_gap(next)) && (prev == null || addr >= prev.vm_end)) {
        return addr;
      }
    }
  }
  return unmapped_area_topdown(mm, len, MMAP_MIN_ADDR, mm.mmap_base);
}

/** calc_vm_prot_bits + calc_vm_flag_bits for an anonymous mapping. */
function mmap_vm_flags(prot: i32, flags: i32): u64 {
  let vm: u64 = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
  if (prot & PROT_READ) vm |= VM_READ;
  if (prot & PROT_WRITE) vm |= VM_WRITE;
  if (prot & PROT_EXEC) vm |= VM_EXEC;
  if (flags & MAP_GROWSDOWN) vm |= VM_GROWSDOWN;
  if (flags & MAP_LOCKED) vm |= VM_LOCKED;
  const type = flags & MAP_TYPE;
  if (type == MAP_SHARED || type == MAP_SHARED_VALIDATE) vm |= VM_SHARED | VM_MAYSHARE;
  if (flags & MAP_NORESERVE) vm |= VM_NORESERVE;
  else if (!(vm & VM_SHARED) && (vm & VM_WRITE)) vm |= VM_ACCOUNT;
  return vm;
}

/** mmap_region: map [addr, addr+len) with vm_flags, replacing what was there. */
export function mmap_region(mm: MmStruct, addr: u64, len: u64, vm_flags: u64, file: u32, pgoff: u64): u64 {
  const end = addr + len;
  // RLIMIT_AS counts the growth: pages a MAP_FIXED mapping replaces are not new. Checked
  // before anything is unmapped, as __mmap_prepare() does.
  if (!may_expand_vm(mm, vm_flags, (len >> PAGE_SHIFT) - count_vma_pages_range(mm, addr, end))) return <u64>-ENOMEM;
  if (find_vma_intersection(mm, addr, end) != null) {
    const err = do_munmap(mm, addr, len);
    if (err != 0) return <u64><i64>err;
  }
  const vmg = vmg_get();
  vmg_init(vmg, mm, addr, end, vm_flags, pgoff);
  vmg.file = file;
  const prev = find_vma_prev_of(mm, addr);
  vmg.prev = prev == null ? 0 : changetype<u32>(prev);
  const next = prev == null ? vma_first(mm) : vma_next(prev);
  vmg.next = next == null ? 0 : changetype<u32>(next);
  if (vma_merge_new_range(vmg) == null) {
    if (mm.map_count >= sysctl_max_map_count) return <u64>-ENOMEM;
    const vma = vm_area_alloc(mm);
    if (vma == null) return <u64>-ENOMEM;
    vma.vm_start = addr;
    vma.vm_end = end;
    vma.vm_flags = vm_flags;
    vma.vm_pgoff = pgoff;
    vma.vm_file = file;
    vma_link(mm, vma, prev);
  }
  mm.total_vm += len >> PAGE_SHIFT;
  if (mm.total_vm > mm.hiwater_vm) mm.hiwater_vm = mm.total_vm;
  validate_mm(mm);
  return addr;
}

/** do_mmap: an anonymous mapping, or one of file (an address_space, mm/filemap.ts) from page
 *  pgoff. vm_clear drops the VM_MAY* (and VM_SHARED) bits the open file does not allow;
 *  file_err is the answer of the kernel's checks on the struct file (EACCES, EPERM, ENODEV...),
 *  returned where Linux makes them: after the address is settled. Returns the address or -errno (as
 *  an unsigned value). Preconditions: the syscall layer checked the file offset.
 *  Matches mm/mmap.c do_mmap(); MAP_SHARED anonymous memory gets a shmem file as
 *  shmem_zero_setup() gives it. */
export function do_mmap(mm: MmStruct, addr: u64, len: u64, prot: i32, flags: i32, file: u32, pgoff: u64, vm_clear: u64, file_err: i32): u64 {
  if (len == 0) return <u64>-EINVAL;
  if (!(flags & MAP_FIXED)) {
    addr &= PAGE_MASK;
    if (addr != 0 && addr < MMAP_MIN_ADDR) addr = MMAP_MIN_ADDR;
  }
  len = (len + PAGE_SIZE - 1) & PAGE_MASK;
  if (len == 0) return <u64>-ENOMEM;
  const type = flags & MAP_TYPE;
  if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE) return <u64>-EINVAL;
  if (mm.map_count > sysctl_max_map_count) return <u64>-ENOMEM;
  if (flags & MAP_FIXED_NOREPLACE) flags |= MAP_FIXED;
  addr = get_unmapped_area(mm, addr, len, flags);
  if (addr >= <u64>-4095) return addr;
  if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len) != null) {
    return <u64>-EEXIST;
  }
  let vm_flags = mmap_vm_flags(prot, flags);
  if (flags & MAP_LOCKED && !can_do_mlock(mm)) return <u64>-EPERM;
  if (!mlock_future_ok(mm, vm_flags, len)) return <u64>-EAGAIN;
  if (file_err != 0) return <u64><i64>file_err;
  vm_flags &= ~vm_clear;
  if (file == 0) {
    if (!(vm_flags & VM_SHARED)) return mmap_region(mm, addr, len, vm_flags, 0, addr >> PAGE_SHIFT);
    const as = mapping_alloc(AS_SHMEM | AS_ANON_SHMEM, 0);
    if (as == null) return <u64>-ENOMEM;
    as.i_size = len;
    const r = mmap_region(mm, addr, len, vm_flags, changetype<u32>(as), 0);
    mapping_release(as); // no inode: the vmas alone keep it
    return r;
  }
  if (pgoff + (len >> PAGE_SHIFT) < pgoff) return <u64>-EOVERFLOW;
  return mmap_region(mm, addr, len, vm_flags, file, pgoff);
}

/** do_munmap: unmap [start, start+len), splitting vmas at both ends.
 *  Returns 0 or -errno. Matches mm/vma.c do_vmi_munmap(). */
export function do_munmap(mm: MmStruct, start: u64, len: u64): i32 {
  if ((start & ~PAGE_MASK) != 0 || start > TASK_SIZE || len > TASK_SIZE - start) return -EINVAL;
  len = (len + PAGE_SIZE - 1) & PAGE_MASK;
  if (len == 0) return -EINVAL;
  const end = start + len;
  let vma = find_vma_intersection(mm, start, end);
  if (vma == null) return 0;
  // Splitting both ends may need two new vmas: Linux checks the limit before touching anything.
  if (vma.vm_start < start && end < vma.vm_end && mm.map_count >= sysctl_max_map_count) return -ENOMEM;
  if (vma.vm_start < start) {
    const err = split_vma(mm, vma, start, true);
    if (err != 0) return err;
  }
  while (vma != null && vma.vm_start < end) {
    if (vma.vm_end > end) {
      const err = __split_vma(mm, vma, end, false);
      if (err != 0) return err;
    }
    const next = vma_next(vma);
    zap_page_range(mm, vma.vm_start, vma.vm_end);
    mm.total_vm -= vma_pages(vma);
    vma_unlink(mm, vma);
    remove_vma(vma);
    vma = next;
  }
  validate_mm(mm);
  return 0;
}

/** sys_brk: move the program break. Returns the new break, or the old one on failure,
 *  as Linux's brk does (glibc compares). Matches mm/mmap.c SYSCALL_DEFINE1(brk). */
export function do_brk(mm: MmStruct, brk: u64): u64 {
  const origbrk = mm.brk;
  if (brk < mm.start_brk) return origbrk;
  if (brk - mm.start_brk > <u64>(1 << 30) * 64) return origbrk;
  const newbrk = (brk + PAGE_SIZE - 1) & PAGE_MASK;
  const oldbrk = (mm.brk + PAGE_SIZE - 1) & PAGE_MASK;
  if (oldbrk == newbrk) {
    mm.brk = brk;
    return brk;
  }
  if (brk <= mm.brk) {
    if (do_munmap(mm, newbrk, oldbrk - newbrk) != 0) return origbrk;
    mm.brk = brk;
    return brk;
  }
  const next = find_vma(mm, oldbrk);
  if (next != null && newbrk + PAGE_SIZE > vm_start_gap(next)) return origbrk;
  const flags: u64 = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT;
  const r = mmap_region(mm, oldbrk, newbrk - oldbrk, flags, 0, oldbrk >> PAGE_SHIFT);
  if (r >= <u64>-4095) return origbrk;
  mm.brk = brk;
  return brk;
}

/** expand_downwards: grow a VM_GROWSDOWN vma down to cover addr (stack growth on a fault).
 *  Returns 0 or -ENOMEM. Matches mm/mmap.c expand_downwards(). */
export function expand_downwards(mm: MmStruct, vma: VmArea, addr: u64): i32 {
  addr &= PAGE_MASK;
  if (addr < MMAP_MIN_ADDR) return -EPERM_STACK;
  const prev = vma_prev(vma);
  if (prev != null && (prev.vm_flags & (VM_READ | VM_WRITE | VM_EXEC)) != 0) {
    if (addr < stack_guard_gap || addr - stack_guard_gap < prev.vm_end) return -ENOMEM;
  }
  const grow = (vma.vm_start - addr) >> PAGE_SHIFT;
  // acct_stack_growth: the address space limit, the stack limit, then the lock limit.
  if (!may_expand_vm(mm, vma.vm_flags, grow)) return -ENOMEM;
  if (vma.vm_end - addr > mm.stack_rlimit) return -ENOMEM;
  if (!mlock_future_ok(mm, vma.vm_flags, grow << PAGE_SHIFT)) return -ENOMEM;
  vma_set_range(mm, vma, addr, vma.vm_end, vma.vm_pgoff - grow);
  mm.total_vm += grow;
  mm.stack_vm += grow;
  if (mm.total_vm > mm.hiwater_vm) mm.hiwater_vm = mm.total_vm;
  validate_mm(mm);
  return 0;
}
const EPERM_STACK: i32 = 1;

/** count_vma_pages_range: pages of [addr, end) that vmas map now. */
function count_vma_pages_range(mm: MmStruct, addr: u64, end: u64): u64 {
  let nr: u64 = 0;
  for (let v = find_vma_intersection(mm, addr, end); v != null && v.vm_start < end; v = vma_next(changetype<VmArea>(v))) {
    const vma = changetype<VmArea>(v);
    const s = vma.vm_start > addr ? vma.vm_start : addr;
    const e = vma.vm_end < end ? vma.vm_end : end;
    nr += (e - s) >> PAGE_SHIFT;
  }
  return nr;
}
