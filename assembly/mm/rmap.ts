// mm/rmap.ts — struct anon_vma: which anonymous vmas may share pages, and the merge rules that
// depend on it (a vma with pages may only merge with a vma of the same anon_vma, or one with
// no pages; a fork child's vma never takes on another's anon_vma).
// Owns: the anon_vma records (a slab), their refcounts and parent links.
// Follows Linux mm/rmap.c (6.18): anon_vma_prepare() on the first fault that maps a private
// page, reusing an adjacent compatible vma's anon_vma (find_mergeable_anon_vma); anon_vma_clone()
// on split and mremap; anon_vma_fork() giving each forked vma an anon_vma of its own whose
// parent is the parent vma's.
// DIVERGES: no reverse map: pages do not point at their anon_vma, and a vma's anon_vma_chain
// is a count (anon_vma_chain_nr), not a list of avcs. The count is all merging looks at
// (list_is_singular), and cloning a counted chain allocates nothing, so anon_vma_clone()
// cannot fail. Linux's anon_vma reuse in anon_vma_clone() (degree < 2) is not modelled: every
// forked vma with pages gets a fresh anon_vma.

import { ENOMEM } from "../include/errno";
import { PAGE_SHIFT, VM_ACCESS_FLAGS } from "../include/mman";
import { VmArea } from "./mm_types";
import { kmem_cache_create, kmem_cache_zalloc, kmem_cache_free, kmem_cache_nr_active } from "./slab";
import { DEBUG_VM } from "./debug_vm";

//   struct anon_vma, 16 bytes:
//    0 refcount u32 (vmas that point here + child anon_vmas) | 4 parent u32 (0 = a root)
//    8 num_children u32 | 12 reserved u32
@unmanaged @final
export class AnonVma {
  refcount: u32;
  parent: u32;
  num_children: u32;
  reserved: u32;
}
const ANON_VMA_SIZE: u32 = 16;
/** Deepest parent chain put_anon_vma() walks: one level per fork generation. */
const ANON_VMA_DEPTH_MAX: u32 = 1 << 16;

let anon_vma_cachep: usize = 0;

export function anon_vma_init(limit: u32): void {
  if (offsetof<AnonVma>() != ANON_VMA_SIZE) ERROR("AnonVma layout changed");
  anon_vma_cachep = kmem_cache_create(ANON_VMA_SIZE, limit);
}

/** anon_vma records alive (for leak checks). */
export function anon_vma_nr_active(): u32 {
  return kmem_cache_nr_active(anon_vma_cachep);
}

function anon_vma_alloc(): AnonVma | null {
  const p = kmem_cache_zalloc(anon_vma_cachep);
  if (p == 0) return null;
  const av = changetype<AnonVma>(p);
  av.refcount = 1;
  return av;
}

@inline function get_anon_vma(p: u32): void {
  changetype<AnonVma>(<usize>p).refcount++;
}

/** put_anon_vma: drop a reference; the last one frees the anon_vma and drops its parent's. */
export function put_anon_vma(p: u32): void {
  for (let depth: u32 = 0; p != 0; depth++) {
    if (DEBUG_VM) assert(depth <= ANON_VMA_DEPTH_MAX, "anon_vma parent chain loops");
    const av = changetype<AnonVma>(<usize>p);
    assert(av.refcount > 0, "put_anon_vma on a freed anon_vma");
    av.refcount--;
    if (av.refcount != 0) return;
    const parent = av.parent;
    if (parent != 0) changetype<AnonVma>(<usize>parent).num_children--;
    kmem_cache_free(anon_vma_cachep, <usize>p);
    p = parent;
  }
}

/** vma_is_fork_child: vma's pages may be shared with the process it was forked from (its
 *  chain holds inherited anon_vmas). Such a vma keeps its anon_vma to itself.
 *  Matches mm/vma.c vma_is_fork_child() (anon_vma set and the chain not singular). */
@inline export function vma_is_fork_child(vma: VmArea | null): bool {
  return vma != null && vma.anon_vma != 0 && vma.anon_vma_chain_nr > 1;
}

