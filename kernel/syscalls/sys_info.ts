// kernel/syscalls/sys_info.ts — uname, getrandom, prlimit64 and the clocks.
import type { SyscallHandler } from "./types";
import { int } from "./types";
import { UTS_RELEASE, UTS_VERSION } from "../kernel";
import { RLIM_NLIMITS, RLIMIT_NOFILE } from "../task";
import { update_group_rlimits } from "../mm_rlimit";
import { EFAULT, EINVAL, EPERM, ESRCH } from "../errno";

const GRND_NONBLOCK = 1;
const GRND_RANDOM = 2;
const GRND_INSECURE = 4;
const NR_OPEN = 1024n * 1024n;

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_PROCESS_CPUTIME_ID = 2;
const CLOCK_THREAD_CPUTIME_ID = 3;
const CLOCK_MONOTONIC_RAW = 4;
const CLOCK_REALTIME_COARSE = 5;
const CLOCK_MONOTONIC_COARSE = 6;
const CLOCK_BOOTTIME = 7;
const CLOCK_REALTIME_ALARM = 8;
const CLOCK_BOOTTIME_ALARM = 9;
const CLOCK_TAI = 11;
/** hrtimer resolution (1 ns) and the tick of the coarse clocks (CONFIG_HZ=250: 4 ms). */
const HRTIMER_RES_NS = 1n;
const TICK_NS = 4_000_000n;

function utsname(): Uint8Array {
  const fields = ["Linux", "umwasm", UTS_RELEASE, UTS_VERSION, "riscv64", "(none)"];
  const b = new Uint8Array(65 * 6);
  const enc = new TextEncoder();
  fields.forEach((f, i) => b.set(enc.encode(f).subarray(0, 64), i * 65));
  return b;
}

function timespec(ns: bigint): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, ns / 1_000_000_000n, true);
  dv.setBigInt64(8, ns % 1_000_000_000n, true);
  return b;
}

export const info_syscalls: Record<string, SyscallHandler> = {
  uname: (k, t, a) => (k.machine.writeUser(t.mm, a[0], utsname()) ? 0 : -EFAULT),

  getrandom: (k, t, a) => {
    const flags = int(a[2]);
    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -EINVAL;
    if ((flags & (GRND_INSECURE | GRND_RANDOM)) === (GRND_INSECURE | GRND_RANDOM)) return -EINVAL;
    let count = a[1] > 0x7fff_ffffn ? 0x7fff_ffff : Number(a[1]);
    count = Math.min(count, 1 << 25);
    const buf = new Uint8Array(count);
    k.random.fill(buf);
    return k.machine.writeUser(t.mm, a[0], buf) ? count : -EFAULT;
  },

  prlimit64: (k, t, a) => {
    const pid = int(a[0]);
    const resource = uint32(a[1]);
    let next: { cur: bigint; max: bigint } | null = null;
    if (a[2] !== 0n) {
      const raw = k.machine.readUser(t.mm, a[2], 16);
      if (!raw) return -EFAULT;
      const dv = new DataView(raw.buffer);
      next = { cur: dv.getBigUint64(0, true), max: dv.getBigUint64(8, true) };
    }
    if (pid !== 0 && pid !== t.pid) return -ESRCH;
    if (resource >= RLIM_NLIMITS) return -EINVAL;
    if (next) {
      if (next.cur > next.max) return -EINVAL;
      if (resource === RLIMIT_NOFILE && next.max > NR_OPEN) return -EPERM;
    }
    const old = t.rlim[resource];
    // Raising a hard limit needs CAP_SYS_RESOURCE (root here); then nothing is written.
    if (next && next.max > old.max && t.uid !== 0) return -EPERM;
    if (a[3] !== 0n) {
      const b = new Uint8Array(16);
      const dv = new DataView(b.buffer);
      dv.setBigUint64(0, old.cur, true);
      dv.setBigUint64(8, old.max, true);
      if (!k.machine.writeUser(t.mm, a[3], b)) return -EFAULT;
    }
    if (next) {
      // Raising a hard limit takes CAP_SYS_RESOURCE (root). Limits belong to the process.
      if (next.max > old.max && t.uid !== 0) return -EPERM;
      for (const g of t.group) g.rlim[resource] = { ...next };
      update_group_rlimits(k, t);
    }
    return 0;
  },

  // getrlimit and setrlimit are prlimit64 on the calling process (kernel/sys.c).
  getrlimit: (k, t, a) => info_syscalls.prlimit64(k, t, [0n, a[0], 0n, a[1], 0n, 0n]),
  setrlimit: (k, t, a) => info_syscalls.prlimit64(k, t, [0n, a[0], a[1], 0n, 0n, 0n]),

  clock_gettime: (k, t, a) => {
    let ns: bigint;
    switch (int(a[0])) {
      case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_TAI: case CLOCK_REALTIME_ALARM:
        ns = k.port.realtime_ns();
        break;
      case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE:
      case CLOCK_BOOTTIME: case CLOCK_BOOTTIME_ALARM:
        ns = k.port.monotonic_ns();
        break;
      case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
        // CPU time is virtual: one retired instruction is one nanosecond.
        ns = k.machine.instret(t.hart);
        break;
      default:
        return -EINVAL;
    }
    return k.machine.writeUser(t.mm, a[1], timespec(ns)) ? 0 : -EFAULT;
  },

  clock_getres: (k, t, a) => {
    const clk = int(a[0]);
    if (clk < 0 || clk > CLOCK_TAI || clk === 10) return -EINVAL;
    const res = clk === CLOCK_REALTIME_COARSE || clk === CLOCK_MONOTONIC_COARSE ? TICK_NS : HRTIMER_RES_NS;
    if (a[1] === 0n) return 0;
    return k.machine.writeUser(t.mm, a[1], timespec(res)) ? 0 : -EFAULT;
  },

  gettimeofday: (k, t, a) => {
    if (a[0] !== 0n) {
      const ns = k.port.realtime_ns();
      const b = new Uint8Array(16);
      const dv = new DataView(b.buffer);
      dv.setBigInt64(0, ns / 1_000_000_000n, true);
      dv.setBigInt64(8, (ns % 1_000_000_000n) / 1000n, true);
      if (!k.machine.writeUser(t.mm, a[0], b)) return -EFAULT;
    }
    if (a[1] !== 0n && !k.machine.writeUser(t.mm, a[1], new Uint8Array(8))) return -EFAULT;
    return 0;
  },
};

function uint32(v: bigint): number {
  return Number(BigInt.asUintN(32, v));
}
