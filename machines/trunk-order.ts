import { and, assign, sendParent, setup } from 'xstate';
import type { CryptoPort, KeyHandle } from './crypto-port.ts';
import { type DigitalKey, issueKey } from './digital-key.ts';
import type {
  BroadcastParams,
  CountParams,
  LifecycleParams,
  OrderToDispatch,
  OutboundMessage,
  SendParams,
} from './errand-order.ts';
import type { ErrandListing, OrderOutcome, Placement, Point, TrunkJob, TrunkRequest } from './protocol.ts';

/** Who signs keys at dispatch: the crypto port and dispatch's private key (data in the input). */
export interface KeyIssuer {
  readonly crypto: CryptoPort;
  readonly privateKey: KeyHandle;
}

/** Timings of trunk delivery (sim ms), data in the scenario. */
export interface TrunkTiming {
  readonly pushRadius: number;
  readonly repushMs: number;
  /** No courier within this time: the order is cancelled and refunded in full. */
  readonly maxOpenMs: number;
  /** The courier's key is valid from acceptance for this long. */
  readonly keyWindowMs: number;
  /** While the car is being driven, the courier holds and dispatch looks again this often… */
  readonly holdCheckMs: number;
  /** …this many times before the goods go back to the store. */
  readonly maxHoldChecks: number;
  /** After the deposit, dispatch checks the trunk latched this long later. */
  readonly relockCheckMs: number;
  /** A car that keeps moving gets the courier re-routed at most this many times. */
  readonly maxReroutes: number;
}

export interface TrunkFees {
  readonly deliveryFeeCents: number;
  readonly commissionRate: number;
  /** Share of the delivery fee the courier keeps when the goods go back to the store. */
  readonly returnFeeShare: number;
}

export interface TrunkStore {
  readonly id: string;
  readonly position: Point;
  readonly areaId: string;
}

export interface TrunkOrderInput {
  readonly orderId: string;
  readonly request: TrunkRequest;
  readonly store: TrunkStore;
  readonly timing: TrunkTiming;
  readonly fees: TrunkFees;
  readonly keys: KeyIssuer;
}

export interface TrunkOrderContext extends TrunkOrderInput {
  placement: Placement | null;
  courierId: string | null;
  key: DigitalKey | null;
  reroutes: number;
  holdChecks: number;
  /** Sim ms of the last stamped message: the order's clock for key windows. */
  now: number;
  alarm: boolean;
}

export type TrunkOrderEvent =
  | { type: 'placement.checked'; orderId: string; placement: Placement; at?: number }
  | { type: 'lock.checked'; orderId: string; vehicleId: string; trunk: string; at?: number }
  | { type: 'couriers.found'; orderId: string; courierIds: readonly string[]; at?: number }
  | { type: 'errand.accept'; orderId: string; courierId: string; at?: number }
  | { type: 'errand.pickedUp'; orderId: string; courierId: string; at?: number }
  | { type: 'trunk.atCar'; orderId: string; courierId: string; at?: number }
  | { type: 'trunk.deposited'; orderId: string; courierId: string; at?: number }
  | { type: 'trunk.unlockFailed'; orderId: string; courierId: string; reason: string; at?: number }
  | { type: 'trunk.returned'; orderId: string; courierId: string; at?: number }
  | { type: 'order.repeat'; orderId: string };

type Ctx = { context: TrunkOrderContext };

/** Why the goods go back: the car left the area or its space, was driven too long, or kept moving. */
function returnReason(event: TrunkOrderEvent): string {
  if (event.type !== 'placement.checked') return 'unknown';
  if (event.placement.ok) return 'kept_moving';
  return event.placement.reason === 'not_parked' ? 'hold_expired' : event.placement.reason;
}

function totalOf(ctx: TrunkOrderContext): number {
  return ctx.request.goodsCents + ctx.fees.deliveryFeeCents;
}

function listingOf(ctx: TrunkOrderContext): ErrandListing {
  const to = ctx.placement?.position ?? ctx.store.position;
  return {
    orderId: ctx.orderId,
    category: 'deliver',
    fee: ctx.fees.deliveryFeeCents,
    pickup: ctx.store.position,
    dropoff: to,
    storeId: ctx.store.id,
    distance: Math.round(Math.hypot(to.x - ctx.store.position.x, to.y - ctx.store.position.y)),
  };
}

function toParent(make: (ctx: TrunkOrderContext) => OrderToDispatch) {
  return sendParent<TrunkOrderContext, TrunkOrderEvent, undefined, OrderToDispatch, TrunkOrderEvent>(
    ({ context }) => make(context),
  );
}

