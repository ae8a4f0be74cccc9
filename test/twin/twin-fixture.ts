import { resolve } from 'node:path';
import type { City } from '../../sim/city/city.ts';
import { loadCity } from '../../sim/city/index.ts';
import type { WallClock } from '../../sim/kernel/kernel.ts';
import { loadScenario } from '../../sim/scenario/load-scenario.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { World } from '../../sim/world/world.ts';
import { WorldView } from '../../sim/world/world-view.ts';

/** The small twin scenario: the real Monaco map, 9 stores, 40 couriers on shift all day, 200 customers. */
export const SMALL_SCENARIO = resolve('test/twin/fixtures/twin-small.json');
/** What the fixture sets; kinds other flows add (vehicles …) come on top and are counted from the world. */
export const SMALL_COUNTS = { store: 9, courier: 40, customer: 200 };

let city: Promise<City> | undefined;

/** The Monaco city, loaded once per test file (immutable, so worlds may share it). */
export function monacoCity(): Promise<City> {
  city ??= loadCity({ osm: resolve('data/monaco.osm.pbf') });
  return city;
}

export function smallScenario(): Scenario {
  return loadScenario(SMALL_SCENARIO);
}

let drawn: Promise<Record<string, number>> | undefined;

/** Positioned actors per kind of the small scenario, from a world built in this process. */
export function expectedCounts(): Promise<Record<string, number>> {
  drawn ??= monacoCity().then(async (c) => {
    const world = new World(smallScenario(), c, { seed: 7 });
    const counts: Record<string, number> = {};
    for (const a of new WorldView(world).actors()) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
    await world.close();
    return counts;
  });
  return drawn;
}

/**
 * Event-log hash of a fresh world run straight to `until` — what any exact seek must reproduce.
 */
export async function straightRunHash(seed: number, until: number): Promise<string> {
  const world = new World(smallScenario(), await monacoCity(), { seed });
  world.run(until);
  const hash = world.log.digest();
  await world.close();
  return hash;
}

/**
 * A wall clock the test drives: `sleep` advances it and yields one macrotask, and every `now()`
 * may cost `costPerRead` ms to imitate computation taking wall time.
 */
export class FakeWall implements WallClock {
  t = 0;
  constructor(public costPerRead = 0) {}
  now(): number {
    this.t += this.costPerRead;
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.t += ms;
    return new Promise((r) => setImmediate(r));
  }
}

/** Yields macrotasks until `done()` holds (or fails the test after `limit` turns). */
export async function turnsUntil(done: () => boolean, limit = 200_000): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (done()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}
