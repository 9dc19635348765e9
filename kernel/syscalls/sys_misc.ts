// kernel/syscalls/sys_misc.ts — process accounting and identity: sysinfo, getrusage, times,
// sched_{get,set}affinity, the set*id family, getgroups/setgroups, {get,set}priority,
// prctl(PR_{SET,GET}_NAME), waitid, clone3. CPU time is virtual: one retired instruction is
// one nanosecond, all of it user time (the kernel's own work costs the guest nothing).
import type { Kernel } from "../kernel";
import type { Task } from "../task";
import type { SyscallHandler } from "./types";
import { int, uint } from "./types";
import { EINVAL, EFAULT, EPERM, ESRCH, ENOSYS } from "../errno";
import { update_group_rlimits } from "../mm_rlimit";
import { do_waitid } from "../exit";

const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
const USER_HZ = 100n;

/** CPU time of task t so far (the hart's instret while it lives). */
function cpu_ns(k: Kernel, t: Task): bigint {
  return t.state.kind === "running" && t.hart ? k.machine.instret(t.hart) : t.instret;
}
function group_cpu_ns(k: Kernel, t: Task): bigint {
  let ns = 0n;
  for (const m of t.group) ns += cpu_ns(k, m);
  return ns;
}

function rusage(utime_ns: bigint, maxrss_kb: bigint): Uint8Array {
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, utime_ns / 1_000_000_000n, true);
  dv.setBigInt64(8, (utime_ns % 1_000_000_000n) / 1000n, true);
  dv.setBigInt64(32, maxrss_kb, true);
  return b;
}

export const misc_syscalls: Record<string, SyscallHandler> = {
  sysinfo: (k, t, a) => {
    const b = new Uint8Array(112);
    const dv = new DataView(b.buffer);
    dv.setBigInt64(0, k.port.monotonic_ns() / 1_000_000_000n, true);
    const total = BigInt(Math.floor(k.params.mem_bytes / 4096)) * 4096n;
    dv.setBigUint64(32, total, true);
    dv.setBigUint64(40, BigInt(k.machine.nrFreePages()) * 4096n, true);
    let procs = 0;
    for (const p of k.tasks.values()) if (p.state.kind === "running") procs++;
    dv.setUint16(80, procs, true);
    dv.setUint32(104, 1, true); // mem_unit
    return k.machine.writeUser(t.mm, a[0], b) ? 0 : -EFAULT;
  },
  getrusage: (k, t, a) => {
    const who = int(a[0]);
    let ns: bigint;
    if (who === RUSAGE_SELF) ns = group_cpu_ns(k, t);
    else if (who === RUSAGE_THREAD) ns = cpu_ns(k, t);
    else if (who === RUSAGE_CHILDREN) ns = t.group[0].children_cpu_ns;
    else return -EINVAL;
    return k.machine.writeUser(t.mm, a[1], rusage(ns, 0n)) ? 0 : -EFAULT;
  },
  times: (k, t, a) => {
    if (a[0] !== 0n) {
      const b = new Uint8Array(32);
      const dv = new DataView(b.buffer);
      const tick = 1_000_000_000n / USER_HZ;
      dv.setBigInt64(0, group_cpu_ns(k, t) / tick, true);
      dv.setBigInt64(16, t.group[0].children_cpu_ns / tick, true);
      if (!k.machine.writeUser(t.mm, a[0], b)) return -EFAULT;
    }
    return k.port.monotonic_ns() / (1_000_000_000n / USER_HZ);
  },
  sched_getaffinity: (k, t, a) => {
    const len = uint(a[1]);
    if (len * 8 < 1 || len & 7) return -EINVAL;
    const pid = int(a[0]);
    if (pid !== 0 && !k.tasks.has(pid)) return -ESRCH;
    const mask = new Uint8Array(8);
    mask[0] = 1; // one hart
    return k.machine.writeUser(t.mm, a[2], mask) ? 8 : -EFAULT;
  },
  sched_setaffinity: (k, t, a) => {
    const pid = int(a[0]);
    if (pid !== 0 && !k.tasks.has(pid)) return -ESRCH;
    const raw = k.machine.readUser(t.mm, a[2], Math.min(uint(a[1]), 8));
    if (!raw) return -EFAULT;
    return raw.length > 0 && raw[0] & 1 ? 0 : -EINVAL; // the mask must include hart 0
  },
  getresuid: (k, t, a) => write_ids(k, t, [a[0], a[1], a[2]], t.uid),
  getresgid: (k, t, a) => write_ids(k, t, [a[0], a[1], a[2]], t.gid),
  setuid: (k, t, a) => set_uid(k, t, uint(a[0])),
  setgid: (_k, t, a) => set_id(t, "gid", uint(a[0])),
  setreuid: (k, t, a) => (uint(a[1]) === 0xffffffff ? 0 : set_uid(k, t, uint(a[1]))),
  setregid: (_k, t, a) => (uint(a[1]) === 0xffffffff ? 0 : set_id(t, "gid", uint(a[1]))),
  setresuid: (k, t, a) => (uint(a[1]) === 0xffffffff ? 0 : set_uid(k, t, uint(a[1]))),
  setresgid: (_k, t, a) => (uint(a[1]) === 0xffffffff ? 0 : set_id(t, "gid", uint(a[1]))),
  getgroups: (k, t, a) => {
    if (int(a[0]) < 0) return -EINVAL;
    return 0; // no supplementary groups
  },
  setgroups: (_k, t, a) => (t.uid !== 0 ? -EPERM : int(a[0]) < 0 || int(a[0]) > 65536 ? -EINVAL : 0),
  getpriority: (k, _t, a) => {
    const which = int(a[0]);
    if (which < 0 || which > 2) return -EINVAL;
    return 20; // nice 0, as the syscall encodes it (20 - nice)
  },
  setpriority: (_k, t, a) => {
    const which = int(a[0]);
    if (which < 0 || which > 2) return -EINVAL;
    return int(a[2]) < 0 && t.uid !== 0 ? -EPERM : 0; // DIVERGES: one hart, nice changes nothing
  },
  prctl: (k, t, a) => {
    const PR_SET_NAME = 15, PR_GET_NAME = 16, PR_SET_VMA = 0x53564d41;
    const op = int(a[0]);
    if (op === PR_SET_NAME) {
      const s = k.machine.readUserString(t.mm, a[1], 4096);
      if (typeof s === "number") return s === -36 ? apply_comm(t, k.machine.readUser(t.mm, a[1], 15)) : s;
      return apply_comm(t, s);
    }
    if (op === PR_SET_VMA) return prctl_set_vma(k, t, a);
    if (op === PR_GET_NAME) {
      const b = new Uint8Array(16);
      b.set(new TextEncoder().encode(t.comm).subarray(0, 15));
      return k.machine.writeUser(t.mm, a[1], b) ? 0 : -EFAULT;
    }
    return -EINVAL;
  },
  waitid: (k, t, a) => do_waitid(k, t, int(a[0]), int(a[1]), a[2], int(a[3])),
  // glibc falls back to clone when clone3 is missing; the issue allows ENOSYS here.
  clone3: () => -ENOSYS,
};

