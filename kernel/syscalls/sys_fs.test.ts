// kernel/syscalls/sys_fs.test.ts — the file syscalls through the real table on a booted
// kernel, with a tiny guest's data page as user memory: errnos in Linux's order, EFAULT on bad
// pointers, the fd table (EMFILE, close-on-exec bits, dup3), getdents64's layout, stat, pipes
// with SIGPIPE and the Block contract, and procfs's texts.
import { describe, it, expect, beforeEach } from "vitest";
import { bootTestKernel, spawnTiny } from "../../tests/helpers/tiny_guest";
import type { Kernel } from "../kernel";
import type { Task } from "../task";
import { raw_syscall } from "../../tests/helpers/syscall";
import { RLIMIT_NOFILE } from "../task";
import { ERESTARTSYS } from "../fs/wait";
import {
  EBADF, EFAULT, EINVAL, ENOENT, ENOTDIR, EEXIST, EMFILE, ESPIPE, EPIPE, ERANGE, ENOSPC, EISDIR, ELOOP, EAGAIN,
  ENAMETOOLONG, EXDEV,
} from "../errno";

const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200, O_TRUNC = 0o1000;
const O_APPEND = 0o2000, O_NONBLOCK = 0o4000, O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000, O_CLOEXEC = 0o2000000;
const O_PATH = 0o10000000, AT_FDCWD = -100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100;
const BAD = 0x10n; // never mapped

let k: Kernel;
let t: Task;
let mem: bigint;
const enc = new TextEncoder();
const dec = new TextDecoder();

function sys(name: string, ...args: (number | bigint)[]): number {
  return Number(raw_syscall(k, t, name, args) as number | bigint);
}
/** A NUL-terminated string in user memory at slot (each slot is 512 bytes). */
function str(s: string, slot = 0): bigint {
  const addr = mem + BigInt(slot * 512);
  k.machine.writeUser(t.mm, addr, enc.encode(s + "\0"));
  return addr;
}
const BUF = () => mem + 2048n;
function readback(len: number): Uint8Array {
  return k.machine.readUser(t.mm, BUF(), len)!;
}
function write_str(fd: number, s: string): number {
  const a = mem + 1536n;
  k.machine.writeUser(t.mm, a, enc.encode(s));
  return sys("write", fd, a, enc.encode(s).length);
}
function read_str(fd: number, n = 256): string | number {
  const r = sys("read", fd, BUF(), n);
  return r < 0 ? r : dec.decode(readback(r));
}
function cat(path: string): string {
  const fd = sys("openat", AT_FDCWD, str(path, 3), O_RDONLY);
  expect(fd).toBeGreaterThanOrEqual(0);
  let out = "";
  for (;;) {
    const r = read_str(fd, 1024);
    if (typeof r === "number") throw new Error(`read ${path}: ${r}`);
    if (r === "") break;
    out += r;
  }
  sys("close", fd);
  return out;
}

beforeEach(() => {
  k = bootTestKernel().kernel;
  const g = spawnTiny(k, new Uint8Array(8), { data: new Uint8Array(16384) });
  t = g.task;
  mem = g.data;
});