function send(to: (ctx: TrunkOrderContext) => string, message: (ctx: TrunkOrderContext) => OutboundMessage) {
  return {
    type: 'send' as const,
    params: ({ context }: Ctx): SendParams => ({ to: to(context), message: message(context) }),
  };
}
const toCustomer = (m: (ctx: TrunkOrderContext) => OutboundMessage) => send((c) => c.request.customerId, m);
const toCourier = (m: (ctx: TrunkOrderContext) => OutboundMessage) => send((c) => c.courierId ?? '', m);

function lifecycle(step: LifecycleParams['step']) {
  return {
    type: 'lifecycle' as const,
    params: ({ context }: Ctx): LifecycleParams => ({
      orderId: context.orderId,
      flow: 'trunk',
      step,
      courierId: context.courierId,
      dueBy: context.request.dueBy,
    }),
  };
}

function count(counter: string) {
  return { type: 'count' as const, params: (): CountParams => ({ flow: 'trunk', counter }) };
}

const checkPlacement = {
  type: 'checkPlacement' as const,
  params: ({ context }: Ctx) => ({
    orderId: context.orderId,
    vehicleId: context.request.vehicleId,
    areaId: context.store.areaId,
  }),
};

/** Settles what is held: the store its goods, the courier its share of the fee, the rest back. */
function settle(outcome: 'delivered' | 'returned' | 'unserved') {
  return toParent((ctx) => {
    const fee = ctx.fees.deliveryFeeCents;
    const courierGross =
      outcome === 'delivered' ? fee : outcome === 'returned' ? Math.round(fee * ctx.fees.returnFeeShare) : 0;
    const commission = Math.round(courierGross * ctx.fees.commissionRate);
    const storeGets = outcome === 'delivered' ? ctx.request.goodsCents : 0;
    return {
      type: 'ledger.settle',
      orderId: ctx.orderId,
      payee: courierGross > 0 ? ctx.courierId : null,
      payout: storeGets + courierGross - commission,
      commission,
      refund: totalOf(ctx) - storeGets - courierGross,
    };
  });
}

function closed(outcome: OrderOutcome, reason: string, refund: (ctx: TrunkOrderContext) => number) {
  return toCustomer((ctx) => ({
    type: 'trunk.closed',
    orderId: ctx.orderId,
    outcome,
    refund: refund(ctx),
    reason,
  }));
}

function ended(outcome: OrderOutcome | 'rejected', reason: string) {
  return toParent((ctx) => ({
    type: 'order.ended',
    orderId: ctx.orderId,
    courierId: ctx.courierId,
    outcome,
    reason,
  }));
}

/** The key ends with the order: dispatch tells the car (which acknowledges), used or not. */
const revokeKey = send(
  (c) => c.request.vehicleId,
  (c) => ({ type: 'vehicle.revoke', keyId: c.key?.keyId ?? '' }),
);

/**
 * One trunk delivery at dispatch (flow 1). The car must stand in a parking space inside the store's
 * coverage area, by its telemetry, at order time and again when the courier reaches it. The courier
 * who wins the offer gets the request, the goods, the car's position and a trunk-only key bound to
 * them, their window and one use; the key is revoked when the order ends, whatever the outcome.
 *
 * Fallbacks (stated, and the same in the README): the car moved to another space in the area → the
 * courier is re-routed (at most `maxReroutes` times); the car is being driven → the courier holds and
 * dispatch looks again every `holdCheckMs`, `maxHoldChecks` times; the car left the area or is not
 * in a space, the key was refused (expired…), or the holds ran out → the goods go back to the store
 * and the customer is refunded all but the courier's `returnFeeShare` of the fee; the trunk did not
 * latch after the deposit → the alarm is raised (the car keeps retrying) and counted, the delivery
 * stands. Unserved within `maxOpenMs` → cancelled, refunded in full.
 */
