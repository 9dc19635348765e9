// kernel/fs/vfs.test.ts — the VFS driven directly: path resolution (fs/namei.c's edge cases),
// tmpfs semantics, mounts, devtmpfs devices. No guest: a Vfs on a fake clock.
import { describe, it, expect } from "vitest";
import { Vfs, OpenHow } from "./vfs";
import { shmem_fill_super } from "./tmpfs";
import type { FileSystemType, Path } from "./vfs_types";
import { WalkStart, LOOKUP_FOLLOW, LOOKUP_DIRECTORY, LOOKUP_EMPTY, MAY_READ, MAY_WRITE } from "./namei";
import { chr_dev_init, devtmpfs_type } from "./devtmpfs";
import { File, O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW, S_IFREG, S_IFDIR, S_IFCHR } from "./file";
import type { HostPort } from "../host_port";
import {
  ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EEXIST, EISDIR, ENOTEMPTY, EINVAL, EBUSY, EXDEV, EACCES, ENOSPC, EPERM,
} from "../errno";

function mkvfs() {
  let t = 1_000_000_000n;
  const vfs = new Vfs({ now_ns: () => (t += 1000n), total_pages: 4096 });
  const tmpfs: FileSystemType = { name: "tmpfs", requires_dev: false, mount: (o) => shmem_fill_super(vfs, tmpfs, o) };
  vfs.register_filesystem(tmpfs);
  vfs.register_filesystem(devtmpfs_type(vfs));
  const port = { console_write() {}, console_read: () => null, console_kind: () => "pipe" } as unknown as HostPort;
  chr_dev_init(vfs, port, (b) => b.fill(0xab));
  const sb = shmem_fill_super(vfs, tmpfs, "mode=755");
  if (typeof sb === "number") throw new Error("sb");
  vfs.mount_root(sb, "rootfs");
  const root = vfs.root_path();
  let cwd: Path = root;
  const ws = (uid = 0): WalkStart => ({ root, start: () => cwd, cred: { uid, gid: uid } });
  const how = (flags: number, mode = 0o644): OpenHow => ({
    open_flag: flags, lookup_flags: (flags & O_NOFOLLOW ? 0 : LOOKUP_FOLLOW) | (flags & O_DIRECTORY ? LOOKUP_DIRECTORY : 0),
    acc_mode: [MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE, 6][flags & 3] | (flags & O_TRUNC ? MAY_WRITE : 0), mode: S_IFREG | mode,
  });
  const open = (name: string, flags: number, mode = 0o644, uid = 0): File | number => {
    const h = how(flags, mode);
    if (flags & O_CREAT && flags & O_EXCL) h.lookup_flags &= ~LOOKUP_FOLLOW;
    return vfs.do_filp_open(ws(uid), name, h);
  };
  const write = (name: string, text: string): void => {
    const f = open(name, O_WRONLY | O_CREAT | O_TRUNC) as File;
    expect(typeof f).toBe("object");
    f.ops.write!(f, new TextEncoder().encode(text), f);
    vfs.fput(f);
  };
  const read = (name: string): string | number => {
    const f = open(name, O_RDONLY);
    if (typeof f === "number") return f;
    const d = f.ops.read!(f, 1 << 20, f);
    vfs.fput(f);
    return typeof d === "number" ? d : new TextDecoder().decode(d as Uint8Array);
  };
  const lookup = (name: string, flags = LOOKUP_FOLLOW): Path | number => vfs.lookup(ws(), name, flags);
  const ino = (name: string, flags = LOOKUP_FOLLOW): number => {
    const p = lookup(name, flags);
    return typeof p === "number" ? p : p.dentry.d_inode!.i_ino;
  };
  const chdir = (name: string): void => {
    const p = lookup(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
    if (typeof p === "number") throw new Error(`chdir ${name}: ${p}`);
    cwd = p;
  };
  return { vfs, ws, open, write, read, lookup, ino, chdir, root };
}

describe("path resolution", () => {
  it("absolute, relative, . and .., never above the root", () => {
    const v = mkvfs();
    expect(v.vfs.vfs_mkdir(v.ws(), "/a", 0o755, 0)).toBe(0);
    expect(v.vfs.vfs_mkdir(v.ws(), "/a/b", 0o755, 0)).toBe(0);
    v.write("/a/b/f", "x");
    expect(v.ino("/a/b/f")).toBeGreaterThan(0);
    expect(v.ino("a//b/./f")).toBe(v.ino("/a/b/f"));
    expect(v.ino("/../../a/../a/b/../b/f")).toBe(v.ino("/a/b/f"));
    expect(v.ino("/..")).toBe(v.ino("/"));
    v.chdir("/a/b");
    expect(v.ino("f")).toBe(v.ino("/a/b/f"));
    expect(v.ino("../../..")).toBe(v.ino("/"));
  });

  it("ENOENT, ENOTDIR, trailing slashes, ENAMETOOLONG", () => {
    const v = mkvfs();
    v.write("/file", "x");
    expect(v.lookup("/nope")).toBe(-ENOENT);
    expect(v.lookup("/nope/x")).toBe(-ENOENT);
    expect(v.lookup("/file/x")).toBe(-ENOTDIR);
    expect(v.lookup("/file/")).toBe(-ENOTDIR);
    expect(v.lookup("/file/.")).toBe(-ENOTDIR);
    expect(v.lookup("")).toBe(-ENOENT);
    expect(typeof v.lookup("", LOOKUP_EMPTY)).toBe("object");
    expect(v.lookup("/" + "a".repeat(256))).toBe(-ENAMETOOLONG);
    expect(v.lookup("/" + "a".repeat(255))).toBe(-ENOENT);
    expect(v.vfs.vfs_mkdir(v.ws(), "/" + "a".repeat(256), 0o755, 0)).toBe(-ENAMETOOLONG);
  });

  it("symlinks: relative, absolute, chains, dangling, ELOOP after 40, NOFOLLOW on the last", () => {
    const v = mkvfs();
    v.vfs.vfs_mkdir(v.ws(), "/d", 0o755, 0);
    v.write("/d/target", "hello");
    expect(v.vfs.vfs_symlink(v.ws(), "target", "/d/rel")).toBe(0);
    expect(v.vfs.vfs_symlink(v.ws(), "/d", "/abs")).toBe(0);
    expect(v.read("/d/rel")).toBe("hello");
    expect(v.read("/abs/rel")).toBe("hello");
    expect(v.ino("/abs/../abs/target")).toBe(v.ino("/d/target"));
    expect(v.vfs.vfs_symlink(v.ws(), "nowhere", "/dangling")).toBe(0);
    expect(v.lookup("/dangling")).toBe(-ENOENT);
    expect(typeof v.lookup("/dangling", 0)).toBe("object");
    // A chain of exactly 40 links resolves; 41 is ELOOP.
    v.vfs.vfs_symlink(v.ws(), "/d/target", "/l0");
    for (let i = 1; i <= 40; i++) v.vfs.vfs_symlink(v.ws(), `/l${i - 1}`, `/l${i}`);
    expect(v.ino("/l39")).toBe(v.ino("/d/target"));
    expect(v.lookup("/l40")).toBe(-ELOOP);
    v.vfs.vfs_symlink(v.ws(), "/loop", "/loop");
    expect(v.lookup("/loop")).toBe(-ELOOP);
    expect(v.lookup("/loop/x")).toBe(-ELOOP);
    // A symlink to a directory followed by a slash is the directory.
    expect(v.ino("/abs/")).toBe(v.ino("/d"));
    expect(v.lookup("/d/rel/")).toBe(-ENOTDIR);
    expect(v.open("/d/rel", O_RDONLY | O_NOFOLLOW)).toBe(-ELOOP);
  });

  it("crosses mounts both ways", () => {
    const v = mkvfs();
    v.vfs.vfs_mkdir(v.ws(), "/mnt", 0o755, 0);
    v.write("/mnt/under", "hidden");
    const p = v.lookup("/mnt") as Path;
    const m = v.vfs.do_new_mount(p, "tmpfs", "tmpfs", 0, "");
    expect(typeof m).toBe("object");
    expect(v.lookup("/mnt/under")).toBe(-ENOENT);
    v.write("/mnt/on", "top");
    expect(v.read("/mnt/on")).toBe("top");
    expect(v.ino("/mnt/..")).toBe(v.ino("/"));
    v.chdir("/mnt");
    expect(v.ino("..")).toBe(v.ino("/"));
    expect(v.vfs.vfs_rmdir(v.ws(), "/mnt")).toBe(-EBUSY);
    expect(v.vfs.vfs_rename(v.ws(), "/mnt/on", v.ws(), "/elsewhere", 0)).toBe(-EXDEV);
    expect(v.vfs.d_path(v.root, v.lookup("/mnt/on") as Path).name).toBe("/mnt/on");
    const f = v.open("/mnt/on", O_RDONLY) as File;
    expect(v.vfs.do_umount(v.lookup("/mnt") as Path, 0)).toBe(-EBUSY);
    v.vfs.fput(f);
    expect(v.vfs.do_umount(v.lookup("/mnt") as Path, 0)).toBe(0);
    expect(v.read("/mnt/under")).toBe("hidden");
  });
});

describe("tmpfs", () => {
  it("open flags: O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, EISDIR", () => {
    const v = mkvfs();
    expect(v.open("/f", O_RDONLY)).toBe(-ENOENT);
    const f = v.open("/f", O_RDWR | O_CREAT, 0o600) as File;
    expect(f.inode!.i_mode).toBe(S_IFREG | 0o600);
    expect(v.open("/f", O_RDWR | O_CREAT | O_EXCL)).toBe(-EEXIST);
    f.ops.write!(f, new TextEncoder().encode("abcdef"), f);
    const g = v.open("/f", O_WRONLY | O_APPEND) as File;
    g.ops.write!(g, new TextEncoder().encode("XY"), g);
    expect(v.read("/f")).toBe("abcdefXY");
    v.vfs.fput(v.open("/f", O_WRONLY | O_TRUNC) as File);
    expect(v.read("/f")).toBe("");
    expect(v.open("/f", O_RDONLY | O_DIRECTORY)).toBe(-ENOTDIR);
    expect(v.open("/", O_WRONLY)).toBe(-EISDIR);
    expect(v.open("/", O_RDONLY | O_CREAT)).toBe(-EISDIR);
    expect(v.open("/new/", O_RDWR | O_CREAT)).toBe(-EISDIR);
    // A dangling symlink with O_CREAT creates its target; with O_EXCL it is EEXIST.
    v.vfs.vfs_symlink(v.ws(), "/made", "/dl");
    expect(v.open("/dl", O_RDWR | O_CREAT | O_EXCL)).toBe(-EEXIST);
    expect(typeof v.open("/dl", O_RDWR | O_CREAT)).toBe("object");
    expect(typeof v.lookup("/made")).toBe("object");
  });

  it("st_* fields: nlink, size, blocks, times, ino", () => {
    const v = mkvfs();
    const root = v.lookup("/") as Path;
    const ri = root.dentry.d_inode!;
    expect(ri.i_nlink).toBe(2);
    expect(ri.i_mode).toBe(S_IFDIR | 0o755);
    expect(ri.i_ino).toBe(1);
    v.vfs.vfs_mkdir(v.ws(), "/d", 0o777, 0o022);
    const d = (v.lookup("/d") as Path).dentry.d_inode!;
    expect(d.i_mode).toBe(S_IFDIR | 0o755);
    expect(ri.i_nlink).toBe(3);
    expect(ri.i_size).toBe(60);
    v.write("/d/f", "x".repeat(5000));
    const fi = (v.lookup("/d/f") as Path).dentry.d_inode!;
    expect(fi.i_size).toBe(5000);
    expect(fi.i_blocks).toBe(16);
    expect(fi.i_mtime_ns).toBeGreaterThan(0n);
    expect(v.vfs.vfs_link(v.ws(), v.lookup("/d/f") as Path, "/hard")).toBe(0);
    expect(fi.i_nlink).toBe(2);
    expect(v.ino("/hard")).toBe(fi.i_ino);
    expect(v.vfs.vfs_unlink(v.ws(), "/d/f")).toBe(0);
    expect(fi.i_nlink).toBe(1);
    expect(v.read("/hard")).toBe("x".repeat(5000));
    expect(v.vfs.vfs_link(v.ws(), v.lookup("/d") as Path, "/dirlink")).toBe(-EPERM);
  });

  it("unlink, rmdir and rename errors in Linux's order", () => {
    const v = mkvfs();
    v.vfs.vfs_mkdir(v.ws(), "/d", 0o755, 0);
    v.vfs.vfs_mkdir(v.ws(), "/e", 0o755, 0);
    v.write("/d/f", "1");
    v.write("/g", "2");
    expect(v.vfs.vfs_unlink(v.ws(), "/d")).toBe(-EISDIR);
    expect(v.vfs.vfs_unlink(v.ws(), "/g/")).toBe(-ENOTDIR);
    expect(v.vfs.vfs_unlink(v.ws(), "/zz/")).toBe(-ENOENT);
    expect(v.vfs.vfs_rmdir(v.ws(), "/g")).toBe(-ENOTDIR);
    expect(v.vfs.vfs_rmdir(v.ws(), "/d")).toBe(-ENOTEMPTY);
    expect(v.vfs.vfs_rmdir(v.ws(), "/d/.")).toBe(-EINVAL);
    expect(v.vfs.vfs_rmdir(v.ws(), "/d/..")).toBe(-ENOTEMPTY);
    expect(v.vfs.vfs_rmdir(v.ws(), "/")).toBe(-EBUSY);
    expect(v.vfs.vfs_mkdir(v.ws(), "/d", 0o755, 0)).toBe(-EEXIST);
    expect(v.vfs.vfs_symlink(v.ws(), "x", "/nodir/")).toBe(-ENOENT);
    expect(v.vfs.vfs_rename(v.ws(), "/d", v.ws(), "/d/sub", 0)).toBe(-EINVAL);
    expect(v.vfs.vfs_rename(v.ws(), "/e", v.ws(), "/d", 0)).toBe(-ENOTEMPTY);
    expect(v.vfs.vfs_rename(v.ws(), "/g", v.ws(), "/d", 0)).toBe(-EISDIR);
    expect(v.vfs.vfs_rename(v.ws(), "/e", v.ws(), "/g", 0)).toBe(-ENOTDIR);
    expect(v.vfs.vfs_rename(v.ws(), "/g", v.ws(), "/d/f", 1)).toBe(-EEXIST);
    expect(v.vfs.vfs_rename(v.ws(), "/g", v.ws(), "/nope", 2)).toBe(-ENOENT);
    expect(v.vfs.vfs_rename(v.ws(), "/g", v.ws(), "/d/f", 2)).toBe(0);
    expect(v.read("/g")).toBe("1");
    expect(v.read("/d/f")).toBe("2");
    expect(v.vfs.vfs_rename(v.ws(), "/g", v.ws(), "/d/f", 0)).toBe(0);
    expect(v.read("/d/f")).toBe("1");
    expect(v.lookup("/g")).toBe(-ENOENT);
    expect(v.vfs.vfs_rename(v.ws(), "/e", v.ws(), "/d/e2", 0)).toBe(0);
    expect(v.ino("/d/e2/..")).toBe(v.ino("/d"));
  });

  it("permissions for an unprivileged user", () => {
    const v = mkvfs();
    v.vfs.vfs_mkdir(v.ws(), "/priv", 0o700, 0);
    v.write("/priv/f", "s");
    expect(v.vfs.lookup(v.ws(1000), "/priv/f", LOOKUP_FOLLOW)).toBe(-EACCES);
    expect(v.open("/priv/f", O_RDONLY, 0, 1000)).toBe(-EACCES);
    expect(v.vfs.vfs_mkdir(v.ws(1000), "/x", 0o755, 0)).toBe(-EACCES);
  });

  it("readdir lists ., .., then entries in creation order, stable across unlinks", () => {
    const v = mkvfs();
    for (const n of ["c", "a", "b"]) v.write("/" + n, n);
    const d = v.open("/", O_RDONLY | O_DIRECTORY) as File;
    const names: string[] = [];
    d.ops.iterate!(d, (e) => { if (names.length >= 3) return false; names.push(e.name); return true; });
    expect(names).toEqual([".", "..", "c"]);
    v.vfs.vfs_unlink(v.ws(), "/a");
    d.ops.iterate!(d, (e) => { names.push(e.name); return true; });
    expect(names).toEqual([".", "..", "c", "b"]);
  });

  it("size= limits give ENOSPC", () => {
    const v = mkvfs();
    v.vfs.vfs_mkdir(v.ws(), "/small", 0o755, 0);
    v.vfs.do_new_mount(v.lookup("/small") as Path, "tmpfs", "tmpfs", 0, "size=8k");
    const f = v.open("/small/f", O_RDWR | O_CREAT) as File;
    expect(f.ops.write!(f, new Uint8Array(12288), f)).toBe(8192);
    expect(f.ops.write!(f, new Uint8Array(1), f)).toBe(-ENOSPC);
  });
});

describe("devtmpfs", () => {
  it("has the devices with their numbers and behaviours", () => {
    const v = mkvfs();
    v.vfs.vfs_mkdir(v.ws(), "/dev", 0o755, 0);
    v.vfs.do_new_mount(v.lookup("/dev") as Path, "devtmpfs", "devtmpfs", 0, "");
    const rdev = (n: string) => (v.lookup("/dev/" + n) as Path).dentry.d_inode!.i_rdev;
    expect([rdev("null"), rdev("zero"), rdev("full"), rdev("random"), rdev("urandom"), rdev("tty"), rdev("console")])
      .toEqual([0x103, 0x105, 0x107, 0x108, 0x109, 0x500, 0x501]);
    expect((v.lookup("/dev/null") as Path).dentry.d_inode!.i_mode).toBe(S_IFCHR | 0o666);
    const open = (n: string) => v.open("/dev/" + n, O_RDWR) as File;
    const nul = open("null");
    expect((nul.ops.read!(nul, 10, nul) as Uint8Array).length).toBe(0);
    expect(nul.ops.write!(nul, new Uint8Array(5), nul)).toBe(5);
    const zero = open("zero");
    expect(zero.ops.read!(zero, 4, zero)).toEqual(new Uint8Array(4));
    const full = open("full");
    expect(full.ops.write!(full, new Uint8Array(1), full)).toBe(-ENOSPC);
    expect(full.ops.read!(full, 3, full)).toEqual(new Uint8Array(3));
    const rnd = open("urandom");
    expect(rnd.ops.read!(rnd, 2, rnd)).toEqual(new Uint8Array([0xab, 0xab]));
    expect(nul.ops.getattr(nul).rdev).toBe(0x103n);
  });
});