describe("open, read, write, lseek, close", () => {
  it("keeps the console as fds 0-2 and allocates the lowest free fd", () => {
    expect(sys("openat", AT_FDCWD, str("/tmp/a"), O_RDWR | O_CREAT, 0o644)).toBe(3);
    expect(sys("openat", AT_FDCWD, str("/tmp/b"), O_RDWR | O_CREAT, 0o644)).toBe(4);
    expect(sys("close", 3)).toBe(0);
    expect(sys("openat", AT_FDCWD, str("/tmp/a"), O_RDONLY)).toBe(3);
    expect(sys("close", 99)).toBe(-EBADF);
  });

  it("errors in Linux's order", () => {
    expect(sys("openat", AT_FDCWD, str("/tmp/x"), O_RDWR | O_CREAT | O_DIRECTORY)).toBe(-EINVAL);
    expect(sys("openat", AT_FDCWD, BAD, O_RDONLY)).toBe(-EFAULT);
    expect(sys("openat", AT_FDCWD, str(""), O_RDONLY)).toBe(-ENOENT);
    expect(sys("openat", AT_FDCWD, str("/" + "x".repeat(4100)), O_RDONLY)).toBe(-ENAMETOOLONG);
    expect(sys("openat", 42, str("rel"), O_RDONLY)).toBe(-EBADF);
    expect(sys("openat", 42, str("/tmp"), O_RDONLY)).toBeGreaterThan(0); // absolute: dfd unused
    const f = sys("openat", AT_FDCWD, str("/tmp/f"), O_RDWR | O_CREAT | O_EXCL, 0o600);
    expect(sys("openat", f, str("rel"), O_RDONLY)).toBe(-ENOTDIR);
    expect(sys("openat", AT_FDCWD, str("/tmp/f"), O_RDWR | O_CREAT | O_EXCL)).toBe(-EEXIST);
    expect(sys("openat", AT_FDCWD, str("/tmp"), O_WRONLY)).toBe(-EISDIR);
    sys("symlinkat", str("/tmp/f", 1), AT_FDCWD, str("/tmp/l"));
    expect(sys("openat", AT_FDCWD, str("/tmp/l"), O_RDONLY | O_NOFOLLOW)).toBe(-ELOOP);
    t.rlim[RLIMIT_NOFILE] = { cur: 8n, max: 8n };
    let last = 0;
    for (let i = 0; i < 10; i++) last = sys("openat", AT_FDCWD, str("/tmp/f"), O_RDONLY);
    expect(last).toBe(-EMFILE);
  });

  it("reads and writes at the file position, lseek, pread/pwrite, O_APPEND, EFAULT", () => {
    const fd = sys("openat", AT_FDCWD, str("/tmp/f"), O_RDWR | O_CREAT, 0o644);
    expect(write_str(fd, "hello world")).toBe(11);
    expect(sys("lseek", fd, 0, 1)).toBe(11);
    expect(sys("lseek", fd, 6, 0)).toBe(6);
    expect(read_str(fd)).toBe("world");
    expect(sys("pread64", fd, BUF(), 5, 0)).toBe(5);
    expect(dec.decode(readback(5))).toBe("hello");
    expect(sys("lseek", fd, 0, 1)).toBe(11);
    expect(sys("lseek", fd, -1, 0)).toBe(-EINVAL);
    expect(sys("lseek", fd, 0, 7)).toBe(-EINVAL);
    expect(sys("lseek", fd, 0, 2)).toBe(11);
    expect(sys("read", fd, BAD, 4)).toBe(0); // at EOF nothing is copied
    sys("lseek", fd, 0, 0);
    expect(sys("read", fd, BAD, 4)).toBe(-EFAULT);
    expect(sys("lseek", fd, 0, 1)).toBe(0); // a failed copy does not move the position
    expect(sys("write", fd, BAD, 4)).toBe(-EFAULT);
    expect(sys("pread64", fd, BUF(), 1, -1)).toBe(-EINVAL);
    const ap = sys("openat", AT_FDCWD, str("/tmp/f"), O_WRONLY | O_APPEND);
    expect(write_str(ap, "!")).toBe(1);
    expect(cat("/tmp/f")).toBe("hello world!");
    expect(sys("read", ap, BUF(), 1)).toBe(-EBADF);
    const ro = sys("openat", AT_FDCWD, str("/tmp/f"), O_RDONLY);
    expect(write_str(ro, "x")).toBe(-EBADF);
    expect(sys("ftruncate", fd, 5)).toBe(0);
    expect(cat("/tmp/f")).toBe("hello");
    expect(sys("ftruncate", ro, 1)).toBe(-EINVAL);
    expect(sys("lseek", 0, 0, 0)).toBe(-ESPIPE);
  });

  it("readv/writev gather and scatter", () => {
    const fd = sys("openat", AT_FDCWD, str("/tmp/v"), O_RDWR | O_CREAT, 0o644);
    const iov = mem + 4096n;
    k.machine.writeUser(t.mm, mem + 5000n, enc.encode("abcXYZ"));
    const v = new DataView(new ArrayBuffer(32));
    v.setBigUint64(0, mem + 5000n, true); v.setBigUint64(8, 3n, true);
    v.setBigUint64(16, mem + 5003n, true); v.setBigUint64(24, 3n, true);
    k.machine.writeUser(t.mm, iov, new Uint8Array(v.buffer));
    expect(sys("writev", fd, iov, 2)).toBe(6);
    expect(cat("/tmp/v")).toBe("abcXYZ");
    expect(sys("writev", fd, iov, 1025)).toBe(-EINVAL);
    expect(sys("writev", fd, BAD, 1)).toBe(-EFAULT);
  });
});

