// mm/anon_name.ts — struct anon_vma_name: the name prctl(PR_SET_VMA_ANON_NAME) gives anonymous
// vmas, shown by /proc/<pid>/maps as [anon:name] (or [anon_shmem:name] for shared ones).
// Owns: the name records (a slab) and their refcounts. A vma holds one reference; split,
// mremap and fork share the record (dup_anon_vma_name), vm_area_free drops it.
// Names take part in merging: two vmas merge only if their names are equal (anon_vma_name_eq).
// Follows Linux mm/madvise.c and include/linux/mm_inline.h (6.18).

import { kmem_cache_create, kmem_cache_zalloc, kmem_cache_free, kmem_cache_nr_active } from "./slab";

/** Longest name including its NUL (include/linux/mm_types.h ANON_VMA_NAME_MAX_LEN). */
export const ANON_VMA_NAME_MAX_LEN: u32 = 80;

//   struct anon_vma_name, 88 bytes: 0 kref u32 | 4 len u32 (without the NUL) | 8 name[80]
const ANON_NAME_SIZE: u32 = 8 + ANON_VMA_NAME_MAX_LEN;

let anon_name_cachep: usize = 0;

export function anon_name_init(limit: u32): void {
  anon_name_cachep = kmem_cache_create(ANON_NAME_SIZE, limit);
}

/** Name records alive (for leak checks). */
export function anon_vma_name_nr_active(): u32 {
  return kmem_cache_nr_active(anon_name_cachep);
}

/** anon_vma_name_alloc: a record holding the len bytes at src, with one reference.
 *  Preconditions: len < ANON_VMA_NAME_MAX_LEN. Returns: the record, or 0 on -ENOMEM. */
export function anon_vma_name_alloc(src: usize, len: u32): u32 {
  assert(len < ANON_VMA_NAME_MAX_LEN, "anon_vma_name longer than ANON_VMA_NAME_MAX_LEN");
  const p = kmem_cache_zalloc(anon_name_cachep);
  if (p == 0) return 0;
  store<u32>(p, 1, 0);
  store<u32>(p, len, 4);
  memory.copy(p + 8, src, len);
  return <u32>p;
}

@inline export function anon_vma_name_len(name: u32): u32 {
  return load<u32>(<usize>name, 4);
}
@inline export function anon_vma_name_str(name: u32): usize {
  return <usize>name + 8;
}

export function anon_vma_name_get(name: u32): void {
  if (name != 0) store<u32>(<usize>name, load<u32>(<usize>name) + 1);
}

export function anon_vma_name_put(name: u32): void {
  if (name == 0) return;
  const ref = load<u32>(<usize>name);
  assert(ref > 0, "anon_vma_name_put on a freed name");
  store<u32>(<usize>name, ref - 1);
  if (ref == 1) kmem_cache_free(anon_name_cachep, <usize>name);
}

/** anon_vma_name_eq: both absent, the same record, or the same text. */
export function anon_vma_name_eq(a: u32, b: u32): bool {
  if (a == b) return true;
  if (a == 0 || b == 0) return false;
  const len = anon_vma_name_len(a);
  if (len != anon_vma_name_len(b)) return false;
  return memory.compare(anon_vma_name_str(a), anon_vma_name_str(b), len) == 0;
}
