import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import type { City } from '../../sim/city/city.ts';
import { systemWallClock } from '../../sim/twin/wall-clock.ts';
import type { World } from '../../sim/world/world.ts';
import { monacoCity } from '../world/shared-city.ts';
import { type Broker, startMosquitto } from './mosquitto.ts';

/**
 * A real Mosquitto broker on a free loopback port and the Monaco city, for the file's hybrid runs:
 * started before its tests, the broker stopped after them. Read them inside tests.
 */
export function hybridFixture(): { broker: () => Broker; city: () => City } {
  let broker: Broker | undefined;
  let city: City | undefined;
  beforeAll(async () => {
    [broker, city] = await Promise.all([startMosquitto(), monacoCity()]);
  });
  afterAll(async () => {
    await broker?.stop();
  });
  const ready = <T>(x: T | undefined): T => {
    if (x === undefined) throw new Error('hybridFixture: read the broker and city inside a test');
    return x;
  };
  return { broker: () => ready(broker), city: () => ready(city) };
}

/**
 * The small twin fixture as raw scenario JSON, on the Monaco extract and without errand demand:
 * each hybrid test adds the fleet and the `adapters` entry it drives.
 */
export function twinSmallRaw() {
  const raw = JSON.parse(readFileSync('test/twin/fixtures/twin-small.json', 'utf8'));
  raw.city.osm = 'data/monaco.osm.pbf';
  delete raw.demand.errand;
  return raw;
}

/** Runs the world paced to wall time until `done` holds or the sim time runs out (never hangs). */
export async function runPacedUntil(world: World, done: () => boolean, limitMs: number): Promise<void> {
  await world.kernel.runPaced(world.kernel.now + limitMs, systemWallClock, 20, () => {
    if (done()) world.kernel.stop();
  });
}
