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

export type AcceptResult = Extract<DispatchToCourier, { type: 'errand.acceptResult' }>;

export function jobOf(result: AcceptResult) {
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

export function takeable(ctx: CourierContext, listing: ErrandListing): boolean {
  return ctx.categories.includes(listing.category);
}

export function firstTakeable(ctx: CourierContext, event: CourierEvent): ErrandListing | undefined {
  if (event.type === 'errand.offer') return takeable(ctx, event.listing) ? event.listing : undefined;
  if (event.type === 'errand.list') return event.listings.find((l) => takeable(ctx, l));
  return undefined;
}

export const pickedUp = pickedUpMessage();

function pickedUpMessage() {
  return {
    type: 'send' as const,
    params: ({ context }: { context: CourierContext }): SendParams => ({
      to: DISPATCH,
      message: { type: 'errand.pickedUp', orderId: context.job?.orderId ?? '', courierId: context.id },
    }),
  };
}

export const acceptFirst = {
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

export function toDispatch(message: (ctx: CourierContext) => SendParams['message']) {
  return {
    type: 'send' as const,
    params: ({ context }: { context: CourierContext }): SendParams => ({
      to: DISPATCH,
      message: message(context),
    }),
  };
}

export function trunkMessage(type: string, ctx: CourierContext) {
  return { type, orderId: ctx.job?.orderId ?? '', courierId: ctx.id };
}

/** A message to the store of the current job (collect the goods, or bring them back). */
export function toStore(
  type: 'store.collect' | 'store.return',
  store: (ctx: CourierContext) => string | undefined,
) {
  return {
    type: 'send' as const,
    params: ({ context }: { context: CourierContext }): SendParams => ({
      to: store(context) ?? '',
      message: trunkMessage(type, context),
    }),
  };
}

export const collect = toStore('store.collect', (ctx) => ctx.job?.storeId);

export const goOffline = toDispatch((ctx) => ({ type: 'courier.offline', courierId: ctx.id }));

/**
 * A car answers a key over Bluetooth within a second; one that has not answered after
 * `KEY_RETRY_MS` is presented the key again (the same request), `MAX_KEY_TRIES` times in all, and
 * then given up on.
 */
export const KEY_RETRY_MS = 60_000;
export const MAX_KEY_TRIES = 4;

export const openRequest = (ctx: CourierContext) => `${ctx.job?.orderId}:open`;

/** Travel to where the job's current leg goes; started again on `travelRetry`. */
export function travelTo(to: (ctx: CourierContext) => Point) {
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
export const retryTravel = (state: string) => ({ travelRetry: { target: state, reenter: true } });

/**
 * The courier's types, effects, guards and delays, shared by the machine (courier.ts) and its
 * trunk-delivery states (courier-trunk.ts) so both are typed against the same setup.
 */
export const courierSetup = setup({
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
});
