// tests/mm/vma_tree.test.ts — the vma list + augmented red-black tree (assembly/mm/vma.ts,
// assembly/mm/vma_tree.ts) against a sorted-array model: after every random insert, remove,
// split and range change, find_vma, find_vma_prev_of and the top-down gap search must answer
// as the model does, and validate_mm_exact (DEBUG_VM) must hold.
// Set UMW_SEED=0x... to replay one seed.
import { beforeAll, describe, expect, it } from "vitest";
import { compileAS } from "../helpers/asc";
import { MM_TEST_ARGS } from "./args";

const TASK_PAGES = 1 << 26; // TASK_SIZE >> PAGE_SHIFT
const GUARD_PAGES = 256; // stack_guard_gap
const SPACE = 1 << 20; // pages the random ranges live in

interface Vma { start: number; end: number; gd: boolean; ptr: number }

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

/** The model: vmas sorted by start, and the answers the kernel must give. */
class Model {
  v: Vma[] = [];
  /** Index of the first vma with start >= page. */
  lowerBound(page: number): number {
    let lo = 0, hi = this.v.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.v[mid].start < page) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  fits(start: number, end: number): boolean {
    const i = this.lowerBound(start);
    if (i > 0 && this.v[i - 1].end > start) return false;
    return i === this.v.length || this.v[i].start >= end;
  }
  find(page: number): Vma | undefined {
    return this.v.find((x) => x.end > page);
  }
  findPrev(page: number): Vma | undefined {
    const i = this.lowerBound(page);
    return i > 0 ? this.v[i - 1] : undefined;
  }
  /** The linear top-down search mm/mmap.ts had, in pages. */
  gap(len: number, low: number, high: number): number {
    let best = -1;
    let gapStart = 0;
    for (let i = 0; ; i++) {
      const x = this.v[i];
      let gapEnd = x === undefined ? TASK_PAGES : x.gd ? Math.max(x.start - GUARD_PAGES, 0) : x.start;
      if (gapEnd > high) gapEnd = high;
      const lo = Math.max(gapStart, low);
      if (gapEnd >= lo + len && gapEnd > lo) best = gapEnd - len;
      if (x === undefined || x.end >= high) break;
      gapStart = x.end;
    }
    return best;
  }
}

let m: Record<string, any>;

function checkAgainst(model: Model, mm: number, next: () => number): void {
  expect(m.map_count(mm)).toBe(model.v.length);
  const pick = () => Math.floor(next() * (SPACE + 64));
  for (let q = 0; q < 4; q++) {
    // Probe near vma edges as often as at random.
    let page = pick();
    if (model.v.length && next() < 0.5) {
      const x = model.v[Math.floor(next() * model.v.length)];
      page = [x.start - 1, x.start, x.end - 1, x.end][Math.floor(next() * 4)];
    }
    const f = model.find(page);
    expect(m.find(mm, page) >>> 0, `find_vma(${page})`).toBe(f ? f.ptr : 0);
    const p = model.findPrev(page);
    expect(m.find_prev(mm, page) >>> 0, `find_vma_prev_of(${page})`).toBe(p ? p.ptr : 0);
  }
  for (let q = 0; q < 3; q++) {
    const len = 1 + Math.floor(next() * next() * 600);
    const low = 16 + Math.floor(next() * SPACE * 0.5);
    const high = next() < 0.2 ? TASK_PAGES : low + Math.floor(next() * SPACE);
    expect(m.gap(mm, len, low, high), `gap(${len}, ${low}, ${high})`).toBe(model.gap(len, low, high));
  }
}

function listOf(mm: number): [number, number][] {
  const out: [number, number][] = [];
  for (let v = m.first(mm) >>> 0; v !== 0; v = m.next(v) >>> 0) out.push([m.start_of(v), m.end_of(v)]);
  return out;
}

