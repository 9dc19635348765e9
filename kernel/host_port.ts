// kernel/host_port.ts — the one door between the kernel and the world outside it.
// The kernel is a deterministic state machine: everything nondeterministic (time, console
// input, entropy, files of the host, the terminal's shape) arrives through this interface,
// which the host implements (host/port/) and may record or replay. The kernel imports only
// this type, never host code.

/** What kind of host object a console fd stands for, so fstat/isatty answer as Linux would. */
export type ConsoleKind = "tty" | "pipe" | "file" | "null";

export interface HostPort {
  /** Wall-clock time in nanoseconds since the Unix epoch (CLOCK_REALTIME's source). */
  realtime_ns(): bigint;
  /** Monotonic nanoseconds since the host port was created (CLOCK_MONOTONIC's source). */
  monotonic_ns(): bigint;
  /** Fill buf with entropy (the boot seed of the kernel PRNG). */
  entropy(buf: Uint8Array): void;
  /** Write guest console output: fd 1 is stdout, 2 is stderr. */
  console_write(fd: 1 | 2, bytes: Uint8Array): void;
  /** Read up to max bytes of console input; null at end of input. Blocking is the host's job. */
  console_read(max: number): Uint8Array | null;
  /** What each console fd (0, 1, 2) is connected to on the host. */
  console_kind(fd: 0 | 1 | 2): ConsoleKind;
  /** Kernel log line (printk). */
  log(line: string): void;
  /** A host file's bytes (for hostfs and `umwasm run`'s execve): the contents, or a negative
   *  errno (-ENOENT, -EACCES, -EISDIR...). Host files are nondeterministic input like the rest. */
  host_read_file(path: string): Uint8Array | number;
  /** The absolute host path of path (realpath), or null when it does not exist. */
  host_realpath(path: string): string | null;
  /** Nothing is runnable: return once monotonic_ns() has reached deadline_ns. A real-time
   *  host sleeps; a virtual clock may simply jump there. */
  sleep_until(deadline_ns: bigint): void;
}
