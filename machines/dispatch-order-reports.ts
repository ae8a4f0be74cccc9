/**
 * The dispatch root's routes of what open orders report back to the server's shared tables: the
 * escrow ledger (one hold, then settlements, each passed on to the payments port), the listings
 * couriers pull, the chat lines and courier registry of an assigned order, and an order's end.
 */
import { assign } from 'xstate';
import { closeLines, openLines } from './chat-relay.ts';
import { dispatchSetup, withCourier } from './dispatch-setup.ts';
import { hold, settle } from './escrow-ledger.ts';
import { fileListing, unfileListing } from './listing-grid.ts';
import { mapDelete, mapGet, mapHas, mapSet } from './persistent-map.ts';

export const orderReports = dispatchSetup.createStateConfig({
  on: {
    'ledger.hold': [
      {
        guard: ({ context, event }) => hold(context.ledger, event.orderId, event.payer, event.amount).ok,
        actions: [
          assign({
            ledger: ({ context, event }) => {
              const r = hold(context.ledger, event.orderId, event.payer, event.amount);
              return r.ok ? r.ledger : context.ledger;
            },
          }),
          {
            type: 'payments',
            params: ({ event }) => ({
              idempotencyKey: `${event.orderId}:hold`,
              kind: 'hold',
              orderId: event.orderId,
              payer: event.payer,
              amount: event.amount,
            }),
          },
        ],
      },
      {
        actions: {
          type: 'violation',
          params: ({ event }) => ({ rule: 'escrow', detail: `second hold refused for ${event.orderId}` }),
        },
      },
    ],
    'ledger.settle': [
      {
        guard: ({ context, event }) => settle(context.ledger, event.orderId, event).ok,
        actions: [
          assign({
            ledger: ({ context, event }) => {
              const r = settle(context.ledger, event.orderId, event);
              return r.ok ? r.ledger : context.ledger;
            },
          }),
          {
            type: 'payments',
            params: ({ event }) => ({
              idempotencyKey: `${event.orderId}:settle${event.part ? `:${event.part}` : ''}`,
              kind: 'settle',
              orderId: event.orderId,
              payout: event.payout,
              commission: event.commission,
              refund: event.refund,
            }),
          },
        ],
      },
      {
        actions: {
          type: 'violation',
          params: ({ context, event }) => {
            const r = settle(context.ledger, event.orderId, event);
            return { rule: 'escrow', detail: r.ok ? 'settle refused' : r.reason };
          },
        },
      },
    ],
    'listing.add': {
      actions: assign({
        listings: ({ context, event }) => mapSet(context.listings, event.listing.orderId, event.listing),
        listingCells: ({ context, event }) =>
          fileListing(
            unfileListing(context.listingCells, mapGet(context.listings, event.listing.orderId)),
            event.listing,
          ),
      }),
    },
    'listing.remove': {
      actions: assign({
        listings: ({ context, event }) => mapDelete(context.listings, event.orderId),
        listingCells: ({ context, event }) =>
          unfileListing(context.listingCells, mapGet(context.listings, event.orderId)),
      }),
    },
    'order.assigned': {
      actions: assign({
        relay: ({ context, event }) =>
          openLines(context.relay, event.orderId, {
            publisher: event.publisherId,
            courier: event.courierId,
            publisherMasked: event.publisherMasked,
            courierMasked: event.courierMasked,
          }),
        couriers: ({ context, event }) =>
          withCourier(context, event.courierId, {
            activeOrder: event.orderId,
            publisher: event.publisherId,
          }),
      }),
    },
    'order.ended': [
      {
        guard: ({ context, event }) => mapHas(context.flowOrders, event.orderId),
        actions: assign({
          flowOrders: ({ context, event }) => mapDelete(context.flowOrders, event.orderId),
          rentedVehicles: ({ context, event }) =>
            event.vehicleId && mapGet(context.rentedVehicles, event.vehicleId) === event.orderId
              ? mapDelete(context.rentedVehicles, event.vehicleId)
              : context.rentedVehicles,
        }),
      },
      {
        actions: [
          assign(({ context, event }) => {
            const orders = mapDelete(context.orders, event.orderId);
            // the order names its courier; the registry must agree before it is cleared
            const courierId =
              event.courierId !== null &&
              mapGet(context.couriers, event.courierId)?.activeOrder === event.orderId
                ? event.courierId
                : undefined;
            return {
              orders,
              relay: closeLines(context.relay, event.orderId),
              couriers: courierId
                ? withCourier(context, courierId, { activeOrder: null, publisher: null })
                : context.couriers,
            };
          }),
        ],
      },
    ],
  },
});
