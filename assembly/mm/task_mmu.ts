// mm/task_mmu.ts — the page-table walks behind /proc/<pid>/smaps, smaps_rollup, status,
// statm, pagemap and clear_refs, and the page census behind /proc/meminfo.
// Owns nothing: it reads page tables and struct pages and writes counters into records the
// kernel formats (kernel/mm_proc.ts). Follows Linux fs/proc/task_mmu.c (6.18):
// smap_gather_stats → smaps_pte_entry → smaps_account → smaps_page_accumulate, with Pss kept
// in fixed point (PSS_SHIFT) so that dividing a page among its mappers loses little.
// A page is classified by its flags, as Linux does by folio flags: PG_anon is anonymous,
// otherwise PG_swapbacked is shmem and the rest is file page cache. The zero page and other
// _PAGE_SPECIAL entries have no struct page to count (vm_normal_page() returns NULL).
// DIVERGES: no swap, no KSM, no THP mappings (THP is "never"), and MADV_FREE frees at once, so
// Swap, SwapPss, KSM, LazyFree and the *HugePages/*PmdMapped counters are always 0; there is
// no PG_dirty yet, so only the PTE's dirty bit makes a page dirty.

import { PAGE_SIZE, VM_LOCKED } from "../include/mman";
import { MmStruct, VmArea, get_mm_rss } from "./mm_types";
import { vma_first, vma_next, find_vma } from "./vma";
import { flush_tlb_range } from "../arch/um/tlb";
import {
  pte_offset_map, pte_present, pte_pfn, pmd_addr_end, _PAGE_PRESENT, _PAGE_SPECIAL,
  _PAGE_ACCESSED, _PAGE_DIRTY, PTRS_PER_PTE,
} from "./pgtable";
import {
  pfn_to_host, page_ref, page_mapcount, page_flags, mem_map, nr_frames, PG_anon, PG_table,
  PG_swapbacked, PG_buddy, PG_reserved, PAGE_STRUCT_SIZE,
} from "./page_alloc";
import { DEBUG_VM } from "./debug_vm";

/** Pss is kept in bytes << PSS_SHIFT (fs/proc/task_mmu.c). */
export const PSS_SHIFT: u32 = 12;

//   struct mem_size_stats, 112 bytes, every field a u64 in bytes (pss_* in bytes << PSS_SHIFT):
//    0 resident | 8 shared_clean | 16 shared_dirty | 24 private_clean | 32 private_dirty
//   40 referenced | 48 anonymous | 56 lazyfree | 64 pss | 72 pss_dirty | 80 pss_anon
//   88 pss_file | 96 pss_shmem | 104 pss_locked
export const MSS_RESIDENT: u32 = 0;
export const MSS_SHARED_CLEAN: u32 = 8;
export const MSS_SHARED_DIRTY: u32 = 16;
export const MSS_PRIVATE_CLEAN: u32 = 24;
export const MSS_PRIVATE_DIRTY: u32 = 32;
export const MSS_REFERENCED: u32 = 40;
export const MSS_ANONYMOUS: u32 = 48;
export const MSS_LAZYFREE: u32 = 56;
export const MSS_PSS: u32 = 64;
export const MSS_PSS_DIRTY: u32 = 72;
export const MSS_PSS_ANON: u32 = 80;
export const MSS_PSS_FILE: u32 = 88;
export const MSS_PSS_SHMEM: u32 = 96;
export const MSS_PSS_LOCKED: u32 = 104;
export const MSS_SIZE: u32 = 112;

@inline function mss_add(mss: usize, field: u32, v: u64): void {
  store<u64>(mss + <usize>field, load<u64>(mss + <usize>field) + v);
}

/** smaps_page_accumulate: the counters that depend on how the page is shared. */
function smaps_page_accumulate(mss: usize, flags: u32, size: u64, pss: u64, dirty: bool, locked: bool, exclusive: bool): void {
  mss_add(mss, MSS_PSS, pss);
  if (flags & PG_anon) mss_add(mss, MSS_PSS_ANON, pss);
  else if (flags & PG_swapbacked) mss_add(mss, MSS_PSS_SHMEM, pss);
  else mss_add(mss, MSS_PSS_FILE, pss);
  if (locked) mss_add(mss, MSS_PSS_LOCKED, pss);
  if (dirty) {
    mss_add(mss, MSS_PSS_DIRTY, pss);
    mss_add(mss, exclusive ? MSS_PRIVATE_DIRTY : MSS_SHARED_DIRTY, size);
  } else {
    mss_add(mss, exclusive ? MSS_PRIVATE_CLEAN : MSS_SHARED_CLEAN, size);
  }
}

