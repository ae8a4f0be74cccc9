/**
 * The dispatch server's types, tables and named effects (its `setup`), shared by dispatch.ts (the
 * machine and the errand routes) and dispatch-flow-routes.ts (the routes of the other four flows).
 */
import { type AnyActorRef, type EventObject, sendTo, setup } from 'xstate';
import { beaconDeskMachine } from './beacon-desk.ts';
import { cartDeskMachine } from './cart-desk.ts';
import type { ChatRelay } from './chat-relay.ts';
import { type FlowsInput, preorderRefusal, repeatedFlowOrderId } from './dispatch-flows.ts';
import type { DispatchPolicy } from './dispatch-policy.ts';
import { checkErrandRequest, type ErrandFeePolicy } from './errand-fees.ts';
import {
  type BroadcastParams,
  type ErrandOrderEvent,
  type ErrandTiming,
  errandOrderMachine,
  type OrderToDispatch,
  type SendParams,
} from './errand-order.ts';
import type { EscrowLedger } from './escrow-ledger.ts';
import { type ListingCells, listingsAround } from './listing-grid.ts';
import { type OrderKind, orderShardMachine, shardOf } from './order-shard.ts';
import type { PaymentInstruction } from './payments-port.ts';
import { mapGet, mapHas, mapSet, type PersistentMap } from './persistent-map.ts';
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
  /**
   * How many shards hold the open orders (default `ORDER_SHARDS`): about one per 20 open orders at
   * the busiest hour keeps the cost of opening and ending an order flat as the city grows.
   */
  readonly orderShards?: number;
}

export interface CourierRecord {
  readonly courierType: 'ordinary' | 'professional';
  readonly online: boolean;
  readonly activeOrder: string | null;
  readonly publisher: string | null;
}

