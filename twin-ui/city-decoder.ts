import { CITY_HEADER_BYTES, CITY_MAGIC, WIRE_VERSION } from '../sim/twin/wire.ts';

/** The static city as typed arrays (layout in wire.ts), ready to become three.js buffers. */
export interface CityData {
  readonly bbox: { minX: number; minY: number; maxX: number; maxY: number };
  readonly roads: Float32Array;
  readonly paths: Float32Array;
  readonly buildingStart: Uint32Array;
  readonly buildingVertices: Float32Array;
  readonly buildingHeight: Float32Array;
  readonly parking: Float32Array;
  readonly areaRingStart: Uint32Array;
  readonly areaVertices: Float32Array;
  readonly areaOfRing: Uint32Array;
}

/** Reads sections in order; every read checks the remaining length so a bad buffer fails loudly. */
class SectionReader {
  private at = CITY_HEADER_BYTES;
  constructor(private readonly buffer: ArrayBuffer) {}

  count(): number {
    this.need(4);
    const n = new DataView(this.buffer).getUint32(this.at, true);
    this.at += 4;
    return n;
  }

  floats(n: number): Float32Array {
    this.need(n * 4);
    const out = new Float32Array(this.buffer, this.at, n);
    this.at += n * 4;
    return out;
  }

  uints(n: number): Uint32Array {
    this.need(n * 4);
    const out = new Uint32Array(this.buffer, this.at, n);
    this.at += n * 4;
    return out;
  }

  private need(bytes: number): void {
    if (this.at + bytes > this.buffer.byteLength) throw new Error('city geometry buffer is truncated');
  }
}

export function decodeCity(buffer: ArrayBuffer): CityData {
  const header = new DataView(buffer);
  if (buffer.byteLength < CITY_HEADER_BYTES || header.getUint32(0, true) !== CITY_MAGIC)
    throw new Error('not a citytwin city geometry buffer');
  const version = header.getUint32(4, true);
  if (version !== WIRE_VERSION)
    throw new Error(`city geometry version ${version}, viewer expects ${WIRE_VERSION}`);
  const r = new SectionReader(buffer);
  const roads = r.floats(r.count() * 4);
  const paths = r.floats(r.count() * 4);
  const buildings = r.count();
  const buildingStart = r.uints(buildings + 1);
  const buildingVertices = r.floats(r.count() * 2);
  const buildingHeight = r.floats(buildings);
  const parking = r.floats(r.count() * 3);
  const rings = r.count();
  const areaRingStart = r.uints(rings + 1);
  const areaVertices = r.floats(r.count() * 2);
  const areaOfRing = r.uints(rings);
  return {
    bbox: {
      minX: header.getFloat32(8, true),
      minY: header.getFloat32(12, true),
      maxX: header.getFloat32(16, true),
      maxY: header.getFloat32(20, true),
    },
    roads,
    paths,
    buildingStart,
    buildingVertices,
    buildingHeight,
    parking,
    areaRingStart,
    areaVertices,
    areaOfRing,
  };
}