describe("vma tree", () => {
  beforeAll(async () => {
    ({ exports: m } = await compileAS("tests/mm/entry.ts", MM_TEST_ARGS));
    m.init(64);
  });

  it("answers find_vma, find_vma_prev_of and gap search like the model through random churn", () => {
    const seed = process.env.UMW_SEED ? Number(process.env.UMW_SEED) : 0x7e57ab1e;
    const next = rng(seed);
    const model = new Model();
    const mm = m.test_mm_new() >>> 0;
    const ops = 9000;
    try {
      for (let step = 0; step < ops; step++) {
        // Grow for the first half, shrink to empty in the second.
        const grow = step < ops / 2 ? 0.62 : 0.3;
        const r = next();
        if (r < grow || model.v.length === 0) {
          const len = 1 + Math.floor(next() * next() * 200);
          const start = 16 + Math.floor(next() * (SPACE - len - 16));
          if (!model.fits(start, start + len)) continue;
          const gd = next() < 0.05;
          const ptr = m.insert(mm, start, start + len, gd) >>> 0;
          expect(ptr).not.toBe(0);
          model.v.splice(model.lowerBound(start), 0, { start, end: start + len, gd, ptr });
        } else if (r < grow + 0.25) {
          const i = Math.floor(next() * model.v.length);
          m.remove(mm, model.v[i].ptr);
          model.v.splice(i, 1);
        } else if (r < grow + 0.3) {
          // split_vma: the new vma takes the low or the high part.
          const i = Math.floor(next() * model.v.length);
          const x = model.v[i];
          if (x.end - x.start < 2) continue;
          const at = x.start + 1 + Math.floor(next() * (x.end - x.start - 1));
          const below = next() < 0.5;
          expect(m.split(mm, x.ptr, at, below)).toBe(0);
          const created = below ? m.find(mm, x.start) >>> 0 : m.find(mm, at) >>> 0;
          const lowPart = { start: x.start, end: at, gd: x.gd, ptr: below ? created : x.ptr };
          const highPart = { start: at, end: x.end, gd: x.gd, ptr: below ? x.ptr : created };
          model.v.splice(i, 1, lowPart, highPart);
        } else {
          // vma_set_range: move both ends anywhere between the neighbours.
          const i = Math.floor(next() * model.v.length);
          const x = model.v[i];
          const lo = i > 0 ? model.v[i - 1].end : 16;
          const hi = i + 1 < model.v.length ? model.v[i + 1].start : SPACE;
          const s = lo + Math.floor(next() * (x.start - lo + 1));
          const e = x.end + Math.floor(next() * (hi - x.end + 1));
          const ns = next() < 0.5 ? s : Math.min(x.end - 1, x.start + Math.floor(next() * 3));
          m.set_range(mm, x.ptr, ns, e);
          x.start = ns;
          x.end = e;
        }
        m.validate_exact(mm);
        checkAgainst(model, mm, next);
      }
      // Drain in random order, checking after each removal.
      while (model.v.length > 0) {
        const i = Math.floor(next() * model.v.length);
        m.remove(mm, model.v[i].ptr);
        model.v.splice(i, 1);
        m.validate_exact(mm);
        checkAgainst(model, mm, next);
      }
      expect(listOf(mm)).toEqual([]);
      expect(m.gap(mm, 1, 16, TASK_PAGES)).toBe(TASK_PAGES - 1);
    } catch (e) {
      throw new Error(`${(e as Error).message}\nseed=0x${seed.toString(16)}; rerun with UMW_SEED=0x${seed.toString(16)}`);
    }
  });

  it("builds 50,000 vmas in address order and keeps them ordered and balanced", () => {
    const mm = m.test_mm_new() >>> 0;
    const model = new Model();
    // Ascending inserts (always at the tail) are the worst case for an unbalanced tree.
    for (let i = 0; i < 50_000; i++) {
      const start = 100 + i * 3;
      model.v.push({ start, end: start + 2, gd: false, ptr: m.insert(mm, start, start + 2, false) >>> 0 });
    }
    m.validate_exact(mm);
    const next = rng(1);
    for (let q = 0; q < 200; q++) checkAgainst(model, mm, next);
    // A 1-page hole exists between every pair; the search wants the highest one below high.
    expect(m.gap(mm, 1, 16, 100 + 3 * 25_000)).toBe(100 + 3 * 25_000 - 1);
    expect(m.gap(mm, 2, 16, 100 + 3 * 25_000)).toBe(98);
    // Descending removal of every other vma.
    for (let i = model.v.length - 1; i >= 0; i -= 2) {
      m.remove(mm, model.v[i].ptr);
      model.v.splice(i, 1);
    }
    m.validate_exact(mm);
    for (let q = 0; q < 200; q++) checkAgainst(model, mm, next);
    for (const x of model.v) m.remove(mm, x.ptr);
    expect(m.map_count(mm)).toBe(0);
    m.validate_exact(mm);
  });

  it("keeps the stack guard gap below VM_GROWSDOWN vmas", () => {
    const mm = m.test_mm_new() >>> 0;
    const stack = m.insert(mm, 10_000, 10_100, true) >>> 0;
    const below = m.insert(mm, 9_000, 9_500, false) >>> 0;
    // The hole [9500, 10000) is 500 pages, but 256 of them guard the stack.
    expect(m.gap(mm, 200, 16, 10_000)).toBe(10_000 - 256 - 200);
    expect(m.gap(mm, 300, 16, 10_000)).toBe(9_000 - 300);
    expect(m.gap(mm, 9_000, 16, 10_000)).toBe(-1);
    m.remove(mm, below);
    m.remove(mm, stack);
    m.validate_exact(mm);
  });

  it("keeps searching correctly past a vm_start lowered in place, which validate_mm reports", () => {
    const mm = m.test_mm_new() >>> 0;
    const model = new Model();
    for (let i = 0; i < 200; i++) {
      const start = 1000 + i * 100;
      model.v.push({ start, end: start + 10, gd: false, ptr: m.insert(mm, start, start + 10, false) >>> 0 });
    }
    const next = rng(99);
    // Every mm path goes through vma_set_range; a write behind its back leaves stale gaps.
    for (let i = 1; i < model.v.length; i += 2) {
      const x = model.v[i];
      x.start = model.v[i - 1].end + 1 + Math.floor(next() * 80);
      m.lower_start_in_place(x.ptr, x.start);
    }
    expect(() => m.validate(mm)).toThrow(/abort/);
    // The search checks each candidate gap against the real ranges, so answers stay right.
    for (let q = 0; q < 300; q++) checkAgainst(model, mm, next);
    for (const x of model.v) m.remove(mm, x.ptr);
    m.validate_exact(mm);
  });
});
