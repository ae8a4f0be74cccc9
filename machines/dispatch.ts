import { type AnyActorRef, assign } from 'xstate';
import { closeLines, EMPTY_RELAY, openLines, routeChat } from './chat-relay.ts';
import { flowRoutes } from './dispatch-flow-routes.ts';
import { ordinaryCouriersPull } from './dispatch-policy.ts';
import {
  type DispatchEvent,
  dispatchSetup,
  ORDER_MESSAGES,
  type OrderBound,
  PORT_ANSWERS,
  pullListings,
  repeatedOrderId,
  requestKey,
  senderOf,
  withCourier,
} from './dispatch-setup.ts';
import { checkErrandRequest } from './errand-fees.ts';
import { EMPTY_LEDGER, hold, settle } from './escrow-ledger.ts';
import { ORDER_SHARDS, type OrderKind, orderShardMachine } from './order-shard.ts';
import { emptyMap, mapDelete, mapGet, mapHas, mapSet } from './persistent-map.ts';

export type { CourierRecord, DispatchContext, DispatchEvent, DispatchInput } from './dispatch-setup.ts';
export { pullListings } from './dispatch-setup.ts';

/**
 * The dispatch server of every flow. It prices and decides nothing per order itself: each order is
 * a child actor (system id = order id) that owns its lifecycle — `errandOrder` (E…), `trunkOrder`
 * (T…), `rental` (R…), `preorder` (P…) — and two long-lived desks keep the robot carts (`carts`) and
 * resolve beacon sightings (`beacons`). The server validates and routes inbound messages, opens each
 * order once per request id (a repeated request is answered again), keeps the shared tables
 * (courier registry, open listings for pulls, the escrow ledger, the chat relay, rented cars, busy
 * beacons) and answers what concerns no single order.
 */
const dispatchRoot = dispatchSetup.createMachine({
  id: 'dispatch',
  context: ({ input, spawn }) => ({
    ...input,
    desks: input.flows
      ? {
          carts: spawn('cartDesk', {
            id: 'carts',
            systemId: 'carts',
            input: input.flows.robot,
          }) as AnyActorRef,
          beacons: spawn('beaconDesk', {
            id: 'beacons',
            systemId: 'beacons',
            input: { ...input.flows.preorder.beacons, crypto: input.flows.keys.crypto },
          }) as AnyActorRef,
        }
      : null,
    rentedVehicles: emptyMap(),
    busyBeacons: emptyMap(),
    orderSeq: 0,
    orders: emptyMap(),
    listings: emptyMap(),
    ledger: EMPTY_LEDGER,
    relay: EMPTY_RELAY,
    couriers: emptyMap(),
    requests: emptyMap(),
    flowOrders: emptyMap(),
    flowSeq: 0,
    refusals: [],
    // the order shards are children only (orders are addressed by id, never by a ref in the context)
    ...spawnShards(spawn as unknown as (src: 'orderShard', options: { id: string }) => unknown),
  }),
  initial: 'serving',
  states: {
    serving: {
      on: {
        'errand.publish': [
          { guard: 'repeatedOpenRequest', actions: 'republish' },
          {
            // the order already ended: a late copy of the publish must not open a second one
            guard: 'repeatedRequest',
            actions: {
              type: 'send',
              params: ({ context, event }) => ({
                to: event.request.publisherId,
                message: {
                  type: 'errand.duplicate',
                  requestId: event.request.requestId,
                  orderId: repeatedOrderId(context, event),
                },
              }),
            },
          },
          {
            guard: 'validRequest',
            actions: [
              assign(({ context, event }) => {
                if (event.type !== 'errand.publish') return {};
                const orderSeq = context.orderSeq + 1;
                const orderId = `E${orderSeq}`;
                return {
                  orderSeq,
                  orders: mapSet(context.orders, orderId, true as const),
                  requests: mapSet(context.requests, requestKey(event.request), orderId),
                };
              }),
              {
                type: 'openOrder',
                params: ({ context, event }) => ({
                  kind: 'errandOrder',
                  orderId: `E${context.orderSeq}`,
                  input: {
                    orderId: `E${context.orderSeq}`,
                    orderSeq: context.orderSeq,
                    request: (event as Extract<DispatchEvent, { type: 'errand.publish' }>).request,
                    fees: context.fees,
                    timing: context.timing,
                  },
                }),
              },
            ],
          },
          {
            actions: {
              type: 'send',
              params: ({ context, event }) => {
                const request = event.type === 'errand.publish' ? event.request : undefined;
                const check = request ? checkErrandRequest(request, context.fees) : undefined;
                return {
                  to: request?.publisherId ?? '',
                  message: {
                    type: 'errand.rejected',
                    requestId: request?.requestId ?? '',
                    reason: check && !check.ok ? check.reason : 'invalid request',
                  },
                };
              },
            },
          },
        ],
        'errand.accept': [
          { guard: 'knownOrder', actions: 'forward' },
          {
            actions: {
              type: 'send',
              params: ({ event }) => ({
                to: event.courierId,
                message: {
                  type: 'errand.acceptResult',
                  orderId: event.orderId,
                  ok: false,
                  reason: 'order_closed',
                },
              }),
            },
          },
        ],
        ...Object.fromEntries(
          ORDER_MESSAGES.map((type) => [
            type,
            [
              { guard: 'knownOrder' as const, actions: 'forward' as const },
              {
                actions: {
                  type: 'send' as const,
                  params: ({ event }: { event: DispatchEvent }) => ({
                    to: senderOf(event),
                    message: {
                      type: 'error',
                      about: event.type,
                      orderId: (event as OrderBound).orderId,
                      reason: 'unknown_order',
                    },
                  }),
                },
              },
            ],
          ]),
        ),
        ...Object.fromEntries(
          PORT_ANSWERS.map((type) => [type, { guard: 'knownOrder' as const, actions: 'forward' as const }]),
        ),
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
                    ? pullListings(context.listings, event, context.pullLimit)
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
          }),
        },
        'listing.remove': {
          actions: assign({
            listings: ({ context, event }) => mapDelete(context.listings, event.orderId),
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
        ...flowRoutes.on,
      },
    },
  },
});

function spawnShards(spawn: (src: 'orderShard', options: { id: string }) => unknown): Record<never, never> {
  for (let i = 0; i < ORDER_SHARDS; i++) spawn('orderShard', { id: `orders${i}` });
  return {};
}

const ORDER_KINDS: readonly OrderKind[] = ['errandOrder', 'trunkOrder', 'rental', 'preorder'];

/**
 * The open orders are the children of the shards (see order-shard.ts), not of dispatch: so that
 * `dispatchMachine.provide({ actors: { errandOrder, … } })` still reaches them, every provided copy
 * of dispatch hands its order actors on to its shards.
 */
function shardingOrders<M extends typeof dispatchRoot>(machine: M): M {
  const provide = machine.provide.bind(machine);
  return Object.assign(machine, {
    provide: (implementations: Parameters<M['provide']>[0]) => {
      const actors = provide(implementations).implementations.actors;
      const orders = Object.fromEntries(ORDER_KINDS.map((kind) => [kind, actors[kind]]));
      const orderShard = orderShardMachine.provide({ actors: orders as never });
      return shardingOrders(
        provide({ ...implementations, actors: { ...implementations.actors, orderShard } } as never),
      );
    },
  });
}

/**
 * The dispatch server of every flow (see dispatchRoot above for what it keeps and routes).
 */
export const dispatchMachine = shardingOrders(dispatchRoot);
