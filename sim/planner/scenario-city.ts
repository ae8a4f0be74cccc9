import { existsSync } from 'node:fs';
import type { City } from '../city/city.ts';
import { loadCity } from '../city/index.ts';
import { resolveCityPath } from '../cli/load-world.ts';
import { UserError } from '../cli/user-error.ts';
import type { Scenario } from '../scenario/schema.ts';

/**
 * Cities by their spec, loaded once per thread: a sweep's variants nearly always share one city,
 * and a city is immutable, so every run of a worker reuses it (a varied `city.generate.sizeKm`
 * simply makes a second entry).
 */
export class ScenarioCities {
  private readonly cities = new Map<string, Promise<City>>();

  constructor(private readonly scenarioPath: string) {}

  load(scenario: Scenario): Promise<City> {
    const spec = scenario.city;
    const key = JSON.stringify(spec);
    let city = this.cities.get(key);
    if (!city) {
      if ('osm' in spec) {
        const path = resolveCityPath(this.scenarioPath, spec.osm);
        if (!existsSync(path))
          throw new UserError(`city.osm: expected an OpenStreetMap .osm.pbf file, got missing file ${path}`);
        city = loadCity({ osm: path });
      } else {
        city = loadCity(spec);
      }
      this.cities.set(key, city);
    }
    return city;
  }
}
