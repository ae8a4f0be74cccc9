import { setup } from 'xstate';
import {
  MEAL_DISPATCH,
  type MealCourierToDispatch,
  type MealDispatchToCourier,
  type MealRoute,
  type MealSend,
  type MealWorldEvent,
  type Point,
  START_PLACE,
} from './meal-protocol.ts';
import { pickupTime } from './meal-route.ts';

export interface MealCourierInput {
  readonly id: string;
  readonly start: Point;
  /** After this instant the courier picks nothing up; it still finishes its drop-offs. */
  readonly offTime: number;
  readonly halfPickupMs: number;
  readonly halfDropoffMs: number;
}

export interface MealCourierContext extends MealCourierInput {
  /** The instant of the last event or timer: stamped events set it, timers advance it by their delay. */
  now: number;
  /** Where the courier is, or last was: `0` (start point), a restaurant id or an order id. */
  place: string;
  point: Point;
  /** Where the current trip goes (a restaurant or an order id). */
  destination: string;
  destinationPoint: Point;
  route: MealRoute | null;
  /** Index of the next drop-off in the route. */
  stop: number;
  arrivedAt: number;
  pickupAt: number;
}

export type MealCourierEvent =
  | Extract<MealWorldEvent, { type: 'shift.start' | 'shift.end' | 'travel.arrived' }>
  | MealDispatchToCourier;

type Ctx = { context: MealCourierContext };
type CtxEvent = Ctx & { event: MealCourierEvent };
type ToDispatch = MealCourierToDispatch extends infer M ? (M extends unknown ? Omit<M, 'at'> : never) : never;

const courier = setup({
  types: {
    context: {} as MealCourierContext,
    events: {} as MealCourierEvent,
    input: {} as MealCourierInput,
  },
  actions: {
    send: (_, _params: MealSend) => {},
    /** Moves the courier from one place to another; the world records the move and sends `travel.arrived`. */
    travel: (_, _params: { from: string; fromPoint: Point; to: string; toPoint: Point }) => {},
  },
  guards: {
    atRouteRestaurant: ({ context, event }) =>
      event.type === 'meal.route' && event.route.restaurantId === context.place,
    alreadyThere: ({ context, event }) =>
      event.type === 'meal.reposition' && event.restaurantId === context.place,
    toOurRestaurant: ({ context, event }) =>
      event.type === 'meal.route' && event.route.restaurantId === context.destination,
    ourAssignment: ({ context, event }) =>
      event.type === 'meal.routeUpdate' &&
      event.route.assignmentId === context.route?.assignmentId &&
      event.route.restaurantId === context.place,
    moreStops: ({ context }) => context.route !== null && context.stop + 1 < context.route.stops.length,
    shiftOver: ({ context }) => context.now >= context.offTime,
  },
  delays: {
    untilPickup: ({ context }) => Math.max(0, context.pickupAt - context.now),
    halfPickup: ({ context }) => context.halfPickupMs,
    halfDropoff: ({ context }) => context.halfDropoffMs,
  },
});

const assign = courier.assign;

function report(message: (ctx: MealCourierContext, event: MealCourierEvent) => ToDispatch) {
  return {
    type: 'send' as const,
    params: ({ context, event }: CtxEvent): MealSend => ({
      to: MEAL_DISPATCH,
      message: message(context, event),
    }),
  };
}

const stamp = assign(({ event }: { event: MealCourierEvent }) => ({ now: event.at }));
const online = report((c) => ({ type: 'courier.online', courierId: c.id, place: c.place, point: c.point }));
const free = report((c) => ({ type: 'courier.free', courierId: c.id, place: c.place, point: c.point }));
const offline = report((c) => ({ type: 'courier.offline', courierId: c.id }));
const refuse = report((c, e) => ({
  type: 'meal.refused',
  courierId: c.id,
  assignmentId: e.type === 'meal.route' || e.type === 'meal.routeUpdate' ? e.route.assignmentId : null,
}));

/** Starts the trip to `destination` (the world answers `travel.arrived` after the travel time). */
const travel = {
  type: 'travel' as const,
  params: ({ context }: Ctx) => ({
    from: context.place,
    fromPoint: context.point,
    to: context.destination,
    toPoint: context.destinationPoint,
  }),
};

const headForRestaurant = assign(({ event }: { event: MealCourierEvent }) =>
  event.type === 'meal.route'
    ? {
        route: event.route,
        stop: 0,
        destination: event.route.restaurantId,
        destinationPoint: event.route.restaurant,
      }
    : {},
);

const arrive = assign(({ context, event }: CtxEvent) => ({
  now: event.at,
  arrivedAt: event.at,
  place: context.destination,
  point: context.destinationPoint,
}));

const headForStop = assign(({ context }: Ctx) => {
  const stop = context.route?.stops[context.stop];
  return stop ? { destination: stop.orderId, destinationPoint: stop.point } : {};
});

/**
 * A courier of the meal flow. It obeys dispatch: a route sends it to a restaurant — a trip that
 * cannot be diverted — where it picks the bundle up once the food is ready and half the pickup
 * service has passed, then drops the orders off in the route's sequence. Between routes it waits
 * where it is (its start point or its last drop-off), or at a restaurant it was prepositioned to.
 * On arrival at the restaurant it reports, and dispatch may replace the bundle to pick up there.
 * It picks nothing up after its off time but finishes its drop-offs.
 */
