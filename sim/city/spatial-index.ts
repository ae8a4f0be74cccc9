import KDBush from 'kdbush';
import RBush from 'rbush';
import type { NearestExpansion } from './nearest-search.ts';
import { boxDistanceSq, nearestNeighbours } from './nearest-search.ts';
import type { XY } from './projection.ts';

/*
 * Two indexes for two access patterns.
 *
 * Static points (road nodes, stores, parking spaces) never move once a city is loaded: kdbush packs
 * them into two flat typed arrays sorted as an implicit k-d tree — built once in a few milliseconds,
 * a fraction of the memory of a pointer tree, fastest to query, but immutable.
 *
 * Moving points (couriers, robots, cars) change position at every arrival and have to be updated
 * in place: rbush is a dynamic R-tree with O(log n) insert and remove, where a kdbush would have to
 * be rebuilt on every move.
 *
 * Both return ids ordered by (distance, id) so that equidistant candidates never depend on the
 * tree's internal layout or on insertion order.
 */

function sortByDistance(
  ids: number[],
  x: number,
  y: number,
  px: (id: number) => number,
  py: (id: number) => number,
) {
  const d = new Map<number, number>();
  for (const id of ids) {
    const dx = px(id) - x;
    const dy = py(id) - y;
    d.set(id, dx * dx + dy * dy);
  }
  return ids.sort((a, b) => (d.get(a) as number) - (d.get(b) as number) || a - b);
}

interface KdRange {
  readonly left: number;
  readonly right: number;
  readonly axis: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** Nearest and radius queries over a fixed set of points whose ids are their positions 0..n-1. */
export class StaticPointIndex {
  readonly size: number;
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  readonly #kd: KDBush | undefined;

  /** Indexes point i at (x[i], y[i]); coordinates are copied, later changes to the inputs are ignored. */
  constructor(x: ArrayLike<number>, y: ArrayLike<number>, nodeSize = 16) {
    if (x.length !== y.length)
      throw new Error(`StaticPointIndex: ${x.length} x values but ${y.length} y values`);
    this.size = x.length;
    this.#x = Float64Array.from(x);
    this.#y = Float64Array.from(y);
    if (this.size > 0) {
      const kd = new KDBush(this.size, nodeSize);
      for (let i = 0; i < this.size; i++) kd.add(this.#x[i], this.#y[i]);
      this.#kd = kd.finish();
    }
  }

  /** Convenience for object lists such as stores or parking spaces (id = array position). */
  static fromPoints(points: readonly XY[]): StaticPointIndex {
    return new StaticPointIndex(
      points.map((p) => p.x),
      points.map((p) => p.y),
    );
  }

  /** Closest point (ties: lowest id), or -1 when the index is empty or the filter rejects all. */
  nearest(x: number, y: number, filter?: (id: number) => boolean): number {
    const kd = this.#kd;
    if (!kd) return -1;
    // Depth-first branch and bound: the hot path (snapping every order and arrival to a node)
    // allocates nothing, unlike the general best-first k-search.
    const { ids, coords, nodeSize } = kd;
    let bestD = Number.POSITIVE_INFINITY;
    let bestId = -1;
    const consider = (i: number) => {
      const dx = coords[2 * i] - x;
      const dy = coords[2 * i + 1] - y;
      const d = dx * dx + dy * dy;
      const id = ids[i];
      if ((d < bestD || (d === bestD && id < bestId)) && (!filter || filter(id))) {
        bestD = d;
        bestId = id;
      }
    };
    const visit = (left: number, right: number, axis: number): void => {
      if (right - left <= nodeSize) {
        for (let i = left; i <= right; i++) consider(i);
        return;
      }
      const m = (left + right) >> 1;
      consider(m);
      const diff = axis === 0 ? x - coords[2 * m] : y - coords[2 * m + 1];
      const near = diff <= 0;
      visit(near ? left : m + 1, near ? m - 1 : right, 1 - axis);
      if (diff * diff <= bestD) visit(near ? m + 1 : left, near ? right : m - 1, 1 - axis);
    };
    visit(0, ids.length - 1, 0);
    return bestId;
  }

  /** Up to k closest points, ordered by (distance, id). */
  nearestK(x: number, y: number, k: number, filter?: (id: number) => boolean): number[] {
    const kd = this.#kd;
    if (!kd) return [];
    const { ids, coords, nodeSize } = kd;
    const expansion: NearestExpansion<KdRange> = {
      expand(node, pushNode, pushItem) {
        const { left, right, axis } = node;
        const push = (i: number) => {
          const dx = coords[2 * i] - x;
          const dy = coords[2 * i + 1] - y;
          pushItem(ids[i], dx * dx + dy * dy);
        };
        if (right - left <= nodeSize) {
          for (let i = left; i <= right; i++) push(i);
          return;
        }
        const m = (left + right) >> 1;
        push(m);
        const mx = coords[2 * m];
        const my = coords[2 * m + 1];
        const lower: KdRange = {
          left,
          right: m - 1,
          axis: 1 - axis,
          minX: node.minX,
          minY: node.minY,
          maxX: axis === 0 ? mx : node.maxX,
          maxY: axis === 1 ? my : node.maxY,
        };
        const upper: KdRange = {
          left: m + 1,
          right,
          axis: 1 - axis,
          minX: axis === 0 ? mx : node.minX,
          minY: axis === 1 ? my : node.minY,
          maxX: node.maxX,
          maxY: node.maxY,
        };
        for (const child of [lower, upper]) {
          if (child.left <= child.right) {
            pushNode(child, boxDistanceSq(x, y, child.minX, child.minY, child.maxX, child.maxY));
          }
        }
      },
    };
    const inf = Number.POSITIVE_INFINITY;
    const root: KdRange = {
      left: 0,
      right: ids.length - 1,
      axis: 0,
      minX: -inf,
      minY: -inf,
      maxX: inf,
      maxY: inf,
    };
    return nearestNeighbours(root, expansion, k, filter);
  }

  /** All points within r metres (inclusive), ordered by (distance, id). */
  within(x: number, y: number, r: number): number[] {
    if (!this.#kd || !(r >= 0)) return [];
    const xs = this.#x;
    const ys = this.#y;
    const r2 = r * r;
    const pad = r + Math.abs(r) * 1e-9 + 1e-9;
    const found = this.#kd.range(x - pad, y - pad, x + pad, y + pad).filter((id) => {
      const dx = xs[id] - x;
      const dy = ys[id] - y;
      return dx * dx + dy * dy <= r2;
    });
    return sortByDistance(
      found,
      x,
      y,
      (id) => xs[id],
      (id) => ys[id],
    );
  }

