// kernel/kernel.ts — the kernel instance: boot, tasks, the run loop and syscall dispatch.
// Deterministic by construction: it sees the world only through the HostPort it is given.
// The run loop is UML's: run the task's hart until it stops (a syscall, a synchronous
// signal, or the end of its slice), service the stop, resume.

import type { HostPort } from "./host_port";
import { out_of_memory, FAULT_CODE_OOM } from "./oom_kill";
import { handle_userfault, FAULT_CODE_UFFD_WP, FAULT_CODE_UFFD_MISSING, FAULT_CODE_UFFD_MISSING_WRITE } from "./fs/userfaultfd";
import { Machine, STOP_SYSCALL, STOP_SIGNAL } from "./arch/um/machine";
import { Task, init_rlimits, RLIMIT_STACK, ExitState } from "./task";
import { KernelRandom } from "./random";
import { console_files } from "./fs/console";
import { FsState } from "./fs/fs_kernel";
import type { FsStruct } from "./fs/fs_struct";
import { LOOKUP_FOLLOW, LOOKUP_DIRECTORY } from "./fs/namei";
import {
  proc_pid_maps, proc_status_mm, proc_stat_mm, proc_pid_smaps, proc_pid_smaps_rollup, proc_pid_statm, proc_meminfo,
  proc_pagemap_read, proc_clear_refs_write,
} from "./mm_proc";
import { SYSCALL_NAMES } from "./syscalls/names";
import { SyscallHandler, NORETURN } from "./syscalls/types";
import { syscall_table } from "./syscalls/table";
import { do_execve, ExecRequest } from "./exec";
import { parse_cmdline, KernelParams } from "./params";
import { ENOSYS, ENOENT } from "./errno";

/** -ERESTARTSYS (include/linux/errno.h): kernel-internal, never seen by a guest. */
const ERESTARTSYS = 512;
import { WaitQueue, Blocked } from "./sched";
import { kill_orphaned_pgrp, process_alive } from "./exit";
import { do_signal, has_pending, send_group_sig, send_sig_info, SIGPIPE, sigmask, SIG_IGN, SIG_DFL, SIGCHLD, SA_NOCLDWAIT } from "./signal";

const CLD_EXITED = 1;
const CLD_KILLED = 2;
const CLD_DUMPED = 3;
import { Futexes } from "./futex";
import { Printk, KERN_INFO, KERN_NOTICE } from "./printk";
import { bytes_name } from "./fs/vfs_types";
import { devkmsg_fops } from "./printk_kmsg";

/** Instructions a task runs before the kernel looks at it again (a scheduling tick). */
export const SLICE_INSNS = 1 << 17;

export const UTS_RELEASE = "6.18.0-umwasm";
export const UTS_VERSION = "#1 SMP PREEMPT_DYNAMIC umwasm";

export class Kernel {
  readonly port: HostPort;
  readonly machine: Machine;
  readonly params: KernelParams;
  readonly random: KernelRandom;
  /** The VFS: mounts, file systems, devices (fs/fs_kernel.ts has the boot sequence). */
  readonly fs: FsState;
  /** The kernel log (printk ring, console level, syslog readers). */
  readonly printk: Printk;
  private readonly table: Map<number, SyscallHandler>;
  private readonly enosys_logged = new Set<number>();
  private next_pid = 1;
  readonly tasks = new Map<number, Task>();
  readonly futex = new Futexes();
  /** execve's file lookup: the executable's bytes and absolute path, or -errno. The VFS
   *  provides it; until a root is mounted nothing can be executed (ENOENT). */
  open_exec: (t: Task, path: string) => { file: Uint8Array; exe: string } | number = () => -ENOENT;
  /** exec closes the close-on-exec fds (the fd table's business). */
  on_exec_files: (t: Task) => void = () => {};
  /** The task whose syscall is being serviced (file operations ask who is calling). */
  current: Task | null = null;