/** anon_vma_compatible: a and b (a just below b) could share an anon_vma: adjacent, the same
 *  file, pgoffs in line, flags equal but for the access bits. Matches mm/mmap.c. */
function anon_vma_compatible(a: VmArea, b: VmArea): bool {
  return a.vm_end == b.vm_start && a.vm_file == b.vm_file &&
    ((a.vm_flags ^ b.vm_flags) & ~VM_ACCESS_FLAGS) == 0 &&
    b.vm_pgoff == a.vm_pgoff + ((b.vm_start - a.vm_start) >> PAGE_SHIFT);
}

/** old's anon_vma when a and b are compatible and old has its own one (a singular chain). */
function reusable_anon_vma(old: VmArea, a: VmArea, b: VmArea): u32 {
  if (!anon_vma_compatible(a, b)) return 0;
  return old.anon_vma != 0 && old.anon_vma_chain_nr == 1 ? old.anon_vma : 0;
}

/** find_mergeable_anon_vma: an anon_vma vma can share with a neighbour, next first, so that
 *  a later mprotect making them alike can merge them. Returns 0 when there is none. */
function find_mergeable_anon_vma(vma: VmArea): u32 {
  if (vma.vm_next != 0) {
    const next = changetype<VmArea>(<usize>vma.vm_next);
    const av = reusable_anon_vma(next, vma, next);
    if (av != 0) return av;
  }
  if (vma.vm_prev == 0) return 0;
  const prev = changetype<VmArea>(<usize>vma.vm_prev);
  return reusable_anon_vma(prev, prev, vma);
}

/** anon_vma_prepare: give vma an anon_vma before its first private page is mapped.
 *  Returns: 0, or -ENOMEM when one cannot be allocated. Matches mm/rmap.c __anon_vma_prepare(). */
export function anon_vma_prepare(vma: VmArea): i32 {
  if (vma.anon_vma != 0) return 0;
  const reuse = find_mergeable_anon_vma(vma);
  if (reuse != 0) {
    get_anon_vma(reuse);
    vma.anon_vma = reuse;
  } else {
    const av = anon_vma_alloc();
    if (av == null) return -ENOMEM;
    vma.anon_vma = changetype<u32>(av);
  }
  vma.anon_vma_chain_nr = 1;
  return 0;
}

/** anon_vma_clone: dst (a split-off part or an mremap copy of src) shares src's anon_vma and
 *  chain. Preconditions: dst has no anon_vma. Never fails here (see DIVERGES above).
 *  Matches mm/rmap.c anon_vma_clone(). */
export function anon_vma_clone(dst: VmArea, src: VmArea): i32 {
  if (DEBUG_VM) assert(dst.anon_vma == 0 || dst.anon_vma == src.anon_vma, "anon_vma_clone over another anon_vma");
  if (src.anon_vma == 0) return 0;
  if (dst.anon_vma == 0) {
    get_anon_vma(src.anon_vma);
    dst.anon_vma = src.anon_vma;
  }
  dst.anon_vma_chain_nr = src.anon_vma_chain_nr;
  return 0;
}

/** anon_vma_fork: the child's copy vma of pvma gets an anon_vma of its own, a child of
 *  pvma's, and inherits pvma's chain. Returns: 0, or -ENOMEM. Matches mm/rmap.c anon_vma_fork(). */
export function anon_vma_fork(vma: VmArea, pvma: VmArea): i32 {
  if (pvma.anon_vma == 0) return 0;
  const av = anon_vma_alloc();
  if (av == null) return -ENOMEM;
  av.parent = pvma.anon_vma;
  get_anon_vma(pvma.anon_vma);
  changetype<AnonVma>(<usize>pvma.anon_vma).num_children++;
  vma.anon_vma = changetype<u32>(av);
  vma.anon_vma_chain_nr = pvma.anon_vma_chain_nr + 1;
  return 0;
}

/** unlink_anon_vmas: vma lets go of its anon_vma (unmapped, merged away or freed). */
export function unlink_anon_vmas(vma: VmArea): void {
  if (vma.anon_vma == 0) return;
  put_anon_vma(vma.anon_vma);
  vma.anon_vma = 0;
  vma.anon_vma_chain_nr = 0;
}