describe("directories and names", () => {
  it("mkdirat, getdents64, unlinkat, renameat2, linkat, readlinkat, getcwd, chdir", () => {
    expect(sys("mkdirat", AT_FDCWD, str("/tmp/d"), 0o777)).toBe(0);
    expect(sys("mkdirat", AT_FDCWD, str("/tmp/d"), 0o777)).toBe(-EEXIST);
    const f = sys("openat", AT_FDCWD, str("/tmp/d/file"), O_RDWR | O_CREAT, 0o666);
    sys("close", f);
    expect(sys("symlinkat", str("file", 1), AT_FDCWD, str("/tmp/d/link"))).toBe(0);
    expect(sys("linkat", AT_FDCWD, str("/tmp/d/file"), AT_FDCWD, str("/tmp/d/hard", 1), 0)).toBe(0);
    expect(sys("linkat", AT_FDCWD, str("/tmp/d/file"), AT_FDCWD, str("/hard", 1), 0)).toBe(-EXDEV);
    const d = sys("openat", AT_FDCWD, str("/tmp/d"), O_RDONLY | O_DIRECTORY);
    const n = sys("getdents64", d, BUF(), 1024);
    const b = readback(n);
    const dv = new DataView(b.buffer);
    const names: [string, number][] = [];
    for (let o = 0; o < n;) {
      const reclen = dv.getUint16(o + 16, true);
      const name = dec.decode(b.subarray(o + 19, b.indexOf(0, o + 19)));
      names.push([name, b[o + 18]]);
      expect(reclen % 8).toBe(0);
      o += reclen;
    }
    expect(names).toEqual([[".", 4], ["..", 4], ["file", 8], ["link", 10], ["hard", 8]]);
    expect(sys("getdents64", d, BUF(), 1024)).toBe(0);
    expect(sys("getdents64", d, BUF(), 10)).toBe(0);
    sys("lseek", d, 0, 0);
    expect(sys("getdents64", d, BUF(), 10)).toBe(-EINVAL);
    expect(sys("getdents64", 1, BUF(), 100)).toBe(-ENOTDIR);
    expect(sys("readlinkat", AT_FDCWD, str("/tmp/d/link"), BUF(), 100)).toBe(4);
    expect(dec.decode(readback(4))).toBe("file");
    expect(sys("readlinkat", AT_FDCWD, str("/tmp/d/file"), BUF(), 100)).toBe(-EINVAL);
    expect(sys("renameat2", AT_FDCWD, str("/tmp/d/file"), AT_FDCWD, str("/tmp/d/hard", 1), 1)).toBe(-EEXIST);
    expect(sys("renameat2", AT_FDCWD, str("/tmp/d/file"), AT_FDCWD, str("/tmp/d/moved", 1), 0)).toBe(0);
    expect(sys("unlinkat", AT_FDCWD, str("/tmp/d"), AT_REMOVEDIR)).toBe(-39);
    expect(sys("unlinkat", AT_FDCWD, str("/tmp/d"), 0)).toBe(-EISDIR);
    expect(sys("chdir", str("/tmp/d"))).toBe(0);
    expect(sys("getcwd", BUF(), 100)).toBe(7);
    expect(dec.decode(readback(6))).toBe("/tmp/d");
    expect(sys("getcwd", BUF(), 6)).toBe(-ERANGE);
    expect(sys("chdir", str("moved"))).toBe(-ENOTDIR);
    expect(sys("umask", 0o077)).toBe(0o022);
    expect(sys("mkdirat", AT_FDCWD, str("sub"), 0o777)).toBe(0);
    const st = mem + 8192n;
    expect(sys("newfstatat", AT_FDCWD, str("sub"), st, 0)).toBe(0);
    expect(new DataView(k.machine.readUser(t.mm, st, 128)!.buffer).getUint32(16, true)).toBe(0o040700);
  });

  it("stat, statx, fstat with AT_EMPTY_PATH and O_PATH", () => {
    const st = mem + 8192n;
    const fd = sys("openat", AT_FDCWD, str("/dev/null"), O_PATH);
    expect(sys("read", fd, BUF(), 1)).toBe(-EBADF);
    expect(sys("newfstatat", fd, str(""), st, AT_EMPTY_PATH)).toBe(0);
    const dv = new DataView(k.machine.readUser(t.mm, st, 128)!.buffer);
    expect(dv.getUint32(16, true)).toBe(0o020666);
    expect(dv.getBigUint64(32, true)).toBe(0x103n);
    expect(sys("newfstatat", fd, str(""), st, 0)).toBe(-ENOENT);
    expect(sys("newfstatat", AT_FDCWD, str("/dev/null"), st, 0x8000)).toBe(-EINVAL);
    expect(sys("newfstatat", AT_FDCWD, str("/dev/null"), BAD, 0)).toBe(-EFAULT);
    expect(sys("statx", AT_FDCWD, str("/proc"), 0, 0x7ff, st)).toBe(0);
    const sx = new DataView(k.machine.readUser(t.mm, st, 256)!.buffer);
    expect(sx.getUint16(28, true)).toBe(0o040555);
    expect(sx.getBigUint64(8, true) & 0x2000n).toBe(0x2000n); // STATX_ATTR_MOUNT_ROOT
    expect(sys("statx", AT_FDCWD, str("/proc"), 0x6000, 0x7ff, st)).toBe(-EINVAL);
    expect(sys("fstat", 1, st)).toBe(0);
  });
});

