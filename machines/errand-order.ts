import { assign, setup } from 'xstate';
import { maskedNumbersFor } from './chat-relay.ts';
import { type ErrandFeePolicy, errandFee } from './errand-fees.ts';
import {
  all,
  cancelFee,
  closedMessage,
  disputeKeeps,
  ended,
  lifecycle,
  listingOf,
  nothing,
  published,
  refuseAccept,
  refuseCancel,
  refuseCancelBecause,
  settle,
  toCourier,
  toParent,
  toPublisher,
  unlist,
} from './errand-order-actions.ts';
import type { ErrandListing, ErrandRequest, OrderOutcome, Point } from './protocol.ts';

/** Timings of the errand platform (sim ms), data in the scenario. */
export interface ErrandTiming {
  /** Professional couriers within this radius (metres) of the pickup get the order pushed. */
  readonly pushRadius: number;
  /** While unassigned, the push is repeated this often (couriers move). */
  readonly repushMs: number;
  /** An order nobody accepts within this time is cancelled and refunded in full. */
  readonly maxOpenMs: number;
  /** A delivery the publisher neither confirms nor disputes is confirmed after this time. */
  readonly autoConfirmMs: number;
  /** Customer service answers a dispute after this time. */
  readonly disputeResolutionMs: number;
}

export interface ErrandOrderInput {
  readonly orderId: string;
  readonly orderSeq: number;
  readonly request: ErrandRequest;
  readonly fees: ErrandFeePolicy;
  readonly timing: ErrandTiming;
}

export interface ErrandOrderContext extends ErrandOrderInput {
  fee: number;
  distance: number;
  courierId: string | null;
}

/** Messages the order receives, forwarded by the dispatch server. */
export type ErrandOrderEvent =
  | { type: 'route.quote'; orderId: string; distance: number | null; duration: number | null }
  | { type: 'couriers.found'; orderId: string; courierIds: readonly string[] }
  | { type: 'errand.accept'; orderId: string; courierId: string }
  | { type: 'errand.pickedUp'; orderId: string; courierId: string }
  | { type: 'errand.delivered'; orderId: string; courierId: string }
  | { type: 'errand.cancel'; orderId: string; publisherId: string }
  | { type: 'errand.confirm'; orderId: string; publisherId: string }
  | { type: 'errand.dispute'; orderId: string; publisherId: string; reason: string }
  /** The same publish arrived again (a duplicated or retried message): answer it again. */
  | { type: 'errand.republish'; orderId: string };

/** What the order tells its parent (dispatch) so it can keep the shared books and tables. */
export type OrderToDispatch =
  | { type: 'ledger.hold'; orderId: string; payer: string; amount: number }
  | {
      type: 'ledger.settle';
      orderId: string;
      payee: string | null;
      payout: number;
      commission: number;
      refund: number;
      /** Names one of several settlements of an order (its idempotency key); absent: the only one. */
      part?: string;
    }
  | { type: 'listing.add'; listing: ErrandListing }
  | { type: 'listing.remove'; orderId: string }
  | {
      type: 'order.assigned';
      orderId: string;
      publisherId: string;
      courierId: string;
      publisherMasked: string;
      courierMasked: string;
    }
  | {
      type: 'order.ended';
      orderId: string;
      courierId: string | null;
      outcome: OrderOutcome | 'rejected';
      reason: string;
      /** A rental frees its car for the next renter. */
      vehicleId?: string;
    }
  /** A preorder binds the car's beacon to itself while it waits, and unbinds it when it ends. */
  | { type: 'beacon.bind'; orderId: string; beaconId: string; storeId: string }
  | { type: 'beacon.unbind'; orderId: string; beaconId: string };

/** A counter of a flow's failure or fallback paths (re-routed, held, alarm, refusals…), for metrics. */
export interface CountParams {
  readonly flow: Flow;
  readonly counter: string;
}

export interface OutboundMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

export interface SendParams {
  readonly to: string;
  readonly message: OutboundMessage;
}

export interface BroadcastParams {
  readonly to: readonly string[];
  readonly message: OutboundMessage;
}

/** The five flows of the platform; every order belongs to one. */
export type Flow = 'errand' | 'trunk' | 'robot' | 'rental' | 'preorder';

