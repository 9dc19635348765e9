// Linux errno numbers (include/uapi/asm-generic/errno-base.h and errno.h); riscv64 uses the
// generic values. Core functions return them negated, as the kernel does.
export const EPERM: i32 = 1;
export const ENOENT: i32 = 2;
export const ESRCH: i32 = 3;
export const EINTR: i32 = 4;
export const EIO: i32 = 5;
export const E2BIG: i32 = 7;
export const ENOEXEC: i32 = 8;
export const EBADF: i32 = 9;
export const EAGAIN: i32 = 11;
export const ENOMEM: i32 = 12;
export const EACCES: i32 = 13;
export const EFAULT: i32 = 14;
export const EBUSY: i32 = 16;
export const EEXIST: i32 = 17;
export const EINVAL: i32 = 22;
export const EFBIG: i32 = 27;
export const ENOSPC: i32 = 28;
export const ENOSYS: i32 = 38;
export const EOVERFLOW: i32 = 75;

/** Error values travel in the top 4095 values of the unsigned range, as Linux's IS_ERR_VALUE. */
@inline export function IS_ERR_VALUE(v: u64): bool {
  return v >= <u64>-4095;
}
