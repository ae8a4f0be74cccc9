import { generateCity } from './sim/city/generated-city.ts';
import { stronglyConnectedComponents } from './sim/city/graph-components.ts';
for (const s of [1, 20, 20]) {
  const t0 = performance.now();
  const c = generateCity({ sizeKm: s, seed: 7 });
  const t1 = performance.now();
  console.log(s, (t1 - t0).toFixed(1), 'ms', c.drive.nodeCount, c.drive.edgeTarget.length, c.walk.edgeTarget.length, c.parking.length, c.buildings.height.length, stronglyConnectedComponents(c.drive).count);
}
