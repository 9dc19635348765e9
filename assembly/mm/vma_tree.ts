// mm/vma_tree.ts — each mm's vmas in an augmented red-black tree keyed by vm_start.
// Owns: the tree links of every vma (rb_parent_color, rb_left, rb_right), the root (mm.mm_rb)
// and the augmentation rb_subtree_gap. Derived from the vmas' ranges and their list links
// (vm_prev): vma.ts keeps list and tree in step, the list for O(1) steps, the tree for lookups.
// Invariants (vma_tree_validate): in-order walk == the vm_next list; red nodes have black
// children; every path from the root to a missing child passes the same number of black
// nodes; rb_subtree_gap(x) >= max(vma_gap_pages(x), rb_subtree_gap of x's children), with
// equality whenever every range change went through the tree (vma_set_range).
// The gap of a vma is the hole below it, in pages: vm_start - (vm_prev ? vm_prev.vm_end : 0).
// Follows Linux lib/rbtree.c and include/linux/rbtree_augmented.h for the tree, and the
// pre-maple mm/mmap.c (4.x, rb_subtree_gap) for the gap search, whose results match 6.18's
// maple-tree unmapped_area_topdown(): the highest fitting hole below high_limit, with the
// stack guard gap kept below a VM_GROWSDOWN vma.
// DIVERGES: a red-black tree threaded through the vmas instead of the maple tree: inserting
// and erasing never allocate, so vma_link() cannot fail, as it could not before.
// Gaps that only shrank behind the tree's back (a caller moved vm_start down or a neighbour's
// vm_end up in place) leave rb_subtree_gap an upper bound: the search checks every hole it
// proposes against the live ranges and lowers stale bounds on its way back up, so results
// stay exact and the bounds heal. Growing a gap must go through vma_set_range().

import { ENOMEM } from "../include/errno";
import { PAGE_SHIFT, PAGE_MASK, TASK_SIZE, VM_GROWSDOWN } from "../include/mman";
import { VmArea, MmStruct } from "./mm_types";
import { DEBUG_VM } from "./debug_vm";

/** Bytes kept free below a VM_GROWSDOWN vma (mm/mmap.c stack_guard_gap: 256 pages). */
export const stack_guard_gap: u64 = <u64>256 << PAGE_SHIFT;

/** vm_start_gap: the lowest address a VM_GROWSDOWN vma claims (include/linux/mm.h). */
@inline export function vm_start_gap(vma: VmArea): u64 {
  if (!(vma.vm_flags & VM_GROWSDOWN)) return vma.vm_start;
  return vma.vm_start > stack_guard_gap ? vma.vm_start - stack_guard_gap : 0;
}

const RB_BLACK: u32 = 1;
/** Deepest a red-black tree of 2^32 nodes can be (2 log2(n + 1)): bounds every walk. */
const RB_DEPTH_MAX: u32 = 64;

// Node accessors on raw pointers (0 = none): the tree code reads like lib/rbtree.c.
@inline function V(p: usize): VmArea {
  return changetype<VmArea>(p);
}
@inline function rb_parent(p: usize): usize {
  return <usize>(V(p).rb_parent_color & ~RB_BLACK);
}
@inline function rb_is_black(p: usize): bool {
  return p == 0 || (V(p).rb_parent_color & RB_BLACK) != 0;
}
@inline function rb_is_red(p: usize): bool {
  return p != 0 && (V(p).rb_parent_color & RB_BLACK) == 0;
}
@inline function rb_set_parent(p: usize, parent: usize): void {
  V(p).rb_parent_color = <u32>parent | (V(p).rb_parent_color & RB_BLACK);
}
@inline function rb_set_parent_color(p: usize, parent: usize, color: u32): void {
  V(p).rb_parent_color = <u32>parent | color;
}
@inline function rb_set_black(p: usize): void {
  V(p).rb_parent_color |= RB_BLACK;
}
@inline function rb_set_red(p: usize): void {
  V(p).rb_parent_color &= ~RB_BLACK;
}
@inline function rb_color(p: usize): u32 {
  return V(p).rb_parent_color & RB_BLACK;
}
@inline function rb_left(p: usize): usize {
  return <usize>V(p).rb_left;
}
@inline function rb_right(p: usize): usize {
  return <usize>V(p).rb_right;
}
@inline function subtree_gap(p: usize): u32 {
  return p == 0 ? 0 : V(p).rb_subtree_gap;
}