describe("fd table", () => {
  it("dup, dup3, fcntl F_DUPFD/F_GETFD/F_SETFD/F_GETFL/F_SETFL", () => {
    const fd = sys("openat", AT_FDCWD, str("/tmp/f"), O_RDWR | O_CREAT | O_CLOEXEC, 0o644);
    expect(sys("fcntl", fd, 1)).toBe(1);
    const d = sys("dup", fd);
    expect(sys("fcntl", d, 1)).toBe(0);
    expect(sys("dup3", fd, fd, 0)).toBe(-EINVAL);
    expect(sys("dup3", fd, 10, 1)).toBe(-EINVAL);
    expect(sys("dup3", fd, 10, O_CLOEXEC)).toBe(10);
    expect(sys("fcntl", 10, 1)).toBe(1);
    expect(sys("dup3", 77, 11, 0)).toBe(-EBADF);
    expect(sys("dup3", fd, 5000, 0)).toBe(-EBADF);
    expect(sys("fcntl", fd, 0, 20)).toBe(20);
    expect(sys("fcntl", fd, 1030, 5000)).toBe(-EINVAL);
    expect(sys("fcntl", fd, 3)).toBe(O_RDWR | 0o100000);
    expect(sys("fcntl", fd, 4, O_APPEND | O_NONBLOCK | O_TRUNC)).toBe(0);
    expect(sys("fcntl", d, 3)).toBe(O_RDWR | 0o100000 | O_APPEND | O_NONBLOCK);
    expect(sys("fcntl", fd, 9999)).toBe(-EINVAL);
    expect(sys("fcntl", 99, 1)).toBe(-EBADF);
  });
});