export const trunkOrderMachine = setup({
  types: {
    context: {} as TrunkOrderContext,
    events: {} as TrunkOrderEvent,
    input: {} as TrunkOrderInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
    broadcast: (_, _params: BroadcastParams) => {},
    /** Asks the vehicle port where the car is by its telemetry; the answer is `placement.checked`. */
    checkPlacement: (_, _params: { orderId: string; vehicleId: string; areaId: string }) => {},
    /** Asks the vehicle port whether the trunk latched; the answer is `lock.checked`. */
    checkLock: (_, _params: { orderId: string; vehicleId: string }) => {},
    findCouriers: (_, _params: { orderId: string; point: Point; radius: number; category: string }) => {},
    lifecycle: (_, _params: LifecycleParams) => {},
    count: (_, _params: CountParams) => {},
    notePlacement: assign(({ event }) =>
      event.type === 'placement.checked' ? { placement: event.placement } : {},
    ),
    stamp: assign(({ context, event }) => ({ now: 'at' in event ? (event.at ?? context.now) : context.now })),
  },
  guards: {
    placedOk: ({ event }) => event.type === 'placement.checked' && event.placement.ok,
    driving: ({ event }) => event.type === 'placement.checked' && event.placement.reason === 'not_parked',
    sameSpot: ({ context, event }) =>
      event.type === 'placement.checked' &&
      event.placement.parkingSpaceId === context.placement?.parkingSpaceId &&
      event.placement.position?.x === context.placement?.position?.x &&
      event.placement.position?.y === context.placement?.position?.y,
    mayReroute: ({ context }) => context.reroutes < context.timing.maxReroutes,
    mayHold: ({ context }) => context.holdChecks < context.timing.maxHoldChecks,
    fromCourier: ({ context, event }) => 'courierId' in event && event.courierId === context.courierId,
    latched: ({ event }) => event.type === 'lock.checked' && event.trunk === 'closed',
    /** The car has no data link (an underground garage): the latch cannot be confirmed remotely. */
    unconfirmed: ({ event }) => event.type === 'lock.checked' && event.trunk === 'unknown',
  },
  delays: {
    repush: ({ context }) => context.timing.repushMs,
    maxOpen: ({ context }) => context.timing.maxOpenMs,
    holdCheck: ({ context }) => context.timing.holdCheckMs,
    relockCheck: ({ context }) => context.timing.relockCheckMs,
  },
}).createMachine({
  id: 'trunkOrder',
  context: ({ input }) => ({
    ...input,
    placement: null,
    courierId: null,
    key: null,
    reroutes: 0,
    holdChecks: 0,
    now: 0,
    alarm: false,
  }),
  initial: 'checking',
  on: {
    // a repeated order message: answer with the same acceptance (or nothing while still checking)
    'order.repeat': {
      actions: toCustomer((ctx) => ({
        type: 'trunk.accepted',
        requestId: ctx.request.requestId,
        orderId: ctx.orderId,
        totalCents: totalOf(ctx),
      })),
    },
    // a second or late accept: the first valid one already won
    'errand.accept': {
      actions: {
        type: 'send',
        params: ({ context, event }) => ({
          to: event.type === 'errand.accept' ? event.courierId : '',
          message: {
            type: 'errand.acceptResult',
            orderId: context.orderId,
            ok: false,
            reason: 'already_assigned',
          },
        }),
      },
    },
  },
  states: {
    checking: {
      entry: checkPlacement,
      on: {
        'order.repeat': {},
        'placement.checked': [
          {
            guard: 'placedOk',
            target: 'open',
            actions: [
              'stamp',
              'notePlacement',
              toParent((ctx) => ({
                type: 'ledger.hold',
                orderId: ctx.orderId,
                payer: ctx.request.customerId,
                amount: totalOf(ctx),
              })),
              toCustomer((ctx) => ({
                type: 'trunk.accepted',
                requestId: ctx.request.requestId,
                orderId: ctx.orderId,
                totalCents: totalOf(ctx),
              })),
              lifecycle('created'),
            ],
          },
          {
            target: 'rejected',
            actions: [
              'notePlacement',
              toCustomer((ctx) => ({
                type: 'trunk.rejected',
                requestId: ctx.request.requestId,
                reason: ctx.placement?.reason ?? 'unknown_vehicle',
              })),
            ],
          },
        ],
      },
    },
    open: {
      // listed for ordinary couriers' pulls too, and pushed to professionals near the store
      entry: toParent((ctx) => ({ type: 'listing.add', listing: listingOf(ctx) })),
      exit: toParent((ctx) => ({ type: 'listing.remove', orderId: ctx.orderId })),
      initial: 'pushing',
      states: {
        pushing: {
          entry: {
            type: 'findCouriers',
            params: ({ context }) => ({
              orderId: context.orderId,
              point: context.store.position,
              radius: context.timing.pushRadius,
              category: 'deliver',
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
          actions: [settle('unserved'), closed('cancelled', 'no_courier', totalOf)],
        },
      },
      on: {
        'errand.accept': {
          target: 'assigned',
          actions: [
            'stamp',
            assign(({ context, event }) => {
              const courierId = (event as { courierId: string }).courierId;
              const from = Math.floor(context.now / 1000);
              return {
                courierId,
                key: issueKey(context.keys.crypto, context.keys.privateKey, {
                  keyId: `${context.orderId}:K1`,
                  vehicleId: context.request.vehicleId,
                  holderId: courierId,
                  entitlements: ['trunk_open'],
                  validFrom: from,
                  validUntil: from + Math.ceil(context.timing.keyWindowMs / 1000),
                  maxUses: 1,
                  revocationEpoch: context.placement?.epoch ?? 0,
                  issuedAt: from,
                }),
              };
            }),
            toCourier((ctx) => ({
              type: 'errand.acceptResult',
              orderId: ctx.orderId,
              ok: true,
              listing: listingOf(ctx),
              trunk: {
                vehicleId: ctx.request.vehicleId,
                key: ctx.key as DigitalKey,
                items: ctx.request.items,
                storeId: ctx.store.id,
              } satisfies TrunkJob,
            })),
            lifecycle('assigned'),
          ],
        },
      },
    },
    assigned: {
      on: {
        'errand.pickedUp': { guard: 'fromCourier', target: 'toCar', actions: lifecycle('pickedUp') },
      },
    },
    toCar: {
      on: { 'trunk.atCar': { guard: 'fromCourier', target: 'verifying' } },
    },
    verifying: {
      entry: checkPlacement,
      on: {
        'placement.checked': [
          { guard: and(['placedOk', 'sameSpot']), target: 'unlocking' },
          {
            guard: and(['placedOk', 'mayReroute']),
            target: 'toCar',
            actions: [
              'notePlacement',
              assign({ reroutes: ({ context }) => context.reroutes + 1 }),
              toCourier((ctx) => ({
                type: 'trunk.reroute',
                orderId: ctx.orderId,
                position: ctx.placement?.position ?? ctx.store.position,
              })),
              count('rerouted'),
            ],
          },
          { guard: and(['driving', 'mayHold']), target: 'held', actions: count('held') },
          {
            target: 'returning',
            actions: [
              'notePlacement',
              {
                type: 'count',
                params: ({ event }) => ({
                  flow: 'trunk' as const,
                  counter: `returnedToStore.${returnReason(event)}`,
                }),
              },
            ],
          },
        ],
      },
    },
    held: {
      entry: [
        assign({ holdChecks: ({ context }) => context.holdChecks + 1 }),
        toCourier((ctx) => ({ type: 'trunk.hold', orderId: ctx.orderId })),
      ],
      after: { holdCheck: { target: 'verifying' } },
    },
    unlocking: {
      entry: toCourier((ctx) => ({ type: 'trunk.unlock', orderId: ctx.orderId })),
      on: {
        'trunk.deposited': { guard: 'fromCourier', target: 'latching' },
        'trunk.unlockFailed': {
          guard: 'fromCourier',
          target: 'returning',
          actions: {
            type: 'count',
            params: ({ event }) => ({
              flow: 'trunk' as const,
              counter: `keyRefused.${event.type === 'trunk.unlockFailed' ? event.reason : 'unknown'}`,
            }),
          },
        },
      },
    },
    latching: {
      after: {
        relockCheck: {
          actions: {
            type: 'checkLock',
            params: ({ context }) => ({ orderId: context.orderId, vehicleId: context.request.vehicleId }),
          },
        },
      },
      on: {
        'lock.checked': [
          { guard: 'latched', target: 'completed' },
          { guard: 'unconfirmed', target: 'completed', actions: count('relockUnconfirmed') },
          {
            target: 'completed',
            actions: [
              assign({ alarm: true }),
              count('alarm'),
              toCustomer((ctx) => ({
                type: 'trunk.alarm',
                orderId: ctx.orderId,
                vehicleId: ctx.request.vehicleId,
              })),
            ],
          },
        ],
      },
    },
    returning: {
      entry: toCourier((ctx) => ({
        type: 'trunk.return',
        orderId: ctx.orderId,
        position: ctx.store.position,
      })),
      on: { 'trunk.returned': { guard: 'fromCourier', target: 'returned' } },
    },
    completed: {
      type: 'final',
      entry: [
        settle('delivered'),
        revokeKey,
        toCustomer((ctx) => ({ type: 'trunk.delivered', orderId: ctx.orderId, alarm: ctx.alarm })),
        lifecycle('delivered'),
        lifecycle('completed'),
        ended('completed', 'delivered'),
      ],
    },
    returned: {
      type: 'final',
      entry: [
        settle('returned'),
        revokeKey,
        closed(
          'refunded',
          'returned_to_store',
          (ctx) => totalOf(ctx) - Math.round(ctx.fees.deliveryFeeCents * ctx.fees.returnFeeShare),
        ),
        lifecycle('refunded'),
        ended('refunded', 'returned_to_store'),
      ],
    },
    cancelled: { type: 'final', entry: [lifecycle('cancelled'), ended('cancelled', 'no_courier')] },
    rejected: {
      type: 'final',
      entry: [
        {
          type: 'count',
          params: ({ context }) => ({
            flow: 'trunk' as const,
            counter: `rejectedAtOrder.${context.placement?.reason ?? 'unknown_vehicle'}`,
          }),
        },
        lifecycle('rejected'),
        ended('rejected', 'placement'),
      ],
    },
  },
});
