// kernel/fs/hostfs.test.ts — hostfs through the kernel's VFS against a temporary host directory:
// a Vfs with a tmpfs root and hostfs mounted on /mnt, driven by the VFS's own entry points, the
// host side checked with node:fs. Covers lookup and attributes, readdir, create/O_EXCL/O_TRUNC/
// O_APPEND, read/write at offsets, lseek, the name operations, attributes, statfs, host changes
// seen through the dcache, confinement ('..', absolute symlinks, mount options) and ENODEV on a
// port without host files.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Vfs, OpenHow, RENAME_NOREPLACE, RENAME_EXCHANGE } from "./vfs";
import { shmem_fill_super } from "./tmpfs";
import type { FileSystemType, Path } from "./vfs_types";
import { WalkStart, LOOKUP_FOLLOW, LOOKUP_DIRECTORY, MAY_READ, MAY_WRITE } from "./namei";
import {
  File, DirEntry, O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW,
  O_TMPFILE, S_IFREG, S_IFMT, S_IFDIR, S_IFLNK, SEEK_END, SEEK_DATA, SEEK_HOLE,
} from "./file";
import { hostfs_type, HOSTFS_SUPER_MAGIC } from "./hostfs";
import { NodeHostFs } from "../../host/port/node_hostfs";
import { bootTestKernel } from "../../tests/helpers/tiny_guest";
import {
  ENOENT, ENOTDIR, EEXIST, EISDIR, ENOTEMPTY, ELOOP, ENODEV, ENXIO, EOPNOTSUPP,
} from "../errno";

