import { assign, enqueueActions, raise, setup } from 'xstate';
import type { SendParams } from './errand-order.ts';
import { emptyMap, mapHas, mapSet, type PersistentMap } from './persistent-map.ts';
import type { CourierToStore, Point } from './protocol.ts';

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
}

export type StoreEvent =
  | CourierToStore
  | { type: 'preparation.done'; orderId: string }
  | { type: 'store.open' }
  | { type: 'store.close' };

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
 * is a named delay the world draws from the scenario's distribution) and hands them over once.
 * Requests that arrive while the store is closed wait for opening.
 */
export const storeMachine = setup({
  types: {
    context: {} as StoreContext,
    events: {} as StoreEvent,
    input: {} as StoreInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
  },
  guards: {
    openAtStart: ({ context }) => context.openAtStart,
    isPreparing: ({ context, event }) =>
      event.type === 'preparation.done' && event.orderId in context.preparing,
    alreadyKnown: ({ context, event }) =>
      event.type === 'store.collect' &&
      (event.orderId in context.preparing || event.orderId in context.waitingForOpening),
    alreadyHandedOver: ({ context, event }) =>
      event.type === 'store.collect' && mapHas(context.handedOverIds, event.orderId),
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
