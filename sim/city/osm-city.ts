import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { City, CityParts } from './city.ts';
import { createCity } from './city.ts';
import { CITY_CACHE_FORMAT, decodeCityParts, encodeCityParts } from './city-cache.ts';
import { readOsmExtract } from './osm-extract.ts';
import { osmBuildings, osmParking } from './osm-features.ts';
import { buildOsmRoadGraph } from './osm-road-graphs.ts';
import type { PolyFile } from './poly-file.ts';
import { parsePolyFile } from './poly-file.ts';
import { createProjection } from './projection.ts';
import type { RouterOptions } from './router.ts';
import { StaticPointIndex } from './spatial-index.ts';

/** Bump whenever the rules that turn OSM into a city change, so stale caches are ignored. */
export const OSM_CITY_BUILD_VERSION = 1;

export const OSM_ATTRIBUTION =
  '© OpenStreetMap contributors, Open Database License (ODbL 1.0) https://opendatacommons.org/licenses/odbl/';

export interface OsmCityOptions {
  /** Osmosis .poly boundary; default: the pbf path with `.osm.pbf` replaced by `.poly`, if it exists. */
  readonly polyPath?: string;
  /** Directory for the built-city cache (default `.cache` under the cwd); false disables caching. */
  readonly cacheDir?: string | false;
  /** Default: the file name before `.osm.pbf`, capitalised ("Monaco"). */
  readonly name?: string;
  readonly router?: RouterOptions;
}

/**
 * Loads a city from an OpenStreetMap PBF extract: drive and walk graphs (largest strongly
 * connected components), parking spaces, building footprints and the boundary polygon.
 *
 * Parsing and building take a few hundred milliseconds, and every test worker, sweep replication
 * and twin server would pay it, so the result is cached under `.cache/` keyed by a SHA-1 of the
 * pbf and poly bytes plus the build and format versions: a changed map or changed rules can never
 * hit a stale cache, and a cache hit yields exactly the same arrays.
 */
export async function loadOsmCity(pbfPath: string, options: OsmCityOptions = {}): Promise<City> {
  const parts = await loadOsmCityParts(pbfPath, options);
  return createCity(parts, options.router);
}

/** {@link loadOsmCity} without the router and indexes: the raw, cacheable parts. */
export async function loadOsmCityParts(pbfPath: string, options: OsmCityOptions = {}): Promise<CityParts> {
  const pbf = resolve(pbfPath);
  if (!existsSync(pbf)) throw new Error(`OSM extract not found: ${pbf}`);
  const polyPath = options.polyPath ?? pbf.replace(/\.osm\.pbf$|\.pbf$/, '.poly');
  const polyText = polyPath !== pbf && existsSync(polyPath) ? await readFile(polyPath, 'utf8') : undefined;
  const name = options.name ?? defaultName(pbf);
  const cacheDir = options.cacheDir ?? '.cache';
  let cacheFile: string | undefined;
  if (cacheDir !== false) {
    const hash = createHash('sha1');
    hash.update(`citytwin-city build ${OSM_CITY_BUILD_VERSION} format ${CITY_CACHE_FORMAT} name ${name}\n`);
    hash.update(await readFile(pbf));
    hash.update(polyText === undefined ? '\nno poly' : `\npoly\n${polyText}`);
    cacheFile = join(resolve(cacheDir), `city-${hash.digest('hex')}.bin`);
    if (existsSync(cacheFile)) {
      try {
        return decodeCityParts(await readFile(cacheFile));
      } catch {
        // A truncated or foreign file: rebuild and overwrite below.
      }
    }
  }
  const parts = await buildOsmCityParts(
    pbf,
    polyText === undefined ? undefined : parsePolyFile(polyText),
    name,
  );
  if (cacheFile) await writeAtomically(cacheFile, encodeCityParts(parts));
  return parts;
}

/** Parses the extract and builds every part of the city (no cache involved). */
export async function buildOsmCityParts(
  pbfPath: string,
  poly: PolyFile | undefined,
  name: string,
): Promise<CityParts> {
  const extract = await readOsmExtract(pbfPath);
  if (extract.nodeId.length === 0) throw new Error(`OSM extract ${pbfPath} has no nodes`);
  const boundaryLonLat = boundaryOf(poly, extract);
  // Reference point: centre of the boundary's bounding box, so coordinates stay small and symmetric.
  let minLon = Number.POSITIVE_INFINITY;
  let maxLon = Number.NEGATIVE_INFINITY;
  let minLat = Number.POSITIVE_INFINITY;
  let maxLat = Number.NEGATIVE_INFINITY;
  for (const [lon, lat] of boundaryLonLat) {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  const refLon = (minLon + maxLon) / 2;
  const refLat = (minLat + maxLat) / 2;
  const projection = createProjection(refLon, refLat);
  const drive = buildOsmRoadGraph(extract, projection, 'drive');
  const walk = buildOsmRoadGraph(extract, projection, 'walk');
  if (drive.graph.nodeCount === 0) throw new Error(`OSM extract ${pbfPath} has no drivable roads`);
  const driveIndex = new StaticPointIndex(drive.graph.x, drive.graph.y);
  return {
    name,
    refLon,
    refLat,
    drive: drive.graph,
    walk: walk.graph,
    parking: osmParking(extract, projection, drive.graph, driveIndex),
    buildings: osmBuildings(extract, projection),
    boundaryLonLat,
    attribution: OSM_ATTRIBUTION,
    stats: { droppedDriveNodes: drive.dropped, droppedWalkNodes: walk.dropped },
  };
}

/** The first outer ring of the poly file, else the header bounding box, else the nodes' extent. */
function boundaryOf(poly: PolyFile | undefined, extract: Awaited<ReturnType<typeof readOsmExtract>>) {
  if (poly) return poly.outer[0].map(([lon, lat]): [number, number] => [lon, lat]);
  let { left, right, top, bottom } = extract.bbox ?? { left: 180, right: -180, top: -90, bottom: 90 };
  if (!extract.bbox) {
    for (let i = 0; i < extract.lon.length; i++) {
      left = Math.min(left, extract.lon[i]);
      right = Math.max(right, extract.lon[i]);
      bottom = Math.min(bottom, extract.lat[i]);
      top = Math.max(top, extract.lat[i]);
    }
  }
  const ring: [number, number][] = [
    [left, bottom],
    [right, bottom],
    [right, top],
    [left, top],
  ];
  return ring;
}

function defaultName(pbf: string): string {
  const base = basename(pbf).replace(/\.osm\.pbf$|\.pbf$/, '');
  return base.charAt(0).toUpperCase() + base.slice(1);
}

/** Write to a temporary file then rename, so concurrent test workers never read half a cache. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}
