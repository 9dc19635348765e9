// mm/slab.ts — fixed-size record caches over linear memory (kmem_cache in miniature).
// Records are never returned to the wasm heap; freed ones go on the cache's free list, so a
// steady workload allocates nothing new. A cache struct is 16 bytes:
//   0 size u32 | 4 free u32 (first free record) | 8 nr_active u32 | 12 limit u32

export function kmem_cache_create(size: u32, limit: u32): usize {
  const c = heap.alloc(16);
  store<u32>(c, size < 8 ? 8 : size, 0);
  store<u32>(c, 0, 4);
  store<u32>(c, 0, 8);
  store<u32>(c, limit, 12);
  return c;
}

// Fault injection (Linux's failslab with fail-nth), off by default: counts allocations from
// every cache, so a sweep can fail each record allocation of an operation in turn.
let fail_nth: u32 = 0;
/** Record allocations failed on purpose since boot (the tests read it). */
export let slab_nr_injected: u32 = 0;

/** slab_fail_nth: make the nth record allocation from now fail, once (0 turns it off). */
export function slab_fail_nth(n: u32): void {
  fail_nth = n;
}

/** should_failslab: whether fault injection fails this allocation. */
function should_failslab(): bool {
  if (fail_nth == 0) return false;
  fail_nth--;
  if (fail_nth != 0) return false;
  slab_nr_injected++;
  return true;
}

/** Records handed out and not yet freed (for leak checks). */
export function kmem_cache_nr_active(c: usize): u32 {
  return load<u32>(c, 8);
}

/** kmem_cache_zalloc: a zeroed record, or 0 when the cache is at its limit (or fault
 *  injection said so). */
export function kmem_cache_zalloc(c: usize): usize {
  const size = load<u32>(c, 0);
  const active = load<u32>(c, 8);
  if (active >= load<u32>(c, 12)) return 0;
  if (should_failslab()) return 0;
  let p = <usize>load<u32>(c, 4);
  if (p != 0) {
    store<u32>(c, load<u32>(p), 4);
  } else {
    p = heap.alloc(size);
  }
  memory.fill(p, 0, size);
  store<u32>(c, active + 1, 8);
  return p;
}

export function kmem_cache_free(c: usize, p: usize): void {
  assert(load<u32>(c, 8) > 0, "kmem_cache_free on an empty cache");
  store<u32>(p, load<u32>(c, 4));
  store<u32>(c, <u32>p, 4);
  store<u32>(c, load<u32>(c, 8) - 1, 8);
}
