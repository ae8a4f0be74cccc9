import { gzipSync } from 'node:zlib';
import type { City, RoadGraph } from '../city/city.ts';
import type { PlacedArea } from '../world/population.ts';
import { CITY_HEADER_BYTES, CITY_MAGIC, WIRE_VERSION } from './wire.ts';

/** The encoded city: raw bytes (for tests and the bench) and the gzip body the server sends. */
export interface CityGeometry {
  readonly bytes: Uint8Array;
  readonly gzip: Buffer;
  readonly counts: { roads: number; paths: number; buildings: number; parking: number; areaRings: number };
}

/** Undirected segments of a graph, each once, in edge order (deterministic). */
function segments(graph: RoadGraph, skip?: Set<string>): { coords: number[]; keys: Set<string> } {
  const coords: number[] = [];
  const keys = new Set<string>();
  for (let u = 0; u < graph.nodeCount; u++) {
    for (let e = graph.edgeStart[u]; e < graph.edgeStart[u + 1]; e++) {
      const v = graph.edgeTarget[e];
      const key = segmentKey(graph.x[u], graph.y[u], graph.x[v], graph.y[v]);
      if (keys.has(key) || skip?.has(key)) continue;
      keys.add(key);
      coords.push(graph.x[u], graph.y[u], graph.x[v], graph.y[v]);
    }
  }
  return { coords, keys };
}

/** Order-independent key of a segment at decimetre precision (the two graphs share OSM geometry). */
function segmentKey(x1: number, y1: number, x2: number, y2: number): string {
  const a = `${Math.round(x1 * 10)},${Math.round(y1 * 10)}`;
  const b = `${Math.round(x2 * 10)},${Math.round(y2 * 10)}`;
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Appends sections to one growing buffer, each 4-byte aligned and preceded where needed by a count. */
class SectionWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  count(n: number): void {
    this.parts.push(new Uint8Array(Uint32Array.of(n).buffer));
    this.length += 4;
  }

  floats(values: ArrayLike<number>): void {
    this.push(new Uint8Array(Float32Array.from(values).buffer));
  }

  uints(values: ArrayLike<number>): void {
    this.push(new Uint8Array(Uint32Array.from(values).buffer));
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
}

/**
 * Encodes everything static the viewer draws — roads, footpaths, building footprints with heights,
 * parking spaces and coverage areas — into one binary buffer (layout in wire.ts). Why one buffer
 * sent once: the Monaco network is tens of thousands of segments and buildings; as JSON per feature
 * it would be megabytes of text parsed on the main thread, as Float32 sections it is a few typed-array
 * views in the browser.
 */
export function encodeCityGeometry(city: City, areas: readonly PlacedArea[]): CityGeometry {
  const w = new SectionWriter();
  const header = new DataView(new ArrayBuffer(CITY_HEADER_BYTES));
  header.setUint32(0, CITY_MAGIC, true);
  header.setUint32(4, WIRE_VERSION, true);
  header.setFloat32(8, city.bbox.minX, true);
  header.setFloat32(12, city.bbox.minY, true);
  header.setFloat32(16, city.bbox.maxX, true);
  header.setFloat32(20, city.bbox.maxY, true);
  w.push(new Uint8Array(header.buffer));

  const roads = segments(city.drive);
  const paths = segments(city.walk, roads.keys);
  w.count(roads.coords.length / 4);
  w.floats(roads.coords);
  w.count(paths.coords.length / 4);
  w.floats(paths.coords);

  const b = city.buildings;
  const buildingCount = b.height.length;
  w.count(buildingCount);
  w.uints(b.ringStart.subarray(0, buildingCount + 1));
  w.count(b.rings.length / 2);
  w.floats(b.rings);
  w.floats(b.height);

  w.count(city.parking.length);
  w.floats(city.parking.flatMap((p) => [p.x, p.y, p.capacity]));

  const ringStart: number[] = [0];
  const vertices: number[] = [];
  const ringArea: number[] = [];
  areas.forEach((placed, index) => {
    for (const polygon of placed.area.polygons) {
      for (const ring of polygon) {
        vertices.push(...ring);
        ringStart.push(vertices.length / 2);
        ringArea.push(index);
      }
    }
  });
  w.count(ringArea.length);
  w.uints(ringStart);
  w.count(vertices.length / 2);
  w.floats(vertices);
  w.uints(ringArea);

  const bytes = w.bytes();
  return {
    bytes,
    gzip: gzipSync(bytes, { level: 6 }),
    counts: {
      roads: roads.coords.length / 4,
      paths: paths.coords.length / 4,
      buildings: buildingCount,
      parking: city.parking.length,
      areaRings: ringArea.length,
    },
  };
}
