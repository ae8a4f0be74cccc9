/**
 * xstate/graph coverage plans for the meal-delivery machines (they are not part of the five flows'
 * protocol, so the protocol harness never runs them): every message each one can receive, with
 * payloads that do and do not match its state, explored to every transition.
 */
import type { SnapshotFrom } from 'xstate';
import { hungarianAssignment } from '../../../machines/meal-assignment.ts';
import { type MealCourierEvent, mealCourierMachine } from '../../../machines/meal-courier.ts';
import { type MealDispatchEvent, mealDispatchMachine } from '../../../machines/meal-dispatch.ts';
import { DEFAULT_GREEDY, DEFAULT_ROLLING } from '../../../machines/meal-policy.ts';
import type { MealRoute, MealTiming } from '../../../machines/meal-protocol.ts';
import { mapGet, mapKeys } from '../../../machines/persistent-map.ts';
import { plan } from '../coverage-plan.ts';

const R1 = { x: 0, y: 0 };
const R2 = { x: 900, y: 0 };
const OFF_TIME = 3_600_000;

function route(assignmentId: string, restaurantId: string, stops: number): MealRoute {
  return {
    assignmentId,
    restaurantId,
    restaurant: restaurantId === 'r1' ? R1 : R2,
    readyAt: 0,
    stops: Array.from({ length: stops }, (_, i) => ({
      orderId: `o${i + 1}`,
      point: { x: 100 * (i + 1), y: 300 },
    })),
  };
}

const courier = plan({
  machine: mealCourierMachine,
  scenarios: [
    {
      name: 'meal courier',
      input: {
        id: 'm1',
        start: { x: 500, y: 500 },
        offTime: OFF_TIME,
        halfPickupMs: 60_000,
        halfDropoffMs: 60_000,
      },
      events: (s): MealCourierEvent[] => {
        // events stamped before and after the off time, so routes end both ways
        const times = [s.context.now + 1_000, OFF_TIME + 1];
        const list: MealCourierEvent[] = [];
        for (const at of times) {
          list.push(
            { type: 'shift.start', at },
            { type: 'shift.end', at },
            { type: 'travel.arrived', at },
            { type: 'meal.route', route: route('a1', 'r1', 1), at },
            { type: 'meal.route', route: route('a2', 'r2', 2), at },
            { type: 'meal.reposition', restaurantId: 'r1', point: R1, at },
            { type: 'meal.reposition', restaurantId: 'r2', point: R2, at },
          );
          if (s.context.route)
            list.push({ type: 'meal.routeUpdate', route: { ...s.context.route, readyAt: at + 60_000 }, at });
        }
        return list;
      },
      key: (s) =>
        JSON.stringify([
          s.value,
          s.context.place,
          s.context.destination,
          s.context.stop,
          s.context.route?.assignmentId ?? null,
          s.context.now >= OFF_TIME,
        ]),
    },
  ],
});

const TIMING: MealTiming = {
  metersPerMinute: 300,
  halfPickupMs: 120_000,
  halfDropoffMs: 120_000,
  targetClickToDoorMs: 40 * 60_000,
};

const dispatchInput = (policy: typeof DEFAULT_GREEDY | typeof DEFAULT_ROLLING) => ({
  timing: TIMING,
  policy,
  restaurants: { r1: R1, r2: R2 },
  roster: [{ id: 'm1', start: { x: 200, y: 0 }, onTime: 0, offTime: OFF_TIME }],
  solve: hungarianAssignment,
});

type DispatchSnapshot = SnapshotFrom<typeof mealDispatchMachine>;

function dispatchEvents(s: DispatchSnapshot): MealDispatchEvent[] {
  const at = s.context.now + 60_000;
  const placed = s.context.orders.size;
  const assignment = mapKeys(s.context.assignments)[0] ?? 'A1';
  const list: MealDispatchEvent[] = [
    { type: 'courier.online', courierId: 'm1', place: '0', point: { x: 200, y: 0 }, at },
    { type: 'courier.free', courierId: 'm1', place: 'r1', point: R1, at },
    { type: 'courier.offline', courierId: 'm1', at },
    { type: 'courier.atRestaurant', courierId: 'm1', assignmentId: assignment, at },
    { type: 'meal.pickedUp', courierId: 'm1', assignmentId: assignment, pickupAt: at, at },
    { type: 'meal.delivered', courierId: 'm1', assignmentId: assignment, orderId: 'o1', dropoffAt: at, at },
    { type: 'meal.refused', courierId: 'm1', assignmentId: assignment, at },
    { type: 'redecide', at },
    { type: 'service.end', at },
  ];
  if (placed < 2)
    list.push({
      type: 'meal.placed',
      order: {
        id: `o${placed + 1}`,
        restaurantId: 'r1',
        point: { x: 300, y: 300 },
        placedAt: at,
        readyAt: at + 300_000,
      },
      at,
    });
  return list;
}

const dispatchKey = (s: DispatchSnapshot) =>
  JSON.stringify([
    s.value,
    s.context.orders.size,
    s.context.open.size,
    s.context.waiting.size,
    // capped: reassignment can repeat forever, and past three the states behave alike
    Math.min(s.context.assignmentCount, 3),
    mapKeys(s.context.couriers).map((id) => mapGet(s.context.couriers, id)?.status),
  ]);

const dispatch = plan({
  machine: mealDispatchMachine,
  scenarios: [
    {
      name: 'greedy meal dispatch',
      input: dispatchInput(DEFAULT_GREEDY),
      events: dispatchEvents,
      key: dispatchKey,
    },
    {
      name: 'rolling meal dispatch',
      input: dispatchInput(DEFAULT_ROLLING),
      events: dispatchEvents,
      key: dispatchKey,
    },
  ],
});

export const coveragePlans = [courier, dispatch];
