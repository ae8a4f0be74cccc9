import type { Buildings, CityParts, ParkingSpace } from './city.ts';
import type { RoadGraph } from './road-graph.ts';

/**
 * Binary snapshot of {@link CityParts}: a JSON header followed by the typed arrays as raw bytes,
 * each 8-byte aligned. Why not JSON for everything: the arrays dominate (hundreds of thousands of
 * numbers) and copying bytes back into typed arrays is an order of magnitude faster than parsing
 * decimal text, and exact for Float64 coordinates. Bump the format number on any layout change.
 */
export const CITY_CACHE_FORMAT = 1;
const MAGIC = 0x43595443; // 'CTYC' little-endian

type ArrayKind = 'f64' | 'f32' | 'u32' | 'u8';
type AnyTypedArray = Float64Array | Float32Array | Uint32Array | Uint8Array;

interface BlobEntry {
  readonly key: string;
  readonly kind: ArrayKind;
  readonly offset: number;
  readonly length: number;
}

interface Header {
  readonly format: number;
  readonly name: string;
  readonly refLon: number;
  readonly refLat: number;
  readonly boundaryLonLat: [number, number][];
  readonly attribution: string;
  readonly stats: CityParts['stats'];
  readonly parkingIds: string[];
  readonly blobs: BlobEntry[];
}

const GRAPH_KEYS = [
  'x',
  'y',
  'lon',
  'lat',
  'osmId',
  'edgeStart',
  'edgeTarget',
  'edgeLength',
  'edgeSpeed',
] as const;

function kindOf(a: AnyTypedArray): ArrayKind {
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Uint32Array) return 'u32';
  return 'u8';
}

function makeArray(kind: ArrayKind, bytes: Uint8Array, length: number): AnyTypedArray {
  // Copy into a fresh, aligned buffer (a Node Buffer's slice() is a view, not a copy).
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  if (kind === 'f64') return new Float64Array(copy, 0, length);
  if (kind === 'f32') return new Float32Array(copy, 0, length);
  if (kind === 'u32') return new Uint32Array(copy, 0, length);
  return new Uint8Array(copy, 0, length);
}

/** Serialises city parts to bytes (see the module comment for the layout). */
export function encodeCityParts(parts: CityParts): Uint8Array {
  const arrays: [string, AnyTypedArray][] = [];
  for (const name of ['drive', 'walk'] as const) {
    for (const key of GRAPH_KEYS) arrays.push([`${name}.${key}`, parts[name][key]]);
  }
  arrays.push(['buildings.rings', parts.buildings.rings]);
  arrays.push(['buildings.ringStart', parts.buildings.ringStart]);
  arrays.push(['buildings.height', parts.buildings.height]);
  arrays.push(['parking.x', Float64Array.from(parts.parking, (p) => p.x)]);
  arrays.push(['parking.y', Float64Array.from(parts.parking, (p) => p.y)]);
  arrays.push(['parking.driveNode', Uint32Array.from(parts.parking, (p) => p.driveNode)]);
  arrays.push(['parking.capacity', Uint32Array.from(parts.parking, (p) => p.capacity)]);
  arrays.push(['parking.tagged', Uint8Array.from(parts.parking, (p) => (p.tagged ? 1 : 0))]);
  const blobs: BlobEntry[] = [];
  let offset = 0;
  for (const [key, a] of arrays) {
    blobs.push({ key, kind: kindOf(a), offset, length: a.length });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const header: Header = {
    format: CITY_CACHE_FORMAT,
    name: parts.name,
    refLon: parts.refLon,
    refLat: parts.refLat,
    boundaryLonLat: parts.boundaryLonLat.map(([lon, lat]) => [lon, lat]),
    attribution: parts.attribution,
    stats: parts.stats,
    parkingIds: parts.parking.map((p) => p.id),
    blobs,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const bodyStart = Math.ceil((8 + headerBytes.length) / 8) * 8;
  const out = new Uint8Array(bodyStart + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  arrays.forEach(([, a], i) => {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), bodyStart + blobs[i].offset);
  });
  return out;
}

/** Inverse of {@link encodeCityParts}; throws on a foreign file or another format version. */
export function decodeCityParts(bytes: Uint8Array): CityParts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0, true) !== MAGIC)
    throw new Error('Not a citytwin city cache file');
  const headerLength = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Header;
  if (header.format !== CITY_CACHE_FORMAT) {
    throw new Error(`City cache format ${header.format}, expected ${CITY_CACHE_FORMAT}`);
  }
  const bodyStart = Math.ceil((8 + headerLength) / 8) * 8;
  const blob = new Map<string, AnyTypedArray>();
  for (const b of header.blobs) {
    const size = { f64: 8, f32: 4, u32: 4, u8: 1 }[b.kind] * b.length;
    const start = bodyStart + b.offset;
    if (start + size > bytes.byteLength) throw new Error(`City cache truncated at ${b.key}`);
    blob.set(b.key, makeArray(b.kind, bytes.subarray(start, start + size), b.length));
  }
  const get = <T extends AnyTypedArray>(key: string): T => {
    const a = blob.get(key);
    if (!a) throw new Error(`City cache lacks ${key}`);
    return a as T;
  };
  const graph = (name: string): RoadGraph => {
    const x = get<Float64Array>(`${name}.x`);
    return {
      nodeCount: x.length,
      x,
      y: get(`${name}.y`),
      lon: get(`${name}.lon`),
      lat: get(`${name}.lat`),
      osmId: get(`${name}.osmId`),
      edgeStart: get(`${name}.edgeStart`),
      edgeTarget: get(`${name}.edgeTarget`),
      edgeLength: get(`${name}.edgeLength`),
      edgeSpeed: get(`${name}.edgeSpeed`),
    };
  };
  const buildings: Buildings = {
    rings: get('buildings.rings'),
    ringStart: get('buildings.ringStart'),
    height: get('buildings.height'),
  };
  const px = get<Float64Array>('parking.x');
  const py = get<Float64Array>('parking.y');
  const node = get<Uint32Array>('parking.driveNode');
  const capacity = get<Uint32Array>('parking.capacity');
  const tagged = get<Uint8Array>('parking.tagged');
  const parking: ParkingSpace[] = header.parkingIds.map((id, i) => ({
    id,
    x: px[i],
    y: py[i],
    driveNode: node[i],
    tagged: tagged[i] === 1,
    capacity: capacity[i],
  }));
  return {
    name: header.name,
    refLon: header.refLon,
    refLat: header.refLat,
    drive: graph('drive'),
    walk: graph('walk'),
    parking,
    buildings,
    boundaryLonLat: header.boundaryLonLat,
    attribution: header.attribution,
    stats: header.stats,
  };
}
