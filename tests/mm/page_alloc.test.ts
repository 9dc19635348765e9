// tests/mm/page_alloc.test.ts — the buddy allocator (assembly/mm/page_alloc.ts) on its own:
// every order splits and merges back to the boot-time free lists, exhaustion returns 0, and
// fault injection (nth and seeded probability) is exact and deterministic. DEBUG_VM is on, so
// validate_free_lists() checks counts, alignment and overlaps after each step.
import { beforeAll, describe, expect, it } from "vitest";
import { compileAS } from "../helpers/asc";
import { MM_TEST_ARGS } from "./args";

// 5000 frames: not a power of two, so the boot carving leaves blocks of several orders.
const NR = 5000;
let m: Record<string, any>;

/** A small deterministic PRNG for the test's own choices (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function areaCounts(): number[] {
  const out: number[] = [];
  for (let o = 0; o <= m.max_order(); o++) out.push(m.free_area_nr_free(o) >>> 0);
  return out;
}

describe("buddy allocator", () => {
  let boot: number[];

  beforeAll(async () => {
    ({ exports: m } = await compileAS("tests/mm/entry.ts", MM_TEST_ARGS));
    m.init(NR);
    boot = areaCounts();
  });

  it("boots with every frame but the zero page free, in maximal aligned blocks", () => {
    expect(m.get_nr_frames()).toBe(NR);
    expect(m.get_nr_free()).toBe(NR - 1);
    expect(m.max_order()).toBe(10);
    // [1, 5000): 1+2+4+...+512 below 1024, then three order-10 blocks, then 5000-4096 = 904
    // = 512+256+128+8 above them.
    expect(boot).toEqual([1, 1, 1, 2, 1, 1, 1, 2, 2, 2, 3]);
    m.validate_free_lists();
  });

  it("allocates and frees every order, splitting and merging back", () => {
    for (let order = 0; order <= 10; order++) {
      const before = m.get_nr_free();
      const pfn = m.alloc_pages(order) >>> 0;
      expect(pfn).not.toBe(0);
      expect(pfn % (1 << order)).toBe(0);
      expect(m.page_ref(pfn)).toBe(1);
      expect(m.get_nr_free()).toBe(before - (1 << order));
      m.validate_free_lists();
      m.__free_pages(pfn, order);
      expect(m.get_nr_free()).toBe(before);
      expect(areaCounts()).toEqual(boot);
      m.validate_free_lists();
    }
  });

  it("hands out disjoint blocks under a random mix and coalesces fully when all are freed", () => {
    const next = rng(0x5eed);
    const held: { pfn: number; order: number }[] = [];
    const owner = new Int32Array(NR).fill(-1);
    for (let step = 0; step < 4000; step++) {
      if (held.length > 0 && next() < 0.45) {
        const i = Math.floor(next() * held.length);
        const { pfn, order } = held[i];
        held[i] = held[held.length - 1];
        held.pop();
        for (let k = 0; k < 1 << order; k++) owner[pfn + k] = -1;
        m.__free_pages(pfn, order);
      } else {
        const order = Math.floor(next() * next() * 8);
        const before = m.get_nr_free();
        const pfn = m.alloc_pages(order) >>> 0;
        if (pfn === 0) {
          expect(m.get_nr_free()).toBe(before);
          continue;
        }
        expect(pfn % (1 << order)).toBe(0);
        for (let k = 0; k < 1 << order; k++) {
          expect(owner[pfn + k]).toBe(-1);
          owner[pfn + k] = step;
        }
        held.push({ pfn, order });
      }
      if (step % 50 === 0) m.validate_free_lists();
    }
    const inUse = held.reduce((s, b) => s + (1 << b.order), 0);
    expect(m.get_nr_free()).toBe(NR - 1 - inUse);
    for (const { pfn, order } of held) m.__free_pages(pfn, order);
    m.validate_free_lists();
    expect(m.get_nr_free()).toBe(NR - 1);
    expect(areaCounts()).toEqual(boot);
  });

  it("returns 0 when memory is exhausted, then recovers", () => {
    const pfns: number[] = [];
    for (;;) {
      const pfn = m.alloc_page() >>> 0;
      if (pfn === 0) break;
      pfns.push(pfn);
    }
    expect(pfns.length).toBe(NR - 1);
    expect(new Set(pfns).size).toBe(NR - 1);
    expect(m.get_nr_free()).toBe(0);
    for (let order = 0; order <= 10; order++) expect(m.alloc_pages(order)).toBe(0);
    m.validate_free_lists();
    for (const pfn of pfns) m.put_page(pfn);
    expect(areaCounts()).toEqual(boot);
    // Large orders run out while smaller blocks remain.
    const big: number[] = [];
    for (let pfn = m.alloc_pages(10) >>> 0; pfn !== 0; pfn = m.alloc_pages(10) >>> 0) big.push(pfn);
    expect(big.length).toBe(3);
    const half = m.alloc_pages(9) >>> 0;
    expect(half).not.toBe(0);
    expect(m.get_nr_free()).toBe(NR - 1 - 3 * 1024 - 512);
    m.validate_free_lists();
    for (const pfn of big) m.__free_pages(pfn, 10);
    m.__free_pages(half, 9);
    expect(areaCounts()).toEqual(boot);
  });

  it("fails exactly the nth allocation, once", () => {
    const injected = m.get_nr_injected();
    m.page_alloc_fail_nth(3);
    const a = m.alloc_page() >>> 0;
    const b = m.alloc_pages(2) >>> 0;
    const free = m.get_nr_free();
    const c = m.alloc_page() >>> 0;
    const d = m.alloc_page() >>> 0;
    expect([a !== 0, b !== 0, c, d !== 0]).toEqual([true, true, 0, true]);
    expect(m.get_nr_free()).toBe(free - 1);
    expect(m.get_nr_injected()).toBe(injected + 1);
    for (let i = 0; i < 100; i++) {
      const pfn = m.alloc_page() >>> 0;
      expect(pfn).not.toBe(0);
      m.put_page(pfn);
    }
    m.put_page(a);
    m.__free_pages(b, 2);
    m.put_page(d);
    // n = 1 fails the very next call; n = 0 disarms.
    m.page_alloc_fail_nth(1);
    expect(m.alloc_pages(5)).toBe(0);
    m.page_alloc_fail_nth(2);
    m.page_alloc_fail_nth(0);
    for (let i = 0; i < 3; i++) m.put_page(m.alloc_page());
    expect(m.get_nr_injected()).toBe(injected + 2);
    expect(areaCounts()).toEqual(boot);
    m.validate_free_lists();
  });

  it("fails with probability p, the same allocations for the same seed", () => {
    const pattern = (permille: number, seed: bigint) => {
      m.page_alloc_fail_prob(permille, seed);
      let out = "";
      for (let i = 0; i < 1000; i++) {
        const order = i % 4;
        const pfn = m.alloc_pages(order) >>> 0;
        out += pfn === 0 ? "x" : ".";
        if (pfn !== 0) m.__free_pages(pfn, order);
      }
      m.page_alloc_fail_prob(0, 0n);
      return out;
    };
    const a = pattern(300, 42n);
    const b = pattern(300, 42n);
    const c = pattern(300, 43n);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    const fails = a.split("x").length - 1;
    expect(fails).toBeGreaterThan(240);
    expect(fails).toBeLessThan(360);
    expect(pattern(0, 42n)).toBe(".".repeat(1000));
    expect(pattern(1000, 7n)).toBe("x".repeat(1000));
    expect(areaCounts()).toEqual(boot);
    m.validate_free_lists();
  });

  it("keeps a frame while references remain", () => {
    // Whatever the previous test left allocated, a fresh frame behaves the same.
    const pfn = m.alloc_page() >>> 0;
    m.get_page(pfn);
    expect(m.page_ref(pfn)).toBe(2);
    const free = m.get_nr_free();
    m.put_page(pfn);
    expect(m.get_nr_free()).toBe(free);
    expect(m.PageBuddy(pfn)).toBe(0);
    m.put_page(pfn);
    expect(m.get_nr_free()).toBe(free + 1);
    expect(() => m.put_page(pfn)).toThrow(/abort/);
  });
});
