/**
 * The small town the protocol checks run in: one square coverage area on a plane, three stores (two
 * of them deliver to trunks), four parking spaces (one outside the area), three couriers, four
 * customers (two own a car with a beacon), a pool car for rentals and one sales robot. Small on
 * purpose: few actors make the interleavings that matter (two couriers racing for one order, a car
 * driven off during a delivery) frequent, and every run cheap.
 *
 * Everything here is data; `ProtocolBench` turns it into actors. Timings are minutes, not hours, so
 * every order can end within the drain horizon.
 */
import { DEFAULT_ERRAND_FEES, type ErrandFeePolicy } from '../../machines/errand-fees.ts';
import type { ErrandTiming } from '../../machines/errand-order.ts';
import type { CourierMode, CourierType, ErrandCategory, Point } from '../../machines/protocol.ts';
import type { RentalTerms } from '../../machines/rental.ts';
import type { TrunkFees, TrunkTiming } from '../../machines/trunk-order.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** The one coverage area: the square [0, 2000] m × [0, 2000] m. */
export const AREA_ID = 'A';
export function inArea(p: Point): boolean {
  return p.x >= 0 && p.x <= 2000 && p.y >= 0 && p.y <= 2000;
}

export interface TownStore {
  readonly id: string;
  readonly position: Point;
  /** Where a car stops for a preorder pickup (within the curb scanner's range). */
  readonly curb: Point;
  /** Stores that deliver to trunks belong to the coverage area; the others are unknown to that flow. */
  readonly trunk: boolean;
}

export const STORES: readonly TownStore[] = [
  { id: 'S1', position: { x: 400, y: 400 }, curb: { x: 410, y: 400 }, trunk: true },
  { id: 'S2', position: { x: 1600, y: 1600 }, curb: { x: 1610, y: 1600 }, trunk: true },
  { id: 'S3', position: { x: 2600, y: 400 }, curb: { x: 2610, y: 400 }, trunk: false },
];

/** The curb scanner hears beacons this close (metres). */
export const SCANNER_RANGE_M = 30;

export interface TownSpace {
  readonly id: string;
  readonly position: Point;
  /** An underground garage: a car parked there has no data link (it still answers keys). */
  readonly garage?: boolean;
}

/**
 * Parking spaces; P4 is a garage outside the coverage area: a car parked there can take no
 * delivery, and has no data link until it leaves.
 */
export const SPACES: readonly TownSpace[] = [
  { id: 'P1', position: { x: 500, y: 500 } },
  { id: 'P2', position: { x: 700, y: 300 } },
  { id: 'P3', position: { x: 1500, y: 1500 } },
  { id: 'P4', position: { x: 2500, y: 2500 }, garage: true },
];

export interface TownCar {
  readonly id: string;
  /** The customer who owns it, or null for the pool car renters use. */
  readonly ownerId: string | null;
  readonly beaconId: string | null;
  readonly spaceId: string;
  /** The beacon clock's drift (ms): within the resolver's tolerance. */
  readonly beaconDriftMs: number;
}

export const CARS: readonly TownCar[] = [
  { id: 'V1', ownerId: 'U1', beaconId: 'B1', spaceId: 'P1', beaconDriftMs: 40_000 },
  { id: 'V2', ownerId: 'U2', beaconId: 'B2', spaceId: 'P3', beaconDriftMs: -90_000 },
  { id: 'V3', ownerId: null, beaconId: null, spaceId: 'P2', beaconDriftMs: 0 },
];

export const POOL_CAR = 'V3';

export interface TownCourier {
  readonly id: string;
  readonly courierType: CourierType;
  readonly mode: CourierMode;
  readonly home: Point;
}

export const COURIERS: readonly TownCourier[] = [
  { id: 'C1', courierType: 'professional', mode: 'bike', home: { x: 300, y: 300 } },
  { id: 'C2', courierType: 'professional', mode: 'car', home: { x: 1700, y: 1700 } },
  { id: 'C3', courierType: 'ordinary', mode: 'bike', home: { x: 1000, y: 900 } },
];

