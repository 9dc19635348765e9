// arch/um/fault.ts — user page faults: the vm_fault_t → signal translation.
// Follows arch/riscv/mm/fault.c (6.18): find the vma (lock_mm_and_find_vma: grow a
// VM_GROWSDOWN stack to cover the address), check the access against vm_flags
// (access_error), then handle_mm_fault. Failures set fault_signo/fault_code and the caller
// reports them as a synchronous signal with si_addr = the faulting address.

import { TASK_SIZE, VM_READ, VM_WRITE, VM_EXEC, VM_GROWSDOWN } from "../../include/mman";
import { MmStruct } from "../../mm/mm_types";
import { find_vma } from "../../mm/vma";
import { expand_downwards } from "../../mm/mmap";
import {
  handle_mm_fault, FAULT_FLAG_WRITE, FAULT_FLAG_INSTRUCTION, VM_FAULT_OOM, VM_FAULT_SIGBUS, VM_FAULT_UFFD_WP,
  VM_FAULT_UFFD_MISSING,
} from "../../mm/memory";
import { SIGSEGV, SIGBUS, SIGKILL, SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR } from "./regs";

export const ACC_READ: u32 = 0;
export const ACC_WRITE: u32 = 1;
export const ACC_EXEC: u32 = 2;

/** The code of the SIGKILL stop that means "out of memory" (no signal: run the OOM killer). */
export const FAULT_CODE_OOM: u32 = 0x4f4f4d; // "OOM"
/** The code of the SIGKILL stop that means "a write-protect fault for the vma's userfaultfd"
 *  (no signal: the kernel queues a message and puts the thread to sleep until the monitor
 *  wakes it, then the instruction runs again; kernel/fs/userfaultfd.ts handle_userfault). */
export const FAULT_CODE_UFFD_WP: u32 = 0x554657; // "UFW"
/** The same for a missing page of a VM_UFFD_MISSING vma, by a read or (next code) a write. */
export const FAULT_CODE_UFFD_MISSING: u32 = 0x55464d; // "UFM"
export const FAULT_CODE_UFFD_MISSING_WRITE: u32 = 0x55464e;

export let fault_signo: u32 = 0;
export let fault_code: u32 = 0;

@inline function fault_fail(signo: u32, code: u32): bool {
  fault_signo = signo;
  fault_code = code;
  return false;
}

/** access_error: whether vm_flags forbid this access (write implies read on RISC-V). */
@inline function access_error(access: u32, vm_flags: u64): bool {
  if (access == ACC_EXEC) return (vm_flags & VM_EXEC) == 0;
  if (access == ACC_WRITE) return (vm_flags & VM_WRITE) == 0;
  return (vm_flags & (VM_READ | VM_WRITE)) == 0;
}

/** do_page_fault: make addr accessible for access, or say which signal the task gets.
 *  Returns true when resolved. */
export function do_page_fault(mm: MmStruct, addr: u64, access: u32): bool {
  if (addr >= TASK_SIZE) return fault_fail(SIGSEGV, SEGV_MAPERR);
  let vma = find_vma(mm, addr);
  if (vma == null) return fault_fail(SIGSEGV, SEGV_MAPERR);
  if (vma.vm_start > addr) {
    if (!(vma.vm_flags & VM_GROWSDOWN)) return fault_fail(SIGSEGV, SEGV_MAPERR);
    if (expand_downwards(mm, vma, addr) != 0) return fault_fail(SIGSEGV, SEGV_MAPERR);
  }
  if (access_error(access, vma.vm_flags)) return fault_fail(SIGSEGV, SEGV_ACCERR);
  let flags: u32 = 0;
  if (access == ACC_WRITE) flags |= FAULT_FLAG_WRITE;
  if (access == ACC_EXEC) flags |= FAULT_FLAG_INSTRUCTION;
  const r = handle_mm_fault(mm, vma, addr, flags);
  if (r == 0) return true;
  // pagefault_out_of_memory: the kernel's OOM killer picks a victim; the fault is retried.
  if (r & VM_FAULT_OOM) return fault_fail(SIGKILL, FAULT_CODE_OOM);
  if (r & VM_FAULT_UFFD_WP) return fault_fail(SIGKILL, FAULT_CODE_UFFD_WP);
  if (r & VM_FAULT_UFFD_MISSING) {
    return fault_fail(SIGKILL, access == ACC_WRITE ? FAULT_CODE_UFFD_MISSING_WRITE : FAULT_CODE_UFFD_MISSING);
  }
  if (r & VM_FAULT_SIGBUS) return fault_fail(SIGBUS, BUS_ADRERR);
  return fault_fail(SIGSEGV, SEGV_ACCERR);
}
