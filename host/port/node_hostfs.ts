// host/port/node_hostfs.ts — the HostFs of the Node port: hostfs's calls (kernel/fs/hostfs.ts)
// made with node:fs's synchronous functions, as UML's fs/hostfs/hostfs_user.c makes them with
// libc. Every answer is a value or a negative Linux errno; exceptions never reach the kernel.
// Paths and names cross as byte strings (one char per byte) and become latin1 Buffers here, so
// any byte sequence survives. Open flags arrive as Linux's generic O_* values and are translated
// to this host's (arm64 and x86-64 disagree on O_DIRECTORY and O_NOFOLLOW).
// Nothing here follows a symlink in the last component of a path: the guest resolves links.

import * as fs from "node:fs";
import type { HostDirent, HostFs, HostStat, HostStatfs, HostTime } from "../../kernel/host_port";

/** Linux's errno numbers for the codes node:fs reports (the kernel speaks only Linux). */
const LINUX_ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EIO: 5, ENXIO: 6, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14,
  EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23,
  EMFILE: 24, ETXTBSY: 26, EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30, EMLINK: 31,
  ENAMETOOLONG: 36, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, EOVERFLOW: 75, EOPNOTSUPP: 95,
  ENOTSUP: 95, ESTALE: 116, EDQUOT: 122,
};
const EEXIST = 17;
const EINVAL = 22;
const EIO = 5;

function errno_of(e: unknown): number {
  const code = (e as NodeJS.ErrnoException).code;
  return -(code !== undefined ? LINUX_ERRNO[code] ?? EIO : EIO);
}

/** Run a host call; a thrown host error becomes -errno. */
function host<T>(op: () => T): T | number {
  try {
    return op();
  } catch (e) {
    return errno_of(e);
  }
}

function hpath(p: string): Buffer {
  return Buffer.from(p, "latin1");
}

// Linux generic O_* values (asm-generic/fcntl.h).
const L_O_ACCMODE = 3, L_O_CREAT = 0o100, L_O_EXCL = 0o200, L_O_TRUNC = 0o1000, L_O_DIRECTORY = 0o200000;

function host_open_flags(flags: number): number {
  const c = fs.constants;
  let f = [c.O_RDONLY, c.O_WRONLY, c.O_RDWR, c.O_RDWR][flags & L_O_ACCMODE] | c.O_NOFOLLOW;
  if (flags & L_O_CREAT) f |= c.O_CREAT;
  if (flags & L_O_EXCL) f |= c.O_EXCL;
  if (flags & L_O_TRUNC) f |= c.O_TRUNC;
  if (flags & L_O_DIRECTORY) f |= c.O_DIRECTORY;
  return f;
}

/** glibc's dev_t (gnu_dev_major/minor) → Linux's new_encode_dev, as stat(2) reports it. */
function linux_dev(d: bigint): bigint {
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  return (minor & 0xffn) | (major << 8n) | ((minor & ~0xffn) << 12n);
}

function host_stat(st: fs.BigIntStats): HostStat {
  return {
    dev: st.dev, ino: st.ino, mode: Number(st.mode), nlink: Number(st.nlink), uid: Number(st.uid),
    gid: Number(st.gid), rdev: linux_dev(st.rdev), size: st.size, blksize: Number(st.blksize),
    blocks: st.blocks, atime_ns: st.atimeNs, mtime_ns: st.mtimeNs, ctime_ns: st.ctimeNs,
    btime_ns: st.birthtimeNs,
  };
}

/** A host time in the seconds node:fs takes. DIVERGES: node passes times as doubles, so
 *  utimensat keeps about a microsecond of precision, not the nanoseconds Linux keeps. */
function host_seconds(t: bigint): number {
  return Number(t / 1000n) / 1e6;
}

/** The first reads of pread: large enough for most files in one host call. */
const PREAD_CHUNK = 1 << 20;

let xchg_counter = 0;

export class NodeHostFs implements HostFs {
  lstat(path: string): HostStat | number {
    return host(() => host_stat(fs.lstatSync(hpath(path), { bigint: true })));
  }

  fstat(fd: number): HostStat | number {
    return host(() => host_stat(fs.fstatSync(fd, { bigint: true })));
  }

  open(path: string, flags: number, mode: number): number {
    return host(() => fs.openSync(hpath(path), host_open_flags(flags), mode));
  }

  close(fd: number): void {
    host(() => fs.closeSync(fd));
  }

