import { assign, setup } from 'xstate';
import type { SendParams } from './errand-order.ts';
import {
  type ChatDelivery,
  type CourierMode,
  type CourierType,
  DISPATCH,
  type DispatchToCourier,
  type ErrandCategory,
  type ErrandListing,
  type Point,
  type StoreToCourier,
  type TrunkJob,
  type VehicleToHolder,
  type WorldEvent,
} from './protocol.ts';

export interface CourierInput {
  readonly id: string;
  readonly courierType: CourierType;
  readonly mode: CourierMode;
  readonly categories: readonly ErrandCategory[];
  /** Ordinary couriers pull orders within this radius (metres). */
  readonly pullRadius: number;
  readonly pullIntervalMs: number;
  /** Time spent at a pickup or drop-off point (hand-over, signature). */
  readonly serviceMs: number;
  /** While on a job the terminal reports its position this often (live tracking). */
  readonly trackingIntervalMs: number;
  /** An accept without an answer is given up after this long (a lost message). */
  readonly acceptTimeoutMs: number;
  /** Where the courier starts its shift. */
  readonly home: Point;
}

export interface CourierContext extends CourierInput {
  /** Where the courier last stopped (the world reports it with every arrival). */
  position: Point;
  job: ErrandListing | null;
  /** A trunk delivery's car, key and goods (flow 1); null for an errand. */
  trunk: TrunkJob | null;
  publisherMasked: string | null;
  shiftEnding: boolean;
  repliedToChat: boolean;
  /** How many times the trunk key was presented at the car for the current opening. */
  keyTries: number;
  /**
   * Orders won while busy: an accept whose answer came late (after another job was taken) still
   * made the order ours, so it is done after the current job rather than left assigned and idle.
   */
  won: readonly AcceptResult[];
}

type AcceptResult = Extract<DispatchToCourier, { type: 'errand.acceptResult' }>;

function jobOf(result: AcceptResult) {
  return {
    job: result.listing ?? null,
    trunk: result.trunk ?? null,
    publisherMasked: result.publisherMasked ?? null,
    repliedToChat: false,
  };
}

export type CourierEvent =
  | Extract<WorldEvent, { type: 'shift.start' | 'shift.end' | 'travel.arrived' }>
  | DispatchToCourier
  | ChatDelivery
  | StoreToCourier
  | VehicleToHolder
  | { type: 'error'; about: string; reason: string; orderId?: string };

function takeable(ctx: CourierContext, listing: ErrandListing): boolean {
  return ctx.categories.includes(listing.category);
}

function firstTakeable(ctx: CourierContext, event: CourierEvent): ErrandListing | undefined {
  if (event.type === 'errand.offer') return takeable(ctx, event.listing) ? event.listing : undefined;
  if (event.type === 'errand.list') return event.listings.find((l) => takeable(ctx, l));
  return undefined;
}

const pickedUp = pickedUpMessage();

function pickedUpMessage() {
  return {
    type: 'send' as const,
    params: ({ context }: { context: CourierContext }): SendParams => ({
      to: DISPATCH,
      message: { type: 'errand.pickedUp', orderId: context.job?.orderId ?? '', courierId: context.id },
    }),
  };
}

const acceptFirst = {
  type: 'send' as const,
  params: ({ context, event }: { context: CourierContext; event: CourierEvent }): SendParams => ({
    to: DISPATCH,
    message: {
      type: 'errand.accept',
      orderId: firstTakeable(context, event)?.orderId ?? '',
      courierId: context.id,
    },
  }),
};

function toDispatch(message: (ctx: CourierContext) => SendParams['message']) {
  return {
    type: 'send' as const,
    params: ({ context }: { context: CourierContext }): SendParams => ({
      to: DISPATCH,
      message: message(context),
    }),
  };
}

function trunkMessage(type: string, ctx: CourierContext) {
  return { type, orderId: ctx.job?.orderId ?? '', courierId: ctx.id };
}

/** A message to the store of the current job (collect the goods, or bring them back). */
function toStore(type: 'store.collect' | 'store.return', store: (ctx: CourierContext) => string | undefined) {
  return {
    type: 'send' as const,
    params: ({ context }: { context: CourierContext }): SendParams => ({
      to: store(context) ?? '',
      message: trunkMessage(type, context),
    }),
  };
}

const collect = toStore('store.collect', (ctx) => ctx.job?.storeId);

const goOffline = toDispatch((ctx) => ({ type: 'courier.offline', courierId: ctx.id }));

/**
 * A car answers a key over Bluetooth within a second; one that has not answered after
 * `KEY_RETRY_MS` is presented the key again (the same request), `MAX_KEY_TRIES` times in all, and
 * then given up on.
 */
