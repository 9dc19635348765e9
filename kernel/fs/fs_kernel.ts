// kernel/fs/fs_kernel.ts — the kernel's file-system state and its boot sequence.
// Owns: the Vfs (mount tree, file systems, devices), the pseudo super blocks (pipefs,
// anon_inodefs, the internal shm mount of memfd) and the hooks the rest of the kernel gives
// the file systems (SIGPIPE, procfs's view of memory).
// Boot (what kernel.ts runs, in order):
//   1. fs_init(k): the Vfs on the kernel clock, tmpfs/devtmpfs/proc registered (and hostfs
//      when the host port has files), the character devices registered, and the root mounted:
//      rootfs (a tmpfs, mode 0755), or what rootfstype= and rootflags= name (mount_root).
//   2. populate_rootfs(cpio): unpack an initramfs into the root (initramfs.ts), if there is one.
//   3. mount_defaults(): devtmpfs on /dev, proc on /proc and tmpfs on /tmp, for `umwasm run`
//      (a booted /init mounts /proc and /dev itself and may skip this). On rootfs the
//      directories are made; on another root (a host directory) only existing ones are used.
//   4. Each first task gets fs_struct_for_init() (root and cwd at "/") and the console fds.

import type { Kernel } from "../kernel";
import type { Task } from "../task";
import { Vfs } from "./vfs";
import { Mount } from "./vfs_types";
import type { FileSystemType, Inode, SuperBlock } from "./vfs_types";
import { shmem_fill_super } from "./tmpfs";
import { PageCache } from "./page_cache";
import { chr_dev_init, devtmpfs_type } from "./devtmpfs";
import { pipefs_super, fifo_fops } from "./pipe";
import { anon_inode_init } from "./eventfd";
import { FsStruct } from "./fs_struct";
import { proc_type, ProcHooks } from "./procfs";
import { sysfs_type } from "./sysfs";
import { unpack_to_rootfs } from "./initramfs";
import { MNT_NOSUID, MNT_NODEV, MNT_NOEXEC } from "./vfs_types";
import { hostfs_type } from "./hostfs";
import { CmdlineError } from "../params";
import { S_ISDIR } from "./file";
import { exit_files, do_close_on_exec } from "../syscalls/sys_fs";
import { kernel_read_file } from "../syscalls/sys_namei";

export class FsState {
  readonly vfs: Vfs;
  readonly pipe_sb: SuperBlock;
  readonly anon_inode: Inode;
  /** The internal tmpfs memfd files live on (shm_mnt; never in the tree). */
  readonly shm_mnt: Mount;
  /** Called when a write finds a pipe with no readers (pipe_write's send_sig(SIGPIPE)). */
  send_sigpipe: (task: Task) => void = () => {};
  /** What procfs asks the rest of the kernel (memory numbers, process tree). */
  readonly proc_hooks: ProcHooks;

  private readonly k: Kernel;

  constructor(k: Kernel) {
    this.k = k;
    // execve finds its file and closes close-on-exec fds through the VFS.
    k.open_exec = (t, path) => {
      const r = kernel_read_file(k, t, path);
      return typeof r === "number" ? r : { file: r.data, exe: r.path };
    };
    k.on_exec_files = (t) => do_close_on_exec(k, t);
    const vfs = new Vfs({
      now_ns: () => k.port.realtime_ns(),
      total_pages: Math.floor(k.params.mem_bytes / 4096),
      page_cache: new PageCache(k.machine),
    });
    this.vfs = vfs;
    const tmpfs: FileSystemType = { name: "tmpfs", requires_dev: false, mount: (opts) => shmem_fill_super(vfs, tmpfs, opts) };
    const ramfs: FileSystemType = { name: "ramfs", requires_dev: false, mount: (opts) => shmem_fill_super(vfs, ramfs, opts) };
    const rootfs: FileSystemType = { name: "rootfs", requires_dev: false, mount: (opts) => shmem_fill_super(vfs, rootfs, opts) };
    this.proc_hooks = { kernel: k };
    vfs.register_filesystem(tmpfs);
    vfs.register_filesystem(ramfs);
    vfs.register_filesystem(devtmpfs_type(vfs));
    vfs.register_filesystem(proc_type(vfs, () => this.proc_hooks));
    // No host files (a browser, a deterministic test port): mount -t hostfs is ENODEV.
    if (k.port.hostfs) vfs.register_filesystem(hostfs_type(vfs, k.port.hostfs, k.params.hostfs));
    vfs.register_filesystem(sysfs_type(vfs));
    vfs.fifo_fops = fifo_fops;
    chr_dev_init(vfs, k.port, (b) => k.random.fill(b));
    this.mount_root(rootfs);
    this.pipe_sb = pipefs_super(vfs);
    this.anon_inode = anon_inode_init(vfs);
    const shm = shmem_fill_super(vfs, tmpfs, "");
    if (typeof shm === "number") throw new Error(`shm_mnt: ${shm}`);
    this.shm_mnt = new Mount(0, shm, "tmpfs", 0, "");
  }

