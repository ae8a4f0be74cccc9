import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadCity } from '../city/index.ts';
import type { Scenario } from '../scenario/schema.ts';
import { World, type WorldOptions } from '../world/world.ts';
import { UserError } from './user-error.ts';

/** Paths inside a scenario are relative to the scenario file, so scenarios can be run from anywhere. */
export function resolveCityPath(scenarioPath: string, osm: string): string {
  return isAbsolute(osm) ? osm : resolve(dirname(scenarioPath), osm);
}

/** Loads the scenario's city and builds its world. */
export async function loadWorld(
  scenarioPath: string,
  scenario: Scenario,
  options: WorldOptions = {},
): Promise<World> {
  const spec = scenario.city;
  let city: Awaited<ReturnType<typeof loadCity>>;
  if ('osm' in spec) {
    const path = resolveCityPath(scenarioPath, spec.osm);
    if (!existsSync(path))
      throw new UserError(`city.osm: expected an OpenStreetMap .osm.pbf file, got missing file ${path}`);
    city = await loadCity({ osm: path });
  } else {
    city = await loadCity(spec);
  }
  return new World(scenario, city, options);
}