  pread(fd: number, len: number, pos: number): Uint8Array | number {
    return host(() => {
      const parts: Buffer[] = [];
      let got = 0;
      while (got < len) {
        const buf = Buffer.allocUnsafe(Math.min(len - got, Math.max(PREAD_CHUNK, got)));
        const n = fs.readSync(fd, buf, 0, buf.length, pos + got);
        if (n === 0) break;
        parts.push(n === buf.length ? buf : buf.subarray(0, n));
        got += n;
      }
      const all = parts.length === 1 ? parts[0] : Buffer.concat(parts, got);
      return new Uint8Array(all.buffer, all.byteOffset, all.length);
    });
  }

  pwrite(fd: number, data: Uint8Array, pos: number): number {
    return host(() => {
      let done = 0;
      while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, pos + done);
      return done;
    });
  }

  ftruncate(fd: number, size: number): number {
    return host(() => (fs.ftruncateSync(fd, size), 0));
  }

  fchmod(fd: number, mode: number): number {
    return host(() => (fs.fchmodSync(fd, mode), 0));
  }

  fsync(fd: number, datasync: boolean): number {
    return host(() => ((datasync ? fs.fdatasyncSync : fs.fsyncSync)(fd), 0));
  }

  readdir(path: string): HostDirent[] | number {
    return host(() => {
      const dir = hpath(path);
      const out: HostDirent[] = [];
      for (const name of fs.readdirSync(dir, { encoding: "buffer" })) {
        // node:fs's readdir has no d_ino: one lstat per entry finds it (and the type).
        const st = fs.lstatSync(Buffer.concat([dir, Buffer.from("/"), name]), { bigint: true, throwIfNoEntry: false });
        if (!st) continue; // gone since the listing
        out.push({ name: name.toString("latin1"), ino: st.ino, type: Number((st.mode >> 12n) & 15n) });
      }
      return out;
    });
  }

  mkdir(path: string, mode: number): number {
    return host(() => (fs.mkdirSync(hpath(path), { mode }), 0));
  }

  unlink(path: string): number {
    return host(() => (fs.unlinkSync(hpath(path)), 0));
  }

  rmdir(path: string): number {
    return host(() => (fs.rmdirSync(hpath(path)), 0));
  }

  rename(from: string, to: string, flags: number): number {
    return host(() => {
      if (flags === 0) {
        fs.renameSync(hpath(from), hpath(to));
        return 0;
      }
      // DIVERGES: node:fs has no renameat2, so NOREPLACE checks first and EXCHANGE takes
      // three renames; another host process could see the steps in between.
      if (flags === 1) {
        if (fs.lstatSync(hpath(to), { throwIfNoEntry: false })) return -EEXIST;
        fs.renameSync(hpath(from), hpath(to));
        return 0;
      }
      if (flags !== 2) return -EINVAL;
      const slash = from.lastIndexOf("/");
      const tmp = `${from.slice(0, slash + 1)}.umwasm-exchange-${process.pid}-${xchg_counter++}`;
      fs.renameSync(hpath(from), hpath(tmp));
      fs.renameSync(hpath(to), hpath(from));
      fs.renameSync(hpath(tmp), hpath(to));
      return 0;
    });
  }

  symlink(target: string, path: string): number {
    return host(() => (fs.symlinkSync(hpath(target), hpath(path)), 0));
  }

  readlink(path: string): string | number {
    return host(() => fs.readlinkSync(hpath(path), { encoding: "buffer" }).toString("latin1"));
  }

  link(from: string, to: string): number {
    return host(() => (fs.linkSync(hpath(from), hpath(to)), 0));
  }

  chmod(path: string, mode: number): number {
    return host(() => (fs.chmodSync(hpath(path), mode), 0));
  }

  lchown(path: string, uid: number, gid: number): number {
    return host(() => (fs.lchownSync(hpath(path), uid, gid), 0));
  }

  lutimes(path: string, atime: HostTime, mtime: HostTime): number {
    return host(() => {
      const p = hpath(path);
      const cur = atime === "omit" || mtime === "omit" ? fs.lstatSync(p, { bigint: true }) : null;
      const now = Date.now() / 1000;
      const pick = (t: HostTime, old: bigint | undefined): number =>
        t === "now" ? now : t === "omit" ? host_seconds(old!) : host_seconds(t);
      fs.lutimesSync(p, pick(atime, cur?.atimeNs), pick(mtime, cur?.mtimeNs));
      return 0;
    });
  }

  statfs(path: string): HostStatfs | number {
    return host(() => {
      const s = fs.statfsSync(hpath(path) as unknown as string, { bigint: true });
      return { bsize: Number(s.bsize), blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree };
    });
  }
}
