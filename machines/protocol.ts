/**
 * The wire protocol between actors: every message that crosses the `net` port, as XState events.
 * Positions are metres in the city's local plane; money is integer cents; times are sim
 * milliseconds. The net stamps `at` (delivery time) on every message it delivers.
 */

import type { DigitalKey } from './digital-key.ts';

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

/** Flow 3: a renter asks to use a car of the shared pool for some minutes. */
export interface RentalRequest {
  readonly requestId: string;
  readonly renterId: string;
  readonly vehicleId: string;
  readonly minutes: number;
}

/** Flow 5: goods ordered ahead, picked up from the car at the store's curb, found by its beacon. */
export interface PreorderRequest {
  readonly requestId: string;
  readonly customerId: string;
  readonly beaconId: string;
  readonly storeId: string;
  readonly items: readonly ItemLine[];
  readonly totalCents: number;
}

/** A product and how many of it: order items, cart lines, preorder goods. */
export interface ItemLine {
  readonly productId: string;
  readonly qty: number;
}

/** Flow 1: a purchase delivered into the trunk of the customer's registered car. */
export interface TrunkRequest {
  readonly requestId: string;
  readonly customerId: string;
  readonly vehicleId: string;
  readonly storeId: string;
  readonly items: readonly ItemLine[];
  readonly goodsCents: number;
  readonly dueBy: number;
}

/** What the courier of a trunk delivery gets with the job: the car, its key, the goods. */
export interface TrunkJob {
  readonly vehicleId: string;
  /** The trunk-only, single-use key bound to this courier and window (a `DigitalKey`). */
  readonly key: DigitalKey;
  readonly items: readonly ItemLine[];
  readonly storeId: string;
}

export type PlacementReason = 'ok' | 'not_parked' | 'not_in_space' | 'outside_area' | 'unknown_vehicle';

/** Where a car is by its last telemetry, and whether it may receive a trunk delivery. */
export interface Placement {
  readonly vehicleId: string;
  readonly ok: boolean;
  readonly reason: PlacementReason;
  readonly position: Point | null;
  readonly parkingSpaceId: string | null;
  /** The car's revocation counter: keys for it are stamped with this epoch. */
  readonly epoch: number;
}

export type CustomerToDispatch = Stamped &
  (
    | { type: 'errand.publish'; request: ErrandRequest }
    | { type: 'errand.cancel'; orderId: string; publisherId: string }
    | { type: 'errand.confirm'; orderId: string; publisherId: string }
    | { type: 'errand.dispute'; orderId: string; publisherId: string; reason: string }
    | { type: 'trunk.order'; request: TrunkRequest }
    | { type: 'rental.request'; request: RentalRequest }
    | { type: 'rental.upgrade'; rentalId: string; renterId: string; licence: string }
    | { type: 'rental.end'; rentalId: string; renterId: string }
    | { type: 'preorder.place'; request: PreorderRequest }
    | { type: 'cart.get'; userId: string; replyTo: string }
    | { type: 'cart.pay'; userId: string; paymentId: string; replyTo: string }
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
    | { type: 'trunk.atCar'; orderId: string; courierId: string }
    | { type: 'trunk.deposited'; orderId: string; courierId: string }
    | { type: 'trunk.unlockFailed'; orderId: string; courierId: string; reason: string }
    | { type: 'trunk.returned'; orderId: string; courierId: string }
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
    | { type: 'trunk.accepted'; requestId: string; orderId: string; totalCents: number }
    | { type: 'trunk.rejected'; requestId: string; reason: string }
    | { type: 'trunk.delivered'; orderId: string; alarm: boolean }
    | { type: 'trunk.closed'; orderId: string; outcome: OrderOutcome; refund: number; reason: string }
    | { type: 'trunk.alarm'; orderId: string; vehicleId: string }
    | {
        type: 'rental.granted';
        requestId: string;
        rentalId: string;
        vehicleId: string;
        key: DigitalKey;
        position: Point;
      }
    | { type: 'rental.refused'; requestId: string; reason: string }
    | { type: 'rental.upgraded'; rentalId: string; key: DigitalKey }
    | { type: 'rental.upgradeRefused'; rentalId: string; reason: string }
    | { type: 'rental.closed'; rentalId: string; chargedCents: number; reason: string }
    | { type: 'preorder.confirmed'; requestId: string; orderId: string }
    | { type: 'preorder.refused'; requestId: string; reason: string }
    | { type: 'preorder.done'; orderId: string }
    | { type: 'preorder.closed'; orderId: string; outcome: OrderOutcome; refund: number; reason: string }
    | CartAnswer
  );

/** What cars, robots and stores tell dispatch in the other flows. */
export type DeviceToDispatch = Stamped &
  (
    | { type: 'vehicle.revoked'; vehicleId: string; keyId: string }
    | { type: 'cart.take'; readingId: string; robotId: string; userId: string; productId: string }
    | { type: 'cart.putBack'; readingId: string; robotId: string; userId: string; productId: string }
    | {
        type: 'cart.sessionEnded';
        readingId: string;
        robotId: string;
        userId: string;
        sessionReadings: readonly string[];
      }
    | { type: 'scanner.report'; storeId: string; eid: string; heardAt: number }
    | { type: 'preorder.handedOver'; orderId: string; storeId: string }
    | { type: 'store.preorderRefused'; orderId: string; storeId: string; reason: string }
  );

/** Dispatch's answers about a robot cart, to the terminal that asked (robot or phone). */
/** Dispatch's cart desk recorded a robot's sensor reading (sent again for a repeated reading). */
export type CartRecorded = { type: 'cart.recorded'; readingId: string };

export type CartAnswer =
  | { type: 'cart.list'; userId: string; lines: readonly ItemLine[]; totalCents: number }
  | {
      type: 'cart.paid';
      userId: string;
      paymentId: string;
      lines: readonly ItemLine[];
      totalCents: number;
    }
  | { type: 'cart.payRefused'; userId: string; paymentId: string; reason: string };

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
        trunk?: TrunkJob;
      }
    | { type: 'errand.cancelled'; orderId: string; reason: string }
    | { type: 'trunk.unlock'; orderId: string }
    | { type: 'trunk.reroute'; orderId: string; position: Point }
    | { type: 'trunk.hold'; orderId: string }
    | { type: 'trunk.return'; orderId: string; position: Point }
  );

export type ChatDelivery = Stamped &
  (
    | { type: 'chat.message'; orderId: string; fromMasked: string; text: string }
    | { type: 'chat.rejected'; toMasked: string; reason: 'number_expired' | 'not_a_party' }
  );

export type CourierToStore = Stamped &
  (
    | { type: 'store.collect'; orderId: string; courierId: string }
    /** A trunk delivery that could not be made: the goods go back on the shelf. */
    | { type: 'store.return'; orderId: string; courierId: string }
  );

/** What a car answers the phone or terminal that presented a digital key. */
export type VehicleToHolder = Stamped & {
  type: 'key.result';
  requestId: string;
  vehicleId: string;
  action: string;
  ok: boolean;
  reason?: string;
};
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
    | { type: 'placement.checked'; orderId: string; placement: Placement }
    | {
        type: 'lock.checked';
        orderId: string;
        vehicleId: string;
        trunk: 'closed' | 'open' | 'latching' | 'alarm' | 'unknown';
      }
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
