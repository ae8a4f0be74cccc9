/**
 * The wire protocol between actors: every message that crosses the `net` port, as XState events.
 * Positions are metres in the city's local plane; money is integer cents; times are sim
 * milliseconds. The net stamps `at` (delivery time) on every message it delivers.
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export const ERRAND_CATEGORIES = [
  'parcel_pickup',
  'buy_for_me',
  'deliver',
  'print',
  'answer',
  'other',
] as const;
export type ErrandCategory = (typeof ERRAND_CATEGORIES)[number];

export type CourierType = 'ordinary' | 'professional';
export type CourierMode = 'foot' | 'bike' | 'car';
export type FeeMode = 'ordinary' | 'professional';
export type OrderOutcome = 'completed' | 'cancelled' | 'refunded';

/** What a publisher asks for; validated by dispatch before anything is held. */
export interface ErrandRequest {
  readonly requestId: string;
  readonly publisherId: string;
  readonly category: ErrandCategory;
  readonly description: string;
  readonly recipient: string;
  readonly phone: string;
  readonly pickup: Point;
  readonly dropoff: Point;
  readonly feeMode: FeeMode;
  /** Ordinary mode only: the fee the publisher offers, at or above the category floor. */
  readonly offeredFee?: number;
  /** For `buy_for_me`: the store where the courier buys. */
  readonly storeId?: string;
  /** Latest acceptable completion, sim ms (service level). */
  readonly dueBy: number;
}

/** An order as a courier sees it in an offer or a pull listing. */
export interface ErrandListing {
  readonly orderId: string;
  readonly category: ErrandCategory;
  readonly fee: number;
  readonly pickup: Point;
  readonly dropoff: Point;
  readonly storeId?: string;
  readonly distance: number;
}

type Stamped = { readonly at?: number };

export type CustomerToDispatch = Stamped &
  (
    | { type: 'errand.publish'; request: ErrandRequest }
    | { type: 'errand.cancel'; orderId: string; publisherId: string }
    | { type: 'errand.confirm'; orderId: string; publisherId: string }
    | { type: 'errand.dispute'; orderId: string; publisherId: string; reason: string }
  );

export type CourierToDispatch = Stamped &
  (
    | {
        type: 'courier.online';
        courierId: string;
        courierType: CourierType;
        mode: CourierMode;
        categories: readonly ErrandCategory[];
        position: Point;
      }
    | { type: 'courier.offline'; courierId: string }
    | { type: 'courier.position'; courierId: string; position: Point; eta: number | null }
    | {
        type: 'errand.pull';
        courierId: string;
        position: Point;
        radius: number;
        categories: readonly ErrandCategory[];
      }
    | { type: 'errand.accept'; orderId: string; courierId: string }
    | { type: 'errand.pickedUp'; orderId: string; courierId: string }
    | { type: 'errand.delivered'; orderId: string; courierId: string }
  );

export type ChatSend = Stamped & { type: 'chat.send'; fromId: string; toMasked: string; text: string };

export type DispatchToCustomer = Stamped &
  (
    | { type: 'errand.published'; requestId: string; orderId: string; fee: number; dueBy: number }
    | { type: 'errand.rejected'; requestId: string; reason: string }
    | { type: 'errand.assigned'; orderId: string; courierId: string; courierMasked: string }
    | { type: 'errand.tracking'; orderId: string; position: Point; eta: number | null }
    | { type: 'errand.pickedUp'; orderId: string }
    | { type: 'errand.delivered'; orderId: string }
    | { type: 'errand.closed'; orderId: string; outcome: OrderOutcome; refund: number; reason: string }
  );

export type DispatchToCourier = Stamped &
  (
    | { type: 'errand.offer'; listing: ErrandListing }
    | { type: 'errand.list'; listings: readonly ErrandListing[] }
    | {
        type: 'errand.acceptResult';
        orderId: string;
        ok: boolean;
        reason?: string;
        listing?: ErrandListing;
        publisherMasked?: string;
      }
    | { type: 'errand.cancelled'; orderId: string; reason: string }
  );

export type ChatDelivery = Stamped &
  (
    | { type: 'chat.message'; orderId: string; fromMasked: string; text: string }
    | { type: 'chat.rejected'; toMasked: string; reason: 'number_expired' | 'not_a_party' }
  );

export type CourierToStore = Stamped & { type: 'store.collect'; orderId: string; courierId: string };
export type StoreToCourier = Stamped &
  (
    | { type: 'store.handover'; orderId: string; storeId: string }
    | { type: 'store.alreadyHandedOver'; orderId: string; storeId: string }
    | { type: 'store.queued'; orderId: string }
  );

/** Answers of the world's ports (routing, spatial queries) to dispatch, delivered as events. */
export type PortAnswer = Stamped &
  (
    | { type: 'route.quote'; orderId: string; distance: number | null; duration: number | null }
    | { type: 'couriers.found'; orderId: string; courierIds: readonly string[] }
  );

/** Events the world injects: demand, shifts, arrivals, opening hours. */
export interface ErrandDemand {
  readonly type: 'demand.errand';
  readonly request: Omit<ErrandRequest, 'publisherId' | 'requestId'>;
  /** The publisher gives up and cancels if unassigned after this many ms. */
  readonly patienceMs: number;
  /** Cancels after assignment (a failure path) after this many ms, or never. */
  readonly cancelAfterAssignMs: number | null;
  /** Disputes instead of confirming at delivery. */
  readonly willDispute: boolean;
  /** Sends a chat message to the courier this long after assignment, or never. */
  readonly chatAfterMs: number | null;
}

export type WorldEvent = Stamped &
  (
    | ErrandDemand
    | { type: 'shift.start' }
    | { type: 'shift.end' }
    | { type: 'travel.arrived'; position: Point }
    | { type: 'store.open' }
    | { type: 'store.close' }
  );

/** The address of the dispatch server on the net. */
export const DISPATCH = 'dispatch';
