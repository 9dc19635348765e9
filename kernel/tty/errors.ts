// kernel/tty/errors.ts — the errnos the tty answers with, and -ERESTARTSYS for job control.
export { EFAULT, EINVAL, EIO, ENOTTY, EPERM } from "../errno";
/** A background read/write signalled its group: the syscall restarts after the signal
 *  (kernel/fs/wait.ts's -ERESTARTSYS, without a queue to sleep on). */
export const ERESTARTSYS_RETURN = -512;