/** vma_gap_pages: the hole below vma, in pages (up to vm_prev's end, or from address 0).
 *  0 while a merge has stretched vm_prev over vma in place, just before unlinking it. */
@inline export function vma_gap_pages(vma: VmArea): u32 {
  const prev_end: u64 = vma.vm_prev == 0 ? 0 : changetype<VmArea>(<usize>vma.vm_prev).vm_end;
  return vma.vm_start > prev_end ? <u32>((vma.vm_start - prev_end) >> PAGE_SHIFT) : 0;
}

/** The augmentation of p from its own gap and its children's (rbtree_augmented's compute). */
@inline function vma_compute_subtree_gap(p: usize): u32 {
  let gap = vma_gap_pages(V(p));
  const l = subtree_gap(rb_left(p));
  const r = subtree_gap(rb_right(p));
  if (l > gap) gap = l;
  if (r > gap) gap = r;
  return gap;
}

/** Recompute the augmentation from p towards the root, stopping at stop or at the first node
 *  whose value does not change: its ancestors saw that same value (rbtree_augmented.h's
 *  propagate). Callers make one change at a time and propagate it before the next one, so
 *  only the climbing path can be out of date. */
function vma_gap_propagate_until(p: usize, stop: usize): void {
  for (let depth: u32 = 0; p != stop; depth++) {
    if (DEBUG_VM) assert(depth <= RB_DEPTH_MAX, "vma tree deeper than a red-black tree can be");
    const gap = vma_compute_subtree_gap(p);
    if (V(p).rb_subtree_gap == gap) break;
    V(p).rb_subtree_gap = gap;
    p = rb_parent(p);
  }
}

/** vma_gap_propagate: vma's gap (its vm_start or vm_prev's vm_end) changed; bring the tree's
 *  bounds up to date. p may be 0 (no vma). O(log n), usually O(1). */
export function vma_gap_propagate(p: usize): void {
  vma_gap_propagate_until(p, 0);
}

/** Make child take old's place under parent (or at the root). */
@inline function rb_change_child(mm: MmStruct, old: usize, child: usize, parent: usize): void {
  if (parent == 0) mm.mm_rb = <u32>child;
  else if (rb_left(parent) == old) V(parent).rb_left = <u32>child;
  else V(parent).rb_right = <u32>child;
}

/** Rotate x down to the left; its right child y takes its place, colours kept by the caller.
 *  The subtree keeps its set of nodes, so y inherits x's augmentation and x is recomputed. */
function rb_rotate_left(mm: MmStruct, x: usize): void {
  const y = rb_right(x);
  const parent = rb_parent(x);
  const yl = rb_left(y);
  V(x).rb_right = <u32>yl;
  if (yl != 0) rb_set_parent(yl, x);
  rb_set_parent(y, parent);
  rb_change_child(mm, x, y, parent);
  V(y).rb_left = <u32>x;
  rb_set_parent(x, y);
  V(y).rb_subtree_gap = V(x).rb_subtree_gap;
  V(x).rb_subtree_gap = vma_compute_subtree_gap(x);
}

/** Mirror of rb_rotate_left. */
function rb_rotate_right(mm: MmStruct, x: usize): void {
  const y = rb_left(x);
  const parent = rb_parent(x);
  const yr = rb_right(y);
  V(x).rb_left = <u32>yr;
  if (yr != 0) rb_set_parent(yr, x);
  rb_set_parent(y, parent);
  rb_change_child(mm, x, y, parent);
  V(y).rb_right = <u32>x;
  rb_set_parent(x, y);
  V(y).rb_subtree_gap = V(x).rb_subtree_gap;
  V(x).rb_subtree_gap = vma_compute_subtree_gap(x);
}

