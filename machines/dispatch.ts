import { type ActorRefFrom, type AnyActorRef, assign, sendTo, setup, stopChild } from 'xstate';
import { beaconDeskMachine } from './beacon-desk.ts';
import { cartDeskMachine } from './cart-desk.ts';
import { type ChatRelay, closeLines, EMPTY_RELAY, openLines, routeChat } from './chat-relay.ts';
import {
  type FlowsInput,
  flowRequestKey,
  preorderInput,
  preorderRefusal,
  rentalInput,
  repeatedFlowOrderId,
  trunkOrderInput,
} from './dispatch-flows.ts';
import { type DispatchPolicy, ordinaryCouriersPull } from './dispatch-policy.ts';
import { checkErrandRequest, type ErrandFeePolicy } from './errand-fees.ts';
import {
  type BroadcastParams,
  type ErrandOrderEvent,
  type ErrandTiming,
  errandOrderMachine,
  type OrderToDispatch,
  type SendParams,
} from './errand-order.ts';
import { EMPTY_LEDGER, type EscrowLedger, hold, settle } from './escrow-ledger.ts';
import type { PaymentInstruction } from './payments-port.ts';
import {
  emptyMap,
  mapDelete,
  mapEntries,
  mapGet,
  mapHas,
  mapSet,
  type PersistentMap,
} from './persistent-map.ts';
import { preorderMachine } from './preorder.ts';
import type {
  ChatSend,
  CourierToDispatch,
  CustomerToDispatch,
  DeviceToDispatch,
  ErrandListing,
  PortAnswer,
} from './protocol.ts';
import { rentalMachine } from './rental.ts';
import { trunkOrderMachine } from './trunk-order.ts';

export interface DispatchInput {
  readonly fees: ErrandFeePolicy;
  readonly timing: ErrandTiming;
  /** Longest list an ordinary courier's pull returns. */
  readonly pullLimit: number;
  /** How couriers are chosen (default push-pull); only push-pull answers ordinary couriers' pulls. */
  readonly policy?: DispatchPolicy;
  /** The other four flows; absent, dispatch serves errands only. */
  readonly flows?: FlowsInput;
}

export interface CourierRecord {
  readonly courierType: 'ordinary' | 'professional';
  readonly online: boolean;
  readonly activeOrder: string | null;
  readonly publisher: string | null;
}

export interface DispatchContext extends DispatchInput {
  orderSeq: number;
  orders: Record<string, ActorRefFrom<typeof errandOrderMachine>>;
  /** Open orders ordinary couriers can pull (errands, trunk deliveries). */
  listings: PersistentMap<ErrandListing>;
  ledger: EscrowLedger;
  relay: ChatRelay;
  couriers: Record<string, CourierRecord>;
  /** `publisher|requestId` → order id: a repeated publish is answered again, never opened twice. */
  requests: PersistentMap<string>;
  /** Orders of the other flows (trunk T…, rental R…, preorder P…): their child actors by id. */
  flowOrders: PersistentMap<AnyActorRef>;
  flowSeq: number;
  /** Pool cars rented now → rental id (a car is rented to one renter at a time). */
  rentedVehicles: PersistentMap<string>;
  /** Beacons bound to an open preorder → its id (one preorder per beacon at a time). */
  busyBeacons: PersistentMap<string>;
  /** The long-lived desks of the robot carts and the beacon sightings (null: errands only). */
  desks: { readonly carts: AnyActorRef; readonly beacons: AnyActorRef } | null;
  /** Money and assignment rules the ledger refused: each one is a bug, counted as a violation. */
  refusals: string[];
}

export type DispatchEvent =
  | CustomerToDispatch
  | CourierToDispatch
  | ChatSend
  | PortAnswer
  | DeviceToDispatch
  | OrderToDispatch
  | { type: 'xstate.done.actor.*'; actorId?: string };

type OrderBound = Extract<DispatchEvent, { orderId: string }>;

/** The child actor of an open order of any flow. */
function orderRef(context: DispatchContext, orderId: string): AnyActorRef | undefined {
  return context.orders[orderId] ?? mapGet(context.flowOrders, orderId);
}

function hasOrder(context: DispatchContext, event: DispatchEvent): boolean {
  return (
    'orderId' in event && typeof event.orderId === 'string' && orderRef(context, event.orderId) !== undefined
  );
}

function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function senderOf(event: DispatchEvent): string {
  if ('courierId' in event && typeof event.courierId === 'string') return event.courierId;
  if ('publisherId' in event && typeof event.publisherId === 'string') return event.publisherId;
  return '';
}

