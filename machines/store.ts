import { assign, enqueueActions, raise, setup } from 'xstate';
import type { SendParams } from './errand-order.ts';
import { emptyMap, mapDelete, mapHas, mapSet, type PersistentMap } from './persistent-map.ts';
import { type CourierToStore, DISPATCH, type ItemLine, type Point } from './protocol.ts';

/** The scanner reports an advertisement it heard once: these many recent ids are remembered. */
const RECENT_EIDS = 32;

export interface StoreInput {
  readonly id: string;
  readonly position: Point;
  /** Opening state at the start of the run (opening hours come as world events). */
  readonly openAtStart: boolean;
}

export interface StoreContext extends StoreInput {
  /** Orders being prepared or waiting for opening: order id → courier id waiting at the counter. */
  preparing: Record<string, string>;
  waitingForOpening: Record<string, string>;
  handedOver: number;
  /** Every order ever handed over here, so a repeated collect never hands the goods over twice. */
  handedOverIds: PersistentMap<true>;
  /** Trunk deliveries whose goods came back (the car could not be served). */
  returned: number;
  /** Preorders prepared here and waiting for their car. */
  preorders: PersistentMap<true>;
  /** Ids the curb scanner reported lately (a car at the curb is heard again and again). */
  recentEids: readonly string[];
}

export type StoreEvent =
  | CourierToStore
  | { type: 'preparation.done'; orderId: string }
  | { type: 'store.open' }
  | { type: 'store.close' }
  | { type: 'store.preorder'; orderId: string; items: readonly ItemLine[] }
  | { type: 'store.preorderCancelled'; orderId: string }
  | { type: 'store.handoverPreorder'; orderId: string; beaconId: string }
  /** The curb scanner heard a beacon (above its signal threshold), on the store's clock (sim ms). */
  | { type: 'scanner.heard'; eid: string; rssi: number; heardAt: number };

function refusePreorder(reason: string) {
  return {
    type: 'send' as const,
    params: ({ context, event }: { context: StoreContext; event: StoreEvent }): SendParams => ({
      to: DISPATCH,
      message: {
        type: 'store.preorderRefused',
        orderId: (event as { orderId: string }).orderId,
        storeId: context.id,
        reason,
      },
    }),
  };
}

/** A repeated collect (a duplicated or retried message) after the handover: say so, hand nothing. */
const answerHandedOver = {
  type: 'send' as const,
  params: ({ context, event }: { context: StoreContext; event: StoreEvent }): SendParams => {
    const { orderId, courierId } = event as CourierToStore;
    return { to: courierId, message: { type: 'store.alreadyHandedOver', orderId, storeId: context.id } };
  },
};

/**
 * A store's counter: it takes a courier's collection request, prepares the goods (preparation time
 * is a named delay the world draws from the scenario's distribution) and hands them over once;
 * requests that arrive while the store is closed wait for opening. It takes back the goods of a
 * trunk delivery that could not be made, keeps the preorders waiting for their car and hands each
 * over at most once, and its curb scanner reports every new beacon id it hears to dispatch.
 */