/** Restore the red-black rules after linking the red node z (lib/rbtree.c __rb_insert). */
function rb_insert_fixup(mm: MmStruct, z: usize): void {
  for (let i: u32 = 0; i < RB_DEPTH_MAX; i++) {
    let p = rb_parent(z);
    if (p == 0 || rb_is_black(p)) break;
    const g = rb_parent(p); // p is red, so it is not the root
    if (p == rb_left(g)) {
      const u = rb_right(g);
      if (rb_is_red(u)) {
        rb_set_black(p);
        rb_set_black(u);
        rb_set_red(g);
        z = g;
        continue;
      }
      if (z == rb_right(p)) {
        rb_rotate_left(mm, p);
        z = p;
        p = rb_parent(z);
      }
      rb_set_black(p);
      rb_set_red(g);
      rb_rotate_right(mm, g);
    } else {
      const u = rb_left(g);
      if (rb_is_red(u)) {
        rb_set_black(p);
        rb_set_black(u);
        rb_set_red(g);
        z = g;
        continue;
      }
      if (z == rb_left(p)) {
        rb_rotate_right(mm, p);
        z = p;
        p = rb_parent(z);
      }
      rb_set_black(p);
      rb_set_red(g);
      rb_rotate_left(mm, g);
    }
    break;
  }
  rb_set_black(<usize>mm.mm_rb);
}

/** vma_tree_insert: put vma into mm's tree right after prev (null: before every vma), and
 *  bring the bounds up to date for both changes: vma's hole is new, its successor's shrank.
 *  Preconditions: vma is already on the list between prev and prev's old successor, so its
 *  vm_prev/vm_next are final; the ranges are ordered. O(log n), never allocates.
 *  Matches: the vma_iter_store() half of mm/vma.c vma_link(). */
export function vma_tree_insert(mm: MmStruct, vma: VmArea, prev: VmArea | null): void {
  const z = changetype<usize>(vma);
  if (DEBUG_VM) assert((z & 1) == 0, "vma pointer has the colour bit set");
  V(z).rb_left = 0;
  V(z).rb_right = 0;
  V(z).rb_subtree_gap = vma_gap_pages(vma);
  // In-order successor position: prev's empty right slot, else the empty left slot of
  // prev's successor (the leftmost node of prev's right subtree, which is vm_next).
  let parent: usize = 0;
  if (prev == null) {
    const next = <usize>vma.vm_next;
    if (next != 0) {
      parent = next;
      if (DEBUG_VM) assert(rb_left(next) == 0, "the first vma has a left child");
      V(next).rb_left = <u32>z;
    }
  } else {
    const p = changetype<usize>(prev);
    if (rb_right(p) == 0) {
      parent = p;
      V(p).rb_right = <u32>z;
    } else {
      parent = <usize>vma.vm_next;
      if (DEBUG_VM) assert(parent != 0 && rb_left(parent) == 0, "prev's successor has a left child");
      V(parent).rb_left = <u32>z;
    }
  }
  rb_set_parent_color(z, parent, 0);
  if (parent == 0) mm.mm_rb = <u32>z;
  // Two pending changes, two early-stopping climbs; both before any rotation, because a
  // rotation would recompute a pending node in place and hide its change from its climb.
  // When vma takes the lowest hole (top-down mmap), the first climb carries the new maximum
  // to the root and the second stops at once.
  vma_gap_propagate(parent);
  vma_gap_propagate(<usize>vma.vm_next);
  rb_insert_fixup(mm, z);
}

/** Restore the red-black rules after a black node left from under parent (x may be 0).
 *  lib/rbtree.c ____rb_erase_color in CLRS form. */
function rb_erase_fixup(mm: MmStruct, x: usize, parent: usize): void {
  for (let i: u32 = 0; i < RB_DEPTH_MAX * 2; i++) {
    if (x == <usize>mm.mm_rb || rb_is_red(x)) break;
    if (x == rb_left(parent)) {
      let w = rb_right(parent);
      if (rb_is_red(w)) {
        rb_set_black(w);
        rb_set_red(parent);
        rb_rotate_left(mm, parent);
        w = rb_right(parent);
      }
      if (rb_is_black(rb_left(w)) && rb_is_black(rb_right(w))) {
        rb_set_red(w);
        x = parent;
        parent = rb_parent(x);
        continue;
      }
      if (rb_is_black(rb_right(w))) {
        rb_set_black(rb_left(w));
        rb_set_red(w);
        rb_rotate_right(mm, w);
        w = rb_right(parent);
      }
      rb_set_parent_color(w, rb_parent(w), rb_color(parent));
      rb_set_black(parent);
      rb_set_black(rb_right(w));
      rb_rotate_left(mm, parent);
    } else {
      let w = rb_left(parent);
      if (rb_is_red(w)) {
        rb_set_black(w);
        rb_set_red(parent);
        rb_rotate_right(mm, parent);
        w = rb_left(parent);
      }
      if (rb_is_black(rb_left(w)) && rb_is_black(rb_right(w))) {
        rb_set_red(w);
        x = parent;
        parent = rb_parent(x);
        continue;
      }
      if (rb_is_black(rb_left(w))) {
        rb_set_black(rb_right(w));
        rb_set_red(w);
        rb_rotate_left(mm, w);
        w = rb_left(parent);
      }
      rb_set_parent_color(w, rb_parent(w), rb_color(parent));
      rb_set_black(parent);
      rb_set_black(rb_left(w));
      rb_rotate_right(mm, parent);
    }
    x = <usize>mm.mm_rb;
    break;
  }
  if (x != 0) rb_set_black(x);
}

