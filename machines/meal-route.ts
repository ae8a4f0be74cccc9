/**
 * The timing rules of the meal-delivery problem as plain functions: planar travel rounded up to
 * whole minutes, and the times of one route (travel to the restaurant, pickup no earlier than the
 * food is ready, drop-offs in sequence). Dispatch, couriers, policies and the solution check all
 * use these, so a plan and its execution cannot disagree by construction.
 */
import type { MealTiming, Point } from './meal-protocol.ts';

export const MINUTE_MS = 60_000;

/**
 * Travel time between two points: ceil(Euclidean distance / metres per minute) whole minutes, in
 * ms. Computed as sqrt(dx² + dy²) / speed — the operations the public evaluator performs, each
 * correctly rounded — so a boundary case rounds the same way there and here.
 */
export function travelMs(a: Point, b: Point, metersPerMinute: number): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  return Math.ceil(Math.sqrt(dx * dx + dy * dy) / metersPerMinute) * MINUTE_MS;
}

/** The instants of one route executed from a given place and departure. */
export interface RouteTimes {
  readonly departAt: number;
  readonly arriveAt: number;
  readonly pickupAt: number;
  readonly leaveAt: number;
  /** Drop-off instant per stop, in sequence. */
  readonly dropoffs: number[];
  /** When the courier leaves the last customer and waits for instructions. */
  readonly freeAt: number;
}

/** Pickup instant for a courier that reached the restaurant at `arriveAt`. */
export function pickupTime(
  timing: Pick<MealTiming, 'halfPickupMs'>,
  arriveAt: number,
  readyAt: number,
): number {
  return Math.max(arriveAt + timing.halfPickupMs, readyAt);
}

/** Drop-offs and free time of the delivery leg, from leaving the restaurant at `leaveAt`. */
export function deliveryTimes(
  timing: MealTiming,
  restaurant: Point,
  leaveAt: number,
  stops: readonly Point[],
): { dropoffs: number[]; freeAt: number } {
  const dropoffs: number[] = [];
  let at = restaurant;
  let t = leaveAt;
  for (const p of stops) {
    const drop = t + travelMs(at, p, timing.metersPerMinute) + timing.halfDropoffMs;
    dropoffs.push(drop);
    t = drop + timing.halfDropoffMs;
    at = p;
  }
  return { dropoffs, freeAt: t };
}

/** Every instant of a route, departing from `from` at `departAt`. */
export function routeTimes(
  timing: MealTiming,
  from: Point,
  departAt: number,
  restaurant: Point,
  readyAt: number,
  stops: readonly Point[],
): RouteTimes {
  const arriveAt = departAt + travelMs(from, restaurant, timing.metersPerMinute);
  const pickupAt = pickupTime(timing, arriveAt, readyAt);
  const leaveAt = pickupAt + timing.halfPickupMs;
  const { dropoffs, freeAt } = deliveryTimes(timing, restaurant, leaveAt, stops);
  return { departAt, arriveAt, pickupAt, leaveAt, dropoffs, freeAt };
}
