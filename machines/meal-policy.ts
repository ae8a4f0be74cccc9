/**
 * Meal dispatch policies as data, and the plain view they decide on. A policy is a pure function
 * from a `MealPolicyView` (open orders, every courier's availability, the timing rules) to a
 * `MealDecision` (routes to start now, couriers to preposition). Its parameters are plain values,
 * so a planner can sweep them like any other scenario value.
 */
import type { CourierShift, MealOrder, MealTiming, Point } from './meal-protocol.ts';

/**
 * - `greedy` — each placed order, earliest ready first, goes to the waiting courier who can pick it
 *   up soonest; no bundling. Decides on every placement and every courier that frees up.
 * - `rolling` — a rolling-horizon optimiser: every `intervalMinutes`, bundle the orders of each
 *   restaurant against a target size (orders ready soon ÷ couriers free soon), assign couriers to
 *   bundles by an exact minimum-cost assignment, and commit only the routes whose courier must
 *   leave before the next decision to be on time.
 */
export type MealPolicyParams = GreedyParams | RollingParams;

export interface GreedyParams {
  readonly kind: 'greedy';
}

export interface RollingParams {
  readonly kind: 'rolling';
  /** Minutes between decisions (f). */
  readonly intervalMinutes: number;
  /** Orders ready and couriers free within this many minutes are planned (Δu). */
  readonly horizonMinutes: number;
  /** Largest bundle, whatever the target size says. */
  readonly maxBundle: number;
  /** Multiplies the target bundle size (orders ready soon ÷ couriers free soon) before rounding up. */
  readonly bundleScale: number;
  /** Orders bundled together are ready within this many minutes of each other. */
  readonly maxReadySpreadMinutes: number;
  /** An order joins a bundle only if that delays its own drop-off by at most this many minutes. */
  readonly maxDetourMinutes: number;
  /** Weight of each minute of click-to-door beyond the target, on top of the minute itself. */
  readonly overageWeight: number;
  /** Weight of each minute a courier is busy with a route (couriers are the scarce resource). */
  readonly courierTimeWeight: number;
  /**
   * Weight of each minute of shift a courier would have left after the pickup: a positive weight
   * spends the couriers about to go off duty first and keeps those with long shifts ahead free.
   */
  readonly remainingShiftWeight: number;
  /**
   * When couriers are short, how much an order's age (minutes since placement) weighs in favour
   * of serving it now: 0 serves the cheapest orders first (old ones may starve), larger values
   * approach first come, first served.
   */
  readonly agePriority: number;
  /** Couriers considered per bundle in the assignment (the cheapest ones). */
  readonly candidatesPerBundle: number;
  /** `hungarian`: exact assignment in pure code; `highs`: the same assignment as an LP solved by HiGHS. */
  readonly solver: 'hungarian' | 'highs';
  /** On arrival at the restaurant, add open orders of that restaurant that are ready by the pickup. */
  readonly updateOnArrival: boolean;
  /** Send a waiting courier ahead to the restaurant of its planned bundle when it is not yet urgent. */
  readonly preposition: boolean;
  /**
   * Send a waiting courier the plan leaves without work to the restaurant from which recent orders
   * are nearest on average (its own trip there weighed by `relocateTripWeight`), so its next trip
   * to a restaurant is short. Why: after a drop-off a courier waits at the customer, usually far
   * from where the next order will come from, and that empty trip delays the next pickup.
   */
  readonly relocate: boolean;
  /** Orders placed within this many minutes before now make the demand relocation aims at. */
  readonly relocateWindowMinutes: number;
  /** Weight of each minute of the relocation trip against each minute saved on the next trip. */
  readonly relocateTripWeight: number;
}

export const DEFAULT_ROLLING: RollingParams = {
  kind: 'rolling',
  intervalMinutes: 1,
  horizonMinutes: 20,
  maxBundle: 3,
  bundleScale: 1.5,
  maxReadySpreadMinutes: 10,
  maxDetourMinutes: 20,
  overageWeight: 2,
  courierTimeWeight: 0,
  remainingShiftWeight: 0,
  agePriority: 3,
  candidatesPerBundle: 8,
  solver: 'hungarian',
  updateOnArrival: true,
  preposition: false,
  relocate: true,
  relocateWindowMinutes: 60,
  relocateTripWeight: 0.5,
};

export const DEFAULT_GREEDY: GreedyParams = { kind: 'greedy' };

/** What a courier is doing, as dispatch knows it. */
export type CourierStatus = 'scheduled' | 'waiting' | 'busy' | 'off';

/** A courier's availability: where and from when it can start a new route. */
export interface CourierView {
  readonly shift: CourierShift;
  readonly status: CourierStatus;
  /** Where it is (waiting) or will be when free (busy): a place id and its point. */
  readonly place: string;
  readonly point: Point;
  /** When it can depart on a new route: now when waiting, the end of its route when busy, its on time when scheduled. */
  readonly freeAt: number;
}

export interface MealPolicyView {
  readonly now: number;
  readonly timing: MealTiming;
  readonly restaurants: Readonly<Record<string, Point>>;
  /** Placed orders with no courier yet, earliest ready first. */
  readonly orders: readonly MealOrder[];
  /** Every courier that is not off duty for good, in roster order. */
  readonly couriers: readonly CourierView[];
  /**
   * Orders placed per restaurant within the relocation window before now (restaurant id → count),
   * only for a policy that relocates: what dispatch has seen, never what is to come.
   */
  readonly recentDemand?: Readonly<Record<string, number>>;
}

export interface RouteDecision {
  readonly courierId: string;
  readonly restaurantId: string;
  /** In drop-off sequence. */
  readonly orderIds: readonly string[];
}

export interface MealDecision {
  readonly routes: readonly RouteDecision[];
  readonly repositions: readonly { readonly courierId: string; readonly restaurantId: string }[];
}

export const NO_DECISION: MealDecision = { routes: [], repositions: [] };

/**
 * Solves an assignment: each row must take exactly one of its allowed columns (a caller supplies
 * a private fallback column per row, so this is always feasible), no column twice, minimum total
 * cost. Returns the chosen column per row. Injected, so a policy runs on the pure Hungarian method
 * or on an LP solver alike.
 */
export type AssignmentSolver = (problem: AssignmentProblem) => number[];

export interface AssignmentProblem {
  readonly columns: number;
  /** Per row: its allowed columns with their costs. */
  readonly rows: readonly (readonly { readonly column: number; readonly cost: number }[])[];
}
