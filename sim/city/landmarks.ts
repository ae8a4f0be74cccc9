/**
 * Landmark lower bounds for A* (ALT: A*, landmarks, triangle inequality).
 *
 * Why: the Euclidean bound divides by the fastest edge speed of the whole graph, so on a city with a
 * few fast roads it is far below the real travel time and A* settles most of the graph. With the
 * travel times from and to a handful of landmarks spread over the graph, the triangle inequality
 * gives d(v, t) ≥ d(L, t) − d(L, v) and d(v, t) ≥ d(v, L) − d(t, L), a bound that is usually within
 * a few per cent of the truth. It is admissible and consistent, so A* still returns a shortest path;
 * the tables are built once per graph and profile, deterministically (farthest-point selection).
 */

/** Travel times from and to each landmark, node-major: `[node * count + landmark]`. */
export interface LandmarkTable {
  readonly count: number;
  /** Seconds from landmark k to node v (Infinity when unreachable). */
  readonly from: Float64Array;
  /** Seconds from node v to landmark k (Infinity when unreachable). */
  readonly to: Float64Array;
}

/** How many landmarks a table keeps, and how many a query uses (the best ones at its origin). */
export const LANDMARKS = 8;
export const ACTIVE_LANDMARKS = 4;
/**
 * Rounding in the summed travel times may make a difference of two tables exceed the truth by a
 * few ulps; the bound gives up this many seconds to stay admissible.
 */
const ROUNDING_SLACK_S = 1e-6;

/**
 * Picks landmarks by farthest-point selection (each new one is the reachable node farthest from
 * those chosen, starting from the node farthest from node 0) and tabulates times to and from them.
 * `times(root, direction)` is a full one-to-all (or all-to-one) search in seconds.
 */
export function buildLandmarks(
  nodeCount: number,
  times: (root: number, direction: 'from' | 'to') => Float64Array,
  count = LANDMARKS,
): LandmarkTable {
  const k = Math.max(0, Math.min(count, nodeCount));
  const from = new Float64Array(nodeCount * k);
  const to = new Float64Array(nodeCount * k);
  if (k === 0) return { count: 0, from, to };
  // distance of each node to the nearest chosen landmark (by forward time)
  const nearest = new Float64Array(nodeCount).fill(Number.POSITIVE_INFINITY);
  let next = farthest(times(0, 'from'));
  for (let l = 0; l < k; l++) {
    const f = times(next, 'from');
    const t = times(next, 'to');
    for (let v = 0; v < nodeCount; v++) {
      from[v * k + l] = f[v];
      to[v * k + l] = t[v];
      if (f[v] < nearest[v]) nearest[v] = f[v];
    }
    next = farthest(nearest);
  }
  return { count: k, from, to };
}

/** The node with the largest finite value (lowest index on ties; 0 when none). */
function farthest(values: Float64Array): number {
  let best = 0;
  let bestValue = -1;
  for (let v = 0; v < values.length; v++) {
    const d = values[v];
    if (d < Number.POSITIVE_INFINITY && d > bestValue) {
      bestValue = d;
      best = v;
    }
  }
  return best;
}

/**
 * The landmarks that bound `source → target` best, strongest first: a query uses only these, so
 * each relaxed edge reads a few table entries instead of all of them.
 */
export function activeLandmarks(
  table: LandmarkTable,
  source: number,
  target: number,
  limit = ACTIVE_LANDMARKS,
): number[] {
  const scored: { l: number; bound: number }[] = [];
  for (let l = 0; l < table.count; l++) scored.push({ l, bound: boundVia(table, l, source, target) });
  scored.sort((a, b) => b.bound - a.bound || a.l - b.l);
  return scored.slice(0, limit).map((s) => s.l);
}

function boundVia(table: LandmarkTable, l: number, v: number, target: number): number {
  const k = table.count;
  const a = table.from[target * k + l] - table.from[v * k + l];
  const b = table.to[v * k + l] - table.to[target * k + l];
  // NaN (both unreachable from or to the landmark) bounds nothing
  let h = 0;
  if (a > h) h = a;
  if (b > h) h = b;
  return h;
}

/**
 * The bound towards one target through a query's active landmarks, with the target's table entries
 * read once: `bound(v)` is a lower bound on the seconds from `v` to the target (0 when none bounds).
 */
export function landmarkBound(
  table: LandmarkTable,
  active: readonly number[],
  target: number,
): (v: number) => number {
  const k = table.count;
  const { from, to } = table;
  const n = active.length;
  const slot = Int32Array.from(active);
  const fromTarget = Float64Array.from(active, (l) => from[target * k + l]);
  const toTarget = Float64Array.from(active, (l) => to[target * k + l]);
  return (v: number): number => {
    let h = 0;
    const base = v * k;
    for (let i = 0; i < n; i++) {
      const a = fromTarget[i] - from[base + slot[i]];
      if (a > h) h = a;
      const b = to[base + slot[i]] - toTarget[i];
      if (b > h) h = b;
    }
    return h > ROUNDING_SLACK_S ? h - ROUNDING_SLACK_S : 0;
  };
}
