import { pathToFileURL } from 'node:url';
import { unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';
import type { City, TravelProfile } from '../sim/city/index.ts';
import { generateCity, loadOsmCity } from '../sim/city/index.ts';

const MONACO = 'data/monaco.osm.pbf';
const QUERIES = 2_000;

interface BenchResult {
  name: string;
  figures: Record<string, number>;
}

function randomPairs(city: City, profile: TravelProfile, count: number, seed: number): [number, number][] {
  const rng = xoroshiro128plus(seed);
  const n = city.graphOf(profile).nodeCount;
  return Array.from({ length: count }, () => [
    unsafeUniformIntDistribution(0, n - 1, rng),
    unsafeUniformIntDistribution(0, n - 1, rng),
  ]);
}

function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

/** Routes/s for one profile: cold (route cache cleared, A*) then warm (every query a cache hit). */
function measureProfile(city: City, profile: TravelProfile, seed: number): Record<string, number> {
  const pairs = randomPairs(city, profile, QUERIES, seed);
  city.router.clearCache({ trees: true });
  const settledBefore = city.router.stats.settledNodes;
  let t = performance.now();
  for (const [a, b] of pairs) city.route(profile, a, b);
  const coldMs = performance.now() - t;
  const settled = (city.router.stats.settledNodes - settledBefore) / QUERIES;
  t = performance.now();
  for (const [a, b] of pairs) city.route(profile, a, b);
  const warmMs = performance.now() - t;
  // Store-origin pattern: one tree, then routes from it.
  city.router.clearCache({ trees: true });
  t = performance.now();
  const root = pairs[0][0];
  city.precomputeTree(profile, root);
  const treeMs = performance.now() - t;
  t = performance.now();
  for (const [, b] of pairs) city.route(profile, root, b);
  const fromTreeMs = performance.now() - t;
  city.router.clearCache({ trees: true });
  return {
    [`${profile}.coldRoutesPerSec`]: perSecond(QUERIES, coldMs),
    [`${profile}.warmRoutesPerSec`]: perSecond(QUERIES, warmMs),
    [`${profile}.settledNodesPerQuery`]: Math.round(settled),
    [`${profile}.treeBuildMs`]: Number(treeMs.toFixed(2)),
    [`${profile}.treeRoutesPerSec`]: perSecond(QUERIES, fromTreeMs),
  };
}

function measureNearest(city: City): Record<string, number> {
  const { minX, minY, maxX, maxY } = city.bbox;
  const rng = xoroshiro128plus(99);
  const points = Array.from({ length: 20_000 }, () => [
    minX + (unsafeUniformIntDistribution(0, 1_000_000, rng) / 1_000_000) * (maxX - minX),
    minY + (unsafeUniformIntDistribution(0, 1_000_000, rng) / 1_000_000) * (maxY - minY),
  ]);
  const t = performance.now();
  for (const [x, y] of points) city.nearestNode('drive', x, y);
  return { nearestNodePerSec: perSecond(points.length, performance.now() - t) };
}

/**
 * Routing throughput on Monaco (real OSM graph) and a generated 20 km grid: A* with the route
 * cache cleared (cold), the same queries again (warm: cache hits), and the store-origin pattern
 * (one Dijkstra tree, then tree walks). Also the city load time with and without the .cache
 * snapshot.
 */
export async function benchRouting(): Promise<BenchResult[]> {
  let t = performance.now();
  await loadOsmCity(MONACO, { cacheDir: false });
  const parseMs = performance.now() - t;
  await loadOsmCity(MONACO); // make sure the snapshot exists
  t = performance.now();
  const monaco = await loadOsmCity(MONACO);
  const cachedMs = performance.now() - t;
  const monacoFigures: Record<string, number> = {
    loadParseMs: Number(parseMs.toFixed(1)),
    loadCachedMs: Number(cachedMs.toFixed(1)),
    driveNodes: monaco.drive.nodeCount,
    walkNodes: monaco.walk.nodeCount,
    ...measureNearest(monaco),
  };
  for (const profile of ['car', 'bike', 'foot'] as const)
    Object.assign(monacoFigures, measureProfile(monaco, profile, 1));

  t = performance.now();
  const grid = generateCity({ sizeKm: 20, seed: 1 });
  const gridFigures: Record<string, number> = {
    buildMs: Number((performance.now() - t).toFixed(1)),
    driveNodes: grid.drive.nodeCount,
    ...measureNearest(grid),
  };
  for (const profile of ['car', 'foot'] as const)
    Object.assign(gridFigures, measureProfile(grid, profile, 2));
  return [
    { name: 'routing/monaco', figures: monacoFigures },
    { name: 'routing/grid-20km', figures: gridFigures },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const result of await benchRouting()) console.log(result.name, result.figures);
}

/** Entry point for `npm run bench`. */
export const run = benchRouting;
