import { loadOsmCity } from './sim/city/osm-city.ts';
for (const cacheDir of [false, '.cache', '.cache'] as const) {
  const t0 = performance.now();
  const c = await loadOsmCity('data/monaco.osm.pbf', { cacheDir });
  const t1 = performance.now();
  console.log(cacheDir, (t1 - t0).toFixed(1), 'ms', c.drive.nodeCount, c.drive.edgeTarget.length, c.walk.nodeCount, c.walk.edgeTarget.length, c.parking.length, c.parking.filter(p=>p.tagged).length, c.buildings.height.length, c.stats, c.bbox);
}
