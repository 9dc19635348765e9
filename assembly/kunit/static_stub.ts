// kunit/static_stub.ts — redirect a function to a test double for one case (KUnit's static
// stubs, include/kunit/static_stub.h). Owns: the table of active redirections.
// The function under test opens with a redirect that exists only in the kunit build:
//
//   export function vma_alloc(mm: MmStruct): usize {
//     if (KUNIT) {
//       const stub = kunit_static_stub(vma_alloc);
//       if (stub != 0) return changetype<(mm: MmStruct) => usize>(stub)(mm);
//     }
//     ...
//
// KUNIT is a compile-time constant (`--use UMW_KUNIT=1`, set by the kunit target only), so the
// release build compiles the branch away and carries no table lookups. A test activates a
// replacement of the same type with kunit_activate_static_stub(test, vma_alloc, fake_alloc);
// the redirection ends with the case (a deferred action). Functions are keyed by the address
// of their function object, which asc places in static memory, one per function.
// This file uses no managed objects so that any core file may import it.

export const KUNIT: bool = isDefined(UMW_KUNIT);

/** At most this many functions can be redirected at once. */
export const KUNIT_STATIC_STUBS_MAX: i32 = 16;

// [real u32 | replacement u32] × KUNIT_STATIC_STUBS_MAX; real == 0 marks a free entry.
const stub_table: usize = KUNIT ? memory.data(KUNIT_STATIC_STUBS_MAX * 8) : 0;

/** The replacement's function object for real, or 0 when real is not redirected. */
export function kunit_static_stub<F>(real: F): usize {
  if (!KUNIT) return 0;
  const key = <u32>changetype<usize>(real);
  for (let i = 0; i < KUNIT_STATIC_STUBS_MAX; i++) {
    if (load<u32>(stub_table + (<usize>i << 3)) == key) return <usize>load<u32>(stub_table + (<usize>i << 3), 4);
  }
  return 0;
}

/** Redirect real (a function object address) to replacement; returns false when full. */
export function __kunit_static_stub_set(real: usize, replacement: usize): bool {
  let free = -1;
  for (let i = 0; i < KUNIT_STATIC_STUBS_MAX; i++) {
    const key = load<u32>(stub_table + (<usize>i << 3));
    if (key == <u32>real) {
      store<u32>(stub_table + (<usize>i << 3), <u32>replacement, 4);
      return true;
    }
    if (key == 0 && free < 0) free = i;
  }
  if (free < 0) return false;
  store<u32>(stub_table + (<usize>free << 3), <u32>real);
  store<u32>(stub_table + (<usize>free << 3), <u32>replacement, 4);
  return true;
}

/** Remove the redirection of real, if any. */
export function __kunit_static_stub_clear(real: usize): void {
  for (let i = 0; i < KUNIT_STATIC_STUBS_MAX; i++) {
    if (load<u32>(stub_table + (<usize>i << 3)) == <u32>real) store<u64>(stub_table + (<usize>i << 3), 0);
  }
}