export interface DispatchContext extends DispatchInput {
  orderSeq: number;
  /**
   * Open errand orders (E…); their actors are the children of the same id. A persistent map, not a
   * record of refs: a plain record was copied on every spawn and end, and a restarted dispatch gets
   * new child actors that only its children map points at.
   */
  orders: PersistentMap<true>;
  /** Open orders ordinary couriers can pull (errands, trunk deliveries). */
  listings: PersistentMap<ErrandListing>;
  /** The same listings filed by where they are picked up, for pulls (see listing-grid.ts). */
  listingCells: ListingCells;
  ledger: EscrowLedger;
  relay: ChatRelay;
  /** The courier registry (a persistent map: it is updated on nearly every courier event). */
  couriers: PersistentMap<CourierRecord>;
  /** `publisher|requestId` → order id: a repeated publish is answered again, never opened twice. */
  requests: PersistentMap<string>;
  /** Open orders of the four other flows (their actors are the children of the same id). */
  flowOrders: PersistentMap<true>;
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

export type OrderBound = Extract<DispatchEvent, { orderId: string }>;

/**
 * Sends an event to the actor of an open order, through the shard that holds it (see
 * order-shard.ts). Orders are named by id, never kept as refs in the context: a dispatch restarted
 * from its persisted snapshot gets new child actors, and only the children maps point at them.
 */
function delivery(orderId: string, event: EventObject & Record<string, unknown>) {
  return { type: 'shard.deliver' as const, orderId, event };
}

/** The order a revoked key belongs to (key ids are `<orderId>:<n>`). */
function revokedOrderId(event: DispatchEvent): string {
  return (event as { keyId: string }).keyId.split(':')[0] ?? '';
}

/** What dispatch needs to open an order: its kind, id and the input of its machine. */
export interface OpenOrderParams {
  readonly kind: OrderKind;
  readonly orderId: string;
  readonly input: unknown;
}

/** Whether an order of any flow is open (its child actor runs). */
export function isOpenOrder(context: DispatchContext, orderId: string): boolean {
  return mapHas(context.orders, orderId) || mapHas(context.flowOrders, orderId);
}

export function hasOrder(context: DispatchContext, event: DispatchEvent): boolean {
  return 'orderId' in event && typeof event.orderId === 'string' && isOpenOrder(context, event.orderId);
}

export function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

export function senderOf(event: DispatchEvent): string {
  if ('courierId' in event && typeof event.courierId === 'string') return event.courierId;
  if ('publisherId' in event && typeof event.publisherId === 'string') return event.publisherId;
  return '';
}

/** Orders that the ordinary courier's pull sees: within radius, of its categories, nearest first. */
export function pullListings(
  cells: ListingCells,
  pull: { position: { x: number; y: number }; radius: number; categories: readonly string[] },
  limit: number,
): ErrandListing[] {
  const hits: { d: number; listing: ErrandListing }[] = [];
  for (const listing of listingsAround(cells, pull.position, pull.radius)) {
    if (!pull.categories.includes(listing.category)) continue;
    const d = distance(listing.pickup, pull.position);
    if (d <= pull.radius) hits.push({ d, listing });
  }
  hits.sort((a, b) => a.d - b.d || (a.listing.orderId < b.listing.orderId ? -1 : 1));
  return hits.slice(0, limit).map((h) => h.listing);
}

export function withCourier(
  context: DispatchContext,
  id: string,
  patch: Partial<CourierRecord>,
): DispatchContext['couriers'] {
  const current = mapGet(context.couriers, id) ?? {
    courierType: 'ordinary',
    online: false,
    activeOrder: null,
    publisher: null,
  };
  return mapSet(context.couriers, id, { ...current, ...patch });
}

/** Messages from a party that belong to one order: routed to its actor, or answered `unknown_order`. */
export const ORDER_MESSAGES = [
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
export const PORT_ANSWERS = [
  'route.quote',
  'couriers.found',
  'placement.checked',
  'lock.checked',
  'preorder.handedOver',
  'store.preorderRefused',
] as const;

/** Messages of the robot carts, all kept by the cart desk. */
export const CART_MESSAGES = [
  'cart.take',
  'cart.putBack',
  'cart.get',
  'cart.pay',
  'cart.sessionEnded',
] as const;

/** The idempotency key of a publish: request ids are unique per publisher. */
export function requestKey(request: { publisherId: string; requestId: string }): string {
  return `${request.publisherId}|${request.requestId}`;
}

export function refuseRental(reason: string) {
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

export const unknownRental = {
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
export function repeatedOrderId(context: DispatchContext, event: DispatchEvent): string {
  return event.type === 'errand.publish' ? (mapGet(context.requests, requestKey(event.request)) ?? '') : '';
}

/** Dispatch's actors, actions and guards; the machine is built from it in dispatch.ts. */
export const dispatchSetup = setup({
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
    orderShard: orderShardMachine,
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
    /** Opens an order: its actor is spawned by the shard that will hold it. */
    openOrder: sendTo(
      ({ context }, params: OpenOrderParams) => shardOf(params.orderId, context.orderShards),
      (_, params: OpenOrderParams) => ({ type: 'shard.open', ...params }),
    ),
    forwardRental: sendTo(
      ({ context, event }) => shardOf((event as { rentalId: string }).rentalId, context.orderShards),
      ({ event }) => delivery((event as { rentalId: string }).rentalId, event),
    ),
    forwardRevocation: sendTo(
      ({ context, event }) => shardOf(revokedOrderId(event), context.orderShards),
      ({ event }) => delivery(revokedOrderId(event), event),
    ),
    /** A repeated request of another flow: its open order answers it again. */
    reorder: sendTo(
      ({ context, event }) => shardOf(repeatedFlowOrderId(context, event), context.orderShards),
      ({ context, event }) => {
        const orderId = repeatedFlowOrderId(context, event);
        return delivery(orderId, { type: 'order.repeat', orderId });
      },
    ),
    republish: sendTo(
      ({ context, event }) => shardOf(repeatedOrderId(context, event), context.orderShards),
      ({ context, event }) => {
        const orderId = repeatedOrderId(context, event);
        return delivery(orderId, { type: 'errand.republish', orderId });
      },
    ),
    forward: sendTo(
      ({ context, event }) => shardOf((event as OrderBound).orderId, context.orderShards),
      ({ event }) => delivery((event as OrderBound).orderId, event as ErrandOrderEvent),
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
      event.type === 'vehicle.revoked' && mapHas(context.flowOrders, revokedOrderId(event)),
    preorderRefused: ({ context, event }) =>
      event.type === 'preorder.place' && preorderRefusal(context, event.request) !== null,
    withDesks: ({ context }) => context.desks !== null,
    trunkServed: ({ context, event }) =>
      event.type === 'trunk.order' && context.flows?.trunk.stores[event.request.storeId] !== undefined,
    repeatedOpenRequest: ({ context, event }) => mapHas(context.orders, repeatedOrderId(context, event)),
    onlineCourier: ({ context, event }) => mapGet(context.couriers, senderOf(event))?.online === true,
  },
});
