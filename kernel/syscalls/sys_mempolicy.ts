// kernel/syscalls/sys_mempolicy.ts — set_mempolicy, get_mempolicy, mbind (mm/mempolicy.c,
// 6.18) on a machine with one memory node, node 0, as this kernel is (CONFIG_NUMA=y,
// MAX_NUMNODES 1024, nr_node_ids 1). Policies are checked and kept as Linux keeps them; with
// one node they cannot change where a page comes from. A task's policy lives on the Task, a
// vma's in the core (assembly/mm/mempolicy.ts, which defines the u32 encoding used here).

import type { Kernel } from "../kernel";
import type { Task } from "../task";
import type { SyscallHandler } from "./types";
import { int, long } from "./types";
import { EINVAL, EFAULT, EPERM } from "../errno";

const MPOL_DEFAULT = 0, MPOL_PREFERRED = 1, MPOL_BIND = 2, MPOL_LOCAL = 4, MPOL_PREFERRED_MANY = 5;
const MPOL_MAX = 7;
const MPOL_F_STATIC_NODES = 1 << 15, MPOL_F_RELATIVE_NODES = 1 << 14, MPOL_F_NUMA_BALANCING = 1 << 13;
const MPOL_MODE_FLAGS = MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING;
const MPOL_F_NODE = 1, MPOL_F_ADDR = 2, MPOL_F_MEMS_ALLOWED = 4;
const MPOL_MF_STRICT = 1, MPOL_MF_MOVE = 2, MPOL_MF_MOVE_ALL = 4;
const MAX_NUMNODES = 1024;
const NR_NODE_IDS = 1;
const PAGE_BITS = 4096 * 8;

/** A policy as kept: mode, its MPOL_F_* mode flags and the nodemask get_mempolicy reports:
 *  the nodes in effect ({0} or none), or with STATIC/RELATIVE_NODES the user's own mask.
 *  DIVERGES: a user mask keeps nodes 0-15 only (the core's u32 encoding has 16 bits for it). */
interface Mempolicy {
  mode: number;
  flags: number;
  mask: number;
}

/** The core's u32 for a policy (0: none, MPOL_DEFAULT): mode + 1, flags >> 8, mask << 16. */
export function mpol_encode(p: Mempolicy | null): number {
  if (!p) return 0;
  return ((p.mode + 1) | p.flags | (p.mask << 16)) >>> 0;
}
function mpol_decode(v: number): Mempolicy | null {
  if (!v) return null;
  return { mode: (v & 0xff) - 1, flags: v & 0xff00, mask: v >>> 16 };
}

/** A nodemask as get_nodes read it: node 0's bit, whether any other bit is set, and bits 0-15. */
interface Nodes {
  node0: boolean;
  others: boolean;
  low: number;
}

/** sanitize_mpol_flags: split the mode argument; -EINVAL for a bad mode or flag mix. */
function sanitize_mpol_flags(arg: number): { mode: number; flags: number } | number {
  const flags = arg & MPOL_MODE_FLAGS;
  const mode = arg & ~MPOL_MODE_FLAGS;
  if (mode >>> 0 >= MPOL_MAX) return -EINVAL;
  if (flags & MPOL_F_STATIC_NODES && flags & MPOL_F_RELATIVE_NODES) return -EINVAL;
  if (flags & MPOL_F_NUMA_BALANCING && mode !== MPOL_BIND && mode !== MPOL_PREFERRED_MANY) return -EINVAL;
  return { mode, flags };
}

/** get_nodes: the user's nodemask of maxnode - 1 bits; which of node 0 and any other node it
 *  names, or -EINVAL (too long, or bits set past MAX_NUMNODES) / -EFAULT. */
function get_nodes(k: Kernel, t: Task, nmask: bigint, maxnode: bigint): Nodes | number {
  const bits = maxnode - 1n;
  if (maxnode === 0n || bits === 0n || nmask === 0n) return { node0: false, others: false, low: 0 };
  if (bits > BigInt(PAGE_BITS)) return -EINVAL;
  const n = Number(bits);
  const bytes = k.machine.readUser(t.mm, nmask, Math.ceil(n / 64) * 8);
  if (!bytes) return -EFAULT;
  let node0 = false, others = false, low = 0;
  for (let i = 0; i < n; i++) {
    if (!(bytes[i >> 3] & (1 << (i & 7)))) continue;
    if (i >= MAX_NUMNODES) return -EINVAL;
    if (i === 0) node0 = true;
    else others = true;
    if (i < 16) low |= 1 << i;
  }
  return { node0, others, low };
}

/** mpol_new + mpol_set_nodemask: the policy for mode over nodes (null for MPOL_DEFAULT), or
 *  -EINVAL. Nodes that are not online drop out; a mask left empty is invalid. */
