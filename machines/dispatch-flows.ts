/**
 * What dispatch needs to serve the four flows beyond errands, and the pure helpers its root uses to
 * open their orders. Kept out of dispatch.ts so the server's routing stays readable.
 */
import type { BeaconDeskInput } from './beacon-desk.ts';
import type { CartDeskInput } from './cart-desk.ts';
import type { DispatchContext, DispatchEvent } from './dispatch.ts';
import { mapGet, mapHas } from './persistent-map.ts';
import type { PreorderInput } from './preorder.ts';
import type { PreorderRequest, RentalRequest, TrunkRequest } from './protocol.ts';
import type { RentalInput, RentalTerms } from './rental.ts';
import type { KeyIssuer, TrunkFees, TrunkOrderInput, TrunkStore, TrunkTiming } from './trunk-order.ts';

export interface TrunkFlowInput {
  readonly timing: TrunkTiming;
  readonly fees: TrunkFees;
  /** Stores that deliver to trunks, with their coverage area. */
  readonly stores: Readonly<Record<string, TrunkStore>>;
}

export interface PreorderFlowInput {
  readonly pickupWindowMs: number;
  readonly handoverTimeoutMs: number;
  /** The beacon registry (secrets) and the resolver's slot and drift, for the beacon desk. */
  readonly beacons: Omit<BeaconDeskInput, 'crypto'>;
  /** Beacon → the customer whose car carries it (only its owner may bind it to a preorder). */
  readonly owners: Readonly<Record<string, string>>;
}

export interface FlowsInput {
  /** Dispatch's signing key: digital keys for couriers and renters. */
  readonly keys: KeyIssuer;
  readonly trunk: TrunkFlowInput;
  readonly rental: RentalTerms;
  readonly preorder: PreorderFlowInput;
  readonly robot: CartDeskInput;
}

/** The sender and request id of a flow request: the idempotency key of opening an order. */
export function flowRequestKey(event: DispatchEvent): string {
  if (event.type === 'trunk.order') return `${event.request.customerId}|${event.request.requestId}`;
  if (event.type === 'rental.request') return `${event.request.renterId}|${event.request.requestId}`;
  if (event.type === 'preorder.place') return `${event.request.customerId}|${event.request.requestId}`;
  return '';
}

/** The order a flow request already opened, or '' for a new one. */
export function repeatedFlowOrderId(context: DispatchContext, event: DispatchEvent): string {
  const key = flowRequestKey(event);
  return key === '' ? '' : (mapGet(context.requests, key) ?? '');
}

export function trunkOrderInput(flows: FlowsInput, orderId: string, request: TrunkRequest): TrunkOrderInput {
  return {
    orderId,
    request,
    store: flows.trunk.stores[request.storeId]!,
    timing: flows.trunk.timing,
    fees: flows.trunk.fees,
    keys: flows.keys,
  };
}

export function rentalInput(flows: FlowsInput, rentalId: string, request: RentalRequest): RentalInput {
  return { rentalId, request, terms: flows.rental, keys: flows.keys };
}

export function preorderInput(
  flows: FlowsInput,
  orderId: string,
  request: PreorderRequest,
  now: number,
): PreorderInput {
  return {
    orderId,
    request,
    pickupWindowMs: flows.preorder.pickupWindowMs,
    handoverTimeoutMs: flows.preorder.handoverTimeoutMs,
    placedAt: now,
  };
}

/** Why dispatch refuses a preorder before opening it, or null when it may open. */
export function preorderRefusal(context: DispatchContext, request: PreorderRequest): string | null {
  const flows = context.flows;
  if (!flows) return 'not_served';
  if (flows.trunk.stores[request.storeId] === undefined) return 'unknown_store';
  if (flows.preorder.owners[request.beaconId] !== request.customerId) return 'unknown_beacon';
  if (mapHas(context.busyBeacons, request.beaconId)) return 'beacon_busy';
  if (!Number.isSafeInteger(request.totalCents) || request.totalCents <= 0) return 'invalid_total';
  return null;
}