/** Orders that the ordinary courier's pull sees: within radius, of its categories, nearest first. */
export function pullListings(
  listings: PersistentMap<ErrandListing>,
  pull: { position: { x: number; y: number }; radius: number; categories: readonly string[] },
  limit: number,
): ErrandListing[] {
  const hits: { d: number; listing: ErrandListing }[] = [];
  for (const [, listing] of mapEntries(listings)) {
    if (!pull.categories.includes(listing.category)) continue;
    const d = distance(listing.pickup, pull.position);
    if (d <= pull.radius) hits.push({ d, listing });
  }
  hits.sort((a, b) => a.d - b.d || (a.listing.orderId < b.listing.orderId ? -1 : 1));
  return hits.slice(0, limit).map((h) => h.listing);
}

function withCourier(
  context: DispatchContext,
  id: string,
  patch: Partial<CourierRecord>,
): DispatchContext['couriers'] {
  const current = context.couriers[id] ?? {
    courierType: 'ordinary',
    online: false,
    activeOrder: null,
    publisher: null,
  };
  return { ...context.couriers, [id]: { ...current, ...patch } };
}

/** Messages from a party that belong to one order: routed to its actor, or answered `unknown_order`. */
const ORDER_MESSAGES = [
  'errand.cancel',
  'errand.confirm',
  'errand.dispute',
  'errand.pickedUp',
  'errand.delivered',
  'trunk.atCar',
  'trunk.deposited',
  'trunk.unlockFailed',
  'trunk.returned',
] as const;

/** Answers of the world's ports about one order: routed to it, or dropped once the order has ended. */
const PORT_ANSWERS = [
  'route.quote',
  'couriers.found',
  'placement.checked',
  'lock.checked',
  'preorder.handedOver',
  'store.preorderRefused',
] as const;

/** Messages of the robot carts, all kept by the cart desk. */
const CART_MESSAGES = ['cart.take', 'cart.putBack', 'cart.get', 'cart.pay', 'cart.sessionEnded'] as const;

/** The idempotency key of a publish: request ids are unique per publisher. */
function requestKey(request: { publisherId: string; requestId: string }): string {
  return `${request.publisherId}|${request.requestId}`;
}

function refuseRental(reason: string) {
  return {
    type: 'send' as const,
    params: ({ event }: { event: DispatchEvent }) => {
      const request = (event as Extract<DispatchEvent, { type: 'rental.request' }>).request;
      return {
        to: request.renterId,
        message: { type: 'rental.refused', requestId: request.requestId, reason },
      };
    },
  };
}

const unknownRental = {
  type: 'send' as const,
  params: ({ event }: { event: DispatchEvent }) => {
    const e = event as Extract<DispatchEvent, { type: 'rental.end' | 'rental.upgrade' }>;
    return {
      to: e.renterId,
      message: { type: 'error', about: e.type, rentalId: e.rentalId, reason: 'unknown_order' },
    };
  },
};

/** The order a publish already opened, or '' for a new request. */
function repeatedOrderId(context: DispatchContext, event: DispatchEvent): string {
  return event.type === 'errand.publish' ? (mapGet(context.requests, requestKey(event.request)) ?? '') : '';
}

/**
 * The dispatch server of the errand platform. It prices and decides nothing per order itself: each
 * order is a child `errandOrder` actor (system id = order id) that owns its lifecycle; the server
 * validates and routes inbound messages, keeps the shared tables (courier registry, open listings
 * for pulls, the escrow ledger, the chat relay) and answers what concerns no single order.
 */