export const KEY_RETRY_MS = 60_000;
export const MAX_KEY_TRIES = 4;

const openRequest = (ctx: CourierContext) => `${ctx.job?.orderId}:open`;

/** Travel to where the job's current leg goes; started again on `travelRetry`. */
function travelTo(to: (ctx: CourierContext) => Point) {
  return {
    type: 'travel' as const,
    params: ({ context }: { context: CourierContext }) => ({ to: to(context) }),
  };
}

/**
 * A leg that has not ended after this long is started again from where the courier is (the world
 * answers at once if it is already there): an arrival lost while the app was down must not strand
 * the courier and the order. Longer than a trip across the city on foot (the longest legs of a
 * healthy Monaco day take under an hour), so a healthy day hardly ever repeats one.
 */
export const TRAVEL_RETRY_MS = 60 * 60_000;

/** Started again after `TRAVEL_RETRY_MS` (see there). */
const retryTravel = (state: string) => ({ travelRetry: { target: state, reenter: true } });

/**
 * A courier of the errand platform (`ordinary` or `professional`, on foot, bike or car). Professional
 * couriers wait for pushed offers; ordinary ones pull the orders near them, filtered by category.
 * Travel is a named effect: the world moves the courier analytically and sends `travel.arrived`.
 */
export const courierMachine = setup({
  types: {
    context: {} as CourierContext,
    events: {} as CourierEvent,
    input: {} as CourierInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
    /** Starts a trip on the road graph for the courier's mode; the world answers `travel.arrived`. */
    travel: (_, _params: { to: Point }) => {},
    /** Abandons the current trip where the courier is now. */
    stopTravel: () => {},
    /** Sends `courier.position` with the current position and ETA (the terminal's location port). */
    reportPosition: () => {},
    takeJob: assign(({ event }) => (event.type === 'errand.acceptResult' ? jobOf(event) : {})),
    /** The next order won while busy becomes the job. */
    takeWon: assign(({ context }) => {
      const [next, ...rest] = context.won;
      return next ? { ...jobOf(next), won: rest } : {};
    }),
    arrivedAt: assign(({ event }) => (event.type === 'travel.arrived' ? { position: event.position } : {})),
  },
  guards: {
    isOrdinary: ({ context }) => context.courierType === 'ordinary',
    canTake: ({ context, event }) => firstTakeable(context, event) !== undefined,
    accepted: ({ event }) => event.type === 'errand.acceptResult' && event.ok,
    atStore: ({ context }) => context.job?.storeId !== undefined,
    ourJob: ({ context, event }) => 'orderId' in event && event.orderId === context.job?.orderId,
    trunkJob: ({ context }) => context.trunk !== null,
    trunkOpened: ({ context, event }) =>
      event.type === 'key.result' && event.ok && event.requestId === openRequest(context),
    trunkRefused: ({ context, event }) =>
      event.type === 'key.result' && !event.ok && event.requestId === openRequest(context),
    /**
     * A presentation repeated because no answer came is refused as used up: the key is bound to
     * this courier and good for one use, so the use was our own earlier presentation, and the car
     * opened the trunk then (only its answer was lost).
     */
    openedEarlier: ({ context, event }) =>
      event.type === 'key.result' &&
      !event.ok &&
      event.requestId === openRequest(context) &&
      event.reason === 'uses_exhausted' &&
      context.keyTries > 1,
    mayPresentAgain: ({ context }) => context.keyTries < MAX_KEY_TRIES,
    shiftEnding: ({ context }) => context.shiftEnding,
    hasWon: ({ context }) => context.won.length > 0,
    /** A won order's answer reached us on another job (and is not already noted). */
    wonWhileBusy: ({ context, event }) =>
      event.type === 'errand.acceptResult' &&
      event.ok &&
      event.listing !== undefined &&
      event.orderId !== context.job?.orderId &&
      !context.won.some((w) => w.orderId === event.orderId),
    chatNotAnswered: ({ context }) => !context.repliedToChat && context.publisherMasked !== null,
  },
  delays: {
    pullInterval: ({ context }) => context.pullIntervalMs,
    service: ({ context }) => context.serviceMs,
    tracking: ({ context }) => context.trackingIntervalMs,
    acceptTimeout: ({ context }) => context.acceptTimeoutMs,
    /**
     * A store that has not handed over after this long is asked again: a lost handover (or a store
     * that was not answering) must not strand the courier and the order. Longer than any normal
     * preparation, so a healthy day never repeats a collect.
     */
    collectRetry: 15 * 60_000,
    /**
     * At a car, dispatch's instruction (unlock, re-route, hold, return) is pushed unasked and can be
     * lost for good; after this long without one the courier reports its arrival again, and the
     * order answers with its current instruction.
     */
    instructionRetry: 5 * 60_000,
    travelRetry: TRAVEL_RETRY_MS,
    keyRetry: KEY_RETRY_MS,
  },
}).createMachine({
  id: 'courier',
  context: ({ input }) => ({
    ...input,
    position: input.home,
    job: null,
    trunk: null,
    publisherMasked: null,
    shiftEnding: false,
    repliedToChat: false,
    keyTries: 0,
    won: [],
  }),
  initial: 'offDuty',
  states: {
    offDuty: {
      on: {
        'shift.start': {
          target: 'idle',
          actions: [
            assign({ shiftEnding: false }),
            toDispatch((ctx) => ({
              type: 'courier.online',
              courierId: ctx.id,
              courierType: ctx.courierType,
              mode: ctx.mode,
              categories: ctx.categories,
              position: ctx.position,
            })),
          ],
        },
      },
    },
    idle: {
      initial: 'choosing',
      states: {
        choosing: {
          always: [
            // the shift ended while an accept was pending and it came to nothing: go home now
            { guard: 'shiftEnding', target: '#courier.offDuty', actions: goOffline },
            { guard: 'isOrdinary', target: 'pulling' },
            { target: 'awaitingOffers' },
          ],
        },
        pulling: {
          entry: {
            type: 'reportPosition',
          },
          after: {
            pullInterval: {
              target: 'pulling',
              reenter: true,
              actions: {
                type: 'send',
                params: ({ context }) => ({
                  to: DISPATCH,
                  message: {
                    type: 'errand.pull',
                    courierId: context.id,
                    position: context.position,
                    radius: context.pullRadius,
                    categories: context.categories,
                  },
                }),
              },
            },
          },
        },
        awaitingOffers: {},
      },
      on: {
        'errand.offer': { guard: 'canTake', target: 'accepting', actions: acceptFirst },
        'errand.list': { guard: 'canTake', target: 'accepting', actions: acceptFirst },
        // an answer that arrived after the accept timed out: the order is ours, so do it
        'errand.acceptResult': { guard: 'accepted', target: 'working', actions: 'takeJob' },
        'shift.end': { target: 'offDuty', actions: goOffline },
      },
    },
    accepting: {
      after: { acceptTimeout: { target: 'idle' } },
      on: {
        'errand.acceptResult': [
          {
            guard: 'accepted',
            target: 'working',
            actions: 'takeJob',
          },
          { target: 'idle' },
        ],
        'shift.end': { actions: assign({ shiftEnding: true }) },
      },
    },
    working: {
      type: 'parallel',
      on: {
        'errand.cancelled': [
          { guard: 'ourJob', target: 'jobDone', actions: 'stopTravel' },
          // a won order not started yet was cancelled: drop it
          {
            actions: assign({
              won: ({ context, event }) =>
                context.won.filter((w) => event.type !== 'errand.cancelled' || w.orderId !== event.orderId),
            }),
          },
        ],
        'errand.acceptResult': {
          guard: 'wonWhileBusy',
          actions: assign({
            won: ({ context, event }) =>
              event.type === 'errand.acceptResult' ? [...context.won, event] : context.won,
          }),
        },
        'shift.end': { actions: assign({ shiftEnding: true }) },
        'chat.message': {
          guard: 'chatNotAnswered',
          actions: [
            assign({ repliedToChat: true }),
            {
              type: 'send',
              params: ({ context, event }) => ({
                to: DISPATCH,
                message: {
                  type: 'chat.send',
                  fromId: context.id,
                  toMasked:
                    event.type === 'chat.message' ? event.fromMasked : (context.publisherMasked ?? ''),
                  text: 'On my way.',
                },
              }),
            },
          ],
        },
      },
      states: {
        job: {
          initial: 'toPickup',
          states: {
            toPickup: {
              entry: [travelTo((ctx) => ctx.job?.pickup ?? ctx.home), 'reportPosition'],
              after: retryTravel('toPickup'),
              on: {
                'travel.arrived': [
                  {
                    guard: 'atStore',
                    target: 'atStore',
                    actions: ['arrivedAt', collect],
                  },
                  { target: 'pickingUp', actions: 'arrivedAt' },
                ],
              },
            },
            atStore: {
              after: {
                collectRetry: {
                  target: 'atStore',
                  reenter: true,
                  actions: collect,
                },
              },
              on: {
                'store.handover': { guard: 'ourJob', target: 'toDropoff', actions: pickedUp },
                // our first collect's handover was lost and the retry found it done: we hold the goods
                'store.alreadyHandedOver': { guard: 'ourJob', target: 'toDropoff', actions: pickedUp },
              },
            },
            pickingUp: { after: { service: { target: 'toDropoff', actions: pickedUp } } },
            toDropoff: {
              entry: [travelTo((ctx) => ctx.job?.dropoff ?? ctx.home), 'reportPosition'],
              after: retryTravel('toDropoff'),
              on: {
                'travel.arrived': [
                  {
                    guard: 'trunkJob',
                    target: 'atCar',
                    actions: ['arrivedAt', toDispatch((ctx) => trunkMessage('trunk.atCar', ctx))],
                  },
                  { target: 'handingOver', actions: 'arrivedAt' },
                ],
              },
            },
            // trunk delivery: dispatch checks the car again and says unlock, re-route, hold or return
            atCar: {
              after: {
                instructionRetry: {
                  target: 'atCar',
                  reenter: true,
                  actions: toDispatch((ctx) => trunkMessage('trunk.atCar', ctx)),
                },
              },
              on: {
                'trunk.unlock': { guard: 'ourJob', target: 'opening', actions: assign({ keyTries: 0 }) },
                'trunk.reroute': {
                  guard: 'ourJob',
                  target: 'toDropoff',
                  reenter: true,
                  actions: assign(({ context, event }) =>
                    event.type === 'trunk.reroute' && context.job
                      ? { job: { ...context.job, dropoff: event.position } }
                      : {},
                  ),
                },
                // a hold restarts the wait: dispatch is checking the car again
                'trunk.hold': { guard: 'ourJob', target: 'atCar', reenter: true },
                'trunk.return': { guard: 'ourJob', target: 'returning' },
              },
            },
            // presents the trunk key (again, with the same request, while the car does not answer)
            opening: {
              entry: [
                assign({ keyTries: ({ context }) => context.keyTries + 1 }),
                {
                  type: 'send',
                  params: ({ context }) => ({
                    to: context.trunk?.vehicleId ?? '',
                    message: {
                      type: 'key.present',
                      requestId: openRequest(context),
                      presenterId: context.id,
                      key: context.trunk?.key,
                      action: 'trunk_open',
                    },
                  }),
                },
              ],
              after: {
                keyRetry: [
                  { guard: 'mayPresentAgain', target: 'opening', reenter: true },
                  // the car never answered: dispatch sends the goods back (a trunk that did open
                  // closes by itself)
                  {
                    target: 'atCar',
                    actions: toDispatch((ctx) => ({
                      ...trunkMessage('trunk.unlockFailed', ctx),
                      reason: 'no_answer',
                    })),
                  },
                ],
              },
              on: {
                'key.result': [
                  { guard: 'trunkOpened', target: 'depositing' },
                  { guard: 'openedEarlier', target: 'depositing' },
                  {
                    guard: 'trunkRefused',
                    target: 'atCar',
                    actions: {
                      type: 'send',
                      params: ({ context, event }) => ({
                        to: DISPATCH,
                        message: {
                          ...trunkMessage('trunk.unlockFailed', context),
                          reason: (event.type === 'key.result' && event.reason) || 'refused',
                        },
                      }),
                    },
                  },
                ],
              },
            },
            depositing: {
              after: {
                service: {
                  target: '#courier.jobDone',
                  actions: [
                    {
                      type: 'send',
                      params: ({ context }) => ({
                        to: context.trunk?.vehicleId ?? '',
                        message: { type: 'trunk.close', presenterId: context.id },
                      }),
                    },
                    toDispatch((ctx) => trunkMessage('trunk.deposited', ctx)),
                  ],
                },
              },
            },
            returning: {
              entry: [travelTo((ctx) => ctx.job?.pickup ?? ctx.home), 'reportPosition'],
              after: retryTravel('returning'),
              on: {
                'travel.arrived': {
                  target: '#courier.jobDone',
                  actions: [
                    'arrivedAt',
                    toStore('store.return', (ctx) => ctx.trunk?.storeId),
                    toDispatch((ctx) => trunkMessage('trunk.returned', ctx)),
                  ],
                },
              },
            },
            handingOver: {
              after: {
                service: {
                  target: '#courier.jobDone',
                  actions: toDispatch((ctx) => ({
                    type: 'errand.delivered',
                    orderId: ctx.job?.orderId ?? '',
                    courierId: ctx.id,
                  })),
                },
              },
            },
          },
        },
        tracker: {
          initial: 'ticking',
          states: {
            ticking: { after: { tracking: { target: 'ticking', reenter: true, actions: 'reportPosition' } } },
          },
        },
      },
    },
    jobDone: {
      entry: assign({ job: null, trunk: null, publisherMasked: null }),
      always: [
        { guard: 'hasWon', target: 'working', actions: 'takeWon' },
        { guard: 'shiftEnding', target: 'offDuty', actions: goOffline },
        { target: 'idle' },
      ],
    },
  },
});