export const mealCourierMachine = courier.createMachine({
  id: 'mealCourier',
  context: ({ input }) => ({
    ...input,
    now: 0,
    place: START_PLACE,
    point: input.start,
    destination: START_PLACE,
    destinationPoint: input.start,
    route: null,
    stop: 0,
    arrivedAt: 0,
    pickupAt: 0,
  }),
  initial: 'offDuty',
  states: {
    offDuty: {
      on: {
        'shift.start': { target: 'waiting', actions: [stamp, online] },
        'meal.route': { actions: refuse },
        'meal.reposition': { actions: refuse },
      },
    },
    waiting: {
      on: {
        'meal.route': [
          // prepositioned here: it has been at the restaurant since it arrived
          { guard: 'atRouteRestaurant', target: 'atRestaurant', actions: [stamp, headForRestaurant] },
          { target: 'toRestaurant', actions: [stamp, headForRestaurant, travel] },
        ],
        'meal.reposition': [
          { guard: 'alreadyThere', actions: [stamp, free] },
          {
            target: 'repositioning',
            actions: [
              stamp,
              assign(({ event }) =>
                event.type === 'meal.reposition'
                  ? { destination: event.restaurantId, destinationPoint: event.point }
                  : {},
              ),
              travel,
            ],
          },
        ],
        'shift.end': { target: 'offDuty', actions: [stamp, offline] },
      },
    },
    repositioning: {
      on: {
        'travel.arrived': [
          { guard: 'shiftOver', target: 'offDuty', actions: [arrive, offline] },
          { target: 'waiting', actions: [arrive, free] },
        ],
        // a route at the restaurant it is heading to is no diversion: keep going, pick up there
        'meal.route': [
          {
            guard: 'toOurRestaurant',
            target: 'toRestaurant',
            actions: [
              stamp,
              assign(({ event }) => (event.type === 'meal.route' ? { route: event.route, stop: 0 } : {})),
            ],
          },
          { actions: refuse },
        ],
        'meal.reposition': { actions: refuse },
      },
    },
    toRestaurant: {
      on: {
        'travel.arrived': { target: 'atRestaurant', actions: arrive },
        'meal.route': { actions: refuse },
        'meal.reposition': { actions: refuse },
      },
    },
    atRestaurant: {
      entry: report((c) => ({
        type: 'courier.atRestaurant',
        courierId: c.id,
        assignmentId: c.route?.assignmentId ?? '',
      })),
      initial: 'waitingForFood',
      states: {
        waitingForFood: {
          entry: assign(({ context }) => ({
            pickupAt: pickupTime(context, context.arrivedAt, context.route?.readyAt ?? context.arrivedAt),
          })),
          after: {
            untilPickup: {
              target: 'leaving',
              actions: [
                assign(({ context }) => ({ now: context.pickupAt })),
                report((c) => ({
                  type: 'meal.pickedUp',
                  courierId: c.id,
                  assignmentId: c.route?.assignmentId ?? '',
                  pickupAt: c.pickupAt,
                })),
              ],
            },
          },
          on: {
            'meal.routeUpdate': {
              guard: 'ourAssignment',
              target: 'waitingForFood',
              reenter: true,
              actions: [
                stamp,
                assign(({ event }) => (event.type === 'meal.routeUpdate' ? { route: event.route } : {})),
              ],
            },
          },
        },
        leaving: {
          after: {
            halfPickup: {
              target: '#mealCourier.toCustomer',
              actions: [
                assign(({ context }) => ({ now: context.now + context.halfPickupMs, stop: 0 })),
                headForStop,
                travel,
              ],
            },
          },
        },
      },
      on: {
        'meal.route': { actions: refuse },
        'meal.reposition': { actions: refuse },
      },
    },
    toCustomer: {
      on: {
        'travel.arrived': { target: 'handingOver', actions: arrive },
        'meal.route': { actions: refuse },
        'meal.reposition': { actions: refuse },
      },
    },
    handingOver: {
      initial: 'dropping',
      states: {
        dropping: {
          after: {
            halfDropoff: {
              target: 'leaving',
              actions: [
                assign(({ context }) => ({ now: context.now + context.halfDropoffMs })),
                report((c) => ({
                  type: 'meal.delivered',
                  courierId: c.id,
                  assignmentId: c.route?.assignmentId ?? '',
                  orderId: c.place,
                  dropoffAt: c.now,
                })),
              ],
            },
          },
        },
        leaving: {
          after: {
            halfDropoff: [
              {
                guard: 'moreStops',
                target: '#mealCourier.toCustomer',
                actions: [
                  assign(({ context }) => ({
                    now: context.now + context.halfDropoffMs,
                    stop: context.stop + 1,
                  })),
                  headForStop,
                  travel,
                ],
              },
              {
                target: '#mealCourier.routeDone',
                actions: assign(({ context }) => ({
                  now: context.now + context.halfDropoffMs,
                  route: null,
                })),
              },
            ],
          },
        },
      },
      on: {
        'meal.route': { actions: refuse },
        'meal.reposition': { actions: refuse },
      },
    },
    routeDone: {
      always: [
        { guard: 'shiftOver', target: 'offDuty', actions: offline },
        { target: 'waiting', actions: free },
      ],
    },
  },
});
