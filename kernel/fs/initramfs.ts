// kernel/fs/initramfs.ts — unpack a cpio "newc" archive into the root (init/initramfs.c) and
// write one (for tests and the userland image build).
// Format (Documentation/driver-api/early-userspace/buffer-format.rst): each member is a
// 110-byte header — "070701" (or "070702": the header's check field is the sum of the data
// bytes) then 13 fields of 8 hex digits: ino mode uid gid nlink mtime filesize devmajor
// devminor rdevmajor rdevminor namesize check — then the NUL-terminated name, padded to 4,
// then the data, padded to 4. "TRAILER!!!" ends an archive; NUL padding (in 4-byte steps)
// may separate concatenated archives.
// As Linux: directories, regular files, symlinks, device nodes, FIFOs and sockets; hard links
// by (devmajor, devminor, ino) when nlink ≥ 2 (the data may come with any of the names);
// an existing entry of another type is removed first (clean_path); modes, owners and mtimes
// as the archive says (directory mtimes set after everything, as dir_utime does).
// Malformed or truncated input gives an error message, never an exception.

import type { Vfs } from "./vfs";
import type { WalkStart } from "./namei";
import type { Path } from "./vfs_types";
import { new_encode_dev, bytes_name } from "./vfs_types";
import {
  S_IFMT, S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK, S_ISDIR, O_WRONLY, O_CREAT, O_TRUNC,
} from "./file";

const HEADER_BYTES = 110;
const enc = new TextEncoder();
const dec = new TextDecoder();

export interface CpioEntry {
  name: string;
  mode: number;
  uid?: number;
  gid?: number;
  nlink?: number;
  mtime?: number;
  ino?: number;
  /** Regular files: the data; symlinks: the target as bytes. */
  data?: Uint8Array | string;
  rdevmajor?: number;
  rdevminor?: number;
  devmajor?: number;
  devminor?: number;
}

