/**
 * The rolling-horizon meal dispatch, in the spirit of the published state of the art for the meal
 * delivery routing problem: decide every f minutes on what is known, bundle against a target size
 * that follows the balance of orders and couriers, assign couriers to bundles optimally, and commit
 * only what cannot wait — a later decision knows more orders and more free couriers.
 */
import { type Bundle, bestSequence, bundleOf, formBundles } from './meal-bundles.ts';
import type {
  AssignmentSolver,
  CourierView,
  MealDecision,
  MealPolicyView,
  RollingParams,
  RouteDecision,
} from './meal-policy.ts';
import type { MealOrder } from './meal-protocol.ts';
import { relocations } from './meal-relocation.ts';
import { MINUTE_MS, routeTimes, travelMs } from './meal-route.ts';

/** Cost of leaving one order without a courier in this decision, in cost minutes: above any real plan. */
const UNASSIGNED_COST = 100_000;

/**
 * Cost of leaving a bundle without a courier in this decision: above any plan, so the assignment
 * serves as many orders as couriers allow, plus `agePriority` per minute since each order was
 * placed. Why the age term: a plan's cost grows with the order's age, so with a flat postponement
 * cost the youngest orders would always win the scarce couriers and the oldest would starve.
 */
function postponeCost(view: MealPolicyView, params: RollingParams, bundle: Bundle): number {
  let cost = 0;
  for (const o of bundle.orders)
    cost += UNASSIGNED_COST + (params.agePriority * Math.max(0, view.now - o.placedAt)) / MINUTE_MS;
  return cost;
}

/** A courier doing a bundle, departing as late as still lets it pick up on time. */
export interface BundlePlan {
  readonly departAt: number;
  /** The last departure that still reaches the pickup by the bundle's ready time. */
  readonly latestDepartAt: number;
  readonly pickupAt: number;
  readonly dropoffs: readonly number[];
  readonly freeAt: number;
  /** Click-to-door minutes plus the weighted overage, courier minutes and remaining shift. */
  readonly cost: number;
}

/**
 * Plans `bundle` for `courier`, or returns null when the courier could not pick it up before its
 * off time. Why "as late as possible": an early departure only adds waiting at the restaurant,
 * which would wrongly make near couriers look expensive.
 */
export function planBundle(
  view: MealPolicyView,
  params: RollingParams,
  courier: CourierView,
  bundle: Bundle,
): BundlePlan | null {
  const { timing, now } = view;
  const available = Math.max(now, courier.freeAt, courier.shift.onTime);
  const travel = travelMs(courier.point, bundle.restaurant, timing.metersPerMinute);
  const latestDepartAt = bundle.readyAt - timing.halfPickupMs - travel;
  const departAt = Math.max(available, latestDepartAt);
  const t = routeTimes(
    timing,
    courier.point,
    departAt,
    bundle.restaurant,
    bundle.readyAt,
    bundle.orders.map((o) => o.point),
  );
  if (t.pickupAt > courier.shift.offTime) return null;
  let clickToDoor = 0;
  let overage = 0;
  bundle.orders.forEach((o, i) => {
    const ctd = t.dropoffs[i] - o.placedAt;
    clickToDoor += ctd;
    overage += Math.max(0, ctd - timing.targetClickToDoorMs);
  });
  const cost =
    (clickToDoor +
      params.overageWeight * overage +
      params.courierTimeWeight * (t.freeAt - departAt) +
      params.remainingShiftWeight * (courier.shift.offTime - t.pickupAt)) /
    MINUTE_MS;
  return {
    departAt,
    latestDepartAt,
    pickupAt: t.pickupAt,
    dropoffs: t.dropoffs,
    freeAt: t.freeAt,
    cost,
  };
}

/** Couriers that can start a route within the horizon and still pick something up. */
function courierPool(view: MealPolicyView, horizonMs: number): CourierView[] {
  const limit = view.now + horizonMs;
  return view.couriers.filter(
    (c) =>
      c.status !== 'off' &&
      c.shift.offTime >= view.now + view.timing.halfPickupMs &&
      Math.max(c.freeAt, c.shift.onTime) <= limit,
  );
}

/** Couriers planned in full per bundle, as a multiple of the candidates kept. */
const PRESELECT = 4;

/**
 * Indices into `pool` of the `limit` couriers who could pick `bundle` up soonest (ties to roster
 * order), among those who would pick up before their off time. Why: a plan's cost is mostly the
 * click-to-door its pickup time implies, so the cheapest candidates are among these, and planning
 * every courier of a large fleet for every bundle would dominate the decision's time.
 */
