// host/cli/signals.ts — signal names as strsignal(3) prints them, for messages.
const NAMES: Record<number, string> = {
  1: "Hangup", 2: "Interrupt", 3: "Quit", 4: "Illegal instruction", 5: "Trace/breakpoint trap",
  6: "Aborted", 7: "Bus error", 8: "Floating point exception", 9: "Killed", 10: "User defined signal 1",
  11: "Segmentation fault", 12: "User defined signal 2", 13: "Broken pipe", 14: "Alarm clock",
  15: "Terminated", 31: "Bad system call",
};
export function signalName(signo: number): string {
  return NAMES[signo] ?? `Signal ${signo}`;
}

const HOST_SIGNALS: Record<number, NodeJS.Signals> = {
  1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
  8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE",
  14: "SIGALRM", 15: "SIGTERM", 31: "SIGSYS",
};

/** Die of signo as the guest did, so a parent shell sees the same wait status it would see
 *  for the native program (qemu-user does the same). Returns if the signal did not kill us. */
export function raiseSelf(signo: number): void {
  const name = HOST_SIGNALS[signo];
  if (!name) return;
  process.removeAllListeners(name);
  try {
    process.kill(process.pid, name);
  } catch {
    // Not deliverable here: the caller falls back to exit status 128 + signo.
  }
}
