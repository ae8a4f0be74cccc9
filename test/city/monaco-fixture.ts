import type { City } from '../../sim/city/index.ts';
import { loadCity } from '../../sim/city/index.ts';

export const MONACO_PBF = 'data/monaco.osm.pbf';

let monaco: Promise<City> | undefined;

/** The Monaco city, loaded once per test file (from the .cache snapshot after the first run). */
export function loadMonaco(): Promise<City> {
  monaco ??= loadCity({ osm: MONACO_PBF });
  return monaco;
}
