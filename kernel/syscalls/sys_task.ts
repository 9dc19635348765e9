// kernel/syscalls/sys_task.ts — exit, exit_group, ids, set_tid_address, set_robust_list.
import type { SyscallHandler } from "./types";
import { NORETURN, int, uint } from "./types";
import { EINVAL, EFAULT, ESRCH, EPERM, ENOSYS, ETIMEDOUT, EAGAIN, EACCES } from "../errno";
import { kernel_clone } from "../fork";
import { do_wait4 } from "../exit";
import { block } from "../sched";
import { nr } from "./names";

/** sizeof(struct robust_list_head) on riscv64. */
const ROBUST_LIST_HEAD_SIZE = 24n;

/** exit: this thread only; the process lives on while it has threads. */
const sys_exit: SyscallHandler = (k, t, a) => {
  k.do_exit(t, { kind: "exited", code: int(a[0]) & 0xff });
  return NORETURN;
};

/** exit_group: every thread of the process, the caller last. */
const sys_exit_group: SyscallHandler = (k, t, a) => {
  k.do_group_exit(t, { kind: "exited", code: int(a[0]) & 0xff });
  return NORETURN;
};

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_BOOTTIME = 7;
const TIMER_ABSTIME = 1;
const NSEC_PER_SEC = 1_000_000_000n;

/** A struct timespec from user memory, validated as Linux's timespec64_valid(). */
function read_timespec(k: Parameters<SyscallHandler>[0], t: Parameters<SyscallHandler>[1], addr: bigint): bigint | number {
  const raw = k.machine.readUser(t.mm, addr, 16);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer);
  const sec = dv.getBigInt64(0, true);
  const nsec = dv.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= NSEC_PER_SEC) return -EINVAL;
  return sec * NSEC_PER_SEC + nsec;
}

/** Sleep until the deadline kept in restart_block (set on the first call). The deadline is in
 *  the monotonic clock the scheduler sleeps on; absolute realtime deadlines are converted. */
function do_nanosleep(k: Parameters<SyscallHandler>[0], t: Parameters<SyscallHandler>[1], sysnr: number,
                      deadline: () => bigint | number): number | ReturnType<typeof block> {
  let rb = t.restart_block;
  if (!rb || rb.nr !== sysnr) {
    const d = deadline();
    if (typeof d === "number") return d;
    rb = t.restart_block = { nr: sysnr, deadline_ns: d };
  }
  if (k.port.monotonic_ns() >= rb.deadline_ns) {
    t.restart_block = null;
    return 0;
  }
  return block(null, rb.deadline_ns);
}

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_REQUEUE = 3;
const FUTEX_CMP_REQUEUE = 4;
const FUTEX_WAIT_BITSET = 9;
const FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128;
const FUTEX_CLOCK_REALTIME = 256;
const FUTEX_BITSET_MATCH_ANY = 0xffffffff;

const sys_futex: SyscallHandler = (k, t, a) => {
  const [uaddr, opv, val] = [a[0], int(a[1]), uint(a[2])];
  const op = opv & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  if (uaddr & 3n) return -EINVAL;
  switch (op) {
    case FUTEX_WAIT: case FUTEX_WAIT_BITSET: {
      const bitset = op === FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : uint(a[5]);
      if (bitset === 0) return -EINVAL;
      let deadline: bigint | null = null;
      const rb = t.restart_block;
      if (rb && rb.nr === nr("futex")) {
        deadline = rb.deadline_ns;
        if (k.port.monotonic_ns() >= deadline) {
          t.restart_block = null;
          return -ETIMEDOUT;
        }
      } else if (a[3] !== 0n) {
        const ts = read_timespec(k, t, a[3]);
        if (typeof ts === "number") return ts;
        // FUTEX_WAIT takes a relative timeout; WAIT_BITSET an absolute one on its clock.
        const now = op === FUTEX_WAIT ? k.port.monotonic_ns()
          : opv & FUTEX_CLOCK_REALTIME ? k.port.monotonic_ns() - k.port.realtime_ns() : 0n;
        deadline = op === FUTEX_WAIT ? now + ts : ts + now;
        t.restart_block = { nr: nr("futex"), deadline_ns: deadline };
      }
      const word = k.machine.readUser(t.mm, uaddr, 4);
      if (!word) return -EFAULT;
      if (new DataView(word.buffer).getUint32(0, true) !== val) {
        t.restart_block = null;
        return -EAGAIN;
      }
      k.futex.enqueue(t, t.mm, uaddr, bitset);
      return block(null, deadline);
    }
    case FUTEX_WAKE: case FUTEX_WAKE_BITSET: {
      const bitset = op === FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : uint(a[5]);
      if (bitset === 0) return -EINVAL;
      return k.futex.wake(k, t.mm, uaddr, Math.max(val, 0), bitset);
    }
    case FUTEX_REQUEUE: case FUTEX_CMP_REQUEUE: {
      if (op === FUTEX_CMP_REQUEUE) {
        const word = k.machine.readUser(t.mm, uaddr, 4);
        if (!word) return -EFAULT;
        if (new DataView(word.buffer).getUint32(0, true) !== uint(a[5])) return -EAGAIN;
      }
      const n2 = int(a[3]);
      if (int(a[2]) < 0 || n2 < 0) return -EINVAL;
      return k.futex.requeue(k, t.mm, uaddr, a[4], int(a[2]), n2);
    }
  }
  return -ENOSYS;
};

