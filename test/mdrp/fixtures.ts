import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomStreams } from '../../sim/kernel/random-streams.ts';

export interface TinyInstance {
  restaurants: [string, number, number][];
  /** order, x, y, placement, restaurant, ready */
  orders: [string, number, number, number, string, number][];
  /** courier, x, y, on, off */
  couriers: [string, number, number, number, number][];
  /** meters_per_minute, pickup service, drop-off service, target, maximum, pay per order, guaranteed per hour */
  params: [number, number, number, number, number, number, number];
}

export const PARAMETER_HEADER = [
  'meters_per_minute',
  'pickup service minutes',
  'dropoff service minutes',
  'target click-to-door',
  'maximum click-to-door',
  'pay per order',
  'guaranteed pay per hour',
].join('\t');

const tsv = (header: string, rows: readonly (readonly (string | number)[])[]) =>
  `${[header, ...rows.map((r) => r.join('\t'))].join('\n')}\n`;

/** A fresh temporary folder for one test. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `citytwin-mdrp-${prefix}-`));
}

/** Writes an instance folder in the public format (tab-separated, header line). */
export function writeInstance(dir: string, instance: TinyInstance): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'restaurants.txt'), tsv('restaurant\tx\ty', instance.restaurants));
  writeFileSync(
    join(dir, 'orders.txt'),
    tsv('order\tx\ty\tplacement_time\trestaurant\tready_time', instance.orders),
  );
  writeFileSync(join(dir, 'couriers.txt'), tsv('courier\tx\ty\ton_time\toff_time', instance.couriers));
  writeFileSync(join(dir, 'instance_parameters.txt'), tsv(PARAMETER_HEADER, [instance.params]));
  writeFileSync(join(dir, 'instance_characteristics.txt'), 'written by a test\n');
  return dir;
}

/**
 * The hand-computed case (100 m per minute, 4-minute services): restaurant r1 at the origin; c1
 * 3 min from it, c2 10 min; o1 5 min from r1 (placed 10, ready 20), o2 6 min (placed 12, ready 24).
 */
export const HAND_CASE: TinyInstance = {
  restaurants: [['r1', 0, 0]],
  orders: [
    ['o1', 0, 500, 10, 'r1', 20],
    ['o2', 0, -600, 12, 'r1', 24],
  ],
  couriers: [
    ['c1', 300, 0, 0, 120],
    ['c2', 0, 1000, 0, 120],
  ],
  params: [100, 4, 4, 40, 90, 10, 15],
};

/**
 * A small random day (seeded): restaurants and customers in a 6 km square, placements over four
 * hours with a lunch peak, preparation 2–30 min, a handful of couriers whose shifts outlast the
 * demand — few enough that late orders happen, enough that every order can be delivered.
 */
export function randomInstance(seed: number, orders = 60, couriers = 6): TinyInstance {
  const rng = new RandomStreams(seed).stream('mdrp-fixture');
  const restaurants: TinyInstance['restaurants'] = Array.from({ length: 8 }, (_, i) => [
    `r${i + 1}`,
    rng.int(0, 6000),
    rng.int(0, 6000),
  ]);
  const list: TinyInstance['orders'] = [];
  for (let i = 0; i < orders; i++) {
    const placed = rng.bernoulli(0.5) ? rng.int(60, 120) : rng.int(0, 240);
    const r = restaurants[rng.int(0, restaurants.length - 1)];
    list.push([`o${i + 1}`, rng.int(0, 6000), rng.int(0, 6000), placed, r[0], placed + rng.int(2, 30)]);
  }
  // shifts start within the first hour and all end after the last order is ready: every order is deliverable
  const shifts: TinyInstance['couriers'] = Array.from({ length: couriers }, (_, i) => [
    `c${i + 1}`,
    rng.int(0, 6000),
    rng.int(0, 6000),
    rng.int(0, 2) * 30,
    300,
  ]);
  return { restaurants, orders: list, couriers: shifts, params: [320, 4, 4, 40, 90, 10, 15] };
}
