// kernel/syscalls/sys_mm.ts — brk, mmap, munmap, mprotect: argument checks riscv64's entry
// points make before mm code runs, then the core's answer passed through unchanged.
import type { SyscallHandler } from "./types";
import { int, long } from "./types";
import { EINVAL, EBADF, ENODEV, EFAULT } from "../errno";

const MAP_ANONYMOUS = 0x20;
const MLOCK_ONFAULT = 1;
const PAGE_MASK = 0xfffn;
const TASK_SIZE = 0x40_0000_0000n;

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
  mremap: (k, t, a) => long(k.machine.core.sys_mremap(t.mm, a[0], a[1], a[2], int(a[3]), a[4]) as bigint),
  madvise: (k, t, a) => k.machine.core.sys_madvise(t.mm, a[0], a[1], int(a[2])),
  mlock: (k, t, a) => k.machine.core.sys_mlock(t.mm, a[0], a[1], 0),
  mlock2: (k, t, a) => {
    const flags = int(a[2]);
    if (flags & ~MLOCK_ONFAULT) return -EINVAL;
    return k.machine.core.sys_mlock(t.mm, a[0], a[1], flags);
  },
  munlock: (k, t, a) => k.machine.core.sys_munlock(t.mm, a[0], a[1]),
  mlockall: (k, t, a) => k.machine.core.sys_mlockall(t.mm, int(a[0]), 1),
  munlockall: (k, t) => k.machine.core.sys_mlockall(t.mm, 0, 0),
  msync: (k, t, a) => k.machine.core.sys_msync(t.mm, a[0], a[1], int(a[2])),
  mincore: (k, t, a) => {
    const [start, len, vec] = [a[0], a[1], a[2]];
    if (start & PAGE_MASK) return -EINVAL;
    const pages = (len + PAGE_MASK) >> 12n;
    if (vec + pages > TASK_SIZE || vec + pages < vec) return -EFAULT; // access_ok
    const chunk = BigInt(k.machine.bounceSize);
    for (let done = 0n; done < pages; done += chunk) {
      const n = pages - done < chunk ? pages - done : chunk;
      const r = BigInt.asIntN(64, k.machine.core.sys_mincore(t.mm, start + (done << 12n), n << 12n) as bigint);
      if (r < 0n) return Number(r);
      const bytes = k.machine.bytes().slice(k.machine.bounce, k.machine.bounce + Number(n));
      if (!k.machine.writeUser(t.mm, vec + done, bytes)) return -EFAULT;
    }
    return 0;
  },
  mprotect: (k, t, a) => k.machine.core.sys_mprotect(t.mm, a[0], a[1], int(a[2])),
};
