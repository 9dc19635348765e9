// Memory-mapping constants as Linux's uapi (asm-generic/mman-common.h, linux/mman.h) and
// vm_flags bits as include/linux/mm.h.

export const PAGE_SHIFT: u32 = 12;
export const PAGE_SIZE: u64 = 4096;
export const PAGE_MASK: u64 = ~(PAGE_SIZE - 1);

/** Sv39: user addresses are below 2^38 (TASK_SIZE_64 for a 3-level page table). */
export const TASK_SIZE: u64 = 0x40_0000_0000;
export const MMAP_MIN_ADDR: u64 = 65536;

export const PROT_NONE: i32 = 0;
export const PROT_READ: i32 = 1;
export const PROT_WRITE: i32 = 2;
export const PROT_EXEC: i32 = 4;
export const PROT_GROWSDOWN: i32 = 0x01000000;
export const PROT_GROWSUP: i32 = 0x02000000;

export const MAP_SHARED: i32 = 0x01;
export const MAP_PRIVATE: i32 = 0x02;
export const MAP_SHARED_VALIDATE: i32 = 0x03;
export const MAP_TYPE: i32 = 0x0f;
export const MAP_FIXED: i32 = 0x10;
export const MAP_ANONYMOUS: i32 = 0x20;
export const MAP_GROWSDOWN: i32 = 0x0100;
export const MAP_DENYWRITE: i32 = 0x0800;
export const MAP_EXECUTABLE: i32 = 0x1000;
export const MAP_LOCKED: i32 = 0x2000;
export const MAP_NORESERVE: i32 = 0x4000;
export const MAP_POPULATE: i32 = 0x8000;
export const MAP_NONBLOCK: i32 = 0x10000;
export const MAP_STACK: i32 = 0x20000;
export const MAP_HUGETLB: i32 = 0x40000;
export const MAP_SYNC: i32 = 0x80000;
export const MAP_FIXED_NOREPLACE: i32 = 0x100000;

export const VM_READ: u64 = 0x1;
export const VM_WRITE: u64 = 0x2;
export const VM_EXEC: u64 = 0x4;
export const VM_SHARED: u64 = 0x8;
export const VM_MAYREAD: u64 = 0x10;
export const VM_MAYWRITE: u64 = 0x20;
export const VM_MAYEXEC: u64 = 0x40;
export const VM_MAYSHARE: u64 = 0x80;
export const VM_GROWSDOWN: u64 = 0x100;
export const VM_LOCKED: u64 = 0x2000;
/** userfaultfd registration modes (include/linux/mm.h): missing-page and write-protect faults
 *  of the vma go to its userfaultfd context (VmArea.vm_userfaultfd_ctx). */
export const VM_UFFD_MISSING: u64 = 0x200;
export const VM_UFFD_WP: u64 = 0x1000;
export const __VM_UFFD_FLAGS: u64 = VM_UFFD_MISSING | VM_UFFD_WP;
export const VM_NORESERVE: u64 = 0x200000;
export const VM_ACCOUNT: u64 = 0x100000;
export const VM_DONTCOPY: u64 = 0x00020000;
export const VM_WIPEONFORK: u64 = 0x02000000;
export const VM_STACK: u64 = VM_GROWSDOWN;
export const VM_ACCESS_FLAGS: u64 = VM_READ | VM_WRITE | VM_EXEC;
export const VM_SEQ_READ: u64 = 0x00008000;
export const VM_RAND_READ: u64 = 0x00010000;
export const VM_DONTEXPAND: u64 = 0x00040000;
export const VM_LOCKONFAULT: u64 = 0x00080000;
export const VM_DONTDUMP: u64 = 0x04000000;
export const VM_HUGEPAGE: u64 = 0x20000000;
export const VM_NOHUGEPAGE: u64 = 0x40000000;
export const VM_MERGEABLE: u64 = 0x80000000;
export const VM_IO: u64 = 0x00004000;
export const VM_PFNMAP: u64 = 0x00000400;
export const VM_MIXEDMAP: u64 = 0x10000000;
/** vmas that never merge and that madvise/mlock treat specially (include/linux/mm.h). */
export const VM_SPECIAL: u64 = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP;

export const MADV_NORMAL: i32 = 0;
export const MADV_RANDOM: i32 = 1;
export const MADV_SEQUENTIAL: i32 = 2;
export const MADV_WILLNEED: i32 = 3;
export const MADV_DONTNEED: i32 = 4;
export const MADV_FREE: i32 = 8;
export const MADV_REMOVE: i32 = 9;
export const MADV_DONTFORK: i32 = 10;
export const MADV_DOFORK: i32 = 11;
export const MADV_MERGEABLE: i32 = 12;
export const MADV_UNMERGEABLE: i32 = 13;
export const MADV_HUGEPAGE: i32 = 14;
export const MADV_NOHUGEPAGE: i32 = 15;
export const MADV_DONTDUMP: i32 = 16;
export const MADV_DODUMP: i32 = 17;
export const MADV_WIPEONFORK: i32 = 18;
export const MADV_KEEPONFORK: i32 = 19;
export const MADV_COLD: i32 = 20;
export const MADV_PAGEOUT: i32 = 21;
export const MADV_POPULATE_READ: i32 = 22;
export const MADV_POPULATE_WRITE: i32 = 23;
export const MADV_DONTNEED_LOCKED: i32 = 24;
export const MADV_COLLAPSE: i32 = 25;
