import type { Projection, XY } from './projection.ts';

/**
 * A coverage area compiled for fast membership tests in simulation metres. Dispatch asks
 * "is this parked car inside the area?" at order time and again at unlock time, so `contains` is a
 * bounding-box check followed by an even-odd ray cast per ring.
 */
export interface CoverageArea {
  /** Polygons → rings (outer first, then holes) → flattened [x0, y0, x1, y1, …] without the closing vertex. */
  readonly polygons: readonly (readonly Float64Array[])[];
  readonly bbox: {
    readonly minX: number;
    readonly minY: number;
    readonly maxX: number;
    readonly maxY: number;
  };
  /** Square metres (holes subtracted). */
  readonly area: number;
  /** Area-weighted centroid in metres. */
  readonly centroid: XY;
  contains(x: number, y: number): boolean;
}

type Position = readonly [number, number];
type Ring = readonly Position[];

/**
 * Validates a GeoJSON Polygon or MultiPolygon (bare or wrapped in a Feature) in lon/lat and
 * projects it. Scenario files are written by hand, so every rejection says which polygon, ring or
 * position is wrong and why: unknown type, too few positions, unclosed ring, non-finite or
 * out-of-range coordinates, zero area, a self-intersecting ring, a hole outside its outer ring.
 * Ring orientation is not enforced (RFC 7946 recommends but does not require it).
 */
export function compileCoverageArea(geojson: unknown, projection: Projection): CoverageArea {
  const polygonsLonLat = readPolygons(geojson);
  const polygons: Float64Array[][] = [];
  let area = 0;
  let cx = 0;
  let cy = 0;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  polygonsLonLat.forEach((rings, p) => {
    const projected: Float64Array[] = rings.map((ring, r) => {
      const flat = new Float64Array((ring.length - 1) * 2);
      for (let i = 0; i < ring.length - 1; i++) {
        const { x, y } = projection.toXY(ring[i][0], ring[i][1]);
        flat[2 * i] = x;
        flat[2 * i + 1] = y;
      }
      const where = `polygon ${p} ring ${r}`;
      const crossing = selfIntersection(flat);
      if (crossing) throw invalid(`${where} intersects itself (edges ${crossing[0]} and ${crossing[1]})`);
      if (Math.abs(signedArea(flat)) < 1e-6) throw invalid(`${where} has zero area`);
      return flat;
    });
    const outer = projected[0];
    for (let h = 1; h < projected.length; h++) {
      const hole = projected[h];
      for (let i = 0; i < hole.length; i += 2) {
        if (!ringContains(outer, hole[i], hole[i + 1])) {
          throw invalid(`polygon ${p} hole ${h} has vertex ${i / 2} outside the outer ring`);
        }
      }
    }
    projected.forEach((ring, r) => {
      const a = Math.abs(signedArea(ring)) * (r === 0 ? 1 : -1);
      const c = ringCentroid(ring);
      area += a;
      cx += c.x * a;
      cy += c.y * a;
    });
    for (let i = 0; i < outer.length; i += 2) {
      minX = Math.min(minX, outer[i]);
      maxX = Math.max(maxX, outer[i]);
      minY = Math.min(minY, outer[i + 1]);
      maxY = Math.max(maxY, outer[i + 1]);
    }
    polygons.push(projected);
  });
  if (!(area > 0)) throw invalid('holes cover the whole area');
  const bboxes = polygons.map((rings) => ringBox(rings[0]));
  return {
    polygons,
    bbox: { minX, minY, maxX, maxY },
    area,
    centroid: { x: cx / area, y: cy / area },
    contains(x, y) {
      if (x < minX || x > maxX || y < minY || y > maxY) return false;
      for (let p = 0; p < polygons.length; p++) {
        const b = bboxes[p];
        if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) continue;
        const rings = polygons[p];
        if (!ringContains(rings[0], x, y)) continue;
        let inHole = false;
        for (let h = 1; h < rings.length && !inHole; h++) inHole = ringContains(rings[h], x, y);
        if (!inHole) return true;
      }
      return false;
    },
  };
}

function invalid(message: string): Error {
  return new Error(`Invalid coverage area: ${message}`);
}

function readPolygons(geojson: unknown): Ring[][] {
  if (typeof geojson !== 'object' || geojson === null) throw invalid('expected a GeoJSON object');
  const g = geojson as { type?: unknown; coordinates?: unknown; geometry?: unknown };
  if (g.type === 'Feature') return readPolygons(g.geometry);
  if (g.type === 'Polygon') return [readPolygon(g.coordinates, 0)];
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) {
      throw invalid('MultiPolygon coordinates must be a non-empty array of polygons');
    }
    return g.coordinates.map((c, p) => readPolygon(c, p));
  }
  throw invalid(`type must be Polygon, MultiPolygon or a Feature of one, got ${JSON.stringify(g.type)}`);
}

