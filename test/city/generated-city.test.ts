import { describe, expect, it } from 'vitest';
import { stronglyConnectedComponents } from '../../sim/city/graph-components.ts';
import { findEdge, generateCity, generateCityParts, loadCity } from '../../sim/city/index.ts';

describe('generated grid city', () => {
  it('builds a 20 km city of 10 000+ nodes quickly, strongly connected', () => {
    const started = performance.now();
    const city = generateCity({ sizeKm: 20, seed: 11 });
    const elapsed = performance.now() - started;
    console.log(
      `20 km grid: ${city.drive.nodeCount} nodes, ${city.drive.edgeTarget.length} drive edges, ` +
        `${city.parking.length} parking spaces, ${city.buildings.height.length} buildings in ${elapsed.toFixed(0)} ms`,
    );
    expect(city.drive.nodeCount).toBeGreaterThanOrEqual(10_000);
    expect(elapsed).toBeLessThan(2_000);
    expect(stronglyConnectedComponents(city.drive).count).toBe(1);
    expect(stronglyConnectedComponents(city.walk).count).toBe(1);
    expect(city.bbox.maxX - city.bbox.minX).toBeCloseTo(20_000, 6);
    expect(city.boundary).toHaveLength(4);
    const corner = city.route('car', 0, city.drive.nodeCount - 1);
    expect(corner.distance).toBeGreaterThanOrEqual(40_000 - 1e-6);
  });

  it('is deterministic for a seed and varies with it', () => {
    const a = generateCityParts({ sizeKm: 5, seed: 3 });
    const b = generateCityParts({ sizeKm: 5, seed: 3 });
    const c = generateCityParts({ sizeKm: 5, seed: 4 });
    for (const key of [
      'x',
      'y',
      'lon',
      'lat',
      'edgeStart',
      'edgeTarget',
      'edgeLength',
      'edgeSpeed',
    ] as const) {
      expect(b.drive[key]).toEqual(a.drive[key]);
      expect(b.walk[key]).toEqual(a.walk[key]);
    }
    expect(b.parking).toEqual(a.parking);
    expect(b.buildings).toEqual(a.buildings);
    expect(c.drive.edgeTarget).not.toEqual(a.drive.edgeTarget);
  });

  it('makes about oneWayShare of local streets one-way, each in one consistent direction', () => {
    const city = generateCity({ sizeKm: 10, seed: 5, oneWayShare: 0.5, blockMeters: 250 });
    const g = city.drive;
    const count = Math.round(Math.sqrt(g.nodeCount));
    let oneWayStreets = 0;
    let localStreets = 0;
    for (let j = 1; j < count - 1; j++) {
      if (j % 5 === 0) continue;
      localStreets++;
      const forward = new Set<boolean>();
      let twoWay = 0;
      for (let i = 0; i + 1 < count; i++) {
        const a = j * count + i;
        const f = findEdge(g, a, a + 1) >= 0;
        const r = findEdge(g, a + 1, a) >= 0;
        expect(f || r).toBe(true);
        if (f && r) twoWay++;
        else forward.add(f);
      }
      if (twoWay === 0) {
        oneWayStreets++;
        expect(forward.size).toBe(1);
      } else {
        expect(twoWay).toBe(count - 1);
      }
    }
    expect(oneWayStreets / localStreets).toBeGreaterThan(0.25);
    expect(oneWayStreets / localStreets).toBeLessThan(0.75);
    expect(stronglyConnectedComponents(g).count).toBe(1);
  });

  it('snaps curb spaces to the nearest drive node and rejects bad specs', async () => {
    const city = await loadCity({ generate: { sizeKm: 2, seed: 9 } });
    expect(city.parking.length).toBeGreaterThan(50);
    for (const p of city.parking) expect(p.driveNode).toBe(city.nearestNode('drive', p.x, p.y));
    expect(() => generateCity({ sizeKm: 0 })).toThrow(/sizeKm must be > 0/);
    expect(() => generateCity({ sizeKm: 1, oneWayShare: 2 })).toThrow(/oneWayShare/);
    expect(() => generateCity({ sizeKm: 1, seed: 1.5 })).toThrow(/seed must be an integer/);
  });
});
