/**
 * The books of the meal dispatch — orders, couriers, assignments — and the pure steps that change
 * them: building the policy's view, committing its decision, growing a bundle on arrival, recording
 * what couriers report. The machine in meal-dispatch.ts only routes events to these functions.
 */
import { bestSequence } from './meal-bundles.ts';
import type {
  AssignmentSolver,
  CourierStatus,
  CourierView,
  MealDecision,
  MealPolicyParams,
  MealPolicyView,
} from './meal-policy.ts';
import { arrivalBundle } from './meal-policy-rolling.ts';
import {
  type CourierShift,
  type MealOrder,
  type MealRoute,
  type MealSend,
  type MealTiming,
  type Point,
  START_PLACE,
} from './meal-protocol.ts';
import { routeTimes, travelMs } from './meal-route.ts';
import { emptyMap, mapDelete, mapEntries, mapGet, mapSet, type PersistentMap } from './persistent-map.ts';

export interface MealDispatchInput {
  readonly timing: MealTiming;
  readonly policy: MealPolicyParams;
  readonly restaurants: Readonly<Record<string, Point>>;
  /** Every courier's planned shift, in roster order. */
  readonly roster: readonly CourierShift[];
  /** The assignment solver the rolling policy uses (the world provides the one its parameters name). */
  readonly solve: AssignmentSolver;
}

export interface CourierBook {
  readonly status: CourierStatus;
  /** Where it waits, or will be when its current trip ends. */
  readonly place: string;
  readonly point: Point;
  readonly freeAt: number;
  readonly assignmentId: string | null;
}

export interface OrderBook {
  readonly order: MealOrder;
  readonly assignmentId: string | null;
  readonly pickupAt: number | null;
  readonly dropoffAt: number | null;
}

export interface AssignmentBook {
  readonly id: string;
  readonly courierId: string;
  readonly restaurantId: string;
  /** When the bundle as it stands was decided (the last update, if it grew on arrival). */
  readonly assignedAt: number;
  readonly orderIds: readonly string[];
  readonly pickupAt: number | null;
}

export interface MealDispatchContext extends MealDispatchInput {
  readonly shifts: Readonly<Record<string, CourierShift>>;
  readonly rosterIndex: Readonly<Record<string, number>>;
  couriers: PersistentMap<CourierBook>;
  /** The couriers waiting for instructions (the same books): what the greedy policy looks at. */
  waiting: PersistentMap<CourierBook>;
  orders: PersistentMap<OrderBook>;
  /** Placed orders without a courier. */
  open: PersistentMap<MealOrder>;
  assignments: PersistentMap<AssignmentBook>;
  assignmentCount: number;
  /** Decisions of the policy that dispatch did not carry out (a courier no longer waiting, …). */
  rejected: number;
  now: number;
  nextTickAt: number;
  /** The instant a second decision is queued for (rolling: reports that came after its tick). */
  redecideAt: number;
}

/** A change to the books plus the messages it sends. */
export interface BookStep {
  readonly patch: Partial<MealDispatchContext>;
  readonly sends: readonly MealSend[];
}

export function initialContext(input: MealDispatchInput): MealDispatchContext {
  let couriers = emptyMap<CourierBook>();
  const shifts: Record<string, CourierShift> = {};
  const rosterIndex: Record<string, number> = {};
  for (const s of input.roster) {
    shifts[s.id] = s;
    rosterIndex[s.id] = Object.keys(rosterIndex).length;
    couriers = mapSet(couriers, s.id, {
      status: 'scheduled',
      place: START_PLACE,
      point: s.start,
      freeAt: s.onTime,
      assignmentId: null,
    });
  }
  const interval = input.policy.kind === 'rolling' ? input.policy.intervalMinutes * 60_000 : 0;
  return {
    ...input,
    shifts,
    rosterIndex,
    couriers,
    waiting: emptyMap(),
    orders: emptyMap(),
    open: emptyMap(),
    assignments: emptyMap(),
    assignmentCount: 0,
    rejected: 0,
    now: 0,
    nextTickAt: interval,
    redecideAt: -1,
  };
}

