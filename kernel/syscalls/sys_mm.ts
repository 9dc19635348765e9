// kernel/syscalls/sys_mm.ts — brk, mmap, munmap, mprotect: argument checks riscv64's entry
// points make before mm code runs, then the core's answer passed through unchanged.
import type { SyscallHandler } from "./types";
import { int, long } from "./types";
import { EINVAL, EBADF, ENODEV } from "../errno";

const MAP_ANONYMOUS = 0x20;
const PAGE_MASK = 0xfffn;

export const mm_syscalls: Record<string, SyscallHandler> = {
  brk: (k, t, a) => k.machine.core.sys_brk(t.mm, a[0]) as bigint,
  mmap: (k, t, a) => {
    const [addr, len, prot, flags, fd, off] = [a[0], a[1], int(a[2]), int(a[3]), int(a[4]), a[5]];
    // arch/riscv/kernel/sys_riscv.c riscv_sys_mmap: the offset must be page aligned.
    if (off & PAGE_MASK) return -EINVAL;
    if (!(flags & MAP_ANONYMOUS)) {
      // DIVERGES: no file-backed mappings until the VFS and page cache arrive (issue 3, 5).
      const file = fd >= 0 && fd < t.fds.length ? t.fds[fd] : null;
      return file ? -ENODEV : -EBADF;
    }
    return long(k.machine.core.sys_mmap(t.mm, addr, len, prot, flags) as bigint);
  },
  munmap: (k, t, a) => k.machine.core.sys_munmap(t.mm, a[0], a[1]),
  madvise: (k, t, a) => k.machine.core.sys_madvise(t.mm, a[0], a[1], int(a[2])),
  mprotect: (k, t, a) => k.machine.core.sys_mprotect(t.mm, a[0], a[1], int(a[2])),
};
