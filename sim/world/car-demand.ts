import type { ItemLine, Point } from '../../machines/protocol.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { NetMessage } from '../kernel/net.ts';
import type { RandomStream, RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { PlacedVehicle } from './fleet.ts';
import type { FlowMetrics } from './flow-metrics.ts';
import { PoissonSchedule } from './poisson-schedule.ts';
import { areaWeights, type PlacedArea, type PlacedStore } from './population.ts';
import { clockToMs } from './time-of-day.ts';
import type { VehiclePort } from './vehicle-port.ts';

const MINUTE = 60_000;
const DAY_MS = 86_400_000;
/** Products the stores sell (trunk deliveries and preorders name them). */
export const STORE_PRODUCTS = 40;

/** What the demand of the car flows needs from the world. */
export interface CarDemandWorld {
  readonly kernel: Kernel;
  readonly random: RandomStreams;
  readonly areas: readonly PlacedArea[];
  readonly flowMetrics: FlowMetrics;
  readonly vehicles: VehiclePort;
  storesIn(areaId: string): readonly PlacedStore[];
  /** Customers by home position, to find a renter near a pool car. */
  idleCustomerNear(p: Point, radius: number): string | undefined;
  /** Whether the customer has nothing under way (the only time they take on something new). */
  isIdle(customerId: string): boolean;
  inject(id: string, event: NetMessage): void;
}

/** Draws a few item lines and a price from a stream. */
export function drawItems(stream: RandomStream, maxLines: number): ItemLine[] {
  const lines = stream.int(1, maxLines);
  const items = new Map<string, number>();
  for (let i = 0; i < lines; i++) {
    const productId = `p${stream.int(1, STORE_PRODUCTS)}`;
    items.set(productId, (items.get(productId) ?? 0) + stream.int(1, 3));
  }
  return [...items.keys()].sort().map((productId) => ({ productId, qty: items.get(productId)! }));
}

/**
 * Runs a Poisson arrival process from the scenario's rate and hourly profile, calling `arrive` at
 * each arrival. Why one helper: every flow's demand has the same shape (peaks), only what an
 * arrival does differs.
 */
export function scheduleArrivals(
  kernel: Kernel,
  stream: RandomStream,
  perDay: number,
  hourly: readonly number[],
  arrive: () => void,
): void {
  if (perDay <= 0) return;
  const schedule = new PoissonSchedule(perDay, hourly, stream);
  const next = (from: number) => {
    const at = schedule.next(from);
    if (!Number.isFinite(at)) return;
    kernel.schedule(at, () => {
      arrive();
      next(at);
    });
  };
  next(kernel.now);
}

/**
 * Demand of the car-owner flows: trunk deliveries (flow 1) and owners moving their cars, which is
 * what makes a courier find a car gone. Each arrival picks an idle owner of the zone whose car is
 * parked (a few random tries, else the arrival is counted as lost) and injects the demand.
 */
export class CarDemand {
  private readonly ownersByArea = new Map<string, PlacedVehicle[]>();
  private readonly owned: PlacedVehicle[] = [];

  constructor(
    private readonly w: CarDemandWorld,
    private readonly scenario: Scenario,
    homeAreaOf: (customerId: string) => string,
  ) {
    for (const v of w.vehicles.fleet.vehicles) {
      if (v.ownerId === null) continue;
      this.owned.push(v);
      const area = homeAreaOf(v.ownerId);
      const list = this.ownersByArea.get(area) ?? [];
      list.push(v);
      this.ownersByArea.set(area, list);
    }
    this.scheduleTrunk();
    this.scheduleTrips();
    this.scheduleRentals();
    this.schedulePreorders();
  }

  /** An idle owner with a parked car among `list` (a few random tries). */
  pickOwner(list: readonly PlacedVehicle[], stream: RandomStream, accept?: (v: PlacedVehicle) => boolean) {
    if (list.length === 0) return undefined;
    for (let i = 0; i < 8; i++) {
      const v = stream.pick(list);
      if (v.ownerId && (accept?.(v) ?? true) && this.w.isIdle(v.ownerId) && this.w.vehicles.isParked(v.id))
        return v;
    }
    return undefined;
  }

  ownersIn(areaId: string): readonly PlacedVehicle[] {
    return this.ownersByArea.get(areaId) ?? [];
  }

  private scheduleTrunk(): void {
    const d = this.scenario.demand.trunk;
    const stream = this.w.random.stream('demand:trunk');
    const weights = areaWeights(this.w.areas, d.zones);
    scheduleArrivals(this.w.kernel, stream, d.perDay, d.hourly, () => {
      const home = this.w.areas[stream.weighted(weights)]!;
      const vehicle = this.pickOwner(this.ownersIn(home.id), stream);
      // the customer buys at a store of the area the car stands in now (or of home, if in none)
      const at = vehicle ? this.w.vehicles.position(vehicle.id) : null;
      const area = (at && this.w.areas.find((a) => a.area.contains(at.x, at.y))) || home;
      const stores = this.w.storesIn(area.id);
      if (!vehicle?.ownerId || stores.length === 0) {
        this.w.flowMetrics.count('trunk', 'demandLost');
        return;
      }
      this.w.inject(vehicle.ownerId, {
        type: 'demand.trunk',
        storeId: stream.pick(stores).id,
        items: drawItems(stream, d.maxItems),
        goodsCents: stream.int(d.goodsCents[0], d.goodsCents[1]),
        dueBy: Math.round(this.w.kernel.now + d.dueMinutes * MINUTE),
      });
    });
  }

  /** A renter near a free pool car asks for it; what they will try is drawn now. */
  private scheduleRentals(): void {
    const d = this.scenario.demand.rental;
    const stream = this.w.random.stream('demand:rental');
    const pool = this.w.vehicles.fleet.pool;
    const busyUntil = new Map<string, number>();
    scheduleArrivals(this.w.kernel, stream, d.perDay, d.hourly, () => {
      const now = this.w.kernel.now;
      let vehicle: PlacedVehicle | undefined;
      for (let i = 0; i < 8 && pool.length > 0; i++) {
        const v = stream.pick(pool);
        if ((busyUntil.get(v.id) ?? 0) <= now && this.w.vehicles.isParked(v.id)) {
          vehicle = v;
          break;
        }
      }
      const carAt = vehicle ? this.w.vehicles.position(vehicle.id) : null;
      const renter = carAt ? this.w.idleCustomerNear(carAt, 1_200) : undefined;
      if (!vehicle || !carAt || !renter) {
        this.w.flowMetrics.count('rental', 'demandLost');
        return;
      }
      const minutes = Math.round(d.minutes[0] + stream.float() * (d.minutes[1] - d.minutes[0]));
      const overstay = stream.bernoulli(d.overstayShare);
      const useMs = overstay
        ? (minutes + 5) * MINUTE
        : stream.int(3, Math.max(3, Math.floor(minutes / 2))) * MINUTE;
      const upgrade = stream.bernoulli(d.upgradeShare);
      const angle = stream.float() * 2 * Math.PI;
      const far = 500 + stream.float() * 1500;
      // pool cars are left in street spaces (with a data link), never in garages
      const space = this.w.vehicles.spaceNear(
        { x: carAt.x + far * Math.cos(angle), y: carAt.y + far * Math.sin(angle) },
        (s) => !this.w.vehicles.isGarage(s),
      );
      busyUntil.set(vehicle.id, now + (minutes + 20) * MINUTE);
      this.w.inject(renter, {
        type: 'demand.rental',
        vehicleId: vehicle.id,
        carPosition: carAt,
        minutes,
        useMs,
        tryEngine: stream.bernoulli(d.engineAttemptShare),
        upgradeLicence: upgrade
          ? stream.bernoulli(d.unverifiedShare)
            ? 'none'
            : `MC${stream.int(100_000, 999_999)}`
          : null,
        driveTo: space?.position ?? carAt,
        driveToSpaceId: space?.id ?? null,
        misuseAfterMs: stream.bernoulli(d.misuseShare) ? stream.int(5, 40) * MINUTE : null,
      });
    });
  }

  /** An owner whose car carries a beacon preorders at a store of the area the car stands in. */
  private schedulePreorders(): void {
    const d = this.scenario.demand.preorder;
    const stream = this.w.random.stream('demand:preorder');
    const weights = areaWeights(this.w.areas, d.zones);
    const withBeacon = (v: PlacedVehicle) => v.beaconId !== null;
    const opens = clockToMs(this.scenario.stores.opens);
    const closes = clockToMs(this.scenario.stores.closes);
    scheduleArrivals(this.w.kernel, stream, d.perDay, d.hourly, () => {
      // preorders are placed for collection while the stores are open
      const time = this.w.kernel.now % DAY_MS;
      if (time < opens || time > closes - d.waitMinutes * MINUTE * 2) {
        this.w.flowMetrics.count('preorder', 'storesClosed');
        return;
      }
      const home = this.w.areas[stream.weighted(weights)]!;
      const vehicle = this.pickOwner(this.ownersIn(home.id), stream, withBeacon);
      const at = vehicle ? this.w.vehicles.position(vehicle.id) : null;
      const area = (at && this.w.areas.find((a) => a.area.contains(at.x, at.y))) || home;
      const stores = this.w.storesIn(area.id);
      if (!vehicle?.ownerId || !at || stores.length === 0) {
        this.w.flowMetrics.count('preorder', 'demandLost');
        return;
      }
      const store = stream.pick(stores);
      this.w.inject(vehicle.ownerId, {
        type: 'demand.preorder',
        storeId: store.id,
        curb: store.position,
        items: drawItems(stream, d.maxItems),
        totalCents: stream.int(Math.max(1, d.totalCents[0]), Math.max(1, d.totalCents[1])),
        back: at,
        backSpaceId: this.w.vehicles.spaceOf(vehicle.id),
        waitMs: d.waitMinutes * MINUTE,
      });
    });
  }

  private scheduleTrips(): void {
    const d = this.scenario.demand.trips;
    const stream = this.w.random.stream('demand:trips');
    scheduleArrivals(this.w.kernel, stream, d.perDay, d.hourly, () => {
      const vehicle = this.pickOwner(this.owned, stream);
      if (!vehicle?.ownerId) {
        this.w.flowMetrics.count('owner', 'tripsLost');
        return;
      }
      const from = this.w.vehicles.position(vehicle.id);
      const distance = d.distanceM[0] + stream.float() * (d.distanceM[1] - d.distanceM[0]);
      const angle = stream.float() * 2 * Math.PI;
      const target: Point = {
        x: from.x + distance * Math.cos(angle),
        y: from.y + distance * Math.sin(angle),
      };
      // owners mostly park where they shop and live: inside the coverage areas
      const inArea = (s: number) => {
        const p = this.w.vehicles.spacePosition(s);
        return this.w.areas.some((a) => a.area.contains(p.x, p.y));
      };
      const space = this.w.vehicles.spaceNear(target, stream.bernoulli(0.9) ? inArea : undefined);
      if (!space) return;
      this.w.flowMetrics.count('owner', 'trips');
      this.w.inject(vehicle.ownerId, { type: 'demand.trip', to: space.position, parkingSpaceId: space.id });
    });
  }
}
