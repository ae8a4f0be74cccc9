import { sendParent, setup } from 'xstate';
import type {
  CountParams,
  LifecycleParams,
  OrderToDispatch,
  OutboundMessage,
  SendParams,
} from './errand-order.ts';
import type { OrderOutcome, PreorderRequest } from './protocol.ts';

export interface PreorderInput {
  readonly orderId: string;
  readonly request: PreorderRequest;
  /** Nobody came for the goods within this time: cancelled and refunded. */
  readonly pickupWindowMs: number;
  /** The store did not answer a handover within this time: wait for the next sighting. */
  readonly handoverTimeoutMs: number;
  /** Sim ms when placed (due time for the KPIs). */
  readonly placedAt: number;
}

export type PreorderEvent =
  /** Dispatch resolved the car's beacon at a store's curb (after the replay and window checks). */
  | { type: 'preorder.arrived'; orderId: string; storeId: string }
  | { type: 'preorder.handedOver'; orderId: string; storeId: string }
  | { type: 'store.preorderRefused'; orderId: string; storeId: string; reason: string }
  | { type: 'order.repeat'; orderId: string };

type Ctx = { context: PreorderInput };

function send(to: (ctx: PreorderInput) => string, message: (ctx: PreorderInput) => OutboundMessage) {
  return {
    type: 'send' as const,
    params: ({ context }: Ctx): SendParams => ({ to: to(context), message: message(context) }),
  };
}
const toCustomer = (m: (ctx: PreorderInput) => OutboundMessage) => send((c) => c.request.customerId, m);
const toStore = (m: (ctx: PreorderInput) => OutboundMessage) => send((c) => c.request.storeId, m);

function toParent(make: (ctx: PreorderInput) => OrderToDispatch) {
  return sendParent<PreorderInput, PreorderEvent, undefined, OrderToDispatch, PreorderEvent>(({ context }) =>
    make(context),
  );
}

function lifecycle(step: LifecycleParams['step']) {
  return {
    type: 'lifecycle' as const,
    params: ({ context }: Ctx): LifecycleParams => ({
      orderId: context.orderId,
      flow: 'preorder',
      step,
      courierId: null,
      dueBy: context.placedAt + context.pickupWindowMs,
    }),
  };
}

function count(counter: string) {
  return { type: 'count' as const, params: (): CountParams => ({ flow: 'preorder', counter }) };
}

function ended(outcome: OrderOutcome, reason: string) {
  return toParent((ctx) => ({ type: 'order.ended', orderId: ctx.orderId, courierId: null, outcome, reason }));
}

const confirmed = toCustomer((ctx) => ({
  type: 'preorder.confirmed',
  requestId: ctx.request.requestId,
  orderId: ctx.orderId,
}));

/**
 * One beacon preorder at dispatch (flow 5): paid (held) when placed, the goods prepared at the store,
 * the car's beacon bound to it. When the store's scanner hears the car and dispatch resolves and
 * authenticates the advertisement for this store, the store is told to hand the goods to the car;
 * the store does so once (it refuses any second handover) and the payment is captured. Not collected
 * within the pickup window → cancelled and refunded in full.
 */
export const preorderMachine = setup({
  types: {
    context: {} as PreorderInput,
    events: {} as PreorderEvent,
    input: {} as PreorderInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
    lifecycle: (_, _params: LifecycleParams) => {},
    count: (_, _params: CountParams) => {},
  },
  guards: {
    atOurStore: ({ context, event }) => 'storeId' in event && event.storeId === context.request.storeId,
  },
  delays: {
    pickupWindow: ({ context }) => context.pickupWindowMs,
    handoverTimeout: ({ context }) => context.handoverTimeoutMs,
  },
}).createMachine({
  id: 'preorder',
  context: ({ input }) => input,
  initial: 'waiting',
  on: { 'order.repeat': { actions: confirmed } },
  states: {
    waiting: {
      entry: [
        toParent((ctx) => ({
          type: 'ledger.hold',
          orderId: ctx.orderId,
          payer: ctx.request.customerId,
          amount: ctx.request.totalCents,
        })),
        toParent((ctx) => ({
          type: 'beacon.bind',
          orderId: ctx.orderId,
          beaconId: ctx.request.beaconId,
          storeId: ctx.request.storeId,
        })),
        toStore((ctx) => ({ type: 'store.preorder', orderId: ctx.orderId, items: ctx.request.items })),
        confirmed,
        lifecycle('created'),
        lifecycle('assigned'),
      ],
      initial: 'expecting',
      states: {
        expecting: {
          on: {
            'preorder.arrived': [
              {
                guard: 'atOurStore',
                target: 'handingOver',
                actions: toStore((ctx) => ({
                  type: 'store.handoverPreorder',
                  orderId: ctx.orderId,
                  beaconId: ctx.request.beaconId,
                })),
              },
              { actions: count('refusedAdvertisements.wrong_store') },
            ],
          },
        },
        handingOver: {
          after: { handoverTimeout: { target: 'expecting' } },
          on: {
            'preorder.handedOver': { guard: 'atOurStore', target: '#preorder.collected' },
            'store.preorderRefused': { target: 'expecting', actions: count('handoverRefused') },
          },
        },
      },
      after: { pickupWindow: { target: 'expired' } },
    },
    collected: {
      type: 'final',
      entry: [
        toParent((ctx) => ({
          type: 'ledger.settle',
          orderId: ctx.orderId,
          payee: ctx.request.storeId,
          payout: ctx.request.totalCents,
          commission: 0,
          refund: 0,
        })),
        toParent((ctx) => ({ type: 'beacon.unbind', orderId: ctx.orderId, beaconId: ctx.request.beaconId })),
        toCustomer((ctx) => ({ type: 'preorder.done', orderId: ctx.orderId })),
        lifecycle('delivered'),
        lifecycle('completed'),
        ended('completed', 'handed_over'),
      ],
    },
    expired: {
      type: 'final',
      entry: [
        toParent((ctx) => ({
          type: 'ledger.settle',
          orderId: ctx.orderId,
          payee: null,
          payout: 0,
          commission: 0,
          refund: ctx.request.totalCents,
        })),
        toParent((ctx) => ({ type: 'beacon.unbind', orderId: ctx.orderId, beaconId: ctx.request.beaconId })),
        toStore((ctx) => ({ type: 'store.preorderCancelled', orderId: ctx.orderId })),
        toCustomer((ctx) => ({
          type: 'preorder.closed',
          orderId: ctx.orderId,
          outcome: 'cancelled',
          refund: ctx.request.totalCents,
          reason: 'not_collected',
        })),
        lifecycle('cancelled'),
        ended('cancelled', 'not_collected'),
      ],
    },
  },
});