/** smaps_account: one present, normal page. A page with one reference is mapped exactly once
 *  (private, whole Pss); otherwise its mapcount decides: 2 or more is shared, and Pss gets
 *  1/mapcount of the page. */
function smaps_account(mss: usize, pfn: u32, young: bool, dirty: bool, locked: bool): void {
  const size = PAGE_SIZE;
  const flags = page_flags(pfn);
  if (flags & PG_anon) mss_add(mss, MSS_ANONYMOUS, size); // swap-backed: never LazyFree here
  mss_add(mss, MSS_RESIDENT, size);
  if (young) mss_add(mss, MSS_REFERENCED, size);
  if (page_ref(pfn) == 1) {
    smaps_page_accumulate(mss, flags, size, size << PSS_SHIFT, dirty, locked, true);
    return;
  }
  const mapcount = page_mapcount(pfn);
  let pss = size << PSS_SHIFT;
  if (mapcount >= 2) pss /= <u64>mapcount;
  smaps_page_accumulate(mss, flags, size, pss, dirty, locked, mapcount < 2);
}

/** walk_page_range at the PTE level, for normal pages: visit(ptep, pte, ctx) for each present
 *  PTE of [start, end) with a struct page behind it (vm_normal_page(): the zero page and other
 *  special entries have none). One PTE table at a time; 2 MiB ranges without one are skipped. */
function walk_normal_ptes(mm: MmStruct, start: u64, end: u64, visit: (ptep: usize, pte: u64, ctx: usize) => void,
  ctx: usize): void {
  let addr = start;
  while (addr < end) {
    let next = pmd_addr_end(addr);
    if (next > end) next = end;
    let ptep = pte_offset_map(mm.pgd, addr);
    if (ptep != 0) {
      for (let a = addr; a < next; a += PAGE_SIZE, ptep += 8) {
        const pte = load<u64>(ptep);
        if (pte_present(pte) && !(pte & _PAGE_SPECIAL)) visit(ptep, pte, ctx);
      }
    }
    addr = next;
  }
}

/** Whether the vma smap_gather_stats walks is VM_LOCKED (smaps_pte_entry reads it there). */
let smaps_locked = false;

function smaps_pte_entry(ptep: usize, pte: u64, mss: usize): void {
  smaps_account(mss, pte_pfn(pte), (pte & _PAGE_ACCESSED) != 0, (pte & _PAGE_DIRTY) != 0, smaps_locked);
}

/** smap_gather_stats: add vma's pages to the counters at mss (which the caller zeroed, or
 *  which hold earlier vmas for smaps_rollup). */
export function smap_gather_stats(mm: MmStruct, vma: VmArea, mss: usize): void {
  smaps_locked = (vma.vm_flags & VM_LOCKED) != 0;
  walk_normal_ptes(mm, vma.vm_start, vma.vm_end, smaps_pte_entry, mss);
}

//   task_mem record, 40 bytes of u64: 0 rss_anon | 8 rss_file | 16 rss_shmem (pages)
//   24 pgtables_bytes (PMD and PTE tables, as mm_pgtables_bytes counts them) | 32 hiwater_rss
export const TASK_MEM_SIZE: u32 = 40;

/** The resident-page counters of /proc/<pid>/status and statm, and the bytes of page tables
 *  below the pgd. Counted from the page tables; in DEBUG_VM builds the anonymous count must
 *  equal the mm's MM_ANONPAGES counter (a drifting counter is a kernel bug). */
/** Count one mapped page into out's rss_anon / rss_file / rss_shmem (u64 at 0, 8, 16). */
function task_mem_pte_entry(ptep: usize, pte: u64, out: usize): void {
  const flags = page_flags(pte_pfn(pte));
  const at: usize = flags & PG_anon ? 0 : flags & PG_swapbacked ? 16 : 8;
  store<u64>(out + at, load<u64>(out + at) + 1);
}

export function task_mem(mm: MmStruct, out: usize): void {
  memory.fill(out, 0, 24);
  for (let v = vma_first(mm); v != null; v = vma_next(changetype<VmArea>(v))) {
    const vma = changetype<VmArea>(v);
    walk_normal_ptes(mm, vma.vm_start, vma.vm_end, task_mem_pte_entry, out);
  }
  if (DEBUG_VM) assert(load<u64>(out) == mm.rss_anon, "rss_anon disagrees with the page tables");
  store<u64>(out, mm_pgtables_pages(mm) * PAGE_SIZE, 24);
  store<u64>(out, mm.hiwater_rss, 32);
}

