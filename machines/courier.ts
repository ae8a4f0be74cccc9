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

const goOffline = toDispatch((ctx) => ({ type: 'courier.offline', courierId: ctx.id }));

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
    takeJob: assign(({ event }) =>
      event.type === 'errand.acceptResult'
        ? {
            job: event.listing ?? null,
            trunk: event.trunk ?? null,
            publisherMasked: event.publisherMasked ?? null,
            repliedToChat: false,
          }
        : {},
    ),
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
      event.type === 'key.result' && event.ok && event.requestId === `${context.job?.orderId}:open`,
    trunkRefused: ({ context, event }) =>
      event.type === 'key.result' && !event.ok && event.requestId === `${context.job?.orderId}:open`,
    shiftEnding: ({ context }) => context.shiftEnding,
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
        'errand.cancelled': { guard: 'ourJob', target: 'jobDone', actions: 'stopTravel' },
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
              entry: [
                { type: 'travel', params: ({ context }) => ({ to: context.job?.pickup ?? context.home }) },
                'reportPosition',
              ],
              on: {
                'travel.arrived': [
                  {
                    guard: 'atStore',
                    target: 'atStore',
                    actions: [
                      'arrivedAt',
                      {
                        type: 'send',
                        params: ({ context }) => ({
                          to: context.job?.storeId ?? '',
                          message: {
                            type: 'store.collect',
                            orderId: context.job?.orderId ?? '',
                            courierId: context.id,
                          },
                        }),
                      },
                    ],
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
                  actions: {
                    type: 'send',
                    params: ({ context }) => ({
                      to: context.job?.storeId ?? '',
                      message: {
                        type: 'store.collect',
                        orderId: context.job?.orderId ?? '',
                        courierId: context.id,
                      },
                    }),
                  },
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
              entry: [
                { type: 'travel', params: ({ context }) => ({ to: context.job?.dropoff ?? context.home }) },
                'reportPosition',
              ],
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
                'trunk.unlock': { guard: 'ourJob', target: 'opening' },
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
            opening: {
              entry: {
                type: 'send',
                params: ({ context }) => ({
                  to: context.trunk?.vehicleId ?? '',
                  message: {
                    type: 'key.present',
                    requestId: `${context.job?.orderId}:open`,
                    presenterId: context.id,
                    key: context.trunk?.key,
                    action: 'trunk_open',
                  },
                }),
              },
              on: {
                'key.result': [
                  { guard: 'trunkOpened', target: 'depositing' },
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
              entry: [
                { type: 'travel', params: ({ context }) => ({ to: context.job?.pickup ?? context.home }) },
                'reportPosition',
              ],
              on: {
                'travel.arrived': {
                  target: '#courier.jobDone',
                  actions: [
                    'arrivedAt',
                    {
                      type: 'send',
                      params: ({ context }) => ({
                        to: context.trunk?.storeId ?? '',
                        message: {
                          type: 'store.return',
                          orderId: context.job?.orderId ?? '',
                          courierId: context.id,
                        },
                      }),
                    },
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
      always: [{ guard: 'shiftEnding', target: 'offDuty', actions: goOffline }, { target: 'idle' }],
    },
  },
});
