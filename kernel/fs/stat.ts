// kernel/fs/stat.ts — struct stat as riscv64 user space sees it (asm-generic/stat.h, 128 bytes).
import type { Kstat } from "./file";

/** cp_new_stat: lay a Kstat out as struct stat. */
export function cp_new_stat(st: Kstat): Uint8Array {
  const b = new Uint8Array(128);
  const dv = new DataView(b.buffer);
  const ns = 1_000_000_000n;
  dv.setBigUint64(0, st.dev, true);
  dv.setBigUint64(8, st.ino, true);
  dv.setUint32(16, st.mode, true);
  dv.setUint32(20, st.nlink, true);
  dv.setUint32(24, st.uid, true);
  dv.setUint32(28, st.gid, true);
  dv.setBigUint64(32, st.rdev, true);
  dv.setBigInt64(48, st.size, true);
  dv.setInt32(56, st.blksize, true);
  dv.setBigInt64(64, st.blocks, true);
  dv.setBigInt64(72, st.atime_ns / ns, true);
  dv.setBigUint64(80, st.atime_ns % ns, true);
  dv.setBigInt64(88, st.mtime_ns / ns, true);
  dv.setBigUint64(96, st.mtime_ns % ns, true);
  dv.setBigInt64(104, st.ctime_ns / ns, true);
  dv.setBigUint64(112, st.ctime_ns % ns, true);
  return b;
}
