import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOSMStream } from 'osm-pbf-parser-node';
import { afterAll, describe, expect, it } from 'vitest';
import { stronglyConnectedComponents } from '../../sim/city/graph-components.ts';
import { findEdge, loadOsmCity, nodeByOsmId } from '../../sim/city/index.ts';
import { isDrivable } from '../../sim/city/osm-tags.ts';
import { loadMonaco, MONACO_PBF } from './monaco-fixture.ts';

const city = await loadMonaco();

describe('Monaco from OpenStreetMap', () => {
  it('has plausible node, edge, parking and building counts', () => {
    const counts = {
      driveNodes: city.drive.nodeCount,
      driveEdges: city.drive.edgeTarget.length,
      droppedDrive: city.stats.droppedDriveNodes,
      walkNodes: city.walk.nodeCount,
      walkEdges: city.walk.edgeTarget.length,
      droppedWalk: city.stats.droppedWalkNodes,
      parking: city.parking.length,
      taggedParking: city.parking.filter((p) => p.tagged).length,
      buildings: city.buildings.height.length,
    };
    console.log('Monaco city', counts);
    expect(city.name).toBe('Monaco');
    expect(counts.driveNodes).toBeGreaterThan(5_000);
    expect(counts.driveNodes).toBeLessThan(100_000);
    expect(counts.walkNodes).toBeGreaterThan(counts.driveNodes / 2);
    expect(counts.droppedDrive).toBeLessThan(counts.driveNodes / 5);
    expect(counts.buildings).toBeGreaterThan(1_000);
    expect(city.attribution).toMatch(/OpenStreetMap contributors.*ODbL/);
  });

  it('keeps a strongly connected drive graph and a connected walk graph', () => {
    expect(stronglyConnectedComponents(city.drive).count).toBe(1);
    expect(stronglyConnectedComponents(city.walk).count).toBe(1);
  });

  it('walk graph is symmetric (every edge has its reverse)', () => {
    const g = city.walk;
    for (let u = 0; u < g.nodeCount; u++) {
      for (let e = g.edgeStart[u]; e < g.edgeStart[u + 1]; e++) {
        if (findEdge(g, g.edgeTarget[e], u) < 0)
          throw new Error(`walk edge ${u}→${g.edgeTarget[e]} has no reverse`);
      }
    }
  });

  it('has more than 100 parking spaces, each snapped to a valid, nearest drive node', () => {
    expect(city.parking.length).toBeGreaterThan(100);
    expect(city.parking.some((p) => p.tagged)).toBe(true);
    expect(city.parking.some((p) => !p.tagged)).toBe(true);
    city.parking.forEach((p, i) => {
      expect(p.id).toBe(`P${i + 1}`);
      expect(Number.isInteger(p.driveNode) && p.driveNode >= 0 && p.driveNode < city.drive.nodeCount).toBe(
        true,
      );
      expect(p.capacity).toBeGreaterThanOrEqual(1);
    });
    for (const p of city.parking.filter((_, i) => i % 10 === 0)) {
      let nearest = Number.POSITIVE_INFINITY;
      for (let v = 0; v < city.drive.nodeCount; v++) {
        nearest = Math.min(nearest, Math.hypot(city.drive.x[v] - p.x, city.drive.y[v] - p.y));
      }
      expect(Math.hypot(city.drive.x[p.driveNode] - p.x, city.drive.y[p.driveNode] - p.y)).toBe(nearest);
    }
  });

  it('projects the boundary polygon and lon/lat consistently', () => {
    expect(city.boundaryLonLat.length).toBeGreaterThan(10);
    expect(city.boundary.length).toBe(city.boundaryLonLat.length);
    for (let i = 0; i < city.drive.nodeCount; i += 97) {
      const p = city.projection.toXY(city.drive.lon[i], city.drive.lat[i]);
      expect(p.x).toBeCloseTo(city.drive.x[i], 6);
      expect(p.y).toBeCloseTo(city.drive.y[i], 6);
      const back = city.projection.toLonLat(p.x, p.y);
      expect(back.lon).toBeCloseTo(city.drive.lon[i], 10);
      expect(back.lat).toBeCloseTo(city.drive.lat[i], 10);
    }
    const { bbox } = city;
    for (const [x, y] of city.boundary) {
      expect(x >= bbox.minX && x <= bbox.maxX && y >= bbox.minY && y <= bbox.maxY).toBe(true);
    }
  });

  it('snaps to the nearest node through the index (same answer as a scan)', () => {
    for (const [x, y] of [
      [0, 0],
      [500, -300],
      [-2000, 1000],
      [1e6, 1e6],
    ]) {
      for (const graph of ['drive', 'walk'] as const) {
        const g = city[graph];
        let best = -1;
        let bestD = Number.POSITIVE_INFINITY;
        for (let v = 0; v < g.nodeCount; v++) {
          const d = (g.x[v] - x) ** 2 + (g.y[v] - y) ** 2;
          if (d < bestD) {
            bestD = d;
            best = v;
          }
        }
        expect(city.nearestNode(graph, x, y)).toBe(best);
      }
    }
  });
});

