// arch/um/regs.ts — the hart: one guest task's user-visible CPU state, in linear memory.
// The kernel reads and writes it through one typed-array view, taking every offset from the
// HART_* constants that assembly/index.ts exports (never from a copy of this table).
//     0 x0..x31 u64 (x0 always reads 0)      256 sink u64 (decoded writes to x0 land here)
//   264 f0..f31 u64 (singles NaN-boxed)      520 pc u64
//   528 fcsr u32 (fflags 4:0, frm 7:5)       532 stop_signo u32 | 536 stop_code u32 | 540 pad
//   544 stop_addr u64 (si_addr of a fault)   552 instret u64 (retired, exact)
//   560 resv_addr u64 (LR/SC)                568 resv_valid u32 | 572 pad
//   576 time u64 (rdtime value, set by the kernel before each slice)
export const HART_X: u32 = 0;
export const HART_SINK: u32 = 32; // register index decoded in place of x0 as a destination
export const HART_F: u32 = 264;
export const HART_PC: u32 = 520;
export const HART_FCSR: u32 = 528;
export const HART_STOP_SIGNO: u32 = 532;
export const HART_STOP_CODE: u32 = 536;
export const HART_STOP_ADDR: u32 = 544;
export const HART_INSTRET: u32 = 552;
export const HART_RESV_ADDR: u32 = 560;
export const HART_RESV_VALID: u32 = 568;
export const HART_TIME: u32 = 576;
export const HART_SIZE: u32 = 640;

// Why cpu_run() returned.
export const STOP_BUDGET: i32 = 0; // budget_insns retired
export const STOP_SYSCALL: i32 = 1; // ecall retired; pc is past it, a7 holds the number
export const STOP_SIGNAL: i32 = 2; // a synchronous signal: stop_signo, stop_code, stop_addr

// Signal numbers and si_codes of synchronous traps (include/uapi/asm-generic/siginfo.h).
export const SIGILL: u32 = 4;
export const SIGTRAP: u32 = 5;
export const SIGBUS: u32 = 7;
export const SIGKILL: u32 = 9;
export const SIGSEGV: u32 = 11;
export const ILL_ILLOPC: u32 = 1;
export const TRAP_BRKPT: u32 = 1;
export const BUS_ADRALN: u32 = 1;
export const BUS_ADRERR: u32 = 2;
export const SEGV_MAPERR: u32 = 1;
export const SEGV_ACCERR: u32 = 2;
