import { travelMs } from '../../machines/meal-route.ts';
import type { MdrpInstance } from './instance.ts';
import type { MdrpSolution } from './solution.ts';

/** The eight rules a solution must satisfy (FORMAT.md), by number. */
export const RULES: Readonly<Record<number, string>> = {
  1: 'every order in at most one assignment',
  2: 'no assignment before its orders are placed',
  3: "every pickup before the courier's off time",
  4: 'a bundle picked up at or after the latest ready time of its orders',
  5: 'drop-offs in the order the assignment lists them',
  6: "each courier's moves continuous, with consistent departure and arrival times",
  7: 'at a pickup the courier is at the restaurant',
  8: 'at a drop-off the courier is at the customer',
};

export interface RuleViolation {
  readonly rule: number;
  readonly message: string;
}

/** A courier's timeline as the public evaluator builds it: instants and the place at each. */
interface Timeline {
  readonly times: number[];
  /** Place after each instant: the place arrived at, or '' while travelling. */
  readonly places: string[];
}

/** Index of the last instant strictly before `t` (the evaluator's bisect_left − 1). */
function lastBefore(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Checks a solution against the eight rules, with the semantics of the public evaluator (where a
 * courier is at an instant: the last place reached strictly before it) and, beyond it, the service
 * times of FORMAT.md: a pickup no earlier than arrival + half the pickup service and the courier
 * still there half a service later; the same around each drop-off. Also checks that the three files
 * agree with each other and with the instance. Returns every violation; empty means feasible.
 */
export function checkSolution(instance: MdrpInstance, solution: MdrpSolution): RuleViolation[] {
  const out: RuleViolation[] = [];
  const fail = (rule: number, message: string) => {
    if (out.length < 200) out.push({ rule, message });
  };
  const p = instance.params;
  const halfPickup = p.pickupServiceMinutes / 2;
  const halfDropoff = p.dropoffServiceMinutes / 2;
  const orders = new Map(instance.orders.map((o) => [o.id, o]));
  const couriers = new Map(instance.couriers.map((c) => [c.id, c]));
  const points = new Map<string, { x: number; y: number }>();
  for (const list of [instance.orders, instance.restaurants, instance.couriers])
    for (const e of list) points.set(e.id, { x: e.x, y: e.y });
  const delivered = new Map(solution.orders.map((o) => [o.order, o]));
  const minutes = (a: { x: number; y: number }, b: { x: number; y: number }) =>
    travelMs(a, b, p.metersPerMinute) / 60_000;

  // 1 — at most one assignment per order; the orders file names each delivered order once, with its courier
  const assignmentOf = new Map<string, number>();
  solution.assignments.forEach((a, i) => {
    if (!couriers.has(a.courier)) fail(3, `assignment ${i + 1}: unknown courier "${a.courier}"`);
    if (a.orders.length === 0) fail(1, `assignment ${i + 1}: no orders`);
    for (const o of a.orders) {
      if (!orders.has(o)) fail(1, `assignment ${i + 1}: unknown order "${o}"`);
      else if (assignmentOf.has(o))
        fail(1, `order ${o} is in assignments ${(assignmentOf.get(o) as number) + 1} and ${i + 1}`);
      else assignmentOf.set(o, i);
    }
  });
  const seenRows = new Set<string>();
  for (const row of solution.orders) {
    if (seenRows.has(row.order)) fail(1, `order ${row.order} appears twice in the orders file`);
    seenRows.add(row.order);
    const i = assignmentOf.get(row.order);
    if (i === undefined) fail(1, `order ${row.order} is delivered but in no assignment`);
    else if (solution.assignments[i].courier !== row.courier)
      fail(
        1,
        `order ${row.order}: courier ${row.courier} in the orders file, ${solution.assignments[i].courier} in its assignment`,
      );
  }

  solution.assignments.forEach((a, i) => {
    const label = `assignment ${i + 1} (courier ${a.courier}, ${a.orders.join(' ')})`;
    const known = a.orders.map((o) => orders.get(o)).filter((o) => o !== undefined);
    // 2
    for (const o of known)
      if (a.assignmentTime < o.placementTime)
        fail(
          2,
          `${label}: assigned at ${a.assignmentTime}, before order ${o.id} was placed at ${o.placementTime}`,
        );
    // 3
    const courier = couriers.get(a.courier);
    if (!Number.isFinite(a.pickupTime)) fail(3, `${label}: never picked up`);
    else if (courier && a.pickupTime > courier.offTime)
      fail(3, `${label}: picked up at ${a.pickupTime}, after the off time ${courier.offTime}`);
    // 4
    for (const o of known)
      if (a.pickupTime < o.readyTime)
        fail(4, `${label}: picked up at ${a.pickupTime}, before order ${o.id} is ready at ${o.readyTime}`);
    // 5
    let previous: number | undefined;
    for (const id of a.orders) {
      const row = delivered.get(id);
      if (!row) {
        fail(5, `${label}: order ${id} has no drop-off in the orders file`);
        continue;
      }
      if (previous !== undefined && row.dropoffTime < previous + p.dropoffServiceMinutes)
        fail(
          5,
          `${label}: order ${id} dropped off at ${row.dropoffTime}, less than a service after the previous one at ${previous}`,
        );
      previous = row.dropoffTime;
    }
  });
  for (const row of solution.orders) {
    const o = orders.get(row.order);
    if (!o) {
      fail(1, `orders file: unknown order "${row.order}"`);
      continue;
    }
    if (row.placementTime !== o.placementTime || row.readyTime !== o.readyTime)
      fail(
        4,
        `order ${o.id}: placement/ready ${row.placementTime}/${row.readyTime} in the orders file, ${o.placementTime}/${o.readyTime} in the instance`,
      );
    const i = assignmentOf.get(row.order);
    if (i !== undefined && solution.assignments[i].pickupTime !== row.pickupTime)
      fail(
        4,
        `order ${o.id}: pickup ${row.pickupTime} in the orders file, ${solution.assignments[i].pickupTime} in its assignment`,
      );
  }

  // 6 — timelines
  const timelines = new Map<string, Timeline>();
  let current: string | undefined;
  for (const m of solution.moves) {
    const courier = couriers.get(m.courier);
    if (!courier) {
      fail(6, `move of unknown courier "${m.courier}"`);
      continue;
    }
    let line = timelines.get(m.courier);
    if (line && current !== m.courier) fail(6, `courier ${m.courier}: moves are not grouped together`);
    current = m.courier;
    if (!line) {
      line = { times: [courier.onTime], places: [m.courier] };
      timelines.set(m.courier, line);
    }
    const origin = m.origin === '0' ? m.courier : m.origin;
    const here = line.places[line.places.length - 1];
    if (origin !== here)
      fail(
        6,
        `courier ${m.courier}: move at ${m.departureTime} starts at ${m.origin}, but the courier is at ${here === m.courier ? '0' : here}`,
      );
    const from = points.get(origin);
    const to = points.get(m.destination);
    if (!from || !to || couriers.has(m.destination)) {
      fail(
        6,
        `courier ${m.courier}: move at ${m.departureTime} between unknown places ${m.origin} → ${m.destination}`,
      );
      continue;
    }
    const last = line.times[line.times.length - 1];
    if (!(m.departureTime >= last))
      fail(
        6,
        `courier ${m.courier}: departs ${m.origin} at ${m.departureTime}, before it arrived there at ${last}`,
      );
    line.times.push(m.departureTime, m.departureTime + minutes(from, to));
    line.places.push('', m.destination);
  }

  /** The stay of the courier at instant `t`: its place, arrival and next departure. */
  const stayAt = (courier: string, t: number) => {
    const line = timelines.get(courier);
    if (!line) return undefined;
    const i = lastBefore(line.times, t);
    if (i < 0 || line.places[i] === '') return undefined;
    return {
      place: line.places[i],
      arrivedAt: line.times[i],
      leavesAt: line.times[i + 1] ?? Number.POSITIVE_INFINITY,
    };
  };

  // 7 — pickups
  solution.assignments.forEach((a, i) => {
    const restaurants = new Set(a.orders.map((o) => orders.get(o)?.restaurant));
    if (restaurants.size > 1)
      fail(7, `assignment ${i + 1}: orders of several restaurants (${[...restaurants].join(', ')})`);
    const restaurant = orders.get(a.orders[0])?.restaurant;
    if (!restaurant || !Number.isFinite(a.pickupTime)) return;
    const stay = stayAt(a.courier, a.pickupTime);
    if (stay?.place !== restaurant)
      fail(
        7,
        `assignment ${i + 1}: courier ${a.courier} is at ${stay?.place ?? 'no place (travelling or not started)'} at pickup ${a.pickupTime}, not at ${restaurant}`,
      );
    else if (stay.arrivedAt + halfPickup > a.pickupTime || a.pickupTime + halfPickup > stay.leavesAt)
      fail(
        7,
        `assignment ${i + 1}: courier ${a.courier} at ${restaurant} from ${stay.arrivedAt} to ${stay.leavesAt}, too short for the pickup at ${a.pickupTime} with its service`,
      );
  });

  // 8 — drop-offs
  for (const row of solution.orders) {
    const stay = stayAt(row.courier, row.dropoffTime);
    if (stay?.place !== row.order)
      fail(
        8,
        `order ${row.order}: courier ${row.courier} is at ${stay?.place ?? 'no place (travelling)'} at drop-off ${row.dropoffTime}`,
      );
    else if (stay.arrivedAt + halfDropoff > row.dropoffTime || row.dropoffTime + halfDropoff > stay.leavesAt)
      fail(
        8,
        `order ${row.order}: courier ${row.courier} at the customer from ${stay.arrivedAt} to ${stay.leavesAt}, too short for the drop-off at ${row.dropoffTime} with its service`,
      );
  }
  return out.sort((a, b) => a.rule - b.rule);
}
