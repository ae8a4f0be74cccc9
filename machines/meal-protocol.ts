/**
 * The meal-delivery flow (restaurant orders, bundled pickups, couriers on shifts): its data and the
 * messages between the meal dispatch, the meal couriers and the world, as XState events. Times are
 * sim milliseconds; positions are metres in a plane. Every event an actor receives carries `at`,
 * the instant it was delivered, stamped by the net or the world — the machines never read a clock.
 */
import type { Point } from './protocol.ts';

export type { Point };

/** The place id of a courier's start point (the public solution format writes it as `0`). */
export const START_PLACE = '0';

/** The timing rules of the meal-delivery problem, shared by dispatch, couriers and policies. */
export interface MealTiming {
  /** Straight-line speed; a trip takes ceil(distance / speed) whole minutes. */
  readonly metersPerMinute: number;
  /** Half the pickup service: from arrival to pickup at the earliest, and from pickup to leaving. */
  readonly halfPickupMs: number;
  /** Half the drop-off service: from arrival to the drop-off, and from the drop-off to leaving. */
  readonly halfDropoffMs: number;
  /** Target click-to-door; time beyond it is the overage. */
  readonly targetClickToDoorMs: number;
}

/** An order as dispatch learns it at placement: where it goes, and when its food will be ready. */
export interface MealOrder {
  readonly id: string;
  readonly restaurantId: string;
  readonly point: Point;
  readonly placedAt: number;
  readonly readyAt: number;
}

/** A courier's planned shift: where it starts, when it starts and when it may pick nothing up any more. */
export interface CourierShift {
  readonly id: string;
  readonly start: Point;
  readonly onTime: number;
  readonly offTime: number;
}

export interface MealStop {
  readonly orderId: string;
  readonly point: Point;
}

/** One assignment as the courier receives it: pick the bundle up at one restaurant, drop in order. */
export interface MealRoute {
  readonly assignmentId: string;
  readonly restaurantId: string;
  readonly restaurant: Point;
  /** When the latest order of the bundle is ready: no pickup before. */
  readonly readyAt: number;
  readonly stops: readonly MealStop[];
}

type At = { readonly at: number };

/** Events the world injects: demand, shifts, arrivals, the end of service. */
export type MealWorldEvent = At &
  (
    | { type: 'meal.placed'; order: MealOrder }
    | { type: 'service.end' }
    | { type: 'shift.start' }
    | { type: 'shift.end' }
    | { type: 'travel.arrived' }
  );

export type MealDispatchToCourier = At &
  (
    | { type: 'meal.route'; route: MealRoute }
    /** On arrival at the restaurant: the bundle to pick up there instead (same restaurant). */
    | { type: 'meal.routeUpdate'; route: MealRoute }
    /** Prepositioning: go and wait at this restaurant. */
    | { type: 'meal.reposition'; restaurantId: string; point: Point }
  );

export type MealCourierToDispatch = At &
  (
    | { type: 'courier.online'; courierId: string; place: string; point: Point }
    | { type: 'courier.free'; courierId: string; place: string; point: Point }
    | { type: 'courier.offline'; courierId: string }
    | { type: 'courier.atRestaurant'; courierId: string; assignmentId: string }
    | { type: 'meal.pickedUp'; courierId: string; assignmentId: string; pickupAt: number }
    | { type: 'meal.delivered'; courierId: string; assignmentId: string; orderId: string; dropoffAt: number }
    /** An instruction the courier could not obey (off duty, or en route elsewhere). */
    | { type: 'meal.refused'; courierId: string; assignmentId: string | null }
  );

/** The address of the meal dispatch on the net. */
export const MEAL_DISPATCH = 'dispatch';

/** Outgoing message of a meal actor: the world's `send` effect delivers it through the net. */
export interface MealSend {
  readonly to: string;
  readonly message: { readonly type: string; readonly [field: string]: unknown };
}