  private constructor(port: HostPort, machine: Machine, params: KernelParams) {
    this.port = port;
    this.machine = machine;
    this.params = params;
    const seed = new Uint8Array(32);
    port.entropy(seed);
    this.random = new KernelRandom(seed);
    this.printk = new Printk(() => port.monotonic_ns(), params.loglevel);
    // start_kernel's first messages, in `umwasm run` too; a console shows them once it
    // registers (boot.ts).
    const kb = Math.floor(params.mem_bytes / 1024);
    const banner: [number, string][] = [
      [KERN_NOTICE, `Linux version ${UTS_RELEASE} (umwasm) ${UTS_VERSION}`],
      [KERN_INFO, `Command line: ${params.cmdline}`],
      [KERN_INFO, `Memory: ${kb}K/${kb}K available`],
    ];
    for (const [level, line] of banner) this.printk.printk(level, bytes_name(new TextEncoder().encode(line + "\n")));
    this.fs = new FsState(this);
    // drivers/char/mem.c's kmsg (1:11); the node exists before the driver as devtmpfs makes it.
    this.fs.vfs.register_chrdev(1, 11, devkmsg_fops(this, this.printk));
    this.fs.mount_defaults();
    const hooks = this.fs.proc_hooks;
    hooks.maps = (t) => proc_pid_maps(this, t);
    hooks.status_mm = (t) => proc_status_mm(this, t);
    hooks.stat_mm = (t) => (t.mm ? proc_stat_mm(this, t) : null);
    hooks.mm_args = (t) => t.mm_args;
    hooks.smaps = (t) => proc_pid_smaps(this, t);
    hooks.smaps_rollup = (t) => proc_pid_smaps_rollup(this, t);
    hooks.statm = (t) => proc_pid_statm(this, t);
    hooks.pagemap_read = (mm, pos, count, show_pfn) => proc_pagemap_read(this, mm, pos, count, show_pfn);
    hooks.clear_refs_write = (t, data) => proc_clear_refs_write(this, t, data);
    hooks.meminfo = () => proc_meminfo(this);
    // pipe_write's send_sig(SIGPIPE, current, 0).
    this.fs.send_sigpipe = (t) => send_sig_info(this, t, { signo: SIGPIPE, code: 0, pid: t.tgid, uid: t.uid });
    this.table = syscall_table();
  }

  /** Boot a kernel: instantiate the core with the memory mem= asks for. */
  static boot(port: HostPort, core: WebAssembly.Module, cmdline: string): Kernel {
    const params = parse_cmdline(cmdline);
    const machine = Machine.create(core, params.mem_bytes);
    return new Kernel(port, machine, params);
  }

  /** vm.max_map_count (mm/mmap.c sysctl_max_map_count): the core enforces it. */
  sysctl_max_map_count = 65530;
  set_max_map_count(n: number): void {
    this.sysctl_max_map_count = n;
    this.machine.core.sysctl_set_max_map_count(n);
  }

  /** The most tasks this memory could hold (fork_init's max_threads, for RLIMIT_NPROC). */
  max_threads(): number {
    return Math.max(20, Math.floor(this.params.mem_bytes / (8 * 16384)));
  }

  /** Create a task running the ELF in req with the console as fds 0-2 (the first process). */
  spawn(req: ExecRequest): Task | { errno: number; message: string } {
    return this.spawn_in(this.fs.fs_struct_for_init(), () => req);
  }

