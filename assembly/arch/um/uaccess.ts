// arch/um/uaccess.ts — the kernel's access to user memory: copy_{to,from}_user.
// Each page is translated through the page tables with the access the kernel performs, so a
// kernel read of a user buffer faults pages in exactly as the task's own load would, and a
// hole or a protection error shows up as bytes left uncopied (the syscall returns -EFAULT).

import { PAGE_MASK } from "../../include/mman";
import { MmStruct } from "../../mm/mm_types";
import { host_to_pfn } from "../../mm/page_alloc";
import { mmu_translate } from "./mmu";
import { ACC_READ, ACC_WRITE } from "./fault";
import { decode_cache_invalidate_pfn } from "./decode_cache";

/** copy_from_user: copy len bytes at user address from into kernel memory at to.
 *  Returns the number of bytes not copied (0 on success), as Linux's copy_from_user. */
export function copy_from_user(mm: MmStruct, to: usize, from: u64, len: u32): u32 {
  let done: u32 = 0;
  while (done < len) {
    const va = from + done;
    const off = <u32>(va & ~PAGE_MASK);
    let chunk: u32 = 4096 - off;
    if (chunk > len - done) chunk = len - done;
    const h = mmu_translate(mm, va, ACC_READ);
    if (h == 0) return len - done;
    memory.copy(to + done, h + off, chunk);
    done += chunk;
  }
  return 0;
}

/** copy_to_user: copy len bytes from kernel memory at from to user address to.
 *  Returns the number of bytes not copied. */
export function copy_to_user(mm: MmStruct, to: u64, from: usize, len: u32): u32 {
  let done: u32 = 0;
  while (done < len) {
    const va = to + done;
    const off = <u32>(va & ~PAGE_MASK);
    let chunk: u32 = 4096 - off;
    if (chunk > len - done) chunk = len - done;
    const h = mmu_translate(mm, va, ACC_WRITE);
    if (h == 0) return len - done;
    memory.copy(h + off, from + done, chunk);
    decode_cache_invalidate_pfn(host_to_pfn(h));
    done += chunk;
  }
  return 0;
}

/** strnlen_user: length of the NUL-terminated string at addr, at most max bytes looked at.
 *  Returns the length, max when no NUL was found within max, or -1 on a fault. */
export function strnlen_user(mm: MmStruct, addr: u64, max: u32): i32 {
  let n: u32 = 0;
  while (n < max) {
    const va = addr + n;
    const off = <u32>(va & ~PAGE_MASK);
    const h = mmu_translate(mm, va, ACC_READ);
    if (h == 0) return -1;
    let lim: u32 = 4096 - off;
    if (lim > max - n) lim = max - n;
    for (let i: u32 = 0; i < lim; i++) {
      if (load<u8>(h + off + i) == 0) return <i32>(n + i);
    }
    n += lim;
  }
  return <i32>max;
}
