/**
 * The baseline meal dispatch: no bundling, no look-ahead. Why keep it: it is what a dispatcher does
 * by hand, and every smarter policy is judged by how much it beats it on the same instance.
 */
import type { MealDecision, MealPolicyView, RouteDecision } from './meal-policy.ts';
import { pickupTime, travelMs } from './meal-route.ts';

/**
 * Each open order, earliest ready first (then earliest placed, then id), goes to the waiting
 * courier who can pick it up soonest — ties to the one arriving soonest, then roster order —
 * among those who would pick up before their off time. Orders nobody can take now wait for the
 * next courier that frees up.
 */
export function greedyDecisions(view: MealPolicyView): MealDecision {
  const { now, timing } = view;
  const idle = view.couriers.filter((c) => c.status === 'waiting' && c.shift.onTime <= now);
  const taken = new Uint8Array(idle.length);
  const routes: RouteDecision[] = [];
  for (const order of view.orders) {
    const restaurant = view.restaurants[order.restaurantId];
    let best = -1;
    let bestPickup = Number.POSITIVE_INFINITY;
    let bestArrive = Number.POSITIVE_INFINITY;
    for (let i = 0; i < idle.length; i++) {
      if (taken[i]) continue;
      const c = idle[i];
      const arrive = now + travelMs(c.point, restaurant, timing.metersPerMinute);
      const pickup = pickupTime(timing, arrive, order.readyAt);
      if (pickup > c.shift.offTime) continue;
      if (pickup < bestPickup || (pickup === bestPickup && arrive < bestArrive)) {
        best = i;
        bestPickup = pickup;
        bestArrive = arrive;
      }
    }
    if (best < 0) continue;
    taken[best] = 1;
    routes.push({ courierId: idle[best].shift.id, restaurantId: order.restaurantId, orderIds: [order.id] });
  }
  return { routes, repositions: [] };
}