function mpol_new(mode: number, flags: number, nodes: Nodes): Mempolicy | null | number {
  const empty = !nodes.node0 && !nodes.others;
  if (mode === MPOL_DEFAULT) return empty ? null : -EINVAL;
  if (mode === MPOL_PREFERRED && empty) {
    if (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) return -EINVAL;
    mode = MPOL_LOCAL;
  } else if (mode === MPOL_LOCAL) {
    if (!empty || flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) return -EINVAL;
  } else if (empty) {
    return -EINVAL;
  }
  if (mode === MPOL_LOCAL) return { mode, flags, mask: 0 };
  // Relative nodes fold onto the online ones: any bit maps to node 0 with one node.
  const node0 = flags & MPOL_F_RELATIVE_NODES ? !empty : nodes.node0;
  if (!node0) return -EINVAL; // the ops' create() on an empty effective mask
  // mpol_store_user_nodemask: STATIC and RELATIVE policies remember what the user asked for.
  const user = flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);
  return { mode, flags, mask: user ? nodes.low : 1 };
}

/** copy_nodes_to_user: mask (nodes 0-15) and zeros into maxnode - 1 bits at nmask. */
function copy_nodes_to_user(k: Kernel, t: Task, nmask: bigint, maxnode: bigint, mask: number): number {
  const copy = Math.ceil(Number(maxnode - 1n) / 64) * 8;
  if (copy > 4096) return -EINVAL;
  const out = new Uint8Array(copy);
  for (let i = 0; i < Math.min(copy, 2); i++) out[i] = (mask >> (8 * i)) & 0xff;
  return k.machine.writeUser(t.mm, nmask, out) ? 0 : -EFAULT;
}

export const mempolicy_syscalls: Record<string, SyscallHandler> = {
  set_mempolicy: (k, t, a) => {
    const m = sanitize_mpol_flags(int(a[0]));
    if (typeof m === "number") return m;
    const nodes = get_nodes(k, t, a[1], a[2]);
    if (typeof nodes === "number") return nodes;
    const p = mpol_new(m.mode, m.flags, nodes);
    if (typeof p === "number") return p;
    t.mempolicy = mpol_encode(p);
    return 0;
  },
  get_mempolicy: (k, t, a) => {
    const [policy, nmask, maxnode, addr, flags] = [a[0], a[1], a[2], a[3], a[4]];
    if (flags & ~BigInt(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED)) return -EINVAL;
    if (nmask !== 0n && maxnode < BigInt(NR_NODE_IDS)) return -EINVAL;
    const put_policy = (v: number) => policy === 0n || k.machine.writeUser(t.mm, policy, new Uint8Array(new Int32Array([v]).buffer));
    if (flags & BigInt(MPOL_F_MEMS_ALLOWED)) {
      if (flags & BigInt(MPOL_F_NODE | MPOL_F_ADDR)) return -EINVAL;
      if (!put_policy(0)) return -EFAULT;
      return nmask === 0n ? 0 : copy_nodes_to_user(k, t, nmask, maxnode, 1);
    }
    let pol: Mempolicy | null;
    if (flags & BigInt(MPOL_F_ADDR)) {
      const v = Number(BigInt.asIntN(64, k.machine.core.mm_vma_policy(t.mm, addr) as bigint));
      if (v < 0) return v;
      pol = mpol_decode(v); // a vma without a policy reports MPOL_DEFAULT, not the task's
    } else {
      if (addr !== 0n) return -EINVAL;
      pol = mpol_decode(t.mempolicy);
    }
    if (flags & BigInt(MPOL_F_NODE)) {
      if (!(flags & BigInt(MPOL_F_ADDR))) {
        // The next interleave node of the task's own interleave policy; else EINVAL.
        if (!pol || pol.mode !== 3) return -EINVAL;
        if (!put_policy(0)) return -EFAULT;
      } else {
        // lookup_node: the page is faulted in (as GUP would) and its node is 0.
        if (!k.machine.readUser(t.mm, addr & ~0xfffn, 1)) return -EFAULT;
        if (!put_policy(0)) return -EFAULT;
      }
    } else if (!put_policy(pol ? pol.mode | pol.flags : MPOL_DEFAULT)) {
      return -EFAULT;
    }
    if (nmask === 0n) return 0;
    return copy_nodes_to_user(k, t, nmask, maxnode, pol ? pol.mask : 0);
  },
  mbind: (k, t, a) => {
    const [start, len, mode_arg, nmask, maxnode, flags] = [a[0], a[1], int(a[2]), a[3], a[4], a[5]];
    const m = sanitize_mpol_flags(mode_arg);
    if (typeof m === "number") return m;
    const nodes = get_nodes(k, t, nmask, maxnode);
    if (typeof nodes === "number") return nodes;
    if (flags & ~BigInt(MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) return -EINVAL;
    if (flags & BigInt(MPOL_MF_MOVE_ALL) && t.uid !== 0) return -EPERM; // CAP_SYS_NICE
    if (start & 0xfffn) return -EINVAL;
    const end = start + ((len + 0xfffn) & ~0xfffn);
    if (BigInt.asUintN(64, end) < start) return -EINVAL;
    if (end === start) return 0;
    const p = mpol_new(m.mode, m.flags, nodes);
    if (typeof p === "number") return p;
    // Every page is on the one node already: MPOL_MF_STRICT and MOVE find nothing to do.
    return long(BigInt(k.machine.core.sys_mbind(t.mm, start, len, mpol_encode(p)) | 0));
  },
};
