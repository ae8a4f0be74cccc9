import { DEFAULT_ERRAND_FEES } from '../../machines/errand-fees.ts';
import { ERRAND_CATEGORIES, type ErrandDemand } from '../../machines/protocol.ts';
import type { City } from '../city/city.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { NetMessage } from '../kernel/net.ts';
import type { RandomStream, RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import { PoissonSchedule } from './poisson-schedule.ts';
import { areaWeights, type PlacedArea, type Population, pointInArea } from './population.ts';

const MINUTE = 60_000;

/** What the errand demand needs from the world: who lives where, who is busy, and the clock. */
export interface ErrandDemandWorld {
  readonly scenario: Scenario;
  readonly kernel: Kernel;
  readonly random: RandomStreams;
  readonly city: City;
  readonly areas: readonly PlacedArea[];
  readonly population: Population;
  readonly storesByArea: ReadonlyMap<string, string[]>;
  readonly customersByArea: ReadonlyMap<string, string[]>;
  /** Whether the customer has no errand under way. */
  isIdle(customerId: string): boolean;
  inject(id: string, event: NetMessage): void;
  /** A request that found no idle publisher (or no store for a purchase): counted, not made. */
  lost(): void;
}

/**
 * The errand flow's demand: a Poisson stream of requests shaped by the scenario's hourly profile,
 * each handed to an idle customer of a weighted area as `demand.errand` (the customer machine
 * publishes it). Every draw comes from the `demand:errand` streams, so the same seed makes the
 * same requests whatever else the world does.
 */
export function scheduleErrandDemand(w: ErrandDemandWorld): void {
  const d = w.scenario.demand.errand;
  if (!d || d.perDay === 0) return;
  const stream = w.random.stream('demand:errand');
  // Which customer publishes depends on who is busy, i.e. on the fleet and policy; drawing it from
  // its own stream keeps every other draw of the demand identical across a sweep's variants.
  const publishers = w.random.stream('demand:errand:publisher');
  const schedule = new PoissonSchedule(d.perDay, d.hourly, stream);
  const weights = areaWeights(w.areas, d.zones);
  const categories = ERRAND_CATEGORIES.filter((c) => (d.categories[c] ?? 0) > 0);
  const categoryWeights = categories.map((c) => d.categories[c] ?? 0);
  const fees = w.scenario.dispatch.errand.fees ?? DEFAULT_ERRAND_FEES;
  const next = (from: number) => {
    const at = schedule.next(from);
    if (!Number.isFinite(at)) return;
    w.kernel.schedule(at, () => {
      const area = w.areas[stream.weighted(weights)];
      const category = categories[stream.weighted(categoryWeights)];
      const publisher = idleCustomer(w, area.id, publishers);
      const professional = stream.bernoulli(d.professionalShare);
      const premium = 1 + stream.float() * d.maxFeePremium;
      const stores = w.storesByArea.get(area.id) ?? [];
      const storeId = category === 'buy_for_me' && stores.length > 0 ? stream.pick(stores) : undefined;
      const elsewhere = pointInArea(w.city, area.area, stream);
      const patienceMs = Math.max(MINUTE, stream.exponential(1 / (d.patienceMinutes * MINUTE)));
      const cancelAfterAssignMs = stream.bernoulli(d.cancelAfterAssignShare)
        ? stream.int(1, 10) * MINUTE
        : null;
      const willDispute = stream.bernoulli(d.disputeShare);
      const chatAfterMs = stream.bernoulli(d.chatShare) ? stream.int(1, 5) * MINUTE : null;
      if (publisher === undefined || (category === 'buy_for_me' && storeId === undefined)) {
        w.lost();
      } else {
        const home = w.population.customers[Number(publisher.slice(1)) - 1].home;
        const store = storeId ? w.population.stores.find((s) => s.id === storeId) : undefined;
        const pickup = store ? store.position : category === 'deliver' ? home : elsewhere;
        const dropoff = category === 'deliver' ? elsewhere : home;
        const demand: ErrandDemand = {
          type: 'demand.errand',
          request: {
            category,
            description: `${category.replace(/_/g, ' ')} for ${publisher}`,
            recipient: publisher,
            phone: '',
            pickup,
            dropoff,
            feeMode: professional ? 'professional' : 'ordinary',
            ...(professional ? {} : { offeredFee: Math.round(fees.floor[category] * premium) }),
            ...(storeId ? { storeId } : {}),
            dueBy: Math.round(w.kernel.now + d.dueMinutes * MINUTE),
          },
          patienceMs: Math.round(patienceMs),
          cancelAfterAssignMs,
          willDispute,
          chatAfterMs,
        };
        w.inject(publisher, demand as unknown as NetMessage);
      }
      next(at);
    });
  };
  next(0);
}

/** A customer of the area who has no errand under way (a few random tries, then give up). */
function idleCustomer(w: ErrandDemandWorld, areaId: string, stream: RandomStream): string | undefined {
  const list = w.customersByArea.get(areaId) ?? [];
  if (list.length === 0) return undefined;
  for (let i = 0; i < 8; i++) {
    const id = stream.pick(list);
    if (w.isIdle(id)) return id;
  }
  return undefined;
}