/** A process group pgid exists in session sid (setpgid may join only such a group). */
function pgrp_in_session(k: Parameters<SyscallHandler>[0], pgid: number, sid: number): boolean {
  for (const p of k.tasks.values()) if (p.pgid === pgid && p.sid === sid && p.state.kind === "running") return true;
  return false;
}

export const task_syscalls: Record<string, SyscallHandler> = {
  exit: sys_exit,
  exit_group: sys_exit_group,
  clone: (k, t, a) => kernel_clone(k, t, { flags: Number(a[0] & 0xffffffffn), stack: a[1], parent_tid: a[2], tls: a[3], child_tid: a[4] }),
  wait4: (k, t, a) => do_wait4(k, t, int(a[0]), a[1], int(a[2])),
  sched_yield: (k, t) => {
    t.need_resched = true;
    return 0;
  },
  nanosleep: (k, t, a) => do_nanosleep(k, t, nr("nanosleep"), () => {
    const ts = read_timespec(k, t, a[0]);
    return typeof ts === "number" ? ts : k.port.monotonic_ns() + ts;
  }),
  clock_nanosleep: (k, t, a) => {
    const clk = int(a[0]);
    if (clk !== CLOCK_REALTIME && clk !== CLOCK_MONOTONIC && clk !== CLOCK_BOOTTIME) return -EINVAL;
    return do_nanosleep(k, t, nr("clock_nanosleep"), () => {
      const ts = read_timespec(k, t, a[2]);
      if (typeof ts === "number") return ts;
      if (!(int(a[1]) & TIMER_ABSTIME)) return k.port.monotonic_ns() + ts;
      return clk === CLOCK_REALTIME ? ts - (k.port.realtime_ns() - k.port.monotonic_ns()) : ts;
    });
  },
  futex: sys_futex,
  reboot: (k, t, a) => {
    // kernel/reboot.c: the magic numbers first, then the privilege, then the command.
    const [m1, m2, cmd] = [uint(a[0]), uint(a[1]), uint(a[2])];
    if (m1 !== 0xfee1dead || ![672274793, 85072278, 369367448, 537993216].includes(m2)) return -EINVAL;
    if (t.uid !== 0) return -EPERM;
    switch (cmd) {
      case 0x4321fedc: case 0xcdef0123: case 0x01234567:
        // POWER_OFF, HALT, RESTART: the machine stops (a restart is a stop for the host too).
        k.power_off(cmd === 0x01234567 ? "restart" : cmd === 0xcdef0123 ? "halt" : "power off");
        return NORETURN;
      case 0x89abcdef: case 0: return 0; // CAD_ON, CAD_OFF
    }
    return -EINVAL;
  },
  setpgid: (k, t, a) => {
    // kernel/sys.c: the checks in Linux's order, as the errnos are compared.
    const me = t.group[0];
    const pid = int(a[0]) || me.pid;
    const pgid = int(a[1]) || pid;
    if (pgid < 0) return -EINVAL;
    const target = k.tasks.get(pid);
    if (!target) return -ESRCH;
    if (target.group[0] !== target) return -EINVAL;
    if (target.parent && target.parent.group[0] === me) {
      if (target.sid !== me.sid) return -EPERM;
      if (target.did_exec) return -EACCES;
    } else if (target !== me) return -ESRCH;
    if (target.sid === target.pid) return -EPERM; // a session leader stays in its group
    if (pgid !== pid && !pgrp_in_session(k, pgid, me.sid)) return -EPERM;
    for (const g of target.group) g.pgid = pgid;
    return 0;
  },
  getpgid: (k, t, a) => {
    const pid = int(a[0]);
    const target = pid === 0 ? t : k.tasks.get(pid);
    return target ? target.pgid : -ESRCH;
  },
  getsid: (k, t, a) => {
    const pid = int(a[0]);
    const target = pid === 0 ? t : k.tasks.get(pid);
    return target ? target.sid : -ESRCH;
  },
  setsid: (k, t) => {
    for (const o of k.tasks.values()) if (o.pgid === t.pid && o !== t) return -EPERM;
    if (t.pgid === t.pid) return -EPERM;
    t.sid = t.pid;
    t.pgid = t.pid;
    t.ctty = null; // a new session starts without a controlling terminal
    return t.pid;
  },
  getpid: (_k, t) => t.tgid,
  gettid: (_k, t) => t.pid,
  getppid: (_k, t) => t.group[0].parent?.tgid ?? 0,
  getuid: (_k, t) => t.uid,
  geteuid: (_k, t) => t.uid,
  getgid: (_k, t) => t.gid,
  getegid: (_k, t) => t.gid,
  set_tid_address: (_k, t, a) => {
    t.clear_child_tid = a[0];
    return t.pid;
  },
  set_robust_list: (_k, t, a) => {
    if (a[1] !== ROBUST_LIST_HEAD_SIZE) return -EINVAL;
    t.robust_list = a[0];
    t.robust_list_len = a[1];
    return 0;
  },
};
