/**
 * Bundles: orders of one restaurant picked up together and dropped off in a chosen sequence. Pure
 * functions over plain data, used by the rolling policy to form bundles each decision and to grow
 * a bundle when its courier reaches the restaurant.
 */
import type { MealOrder, MealTiming, Point } from './meal-protocol.ts';
import { deliveryTimes } from './meal-route.ts';

export interface Bundle {
  readonly restaurantId: string;
  readonly restaurant: Point;
  /** In drop-off sequence. */
  readonly orders: readonly MealOrder[];
  /** The latest ready time of its orders: nothing is picked up before. */
  readonly readyAt: number;
}

export function bundleOf(restaurantId: string, restaurant: Point, orders: readonly MealOrder[]): Bundle {
  let readyAt = Number.NEGATIVE_INFINITY;
  for (const o of orders) readyAt = Math.max(readyAt, o.readyAt);
  return { restaurantId, restaurant, orders, readyAt };
}

/** Milliseconds from leaving the restaurant to each drop-off of `orders`, in that sequence. */
export function dropOffsets(timing: MealTiming, restaurant: Point, orders: readonly MealOrder[]): number[] {
  return deliveryTimes(
    timing,
    restaurant,
    0,
    orders.map((o) => o.point),
  ).dropoffs;
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  const out: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([item, ...rest]);
  });
  return out;
}

/**
 * The drop-off sequence with the smallest sum of drop-off offsets (every customer's wait counts),
 * ties to the shorter route. Exhaustive up to 5 orders, nearest-first beyond.
 */
export function bestSequence(
  timing: MealTiming,
  restaurant: Point,
  orders: readonly MealOrder[],
): MealOrder[] {
  if (orders.length <= 1) return orders.slice();
  let candidates: MealOrder[][];
  if (orders.length <= 5) candidates = permutations(orders);
  else {
    const rest = orders.slice();
    const seq: MealOrder[] = [];
    let at = restaurant;
    while (rest.length > 0) {
      let k = 0;
      for (let i = 1; i < rest.length; i++) if (dist2(at, rest[i].point) < dist2(at, rest[k].point)) k = i;
      seq.push(rest[k]);
      at = rest[k].point;
      rest.splice(k, 1);
    }
    candidates = [seq];
  }
  let best = candidates[0];
  let bestSum = Number.POSITIVE_INFINITY;
  let bestLast = Number.POSITIVE_INFINITY;
  for (const seq of candidates) {
    const offsets = dropOffsets(timing, restaurant, seq);
    let sum = 0;
    for (const d of offsets) sum += d;
    const last = offsets[offsets.length - 1];
    if (sum < bestSum || (sum === bestSum && last < bestLast)) {
      best = seq;
      bestSum = sum;
      bestLast = last;
    }
  }
  return best;
}

function dist2(a: Point, b: Point): number {
  return (a.x - b.x) ** 2 + (a.y - b.y) ** 2;
}

export interface BundleRules {
  /** Largest bundle. */
  readonly size: number;
  /** Orders of one bundle are ready within this of each other (ms). */
  readonly maxReadySpreadMs: number;
  /** Joining may delay no order's drop-off by more than this (ms), against it going alone. */
  readonly maxDetourMs: number;
}

/**
 * Groups each restaurant's orders into bundles of at most `rules.size`. Orders are taken earliest
 * ready first (ready times before `now` count as `now`); each joins the open bundle of its restaurant where it adds the least total delay,
 * provided the bundle stays within the ready spread and no order in it ends up more than the
 * detour limit later than if it travelled alone (ready at the bundle's ready time). Otherwise it
 * starts a bundle. With size 1 every order is its own bundle.
 */
export function formBundles(
  timing: MealTiming,
  restaurants: Readonly<Record<string, Point>>,
  orders: readonly MealOrder[],
  now: number,
  rules: BundleRules,
): Bundle[] {
  const byRestaurant = new Map<string, Bundle[]>();
  const out: Bundle[] = [];
  for (const order of orders) {
    const restaurant = restaurants[order.restaurantId];
    if (rules.size <= 1) {
      out.push(bundleOf(order.restaurantId, restaurant, [order]));
      continue;
    }
    const open = byRestaurant.get(order.restaurantId) ?? [];
    let bestIndex = -1;
    let bestBundle: Bundle | undefined;
    let bestAdded = Number.POSITIVE_INFINITY;
    open.forEach((b, i) => {
      if (b.orders.length >= rules.size) return;
      // an order ready in the past is ready now: only the wait still ahead counts
      const earliest = Math.max(now, Math.min(...b.orders.map((o) => o.readyAt), order.readyAt));
      const latest = Math.max(now, b.readyAt, order.readyAt);
      if (latest - earliest > rules.maxReadySpreadMs) return;
      const merged = bundleOf(
        b.restaurantId,
        restaurant,
        bestSequence(timing, restaurant, [...b.orders, order]),
      );
      const added = joinDelay(timing, merged, now, rules.maxDetourMs);
      if (added < bestAdded) {
        bestAdded = added;
        bestIndex = i;
        bestBundle = merged;
      }
    });
    if (bestBundle && bestIndex >= 0) open[bestIndex] = bestBundle;
    else open.push(bundleOf(order.restaurantId, restaurant, [order]));
    byRestaurant.set(order.restaurantId, open);
  }
  for (const list of byRestaurant.values()) out.push(...list);
  return out;
}

/**
 * Total extra delay of a bundle's orders against each going alone from the same restaurant at the
 * same ready time (and each order's own wait for the bundle's latest ready time); Infinity when any
 * single order is delayed beyond `maxDetourMs`.
 */
function joinDelay(timing: MealTiming, bundle: Bundle, now: number, maxDetourMs: number): number {
  const offsets = dropOffsets(timing, bundle.restaurant, bundle.orders);
  let total = 0;
  for (let i = 0; i < bundle.orders.length; i++) {
    const o = bundle.orders[i];
    const alone = dropOffsets(timing, bundle.restaurant, [o])[0];
    const delay = Math.max(now, bundle.readyAt) - Math.max(now, o.readyAt) + offsets[i] - alone;
    if (delay > maxDetourMs) return Number.POSITIVE_INFINITY;
    total += delay;
  }
  return total;
}
