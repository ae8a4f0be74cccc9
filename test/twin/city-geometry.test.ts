import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compileCoverageArea } from '../../sim/city/coverage-area.ts';
import { generateCity } from '../../sim/city/index.ts';
import { encodeCityGeometry } from '../../sim/twin/city-geometry.ts';
import { decodeCity } from '../../twin-ui/city-decoder.ts';
import { buildingsGeometry } from '../../twin-ui/city-layer.ts';

const city = generateCity({ sizeKm: 2, seed: 5, blockMeters: 200 });
const { lon, lat } = city.projection.toLonLat(0, 0);
const d = 0.004;
const square = {
  type: 'Polygon',
  coordinates: [
    [
      [lon - d, lat - d],
      [lon + d, lat - d],
      [lon + d, lat + d],
      [lon - d, lat + d],
      [lon - d, lat - d],
    ],
  ],
};
const areas = [{ id: 'a', area: compileCoverageArea(square, city.projection) }];

describe('the city geometry buffer', () => {
  it('round-trips through the viewer decoder, gzip included', () => {
    const encoded = encodeCityGeometry(city, areas);
    const decoded = decodeCity(new Uint8Array(gunzipSync(encoded.gzip)).buffer);
    let undirected = 0;
    const seen = new Set<string>();
    for (let u = 0; u < city.drive.nodeCount; u++)
      for (let e = city.drive.edgeStart[u]; e < city.drive.edgeStart[u + 1]; e++) {
        const v = city.drive.edgeTarget[e];
        const key = u < v ? `${u}-${v}` : `${v}-${u}`;
        if (!seen.has(key)) undirected++;
        seen.add(key);
      }
    expect(decoded.roads.length / 4).toBe(undirected);
    expect(decoded.roads.length / 4).toBe(encoded.counts.roads);
    expect(decoded.buildingHeight.length).toBe(city.buildings.height.length);
    expect([...decoded.buildingVertices]).toEqual([...city.buildings.rings]);
    expect(decoded.parking.length / 3).toBe(city.parking.length);
    expect(decoded.areaOfRing.length).toBe(1);
    expect(decoded.areaVertices.length).toBe(8);
    expect(decoded.bbox.minX).toBeCloseTo(city.bbox.minX, 0);
  });

  it('refuses a foreign or truncated buffer', () => {
    const bytes = encodeCityGeometry(city, areas).bytes;
    expect(() => decodeCity(bytes.slice(0, bytes.length - 8).buffer)).toThrow(/truncated/);
    expect(() => decodeCity(new ArrayBuffer(64))).toThrow(/not a citytwin/);
  });

  it('merges every building into one mesh: walls per edge plus a triangulated roof, or roofs only', () => {
    const decoded = decodeCity(encodeCityGeometry(city, areas).bytes.slice().buffer);
    const edges = decoded.buildingStart[decoded.buildingHeight.length];
    const count = decoded.buildingHeight.length;
    expect(count).toBeGreaterThan(10);
    const full = buildingsGeometry(decoded, true);
    const roofs = buildingsGeometry(decoded, false);
    expect(full.getAttribute('position').count).toBe(edges * 4 + edges);
    expect(roofs.getAttribute('position').count).toBe(edges);
    // A simple polygon of n vertices triangulates into n - 2 triangles.
    expect(roofs.getIndex()!.count / 3).toBe(edges - 2 * count);
    expect(full.getIndex()!.count / 3).toBe(edges * 2 + edges - 2 * count);
  });
});
