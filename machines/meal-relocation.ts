/**
 * Relocation of idle couriers: a courier the rolling plan leaves without work moves to the
 * restaurant from which recent orders are nearest on average. Why: after a drop-off a courier waits
 * at its last customer, and with slow travel the empty trip from there to the next restaurant is
 * what makes pickups late when couriers are short; made while idle, that trip costs no order
 * anything. Only what dispatch has seen counts (orders placed within the window), never the future.
 */
import type { CourierView, MealPolicyView, RollingParams } from './meal-policy.ts';
import type { Point } from './meal-protocol.ts';
import { MINUTE_MS, travelMs } from './meal-route.ts';

/** Restaurants considered as destinations: the busiest ones (keeps each decision cheap). */
const DESTINATIONS = 24;

/**
 * Restaurants whose recent orders make the expectation: the busiest ones. Why: a city of hundreds
 * of restaurants would otherwise cost hundreds of trips per idle courier per decision, while the
 * busiest few carry most of the demand.
 */
const SOURCES = 64;

/**
 * Minutes the expected next trip must shrink by, net of the weighted relocation trip. Why: a
 * courier moving to a restaurant cannot be diverted, so a move that gains next to nothing is not
 * worth the commitment.
 */
const MIN_GAIN_MINUTES = 1;

export interface Relocation {
  readonly courierId: string;
  readonly restaurantId: string;
}

/**
 * Relocations for `idle` couriers (waiting, with nothing planned): each goes to the destination
 * minimising expected minutes to the next order's restaurant plus `relocateTripWeight` × minutes of
 * its own trip there, when that beats staying by at least `MIN_GAIN_MINUTES` and it arrives before
 * its off time.
 */
export function relocations(
  view: MealPolicyView,
  params: RollingParams,
  idle: readonly CourierView[],
): Relocation[] {
  const demand = view.recentDemand;
  if (!demand || idle.length === 0) return [];
  const ids = Object.keys(demand)
    .sort((a, b) => demand[b] - demand[a] || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, SOURCES);
  let total = 0;
  for (const id of ids) total += demand[id];
  if (total === 0) return [];
  const speed = view.timing.metersPerMinute;
  /** Demand-weighted mean travel minutes from `p` to the restaurant of a recent order (of the sources). */
  const expected = (p: Point) => {
    let sum = 0;
    for (const id of ids) sum += demand[id] * travelMs(p, view.restaurants[id], speed);
    return sum / total / MINUTE_MS;
  };
  const destinations = ids.slice(0, DESTINATIONS).map((id) => ({
    id,
    point: view.restaurants[id],
    expected: expected(view.restaurants[id]),
  }));
  const out: Relocation[] = [];
  for (const courier of idle) {
    const stay = expected(courier.point);
    let best: { id: string; value: number; trip: number } | undefined;
    for (const d of destinations) {
      if (d.id === courier.place) continue;
      const trip = travelMs(courier.point, d.point, speed);
      const value = d.expected + (params.relocateTripWeight * trip) / MINUTE_MS;
      if (!best || value < best.value) best = { id: d.id, value, trip };
    }
    if (!best || best.value > stay - MIN_GAIN_MINUTES) continue;
    if (view.now + best.trip + view.timing.halfPickupMs > courier.shift.offTime) continue;
    out.push({ courierId: courier.shift.id, restaurantId: best.id });
  }
  return out;
}
