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
export const VM_NORESERVE: u64 = 0x200000;
export const VM_ACCOUNT: u64 = 0x100000;
export const VM_DONTCOPY: u64 = 0x00020000;
export const VM_WIPEONFORK: u64 = 0x02000000;
export const VM_STACK: u64 = VM_GROWSDOWN;
export const VM_ACCESS_FLAGS: u64 = VM_READ | VM_WRITE | VM_EXEC;