/** Write a newc archive (070701, or 070702 with checksums) ending in TRAILER!!!. */
export function cpio_newc_write(entries: readonly CpioEntry[], opts: { crc?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  let len = 0;
  const push = (b: Uint8Array): void => {
    parts.push(b);
    len += b.length;
  };
  const pad = (): void => {
    if (len % 4) push(new Uint8Array(4 - (len % 4)));
  };
  let next_ino = 721;
  const all = [...entries, { name: "TRAILER!!!", mode: 0, nlink: 1 } as CpioEntry];
  for (const e of all) {
    const data = typeof e.data === "string" ? enc.encode(e.data) : (e.data ?? new Uint8Array(0));
    const name = enc.encode(e.name);
    let sum = 0;
    for (const b of data) sum = (sum + b) >>> 0;
    const hex = (v: number): string => (v >>> 0).toString(16).padStart(8, "0").toUpperCase();
    const fields = [
      e.name === "TRAILER!!!" ? 0 : (e.ino ?? next_ino++), e.mode, e.uid ?? 0, e.gid ?? 0,
      e.nlink ?? (S_ISDIR(e.mode) ? 2 : 1), e.mtime ?? 0, data.length, e.devmajor ?? 0, e.devminor ?? 0,
      e.rdevmajor ?? 0, e.rdevminor ?? 0, name.length + 1, opts.crc ? sum : 0,
    ];
    push(enc.encode((opts.crc ? "070702" : "070701") + fields.map(hex).join("")));
    push(name);
    push(new Uint8Array(1));
    pad();
    push(data);
    pad();
  }
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

interface Header {
  ino: number; mode: number; uid: number; gid: number; nlink: number; mtime: number; filesize: number;
  major: number; minor: number; rmajor: number; rminor: number; namesize: number; check: number;
  csum: boolean;
}

function parse_header(buf: Uint8Array, at: number): Header | string {
  const magic = dec.decode(buf.subarray(at, at + 6));
  if (magic === "070707") return "incorrect cpio method used: use -H newc option";
  if (magic.length === 6 && magic !== "070701" && magic !== "070702") return "no cpio magic";
  if (at + HEADER_BYTES > buf.length) return "truncated archive (header)";
  const v: number[] = [];
  for (let i = 0; i < 13; i++) {
    const s = dec.decode(buf.subarray(at + 6 + i * 8, at + 14 + i * 8));
    if (!/^[0-9a-fA-F]{8}$/.test(s)) return "malformed archive (bad header field)";
    v.push(parseInt(s, 16));
  }
  const [ino, mode, uid, gid, nlink, mtime, filesize, major, minor, rmajor, rminor, namesize, check] = v;
  return { ino, mode, uid, gid, nlink, mtime, filesize, major, minor, rmajor, rminor, namesize, check, csum: magic === "070702" };
}

const align4 = (n: number): number => (n + 3) & ~3;

/** unpack_to_rootfs: null on success, else the error message. Everything before the error
 *  stays unpacked, as in Linux. */
export function unpack_to_rootfs(vfs: Vfs, buf: Uint8Array): string | null {
  const root = vfs.root_path();
  const ws: WalkStart = { root, start: () => root, cred: { uid: 0, gid: 0 } };
  const links = new Map<string, string>();
  const dir_times: [string, number][] = [];
  let at = 0;
  let seen_trailer = false;
  while (at < buf.length) {
    if (seen_trailer || at % 4 === 0) {
      // Between archives: skip NUL padding, 4 bytes at a time.
      if (buf[at] === 0) {
        if (at % 4 !== 0) return "broken padding";
        let z = at;
        while (z < buf.length && buf[z] === 0) z++;
        if (z === buf.length) break;
        if ((z - at) % 4 !== 0) return "broken padding";
        at = z;
        seen_trailer = false;
        continue;
      }
    }
    const h = parse_header(buf, at);
    if (typeof h === "string") return h;
    const name_at = at + HEADER_BYTES;
    if (h.namesize === 0 || name_at + h.namesize > buf.length) return "truncated archive (name)";
    if (buf[name_at + h.namesize - 1] !== 0) return "malformed archive (name not NUL-terminated)";
    const name = bytes_name(buf.subarray(name_at, name_at + h.namesize - 1));
    const data_at = align4(name_at + h.namesize);
    if (data_at + h.filesize > buf.length) return "truncated archive (data)";
    const data = buf.subarray(data_at, data_at + h.filesize);
    at = align4(data_at + h.filesize);
    if (name === "TRAILER!!!") {
      links.clear();
      seen_trailer = true;
      continue;
    }
    if (h.csum) {
      let sum = 0;
      for (const b of data) sum = (sum + b) >>> 0;
      if (sum !== h.check) return "bad data checksum";
    }
    const err = do_entry(vfs, ws, h, name, data, links, dir_times);
    if (err) return err;
  }
  for (const [name, mtime] of dir_times.reverse()) set_mtime(vfs, ws, name, mtime, true);
  return null;
}

function lookup(vfs: Vfs, ws: WalkStart, name: string, follow: boolean): Path | null {
  const p = vfs.lookup(ws, "/" + name, follow ? 1 : 0);
  return typeof p === "number" ? null : p;
}

function set_mtime(vfs: Vfs, ws: WalkStart, name: string, mtime: number, follow: boolean): void {
  const p = lookup(vfs, ws, name, follow);
  if (!p) return;
  const t = BigInt(mtime) * 1_000_000_000n;
  vfs.utimes(ws.cred, p, t, t);
}

/** clean_path: remove what name is, if its type differs from mode's. */
function clean_path(vfs: Vfs, ws: WalkStart, name: string, mode: number): void {
  const p = lookup(vfs, ws, name, false);
  if (!p) return;
  const m = p.dentry.d_inode!.i_mode;
  if ((m & S_IFMT) === (mode & S_IFMT)) return;
  if (S_ISDIR(m)) vfs.vfs_rmdir(ws, "/" + name);
  else vfs.vfs_unlink(ws, "/" + name);
}

function do_entry(vfs: Vfs, ws: WalkStart, h: Header, raw_name: string, data: Uint8Array,
  links: Map<string, string>, dir_times: [string, number][]): string | null {
  const name = raw_name.replace(/^(\.\/)+/, "").replace(/^\/+/, "");
  if (name === "" || name === ".") {
    const root = vfs.root_path();
    vfs.chown(ws.cred, root, h.uid, h.gid);
    vfs.chmod(ws.cred, root, h.mode);
    dir_times.push([".", h.mtime]);
    return null;
  }
  const type = h.mode & S_IFMT;
  const perm = h.mode & 0o7777;
  const path = "/" + name;
  // Hard links: the first name of (dev, ino) is kept; later names link to it.
  if (h.nlink >= 2 && type !== S_IFDIR) {
    const key = `${h.major}:${h.minor}:${h.ino}`;
    const first = links.get(key);
    if (first !== undefined) {
      clean_path(vfs, ws, name, 0);
      const old = lookup(vfs, ws, first, false);
      if (old) vfs.vfs_link(ws, old, path);
      if (type === S_IFREG && data.length > 0) write_file(vfs, ws, path, data, false);
      return null;
    }
    links.set(key, name);
  }
  clean_path(vfs, ws, name, h.mode);
  switch (type) {
    case S_IFREG:
      write_file(vfs, ws, path, data, true);
      break;
    case S_IFDIR:
      vfs.vfs_mkdir(ws, path, perm, 0);
      dir_times.push([name, h.mtime]);
      break;
    case S_IFLNK: {
      vfs.vfs_symlink(ws, bytes_name(data), path);
      const p = lookup(vfs, ws, name, false);
      if (p) vfs.chown(ws.cred, p, h.uid, h.gid);
      set_mtime(vfs, ws, name, h.mtime, false);
      return null;
    }
    case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
      vfs.vfs_mknod(ws, path, h.mode, new_encode_dev(h.rmajor, h.rminor), 0);
      break;
    default:
      return null; // Linux skips other types silently
  }
  const p = lookup(vfs, ws, name, false);
  if (!p) return null;
  vfs.chown(ws.cred, p, h.uid, h.gid);
  vfs.chmod(ws.cred, p, perm);
  if (type !== S_IFDIR) set_mtime(vfs, ws, name, h.mtime, false);
  return null;
}

function write_file(vfs: Vfs, ws: WalkStart, path: string, data: Uint8Array, create: boolean): void {
  const f = vfs.do_filp_open(ws, path, {
    open_flag: O_WRONLY | O_TRUNC | (create ? O_CREAT : 0), acc_mode: 2, lookup_flags: 0, mode: S_IFREG | 0o600,
  });
  if (typeof f === "number") return;
  if (f.ops.write && data.length > 0) f.ops.write(f, data, f);
  vfs.fput(f);
}
