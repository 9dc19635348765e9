// kernel/syscalls/sys_mm.ts — brk, mmap, munmap, mprotect: argument checks riscv64's entry
// points make before mm code runs, then the core's answer passed through unchanged.
import type { SyscallHandler } from "./types";
import { int, long } from "./types";
import type { Kernel } from "../kernel";
import type { File } from "../fs/file";
import { FMODE_READ, FMODE_WRITE, S_ISREG } from "../fs/file";
import { MNT_NOEXEC, MAJOR, MINOR } from "../fs/vfs_types";
import { F_SEAL_WRITE, F_SEAL_FUTURE_WRITE } from "../fs/tmpfs";
import { EINVAL, EBADF, ENODEV, EFAULT, EACCES, EPERM, EOPNOTSUPP } from "../errno";

const MAP_ANONYMOUS = 0x20;
const MAP_TYPE = 0x0f, MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_SHARED_VALIDATE = 0x03;
const MAP_GROWSDOWN = 0x0100;
/** LEGACY_MAP_MASK: the flags MAP_SHARED_VALIDATE accepts (no MAP_SYNC: no DAX here). */
const LEGACY_MAP_MASK = 0x01 | 0x02 | 0x10 | 0x20 | 0x0100 | 0x0800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 |
  0x10000 | 0x20000 | 0x40000 | 0x4000000;
const PROT_WRITE = 0x2, PROT_EXEC = 0x4;
const VM_SHARED = 0x8n, VM_MAYWRITE = 0x20n, VM_MAYEXEC = 0x40n;
const MLOCK_ONFAULT = 1;
const PAGE_MASK = 0xfffn;
const TASK_SIZE = 0x40_0000_0000n;

/** do_mmap's checks of the struct file (mm/mmap.c, 6.18), in its order: the address_space
 *  for vm_file (0 for /dev/zero's anonymous memory), the VM_MAY* bits the file forbids, and
 *  the error to return once the address is settled (0 if none). */
function mmap_file(k: Kernel, file: File, prot: number, flags: number): { mapping: number; vm_clear: bigint; err: number } {
  let vm_clear = 0n;
  const fail = (err: number) => ({ mapping: 0, vm_clear, err });
  const type = flags & MAP_TYPE;
  const inode = file.inode;
  if (type === MAP_SHARED || type === MAP_SHARED_VALIDATE) {
    if (type === MAP_SHARED_VALIDATE && flags & ~LEGACY_MAP_MASK) return fail(-EOPNOTSUPP);
    if (prot & PROT_WRITE && !(file.fmode & FMODE_WRITE)) return fail(-EACCES);
    if (!(file.fmode & FMODE_WRITE)) vm_clear |= VM_MAYWRITE | VM_SHARED;
  } else if (type !== MAP_PRIVATE) {
    return fail(-EINVAL);
  }
  if (!(file.fmode & FMODE_READ)) return fail(-EACCES);
  if (file.path && file.path.mnt.mnt_flags & MNT_NOEXEC) {
    if (prot & PROT_EXEC) return fail(-EPERM);
    vm_clear |= VM_MAYEXEC;
  }
  // /dev/zero (mmap_zero): anonymous memory, shared anonymous when MAP_SHARED.
  if (inode && MAJOR(inode.i_rdev) === 1 && MINOR(inode.i_rdev) === 5 && !S_ISREG(inode.i_mode)) {
    return { mapping: 0, vm_clear, err: flags & MAP_GROWSDOWN ? -EINVAL : 0 };
  }
  const pc = k.fs.vfs.page_cache;
  const mapping = inode && S_ISREG(inode.i_mode) && pc ? pc.mapping_of(inode) : 0;
  if (!mapping || !file.path || !inode) return fail(-ENODEV);
  if (flags & MAP_GROWSDOWN) return fail(-EINVAL);
  // memfd seals (seal_check_write): no new writable shared mapping; a read-only one may not
  // become writable.
  if (inode.seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE) && type !== MAP_PRIVATE) {
    if (prot & PROT_WRITE) return fail(-EPERM);
    vm_clear |= VM_MAYWRITE;
  }
  pc!.note_mapped(mapping, { path: file.path, inode });
  return { mapping, vm_clear, err: 0 };
}

export const mm_syscalls: Record<string, SyscallHandler> = {
  brk: (k, t, a) => k.machine.core.sys_brk(t.mm, a[0]) as bigint,
  mmap: (k, t, a) => {
    const [addr, len, prot, flags, fd, off] = [a[0], a[1], int(a[2]), int(a[3]), int(a[4]), a[5]];
    // arch/riscv/kernel/sys_riscv.c riscv_sys_mmap: the offset must be page aligned.
    if (off & PAGE_MASK) return -EINVAL;
    const core = k.machine.core;
    if (flags & MAP_ANONYMOUS) return long(core.sys_mmap(t.mm, addr, len, prot, flags, 0, 0n, 0n, 0) as bigint);
    const file = fd >= 0 && fd < t.fds.length ? t.fds[fd] : null;
    if (!file) return -EBADF;
    const m = mmap_file(k, file, prot, flags);
    return long(core.sys_mmap(t.mm, addr, len, prot, flags, m.mapping, off >> 12n, m.vm_clear, m.err) as bigint);
  },
  munmap: (k, t, a) => {
    const r = k.machine.core.sys_munmap(t.mm, a[0], a[1]);
    k.fs.vfs.page_cache?.sync_all(); // what the mappings stored reaches their files
    return r;
  },
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
  msync: (k, t, a) => {
    const r = k.machine.core.sys_msync(t.mm, a[0], a[1], int(a[2]));
    if (r === 0) k.fs.vfs.page_cache?.sync_all();
    return r;
  },
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
