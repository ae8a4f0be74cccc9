/**
 * Scenario fields of the four flows beyond errands (trunk delivery, robots, rental keys, beacon
 * preorders): the cars, beacons and robots of the fleet, their demand, and dispatch's rules. Every
 * field has a default, so a scenario that names none still runs errands exactly as before.
 */
import { z } from 'zod';

const share = z.number().min(0).max(1);
const positive = z.number().positive();
const cents = z.number().int().min(0);
const hourlyProfile = z.array(z.number().min(0)).length(24, 'expected 24 hourly weights');
const lonLat = z.object({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) }).strict();

/** A morning and an evening peak: the default shape of every flow's demand. */
export const TWO_PEAKS = [
  0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 3.5, 5, 4, 3, 3.5, 4.5, 4, 3, 3, 3.5, 5, 6, 5, 3.5, 2, 1, 0.5,
];

export const vehiclesSchema = z
  .object({
    /** Registered cars, each parked in a parking space of the city near its owner's home. */
    count: z.number().int().min(0).max(200_000).default(0),
    /** How many of them carry a beacon in the 12 V socket (paired with the owner's phone). */
    withBeacons: z.number().int().min(0).max(200_000).default(0),
    /** Cars of the shared pool that renters use (no private owner). */
    rentalPool: z.number().int().min(0).max(100_000).default(0),
    /** Share of cars parked outside any coverage area (deliveries to them are refused). */
    outsideAreaShare: share.default(0.05),
    autoRelockSeconds: positive.default(120),
    relockRetrySeconds: positive.default(30),
    /** Chance that one lock or latch attempt fails (the alarm goes on and it is retried). */
    actuatorFailureRate: share.default(0.02),
    /** Cars in OSM-tagged parkings (garages) have no data link while parked there. */
    garagesOffline: z.boolean().default(true),
    /** Beacon clocks are off by up to this many seconds (the resolver absorbs one slot). */
    beaconMaxDriftSeconds: z.number().min(0).default(200),
  })
  .strict();

const product = z
  .object({ id: z.string().min(1), priceCents: cents, load: z.number().int().min(0) })
  .strict();

export const robotsSchema = z
  .object({
    count: z.number().int().min(0).max(10_000).default(0),
    /** Where robots load and restock (defaults to the first coverage area's centroid). */
    depot: lonLat.optional(),
    /** Stops per round; a robot dwells at each, then moves on. */
    stopsPerRound: z.number().int().min(1).max(100).default(6),
    dwellMinutes: positive.default(20),
    /** Goes back to restock when any product is at or below this many items. */
    restockBelow: z.number().int().min(0).default(2),
    restockMinutes: positive.default(15),
    products: z
      .array(product)
      .min(1)
      .default([
        { id: 'water', priceCents: 150, load: 24 },
        { id: 'coffee', priceCents: 250, load: 16 },
        { id: 'sandwich', priceCents: 550, load: 10 },
        { id: 'fruit', priceCents: 120, load: 20 },
        { id: 'snack', priceCents: 200, load: 16 },
      ]),
    opens: z
      .string()
      .regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'expected a time of day "HH:MM"')
      .default('07:00'),
    closes: z
      .string()
      .regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'expected a time of day "HH:MM"')
      .default('22:00'),
  })
  .strict();

const flowDemand = {
  perDay: z.number().min(0).default(0),
  hourly: hourlyProfile.default(TWO_PEAKS),
  zones: z.record(z.string(), z.number().min(0)).optional(),
};

export const trunkDemandSchema = z
  .object({
    ...flowDemand,
    maxItems: z.number().int().min(1).max(50).default(4),
    goodsCents: z.tuple([cents, cents]).default([1_500, 12_000]),
    dueMinutes: positive.default(90),
  })
  .strict();

/** Owners moving their cars: what makes a trunk delivery meet a car that moved. */
export const tripDemandSchema = z
  .object({
    ...flowDemand,
    /** How far the owner drives, in metres (a parking space is picked around that distance). */
    distanceM: z.tuple([positive, positive]).default([300, 2_500]),
  })
  .strict();

export const rentalDemandSchema = z
  .object({
    ...flowDemand,
    minutes: z.tuple([positive, positive]).default([20, 90]),
    engineAttemptShare: share.default(0.3),
    upgradeShare: share.default(0.35),
    /** Share of upgrade requests without a valid licence (refused). */
    unverifiedShare: share.default(0.1),
    misuseShare: share.default(0.1),
    /** Share of renters who stay in the car past the key's window (their lock attempt fails). */
    overstayShare: share.default(0.05),
  })
  .strict();

export const preorderDemandSchema = z
  .object({
    ...flowDemand,
    maxItems: z.number().int().min(1).max(50).default(5),
    totalCents: z.tuple([cents, cents]).default([1_000, 8_000]),
    waitMinutes: positive.default(15),
    /** Recorded advertisements replayed at stores (later, elsewhere) per real one. */
    replayShare: share.default(0.05),
    /** Advertisements of unknown devices heard at stores per real one. */
    foreignShare: share.default(0.05),
  })
  .strict();

export const robotDemandSchema = z
  .object({
    ...flowDemand,
    maxPicks: z.number().int().min(1).max(20).default(4),
    putBackShare: share.default(0.2),
    cartOnPhoneShare: share.default(0.4),
    payOnPhoneShare: share.default(0.4),
    leaveUnpaidShare: share.default(0.05),
    payTwiceShare: share.default(0.05),
  })
  .strict();

export const dispatchTrunkSchema = z
  .object({
    deliveryFeeCents: cents.default(590),
    commissionRate: share.default(0.15),
    returnFeeShare: share.default(0.5),
    pushRadiusM: positive.default(2_000),
    repushSeconds: positive.default(60),
    maxOpenMinutes: positive.default(60),
    keyWindowMinutes: positive.default(75),
    holdCheckSeconds: positive.default(120),
    maxHoldChecks: z.number().int().min(0).default(5),
    relockCheckSeconds: positive.default(60),
    maxReroutes: z.number().int().min(0).default(2),
  })
  .strict();

export const dispatchRentalSchema = z
  .object({
    pricePerMinuteCents: cents.default(35),
    /** Grace after the key's window before an unended rental is closed by dispatch. */
    closeAfterMinutes: positive.default(10),
    revokeRetrySeconds: positive.default(300),
  })
  .strict();

export const dispatchPreorderSchema = z
  .object({
    slotSeconds: positive.default(300),
    driftSlots: z.number().int().min(0).max(10).default(1),
    /** A preorder nobody collects within this time is cancelled and refunded. */
    pickupWindowMinutes: positive.default(90),
    scannerRangeM: positive.default(40),
    /** Received signal strength model: rssi = txPower − 10·n·log10(d) + noise. */
    rssiThreshold: z.number().default(-85),
    rssiNoiseSd: z.number().min(0).default(4),
    scanIntervalSeconds: positive.default(10),
  })
  .strict();

export const dispatchRobotSchema = z
  .object({
    /** A cart left unpaid when the user walks away is charged to the member after this long. */
    unpaidGraceMinutes: positive.default(10),
  })
  .strict();