export const dispatchMachine = setup({
  types: {
    context: {} as DispatchContext,
    events: {} as DispatchEvent,
    input: {} as DispatchInput,
  },
  actors: {
    errandOrder: errandOrderMachine,
    trunkOrder: trunkOrderMachine,
    rental: rentalMachine,
    preorder: preorderMachine,
    cartDesk: cartDeskMachine,
    beaconDesk: beaconDeskMachine,
  },
  actions: {
    /** Sends a message from dispatch over the net port. */
    send: (_, _params: SendParams) => {},
    broadcast: (_, _params: BroadcastParams) => {},
    /** Mirrors an escrow movement to the payments port; the key makes a retry move money once. */
    payments: (_, _params: PaymentInstruction) => {},
    /** Reports a rule the ledger or the tables refused to break (each one is a bug upstream). */
    violation: (_, _params: { rule: string; detail: string }) => {},
    /** A repeated publish of an open order: the order answers it again (it never opens twice). */
    /** Hands a cart or sighting message to the desk that keeps carts or beacon bindings. */
    toCartDesk: sendTo(
      ({ context }) => context.desks?.carts as AnyActorRef,
      ({ event }) => event,
    ),
    toBeaconDesk: sendTo(
      ({ context }) => context.desks?.beacons as AnyActorRef,
      ({ event }) => event,
    ),
    forwardRental: sendTo(
      ({ context, event }) =>
        mapGet(context.flowOrders, (event as { rentalId: string }).rentalId) as AnyActorRef,
      ({ event }) => event,
    ),
    forwardRevocation: sendTo(
      ({ context, event }) =>
        mapGet(context.flowOrders, (event as { keyId: string }).keyId.split(':')[0] ?? '') as AnyActorRef,
      ({ event }) => event,
    ),
    /** A repeated request of another flow: its open order answers it again. */
    reorder: sendTo(
      ({ context, event }) => orderRef(context, repeatedFlowOrderId(context, event)) as AnyActorRef,
      ({ context, event }) => ({ type: 'order.repeat', orderId: repeatedFlowOrderId(context, event) }),
    ),
    republish: sendTo(
      ({ context, event }) => context.orders[repeatedOrderId(context, event)],
      ({ context, event }) => ({ type: 'errand.republish', orderId: repeatedOrderId(context, event) }),
    ),
    forward: sendTo(
      ({ context, event }) => orderRef(context, (event as OrderBound).orderId) as AnyActorRef,
      ({ event }) => event as ErrandOrderEvent,
    ),
  },
  guards: {
    validRequest: ({ context, event }) =>
      event.type === 'errand.publish' && checkErrandRequest(event.request, context.fees).ok,
    knownOrder: ({ context, event }) => hasOrder(context, event),
    repeatedRequest: ({ context, event }) => repeatedOrderId(context, event) !== '',
    repeatedFlowRequest: ({ context, event }) => repeatedFlowOrderId(context, event) !== '',
    repeatedOpenFlowRequest: ({ context, event }) =>
      mapHas(context.flowOrders, repeatedFlowOrderId(context, event)),
    rentalServed: ({ context }) => context.flows !== undefined,
    vehicleInUse: ({ context, event }) =>
      event.type === 'rental.request' && mapHas(context.rentedVehicles, event.request.vehicleId),
    knownRental: ({ context, event }) => 'rentalId' in event && mapHas(context.flowOrders, event.rentalId),
    revocationOfOpenOrder: ({ context, event }) =>
      event.type === 'vehicle.revoked' && mapHas(context.flowOrders, event.keyId.split(':')[0] ?? ''),
    preorderRefused: ({ context, event }) =>
      event.type === 'preorder.place' && preorderRefusal(context, event.request) !== null,
    withDesks: ({ context }) => context.desks !== null,
    trunkServed: ({ context, event }) =>
      event.type === 'trunk.order' && context.flows?.trunk.stores[event.request.storeId] !== undefined,
    repeatedOpenRequest: ({ context, event }) => repeatedOrderId(context, event) in context.orders,
    onlineCourier: ({ context, event }) => context.couriers[senderOf(event)]?.online === true,
  },
}).createMachine({
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
    orders: {},
    listings: emptyMap(),
    ledger: EMPTY_LEDGER,
    relay: EMPTY_RELAY,
    couriers: {},
    requests: emptyMap(),
    flowOrders: emptyMap(),
    flowSeq: 0,
    refusals: [],
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
            actions: assign(({ context, event, spawn }) => {
              if (event.type !== 'errand.publish') return {};
              const orderSeq = context.orderSeq + 1;
              const orderId = `E${orderSeq}`;
              const ref = spawn('errandOrder', {
                id: orderId,
                systemId: orderId,
                input: {
                  orderId,
                  orderSeq,
                  request: event.request,
                  fees: context.fees,
                  timing: context.timing,
                },
              });
              return {
                orderSeq,
                orders: { ...context.orders, [orderId]: ref },
                requests: mapSet(context.requests, requestKey(event.request), orderId),
              };
            }),
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
          guard: ({ context, event }) => context.couriers[event.courierId]?.publisher != null,
          actions: {
            type: 'send',
            params: ({ context, event }) => {
              const record = context.couriers[event.courierId];
              return {
                to: record.publisher ?? '',
                message: {
                  type: 'errand.tracking',
                  orderId: record.activeOrder,
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
        // a finished order child is removed from the system, so snapshots do not grow all day
        'xstate.done.actor.*': {
          actions: stopChild(({ event }) => (event as { actorId?: string }).actorId ?? ''),
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
                const orders = { ...context.orders };
                delete orders[event.orderId];
                // the order names its courier; the registry must agree before it is cleared
                const courierId =
                  event.courierId !== null && context.couriers[event.courierId]?.activeOrder === event.orderId
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
        'rental.request': [
          { guard: 'repeatedOpenFlowRequest', actions: 'reorder' },
          { guard: 'repeatedFlowRequest' },
          { guard: 'vehicleInUse', actions: refuseRental('vehicle_in_use') },
          {
            guard: 'rentalServed',
            actions: assign(({ context, event, spawn }) => {
              if (event.type !== 'rental.request') return {};
              const flowSeq = context.flowSeq + 1;
              const rentalId = `R${flowSeq}`;
              const ref = spawn('rental', {
                id: rentalId,
                systemId: rentalId,
                input: rentalInput(context.flows as FlowsInput, rentalId, event.request),
              });
              return {
                flowSeq,
                flowOrders: mapSet(context.flowOrders, rentalId, ref as AnyActorRef),
                requests: mapSet(context.requests, flowRequestKey(event), rentalId),
                rentedVehicles: mapSet(context.rentedVehicles, event.request.vehicleId, rentalId),
              };
            }),
          },
          { actions: refuseRental('not_served') },
        ],
        'rental.upgrade': [{ guard: 'knownRental', actions: 'forwardRental' }, { actions: unknownRental }],
        'rental.end': [{ guard: 'knownRental', actions: 'forwardRental' }, { actions: unknownRental }],
        'vehicle.revoked': { guard: 'revocationOfOpenOrder', actions: 'forwardRevocation' },
        'preorder.place': [
          { guard: 'repeatedOpenFlowRequest', actions: 'reorder' },
          { guard: 'repeatedFlowRequest' },
          {
            guard: 'preorderRefused',
            actions: {
              type: 'send',
              params: ({ context, event }) => ({
                to: event.request.customerId,
                message: {
                  type: 'preorder.refused',
                  requestId: event.request.requestId,
                  reason: preorderRefusal(context, event.request),
                },
              }),
            },
          },
          {
            actions: assign(({ context, event, spawn }) => {
              if (event.type !== 'preorder.place') return {};
              const flowSeq = context.flowSeq + 1;
              const orderId = `P${flowSeq}`;
              const ref = spawn('preorder', {
                id: orderId,
                systemId: orderId,
                input: preorderInput(context.flows as FlowsInput, orderId, event.request, event.at ?? 0),
              });
              return {
                flowSeq,
                flowOrders: mapSet(context.flowOrders, orderId, ref as AnyActorRef),
                requests: mapSet(context.requests, flowRequestKey(event), orderId),
                busyBeacons: mapSet(context.busyBeacons, event.request.beaconId, orderId),
              };
            }),
          },
        ],
        'beacon.bind': { guard: 'withDesks', actions: 'toBeaconDesk' },
        'beacon.unbind': {
          guard: 'withDesks',
          actions: [
            'toBeaconDesk',
            assign({
              busyBeacons: ({ context, event }) =>
                mapGet(context.busyBeacons, event.beaconId) === event.orderId
                  ? mapDelete(context.busyBeacons, event.beaconId)
                  : context.busyBeacons,
            }),
          ],
        },
        'scanner.report': { guard: 'withDesks', actions: 'toBeaconDesk' },
        ...Object.fromEntries(
          CART_MESSAGES.map((type) => [
            type,
            { guard: 'withDesks' as const, actions: 'toCartDesk' as const },
          ]),
        ),
        'trunk.order': [
          { guard: 'repeatedOpenFlowRequest', actions: 'reorder' },
          { guard: 'repeatedFlowRequest' },
          {
            guard: 'trunkServed',
            actions: assign(({ context, event, spawn }) => {
              if (event.type !== 'trunk.order') return {};
              const flowSeq = context.flowSeq + 1;
              const orderId = `T${flowSeq}`;
              const ref = spawn('trunkOrder', {
                id: orderId,
                systemId: orderId,
                input: trunkOrderInput(context.flows as FlowsInput, orderId, event.request),
              });
              return {
                flowSeq,
                flowOrders: mapSet(context.flowOrders, orderId, ref as AnyActorRef),
                requests: mapSet(context.requests, flowRequestKey(event), orderId),
              };
            }),
          },
          {
            actions: {
              type: 'send',
              params: ({ event }) => ({
                to: event.request.customerId,
                message: {
                  type: 'trunk.rejected',
                  requestId: event.request.requestId,
                  reason: 'unknown_store',
                },
              }),
            },
          },
        ],
      },
    },
  },
});
