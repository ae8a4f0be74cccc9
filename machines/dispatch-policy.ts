/**
 * Dispatch policies as data: how the dispatch server chooses which courier gets an order. The
 * scenario names one (`dispatch.policy`), the world executes it over its spatial index, and the
 * planner compares them. Everything here is pure: plain data in, decisions out.
 *
 * - `push-pull` — the errand platform: an order is pushed to the idle professional couriers within
 *   the push radius (first valid accept wins) and ordinary couriers pull the orders near them.
 * - `nearest` — the order goes to the nearest idle courier that serves its category; a courier who
 *   frees up takes the nearest waiting order. Nobody pulls.
 * - `batched` — orders and idle couriers are matched every `intervalMs` by a minimum-total-distance
 *   assignment (the Hungarian method), so a batch never gives a near courier to a far order when a
 *   swap would shorten the sum. Nobody pulls.
 * - `fcfs` — first come, first served: the oldest waiting order goes to the courier idle longest.
 *   The queueing check uses it, because Erlang-C assumes exactly this discipline.
 */
import type { Point } from './protocol.ts';

export type DispatchPolicy =
  | { readonly kind: 'push-pull'; readonly pushLimit: number }
  | { readonly kind: 'nearest' }
  | { readonly kind: 'batched'; readonly intervalMs: number; readonly candidatesPerOrder: number }
  | { readonly kind: 'fcfs' };

export type DispatchPolicyKind = DispatchPolicy['kind'];

/** The policies a scenario may name (fcfs is the queueing check's, not a planner's choice). */
export const SCENARIO_POLICIES = ['nearest', 'batched', 'push-pull'] as const;

/** How many idle professionals one push reaches, nearest first (the platform's historic limit). */
export const PUSH_LIMIT = 20;

/** Builds a policy from the scenario's words; `batchSeconds` matters only for `batched`. */
export function dispatchPolicy(kind: DispatchPolicyKind, batchSeconds = 30): DispatchPolicy {
  switch (kind) {
    case 'push-pull':
      return { kind, pushLimit: PUSH_LIMIT };
    case 'batched':
      return { kind, intervalMs: Math.round(batchSeconds * 1000), candidatesPerOrder: 8 };
    default:
      return { kind };
  }
}

/** Only the errand platform lets ordinary couriers pick their own orders; the others assign. */
export function ordinaryCouriersPull(policy: DispatchPolicy | undefined): boolean {
  return policy === undefined || policy.kind === 'push-pull';
}

/** Which couriers a policy considers: the platform pushes to professionals only, the others to all. */
export function considersCourier(policy: DispatchPolicy, courierType: 'ordinary' | 'professional'): boolean {
  return policy.kind !== 'push-pull' || courierType === 'professional';
}

export interface WaitingOrder {
  readonly id: string;
  readonly point: Point;
  readonly category: string;
}

export interface IdleCourier {
  readonly id: string;
  readonly point: Point;
  readonly categories: readonly string[];
}

export interface Match {
  readonly orderId: string;
  readonly courierId: string;
}

/** A courier may be offered an order only in a category it serves (it would refuse the rest). */
export function serves(courier: { readonly categories: readonly string[] }, category: string): boolean {
  return courier.categories.includes(category);
}

/**
 * First come, first served: orders in arrival order, each to the first idle courier (in the order
 * they became idle) that serves it. Why greedy is right here: FCFS is a discipline, not an
 * optimisation — it is what M/M/c and Erlang-C describe.
 */
export function fcfsMatches(orders: readonly WaitingOrder[], couriers: readonly IdleCourier[]): Match[] {
  const taken = new Set<number>();
  const out: Match[] = [];
  for (const order of orders) {
    const i = couriers.findIndex((c, k) => !taken.has(k) && serves(c, order.category));
    if (i < 0) continue;
    taken.add(i);
    out.push({ orderId: order.id, courierId: couriers[i].id });
  }
  return out;
}

/**
 * The optimal matching of one batch: as many orders as possible get a courier who serves them, and
 * among those matchings the total straight-line distance courier → pickup is the smallest.
 */
export function batchMatches(orders: readonly WaitingOrder[], couriers: readonly IdleCourier[]): Match[] {
  if (orders.length === 0 || couriers.length === 0) return [];
  const cost = orders.map((o) =>
    couriers.map((c) =>
      serves(c, o.category)
        ? Math.hypot(c.point.x - o.point.x, c.point.y - o.point.y)
        : Number.POSITIVE_INFINITY,
    ),
  );
  const assigned = minCostAssignment(cost);
  const out: Match[] = [];
  assigned.forEach((col, row) => {
    if (col >= 0) out.push({ orderId: orders[row].id, courierId: couriers[col].id });
  });
  return out;
}

/**
 * Minimum-cost assignment of rows to columns (rectangular allowed): returns, per row, its column or
 * -1. Infinite entries are forbidden pairs; the result first maximises the number of allowed pairs,
 * then minimises their total cost.
 *
 * Hand-written (the Hungarian method with potentials and shortest augmenting paths, O(n²·m)) because
 * the project's dependency set has no assignment solver; it is checked against brute force in tests.
 */
export function minCostAssignment(cost: readonly (readonly number[])[]): number[] {
  const rows = cost.length;
  const cols = rows === 0 ? 0 : cost[0].length;
  if (rows === 0) return [];
  if (cols === 0) return new Array(rows).fill(-1);
  if (rows > cols) {
    const transposed = Array.from({ length: cols }, (_, j) => cost.map((row) => row[j]));
    const byCol = minCostAssignment(transposed);
    const out = new Array<number>(rows).fill(-1);
    byCol.forEach((row, col) => {
      if (row >= 0) out[row] = col;
    });
    return out;
  }
  let finiteSum = 0;
  for (const row of cost) for (const v of row) if (Number.isFinite(v)) finiteSum += Math.abs(v);
  // Larger than any sum of allowed costs, so one forbidden pair more always costs more.
  const forbidden = (finiteSum + 1) * (rows + 1);
  const a = (i: number, j: number) => {
    const v = cost[i][j];
    return Number.isFinite(v) ? v : forbidden;
  };
  // 1-based arrays, column 0 is the virtual start of each augmenting path.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const p = new Int32Array(cols + 1);
  const way = new Int32Array(cols + 1);
  const minv = new Float64Array(cols + 1);
  const used = new Uint8Array(cols + 1);
  for (let i = 1; i <= rows; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Number.POSITIVE_INFINITY);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const cur = a(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= cols; j++) {
    const i = p[j];
    if (i > 0 && Number.isFinite(cost[i - 1][j - 1])) out[i - 1] = j - 1;
  }
  return out;
}