export const storeMachine = setup({
  types: {
    context: {} as StoreContext,
    events: {} as StoreEvent,
    input: {} as StoreInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
    /** The goods of a preorder went into a car (for the single-handover invariant). */
    handedToCar: (_, _params: { orderId: string; storeId: string }) => {},
  },
  guards: {
    openAtStart: ({ context }) => context.openAtStart,
    isPreparing: ({ context, event }) =>
      event.type === 'preparation.done' && event.orderId in context.preparing,
    alreadyKnown: ({ context, event }) =>
      event.type === 'store.collect' &&
      (event.orderId in context.preparing || event.orderId in context.waitingForOpening),
    alreadyHandedOver: ({ context, event }) =>
      (event.type === 'store.collect' || event.type === 'store.handoverPreorder') &&
      mapHas(context.handedOverIds, event.orderId),
    preorderHere: ({ context, event }) =>
      event.type === 'store.handoverPreorder' && mapHas(context.preorders, event.orderId),
    heardLately: ({ context, event }) =>
      event.type === 'scanner.heard' && context.recentEids.includes(event.eid),
  },
  delays: {
    /** Preparation time, provided by the world from the scenario's distribution. */
    preparation: 5 * 60_000,
  },
}).createMachine({
  id: 'store',
  context: ({ input }) => ({
    ...input,
    preparing: {},
    waitingForOpening: {},
    handedOver: 0,
    handedOverIds: emptyMap(),
    returned: 0,
    preorders: emptyMap(),
    recentEids: [],
  }),
  initial: 'starting',
  states: {
    starting: { always: [{ guard: 'openAtStart', target: 'open' }, { target: 'closed' }] },
    open: {
      on: {
        'store.collect': [
          { guard: 'alreadyHandedOver', actions: answerHandedOver },
          { guard: 'alreadyKnown' },
          {
            actions: [
              assign({
                preparing: ({ context, event }) => ({
                  ...context.preparing,
                  [event.orderId]: event.courierId,
                }),
              }),
              raise(({ event }) => ({ type: 'preparation.done' as const, orderId: event.orderId }), {
                delay: 'preparation',
              }),
            ],
          },
        ],
        'store.close': { target: 'closed' },
        'store.handoverPreorder': [
          { guard: 'alreadyHandedOver', actions: refusePreorder('already_handed_over') },
          {
            guard: 'preorderHere',
            actions: [
              assign(({ context, event }) => ({
                preorders: mapDelete(context.preorders, (event as { orderId: string }).orderId),
                handedOverIds: mapSet(
                  context.handedOverIds,
                  (event as { orderId: string }).orderId,
                  true as const,
                ),
                handedOver: context.handedOver + 1,
              })),
              {
                type: 'handedToCar',
                params: ({ context, event }) => ({ orderId: event.orderId, storeId: context.id }),
              },
              {
                type: 'send',
                params: ({ context, event }) => ({
                  to: DISPATCH,
                  message: { type: 'preorder.handedOver', orderId: event.orderId, storeId: context.id },
                }),
              },
            ],
          },
          { actions: refusePreorder('unknown_preorder') },
        ],
      },
    },
    closed: {
      on: {
        'store.collect': [
          { guard: 'alreadyHandedOver', actions: answerHandedOver },
          { guard: 'alreadyKnown' },
          {
            actions: [
              assign({
                waitingForOpening: ({ context, event }) => ({
                  ...context.waitingForOpening,
                  [event.orderId]: event.courierId,
                }),
              }),
              {
                type: 'send',
                params: ({ event }) => ({
                  to: event.courierId,
                  message: { type: 'store.queued', orderId: event.orderId },
                }),
              },
            ],
          },
        ],
        'store.handoverPreorder': { actions: refusePreorder('closed') },
        'store.open': {
          target: 'open',
          actions: enqueueActions(({ context, enqueue }) => {
            for (const orderId of Object.keys(context.waitingForOpening).sort()) {
              enqueue.raise({ type: 'preparation.done', orderId }, { delay: 'preparation' });
            }
            enqueue.assign({
              preparing: { ...context.preparing, ...context.waitingForOpening },
              waitingForOpening: {},
            });
          }),
        },
      },
    },
  },
  on: {
    'store.return': { actions: assign({ returned: ({ context }) => context.returned + 1 }) },
    'store.preorder': {
      actions: assign({
        preorders: ({ context, event }) => mapSet(context.preorders, event.orderId, true as const),
      }),
    },
    'store.preorderCancelled': {
      actions: assign({ preorders: ({ context, event }) => mapDelete(context.preorders, event.orderId) }),
    },
    'scanner.heard': [
      { guard: 'heardLately' },
      {
        actions: [
          assign({
            recentEids: ({ context, event }) => [...context.recentEids.slice(-(RECENT_EIDS - 1)), event.eid],
          }),
          {
            type: 'send',
            params: ({ context, event }) => ({
              to: DISPATCH,
              message: {
                type: 'scanner.report',
                storeId: context.id,
                eid: event.eid,
                heardAt: event.heardAt,
              },
            }),
          },
        ],
      },
    ],
    'preparation.done': {
      guard: 'isPreparing',
      actions: [
        {
          type: 'send',
          params: ({ context, event }) => ({
            to: context.preparing[event.orderId],
            message: { type: 'store.handover', orderId: event.orderId, storeId: context.id },
          }),
        },
        assign(({ context, event }) => {
          const { [event.orderId]: _done, ...preparing } = context.preparing;
          return {
            preparing,
            handedOver: context.handedOver + 1,
            handedOverIds: mapSet(context.handedOverIds, event.orderId, true as const),
          };
        }),
      ],
    },
  },
});
