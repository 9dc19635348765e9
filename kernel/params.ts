// kernel/params.ts — the kernel command line, UML style: `mem=512M loglevel=4 ...`.
// Words the kernel knows are parsed here; the rest are kept for init, as Linux passes unknown
// parameters on to it.

export interface KernelParams {
  mem_bytes: number;
  loglevel: number;
  quiet: boolean;
  /** rootfstype=: mount the root from this file system instead of rootfs (UML boots from a
   *  host directory with rootfstype=hostfs rootflags=/dir). */
  rootfstype: string | null;
  /** rootflags=: the root mount's data string. */
  rootflags: string;
  /** hostfs=: the host directory every hostfs mount is confined to (UML's hostfs=; "/"). */
  hostfs: string;
  /** Words the kernel did not consume, in order. */
  rest: string[];
  cmdline: string;
}

export const DEFAULT_MEM_BYTES = 256 * 1024 * 1024;
/** wasm32 addresses 4 GiB in all; the core needs room for its own tables beside guest memory. */
export const MAX_MEM_BYTES = 3 * 1024 * 1024 * 1024;

/** memparse(): a number with an optional K/M/G suffix (binary units, as Linux). */
export function memparse(s: string): number | null {
  const m = /^(0x[0-9a-fA-F]+|\d+)([kKmMgG]?)$/.exec(s);
  if (!m) return null;
  let v = Number(m[1]);
  const unit = m[2].toLowerCase();
  if (unit === "k") v *= 1024;
  else if (unit === "m") v *= 1024 ** 2;
  else if (unit === "g") v *= 1024 ** 3;
  return v;
}

export class CmdlineError extends Error {}

export function parse_cmdline(cmdline: string): KernelParams {
  const p: KernelParams = {
    mem_bytes: DEFAULT_MEM_BYTES, loglevel: 7, quiet: false, rootfstype: null, rootflags: "", hostfs: "/", rest: [], cmdline,
  };
  for (const word of cmdline.split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf("=");
    const key = eq < 0 ? word : word.slice(0, eq);
    const val = eq < 0 ? "" : word.slice(eq + 1);
    if (key === "mem") {
      const v = memparse(val);
      if (v === null || v < 16 * 1024 * 1024 || v > MAX_MEM_BYTES) {
        throw new CmdlineError(`mem=${val}: expected a size between 16M and 3G, such as mem=512M`);
      }
      p.mem_bytes = Math.floor(v / 4096) * 4096;
    } else if (key === "loglevel") {
      const v = Number(val);
      if (!Number.isInteger(v) || v < 0 || v > 15) throw new CmdlineError(`loglevel=${val}: expected 0..15`);
      p.loglevel = v;
    } else if (key === "rootfstype" && val !== "") {
      p.rootfstype = val;
    } else if (key === "rootflags") {
      p.rootflags = val;
    } else if (key === "hostfs" && val !== "") {
      p.hostfs = val;
    } else if (key === "quiet") {
      p.quiet = true;
      p.loglevel = 4;
    } else {
      p.rest.push(word);
    }
  }
  return p;
}