/** vma_tree_erase: take vma out of mm's tree. O(log n).
 *  Preconditions: vma is in the tree with exact-or-high bounds; its vm_prev still names its
 *  old predecessor (its own gap is not recomputed here). The caller has already taken it off
 *  the list and propagated its successor's grown gap. Matches: vma_iter_clear(). */
export function vma_tree_erase(mm: MmStruct, vma: VmArea): void {
  const z = changetype<usize>(vma);
  const zl = rb_left(z);
  const zr = rb_right(z);
  let x: usize;
  let xparent: usize;
  let removed_color: u32;
  let xparent_done: usize; // where the augmentation climb starts once the links are final
  if (zl == 0 || zr == 0) {
    // At most one child: it takes z's place.
    x = zl != 0 ? zl : zr;
    xparent = rb_parent(z);
    removed_color = rb_color(z);
    if (x != 0) rb_set_parent(x, xparent);
    rb_change_child(mm, z, x, xparent);
    xparent_done = xparent;
  } else {
    // Two children: z's successor y (leftmost of the right subtree) takes z's place and colour.
    let y = zr;
    for (let i: u32 = 0; rb_left(y) != 0; i++) {
      if (DEBUG_VM) assert(i < RB_DEPTH_MAX, "vma tree deeper than a red-black tree can be");
      y = rb_left(y);
    }
    x = rb_right(y);
    removed_color = rb_color(y);
    if (rb_parent(y) == z) {
      xparent = y;
    } else {
      xparent = rb_parent(y);
      V(xparent).rb_left = <u32>x;
      if (x != 0) rb_set_parent(x, xparent);
      V(y).rb_right = <u32>zr;
      rb_set_parent(zr, y);
    }
    V(y).rb_left = <u32>zl;
    rb_set_parent(zl, y);
    const zp = rb_parent(z);
    rb_set_parent_color(y, zp, rb_color(z));
    rb_change_child(mm, z, y, zp);
    // y's new subtree is z's without z: z's bound still covers it. The nodes between y's old
    // place and y lost y; then y itself may drop the gap z contributed.
    V(y).rb_subtree_gap = V(z).rb_subtree_gap;
    vma_gap_propagate_until(xparent, y);
    xparent_done = y;
  }
  V(z).rb_parent_color = 0;
  V(z).rb_left = 0;
  V(z).rb_right = 0;
  V(z).rb_subtree_gap = 0;
  // Everything else whose subtree lost z lies on the path up from here.
  vma_gap_propagate(xparent_done);
  if (removed_color == RB_BLACK) rb_erase_fixup(mm, x, xparent);
}

/** vma_tree_find: the first vma with vm_end > addr, or null. O(log n), no allocation. */
export function vma_tree_find(mm: MmStruct, addr: u64): VmArea | null {
  let p = <usize>mm.mm_rb;
  let found: usize = 0;
  for (let i: u32 = 0; p != 0; i++) {
    if (DEBUG_VM) assert(i < RB_DEPTH_MAX, "vma tree deeper than a red-black tree can be");
    const v = V(p);
    if (v.vm_end > addr) {
      found = p;
      if (v.vm_start <= addr) break;
      p = <usize>v.rb_left;
    } else {
      p = <usize>v.rb_right;
    }
  }
  return found == 0 ? null : V(found);
}