/** PMD and PTE table pages of mm (mm_pgtables_bytes / PAGE_SIZE; the pgd is not counted). */
function mm_pgtables_pages(mm: MmStruct): u64 {
  let n: u64 = 0;
  const g = pfn_to_host(mm.pgd);
  for (let i: usize = 0; i < PTRS_PER_PTE; i++) {
    const ge = load<u64>(g + (i << 3));
    if (!(ge & _PAGE_PRESENT)) continue;
    n++;
    const m = pfn_to_host(pte_pfn(ge));
    for (let j: usize = 0; j < PTRS_PER_PTE; j++) {
      if (load<u64>(m + (j << 3)) & _PAGE_PRESENT) n++;
    }
  }
  return n;
}

//   page census for /proc/meminfo, 48 bytes of u64, in pages:
//    0 anon_mapped (NR_ANON_MAPPED) | 8 file_mapped (NR_FILE_MAPPED) | 16 shmem (NR_SHMEM)
//   24 file_pages (NR_FILE_PAGES: page cache, shmem included) | 32 pagetables (NR_PAGETABLE)
//   40 other allocated frames (kernel use: no LRU, no cache)
export const MEM_CENSUS_SIZE: u32 = 48;

/** One pass over mem_map classifying every allocated frame, the node counters Linux keeps
 *  incrementally. O(nr_frames): only /proc/meminfo asks. Free blocks are skipped whole. */
export function mem_census(out: usize): void {
  let anon: u64 = 0, mapped: u64 = 0, shmem: u64 = 0, cache: u64 = 0, tables: u64 = 0, other: u64 = 0;
  let pfn: u32 = 1; // pfn 0 is the zero page (reserved)
  while (pfn < nr_frames) {
    const page = mem_map + (<usize>pfn * PAGE_STRUCT_SIZE);
    const flags = load<u32>(page, 8);
    if (flags & PG_buddy) {
      pfn += <u32>1 << load<u32>(page, 12); // a free block: its order is in private
      continue;
    }
    if (load<u32>(page, 0) != 0 && !(flags & PG_reserved)) {
      if (flags & PG_table) tables++;
      else if (flags & PG_anon) {
        if (load<u32>(page, 4) != 0) anon++;
        else other++;
      } else if (flags & PG_swapbacked) {
        shmem++;
        cache++;
        if (load<u32>(page, 4) != 0) mapped++;
      } else if (load<u32>(page, 4) != 0) {
        cache++;
        mapped++;
      } else {
        other++;
      }
    }
    pfn++;
  }
  store<u64>(out, anon, 0);
  store<u64>(out, mapped, 8);
  store<u64>(out, shmem, 16);
  store<u64>(out, cache, 24);
  store<u64>(out, tables, 32);
  store<u64>(out, other, 40);
}

// /proc/<pid>/pagemap: one u64 per virtual page (fs/proc/task_mmu.c pagemap_read,
// pagemap_pte_hole, pte_to_pagemap_entry). This machine's configuration (the spec's:
// CONFIG_MEM_SOFT_DIRTY not set) has no soft-dirty tracking, so bit 55 is always 0, as Linux
// reports it there. No swap, no uffd-wp PTE bit, no guard-region markers here: bits 57, 58
// and 62 are never set, and a non-present PTE reads as 0 like a hole.
export const PM_PFRAME_MASK: u64 = (<u64>1 << 55) - 1;
export const PM_SOFT_DIRTY: u64 = <u64>1 << 55;
export const PM_MMAP_EXCLUSIVE: u64 = <u64>1 << 56;
export const PM_UFFD_WP: u64 = <u64>1 << 57;
export const PM_GUARD_REGION: u64 = <u64>1 << 58;
export const PM_FILE: u64 = <u64>1 << 61;
export const PM_SWAP: u64 = <u64>1 << 62;
export const PM_PRESENT: u64 = <u64>1 << 63;
/** The PFN pagemap shows for frame 0: RAM starts at 0x8000_0000 on the RISC-V virt board
 *  Linux runs on, so page frame numbers there start at 0x80000 (and the zero page, our frame
 *  0, has a non-zero PFN as on Linux). */
export const PAGEMAP_PFN_BASE: u64 = 0x80000;

/** pte_to_pagemap_entry for a present or empty PTE. A special entry (the zero page) has no
 *  page (vm_normal_page() returns NULL): present with its PFN but neither PM_FILE nor
 *  PM_MMAP_EXCLUSIVE. A normal page is PM_FILE unless anonymous (shmem counts as file) and
 *  PM_MMAP_EXCLUSIVE when mapped exactly once (folio_precise_page_mapcount() == 1). */