describe("pipes, eventfd, memfd", () => {
  it("pipe2: data, EAGAIN, EOF, EPIPE with SIGPIPE, Block for a blocking read", () => {
    const fds = mem + 4000n;
    expect(sys("pipe2", fds, 0o1)).toBe(-EINVAL);
    expect(sys("pipe2", BAD, 0)).toBe(-EFAULT);
    expect(sys("pipe2", fds, O_NONBLOCK)).toBe(0);
    const dv = new DataView(k.machine.readUser(t.mm, fds, 8)!.buffer);
    const [r, w] = [dv.getInt32(0, true), dv.getInt32(4, true)];
    expect([r, w]).toEqual([3, 4]);
    expect(read_str(r)).toBe(-EAGAIN);
    expect(write_str(w, "data")).toBe(4);
    expect(read_str(r)).toBe("data");
    expect(sys("lseek", r, 0, 0)).toBe(-ESPIPE);
    expect(sys("pread64", r, BUF(), 1, 0)).toBe(-ESPIPE);
    sys("fcntl", r, 4, 0);
    expect(sys("read", r, BUF(), 10)).toBe(-ERESTARTSYS);
    expect(t.blocked_on).not.toBeNull();
    t.blocked_on = null;
    sys("close", w);
    expect(read_str(r)).toBe("");
    expect(sys("pipe2", fds, 0)).toBe(0);
    const [r2, w2] = [new DataView(k.machine.readUser(t.mm, fds, 8)!.buffer).getInt32(0, true), new DataView(k.machine.readUser(t.mm, fds, 8)!.buffer).getInt32(4, true)];
    let sigpipes = 0;
    k.fs.send_sigpipe = () => sigpipes++;
    sys("close", r2);
    expect(write_str(w2, "x")).toBe(-EPIPE);
    expect(sigpipes).toBe(1);
  });

  it("eventfd2 and memfd_create", () => {
    const e = sys("eventfd2", 5, O_NONBLOCK);
    expect(sys("read", e, BUF(), 8)).toBe(8);
    expect(new DataView(readback(8).buffer).getBigUint64(0, true)).toBe(5n);
    expect(sys("read", e, BUF(), 8)).toBe(-EAGAIN);
    expect(sys("eventfd2", 0, 0x10)).toBe(-EINVAL);
    const m = sys("memfd_create", str("buf"), 2);
    expect(sys("ftruncate", m, 10000)).toBe(0);
    expect(sys("fallocate", m, 0, 0, 20000)).toBe(0);
    expect(sys("fstat", m, mem + 8192n)).toBe(0);
    expect(new DataView(k.machine.readUser(t.mm, mem + 8192n, 128)!.buffer).getBigInt64(48, true)).toBe(20000n);
    expect(sys("fcntl", m, 1033, 4)).toBe(0); // F_SEAL_GROW
    expect(sys("ftruncate", m, 30000)).toBe(-1);
    expect(sys("readlinkat", AT_FDCWD, str(`/proc/self/fd/${m}`), BUF(), 100)).toBe("/memfd:buf (deleted)".length);
    expect(dec.decode(readback(20))).toBe("/memfd:buf (deleted)");
    expect(sys("memfd_create", str("x".repeat(250)), 0)).toBe(-EINVAL);
    const full = sys("openat", AT_FDCWD, str("/dev/full"), O_WRONLY);
    expect(write_str(full, "x")).toBe(-ENOSPC);
  });
});