/** vma_tree_find_prev: the last vma with vm_start < addr, or null. O(log n). */
export function vma_tree_find_prev(mm: MmStruct, addr: u64): VmArea | null {
  let p = <usize>mm.mm_rb;
  let found: usize = 0;
  for (let i: u32 = 0; p != 0; i++) {
    if (DEBUG_VM) assert(i < RB_DEPTH_MAX, "vma tree deeper than a red-black tree can be");
    const v = V(p);
    if (v.vm_start < addr) {
      found = p;
      p = <usize>v.rb_right;
    } else {
      p = <usize>v.rb_left;
    }
  }
  return found == 0 ? null : V(found);
}

/** vma_tree_last: the highest vma by the tree, or null. O(log n) (mm.mmap_last is O(1)). */
export function vma_tree_last(mm: MmStruct): VmArea | null {
  let p = <usize>mm.mm_rb;
  if (p == 0) return null;
  for (let i: u32 = 0; rb_right(p) != 0; i++) {
    if (DEBUG_VM) assert(i < RB_DEPTH_MAX, "vma tree deeper than a red-black tree can be");
    p = rb_right(p);
  }
  return V(p);
}

/** Where a len-byte mapping fits at the top of the hole [gap_start, gap_end) inside
 *  [low, high), or 0 when it does not (0 is below mmap_min_addr, never a valid answer). */
@inline function gap_fit_topdown(gap_start: u64, gap_end: u64, len: u64, low: u64, high: u64): u64 {
  const end = gap_end < high ? gap_end : high;
  const start = gap_start > low ? gap_start : low;
  if (end <= start || end - start < len) return 0;
  return (end - len) & PAGE_MASK;
}

/** The hole below vma at p, clipped and guarded, as gap_fit_topdown() sees it. */
@inline function vma_fit_topdown(p: usize, len: u64, low: u64, high: u64): u64 {
  const v = V(p);
  const prev_end: u64 = v.vm_prev == 0 ? 0 : V(<usize>v.vm_prev).vm_end;
  return gap_fit_topdown(prev_end, vm_start_gap(v), len, low, high);
}

/** unmapped_area_topdown: the highest address a of a len-byte hole with low <= a and
 *  a + len <= high, keeping stack_guard_gap below VM_GROWSDOWN vmas.
 *  Preconditions: len, low and high are page aligned; 0 < len; low > 0.
 *  Returns: the address, or -ENOMEM (as an unsigned value). O(log n) when the gap bounds are
 *  exact; stale bounds cost one extra descent each and are lowered on the way back up.
 *  Matches: mm/vma.c unmapped_area_topdown() (align_mask 0, no align_offset). */
export function unmapped_area_topdown(mm: MmStruct, len: u64, low: u64, high: u64): u64 {
  if (DEBUG_VM) assert(len != 0 && (len & ~PAGE_MASK) == 0, "length not page aligned");
  if (DEBUG_VM) assert(low != 0 && (low & ~PAGE_MASK) == 0 && (high & ~PAGE_MASK) == 0, "bad limits");
  const ENOMEM_ADDR: u64 = <u64>-ENOMEM;
  if (high > TASK_SIZE) high = TASK_SIZE;
  if (len > high || high - len < low) return ENOMEM_ADDR;
  // The hole above the last vma is the highest of all; the tree holds only holes below vmas.
  const last = <usize>mm.mmap_last;
  if (DEBUG_VM) assert(last == changetype<usize>(vma_tree_last(mm)), "mmap_last is not the tree's last");
  const top = gap_fit_topdown(last == 0 ? 0 : V(last).vm_end, TASK_SIZE, len, low, high);
  if (top != 0) return top;
  const len_pages = <u32>(len >> PAGE_SHIFT);
  let x = <usize>mm.mm_rb;
  if (x == 0 || subtree_gap(x) < len_pages) return ENOMEM_ADDR;
  // Reverse in-order walk that enters a subtree only if its bound admits len and its
  // addresses can meet [low, high). Every loop step moves one edge; each edge is crossed at
  // most twice, and with exact bounds only O(log n) edges qualify.
  let descend = true;
  for (let steps: u32 = 0; ; steps++) {
    if (DEBUG_VM) assert(steps <= mm.map_count * 4 + 8, "gap search walked more edges than the tree has");
    if (descend) {
      // Right subtrees hold holes above x.vm_end: useless once that is at or above high.
      const r = rb_right(x);
      if (r != 0 && subtree_gap(r) >= len_pages && V(x).vm_end < high) {
        x = r;
        continue;
      }
    }
    const fit = vma_fit_topdown(x, len, low, high);
    if (fit != 0) {
      // The caller maps [fit, fit + len) next: x is find_vma()'s answer for it.
      mm.mmap_cache = <u32>x;
      return fit;
    }
    // Left subtrees hold holes that end at or below vm_prev's start.
    const l = rb_left(x);
    if (l != 0 && subtree_gap(l) >= len_pages && V(<usize>V(x).vm_prev).vm_start > low) {
      x = l;
      descend = true;
      continue;
    }
    // x's subtree is exhausted: lower its bound to what it really holds, and climb until we
    // arrive from a right child (that parent and its left subtree are still to be tried).
    let from = x;
    for (let i: u32 = 0; ; i++) {
      if (DEBUG_VM) assert(i <= RB_DEPTH_MAX, "vma tree deeper than a red-black tree can be");
      V(from).rb_subtree_gap = vma_compute_subtree_gap(from);
      const p = rb_parent(from);
      if (p == 0) return ENOMEM_ADDR;
      if (rb_right(p) == from) {
        x = p;
        break;
      }
      from = p;
    }
    descend = false;
  }
  return ENOMEM_ADDR;
}