let host: string;
beforeEach(() => {
  host = fs.mkdtempSync(join(tmpdir(), "umwasm-hostfs-"));
});
afterEach(() => {
  fs.rmSync(host, { recursive: true, force: true });
});

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A Vfs with a tmpfs root, /mnt and /other, and hostfs (prefix "/" unless given) on /mnt. */
function mkvfs(opts = host, prefix = "/") {
  let t = 1_000_000_000n;
  const vfs = new Vfs({ now_ns: () => (t += 1000n), total_pages: 4096 });
  const tmpfs: FileSystemType = { name: "tmpfs", requires_dev: false, mount: (o) => shmem_fill_super(vfs, tmpfs, o) };
  vfs.register_filesystem(tmpfs);
  vfs.register_filesystem(hostfs_type(vfs, new NodeHostFs(), prefix));
  const sb = shmem_fill_super(vfs, tmpfs, "mode=755");
  if (typeof sb === "number") throw new Error("sb");
  vfs.mount_root(sb, "rootfs");
  const root = vfs.root_path();
  let cwd: Path = root;
  const ws = (): WalkStart => ({ root, start: () => cwd, cred: { uid: 0, gid: 0 } });
  vfs.vfs_mkdir(ws(), "/mnt", 0o755, 0);
  vfs.vfs_mkdir(ws(), "/other", 0o755, 0);
  const lookup = (name: string, flags = LOOKUP_FOLLOW): Path | number => vfs.lookup(ws(), name, flags);
  const mnt = lookup("/mnt") as Path;
  const m = vfs.do_new_mount(mnt, "hostfs", "none", 0, opts);
  const how = (flags: number, mode: number): OpenHow => ({
    open_flag: flags, mode: S_IFREG | mode,
    lookup_flags: (flags & O_NOFOLLOW || (flags & O_CREAT && flags & O_EXCL) ? 0 : LOOKUP_FOLLOW) | (flags & O_DIRECTORY ? LOOKUP_DIRECTORY : 0),
    acc_mode: [MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE, 6][flags & 3] | (flags & O_TRUNC ? MAY_WRITE : 0),
  });
  const open = (name: string, flags: number, mode = 0o644): File | number => vfs.do_filp_open(ws(), name, how(flags, mode));
  const openf = (name: string, flags: number, mode = 0o644): File => {
    const f = open(name, flags, mode);
    if (typeof f === "number") throw new Error(`open ${name}: ${f}`);
    return f;
  };
  const read = (name: string): string | number => {
    const f = open(name, O_RDONLY);
    if (typeof f === "number") return f;
    const d = f.ops.read!(f, 1 << 20, f);
    vfs.fput(f);
    return typeof d === "number" ? d : dec(d as Uint8Array);
  };
  const write = (f: File, s: string, pos?: bigint): number => {
    const r = f.ops.write!(f, enc(s), pos === undefined ? f : { pos });
    return r as number;
  };
  const list = (name: string): DirEntry[] => {
    const f = openf(name, O_RDONLY | O_DIRECTORY);
    const out: DirEntry[] = [];
    f.ops.iterate!(f, (e) => (out.push(e), true));
    vfs.fput(f);
    return out;
  };
  const stat = (name: string, flags = LOOKUP_FOLLOW) => {
    const p = lookup(name, flags);
    if (typeof p === "number") throw new Error(`stat ${name}: ${p}`);
    const inode = p.dentry.d_inode!;
    return inode.i_fop.getattr({ inode, path: p } as File);
  };
  const chdir = (name: string): void => {
    const p = lookup(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
    if (typeof p === "number") throw new Error(`chdir ${name}: ${p}`);
    cwd = p;
  };
  return { vfs, ws, lookup, open, openf, read, write, list, stat, chdir, mount: m };
}

describe("hostfs: reading the host", () => {
  it("mounts a host directory; lookup, read and stat show the host's file", () => {
    fs.writeFileSync(join(host, "hello.txt"), "hello host\n");
    fs.chmodSync(join(host, "hello.txt"), 0o640);
    const v = mkvfs();
    expect(typeof v.mount).toBe("object");
    expect(v.read("/mnt/hello.txt")).toBe("hello host\n");
    const hs = fs.lstatSync(join(host, "hello.txt"), { bigint: true });
    const st = v.stat("/mnt/hello.txt");
    expect(st.mode).toBe(S_IFREG | 0o640);
    expect(st.size).toBe(11n);
    expect(st.ino).toBe(hs.ino);
    expect(st.nlink).toBe(1);
    expect(st.uid).toBe(Number(hs.uid));
    expect(st.gid).toBe(Number(hs.gid));
    expect(st.mtime_ns).toBe(hs.mtimeNs);
    expect(st.blocks).toBe(hs.blocks);
    expect(v.lookup("/mnt/missing")).toBe(-ENOENT);
    expect(v.lookup("/mnt/hello.txt/x")).toBe(-ENOTDIR);
  });

  it("readdir lists '.', '..' and the host's entries with their inode numbers and types", () => {
    fs.mkdirSync(join(host, "dir"));
    fs.writeFileSync(join(host, "file"), "");
    fs.symlinkSync("file", join(host, "link"));
    const v = mkvfs();
    const es = v.list("/mnt");
    expect(es.slice(0, 2).map((e) => e.name)).toEqual([".", ".."]);
    const byName = new Map(es.map((e) => [e.name, e]));
    expect([...byName.keys()].sort()).toEqual([".", "..", "dir", "file", "link"]);
    expect(byName.get("dir")!.type).toBe(4);
    expect(byName.get("file")!.type).toBe(8);
    expect(byName.get("link")!.type).toBe(10);
    expect(byName.get("file")!.ino).toBe(fs.lstatSync(join(host, "file"), { bigint: true }).ino);
    // d_off positions are increasing and resume where they left off.
    const f = v.openf("/mnt", O_RDONLY | O_DIRECTORY);
    const first: string[] = [];
    f.ops.iterate!(f, (e) => (first.push(e.name), first.length < 3));
    const rest: string[] = [];
    f.ops.iterate!(f, (e) => (rest.push(e.name), true));
    expect([...first.slice(0, 2), ...rest]).toEqual(es.map((e) => e.name));
  });

  it("sees changes the host makes behind its back", () => {
    fs.writeFileSync(join(host, "f"), "one");
    const v = mkvfs();
    expect(v.stat("/mnt/f").size).toBe(3n);
    fs.unlinkSync(join(host, "f"));
    expect(v.lookup("/mnt/f")).toBe(-ENOENT);
    fs.writeFileSync(join(host, "f"), "two!");
    expect(v.read("/mnt/f")).toBe("two!");
    expect(v.stat("/mnt/f").size).toBe(4n);
    fs.rmSync(join(host, "f"));
    fs.mkdirSync(join(host, "f"));
    expect(v.stat("/mnt/f").mode & S_IFMT).toBe(S_IFDIR);
    expect(v.stat("/mnt/f").ino).toBe(fs.lstatSync(join(host, "f"), { bigint: true }).ino);
  });

  it("statfs reports HOSTFS_SUPER_MAGIC and the host's numbers", () => {
    const v = mkvfs();
    const p = v.lookup("/mnt") as Path;
    const s = p.dentry.d_inode!.i_sb.statfs();
    expect(s.f_type).toBe(HOSTFS_SUPER_MAGIC);
    expect(s.f_type).toBe(0x00c0ffee);
    expect(s.f_blocks).toBe(fs.statfsSync(host, { bigint: true }).blocks);
  });
});

describe("hostfs: writing the host", () => {
  it("creates with the guest's exact mode; O_EXCL; O_TRUNC; O_APPEND; pread and pwrite", () => {
    const v = mkvfs();
    const f = v.openf("/mnt/new", O_RDWR | O_CREAT | O_EXCL, 0o604);
    expect(fs.lstatSync(join(host, "new")).mode & 0o7777).toBe(0o604); // the host's umask did not apply
    expect(v.write(f, "0123456789")).toBe(10);
    expect(v.write(f, "AB", 2n)).toBe(2);
    expect(fs.readFileSync(join(host, "new"), "utf8")).toBe("01AB456789");
    const r = f.ops.read!(f, 4, { pos: 6n }) as Uint8Array;
    expect(dec(r)).toBe("6789");
    expect(f.ops.read!(f, 4, { pos: 100n }) as Uint8Array).toHaveLength(0);
    v.vfs.fput(f);
    expect(v.open("/mnt/new", O_RDWR | O_CREAT | O_EXCL)).toBe(-EEXIST);
    const a = v.openf("/mnt/new", O_WRONLY | O_APPEND);
    expect(v.write(a, "+", 0n)).toBe(1);
    v.vfs.fput(a);
    expect(fs.readFileSync(join(host, "new"), "utf8")).toBe("01AB456789+");
    v.vfs.fput(v.openf("/mnt/new", O_WRONLY | O_TRUNC));
    expect(fs.statSync(join(host, "new")).size).toBe(0);
  });

  it("a file created read-only is writable through the fd that created it", () => {
    const v = mkvfs();
    const f = v.openf("/mnt/ro", O_WRONLY | O_CREAT | O_EXCL, 0o444);
    expect(v.write(f, "data")).toBe(4);
    v.vfs.fput(f);
    expect(fs.readFileSync(join(host, "ro"), "utf8")).toBe("data");
    expect(fs.statSync(join(host, "ro")).mode & 0o777).toBe(0o444);
  });

  it("lseek: SEEK_END, and SEEK_DATA/SEEK_HOLE with the whole file as data", () => {
    fs.writeFileSync(join(host, "f"), "x".repeat(5000));
    const v = mkvfs();
    const f = v.openf("/mnt/f", O_RDONLY);
    expect(f.ops.llseek!(f, -1n, SEEK_END)).toBe(4999n);
    expect(f.ops.llseek!(f, 10n, SEEK_DATA)).toBe(10n);
    expect(f.ops.llseek!(f, 10n, SEEK_HOLE)).toBe(5000n);
    expect(f.ops.llseek!(f, 5000n, SEEK_DATA)).toBe(BigInt(-ENXIO));
    v.vfs.fput(f);
  });

  it("mkdir, rmdir, unlink and their errors", () => {
    const v = mkvfs();
    expect(v.vfs.vfs_mkdir(v.ws(), "/mnt/d", 0o750, 0)).toBe(0);
    expect(fs.statSync(join(host, "d")).mode & 0o7777).toBe(0o750);
    expect(v.vfs.vfs_mkdir(v.ws(), "/mnt/d", 0o750, 0)).toBe(-EEXIST);
    v.vfs.fput(v.openf("/mnt/d/f", O_WRONLY | O_CREAT));
    expect(v.vfs.vfs_rmdir(v.ws(), "/mnt/d")).toBe(-ENOTEMPTY);
    expect(v.vfs.vfs_unlink(v.ws(), "/mnt/d")).toBe(-EISDIR);
    expect(v.vfs.vfs_unlink(v.ws(), "/mnt/d/f")).toBe(0);
    expect(fs.existsSync(join(host, "d/f"))).toBe(false);
    expect(v.lookup("/mnt/d/f")).toBe(-ENOENT);
    expect(v.vfs.vfs_rmdir(v.ws(), "/mnt/d")).toBe(0);
    expect(fs.existsSync(join(host, "d"))).toBe(false);
    expect(v.vfs.vfs_rmdir(v.ws(), "/mnt/d")).toBe(-ENOENT);
  });

  it("an open file stays readable after its name is unlinked", () => {
    fs.writeFileSync(join(host, "f"), "still here");
    const v = mkvfs();
    const f = v.openf("/mnt/f", O_RDONLY);
    expect(v.vfs.vfs_unlink(v.ws(), "/mnt/f")).toBe(0);
    expect(dec(f.ops.read!(f, 100, f) as Uint8Array)).toBe("still here");
    expect(f.ops.getattr(f).nlink).toBe(0);
    v.vfs.fput(f);
  });

  it("rename, RENAME_NOREPLACE and RENAME_EXCHANGE; the dcache follows", () => {
    fs.writeFileSync(join(host, "a"), "A");
    fs.writeFileSync(join(host, "b"), "B");
    fs.mkdirSync(join(host, "dir"));
    fs.writeFileSync(join(host, "dir/inner"), "I");
    const v = mkvfs();
    v.chdir("/mnt/dir");
    expect(v.vfs.vfs_rename(v.ws(), "/mnt/a", v.ws(), "/mnt/b", RENAME_NOREPLACE)).toBe(-EEXIST);
    expect(v.vfs.vfs_rename(v.ws(), "/mnt/a", v.ws(), "/mnt/b", RENAME_EXCHANGE)).toBe(0);
    expect(fs.readFileSync(join(host, "a"), "utf8")).toBe("B");
    expect(v.read("/mnt/a")).toBe("B");
    expect(v.read("/mnt/b")).toBe("A");
    expect(v.vfs.vfs_rename(v.ws(), "/mnt/a", v.ws(), "/mnt/b", 0)).toBe(0);
    expect(fs.existsSync(join(host, "a"))).toBe(false);
    expect(v.read("/mnt/b")).toBe("B");
    // Moving the directory the cwd is in: relative names follow it on the host.
    expect(v.vfs.vfs_rename(v.ws(), "/mnt/dir", v.ws(), "/mnt/moved", 0)).toBe(0);
    expect(v.read("inner")).toBe("I");
    expect(v.read("/mnt/moved/inner")).toBe("I");
    expect(v.lookup("/mnt/dir")).toBe(-ENOENT);
  });

  it("symlink, readlink, link, chmod, chown, truncate, utimes reach the host", () => {
    fs.writeFileSync(join(host, "f"), "0123456789");
    const v = mkvfs();
    expect(v.vfs.vfs_symlink(v.ws(), "f", "/mnt/s")).toBe(0);
    expect(fs.readlinkSync(join(host, "s"))).toBe("f");
    expect(v.read("/mnt/s")).toBe("0123456789");
    expect(v.stat("/mnt/s", 0).mode & S_IFMT).toBe(S_IFLNK);
    const s = (v.lookup("/mnt/s", 0) as Path).dentry.d_inode!;
    expect(s.i_op.get_link!(s)).toBe("f");
    expect(v.vfs.vfs_link(v.ws(), v.lookup("/mnt/f") as Path, "/mnt/hard")).toBe(0);
    expect(fs.statSync(join(host, "f")).nlink).toBe(2);
    expect(v.stat("/mnt/f").nlink).toBe(2);
    const cred = { uid: 0, gid: 0 };
    expect(v.vfs.chmod(cred, v.lookup("/mnt/f") as Path, 0o600)).toBe(0);
    expect(fs.statSync(join(host, "f")).mode & 0o7777).toBe(0o600);
    expect(v.stat("/mnt/hard").mode & 0o7777).toBe(0o600);
    const me = fs.statSync(join(host, "f"));
    expect(v.vfs.chown(cred, v.lookup("/mnt/f") as Path, -1, me.gid)).toBe(0);
    expect(v.vfs.truncate((v.lookup("/mnt/f") as Path).dentry.d_inode!, 4)).toBe(0);
    expect(fs.readFileSync(join(host, "f"), "utf8")).toBe("0123");
    const t = 1_600_000_000_000_000_000n;
    expect(v.vfs.utimes(cred, v.lookup("/mnt/f") as Path, t, "omit")).toBe(0);
    const hs = fs.statSync(join(host, "f"), { bigint: true });
    expect(hs.atimeNs).toBe(t);
    expect(v.stat("/mnt/f").atime_ns).toBe(t);
  });

  it("O_TMPFILE is EOPNOTSUPP, as hostfs has no ->tmpfile", () => {
    const v = mkvfs();
    expect(v.open("/mnt", O_TMPFILE | O_RDWR)).toBe(-EOPNOTSUPP);
  });

  it("a tmpfs mounted on a hostfs directory stays mounted across lookups", () => {
    fs.mkdirSync(join(host, "sub"));
    const v = mkvfs();
    const p = v.lookup("/mnt/sub") as Path;
    expect(typeof v.vfs.do_new_mount(p, "tmpfs", "tmpfs", 0, "")).toBe("object");
    v.vfs.fput(v.openf("/mnt/sub/in-tmpfs", O_WRONLY | O_CREAT));
    expect(v.read("/mnt/sub/in-tmpfs")).toBe("");
    expect(fs.existsSync(join(host, "sub/in-tmpfs"))).toBe(false);
  });
});

describe("hostfs: confinement", () => {
  it("'..' at the mount root climbs in the guest, never on the host", () => {
    fs.mkdirSync(join(host, "d"));
    const v = mkvfs();
    v.vfs.fput(v.openf("/other/guest-only", O_WRONLY | O_CREAT));
    expect(v.read("/mnt/../other/guest-only")).toBe("");
    expect(v.read("/mnt/d/../../other/guest-only")).toBe("");
    expect(v.lookup("/mnt/../" + host.split("/").pop())).toBe(-ENOENT);
  });

  it("symlinks resolve in the guest's namespace: absolute targets do not reach the host's /", () => {
    fs.symlinkSync("/other", join(host, "abs"));
    fs.symlinkSync("../../../../../../../../etc", join(host, "rel"));
    const v = mkvfs();
    v.vfs.fput(v.openf("/other/guest-only", O_WRONLY | O_CREAT));
    expect(v.read("/mnt/abs/guest-only")).toBe("");
    // The relative link climbs to the guest's root, whose /etc does not exist.
    expect(v.lookup("/mnt/rel")).toBe(-ENOENT);
    expect(v.lookup("/mnt/rel/passwd")).toBe(-ENOENT);
    expect(v.open("/mnt/abs", O_RDONLY | O_NOFOLLOW)).toBe(-ELOOP);
  });

  it("the mount option stays below the hostfs= prefix; symlinks in it are refused", () => {
    fs.mkdirSync(join(host, "inner"));
    fs.writeFileSync(join(host, "inner/f"), "inner");
    fs.symlinkSync("/", join(host, "toroot"));
    expect(mkvfs("/inner", host).read("/mnt/f")).toBe("inner");
    expect(mkvfs("/../../inner", host).read("/mnt/f")).toBe("inner");
    expect(mkvfs("inner", host).read("/mnt/f")).toBe("inner");
    expect(mkvfs("/toroot", host).mount).toBe(-ELOOP);
    expect(mkvfs("/nope", host).mount).toBe(-ENOENT);
    expect(mkvfs("/inner/f", host).mount).toBe(-ENOTDIR);
  });
});

describe("hostfs: availability", () => {
  it("a host port without host files makes mount -t hostfs ENODEV", () => {
    const { kernel } = bootTestKernel();
    const vfs = kernel.fs.vfs;
    const p = vfs.lookup({ root: vfs.root_path(), start: () => vfs.root_path(), cred: { uid: 0, gid: 0 } }, "/tmp", LOOKUP_FOLLOW);
    expect(typeof p).toBe("object");
    expect(vfs.do_new_mount(p as Path, "hostfs", "none", 0, "/")).toBe(-ENODEV);
    expect(vfs.fs_types.has("hostfs")).toBe(false);
  });
});
