import { z } from 'zod';
import { ERRAND_CATEGORIES } from '../../machines/protocol.ts';
import { adapterKey, adapterSchema } from './adapters-schema.ts';
import {
  dispatchPreorderSchema,
  dispatchRentalSchema,
  dispatchRobotSchema,
  dispatchTrunkSchema,
  preorderDemandSchema,
  rentalDemandSchema,
  robotDemandSchema,
  robotsSchema,
  tripDemandSchema,
  trunkDemandSchema,
  vehiclesSchema,
} from './flows-schema.ts';

const clockTime = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'expected a time of day "HH:MM"');
const share = z.number().min(0).max(1);
const positive = z.number().positive();
const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

const ring = z.array(lonLat).min(4);
const geometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) }),
]);

export const citySchema = z.union([
  z.object({ osm: z.string().min(1) }).strict(),
  z
    .object({
      generate: z
        .object({
          sizeKm: z.number().min(1).max(60),
          seed: z.number().int().optional(),
          blockMeters: z.number().min(50).max(1000).optional(),
          oneWayShare: share.optional(),
        })
        .strict(),
    })
    .strict(),
]);

const coverageArea = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    geometry,
  })
  .strict();

const explicitStore = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    lon: z.number(),
    lat: z.number(),
    area: z.string().min(1),
  })
  .strict();

const stores = z
  .object({
    /** Explicit stores, each inside one coverage area. */
    list: z.array(explicitStore).default([]),
    /** Extra stores placed deterministically on the road network of each area. */
    perArea: z.number().int().min(0).max(10_000).default(0),
    opens: clockTime.default('07:00'),
    closes: clockTime.default('23:00'),
    preparationMinutes: positive.default(6),
  })
  .strict();

const modeShares = z
  .object({ foot: share.default(0), bike: share.default(0), car: share.default(0) })
  .strict()
  .refine((m) => m.foot + m.bike + m.car > 0, 'expected at least one mode with a share above 0');

const courierGroup = z
  .object({
    count: z.number().int().min(0).max(100_000),
    modes: modeShares,
    categories: z
      .array(z.enum(ERRAND_CATEGORIES))
      .min(1)
      .default([...ERRAND_CATEGORIES]),
  })
  .strict();

const shift = z.object({ start: clockTime, end: clockTime, share: share }).strict();

const fleet = z
  .object({
    couriers: z
      .object({
        professional: courierGroup,
        ordinary: courierGroup,
        shifts: z
          .array(shift)
          .min(1)
          .default([{ start: '00:00', end: '24:00', share: 1 }]),
        pullRadiusM: positive.default(2000),
        pullIntervalSeconds: positive.default(60),
        serviceMinutes: positive.default(2),
        trackingIntervalSeconds: positive.default(120),
      })
      .strict(),
    customers: z.number().int().min(1).max(1_000_000),
    vehicles: vehiclesSchema.prefault({}),
    robots: robotsSchema.prefault({}),
  })
  .strict();

/** 24 relative weights, one per hour of the day: the shape of demand (peaks). */
const hourlyProfile = z.array(z.number().min(0)).length(24, 'expected 24 hourly weights');

const errandDemand = z
  .object({
    perDay: z.number().min(0),
    hourly: hourlyProfile,
    zones: z.record(z.string(), z.number().min(0)).optional(),
    categories: z.partialRecord(z.enum(ERRAND_CATEGORIES), z.number().min(0)),
    professionalShare: share,
    /** Ordinary mode: offered fee = floor × (1 + uniform(0, maxFeePremium)). */
    maxFeePremium: z.number().min(0).default(0.5),
    patienceMinutes: positive.default(25),
    cancelAfterAssignShare: share.default(0.02),
    disputeShare: share.default(0.02),
    chatShare: share.default(0.3),
    dueMinutes: positive.default(60),
  })
  .strict();

const centsByCategory = z.object(
  Object.fromEntries(ERRAND_CATEGORIES.map((c) => [c, z.number().int().min(0)])) as Record<
    (typeof ERRAND_CATEGORIES)[number],
    z.ZodNumber
  >,
);

const dispatch = z
  .object({
    policy: z.enum(['nearest', 'batched', 'push-pull']).default('push-pull'),
    /** `batched` policy: orders and idle couriers are matched every this many seconds. */
    batchSeconds: positive.default(30),
    errand: z
      .object({
        pushRadiusM: positive.default(1500),
        repushSeconds: positive.default(60),
        maxOpenMinutes: positive.default(45),
        autoConfirmMinutes: positive.default(30),
        disputeResolutionMinutes: positive.default(120),
        pullLimit: z.number().int().min(1).max(100).default(10),
        fees: z
          .object({
            floor: centsByCategory,
            professionalBase: centsByCategory,
            professionalPerKm: z.number().int().min(0),
            commissionRate: share,
            cancelAfterAssignFeeShare: share,
            disputeRefundShare: share,
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({
        pushRadiusM: 1500,
        repushSeconds: 60,
        maxOpenMinutes: 45,
        autoConfirmMinutes: 30,
        disputeResolutionMinutes: 120,
        pullLimit: 10,
      }),
    trunk: dispatchTrunkSchema.prefault({}),
    rental: dispatchRentalSchema.prefault({}),
    preorder: dispatchPreorderSchema.prefault({}),
    robot: dispatchRobotSchema.prefault({}),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    city: citySchema,
    seed: z.number().int().default(1),
    netLatencyMs: z.number().min(0).max(60_000).default(50),
    coverageAreas: z.array(coverageArea).min(1),
    stores,
    fleet,
    demand: z
      .object({
        errand: errandDemand.optional(),
        trunk: trunkDemandSchema.prefault({}),
        trips: tripDemandSchema.prefault({}),
        rental: rentalDemandSchema.prefault({}),
        preorder: preorderDemandSchema.prefault({}),
        robot: robotDemandSchema.prefault({}),
      })
      .strict(),
    // prefault, not default: zod 4 returns a default as is, so the nested defaults would be skipped
    dispatch: dispatch.prefault({}),
    serviceLevel: z
      .object({ onTimeTargetRate: share.default(0.9), maxWaitMinutes: positive.default(10) })
      .strict()
      .default({ onTimeTargetRate: 0.9, maxWaitMinutes: 10 }),
    adapters: z
      .record(adapterKey, adapterSchema, {
        error: (issue) =>
          issue.code === 'invalid_key' ? 'expected "kind:id" (e.g. "vehicle:V12") or "dispatch"' : undefined,
      })
      .default({}),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
