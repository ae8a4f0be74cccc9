import type { CourierMode, CourierType, ErrandCategory, Point } from '../../machines/protocol.ts';
import type { City } from '../city/city.ts';
import type { CoverageArea } from '../city/coverage-area.ts';
import type { RandomStream, RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import { clockToMs } from './time-of-day.ts';

export interface PlacedArea {
  readonly id: string;
  readonly area: CoverageArea;
}

export interface PlacedStore {
  readonly id: string;
  readonly area: string;
  readonly position: Point;
}

export interface PlacedCourier {
  readonly id: string;
  readonly courierType: CourierType;
  readonly mode: CourierMode;
  readonly categories: readonly ErrandCategory[];
  readonly home: Point;
  /** Shift start and end, ms since midnight; end < start means the shift ends the next day. */
  readonly shiftStart: number;
  readonly shiftEnd: number;
}

export interface PlacedCustomer {
  readonly id: string;
  readonly area: string;
  readonly home: Point;
}

export interface Population {
  readonly stores: readonly PlacedStore[];
  readonly couriers: readonly PlacedCourier[];
  readonly customers: readonly PlacedCustomer[];
}

/**
 * A point on the walk network inside an area: rejection sampling in the area's bounding box, then
 * the nearest walkable node, so every place an actor stands is reachable by road.
 */
export function pointInArea(
  city: City,
  area: CoverageArea,
  stream: RandomStream,
  graph: 'walk' | 'drive' = 'walk',
): Point {
  const g = graph === 'walk' ? city.walk : city.drive;
  for (let attempt = 0; attempt < 200; attempt++) {
    const x = area.bbox.minX + stream.float() * (area.bbox.maxX - area.bbox.minX);
    const y = area.bbox.minY + stream.float() * (area.bbox.maxY - area.bbox.minY);
    if (!area.contains(x, y)) continue;
    const node = city.nearestNode(graph, x, y);
    if (area.contains(g.x[node], g.y[node])) return { x: g.x[node], y: g.y[node] };
  }
  const node = city.nearestNode(graph, area.centroid.x, area.centroid.y);
  return { x: g.x[node], y: g.y[node] };
}

/** Weighted choice of area: explicit zone weights, or proportional to area size. */
export function areaWeights(
  areas: readonly PlacedArea[],
  zones: Readonly<Record<string, number>> | undefined,
): number[] {
  return areas.map((a) => (zones ? (zones[a.id] ?? 0) : a.area.area));
}

function pickMode(stream: RandomStream, modes: { foot: number; bike: number; car: number }): CourierMode {
  const order: CourierMode[] = ['foot', 'bike', 'car'];
  return order[stream.weighted(order.map((m) => modes[m]))];
}

/**
 * Places every actor of the scenario in the city. Each kind draws from its own named stream, so
 * changing the number of couriers never moves a store or a customer.
 */
export function placePopulation(
  scenario: Scenario,
  city: City,
  areas: readonly PlacedArea[],
  random: RandomStreams,
): Population {
  const stores: PlacedStore[] = [];
  for (const s of scenario.stores.list) {
    const xy = city.projection.toXY(s.lon, s.lat);
    const node = city.nearestNode('drive', xy.x, xy.y);
    stores.push({ id: s.id, area: s.area, position: { x: city.drive.x[node], y: city.drive.y[node] } });
  }
  for (const a of areas) {
    const stream = random.stream(`place:stores:${a.id}`);
    for (let i = 0; i < scenario.stores.perArea; i++) {
      stores.push({
        id: `S-${a.id}-${i + 1}`,
        area: a.id,
        position: pointInArea(city, a.area, stream, 'drive'),
      });
    }
  }

  const weights = areas.map((a) => a.area.area);
  const couriers: PlacedCourier[] = [];
  const c = scenario.fleet.couriers;
  const shiftWeights = c.shifts.map((s) => s.share);
  for (const courierType of ['professional', 'ordinary'] as const) {
    const group = c[courierType];
    const stream = random.stream(`place:couriers:${courierType}`);
    for (let i = 0; i < group.count; i++) {
      const area = areas[stream.weighted(weights)];
      const shift = c.shifts[stream.weighted(shiftWeights)];
      couriers.push({
        id: `${courierType === 'professional' ? 'CP' : 'CO'}${i + 1}`,
        courierType,
        mode: pickMode(stream, group.modes),
        categories: group.categories,
        home: pointInArea(city, area.area, stream),
        shiftStart: clockToMs(shift.start),
        shiftEnd: clockToMs(shift.end),
      });
    }
  }

  const customers: PlacedCustomer[] = [];
  const stream = random.stream('place:customers');
  for (let i = 0; i < scenario.fleet.customers; i++) {
    const area = areas[stream.weighted(weights)];
    customers.push({ id: `U${i + 1}`, area: area.id, home: pointInArea(city, area.area, stream) });
  }
  return { stores, couriers, customers };
}