describe('one-way streets', async () => {
  // Read the raw tags independently of the loader.
  const oneWays: { id: number; refs: number[]; tags: Record<string, string> }[] = [];
  for await (const item of createOSMStream(MONACO_PBF, { withInfo: false })) {
    for (const e of (Array.isArray(item) ? item : [item]) as {
      type: string;
      id: number;
      refs: number[];
      tags?: Record<string, string>;
    }[]) {
      if (e.type === 'way' && e.tags?.oneway === 'yes' && isDrivable(e.tags))
        oneWays.push({ id: e.id, refs: e.refs, tags: e.tags });
    }
  }
  oneWays.sort((a, b) => a.id - b.id);
  const segments: [number, number][] = [];
  for (const way of oneWays) {
    for (let k = 0; k + 1 < way.refs.length; k++) {
      const u = nodeByOsmId(city.drive, way.refs[k]);
      const v = nodeByOsmId(city.drive, way.refs[k + 1]);
      if (u >= 0 && v >= 0) segments.push([u, v]);
    }
  }

  it('finds hundreds of tagged one-way segments in the drive graph', () => {
    console.log(`one-way ways: ${oneWays.length}, segments in the drive graph: ${segments.length}`);
    expect(segments.length).toBeGreaterThan(500);
  });

  it('has the forward edge and never the reverse edge of a one-way segment', () => {
    for (const [u, v] of segments) {
      expect(findEdge(city.drive, u, v), `edge ${u}→${v}`).toBeGreaterThanOrEqual(0);
      expect(findEdge(city.drive, v, u), `reverse edge ${v}→${u}`).toBe(-1);
    }
  });

  it('routes against the one-way direction take a detour', () => {
    for (const [u, v] of segments.filter((_, i) => i % 50 === 0)) {
      const forward = city.route('car', u, v);
      const back = city.route('car', v, u);
      expect(Array.from(forward.nodes)).toEqual([u, v]);
      expect(back.duration).toBeGreaterThan(forward.duration);
      expect(back.nodes.length).toBeGreaterThan(2);
    }
  });
});

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

describe('city cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'citytwin-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one snapshot and reloads it to identical arrays', async () => {
    const fresh = await loadOsmCity(MONACO_PBF, { cacheDir: dir });
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    const cached = await loadOsmCity(MONACO_PBF, { cacheDir: dir });
    for (const graph of ['drive', 'walk'] as const) {
      for (const key of [
        'x',
        'y',
        'lon',
        'lat',
        'osmId',
        'edgeStart',
        'edgeTarget',
        'edgeLength',
        'edgeSpeed',
      ] as const) {
        expect(sameBytes(cached[graph][key], fresh[graph][key]), `${graph}.${key}`).toBe(true);
      }
    }
    expect(cached.parking).toEqual(fresh.parking);
    for (const key of ['rings', 'ringStart', 'height'] as const) {
      expect(sameBytes(cached.buildings[key], fresh.buildings[key]), `buildings.${key}`).toBe(true);
    }
    expect(cached.boundary).toEqual(fresh.boundary);
    expect(cached.bbox).toEqual(fresh.bbox);
    expect(cached.stats).toEqual(fresh.stats);
    expect(sameBytes(fresh.drive.edgeTarget, city.drive.edgeTarget)).toBe(true);
  });
});