export interface LifecycleParams {
  readonly orderId: string;
  readonly flow: Flow;
  readonly step: 'created' | 'assigned' | 'pickedUp' | 'delivered' | OrderOutcome | 'rejected';
  readonly courierId: string | null;
  readonly dueBy: number;
}

/**
 * One errand order's life at the dispatch server: quoted, held in escrow, pushed and listed, won by
 * the first valid accept, picked up, delivered, then confirmed, disputed, cancelled or expired.
 * Every money movement goes to the parent's escrow ledger as an event, so the money rules live in
 * one place and the ledger refuses any double release.
 *
 * Refund policy (stated, and the same in the README): cancelled before assignment or expired
 * unassigned → full refund; cancelled after assignment, before pickup → the courier keeps
 * `cancelAfterAssignFeeShare` of the fee (less commission), the rest is refunded; after pickup →
 * cancellation refused; upheld dispute → `disputeRefundShare` refunded, the rest released.
 */
export const errandOrderMachine = setup({
  types: {
    context: {} as ErrandOrderContext,
    events: {} as ErrandOrderEvent,
    input: {} as ErrandOrderInput,
  },
  actions: {
    /** Sends a message from dispatch over the net port (provided by the world or an adapter). */
    send: (_, _params: SendParams) => {},
    /** Sends one message to several recipients (offers pushed to nearby couriers). */
    broadcast: (_, _params: BroadcastParams) => {},
    /** Asks the routing port for the pickup→dropoff route; the answer arrives as `route.quote`. */
    requestQuote: (_, _params: { orderId: string; from: Point; to: Point }) => {},
    /** Asks the spatial port for professional couriers near a point; answer: `couriers.found`. */
    findCouriers: (_, _params: { orderId: string; point: Point; radius: number; category: string }) => {},
    /** Records a lifecycle step for metrics and the twin. */
    lifecycle: (_, _params: LifecycleParams) => {},
  },
  guards: {
    unreachable: ({ event }) => event.type === 'route.quote' && event.distance === null,
    fromPublisher: ({ context, event }) =>
      'publisherId' in event && event.publisherId === context.request.publisherId,
    fromAssignedCourier: ({ context, event }) =>
      'courierId' in event && event.courierId === context.courierId,
  },
  delays: {
    repush: ({ context }) => context.timing.repushMs,
    maxOpen: ({ context }) => context.timing.maxOpenMs,
    autoConfirm: ({ context }) => context.timing.autoConfirmMs,
    disputeResolution: ({ context }) => context.timing.disputeResolutionMs,
  },
}).createMachine({
  id: 'errandOrder',
  context: ({ input }) => ({ ...input, fee: 0, distance: 0, courierId: null }),
  initial: 'quoting',
  // once quoted, a repeated publish gets the same answer again; while quoting, the answer is coming
  on: { 'errand.republish': { actions: published } },
  states: {
    quoting: {
      entry: {
        type: 'requestQuote',
        params: ({ context }) => ({
          orderId: context.orderId,
          from: context.request.pickup,
          to: context.request.dropoff,
        }),
      },
      on: {
        'errand.republish': {},
        'route.quote': [
          {
            guard: 'unreachable',
            target: 'rejected',
            actions: toPublisher((ctx) => ({
              type: 'errand.rejected',
              requestId: ctx.request.requestId,
              reason: 'unreachable',
            })),
          },
          {
            target: 'open',
            actions: [
              assign(({ context, event }) => {
                const distance = event.type === 'route.quote' ? (event.distance ?? 0) : 0;
                return { distance, fee: errandFee(context.request, distance, context.fees) };
              }),
              toParent((context) => ({
                type: 'ledger.hold',
                orderId: context.orderId,
                payer: context.request.publisherId,
                amount: context.fee,
              })),
              published,
              lifecycle('created'),
              toParent((context) => ({ type: 'listing.add', listing: listingOf(context) })),
            ],
          },
        ],
      },
    },
    open: {
      initial: 'pushing',
      states: {
        pushing: {
          entry: {
            type: 'findCouriers',
            params: ({ context }) => ({
              orderId: context.orderId,
              point: context.request.pickup,
              radius: context.timing.pushRadius,
              category: context.request.category,
            }),
          },
          after: { repush: { target: 'pushing', reenter: true } },
          on: {
            'couriers.found': {
              actions: {
                type: 'broadcast',
                params: ({ context, event }) => ({
                  to: event.courierIds,
                  message: { type: 'errand.offer', listing: listingOf(context) },
                }),
              },
            },
          },
        },
      },
      after: {
        maxOpen: {
          target: 'cancelled',
          actions: [unlist, settle(nothing), closedMessage('cancelled', 'no_courier', nothing)],
        },
      },
      on: {
        'errand.accept': {
          target: 'assigned',
          actions: [
            assign({ courierId: ({ event }) => event.courierId }),
            unlist,
            toParent((context) => ({
              type: 'order.assigned',
              orderId: context.orderId,
              publisherId: context.request.publisherId,
              courierId: context.courierId ?? '',
              ...maskedNumbersFor(context.orderSeq),
            })),
            toCourier((ctx) => ({
              type: 'errand.acceptResult',
              orderId: ctx.orderId,
              ok: true,
              listing: listingOf(ctx),
              publisherMasked: maskedNumbersFor(ctx.orderSeq).publisherMasked,
            })),
            toPublisher((ctx) => ({
              type: 'errand.assigned',
              orderId: ctx.orderId,
              courierId: ctx.courierId,
              courierMasked: maskedNumbersFor(ctx.orderSeq).courierMasked,
            })),
            lifecycle('assigned'),
          ],
        },
        'errand.cancel': {
          guard: 'fromPublisher',
          target: 'cancelled',
          actions: [unlist, settle(nothing), closedMessage('cancelled', 'publisher_cancelled', nothing)],
        },
      },
    },
    assigned: {
      on: {
        'errand.accept': { actions: refuseAccept },
        'errand.pickedUp': {
          guard: 'fromAssignedCourier',
          target: 'pickedUp',
          actions: [
            toPublisher((ctx) => ({ type: 'errand.pickedUp', orderId: ctx.orderId })),
            lifecycle('pickedUp'),
          ],
        },
        'errand.cancel': {
          guard: 'fromPublisher',
          target: 'cancelled',
          actions: [
            settle(cancelFee),
            toCourier((ctx) => ({
              type: 'errand.cancelled',
              orderId: ctx.orderId,
              reason: 'publisher_cancelled',
            })),
            closedMessage('cancelled', 'publisher_cancelled_after_assignment', cancelFee),
          ],
        },
      },
    },
    pickedUp: {
      on: {
        'errand.accept': { actions: refuseAccept },
        'errand.cancel': { guard: 'fromPublisher', actions: refuseCancel },
        'errand.delivered': {
          guard: 'fromAssignedCourier',
          target: 'delivered',
          actions: [
            toPublisher((ctx) => ({ type: 'errand.delivered', orderId: ctx.orderId })),
            lifecycle('delivered'),
          ],
        },
      },
    },
    delivered: {
      after: { autoConfirm: { target: 'completed' } },
      on: {
        'errand.accept': { actions: refuseAccept },
        'errand.cancel': { guard: 'fromPublisher', actions: refuseCancel },
        'errand.confirm': { guard: 'fromPublisher', target: 'completed' },
        'errand.dispute': { guard: 'fromPublisher', target: 'disputed' },
      },
    },
    disputed: {
      on: {
        'errand.accept': { actions: refuseAccept },
        'errand.cancel': { guard: 'fromPublisher', actions: refuseCancelBecause('disputed') },
      },
      after: {
        disputeResolution: {
          target: 'refunded',
          actions: [settle(disputeKeeps), closedMessage('refunded', 'dispute_upheld', disputeKeeps)],
        },
      },
    },
    completed: {
      type: 'final',
      entry: [
        settle(all),
        closedMessage('completed', 'confirmed', all),
        lifecycle('completed'),
        ended('completed', 'confirmed'),
      ],
    },
    cancelled: { type: 'final', entry: [lifecycle('cancelled'), ended('cancelled', 'cancelled')] },
    refunded: { type: 'final', entry: [lifecycle('refunded'), ended('refunded', 'dispute_upheld')] },
    rejected: { type: 'final', entry: [lifecycle('rejected'), ended('rejected', 'unreachable')] },
  },
});