  /** Coordinates of point `id`. */
  position(id: number): XY {
    return { x: this.#x[id], y: this.#y[id] };
  }
}

interface MovingEntry {
  readonly id: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

interface RTreeNode {
  readonly children: (RTreeNode | MovingEntry)[];
  readonly leaf: boolean;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/**
 * Points that move (couriers, robots): `set` on every arrival or relocation, then radius and
 * nearest queries for dispatch — never a scan over all actors. Ids are non-negative integers.
 */
export class MovingPointIndex {
  readonly #tree = new RBush<MovingEntry>();
  readonly #entries = new Map<number, MovingEntry>();

  get size(): number {
    return this.#entries.size;
  }

  /** Inserts or moves a point. */
  set(id: number, x: number, y: number): void {
    if (!Number.isInteger(id) || id < 0)
      throw new Error(`MovingPointIndex id must be a non-negative integer, got ${id}`);
    if (!Number.isFinite(x) || !Number.isFinite(y))
      throw new Error(`MovingPointIndex: point ${id} at (${x}, ${y})`);
    const old = this.#entries.get(id);
    if (old) {
      if (old.minX === x && old.minY === y) return;
      this.#tree.remove(old);
    }
    const entry: MovingEntry = { id, minX: x, minY: y, maxX: x, maxY: y };
    this.#entries.set(id, entry);
    this.#tree.insert(entry);
  }

  /** Removes a point; returns whether it was present. */
  remove(id: number): boolean {
    const old = this.#entries.get(id);
    if (!old) return false;
    this.#tree.remove(old);
    this.#entries.delete(id);
    return true;
  }

  has(id: number): boolean {
    return this.#entries.has(id);
  }

  position(id: number): XY | undefined {
    const e = this.#entries.get(id);
    return e ? { x: e.minX, y: e.minY } : undefined;
  }

  clear(): void {
    this.#tree.clear();
    this.#entries.clear();
  }

  /** Ids within r metres (inclusive), ordered by (distance, id). */
  within(x: number, y: number, r: number): number[] {
    if (!(r >= 0)) return [];
    const r2 = r * r;
    const found: number[] = [];
    // Pad the box by a hair so rounding of x ± r never drops a point exactly on the circle.
    const pad = r + Math.abs(r) * 1e-9 + 1e-9;
    for (const e of this.#tree.search({ minX: x - pad, minY: y - pad, maxX: x + pad, maxY: y + pad })) {
      const dx = e.minX - x;
      const dy = e.minY - y;
      if (dx * dx + dy * dy <= r2) found.push(e.id);
    }
    const entries = this.#entries;
    return sortByDistance(
      found,
      x,
      y,
      (id) => (entries.get(id) as MovingEntry).minX,
      (id) => (entries.get(id) as MovingEntry).minY,
    );
  }

  /** The k closest ids that pass `filter`, ordered by (distance, id). */
  nearest(x: number, y: number, k = 1, filter?: (id: number) => boolean): number[] {
    const root = this.#tree.toJSON() as RTreeNode;
    const expansion: NearestExpansion<RTreeNode> = {
      expand(node, pushNode, pushItem) {
        for (const child of node.children) {
          if (node.leaf) {
            const e = child as MovingEntry;
            const dx = e.minX - x;
            const dy = e.minY - y;
            pushItem(e.id, dx * dx + dy * dy);
          } else {
            const c = child as RTreeNode;
            pushNode(c, boxDistanceSq(x, y, c.minX, c.minY, c.maxX, c.maxY));
          }
        }
      },
    };
    return nearestNeighbours(root, expansion, k, filter);
  }
}
