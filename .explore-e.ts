import { loadCity } from './sim/city/index.ts';
import { xoroshiro128plus, unsafeUniformIntDistribution } from 'pure-rand';
const city = await loadCity({ osm: 'data/monaco.osm.pbf' });
const rng = xoroshiro128plus(3);
for (const profile of ['car', 'bike', 'foot'] as const) {
  const g = city.graphOf(profile);
  const pairs = Array.from({ length: 2000 }, () => [unsafeUniformIntDistribution(0, g.nodeCount - 1, rng), unsafeUniformIntDistribution(0, g.nodeCount - 1, rng)]);
  city.router.clearCache();
  const s0 = city.router.stats.settledNodes;
  const t0 = performance.now();
  let d = 0;
  for (const [a, b] of pairs) d += city.route(profile, a, b).duration;
  const t1 = performance.now();
  for (const [a, b] of pairs) d += city.route(profile, a, b).duration;
  const t2 = performance.now();
  console.log(profile, 'cold', (2000 / (t1 - t0) * 1000).toFixed(0), 'routes/s; warm', (2000 / (t2 - t1) * 1000).toFixed(0), 'avg settled', ((city.router.stats.settledNodes - s0) / 2000).toFixed(0), 'avg dur', (d / 4000).toFixed(0));
  const t3 = performance.now();
  const tree = city.precomputeTree(profile, pairs[0][0]);
  console.log('tree ms', (performance.now() - t3).toFixed(1));
}
const t4 = performance.now();
for (let i = 0; i < 10000; i++) city.nearestNode('drive', (i % 100) * 50 - 2500, Math.floor(i / 100) * 30 - 1500);
console.log('nearest/s', (10000 / (performance.now() - t4) * 1000).toFixed(0));
