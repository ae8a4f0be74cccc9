import { resolve } from 'node:path';
import type { City } from '../../sim/city/city.ts';
import { loadCity } from '../../sim/city/index.ts';
import { loadScenario } from '../../sim/scenario/load-scenario.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';

let city: Promise<City> | undefined;

/** The Monaco city, loaded once per test file (it is immutable, so runs may share it). */
export function monacoCity(): Promise<City> {
  city ??= loadCity({ osm: resolve('data/monaco.osm.pbf') });
  return city;
}

export function monacoScenario(): Scenario {
  return loadScenario('scenarios/monaco.json');
}

/**
 * The Monaco scenario with every flow's demand and the courier fleet scaled by `factor`: the same
 * city, stores, cars, beacons and robots, the same day shape, fewer orders — so a whole day with all
 * five flows fits a test's time budget. (The full-size day is the benchmark's.)
 */
export function scaledMonacoScenario(factor: number): Scenario {
  const s = monacoScenario();
  const d = s.demand;
  for (const demand of [d.errand, d.trunk, d.trips, d.rental, d.preorder, d.robot])
    if (demand) demand.perDay = Math.round(demand.perDay * factor);
  const c = s.fleet.couriers;
  c.professional.count = Math.max(1, Math.round(c.professional.count * factor));
  c.ordinary.count = Math.max(1, Math.round(c.ordinary.count * factor));
  return s;
}