function soonestPickups(
  view: MealPolicyView,
  pool: readonly CourierView[],
  bundle: Bundle,
  limit: number,
): number[] {
  const { timing, now } = view;
  // the best `limit` so far, sorted by (pickup, index): an insertion buffer, as limit ≪ pool
  const best: number[] = [];
  const pickups: number[] = [];
  for (let c = 0; c < pool.length; c++) {
    const courier = pool[c];
    const available = Math.max(now, courier.freeAt, courier.shift.onTime);
    const arrive = available + travelMs(courier.point, bundle.restaurant, timing.metersPerMinute);
    const pickup = Math.max(arrive + timing.halfPickupMs, bundle.readyAt);
    if (pickup > courier.shift.offTime) continue;
    if (best.length === limit && pickup >= pickups[limit - 1]) continue;
    let i = best.length === limit ? limit - 1 : best.length;
    while (i > 0 && pickups[i - 1] > pickup) {
      best[i] = best[i - 1];
      pickups[i] = pickups[i - 1];
      i--;
    }
    best[i] = c;
    pickups[i] = pickup;
  }
  return best;
}

/** Target bundle size: orders ready soon per courier free soon, rounded up, within [1, maxBundle]. */
export function targetBundleSize(params: RollingParams, ordersSoon: number, couriersSoon: number): number {
  const ratio = (params.bundleScale * ordersSoon) / Math.max(1, couriersSoon);
  return Math.max(1, Math.min(params.maxBundle, Math.ceil(ratio - 1e-9)));
}

/**
 * One decision of the rolling horizon. Orders ready within the horizon are bundled; every bundle
 * may take one of its cheapest candidate couriers or stay unassigned (at a cost above any plan), and
 * the solver picks the cheapest assignment overall. Of that plan only the routes whose courier is
 * waiting now and must leave before the next decision are committed; with `preposition`, the other
 * waiting couriers of the plan start towards their bundle's restaurant; with `relocate`, the waiting
 * couriers the plan leaves without work move to where recent orders came from.
 */
export function rollingDecisions(
  view: MealPolicyView,
  params: RollingParams,
  solve: AssignmentSolver,
): MealDecision {
  const horizonMs = params.horizonMinutes * MINUTE_MS;
  const orders = view.orders.filter((o) => o.readyAt <= view.now + horizonMs);
  const pool = courierPool(view, horizonMs);
  if (orders.length === 0 || pool.length === 0) return { routes: [], repositions: [] };
  const size = targetBundleSize(params, orders.length, pool.length);
  const bundles = formBundles(view.timing, view.restaurants, orders, view.now, {
    size,
    maxReadySpreadMs: params.maxReadySpreadMinutes * MINUTE_MS,
    maxDetourMs: params.maxDetourMinutes * MINUTE_MS,
  });
  const plans = new Map<number, BundlePlan>();
  const rows = bundles.map((bundle, b) => {
    const candidates: { column: number; cost: number }[] = [];
    for (const c of soonestPickups(view, pool, bundle, PRESELECT * params.candidatesPerBundle)) {
      const plan = planBundle(view, params, pool[c], bundle);
      if (!plan) continue;
      plans.set(b * pool.length + c, plan);
      candidates.push({ column: c, cost: plan.cost });
    }
    candidates.sort((x, y) => x.cost - y.cost || x.column - y.column);
    const kept = candidates.slice(0, params.candidatesPerBundle);
    kept.push({ column: pool.length + b, cost: postponeCost(view, params, bundle) });
    return kept;
  });
  const chosen = solve({ columns: pool.length + bundles.length, rows });
  const cutoff = view.now + params.intervalMinutes * MINUTE_MS;
  const routes: RouteDecision[] = [];
  const repositions: { courierId: string; restaurantId: string }[] = [];
  const matched = new Set(chosen);
  const spare = new Set(pool.map((_, c) => c).filter((c) => !matched.has(c)));
  const commit = (courier: CourierView, bundle: Bundle) =>
    routes.push({
      courierId: courier.shift.id,
      restaurantId: bundle.restaurantId,
      orderIds: bundle.orders.map((o) => o.id),
    });
  chosen.forEach((c, b) => {
    if (c < 0 || c >= pool.length) return;
    const courier = pool[c];
    const { kept, split } = splitBundle(view, params, courier, bundles[b], pool, spare);
    // a split-off order goes now only if it must (and its courier is waiting); otherwise the next
    // decision plans it afresh
    for (const { courier: other, bundle, plan } of split)
      if (isIdle(view, other) && plan.latestDepartAt < cutoff) commit(other, bundle);
    if (!isIdle(view, courier)) return;
    const plan = planBundle(view, params, courier, kept) as BundlePlan;
    if (plan.latestDepartAt < cutoff || courier.place === kept.restaurantId) commit(courier, kept);
    else if (params.preposition)
      repositions.push({ courierId: courier.shift.id, restaurantId: kept.restaurantId });
  });
  if (params.relocate)
    repositions.push(
      ...relocations(
        view,
        params,
        [...spare]
          .sort((a, b) => a - b)
          .map((c) => pool[c])
          .filter((c) => isIdle(view, c)),
      ),
    );
  return { routes, repositions };
}

