import type { City } from './city.ts';
import type { GeneratedCitySpec } from './generated-city.ts';
import { generateCity } from './generated-city.ts';
import type { OsmCityOptions } from './osm-city.ts';
import { loadOsmCity } from './osm-city.ts';
import type { RouterOptions } from './router.ts';

export type { BBox, Buildings, City, CityParts, CityStats, ParkingSpace } from './city.ts';
export { createCity } from './city.ts';
export type { CoverageArea } from './coverage-area.ts';
export { compileCoverageArea } from './coverage-area.ts';
export type { GeneratedCitySpec } from './generated-city.ts';
export { generateCity, generateCityParts } from './generated-city.ts';
export type { OsmCityOptions } from './osm-city.ts';
export { loadOsmCity, OSM_ATTRIBUTION } from './osm-city.ts';
export { nodeByOsmId } from './osm-road-graphs.ts';
export type { LonLat, Projection, XY } from './projection.ts';
export { createProjection } from './projection.ts';
export type { RoadEdge, RoadGraph, RoadGraphNodes, TravelProfile } from './road-graph.ts';
export { buildRoadGraph, findEdge } from './road-graph.ts';
export type { Route, RoutePosition } from './route.ts';
export { positionAlong } from './route.ts';
export type { RouterOptions, RouterStats, ShortestPathTree, TreeDirection } from './router.ts';
export { BIKE_SPEED, CAR_SPEED_FACTOR, FOOT_SPEED, Router } from './router.ts';
export { MovingPointIndex, StaticPointIndex } from './spatial-index.ts';

/** Where a scenario's city comes from: an OSM extract (path relative to the cwd) or a generated grid. */
export type CitySpec =
  | { readonly osm: string; readonly poly?: string; readonly name?: string }
  | { readonly generate: GeneratedCitySpec };

export interface LoadCityOptions {
  /** OSM city cache directory (default `.cache`), or false to always parse. */
  readonly cacheDir?: string | false;
  readonly router?: RouterOptions;
}

/**
 * The one entry point scenarios use, so a scenario file can switch between the real map and a
 * synthetic grid without code changes.
 */
export async function loadCity(spec: CitySpec, options: LoadCityOptions = {}): Promise<City> {
  if ('osm' in spec) {
    const osmOptions: OsmCityOptions = {
      ...(spec.poly !== undefined ? { polyPath: spec.poly } : {}),
      ...(spec.name !== undefined ? { name: spec.name } : {}),
      ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
      ...(options.router !== undefined ? { router: options.router } : {}),
    };
    return loadOsmCity(spec.osm, osmOptions);
  }
  if ('generate' in spec) return generateCity(spec.generate, options.router);
  throw new Error('City spec needs either "osm" (path to a .osm.pbf) or "generate" ({ sizeKm, … })');
}
