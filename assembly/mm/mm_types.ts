// mm/mm_types.ts — struct mm_struct and struct vm_area_struct as raw-memory records.
// Both live in boot-sized slabs of linear memory (no managed objects, STYLE.md §3).

//   struct vm_area_struct, 96 bytes:
//    0 vm_start u64 | 8 vm_end u64 (exclusive) | 16 vm_pgoff u64 | 24 vm_flags u64
//   32 vm_mm u32 | 36 vm_next u32 | 40 vm_prev u32 | 44 anon_vma u32 | 48 vm_file u32
//   52 anon_name u32 (struct anon_vma_name, mm/anon_name.ts) | 56 vm_ops u32 (VmOperationsStruct,
//   0 = none) | 60 anon_vma_chain_nr u32 (anon_vmas on the vma's chain: 0 unfaulted, 1 own, >1 a
//   fork child's inherited ones, mm/rmap.ts)
//   64 rb_parent_color u32 (parent vma | colour in bit 0, 1 = black) | 68 rb_left u32
//   72 rb_right u32 | 76 rb_subtree_gap u32 (pages; the vma tree's augmentation, mm/vma_tree.ts)
//   80 i_mmap_next u32 | 84 i_mmap_prev u32 (vm_file's i_mmap list, mm/filemap.ts)
//   88 vm_userfaultfd_ctx u32 (the kernel's id of the userfaultfd the vma is registered with,
//   0 = none; with VM_UFFD_* in vm_flags, mm/userfaultfd.ts) | 92 vm_policy u32 (the vma's
//   NUMA memory policy, mm/mempolicy.ts encoding; 0 = none: the task's policy applies)
@unmanaged @final
export class VmArea {
  vm_start: u64;
  vm_end: u64;
  vm_pgoff: u64;
  vm_flags: u64;
  vm_mm: u32;
  vm_next: u32;
  vm_prev: u32;
  anon_vma: u32;
  vm_file: u32;
  anon_name: u32;
  vm_ops: u32;
  anon_vma_chain_nr: u32;
  rb_parent_color: u32;
  rb_left: u32;
  rb_right: u32;
  rb_subtree_gap: u32;
  i_mmap_next: u32;
  i_mmap_prev: u32;
  vm_userfaultfd_ctx: u32;
  vm_policy: u32;
}
export const VMA_SIZE: u32 = 96;

//   struct vm_operations_struct, 4 bytes: 0 close u32 (function object of (vma) => void, or 0).
// Merging never removes a vma whose ops have close(): the resources it releases are tied to
// that vma's range (mm/vma.c can_merge_remove_vma).
@unmanaged @final
export class VmOperationsStruct {
  close: u32;
}

//   struct mm_struct, 144 bytes:
//    0 pgd u32 (pfn) | 4 map_count u32 | 8 mmap u32 (lowest vma) | 12 mm_users u32
//   16 start_brk | 24 brk | 32 mmap_base | 40 start_stack | 48 total_vm (pages)
//   56 stack_vm (pages) | 64 hiwater_vm (pages) | 72 rss_anon (pages) | 80 stack_rlimit (bytes)
//   88 mmap_cache u32 (last found vma) | 92 id u32 | 96 mm_rb u32 (vma tree root)
//  100 mmap_last u32 (highest vma) | 104 rss_file u32 | 108 rss_shmem u32 (pages)
//  112 rlimit_as (bytes) | 120 memlock_limit (bytes) | 128 hiwater_rss (pages) | 136 reserved
@unmanaged @final
export class MmStruct {
  pgd: u32;
  map_count: u32;
  mmap: u32;
  mm_users: u32;
  start_brk: u64;
  brk: u64;
  mmap_base: u64;
  start_stack: u64;
  total_vm: u64;
  stack_vm: u64;
  hiwater_vm: u64;
  rss_anon: u64;
  stack_rlimit: u64;
  mmap_cache: u32;
  id: u32;
  mm_rb: u32;
  mmap_last: u32;
  rss_file: u32;
  rss_shmem: u32;
  /** RLIMIT_AS of the process (RLIM_INFINITY = u64 max); may_expand_vm() checks it. */
  rlimit_as: u64;
  /** RLIMIT_MEMLOCK of the process, or RLIM_INFINITY when it has CAP_IPC_LOCK: the kernel
   *  folds the capability in, so 0 means "may not lock at all" (can_do_mlock). */
  memlock_limit: u64;
  hiwater_rss: u64;
  reserved: u64;
}
export const MM_SIZE: u32 = 144;

export function mm_types_check(): void {
  if (offsetof<VmArea>() != VMA_SIZE) ERROR("VmArea layout changed");
  if (offsetof<MmStruct>() != MM_SIZE) ERROR("MmStruct layout changed");
}

/** get_mm_rss: pages this mm maps that count as resident (MM_ANONPAGES, MM_FILEPAGES and
 *  MM_SHMEMPAGES). Matches include/linux/mm.h get_mm_rss(). */
@inline export function get_mm_rss(mm: MmStruct): u64 {
  return mm.rss_anon + <u64>mm.rss_file + <u64>mm.rss_shmem;
}

/** update_hiwater_rss: remember the peak before rss goes down (VmHWM reads it). Linux keeps
 *  the peak lazily the same way: only paths that lower rss update it. */
@inline export function update_hiwater_rss(mm: MmStruct): void {
  const rss = get_mm_rss(mm);
  if (mm.hiwater_rss < rss) mm.hiwater_rss = rss;
}
