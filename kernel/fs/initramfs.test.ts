// kernel/fs/initramfs.test.ts — cpio newc: writer → unpacker round trips, and malformed,
// truncated and checksum-damaged archives answered with a message, never a throw.
import { describe, it, expect } from "vitest";
import { Vfs } from "./vfs";
import { shmem_fill_super } from "./tmpfs";
import type { FileSystemType, Path } from "./vfs_types";
import { cpio_newc_write, unpack_to_rootfs, CpioEntry } from "./initramfs";
import { LOOKUP_FOLLOW } from "./namei";
import { S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR } from "./file";

function rootvfs(): Vfs {
  const vfs = new Vfs({ now_ns: () => 1n, total_pages: 4096 });
  const t: FileSystemType = { name: "rootfs", requires_dev: false, mount: (o) => shmem_fill_super(vfs, t, o) };
  vfs.mount_root(shmem_fill_super(vfs, t, "mode=755") as never, "rootfs");
  return vfs;
}
function at(vfs: Vfs, name: string, follow = false): Path | number {
  const root = vfs.root_path();
  return vfs.lookup({ root, start: () => root, cred: { uid: 0, gid: 0 } }, name, follow ? LOOKUP_FOLLOW : 0);
}

const SAMPLE: CpioEntry[] = [
  { name: ".", mode: S_IFDIR | 0o755 },
  { name: "bin", mode: S_IFDIR | 0o755, mtime: 1234 },
  { name: "bin/prog", mode: S_IFREG | 0o755, data: "#!/bin/sh\necho hi\n", uid: 1000, gid: 100, mtime: 99 },
  { name: "bin/sh", mode: S_IFLNK | 0o777, data: "prog" },
  { name: "dev", mode: S_IFDIR | 0o755 },
  { name: "dev/console", mode: S_IFCHR | 0o600, rdevmajor: 5, rdevminor: 1 },
  { name: "etc", mode: S_IFDIR | 0o755 },
  { name: "etc/a", mode: S_IFREG | 0o644, ino: 50, nlink: 2 },
  { name: "etc/b", mode: S_IFREG | 0o644, ino: 50, nlink: 2, data: "shared" },
];

describe("initramfs", () => {
  for (const crc of [false, true]) {
    it(`unpacks ${crc ? "070702" : "070701"}: dirs, files, symlinks, nodes, hard links`, () => {
      const vfs = rootvfs();
      expect(unpack_to_rootfs(vfs, cpio_newc_write(SAMPLE, { crc }))).toBeNull();
      const prog = (at(vfs, "/bin/prog") as Path).dentry.d_inode!;
      expect(prog.i_mode).toBe(S_IFREG | 0o755);
      expect([prog.i_uid, prog.i_gid]).toEqual([1000, 100]);
      expect(prog.i_mtime_ns).toBe(99_000_000_000n);
      expect(new TextDecoder().decode(prog.data!.read(0, 100))).toBe("#!/bin/sh\necho hi\n");
      expect((at(vfs, "/bin/sh", true) as Path).dentry.d_inode).toBe(prog);
      expect((at(vfs, "/bin") as Path).dentry.d_inode!.i_mtime_ns).toBe(1234_000_000_000n);
      const con = (at(vfs, "/dev/console") as Path).dentry.d_inode!;
      expect([con.i_mode, con.i_rdev]).toEqual([S_IFCHR | 0o600, 0x501]);
      const a = (at(vfs, "/etc/a") as Path).dentry.d_inode!;
      expect((at(vfs, "/etc/b") as Path).dentry.d_inode).toBe(a);
      expect(a.i_nlink).toBe(2);
      expect(new TextDecoder().decode(a.data!.read(0, 10))).toBe("shared");
    });
  }

  it("accepts concatenated archives with NUL padding between them", () => {
    const vfs = rootvfs();
    const one = cpio_newc_write([{ name: "x", mode: S_IFREG | 0o600, data: "1" }]);
    const two = cpio_newc_write([{ name: "y", mode: S_IFREG | 0o600, data: "2" }]);
    const both = new Uint8Array(one.length + 512 + two.length);
    both.set(one);
    both.set(two, one.length + 512);
    expect(unpack_to_rootfs(vfs, both)).toBeNull();
    expect(typeof at(vfs, "/y")).toBe("object");
  });

  it("answers malformed input with a message and never throws", () => {
    const good = cpio_newc_write(SAMPLE, { crc: true });
    expect(unpack_to_rootfs(rootvfs(), new TextEncoder().encode("hello world, not cpio"))).toBe("no cpio magic");
    const old = good.slice();
    old.set(new TextEncoder().encode("070707"));
    expect(unpack_to_rootfs(rootvfs(), old)).toMatch(/newc/);
    const bad = good.slice();
    bad[good.indexOf(0x23)] ^= 1; // a byte of bin/prog's data: the checksum no longer matches
    expect(unpack_to_rootfs(rootvfs(), bad)).toBe("bad data checksum");
    for (let cut = 1; cut < good.length; cut += 7) {
      expect(() => unpack_to_rootfs(rootvfs(), good.subarray(0, cut))).not.toThrow();
    }
    expect(unpack_to_rootfs(rootvfs(), good.subarray(0, 200))).toMatch(/truncated/);
    // Random damage: never a throw.
    let seed = 12345;
    for (let i = 0; i < 300; i++) {
      const d = good.slice();
      for (let j = 0; j < 4; j++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        d[seed % d.length] = seed >>> 24;
      }
      expect(() => unpack_to_rootfs(rootvfs(), d)).not.toThrow();
    }
  });
});