/** vma_tree_validate: DEBUG_VM check of the whole tree against the list. exact_gaps also
 *  requires every rb_subtree_gap to equal its recomputation (no in-place gap changes).
 *  O(n log n) for the black-height check; bounded by map_count. */
export function vma_tree_validate(mm: MmStruct, exact_gaps: bool): void {
  if (!DEBUG_VM) return;
  const root = <usize>mm.mm_rb;
  if (root == 0) {
    assert(mm.mmap == 0, "empty tree but the list has vmas");
    return;
  }
  assert(rb_parent(root) == 0, "the root has a parent");
  assert(rb_is_black(root), "the root is red");
  // Leftmost node: it must be the list head.
  let p = root;
  for (let i: u32 = 0; rb_left(p) != 0; i++) {
    assert(i < RB_DEPTH_MAX, "vma tree too deep");
    p = rb_left(p);
  }
  assert(p == <usize>mm.mmap, "the leftmost node is not the first vma");
  let black_height: i32 = -1;
  let count: u32 = 0;
  for (let q = <usize>mm.mmap; q != 0; q = <usize>V(q).vm_next) {
    count++;
    assert(count <= mm.map_count, "walk passed map_count: list loop or stale count");
    assert(q == p, "tree order disagrees with the list order");
    const l = rb_left(q);
    const r = rb_right(q);
    if (l != 0) assert(rb_parent(l) == q, "left child's parent link broken");
    if (r != 0) assert(rb_parent(r) == q, "right child's parent link broken");
    if (l != 0) assert(V(l).vm_start < V(q).vm_start, "left child not below its parent");
    if (r != 0) assert(V(r).vm_start > V(q).vm_start, "right child not above its parent");
    if (rb_is_red(q)) assert(rb_is_black(l) && rb_is_black(r), "red node with a red child");
    const want = vma_compute_subtree_gap(q);
    if (exact_gaps) assert(V(q).rb_subtree_gap == want, "rb_subtree_gap is stale");
    else assert(V(q).rb_subtree_gap >= want, "rb_subtree_gap below the gaps it covers");
    if (l == 0 || r == 0) {
      // Count the black nodes from here to the root: every such path must agree.
      let bh: i32 = 0;
      let depth: u32 = 0;
      for (let a = q; a != 0; a = rb_parent(a)) {
        if (rb_is_black(a)) bh++;
        depth++;
        assert(depth <= RB_DEPTH_MAX, "vma tree too deep");
      }
      if (black_height < 0) black_height = bh;
      assert(bh == black_height, "black height differs between paths");
    }
    p = rb_next(q);
  }
  assert(p == 0, "the tree has nodes past the end of the list");
  assert(count == mm.map_count, "map_count disagrees with the tree");
}

/** In-order successor through the tree links (validation only: vm_next is the fast way). */
function rb_next(p: usize): usize {
  let r = rb_right(p);
  if (r != 0) {
    while (rb_left(r) != 0) r = rb_left(r);
    return r;
  }
  let parent = rb_parent(p);
  while (parent != 0 && rb_right(parent) == p) {
    p = parent;
    parent = rb_parent(p);
  }
  return parent;
}
