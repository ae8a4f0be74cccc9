/**
 * How a trunk order ends: delivered, goods returned to the store, cancelled unserved, or rejected
 * at order time. Each settles the escrow, revokes the key and tells dispatch the order ended.
 */

import { trunkOrderSetup } from './trunk-order-setup.ts';
import { closed, ended, lifecycle, revokeKey, settle, toCustomer, totalOf } from './trunk-terms.ts';

export const completed = trunkOrderSetup.createStateConfig({
  type: 'final',
  entry: [
    settle('delivered'),
    revokeKey,
    toCustomer((ctx) => ({ type: 'trunk.delivered', orderId: ctx.orderId, alarm: ctx.alarm })),
    lifecycle('delivered'),
    lifecycle('completed'),
    ended('completed', 'delivered'),
  ],
});

export const returned = trunkOrderSetup.createStateConfig({
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
});

export const cancelled = trunkOrderSetup.createStateConfig({
  type: 'final',
  entry: [lifecycle('cancelled'), ended('cancelled', 'no_courier')],
});

export const rejected = trunkOrderSetup.createStateConfig({
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
});
