import type { Buildings, ParkingSpace } from './city.ts';
import { CURB_CAPACITY, curbSpacePositions } from './curb-spaces.ts';
import type { OsmExtract } from './osm-extract.ts';
import { nodeIndexOf } from './osm-extract.ts';
import { wayRunsInGraph } from './osm-road-graphs.ts';
import type { OsmTags } from './osm-tags.ts';
import {
  buildingHeight,
  CURB_PARKING_CLASSES,
  isDrivable,
  isUnderOrOver,
  parkingCapacity,
} from './osm-tags.ts';
import type { Projection, XY } from './projection.ts';
import type { RoadGraph } from './road-graph.ts';
import type { StaticPointIndex } from './spatial-index.ts';

/** Cars assumed for a tagged parking node without `capacity`. */
const NODE_PARKING_CAPACITY = 10;
/** Square metres per car when estimating an untagged parking area's capacity. */
const AREA_PER_CAR = 25;

/**
 * Parking spaces in a deterministic order: tagged `amenity=parking` nodes (by OSM id), tagged
 * parking ways at their centroid (by OSM id), then generated curb spaces every ~60 m along
 * residential, tertiary and secondary streets at street level (by way id, then along the way).
 * Each is snapped to the nearest drive node, which is where a car parks and leaves from.
 */
export function osmParking(
  extract: OsmExtract,
  projection: Projection,
  drive: RoadGraph,
  driveIndex: StaticPointIndex,
): ParkingSpace[] {
  const spots: { x: number; y: number; tagged: boolean; capacity: number }[] = [];
  for (const node of extract.parkingNodes) {
    const p = projection.toXY(node.lon, node.lat);
    spots.push({ ...p, tagged: true, capacity: parkingCapacity(node.tags) ?? NODE_PARKING_CAPACITY });
  }
  for (const way of extract.ways) {
    if (way.tags.amenity !== 'parking') continue;
    const ring = projectRefs(extract, projection, way.refs);
    if (ring.length === 0) continue;
    const { centroid, area } = shapeOf(ring, way.refs[0] === way.refs[way.refs.length - 1]);
    const estimated = Math.min(2000, Math.max(1, Math.round(area / AREA_PER_CAR)));
    spots.push({ ...centroid, tagged: true, capacity: parkingCapacity(way.tags) ?? estimated });
  }
  for (const way of extract.ways) {
    if (!isCurbStreet(way.tags)) continue;
    for (const run of wayRunsInGraph(way, drive)) {
      const xs = run.map((v) => drive.x[v]);
      const ys = run.map((v) => drive.y[v]);
      for (const p of curbSpacePositions(xs, ys))
        spots.push({ ...p, tagged: false, capacity: CURB_CAPACITY });
    }
  }
  return spots.map((s, i) => ({
    id: `P${i + 1}`,
    x: s.x,
    y: s.y,
    driveNode: driveIndex.nearest(s.x, s.y),
    tagged: s.tagged,
    capacity: s.capacity,
  }));
}

function isCurbStreet(tags: OsmTags): boolean {
  return CURB_PARKING_CLASSES.has(tags.highway ?? '') && isDrivable(tags) && !isUnderOrOver(tags);
}

/**
 * Footprints of closed `building=*` ways (relations are not assembled), by OSM id, packed for the
 * twin: Float32 metres are exact to millimetres within tens of kilometres of the reference.
 */
export function osmBuildings(extract: OsmExtract, projection: Projection): Buildings {
  const coords: number[] = [];
  const starts: number[] = [0];
  const heights: number[] = [];
  for (const way of extract.ways) {
    const b = way.tags.building;
    if (b === undefined || b === 'no' || way.refs.length < 4) continue;
    if (way.refs[0] !== way.refs[way.refs.length - 1]) continue;
    const ring = projectRefs(extract, projection, way.refs.slice(0, -1));
    if (ring.length !== way.refs.length - 1) continue;
    for (const p of ring) coords.push(p.x, p.y);
    starts.push(coords.length / 2);
    heights.push(buildingHeight(way.tags));
  }
  return {
    rings: Float32Array.from(coords),
    ringStart: Uint32Array.from(starts),
    height: Float32Array.from(heights),
  };
}

function projectRefs(extract: OsmExtract, projection: Projection, refs: readonly number[]): XY[] {
  const out: XY[] = [];
  for (const id of refs) {
    const i = nodeIndexOf(extract, id);
    if (i >= 0) out.push(projection.toXY(extract.lon[i], extract.lat[i]));
  }
  return out;
}

/** Area-weighted centroid and area of a closed ring; vertex mean (area 0) for open or degenerate ones. */
function shapeOf(points: readonly XY[], closed: boolean): { centroid: XY; area: number } {
  let mx = 0;
  let my = 0;
  for (const p of points) {
    mx += p.x;
    my += p.y;
  }
  const mean = { x: mx / points.length, y: my / points.length };
  if (!closed || points.length < 4) return { centroid: mean, area: 0 };
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    // Relative to the mean to keep the cross products small and exact.
    const x0 = points[i].x - mean.x;
    const y0 = points[i].y - mean.y;
    const x1 = points[i + 1].x - mean.x;
    const y1 = points[i + 1].y - mean.y;
    const cross = x0 * y1 - x1 * y0;
    a += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  if (Math.abs(a) < 1e-9) return { centroid: mean, area: 0 };
  return { centroid: { x: mean.x + cx / (3 * a), y: mean.y + cy / (3 * a) }, area: Math.abs(a) / 2 };
}
