/**
 * The terms of a trunk delivery (flow 1) at dispatch: its data (timings, fees, the order's context
 * and events) and the pieces of its behaviour that are plain functions of them — money splits, the
 * listing couriers see, and the messages and effects the order machine (trunk-order.ts) sends.
 */
import { sendParent } from 'xstate';
import type { CryptoPort, KeyHandle } from './crypto-port.ts';
import type { DigitalKey } from './digital-key.ts';
import type {
  CountParams,
  LifecycleParams,
  OrderToDispatch,
  OutboundMessage,
  SendParams,
} from './errand-order.ts';
import type { ErrandListing, OrderOutcome, Placement, Point, TrunkRequest } from './protocol.ts';

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

export type Ctx = { context: TrunkOrderContext };

/** Why the goods go back: the car left the area or its space, was driven too long, or kept moving. */
export function returnReason(event: TrunkOrderEvent): string {
  if (event.type !== 'placement.checked') return 'unknown';
  if (event.placement.ok) return 'kept_moving';
  return event.placement.reason === 'not_parked' ? 'hold_expired' : event.placement.reason;
}

export function totalOf(ctx: TrunkOrderContext): number {
  return ctx.request.goodsCents + ctx.fees.deliveryFeeCents;
}

export function listingOf(ctx: TrunkOrderContext): ErrandListing {
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

export function toParent(make: (ctx: TrunkOrderContext) => OrderToDispatch) {
  return sendParent<TrunkOrderContext, TrunkOrderEvent, undefined, OrderToDispatch, TrunkOrderEvent>(
    ({ context }) => make(context),
  );
}

export function send(
  to: (ctx: TrunkOrderContext) => string,
  message: (ctx: TrunkOrderContext) => OutboundMessage,
) {
  return {
    type: 'send' as const,
    params: ({ context }: Ctx): SendParams => ({ to: to(context), message: message(context) }),
  };
}
export const toCustomer = (m: (ctx: TrunkOrderContext) => OutboundMessage) =>
  send((c) => c.request.customerId, m);
export const toCourier = (m: (ctx: TrunkOrderContext) => OutboundMessage) =>
  send((c) => c.courierId ?? '', m);

export function lifecycle(step: LifecycleParams['step']) {
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

export function count(counter: string) {
  return { type: 'count' as const, params: (): CountParams => ({ flow: 'trunk', counter }) };
}

export const checkPlacement = {
  type: 'checkPlacement' as const,
  params: ({ context }: Ctx) => ({
    orderId: context.orderId,
    vehicleId: context.request.vehicleId,
    areaId: context.store.areaId,
  }),
};

/** Settles what is held: the store its goods, the courier its share of the fee, the rest back. */
export function settle(outcome: 'delivered' | 'returned' | 'unserved') {
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

export function closed(outcome: OrderOutcome, reason: string, refund: (ctx: TrunkOrderContext) => number) {
  return toCustomer((ctx) => ({
    type: 'trunk.closed',
    orderId: ctx.orderId,
    outcome,
    refund: refund(ctx),
    reason,
  }));
}

export function ended(outcome: OrderOutcome | 'rejected', reason: string) {
  return toParent((ctx) => ({
    type: 'order.ended',
    orderId: ctx.orderId,
    courierId: ctx.courierId,
    outcome,
    reason,
  }));
}

/** The key ends with the order: dispatch tells the car (which acknowledges), used or not. */
export const revokeKey = send(
  (c) => c.request.vehicleId,
  (c) => ({ type: 'vehicle.revoke', keyId: c.key?.keyId ?? '' }),
);