function pte_to_pagemap_entry(pte: u64): u64 {
  if (!pte_present(pte)) return 0;
  const pfn = pte_pfn(pte);
  let pme = PM_PRESENT | ((<u64>pfn + PAGEMAP_PFN_BASE) & PM_PFRAME_MASK);
  if (pte & _PAGE_SPECIAL) return pme;
  if (!(page_flags(pfn) & PG_anon)) pme |= PM_FILE;
  if (page_mapcount(pfn) == 1) pme |= PM_MMAP_EXCLUSIVE;
  return pme;
}

/** The pagemap entries of nr_pages pages from the page-aligned addr into out (8 bytes each).
 *  Holes and pages of a vma with no PTE read 0 (pagemap_pte_hole). The caller clamps the
 *  range to TASK_SIZE. */
export function pagemap_read_entries(mm: MmStruct, addr: u64, nr_pages: u32, out: usize): void {
  const end = addr + (<u64>nr_pages << 12);
  let vma = find_vma(mm, addr);
  while (addr < end) {
    // pagemap_pte_hole: below the next vma (or past the last one) every entry is 0.
    let hole_end = vma == null ? end : changetype<VmArea>(vma).vm_start;
    if (hole_end > end) hole_end = end;
    for (; addr < hole_end; addr += PAGE_SIZE, out += 8) store<u64>(out, 0);
    if (vma == null || addr >= end) break;
    const v = changetype<VmArea>(vma);
    const vend = v.vm_end < end ? v.vm_end : end;
    while (addr < vend) {
      let next = pmd_addr_end(addr);
      if (next > vend) next = vend;
      let ptep = pte_offset_map(mm.pgd, addr);
      for (; addr < next; addr += PAGE_SIZE, out += 8) {
        store<u64>(out, ptep != 0 ? pte_to_pagemap_entry(load<u64>(ptep)) : 0);
        if (ptep != 0) ptep += 8;
      }
    }
    vma = vma_next(v);
  }
}

// /proc/<pid>/clear_refs (fs/proc/task_mmu.c clear_refs_write): enum clear_refs_types.
export const CLEAR_REFS_ALL: u32 = 1;
export const CLEAR_REFS_ANON: u32 = 2;
export const CLEAR_REFS_MAPPED: u32 = 3;
export const CLEAR_REFS_SOFT_DIRTY: u32 = 4;
export const CLEAR_REFS_MM_HIWATER_RSS: u32 = 5;

/** clear_refs_test_walk: which vmas a type visits. Anonymous means no vm_file, so a
 *  MAP_SHARED|MAP_ANONYMOUS (shmem) vma belongs to "3", not "2". */
function clear_refs_test_walk(vma: VmArea, type: u32): bool {
  if (type == CLEAR_REFS_ANON && vma.vm_file != 0) return false;
  if (type == CLEAR_REFS_MAPPED && vma.vm_file == 0) return false;
  return true;
}

function clear_refs_pte_entry(ptep: usize, pte: u64, _ctx: usize): void {
  store<u64>(ptep, pte & ~_PAGE_ACCESSED);
}

/** clear_refs_write for a type the kernel checked (1..5). 5 resets the peak RSS to the current
 *  RSS (reset_mm_hiwater_rss). 4 clears soft-dirty bits, which this configuration does not
 *  have (CONFIG_MEM_SOFT_DIRTY not set: clear_soft_dirty() is empty), so it changes nothing.
 *  1, 2 and 3 clear the accessed bit of every normal page the type selects
 *  (clear_refs_pte_range; the zero page is skipped) and flush those translations from the TLB,
 *  so the next access walks the page table and sets the bit again (what smaps' Referenced
 *  reads). */
export function clear_refs(mm: MmStruct, type: u32): void {
  if (type == CLEAR_REFS_MM_HIWATER_RSS) {
    mm.hiwater_rss = get_mm_rss(mm);
    return;
  }
  if (type == CLEAR_REFS_SOFT_DIRTY) return;
  for (let v = vma_first(mm); v != null; v = vma_next(changetype<VmArea>(v))) {
    const vma = changetype<VmArea>(v);
    if (!clear_refs_test_walk(vma, type)) continue;
    walk_normal_ptes(mm, vma.vm_start, vma.vm_end, clear_refs_pte_entry, 0);
    flush_tlb_range(changetype<usize>(mm), vma.vm_start, vma.vm_end);
  }
}
