// kernel/syscalls/sys_pipe.ts — pipe2, eventfd2, userfaultfd, memfd_create (fs/pipe.c, fs/eventfd.c, fs/userfaultfd.c,
// mm/memfd.c as of 6.18): flag checks in Linux's order, then fds, then the files.

import type { SyscallHandler } from "./types";
import { int, uint } from "./types";
import { O_CLOEXEC, O_NONBLOCK, O_DIRECT } from "../fs/file";
import { create_pipe_files } from "../fs/pipe";
import { eventfd_file_create, EFD_SEMAPHORE } from "../fs/eventfd";
import { userfaultfd_file_create } from "../fs/userfaultfd";
import { memfd_check_flags, memfd_file_create, MFD_CLOEXEC, MFD_NAME_MAX_LEN } from "../fs/memfd";
import { bytes_name } from "../fs/vfs_types";
import { get_unused_fd, fd_install } from "./sys_fs";
import { EFAULT, EINVAL } from "../errno";

/** O_NOTIFICATION_PIPE (O_EXCL): a watch-queue pipe. DIVERGES: no watch queues; EINVAL... as
 *  a kernel built without CONFIG_WATCH_QUEUE answers. */
const O_NOTIFICATION_PIPE = 0o200;

export const pipe_syscalls: Record<string, SyscallHandler> = {
  pipe2: (k, t, a) => {
    const flags = int(a[1]);
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_NOTIFICATION_PIPE)) return -EINVAL;
    if (flags & O_NOTIFICATION_PIPE) return -EINVAL;
    const rfd = get_unused_fd(t);
    if (rfd < 0) return rfd;
    // Reserve the read end's slot so the write end gets the next free one.
    const [r, w] = create_pipe_files(k.fs.pipe_sb, t.uid, t.gid, flags);
    fd_install(t, rfd, r, (flags & O_CLOEXEC) !== 0);
    const wfd = get_unused_fd(t);
    if (wfd < 0) {
      t.files.remove(rfd);
      return wfd;
    }
    fd_install(t, wfd, w, (flags & O_CLOEXEC) !== 0);
    const out = new Uint8Array(8);
    const dv = new DataView(out.buffer);
    dv.setInt32(0, rfd, true);
    dv.setInt32(4, wfd, true);
    if (!k.machine.writeUser(t.mm, a[0], out)) {
      t.files.remove(rfd);
      t.files.remove(wfd);
      k.fs.vfs.fput(r);
      k.fs.vfs.fput(w);
      return -EFAULT;
    }
    return 0;
  },
  eventfd2: (k, t, a) => {
    const count = uint(a[0]);
    const flags = int(a[1]);
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE)) return -EINVAL;
    const fd = get_unused_fd(t);
    if (fd < 0) return fd;
    fd_install(t, fd, eventfd_file_create(k.fs.anon_inode, BigInt(count), flags), (flags & O_CLOEXEC) !== 0);
    return fd;
  },
  userfaultfd: (k, t, a) => {
    const flags = int(a[0]);
    const f = userfaultfd_file_create(k, t, k.fs.anon_inode, flags);
    if (typeof f === "number") return f;
    const fd = get_unused_fd(t);
    if (fd < 0) {
      k.fs.vfs.fput(f);
      return fd;
    }
    fd_install(t, fd, f, (flags & O_CLOEXEC) !== 0);
    return fd;
  },
  memfd_create: (k, t, a) => {
    const flags = uint(a[1]);
    const err = memfd_check_flags(flags);
    if (err) return err;
    const s = k.machine.readUserString(t.mm, a[0], MFD_NAME_MAX_LEN + 1);
    if (typeof s === "number") return s === -36 ? -EINVAL : s;
    const fd = get_unused_fd(t);
    if (fd < 0) return fd;
    const f = memfd_file_create(k.fs.vfs, k.fs.shm_mnt, bytes_name(s), flags, t.uid, t.gid);
    if (typeof f === "number") return f;
    fd_install(t, fd, f, (flags & MFD_CLOEXEC) !== 0);
    return fd;
  },
};