/** Waiting for instructions now (only such a courier can be sent). */
function isIdle(view: MealPolicyView, courier: CourierView): boolean {
  return courier.status === 'waiting' && courier.shift.onTime <= view.now;
}

/**
 * After the assignment: each order of a matched bundle leaves it when the rest with its courier
 * plus the order alone with a spare courier (one the assignment left without a bundle, waiting or
 * free soon) costs less than the whole bundle. Why: bundles are formed before couriers are
 * matched, so a bundle can meet a spare courier that would serve one of its orders sooner — and a
 * courier still on its way (a relocation, say) counts, or its bundle would be held together only
 * because that courier was not waiting yet. Spare couriers used here leave `spare`.
 */
function splitBundle(
  view: MealPolicyView,
  params: RollingParams,
  courier: CourierView,
  bundle: Bundle,
  pool: readonly CourierView[],
  spare: Set<number>,
): { kept: Bundle; split: { courier: CourierView; bundle: Bundle; plan: BundlePlan }[] } {
  let kept = bundle;
  const split: { courier: CourierView; bundle: Bundle; plan: BundlePlan }[] = [];
  // one order at a time, the one whose leaving saves most, while leaving saves anything
  while (kept.orders.length > 1 && spare.size > 0) {
    const whole = planBundle(view, params, courier, kept);
    if (!whole) break;
    let best: { order: MealOrder; c: number; plan: BundlePlan; saving: number } | undefined;
    for (const order of kept.orders) {
      const rest = bundleOf(
        kept.restaurantId,
        kept.restaurant,
        kept.orders.filter((o) => o !== order),
      );
      const without = planBundle(view, params, courier, rest);
      if (!without) continue;
      const alone = bundleOf(kept.restaurantId, kept.restaurant, [order]);
      const soonest = soonestPickups(view, pool, alone, PRESELECT * params.candidatesPerBundle);
      for (const c of soonest.filter((k) => spare.has(k))) {
        const plan = planBundle(view, params, pool[c], alone);
        const saving = plan ? whole.cost - without.cost - plan.cost : 0;
        if (plan && saving > 0 && (!best || saving > best.saving)) best = { order, c, plan, saving };
      }
    }
    if (!best) break;
    const leaving = best.order;
    spare.delete(best.c);
    split.push({
      courier: pool[best.c],
      bundle: bundleOf(kept.restaurantId, kept.restaurant, [leaving]),
      plan: best.plan,
    });
    kept = bundleOf(
      kept.restaurantId,
      kept.restaurant,
      kept.orders.filter((o) => o !== leaving),
    );
  }
  return { kept, split };
}

/**
 * On-arrival update: the courier is at the restaurant with `current` (orders in sequence) and will
 * pick up at `pickupAt`. Open orders of that restaurant that are ready by then join the bundle, one
 * at a time, while the grown bundle costs less than the current one plus the order's best plan
 * with any other courier — the courier is already there, so a joined order needs no second trip.
 * Returns the grown bundle in drop-off sequence, or null when nothing joins.
 */
export function arrivalBundle(
  view: MealPolicyView,
  params: RollingParams,
  courier: CourierView,
  restaurantId: string,
  current: readonly MealOrder[],
  pickupAt: number,
): MealOrder[] | null {
  const restaurant = view.restaurants[restaurantId];
  const others = courierPool(view, params.horizonMinutes * MINUTE_MS).filter(
    (c) => c.shift.id !== courier.shift.id,
  );
  const candidates = view.orders.filter((o) => o.restaurantId === restaurantId && o.readyAt <= pickupAt);
  const here: CourierView = { ...courier, freeAt: view.now };
  let bundle = current.slice();
  let grew = false;
  const costHere = (orders: readonly MealOrder[]) =>
    planBundle(view, params, here, bundleOf(restaurantId, restaurant, orders))?.cost ??
    Number.POSITIVE_INFINITY;
  for (const order of candidates) {
    if (bundle.length >= params.maxBundle) break;
    const grown = bestSequence(view.timing, restaurant, [...bundle, order]);
    let alone = UNASSIGNED_COST;
    for (const other of others) {
      const plan = planBundle(view, params, other, bundleOf(restaurantId, restaurant, [order]));
      if (plan && plan.cost < alone) alone = plan.cost;
    }
    if (costHere(grown) < costHere(bundle) + alone) {
      bundle = grown;
      grew = true;
    }
  }
  return grew ? bundle : null;
}
