import { travelMs } from '../../machines/meal-route.ts';
import type { MdrpInstance } from './instance.ts';
import type { MdrpSolution } from './solution.ts';

/** count, mean, sample standard deviation, min, 10th, 50th, 90th percentile, max. */
export interface Stats {
  readonly count: number;
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly max: number;
}

/** Percentile by linear interpolation between order statistics (what pandas' describe reports). */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function stats(values: readonly number[]): Stats {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  let sum = 0;
  for (const v of values) sum += v;
  const mean = n > 0 ? sum / n : Number.NaN;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return {
    count: n,
    mean,
    std: n > 1 ? Math.sqrt(sq / (n - 1)) : Number.NaN,
    min: n > 0 ? sorted[0] : Number.NaN,
    p10: quantile(sorted, 0.1),
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    max: n > 0 ? sorted[n - 1] : Number.NaN,
  };
}

/** The measures of FORMAT.md for one solution, computed as the public evaluator computes them. */
export interface MdrpMeasures {
  readonly delivered: number;
  readonly total: number;
  readonly undeliveredShare: number;
  /** Per delivered order, minutes. */
  readonly clickToDoor: Stats;
  /**
   * The mean click-to-door no solution can beat: every order picked up the moment it is ready and
   * driven straight to its customer (over all orders of the instance).
   */
  readonly clickToDoorBound: number;
  readonly clickToDoorOverage: Stats;
  readonly readyToDoor: Stats;
  readonly readyToPickup: Stats;
  /** Per courier. */
  readonly utilization: Stats;
  readonly ordersPerHour: Stats;
  readonly bundlesPerHour: Stats;
  readonly guaranteedEarnings: Stats;
  readonly orderEarnings: Stats;
  readonly payment: Stats;
  readonly totalPayment: number;
  readonly costPerOrder: number;
  /** Share of couriers whose order earnings fall short of the guarantee (they are paid the guarantee). */
  readonly guaranteedShare: number;
  /** Mean orders per assignment, and the distribution. */
  readonly ordersPerBundle: number;
  readonly bundleSize: Stats;
}

/**
 * Order measures over delivered orders; courier measures over every courier of the instance:
 * utilisation = (minutes driving + a pickup service per assignment + a drop-off service per order)
 * ÷ shift minutes; pay = max(pay per order × orders, guaranteed pay per hour × shift hours).
 */
export function measure(instance: MdrpInstance, solution: MdrpSolution): MdrpMeasures {
  const p = instance.params;
  const target = p.targetClickToDoor;
  const ctd: number[] = [];
  const overage: number[] = [];
  const readyToDoor: number[] = [];
  const readyToPickup: number[] = [];
  for (const o of solution.orders) {
    const c = o.dropoffTime - o.placementTime;
    ctd.push(c);
    overage.push(Math.max(0, c - target));
    readyToDoor.push(o.dropoffTime - o.readyTime);
    readyToPickup.push(o.pickupTime - o.readyTime);
  }
  const points = new Map<string, { x: number; y: number }>();
  for (const list of [instance.orders, instance.restaurants, instance.couriers])
    for (const e of list) points.set(e.id, { x: e.x, y: e.y });
  const driving = new Map<string, number>();
  for (const m of solution.moves) {
    const from = points.get(m.origin === '0' ? m.courier : m.origin);
    const to = points.get(m.destination);
    if (!from || !to) continue;
    driving.set(m.courier, (driving.get(m.courier) ?? 0) + travelMs(from, to, p.metersPerMinute) / 60_000);
  }
  const ordersOf = new Map<string, number>();
  for (const o of solution.orders) ordersOf.set(o.courier, (ordersOf.get(o.courier) ?? 0) + 1);
  const bundlesOf = new Map<string, number>();
  for (const a of solution.assignments) bundlesOf.set(a.courier, (bundlesOf.get(a.courier) ?? 0) + 1);
  const perCourier = instance.couriers.map((c) => {
    const shift = c.offTime - c.onTime;
    const orders = ordersOf.get(c.id) ?? 0;
    const bundles = bundlesOf.get(c.id) ?? 0;
    const guaranteed = (shift * p.guaranteedPayPerHour) / 60;
    const earned = orders * p.payPerOrder;
    const busy =
      (driving.get(c.id) ?? 0) + bundles * p.pickupServiceMinutes + orders * p.dropoffServiceMinutes;
    return {
      utilization: shift > 0 ? busy / shift : 0,
      ordersPerHour: shift > 0 ? (60 * orders) / shift : 0,
      bundlesPerHour: shift > 0 ? (60 * bundles) / shift : 0,
      guaranteed,
      earned,
      payment: Math.max(earned, guaranteed),
    };
  });
  const totalPayment = perCourier.reduce((s, c) => s + c.payment, 0);
  const sizes = solution.assignments.map((a) => a.orders.length);
  const bundleSize = stats(sizes);
  const delivered = solution.orders.length;
  const total = instance.orders.length;
  const restaurants = new Map(instance.restaurants.map((r) => [r.id, r]));
  let bound = 0;
  for (const o of instance.orders) {
    const r = restaurants.get(o.restaurant) as { x: number; y: number };
    const service = (p.pickupServiceMinutes + p.dropoffServiceMinutes) / 2;
    bound += o.readyTime - o.placementTime + service + travelMs(r, o, p.metersPerMinute) / 60_000;
  }
  return {
    delivered,
    total,
    undeliveredShare: total > 0 ? (total - delivered) / total : 0,
    clickToDoor: stats(ctd),
    clickToDoorBound: total > 0 ? bound / total : Number.NaN,
    clickToDoorOverage: stats(overage),
    readyToDoor: stats(readyToDoor),
    readyToPickup: stats(readyToPickup),
    utilization: stats(perCourier.map((c) => c.utilization)),
    ordersPerHour: stats(perCourier.map((c) => c.ordersPerHour)),
    bundlesPerHour: stats(perCourier.map((c) => c.bundlesPerHour)),
    guaranteedEarnings: stats(perCourier.map((c) => c.guaranteed)),
    orderEarnings: stats(perCourier.map((c) => c.earned)),
    payment: stats(perCourier.map((c) => c.payment)),
    totalPayment,
    costPerOrder: delivered > 0 ? totalPayment / delivered : Number.NaN,
    guaranteedShare:
      perCourier.length > 0
        ? perCourier.filter((c) => c.earned < c.guaranteed).length / perCourier.length
        : 0,
    ordersPerBundle: bundleSize.mean,
    bundleSize,
  };
}
