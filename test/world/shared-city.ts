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
