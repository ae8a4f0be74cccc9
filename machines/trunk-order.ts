import { and, assign, setup } from 'xstate';
import { type DigitalKey, issueKey } from './digital-key.ts';
import type { BroadcastParams, CountParams, LifecycleParams, SendParams } from './errand-order.ts';
import type { Point, TrunkJob } from './protocol.ts';
import {
  checkPlacement,
  closed,
  count,
  ended,
  lifecycle,
  listingOf,
  returnReason,
  revokeKey,
  settle,
  type TrunkOrderContext,
  type TrunkOrderEvent,
  type TrunkOrderInput,
  toCourier,
  toCustomer,
  toParent,
  totalOf,
} from './trunk-terms.ts';

export type {
  KeyIssuer,
  TrunkFees,
  TrunkOrderContext,
  TrunkOrderEvent,
  TrunkOrderInput,
  TrunkStore,
  TrunkTiming,
} from './trunk-terms.ts';

/**
 * An assigned courier who has not picked the goods up after this long is sent the assignment again:
 * the answer to its accept is lost for good if its app was down when it came, and then nobody would
 * ever fetch the goods. The courier ignores it for the job it is on and takes it up otherwise.
 * Longer than the way to the store and its preparation take on a healthy Monaco day (99 % within
 * one hour), so a healthy day rarely repeats one.
 */
export const ASSIGNMENT_REPEAT_MS = 60 * 60_000;

/** The answer to the winning accept: the job, with the car, its key and the goods. */
const assignment = toCourier((ctx) => ({
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
}));

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
 * stands. Unserved within `maxOpenMs` → cancelled, refunded in full. Not picked up within
 * `ASSIGNMENT_REPEAT_MS` → the assignment is said to the courier again.
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
    assignmentRepeat: ASSIGNMENT_REPEAT_MS,
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
            assignment,
            lifecycle('assigned'),
          ],
        },
      },
    },
    assigned: {
      // the courier's app may have been down when the assignment came: say it again until pick-up
      after: { assignmentRepeat: { target: 'assigned', reenter: true, actions: assignment } },
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
      on: {
        'trunk.atCar': {
          guard: 'fromCourier',
          actions: toCourier((ctx) => ({ type: 'trunk.hold', orderId: ctx.orderId })),
        },
      },
    },
    unlocking: {
      entry: toCourier((ctx) => ({ type: 'trunk.unlock', orderId: ctx.orderId })),
      on: {
        // the courier asks again: our unlock was lost on the way
        'trunk.atCar': { guard: 'fromCourier', target: 'unlocking', reenter: true },
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
      on: {
        'trunk.returned': { guard: 'fromCourier', target: 'returned' },
        // the courier is still at the car: our return instruction was lost on the way
        'trunk.atCar': { guard: 'fromCourier', target: 'returning', reenter: true },
      },
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
