import { existsSync } from 'node:fs';
import { type City, loadCity } from '../city/index.ts';
import { resolveCityPath } from '../cli/load-world.ts';
import { UserError } from '../cli/user-error.ts';
import type { Scenario } from '../scenario/schema.ts';

/**
 * The city a scenario names (an OSM extract relative to the scenario file, or a generated grid),
 * without building a world: the dispatch server routes on it and the load driver places and moves
 * its actors on it.
 */
export async function scenarioCity(scenarioPath: string, scenario: Scenario): Promise<City> {
  const spec = scenario.city;
  if (!('osm' in spec)) return loadCity(spec);
  const osm = resolveCityPath(scenarioPath, spec.osm);
  if (!existsSync(osm))
    throw new UserError(`city.osm: expected an OpenStreetMap .osm.pbf file, got missing file ${osm}`);
  return loadCity({ osm });
}
