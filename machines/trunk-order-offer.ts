/**
 * A trunk order before the courier reaches the car: the placement check at order time, the offer
 * to couriers (listed for pulls, pushed near the store) until one wins it and gets the trunk key,
 * and the wait for the pick-up.
 */
import { type DigitalKey, issueKey } from './digital-key.ts';
import type { TrunkJob } from './protocol.ts';
import { trunkOrderSetup } from './trunk-order-setup.ts';
import {
  checkPlacement,
  closed,
  lifecycle,
  listingOf,
  settle,
  toCourier,
  toCustomer,
  toParent,
  totalOf,
} from './trunk-terms.ts';

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

export const checking = trunkOrderSetup.createStateConfig({
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
});

export const open = trunkOrderSetup.createStateConfig({
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
        trunkOrderSetup.assign(({ context, event }) => {
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
});

export const assigned = trunkOrderSetup.createStateConfig({
  // the courier's app may have been down when the assignment came: say it again until pick-up
  after: { assignmentRepeat: { target: 'assigned', reenter: true, actions: assignment } },
  on: {
    'errand.pickedUp': { guard: 'fromCourier', target: 'toCar', actions: lifecycle('pickedUp') },
  },
});