  /** mount_root: rootfs, or the file system rootfstype= names with rootflags= as its data.
   *  A root that cannot be mounted is a command-line error (Linux panics: "VFS: Unable to
   *  mount root fs"). */
  private mount_root(rootfs: FileSystemType): void {
    const vfs = this.vfs;
    const { rootfstype, rootflags } = this.k.params;
    if (rootfstype === null) {
      const root = shmem_fill_super(vfs, rootfs, "mode=755");
      if (typeof root === "number") throw new Error(`rootfs: ${root}`);
      vfs.mount_root(root, "rootfs");
      return;
    }
    const type = vfs.fs_types.get(rootfstype);
    if (!type) throw new CmdlineError(`rootfstype=${rootfstype}: no such file system here (error -19)`);
    const sb = type.mount(rootflags);
    if (typeof sb === "number") {
      throw new CmdlineError(`VFS: Unable to mount root fs ${rootfstype}${rootflags ? ` (rootflags=${rootflags})` : ""}: error ${sb}`);
    }
    vfs.mount_root(sb, rootfstype === "hostfs" ? "none" : rootfstype, rootflags);
  }

  /** populate_rootfs: unpack a cpio newc archive into the root. null, or the error message
   *  Linux would print ("Initramfs unpacking failed: ..."). */
  populate_rootfs(cpio: Uint8Array): string | null {
    return unpack_to_rootfs(this.vfs, cpio);
  }

  /** Mount devtmpfs on /dev, proc on /proc, sysfs on /sys and a tmpfs on /tmp, making the
   *  directories. */
  mount_defaults(): void {
    const vfs = this.vfs;
    const root = vfs.root_path();
    const ws = { root, start: () => root, cred: { uid: 0, gid: 0 } };
    const mounts: [string, string, string, number, number, string][] = [
      ["dev", "devtmpfs", "devtmpfs", 0o755, MNT_NOSUID, ""],
      ["proc", "proc", "proc", 0o555, MNT_NOSUID | MNT_NODEV | MNT_NOEXEC, ""],
      ["sys", "sysfs", "sysfs", 0o555, MNT_NOSUID | MNT_NODEV | MNT_NOEXEC, ""],
      ["tmp", "tmpfs", "tmpfs", 0o1777, MNT_NOSUID | MNT_NODEV, ""],
    ];
    const on_rootfs = this.k.params.rootfstype === null;
    for (const [dir, fstype, devname, mode, flags, opts] of mounts) {
      if (on_rootfs) vfs.vfs_mkdir(ws, "/" + dir, mode, 0);
      const p = vfs.lookup(ws, "/" + dir, 1);
      if (!on_rootfs && (typeof p === "number" || !S_ISDIR(p.dentry.d_inode!.i_mode))) continue;
      if (typeof p === "number") throw new Error(`mount_defaults: /${dir}: ${p}`);
      const m = vfs.do_new_mount(p, fstype, devname, flags, opts);
      if (typeof m === "number") throw new Error(`mount_defaults: mount ${fstype} on /${dir}: ${m}`);
    }
  }

  /** exit_files + exit_fs: the task's last use of its fd table closes every fd (pipe ends
   *  see EOF/EPIPE from here on). */
  exit_task(task: Task): void {
    exit_files(this.k, task);
    if (task.fs) task.fs.users--;
  }

  /** The fs_struct of a first task: root and cwd at the root of the mount tree. */
  fs_struct_for_init(): FsStruct {
    const root = this.vfs.root_path();
    return new FsStruct(root, root, 0o022);
  }
}
