/**
 * The dispatch root's routes of what couriers and publishers ask of the server itself, not of an
 * order: the courier registry (online, offline), live tracking relayed to the courier's publisher,
 * the listings an ordinary courier pulls, and the masked chat between an order's two parties.
 */
import { assign } from 'xstate';
import { routeChat } from './chat-relay.ts';
import { ordinaryCouriersPull } from './dispatch-policy.ts';
import { dispatchSetup, pullListings, withCourier } from './dispatch-setup.ts';
import { mapGet } from './persistent-map.ts';

export const courierRoutes = dispatchSetup.createStateConfig({
  on: {
    'courier.online': {
      actions: assign({
        couriers: ({ context, event }) =>
          withCourier(context, event.courierId, { courierType: event.courierType, online: true }),
      }),
    },
    'courier.offline': {
      actions: assign({
        couriers: ({ context, event }) => withCourier(context, event.courierId, { online: false }),
      }),
    },
    'courier.position': {
      guard: ({ context, event }) => mapGet(context.couriers, event.courierId)?.publisher != null,
      actions: {
        type: 'send',
        params: ({ context, event }) => {
          const record = mapGet(context.couriers, event.courierId);
          return {
            to: record?.publisher ?? '',
            message: {
              type: 'errand.tracking',
              orderId: record?.activeOrder ?? null,
              position: event.position,
              eta: event.eta,
            },
          };
        },
      },
    },
    'errand.pull': [
      {
        guard: 'onlineCourier',
        actions: {
          type: 'send',
          params: ({ context, event }) => ({
            to: event.courierId,
            message: {
              type: 'errand.list',
              listings: ordinaryCouriersPull(context.policy)
                ? pullListings(context.listingCells, event, context.pullLimit)
                : [],
            },
          }),
        },
      },
      {
        actions: {
          type: 'send',
          params: ({ event }) => ({
            to: event.courierId,
            message: { type: 'error', about: 'errand.pull', reason: 'courier_offline' },
          }),
        },
      },
    ],
    'chat.send': {
      actions: {
        type: 'send',
        params: ({ context, event }) => {
          const route = routeChat(context.relay, event.fromId, event.toMasked);
          return route.ok
            ? {
                to: route.to,
                message: {
                  type: 'chat.message',
                  orderId: route.orderId,
                  fromMasked: route.fromMasked,
                  text: event.text,
                },
              }
            : {
                to: event.fromId,
                message: { type: 'chat.rejected', toMasked: event.toMasked, reason: route.reason },
              };
        },
      },
    },
  },
});