/** Longest anon_vma name, its NUL included (ANON_VMA_NAME_MAX_LEN). */
const ANON_VMA_NAME_MAX_LEN = 80;
const ANON_VMA_NAME_INVALID_CHARS = "\\`$[]";

/** prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, addr, len, name): kernel/sys.c prctl_set_vma().
 *  The name is copied and checked first (EFAULT, EINVAL), then the range (mm/madvise.c). */
function prctl_set_vma(k: Kernel, t: Task, a: bigint[]): number {
  const PR_SET_VMA_ANON_NAME = 0n;
  if (a[1] !== PR_SET_VMA_ANON_NAME) return -EINVAL;
  const core = k.machine.core;
  if (a[4] === 0n) return core.sys_set_anon_vma_name(t.mm, a[2], a[3], -1);
  const name = k.machine.readUserString(t.mm, a[4], ANON_VMA_NAME_MAX_LEN);
  // strndup_user(): a string that does not end within the limit is EINVAL.
  if (typeof name === "number") return name === -36 ? -EINVAL : name;
  for (const ch of name) {
    if (ch < 0x20 || ch > 0x7e || ANON_VMA_NAME_INVALID_CHARS.includes(String.fromCharCode(ch))) return -EINVAL;
  }
  k.machine.bytes().set(name, k.machine.bounce);
  return core.sys_set_anon_vma_name(t.mm, a[2], a[3], name.length);
}

function apply_comm(t: Task, s: Uint8Array | null): number {
  if (!s) return -EFAULT;
  t.comm = new TextDecoder().decode(s.subarray(0, 15));
  return 0;
}

function write_ids(k: Kernel, t: Task, addrs: bigint[], id: number): number {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, id, true);
  for (const p of addrs) if (!k.machine.writeUser(t.mm, p, b)) return -EFAULT;
  return 0;
}

/** Root may take any id; others only their own (no saved-id bookkeeping yet). */
/** set_id for the uid: leaving or gaining root changes CAP_IPC_LOCK, which the core's
 *  RLIMIT_MEMLOCK folds in. */
function set_uid(k: Kernel, t: Task, id: number): number {
  const r = set_id(t, "uid", id);
  if (r === 0) update_group_rlimits(k, t);
  return r;
}

function set_id(t: Task, which: "uid" | "gid", id: number): number {
  if (id === 0xffffffff) return -EINVAL;
  if (t.uid !== 0 && t[which] !== id) return -EPERM;
  t[which] = id;
  return 0;
}
