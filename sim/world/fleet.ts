import type { Point } from '../../machines/protocol.ts';
import type { City } from '../city/city.ts';
import type { RandomStream, RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { PlacedArea, PlacedCustomer } from './population.ts';

export interface PlacedVehicle {
  readonly id: string;
  /** The owning customer, or null for a car of the rental pool. */
  readonly ownerId: string | null;
  /** Index into `city.parking` of the space the car starts in. */
  readonly space: number;
  readonly position: Point;
  readonly beaconId: string | null;
}

export interface Fleet {
  readonly vehicles: readonly PlacedVehicle[];
  readonly byOwner: ReadonlyMap<string, PlacedVehicle>;
  readonly pool: readonly PlacedVehicle[];
}

/**
 * How many cars stand in each parking space, so cars are only ever left where there is room.
 * Spaces are found through the city's parking index (nearest with room), never by a scan.
 */
export class ParkingOccupancy {
  private readonly used: Uint16Array;

  constructor(private readonly city: City) {
    this.used = new Uint16Array(city.parking.length);
  }

  hasRoom(space: number): boolean {
    return this.used[space]! < this.city.parking[space]!.capacity;
  }

  /** The nearest space with room to a point (and passing `accept`), or -1. */
  nearestWithRoom(p: Point, accept?: (space: number) => boolean): number {
    const found = this.city.parkingIndex.nearestK(
      p.x,
      p.y,
      1,
      (s) => this.hasRoom(s) && (accept?.(s) ?? true),
    );
    return found.length > 0 ? found[0]! : -1;
  }

  take(space: number): void {
    this.used[space] = this.used[space]! + 1;
  }

  leave(space: number): void {
    if (this.used[space]! > 0) this.used[space] = this.used[space]! - 1;
  }

  position(space: number): Point {
    const p = this.city.parking[space]!;
    return { x: p.x, y: p.y };
  }
}

/** The id the vehicle port and dispatch use for a parking space ('P1'…), from its index. */
export function spaceId(city: City, space: number): string {
  return city.parking[space]!.id;
}

function insideAnyArea(areas: readonly PlacedArea[], p: Point): boolean {
  return areas.some((a) => a.area.contains(p.x, p.y));
}

function shuffled<T>(items: readonly T[], stream: RandomStream): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(stream.float() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Registers the scenario's cars: each owned car is left in the parking space with room nearest its
 * owner's home (a share of them deliberately outside every coverage area), the first `withBeacons`
 * of them carry a beacon, and the rental pool stands in curb spaces inside the areas. Draws from
 * its own streams, so adding cars never moves a courier or a customer.
 */
export function placeFleet(
  scenario: Scenario,
  city: City,
  areas: readonly PlacedArea[],
  customers: readonly PlacedCustomer[],
  random: RandomStreams,
  occupancy: ParkingOccupancy,
): Fleet {
  const v = scenario.fleet.vehicles;
  const stream = random.stream('place:vehicles');
  const vehicles: PlacedVehicle[] = [];
  const byOwner = new Map<string, PlacedVehicle>();
  if (city.parking.length === 0) return { vehicles, byOwner, pool: [] };
  const owners = shuffled(customers, stream).slice(0, Math.min(v.count, customers.length));
  const outside = (s: number) => !insideAnyArea(areas, city.parking[s]!);
  owners.forEach((owner, i) => {
    const away = stream.bernoulli(v.outsideAreaShare);
    let space = away ? occupancy.nearestWithRoom(owner.home, outside) : -1;
    if (space < 0) space = occupancy.nearestWithRoom(owner.home);
    if (space < 0) return;
    occupancy.take(space);
    const vehicle: PlacedVehicle = {
      id: `V${i + 1}`,
      ownerId: owner.id,
      space,
      position: occupancy.position(space),
      beaconId: i < v.withBeacons ? `B${i + 1}` : null,
    };
    vehicles.push(vehicle);
    byOwner.set(owner.id, vehicle);
  });
  const pool: PlacedVehicle[] = [];
  const weights = areas.map((a) => a.area.area);
  const curbInside = (area: PlacedArea) => (s: number) => {
    const p = city.parking[s]!;
    return !p.tagged && area.area.contains(p.x, p.y);
  };
  for (let i = 0; i < v.rentalPool; i++) {
    const area = areas[stream.weighted(weights)]!;
    const x = area.area.bbox.minX + stream.float() * (area.area.bbox.maxX - area.area.bbox.minX);
    const y = area.area.bbox.minY + stream.float() * (area.area.bbox.maxY - area.area.bbox.minY);
    const space = occupancy.nearestWithRoom({ x, y }, curbInside(area));
    if (space < 0) continue;
    occupancy.take(space);
    const vehicle: PlacedVehicle = {
      id: `V${v.count + i + 1}`,
      ownerId: null,
      space,
      position: occupancy.position(space),
      beaconId: null,
    };
    vehicles.push(vehicle);
    pool.push(vehicle);
  }
  return { vehicles, byOwner, pool };
}