export interface TownCustomer {
  readonly id: string;
  readonly home: Point;
}

export const CUSTOMERS: readonly TownCustomer[] = [
  { id: 'U1', home: { x: 520, y: 520 } },
  { id: 'U2', home: { x: 1480, y: 1520 } },
  { id: 'U3', home: { x: 800, y: 1200 } },
  { id: 'U4', home: { x: 1200, y: 800 } },
];

export const ROBOT = {
  id: 'RB1',
  depot: { x: 1000, y: 1000 },
  stops: [
    { x: 900, y: 1000 },
    { x: 1100, y: 1000 },
  ],
  load: { water: 3, bread: 3 } as Readonly<Record<string, number>>,
  prices: { water: 200, bread: 350 } as Readonly<Record<string, number>>,
} as const;

export const PRODUCTS = ['water', 'bread', 'chocolate'] as const;

/** Points errands go from and to; the last lies beyond the road network (route quote: unreachable). */
export const ERRAND_POINTS: readonly Point[] = [
  { x: 450, y: 450 },
  { x: 1550, y: 1550 },
  { x: 1000, y: 1900 },
  { x: -5000, y: -5000 },
];

/** What the routing port cannot reach. */
export function unreachable(p: Point): boolean {
  return p.x < 0 || p.y < 0;
}

/** Travel speeds (m/s) for the bench's straight-line movement. */
export const SPEED: Readonly<Record<CourierMode | 'car', number>> = { foot: 1.4, bike: 4.5, car: 9 };

export const COURIER_CATEGORIES: readonly ErrandCategory[] = [
  'parcel_pickup',
  'buy_for_me',
  'deliver',
  'print',
  'answer',
  'other',
];

export const TIMING = {
  netLatencyMs: 50,
  errand: {
    pushRadius: 5_000,
    repushMs: MINUTE,
    maxOpenMs: 10 * MINUTE,
    autoConfirmMs: 10 * MINUTE,
    disputeResolutionMs: 10 * MINUTE,
  } satisfies ErrandTiming,
  trunk: {
    pushRadius: 5_000,
    repushMs: MINUTE,
    maxOpenMs: 15 * MINUTE,
    keyWindowMs: 40 * MINUTE,
    holdCheckMs: MINUTE,
    maxHoldChecks: 3,
    relockCheckMs: 30 * SECOND,
    maxReroutes: 2,
  } satisfies TrunkTiming,
  rental: { pricePerMinuteCents: 30, closeAfterMs: 5 * MINUTE, revokeRetryMs: MINUTE } satisfies RentalTerms,
  preorder: { pickupWindowMs: 30 * MINUTE, handoverTimeoutMs: MINUTE, slotSeconds: 300, driftSlots: 1 },
  cartGraceMs: 2 * MINUTE,
  courier: {
    pullRadius: 3_000,
    pullIntervalMs: 2 * MINUTE,
    serviceMs: 20 * SECOND,
    trackingIntervalMs: MINUTE,
  },
  acceptTimeoutMs: 20 * SECOND,
  answerTimeoutMs: 30 * SECOND,
  vehicle: { autoRelockMs: MINUTE, relockRetryMs: 30 * SECOND },
  robot: { dwellMs: 5 * MINUTE, restockMs: 2 * MINUTE, sessionTimeoutMs: 3 * MINUTE },
  preparationMs: MINUTE,
  actuatorAckMs: 800,
  /**
   * Once faults stop, every order must end within this much sim time: longer than any chain of
   * timers an order can be waiting on (open, delivered or disputed, pickup window, key window).
   */
  drainMs: 3 * 60 * MINUTE,
} as const;

export const FEES: ErrandFeePolicy = DEFAULT_ERRAND_FEES;
export const TRUNK_FEES: TrunkFees = { deliveryFeeCents: 500, commissionRate: 0.1, returnFeeShare: 0.5 };

export function storeById(id: string): TownStore | undefined {
  return STORES.find((s) => s.id === id);
}

export function spaceById(id: string | null): TownSpace | undefined {
  return SPACES.find((s) => s.id === id);
}