function readPolygon(coordinates: unknown, p: number): Ring[] {
  if (!Array.isArray(coordinates) || coordinates.length === 0) {
    throw invalid(`polygon ${p} must be a non-empty array of rings`);
  }
  return coordinates.map((ring, r) => readRing(ring, `polygon ${p} ring ${r}`));
}

function readRing(ring: unknown, where: string): Ring {
  if (!Array.isArray(ring)) throw invalid(`${where} must be an array of positions`);
  if (ring.length < 4) throw invalid(`${where} has ${ring.length} positions, a closed ring needs at least 4`);
  const out: Position[] = ring.map((pos, i) => {
    if (!Array.isArray(pos) || pos.length < 2) throw invalid(`${where} position ${i} must be [lon, lat]`);
    const [lon, lat] = pos as unknown[];
    if (
      typeof lon !== 'number' ||
      typeof lat !== 'number' ||
      !Number.isFinite(lon) ||
      !Number.isFinite(lat)
    ) {
      throw invalid(`${where} position ${i} has non-finite coordinates ${JSON.stringify(pos)}`);
    }
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
      throw invalid(`${where} position ${i} (${lon}, ${lat}) is outside lon -180..180 / lat -90..90`);
    }
    return [lon, lat];
  });
  const first = out[0];
  const last = out[out.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    throw invalid(
      `${where} is not closed (first position ${JSON.stringify(first)} ≠ last ${JSON.stringify(last)})`,
    );
  }
  // Repeated consecutive positions are harmless in GeoJSON but would read as a self-touching ring.
  const distinct = out.filter((pos, i) => i === 0 || pos[0] !== out[i - 1][0] || pos[1] !== out[i - 1][1]);
  if (distinct.length < 4) throw invalid(`${where} has fewer than 3 distinct positions`);
  return distinct;
}

/** Even-odd ray cast over a flattened ring (implicitly closed). */
function ringContains(ring: Float64Array, x: number, y: number): boolean {
  let inside = false;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i];
    const yi = ring[2 * i + 1];
    const xj = ring[2 * j];
    const yj = ring[2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function signedArea(ring: Float64Array): number {
  let sum = 0;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++)
    sum += ring[2 * j] * ring[2 * i + 1] - ring[2 * i] * ring[2 * j + 1];
  return sum / 2;
}

function ringCentroid(ring: Float64Array): XY {
  let a = 0;
  let cx = 0;
  let cy = 0;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const cross = ring[2 * j] * ring[2 * i + 1] - ring[2 * i] * ring[2 * j + 1];
    a += cross;
    cx += (ring[2 * j] + ring[2 * i]) * cross;
    cy += (ring[2 * j + 1] + ring[2 * i + 1]) * cross;
  }
  return { x: cx / (3 * a), y: cy / (3 * a) };
}

function ringBox(ring: Float64Array): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < ring.length; i += 2) {
    box[0] = Math.min(box[0], ring[i]);
    box[1] = Math.min(box[1], ring[i + 1]);
    box[2] = Math.max(box[2], ring[i]);
    box[3] = Math.max(box[3], ring[i + 1]);
  }
  return box;
}

/** First pair of non-adjacent edges that touch or cross, or undefined. O(n²): coverage rings are small. */
function selfIntersection(ring: Float64Array): [number, number] | undefined {
  const n = ring.length / 2;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsIntersect(ring, i, (i + 1) % n, j, (j + 1) % n)) return [i, j];
    }
  }
  return undefined;
}

function segmentsIntersect(r: Float64Array, a: number, b: number, c: number, d: number): boolean {
  const o1 = orient(r, a, b, c);
  const o2 = orient(r, a, b, d);
  const o3 = orient(r, c, d, a);
  const o4 = orient(r, c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(r, a, b, c)) ||
    (o2 === 0 && onSegment(r, a, b, d)) ||
    (o3 === 0 && onSegment(r, c, d, a)) ||
    (o4 === 0 && onSegment(r, c, d, b))
  );
}

function orient(r: Float64Array, p: number, q: number, s: number): number {
  const v =
    (r[2 * q] - r[2 * p]) * (r[2 * s + 1] - r[2 * p + 1]) -
    (r[2 * q + 1] - r[2 * p + 1]) * (r[2 * s] - r[2 * p]);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(r: Float64Array, p: number, q: number, s: number): boolean {
  return (
    Math.min(r[2 * p], r[2 * q]) <= r[2 * s] &&
    r[2 * s] <= Math.max(r[2 * p], r[2 * q]) &&
    Math.min(r[2 * p + 1], r[2 * q + 1]) <= r[2 * s + 1] &&
    r[2 * s + 1] <= Math.max(r[2 * p + 1], r[2 * q + 1])
  );
}