function byReady(a: MealOrder, b: MealOrder): number {
  return a.readyAt - b.readyAt || a.placedAt - b.placedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * What the policy sees at `now`: open orders earliest ready first, couriers in roster order — every
 * courier not off duty, or with `waitingOnly` just the waiting ones (all a greedy decision needs,
 * and cheap enough to build on every event).
 */
export function policyView(ctx: MealDispatchContext, now: number, waitingOnly = false): MealPolicyView {
  const orders = [...mapEntries(ctx.open)].map(([, o]) => o).sort(byReady);
  const couriers: CourierView[] = [];
  const add = (id: string, book: CourierBook) =>
    couriers.push({
      shift: ctx.shifts[id],
      status: book.status,
      place: book.place,
      point: book.point,
      freeAt: book.freeAt,
    });
  if (waitingOnly) {
    for (const [id, book] of mapEntries(ctx.waiting)) add(id, book);
    couriers.sort((a, b) => ctx.rosterIndex[a.shift.id] - ctx.rosterIndex[b.shift.id]);
  } else
    for (const shift of ctx.roster) {
      const book = mapGet(ctx.couriers, shift.id) as CourierBook;
      if (book.status !== 'off') add(shift.id, book);
    }
  const p = ctx.policy;
  // demand only matters to a courier waiting for work: skip counting when nobody waits
  if (waitingOnly || p.kind !== 'rolling' || !p.relocate || ctx.waiting.size === 0)
    return { now, timing: ctx.timing, restaurants: ctx.restaurants, orders, couriers };
  const since = now - p.relocateWindowMinutes * 60_000;
  const recentDemand: Record<string, number> = {};
  for (const [, o] of mapEntries(ctx.orders))
    if (o.order.placedAt >= since)
      recentDemand[o.order.restaurantId] = (recentDemand[o.order.restaurantId] ?? 0) + 1;
  return { now, timing: ctx.timing, restaurants: ctx.restaurants, orders, couriers, recentDemand };
}

/** Sets a courier's book, keeping the waiting list in step with its status. */
function withCourier(
  books: { couriers: PersistentMap<CourierBook>; waiting: PersistentMap<CourierBook> },
  id: string,
  book: CourierBook,
): { couriers: PersistentMap<CourierBook>; waiting: PersistentMap<CourierBook> } {
  return {
    couriers: mapSet(books.couriers, id, book),
    waiting: book.status === 'waiting' ? mapSet(books.waiting, id, book) : mapDelete(books.waiting, id),
  };
}

function routeMessage(
  ctx: MealDispatchContext,
  id: string,
  restaurantId: string,
  orders: readonly MealOrder[],
): MealRoute {
  let readyAt = Number.NEGATIVE_INFINITY;
  for (const o of orders) readyAt = Math.max(readyAt, o.readyAt);
  return {
    assignmentId: id,
    restaurantId,
    restaurant: ctx.restaurants[restaurantId],
    readyAt,
    stops: orders.map((o) => ({ orderId: o.id, point: o.point })),
  };
}

/** Where and when the courier will be free after `route`, departing `from` at `departAt`. */
function projection(ctx: MealDispatchContext, from: Point, departAt: number, route: MealRoute) {
  const t = routeTimes(
    ctx.timing,
    from,
    departAt,
    route.restaurant,
    route.readyAt,
    route.stops.map((s) => s.point),
  );
  const last = route.stops[route.stops.length - 1];
  return { freeAt: t.freeAt, place: last.orderId, point: last.point };
}

/**
 * Carries out a policy decision at `now`: each route becomes an assignment sent to its courier,
 * each reposition a trip. A route is carried out only when its courier is waiting and every order
 * is still open and of that restaurant; anything else counts as rejected.
 */
export function commitDecision(ctx: MealDispatchContext, decision: MealDecision, now: number): BookStep {
  let { orders, open, assignments, assignmentCount, rejected } = ctx;
  let books = { couriers: ctx.couriers, waiting: ctx.waiting };
  const sends: MealSend[] = [];
  for (const r of decision.routes) {
    const book = mapGet(books.couriers, r.courierId);
    const picked = r.orderIds.map((id) => mapGet(open, id));
    const valid =
      book?.status === 'waiting' &&
      r.orderIds.length > 0 &&
      picked.every((o) => o !== undefined && o.restaurantId === r.restaurantId);
    if (!valid || !book) {
      rejected++;
      continue;
    }
    const id = `A${++assignmentCount}`;
    const route = routeMessage(ctx, id, r.restaurantId, picked as MealOrder[]);
    for (const o of picked as MealOrder[]) {
      open = mapDelete(open, o.id);
      orders = mapSet(orders, o.id, { ...(mapGet(orders, o.id) as OrderBook), assignmentId: id });
    }
    assignments = mapSet(assignments, id, {
      id,
      courierId: r.courierId,
      restaurantId: r.restaurantId,
      assignedAt: now,
      orderIds: r.orderIds,
      pickupAt: null,
    });
    // prepositioned at the restaurant: it has been there since it became free
    const departFrom = book.place === r.restaurantId ? book.freeAt : now;
    books = withCourier(books, r.courierId, {
      status: 'busy',
      ...projection(ctx, book.point, departFrom, route),
      assignmentId: id,
    });
    sends.push({ to: r.courierId, message: { type: 'meal.route', route } });
  }
  for (const p of decision.repositions) {
    const book = mapGet(books.couriers, p.courierId);
    const point = ctx.restaurants[p.restaurantId];
    if (book?.status !== 'waiting' || !point || book.place === p.restaurantId) {
      rejected++;
      continue;
    }
    books = withCourier(books, p.courierId, {
      status: 'busy',
      place: p.restaurantId,
      point,
      freeAt: now + travelMs(book.point, point, ctx.timing.metersPerMinute),
      assignmentId: null,
    });
    sends.push({
      to: p.courierId,
      message: { type: 'meal.reposition', restaurantId: p.restaurantId, point },
    });
  }
  return { patch: { ...books, orders, open, assignments, assignmentCount, rejected }, sends };
}

/**
 * The courier of `assignmentId` reached its restaurant at `now`: with on-arrival updates, open
 * orders of that restaurant ready by the pickup may join its bundle (the rolling policy decides).
 */
export function arrivalUpdate(
  ctx: MealDispatchContext,
  courierId: string,
  assignmentId: string,
  now: number,
): BookStep {
  const policy = ctx.policy;
  const a = mapGet(ctx.assignments, assignmentId);
  const book = mapGet(ctx.couriers, courierId);
  if (policy.kind !== 'rolling' || !policy.updateOnArrival || !a || !book) return { patch: {}, sends: [] };
  const current = a.orderIds.map((id) => (mapGet(ctx.orders, id) as OrderBook).order);
  let readyAt = Number.NEGATIVE_INFINITY;
  for (const o of current) readyAt = Math.max(readyAt, o.readyAt);
  const pickupAt = Math.max(now + ctx.timing.halfPickupMs, readyAt);
  let joinable = false;
  for (const [, o] of mapEntries(ctx.open))
    if (o.restaurantId === a.restaurantId && o.readyAt <= pickupAt) joinable = true;
  if (!joinable) return { patch: {}, sends: [] };
  const view = policyView(ctx, now);
  const here = view.couriers.find((c) => c.shift.id === courierId) as CourierView;
  const restaurant = ctx.restaurants[a.restaurantId];
  const grown = arrivalBundle(
    view,
    policy,
    { ...here, place: a.restaurantId, point: restaurant },
    a.restaurantId,
    bestSequence(ctx.timing, restaurant, current),
    pickupAt,
  );
  if (!grown) return { patch: {}, sends: [] };
  let { open, orders } = ctx;
  for (const o of grown) {
    if (!mapGet(open, o.id)) continue;
    open = mapDelete(open, o.id);
    orders = mapSet(orders, o.id, { ...(mapGet(orders, o.id) as OrderBook), assignmentId });
  }
  const route = routeMessage(ctx, assignmentId, a.restaurantId, grown);
  const assignments = mapSet(ctx.assignments, assignmentId, {
    ...a,
    assignedAt: now,
    orderIds: grown.map((o) => o.id),
  });
  const couriers = mapSet(ctx.couriers, courierId, {
    ...book,
    ...projection(ctx, restaurant, now, route),
  });
  return {
    patch: { open, orders, assignments, couriers },
    sends: [{ to: courierId, message: { type: 'meal.routeUpdate', route } }],
  };
}

/** A courier declined `assignmentId` (it was off duty): its orders are open again. */
export function reopen(
  ctx: MealDispatchContext,
  courierId: string,
  assignmentId: string | null,
  now: number,
): BookStep {
  let { open, orders, assignments } = ctx;
  let books = { couriers: ctx.couriers, waiting: ctx.waiting };
  const a = assignmentId ? mapGet(assignments, assignmentId) : undefined;
  if (a) {
    for (const id of a.orderIds) {
      const o = mapGet(orders, id) as OrderBook;
      orders = mapSet(orders, id, { ...o, assignmentId: null });
      open = mapSet(open, id, o.order);
    }
    assignments = mapDelete(assignments, a.id);
  }
  const book = mapGet(books.couriers, courierId);
  const shift = ctx.shifts[courierId];
  if (book && shift && now >= shift.offTime)
    books = withCourier(books, courierId, { ...book, status: 'off' });
  return { patch: { open, orders, assignments, ...books }, sends: [] };
}

/** The courier reports where it waits now (online, or done with a route or a reposition). */
export function courierWaiting(
  ctx: MealDispatchContext,
  courierId: string,
  place: string,
  point: Point,
  now: number,
) {
  return withCourier(ctx, courierId, { status: 'waiting', place, point, freeAt: now, assignmentId: null });
}

export function courierOff(ctx: MealDispatchContext, courierId: string) {
  const book = mapGet(ctx.couriers, courierId);
  return book ? withCourier(ctx, courierId, { ...book, status: 'off' }) : {};
}

export function orderPlaced(ctx: MealDispatchContext, order: MealOrder) {
  return {
    open: mapSet(ctx.open, order.id, order),
    orders: mapSet(ctx.orders, order.id, { order, assignmentId: null, pickupAt: null, dropoffAt: null }),
  };
}

export function pickedUp(ctx: MealDispatchContext, assignmentId: string, pickupAt: number) {
  const a = mapGet(ctx.assignments, assignmentId);
  if (!a) return {};
  let orders = ctx.orders;
  for (const id of a.orderIds)
    orders = mapSet(orders, id, { ...(mapGet(orders, id) as OrderBook), pickupAt });
  return { assignments: mapSet(ctx.assignments, assignmentId, { ...a, pickupAt }), orders };
}

export function delivered(ctx: MealDispatchContext, orderId: string, dropoffAt: number) {
  const o = mapGet(ctx.orders, orderId);
  return o ? { orders: mapSet(ctx.orders, orderId, { ...o, dropoffAt }) } : {};
}