describe("procfs and mounts", () => {
  it("/proc/self, status, stat, cmdline, fd/, exe, mounts, cpuinfo, sys", () => {
    expect(sys("readlinkat", AT_FDCWD, str("/proc/self"), BUF(), 100)).toBe(String(t.pid).length);
    expect(sys("readlinkat", AT_FDCWD, str("/proc/self/exe"), BUF(), 100)).toBe(5);
    expect(dec.decode(readback(5))).toBe("/tiny");
    const status = cat("/proc/self/status");
    expect(status).toMatch(new RegExp(`^Name:\\ttiny\\nUmask:\\t0022\\nState:\\tR \\(running\\)\\nTgid:\\t${t.pid}\\n`));
    expect(status).toMatch(/\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\n/);
    expect(status).toMatch(/\nThreads:\t1\n/);
    expect(cat("/proc/self/stat")).toMatch(new RegExp(`^${t.pid} \\(tiny\\) R 0 `));
    expect(cat("/proc/self/stat").trim().split(" ").length).toBe(52);
    expect(cat("/proc/self/comm")).toBe("tiny\n");
    expect(cat("/proc/sys/kernel/osrelease")).toMatch(/^6\.18/);
    expect(cat("/proc/sys/vm/max_map_count")).toBe("65530\n");
    expect(cat("/proc/cpuinfo")).toMatch(/^processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc/);
    expect(cat("/proc/mounts")).toBe(
      "rootfs / rootfs rw,relatime 0 0\ndevtmpfs /dev devtmpfs rw,nosuid,relatime 0 0\n" +
      "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\nsysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n" +
      "tmpfs /tmp tmpfs rw,nosuid,nodev,relatime 0 0\n");
    expect(cat("/proc/filesystems")).toContain("nodev\ttmpfs\n");
    expect(cat("/proc/uptime")).toMatch(/^\d+\.\d\d 0\.00\n$/);
    expect(cat("/proc/version")).toMatch(/^Linux version 6\.18/);
    const d = sys("openat", AT_FDCWD, str("/proc/self/fd"), O_RDONLY | O_DIRECTORY);
    expect(sys("readlinkat", d, str("1"), BUF(), 100)).toBeGreaterThan(0);
    expect(sys("readlinkat", AT_FDCWD, str("/proc/self/cwd"), BUF(), 100)).toBe(1);
    expect(sys("openat", AT_FDCWD, str("/proc/self/nope"), O_RDONLY)).toBe(-ENOENT);
    expect(sys("mkdirat", AT_FDCWD, str("/proc/x"), 0o755)).toBe(-1);
  });

  it("mount and umount2 a tmpfs, statfs", () => {
    sys("mkdirat", AT_FDCWD, str("/mnt"), 0o755);
    expect(sys("mount", str("none"), str("/mnt", 1), str("bogusfs", 2), 0, 0)).toBe(-19);
    expect(sys("mount", str("none"), str("/mnt", 1), str("tmpfs", 2), 0, str("mode=700", 3))).toBe(0);
    const sf = mem + 8192n;
    expect(sys("statfs", str("/mnt"), sf)).toBe(0);
    expect(new DataView(k.machine.readUser(t.mm, sf, 8)!.buffer).getBigInt64(0, true)).toBe(0x01021994n);
    expect(sys("umount2", str("/dev/null"), 0)).toBe(-EINVAL);
    expect(sys("umount2", str("/mnt"), 0)).toBe(0);
    expect(sys("umount2", str("/mnt"), 0x10)).toBe(-EINVAL);
    expect(sys("faccessat", AT_FDCWD, str("/mnt"), 7)).toBe(0);
    expect(sys("faccessat2", AT_FDCWD, str("/dev/null"), 1, 0)).toBe(-13);
    expect(sys("fchmodat", AT_FDCWD, str("/mnt"), 0o700)).toBe(0);
    expect(sys("fchownat", AT_FDCWD, str("/mnt"), 5, 6, AT_SYMLINK_NOFOLLOW)).toBe(0);
    const ts = mem + 6000n;
    const tv = new DataView(new ArrayBuffer(32));
    tv.setBigInt64(0, 100n, true); tv.setBigInt64(8, 0n, true);
    tv.setBigInt64(16, 200n, true); tv.setBigInt64(24, (1n << 30n) - 2n, true);
    k.machine.writeUser(t.mm, ts, new Uint8Array(tv.buffer));
    expect(sys("utimensat", AT_FDCWD, str("/mnt"), ts, 0)).toBe(0);
    tv.setBigInt64(8, 2_000_000_000n, true);
    k.machine.writeUser(t.mm, ts, new Uint8Array(tv.buffer));
    expect(sys("utimensat", AT_FDCWD, str("/mnt"), ts, 0)).toBe(-EINVAL);
  });
});
