import { createHash } from 'node:crypto';
import { DEFAULT_ERRAND_FEES } from '../../machines/errand-fees.ts';
import {
  ERRAND_CATEGORIES,
  type ErrandCategory,
  type ErrandRequest,
  type Point,
} from '../../machines/protocol.ts';
import type { City } from '../city/city.ts';
import { compileCoverageArea } from '../city/coverage-area.ts';
import { RandomStreams } from '../kernel/random-streams.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import type { Scenario } from '../scenario/schema.ts';
import {
  type PlacedArea,
  type PlacedCourier,
  type PlacedCustomer,
  placePopulation,
  pointInArea,
} from '../world/population.ts';

const MINUTE = 60_000;

export interface LoadShape {
  readonly couriers: number;
  readonly customers: number;
  /** Orders published per second, all customers together (Poisson arrivals). */
  readonly rate: number;
  readonly durationMs: number;
  readonly seed: number;
  /** Share of orders the publisher cancels some minutes after assignment. */
  readonly cancelShare?: number;
}

/** What a customer publishes, when, and what it will do later (in scenario minutes, unscaled). */
export interface PlannedOrder {
  /** Offset from the start of the run, wall ms. */
  readonly atMs: number;
  readonly customer: number;
  readonly request: Omit<ErrandRequest, 'requestId' | 'publisherId' | 'dueBy'>;
  readonly dueMinutes: number;
  readonly patienceMs: number;
  readonly cancelAfterAssignMs: number | null;
  readonly dispute: boolean;
  readonly chatAfterMs: number | null;
}

export interface LoadPlan {
  readonly couriers: readonly PlacedCourier[];
  readonly customers: readonly PlacedCustomer[];
  readonly orders: readonly PlannedOrder[];
  /** sha256 of the plan: the same scenario, shape and seed give the same hash on any machine. */
  readonly hash: string;
  /** The scenario's courier timings the bots follow (scenario seconds/minutes, unscaled). */
  readonly courierTiming: {
    readonly pullRadiusM: number;
    readonly pullIntervalMs: number;
    readonly serviceMs: number;
  };
}

const DEFAULT_MIX: Partial<Record<ErrandCategory, number>> = Object.fromEntries(
  ERRAND_CATEGORIES.map((c) => [c, 1]),
);

/**
 * The load driver's script, drawn from seeded streams before any connection is made: which
 * couriers and customers exist (placed in the scenario's city exactly as the simulation places
 * them), and every order's arrival time, publisher, category, fee and later choices. The script
 * is deterministic for a seed; only the server's answers and their timing vary between runs.
 */
export function planLoad(scenario: Scenario, city: City, shape: LoadShape): LoadPlan {
  const c = scenario.fleet.couriers;
  const proShare = c.professional.count / Math.max(1, c.professional.count + c.ordinary.count);
  const professional = Math.round(shape.couriers * proShare);
  const sized: Scenario = {
    ...scenario,
    fleet: {
      ...scenario.fleet,
      couriers: {
        ...c,
        professional: { ...c.professional, count: professional },
        ordinary: { ...c.ordinary, count: shape.couriers - professional },
      },
      customers: Math.max(1, shape.customers),
    },
  };
  const random = new RandomStreams(shape.seed);
  const areas: PlacedArea[] = scenario.coverageAreas.map((a) => ({
    id: a.id,
    area: compileCoverageArea(a.geometry, city.projection),
  }));
  const population = placePopulation(sized, city, areas, random);
  const customers = population.customers.slice(0, shape.customers);

  const demand = scenario.demand.errand;
  const mix = demand?.categories ?? DEFAULT_MIX;
  const categories = ERRAND_CATEGORIES.filter((cat) => (mix[cat] ?? 0) > 0);
  const weights = categories.map((cat) => mix[cat] ?? 0);
  const fees = scenario.dispatch.errand.fees ?? DEFAULT_ERRAND_FEES;
  const storesByArea = new Map<string, Point[]>();
  const storeIds = new Map<Point, string>();
  for (const s of population.stores) {
    storesByArea.set(s.area, [...(storesByArea.get(s.area) ?? []), s.position]);
    storeIds.set(s.position, s.id);
  }
  const stream = random.stream('load:orders');
  const orders: PlannedOrder[] = [];
  let t = 0;
  for (;;) {
    t += stream.exponential(shape.rate / 1000);
    if (t >= shape.durationMs || customers.length === 0) break;
    const customer = stream.int(0, customers.length - 1);
    const who = customers[customer];
    const area = areas.find((a) => a.id === who.area) ?? areas[0];
    const category = categories[stream.weighted(weights)];
    const pro = stream.bernoulli(demand?.professionalShare ?? 0.5);
    const premium = 1 + stream.float() * (demand?.maxFeePremium ?? 0.5);
    const stores = storesByArea.get(area.id) ?? [];
    const store = category === 'buy_for_me' && stores.length > 0 ? stream.pick(stores) : undefined;
    const elsewhere = pointInArea(city, area.area, stream);
    const pickup = store ?? (category === 'deliver' ? who.home : elsewhere);
    const dropoff = category === 'deliver' ? elsewhere : who.home;
    const patience = stream.exponential(1 / ((demand?.patienceMinutes ?? 25) * MINUTE));
    const cancels = stream.bernoulli(shape.cancelShare ?? demand?.cancelAfterAssignShare ?? 0.02);
    const cancelAfterAssignMs = cancels ? stream.int(1, 10) * MINUTE : null;
    const dispute = stream.bernoulli(demand?.disputeShare ?? 0.02);
    const chatAfterMs = stream.bernoulli(demand?.chatShare ?? 0.3) ? stream.int(1, 5) * MINUTE : null;
    const effective = category === 'buy_for_me' && !store ? 'parcel_pickup' : category;
    orders.push({
      atMs: Math.round(t),
      customer,
      request: {
        category: effective,
        description: `${effective.replace(/_/g, ' ')} for ${who.id}`,
        recipient: who.id,
        phone: `+377-6-${who.id.slice(1).padStart(7, '0')}`,
        pickup: round(pickup),
        dropoff: round(dropoff),
        feeMode: pro ? 'professional' : 'ordinary',
        ...(pro ? {} : { offeredFee: Math.round(fees.floor[effective] * premium) }),
        ...(store ? { storeId: storeIds.get(store) } : {}),
      },
      dueMinutes: demand?.dueMinutes ?? 60,
      patienceMs: Math.round(Math.max(MINUTE, patience)),
      cancelAfterAssignMs,
      dispute,
      chatAfterMs,
    });
  }
  const couriers = population.couriers;
  const courierTiming = {
    pullRadiusM: c.pullRadiusM,
    pullIntervalMs: c.pullIntervalSeconds * 1000,
    serviceMs: c.serviceMinutes * MINUTE,
  };
  const hash = createHash('sha256')
    .update(stableStringify({ shape, couriers, customers, orders, courierTiming }))
    .digest('hex');
  return { couriers, customers, orders, hash, courierTiming };
}

function round(p: Point): Point {
  return { x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 };
}
