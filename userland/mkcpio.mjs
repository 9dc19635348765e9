// userland/mkcpio.mjs: packs a directory tree into a reproducible initramfs (cpio "newc").
//
//   node userland/mkcpio.mjs ROOTDIR OUT.cpio [--dir PATH:MODE]... [--cnod PATH:MODE:MAJ:MIN]...
//
// The format is Linux's (Documentation/driver-api/early-userspace/buffer-format.rst): per
// entry a 110-byte ASCII header "070701" + 13 eight-digit hex fields, the NUL-terminated name,
// padding to 4 bytes, the data (a symbolic link's data is its target), padding to 4 bytes; the
// archive ends with the entry "TRAILER!!!".
//
// Reproducible by construction: names are sorted bytewise, every mtime is SOURCE_DATE_EPOCH,
// uid and gid are 0, inode numbers are the 1-based position in the sorted list, nlink is 1 for
// files (2 for directories), and modes are normalised (directories 0755, files 0755 if the owner
// may execute them else 0644, links 0777) so the checkout's umask cannot leak in. Extra
// directories and device nodes, which git cannot hold, come from --dir and --cnod.
import { readdirSync, lstatSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000, S_IFCHR = 0o020000;

function usage() {
  console.error("usage: node userland/mkcpio.mjs ROOTDIR OUT.cpio [--dir PATH:MODE] [--cnod PATH:MODE:MAJ:MIN]");
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length < 2) usage();
const [rootDir, outPath] = args;
const epochText = process.env.SOURCE_DATE_EPOCH;
if (!epochText || !/^\d+$/.test(epochText)) {
  console.error("mkcpio: SOURCE_DATE_EPOCH must be set to a decimal number of seconds");
  process.exit(2);
}
const mtime = Number(epochText);

/** @type {Map<string, {mode: number, data: Buffer, rdevMajor: number, rdevMinor: number}>} */
const entries = new Map();

function walk(rel) {
  const abs = rel ? join(rootDir, rel) : rootDir;
  for (const name of readdirSync(abs).sort()) {
    const childRel = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(rootDir, childRel));
    if (st.isDirectory()) {
      entries.set(childRel, { mode: S_IFDIR | 0o755, data: Buffer.alloc(0), rdevMajor: 0, rdevMinor: 0 });
      walk(childRel);
    } else if (st.isSymbolicLink()) {
      const target = Buffer.from(readlinkSync(join(rootDir, childRel)));
      entries.set(childRel, { mode: S_IFLNK | 0o777, data: target, rdevMajor: 0, rdevMinor: 0 });
    } else if (st.isFile()) {
      const perm = st.mode & 0o100 ? 0o755 : 0o644;
      entries.set(childRel, { mode: S_IFREG | perm, data: readFileSync(join(rootDir, childRel)), rdevMajor: 0, rdevMinor: 0 });
    } else {
      console.error(`mkcpio: ${childRel}: unsupported file type`);
      process.exit(1);
    }
  }
}
walk("");

for (let i = 2; i < args.length; i++) {
  const [flag, spec] = [args[i], args[++i]];
  if (spec === undefined) usage();
  const parts = spec.split(":");
  const path = parts[0].replace(/^\/+/, "");
  const perm = parseInt(parts[1], 8);
  if (flag === "--dir" && parts.length === 2) {
    entries.set(path, { mode: S_IFDIR | perm, data: Buffer.alloc(0), rdevMajor: 0, rdevMinor: 0 });
  } else if (flag === "--cnod" && parts.length === 4) {
    entries.set(path, { mode: S_IFCHR | perm, data: Buffer.alloc(0), rdevMajor: Number(parts[2]), rdevMinor: Number(parts[3]) });
  } else {
    usage();
  }
}

const hex8 = (n) => n.toString(16).padStart(8, "0");
const pad4 = (n) => Buffer.alloc((4 - (n % 4)) % 4);
const chunks = [];
function emit(name, ino, e) {
  const nameBuf = Buffer.from(`${name}\0`);
  const isDir = (e.mode & 0o170000) === S_IFDIR;
  const header =
    "070701" + hex8(ino) + hex8(e.mode) + hex8(0) + hex8(0) + hex8(isDir ? 2 : 1) + hex8(mtime) +
    hex8(e.data.length) + hex8(0) + hex8(0) + hex8(e.rdevMajor) + hex8(e.rdevMinor) +
    hex8(nameBuf.length) + hex8(0);
  chunks.push(Buffer.from(header, "ascii"), nameBuf, pad4(110 + nameBuf.length), e.data, pad4(e.data.length));
}

// Bytewise order (not localeCompare) so that every machine sorts the same way; a directory
// sorts before its contents because its name is a prefix of theirs.
const names = [...entries.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
names.forEach((name, i) => emit(name, i + 1, entries.get(name)));
emit("TRAILER!!!", 0, { mode: 0, data: Buffer.alloc(0), rdevMajor: 0, rdevMinor: 0 });
writeFileSync(outPath, Buffer.concat(chunks));