  /** Create the first process as execve(filename) would from a shell in cwd (a path in the
   *  guest's namespace, "/" by default): the program is found through the VFS. */
  spawn_path(filename: string, argv: string[], envp: string[], cwd = "/"): Task | { errno: number; message: string } {
    const fs = this.fs.fs_struct_for_init();
    const pwd = this.fs.vfs.lookup({ root: fs.root, start: () => fs.pwd, cred: { uid: 0, gid: 0 } }, cwd,
      LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
    if (typeof pwd === "number") return { errno: -pwd, message: `cannot enter the working directory ${cwd}` };
    fs.pwd = pwd;
    return this.spawn_in(fs, (task) => {
      const file = this.open_exec(task, filename);
      if (typeof file === "number") return { errno: -file, message: "" };
      return { file: file.file, filename, exe: file.exe, argv, envp };
    });
  }

  private spawn_in(fs: FsStruct, prepare: (t: Task) => ExecRequest | { errno: number; message: string }):
    Task | { errno: number; message: string } {
    const hart = this.machine.hartAlloc();
    const task = new Task(this.next_pid++, hart, 0, init_rlimits(this.max_threads()));
    task.fds = console_files(this.port);
    task.fs = fs;
    const req = prepare(task);
    const err = "errno" in req ? req : do_execve(this, task, req);
    if (err) {
      this.machine.hartFree(hart);
      return err;
    }
    task.pgid = task.pid;
    task.sid = task.pid;
    if (!this.init) this.init = task;
    this.enqueue(task);
    return task;
  }

  /** Kernel bugs seen so far (a wasm trap or an exception below a syscall): tests assert none. */
  readonly oopses: string[] = [];
  /** Runnable tasks, in the order they will run (FIFO: deterministic round robin). */
  private readonly runqueue: Task[] = [];
  /** Tasks asleep with a deadline (nanosleep, futex timeouts), in the order they slept. */
  private readonly timers: Task[] = [];
  /** Users of each mm (threads share one): the last one to leave destroys it. */
  private readonly mm_users = new Map<number, number>();
  /** The task reaping orphans: the first one spawned, as init is pid 1. */
  init: Task | null = null;

  /** Run until task has exited (and every other task with it, as when init dies), sleeping
   *  on the host when nothing is runnable. For hosts with an event loop, see step(). */
  run(task: Task): ExitState {
    // The process lives while any thread does: its main thread may leave with pthread_exit.
    while (process_alive(task)) {
      const r = this.step(Infinity, () => !process_alive(task));
      if (r.kind === "idle") {
        if (r.deadline_ns === null) break;
        this.port.sleep_until(r.deadline_ns);
      }
    }
    if (process_alive(task)) {
      this.port.log("umwasm: every task is asleep with nothing left to wake it (deadlock); killing them");
    }
    this.kill_all();
    return task.state;
  }

  /** Set when a task asked the machine to stop (reboot(2)), with what it asked for. */
  halted: string | null = null;

  /** reboot(POWER_OFF, HALT, RESTART): every task dies and the host ends the run. */
  power_off(how: string): void {
    this.halted = how;
    this.kill_all();
  }

  /** Kill every task still running (the machine is going down). */
  kill_all(): void {
    for (const t of [...this.tasks.values()]) {
      if (t.state.kind !== "running") continue;
      try {
        this.do_exit(t, { kind: "signaled", signo: 9, core: false });
      } catch (e) {
        this.oops(t, e);
      }
    }
  }

  /** Run scheduling turns until max_turns have run, stop() says so, or nothing is runnable.
   *  "idle" carries the earliest sleep deadline (null: only an outside event can wake a task:
   *  console input, a resize). Expired deadlines are woken first. */
  step(max_turns: number, stop: () => boolean = () => false): { kind: "ran" } | { kind: "idle"; deadline_ns: bigint | null } {
    this.expire_timers();
    for (let i = 0; i < max_turns; i++) {
      if (stop()) return { kind: "ran" };
      const t = this.runqueue.shift();
      if (!t) {
        let first: bigint | null = null;
        for (const s of this.timers) if (first === null || s.sleeping!.deadline_ns! < first) first = s.sleeping!.deadline_ns!;
        return { kind: "idle", deadline_ns: first };
      }
      this.run_turn(t);
    }
    return { kind: "ran" };
  }

  /** One scheduling turn: run t for up to SLICE_INSNS instructions, servicing its syscalls,
   *  until it sleeps, exits or uses its turn up (then it goes to the back of the queue). */
  private run_turn(t: Task): void {
    let left = SLICE_INSNS;
    t.need_resched = false;
    while (t.state.kind === "running" && !t.sleeping && !t.need_resched && left > 0) {
      // A task a signal woke first runs its syscall again (its pc is on the ecall): what it
      // waited for may have come too; only if it would sleep again is it interrupted.
      if (t.resume_syscall) t.resume_syscall = false;
      else if (t.pending.length > 0 || t.interrupted) do_signal(this, t);
      if (t.state.kind !== "running") break;
      if (t.stopped) {
        // Parked until SIGCONT (send_sig_info wakes it); other signals wait for the continue.
        t.sleeping = new Blocked(null, null, null, false);
        return;
      }
      const before = this.machine.instret(t.hart);
      try {
        const stop = this.run_slice(t, left);
        if (stop === STOP_SYSCALL) this.syscall(t);
        else if (stop === STOP_SIGNAL) this.force_sig_fault(t);
      } catch (e) {
        this.oops(t, e);
      }
      if (t.state.kind !== "running") break;
      left -= Math.max(1, Number(this.machine.instret(t.hart) - before));
    }
    if (t.state.kind === "running" && !t.sleeping) this.runqueue.push(t);
  }

  private expire_timers(): void {
    const now = this.port.monotonic_ns();
    for (const t of [...this.timers]) if (t.sleeping!.deadline_ns! <= now) this.wake_task(t);
  }

  /** Make a task runnable: take it off whatever it slept on. With result, its restarted
   *  syscall returns result at once instead of running again (a futex wake, an interruption). */
  wake_task(t: Task, result: number | null = null): void {
    const b = t.sleeping;
    if (!b) return;
    t.sleeping = null;
    t.wake_result = result ?? b.result_on_wake;
    this.futex.dequeue(t);
    b.wq?.remove(t);
    b.fs_block?.cancel(t);
    const i = this.timers.indexOf(t);
    if (i >= 0) this.timers.splice(i, 1);
    if (t.state.kind === "running") this.runqueue.push(t);
  }

  /** Wake every sleeper of wq, in the order they slept. */
  wake_up(wq: WaitQueue): void {
    for (const t of wq.take_all()) this.wake_task(t);
  }

  /** Put t to sleep on b: its pc goes back onto the ecall so the syscall runs again. */
  private sleep(t: Task, b: Blocked): void {
    this.machine.setPc(t.hart, this.machine.getPc(t.hart) - 4n);
    t.sleeping = b;
    b.wq?.add(t);
    b.fs_block?.sleep(t, (w) => this.wake_task(w));
    if (b.deadline_ns !== null) this.timers.push(t);
  }

  /** A new task joins the run queue (spawn, fork). */
  enqueue(t: Task): void {
    this.tasks.set(t.pid, t);
    this.runqueue.push(t);
  }

  alloc_pid(): number {
    return this.next_pid++;
  }

  mm_get(mm: number): void {
    this.mm_users.set(mm, (this.mm_users.get(mm) ?? 0) + 1);
  }

  /** Drop a use of mm; the last one tears it down (every frame back to the allocator). */
  mm_put(mm: number): void {
    const n = (this.mm_users.get(mm) ?? 1) - 1;
    if (n > 0) {
      this.mm_users.set(mm, n);
      return;
    }
    this.mm_users.delete(mm);
    this.machine.mmDestroy(mm);
  }

  /** A kernel bug while running task: log it as Linux logs an oops and kill the task, never
   *  the host. Guest input never gets here; every such report is a bug to fix. */
  oops(task: Task, e: unknown): void {
    const what = e instanceof Error ? (e.stack ?? e.message) : String(e);
    this.oopses.push(what);
    this.port.log(`umwasm: Oops: kernel bug in pid ${task.pid} (${task.comm}): ${what}`);
    if (task.state.kind === "running") {
      try {
        this.do_exit(task, { kind: "signaled", signo: 9, core: false });
      } catch {
        task.state = { kind: "signaled", signo: 9, core: false }; // the core itself is broken
      }
    }
  }

  /** Run a live task's hart for at most budget_insns (1..SLICE_INSNS) instructions and return
   *  the core's raw stop (STOP_*) without servicing it: the run loop above and the ptrace
   *  layer (host/arch/um/ptrace.ts, SYSEMU and single-step) both drive tasks through here. */
  run_slice(task: Task, budget_insns: number): number {
    if (task.state.kind !== "running") throw new Error(`run_slice: task ${task.pid} has exited`);
    if (!Number.isInteger(budget_insns) || budget_insns < 1 || budget_insns > SLICE_INSNS) {
      throw new Error(`run_slice: budget ${budget_insns} outside 1..${SLICE_INSNS}`);
    }
    this.machine.setTime(task.hart, this.port.monotonic_ns() / 100n);
    return this.machine.run(task.hart, task.mm, budget_insns);
  }

  /** Service the syscall a task stopped at: a7 is the number, a0..a5 the arguments. */
  syscall(task: Task): void {
    const m = this.machine;
    const h = task.hart;
    const nr = Number(m.getX(h, 17));
    this.current = task;
    task.no_restart = false;
    task.sigwait_set = 0n;
    if (task.wake_result !== null) {
      // Restarted after a sleep whose waker decided the outcome.
      m.setX(h, 10, BigInt(task.wake_result));
      task.wake_result = null;
      task.restart_block = null;
      return;
    }
    const handler = this.table.get(nr);
    let ret: number | bigint | typeof NORETURN | Blocked | null;
    if (handler) {
      const args = [m.getX(h, 10), m.getX(h, 11), m.getX(h, 12), m.getX(h, 13), m.getX(h, 14), m.getX(h, 15)];
      ret = handler(this, task, args);
    } else {
      this.log_enosys(nr);
      ret = -ENOSYS;
    }
    if (ret === NORETURN) return;
    if (ret === -ERESTARTSYS) {
      // A file operation would block (task.blocked_on names its queues, fs/wait.ts), or job
      // control signalled the task's group: sleep, or let do_signal() restart or interrupt.
      const b = task.blocked_on;
      task.blocked_on = null;
      ret = b ? new Blocked(null, null, null, true, b) : null;
      if (!ret) {
        m.setPc(h, m.getPc(h) - 4n);
        task.interrupted = true;
        return;
      }
    }
    if (ret instanceof Blocked) {
      if (ret.interruptible && has_pending(task)) {
        // -ERESTARTSYS: do_signal() turns it into -EINTR or a restart of this ecall.
        m.setPc(h, m.getPc(h) - 4n);
        task.interrupted = true;
        return;
      }
      this.sleep(task, ret);
      return;
    }
    m.setX(h, 10, BigInt(ret));
  }

  private log_enosys(nr: number): void {
    if (this.enosys_logged.has(nr)) return;
    this.enosys_logged.add(nr);
    const name = SYSCALL_NAMES.get(nr) ?? "unknown";
    this.port.log(`umwasm: syscall ${nr} (${name}) is not implemented: ENOSYS`);
  }

  /** A synchronous signal: by default the one in the hart's stop block (the CPU's), or one a
   *  tracer was shown and now delivers (host/arch/um/ptrace.ts). DIVERGES: no handlers yet
   *  (issue 5), so every such signal takes its default action, which for these is to dump core. */
  force_sig_fault(task: Task, s: { signo: number; code?: number; addr?: bigint } = this.machine.stopSignal(task.hart)): void {
    // pagefault_out_of_memory: the OOM killer frees memory, then the fault is retried.
    if (s.signo === 9 && s.code === FAULT_CODE_OOM) {
      out_of_memory(this, task);
      return;
    }
    // A write to a uffd-wp page, or a missing page of a registered vma: the vma's userfaultfd
    // monitor decides; the thread sleeps.
    if (s.signo === 9 && (s.code === FAULT_CODE_UFFD_WP || s.code === FAULT_CODE_UFFD_MISSING ||
                          s.code === FAULT_CODE_UFFD_MISSING_WRITE)) {
      handle_userfault(this, task, s.addr ?? 0n, s.code);
      return;
    }
    // force_sig_info: a fault the task blocks or ignores cannot be put off: it kills.
    const act = task.sighand.action[s.signo];
    if (s.signo === 9 || act.handler === SIG_IGN || act.handler === SIG_DFL || task.blocked & sigmask(s.signo)) {
      this.do_group_exit(task, { kind: "signaled", signo: s.signo, core: s.signo !== 9 });
      return;
    }
    task.pending.push({ signo: s.signo, code: s.code ?? 0, addr: s.addr ?? 0n });
  }

  /** Every thread of task's process exits with state (exit_group, a fatal signal). */
  do_group_exit(task: Task, state: ExitState): void {
    // A leader that left early (pthread_exit) is reported with the group's exit code.
    const leader = task.group[0];
    if (leader.state.kind !== "running" && !leader.reaped) leader.state = state;
    for (const other of [...task.group]) if (other !== task) this.do_exit(other, state);
    this.do_exit(task, state);
  }

  /** Tear a task down: its mm loses a user (the last returns every frame to the allocator),
   *  its children go to init, and its parent is told. The task stays a zombie until reaped. */
  do_exit(task: Task, state: ExitState): void {
    if (task.state.kind !== "running") return;
    task.state = state;
    task.instret = this.machine.instret(task.hart);
    this.wake_task(task);
    const qi = this.runqueue.indexOf(task);
    if (qi >= 0) this.runqueue.splice(qi, 1);
    if (task.robust_list !== 0n && task.mm) this.exit_robust_list(task);
    if (task.clear_child_tid !== 0n && task.mm) this.clear_child_tid(task);
    if (task.vfork_done) {
      this.wake_up(task.vfork_done);
      task.vfork_done = null;
    }
    if (task.mm) {
      this.mm_put(task.mm);
      this.fs.vfs.page_cache?.sync_all(); // stores through its shared file mappings reach the files
    }
    task.mm = 0;
    this.fs.exit_task(task);
    this.machine.hartFree(task.hart);
    task.hart = 0;
    for (const c of task.children) {
      c.parent = this.init && this.init !== task ? this.init : null;
      if (c.parent) {
        c.parent.children.push(c);
        kill_orphaned_pgrp(this, c, task); // reparent_leader
      } else if (c.state.kind !== "running") this.release_task(c);
    }
    task.children = [];
    const i = task.group.indexOf(task);
    const leader = task.group[0];
    if (leader !== task) {
      task.group.splice(i, 1);
      this.release_task(task); // threads are reaped by the kernel, never waited for
      // delay_group_leader: a leader that left first is reported with its last thread.
      if (task.group.length === 1 && leader.state.kind !== "running") this.exit_notify(leader);
      return;
    }
    if (task.group.length > 1) return; // delay_group_leader: other threads still run
    this.exit_notify(task);
  }

  /** exit_notify for a whole process, once its last thread is gone: orphaned process groups
   *  are told, then the parent (or nobody: the process is forgotten). */
  private exit_notify(leader: Task): void {
    kill_orphaned_pgrp(this, leader, null);
    if (!leader.parent) {
      this.release_task(leader);
      return;
    }
    this.on_child_exit(leader);
  }

  /** The child exited: its parent gets exit_signal (SIGCHLD) and its wait4() wakes. A parent
   *  that ignores SIGCHLD (or set SA_NOCLDWAIT) gets no zombie: the child is reaped at once. */
  on_child_exit(child: Task): void {
    const parent = child.parent;
    if (!parent) return;
    const st = child.state;
    if (child.exit_signal > 0) {
      const code = st.kind === "exited" ? CLD_EXITED : st.kind === "signaled" && st.core ? CLD_DUMPED : CLD_KILLED;
      const status = st.kind === "exited" ? st.code : st.kind === "signaled" ? st.signo : 0;
      send_group_sig(this, parent, { signo: child.exit_signal, code, pid: child.tgid, uid: child.uid, status });
    }
    const act = parent.sighand.action[SIGCHLD];
    if (act.handler === SIG_IGN || (act.flags & SA_NOCLDWAIT) !== 0n) this.release_task(child);
    for (const g of parent.group) this.wake_up(g.wait_chldexit);
  }

  /** Forget a dead task entirely (wait4 reaped it, or nobody will). */
  release_task(task: Task): void {
    task.reaped = true;
    this.tasks.delete(task.pid);
    if (task.parent) {
      const i = task.parent.children.indexOf(task);
      if (i >= 0) task.parent.children.splice(i, 1);
    }
    if (this.init === task) this.init = null;
  }

  /** exit_robust_list (kernel/futex/core.c): every robust futex the dying thread holds gets
   *  FUTEX_OWNER_DIED and one waiter woken, so the next locker sees EOWNERDEAD. */
  private exit_robust_list(task: Task): void {
    const m = this.machine;
    const u64 = (a: bigint): bigint | null => {
      const b = m.readUser(task.mm, a, 8);
      return b ? new DataView(b.buffer).getBigUint64(0, true) : null;
    };
    const head = task.robust_list;
    const offset = u64(head + 8n);
    const pending = u64(head + 16n);
    if (offset === null || pending === null) return;
    const off = BigInt.asIntN(64, offset);
    const handle = (entry: bigint) => {
      const addr = entry + off;
      const w = m.readUser(task.mm, addr, 4);
      if (!w) return;
      const word = new DataView(w.buffer).getUint32(0, true);
      if ((word & 0x3fffffff) !== task.pid) return; // FUTEX_TID_MASK: not ours
      const next = ((word & 0x80000000) | 0x40000000) >>> 0; // keep FUTEX_WAITERS, set OWNER_DIED
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, next, true);
      if (m.writeUser(task.mm, addr, b) && word & 0x80000000) this.futex.wake(this, task.mm, addr, 1, 0xffffffff);
    };
    // A bounded walk (ROBUST_LIST_LIMIT), skipping the entry that is mid-operation.
    let entry = u64(head);
    for (let i = 0; entry !== null && entry !== head && i < 2048; i++) {
      const next = u64(entry);
      if (entry !== pending) handle(entry);
      entry = next;
    }
    if (pending !== 0n) handle(pending);
  }

  /** CLONE_CHILD_CLEARTID: zero the tid word and wake one futex waiter on it (pthread_join). */
  private clear_child_tid(task: Task): void {
    const addr = task.clear_child_tid;
    task.clear_child_tid = 0n;
    if (this.machine.writeUser(task.mm, addr, new Uint8Array(4))) this.futex.wake(this, task.mm, addr, 1, 0xffffffff);
  }

  /** The stack limit a new image gets (RLIMIT_STACK), capped to what a JS number holds. */
  stack_limit(task: Task): number {
    const cur = task.rlim[RLIMIT_STACK].cur;
    return cur > 1n << 40n ? 2 ** 40 : Number(cur);
  }
}
