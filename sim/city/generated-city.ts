import type { RandomGenerator } from 'pure-rand';
import { unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';
import type { City, CityParts, ParkingSpace } from './city.ts';
import { createCity } from './city.ts';
import { CURB_CAPACITY, curbSpacePositions } from './curb-spaces.ts';
import { stronglyConnectedComponents } from './graph-components.ts';
import { createProjection } from './projection.ts';
import type { RoadEdge, RoadGraph } from './road-graph.ts';
import { buildRoadGraph } from './road-graph.ts';
import type { RouterOptions } from './router.ts';
import { FOOT_SPEED } from './router.ts';
import { StaticPointIndex } from './spatial-index.ts';

export interface GeneratedCitySpec {
  /** Side of the square city, km. */
  readonly sizeKm: number;
  /** Distance between parallel streets, metres (default 200). */
  readonly blockMeters?: number;
  /** Share of local streets made one-way (default 0.2). */
  readonly oneWayShare?: number;
  /** Seed for street directions, parking lots and building heights (default 1). */
  readonly seed?: number;
}

/** Every fifth street is an arterial. */
const ARTERIAL_EVERY = 5;
const ARTERIAL_SPEED = 50 / 3.6;
const LOCAL_SPEED = 30 / 3.6;
/** Share of blocks (in 1/1000) that hold a designated parking lot instead of a building. */
const LOT_PER_MILLE = 30;
const BUILDING_SETBACK = 15;

/**
 * A synthetic grid city with the same {@link City} interface as an OSM one. Why: planners sweep
 * city size and density beyond what one real extract offers, and tests and benchmarks need a
 * city of any size without map data. The grid has arterials every fifth street (50 km/h, two-way),
 * local streets at 30 km/h of which `oneWayShare` are one-way along their whole length, a two-way
 * ring road at the edge, curb parking every 60 m along local streets, a few parking lots and one
 * building per block. The same spec and seed always produce identical arrays.
 */
export function generateCity(spec: GeneratedCitySpec, routerOptions?: RouterOptions): City {
  return createCity(generateCityParts(spec), routerOptions);
}

/** The parts of {@link generateCity}, before indexes and router are attached. */
export function generateCityParts(spec: GeneratedCitySpec): CityParts {
  const block = spec.blockMeters ?? 200;
  const share = spec.oneWayShare ?? 0.2;
  const seed = spec.seed ?? 1;
  if (!(spec.sizeKm > 0) || !Number.isFinite(spec.sizeKm))
    throw new Error(`sizeKm must be > 0, got ${spec.sizeKm}`);
  if (!(block >= 10) || !Number.isFinite(block)) throw new Error(`blockMeters must be ≥ 10, got ${block}`);
  if (!(share >= 0 && share <= 1)) throw new Error(`oneWayShare must be within 0..1, got ${share}`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const count = Math.max(2, Math.floor((spec.sizeKm * 1000) / block) + 1);
  if (count * count > 4_000_000)
    throw new Error(`A ${spec.sizeKm} km grid of ${block} m blocks is too large`);
  const rng = xoroshiro128plus(seed);
  const half = ((count - 1) * block) / 2;
  const projection = createProjection(0, 0);
  const n = count * count;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let j = 0; j < count; j++) {
    for (let i = 0; i < count; i++) {
      const v = j * count + i;
      x[v] = i * block - half;
      y[v] = j * block - half;
      const ll = projection.toLonLat(x[v], y[v]);
      lon[v] = ll.lon;
      lat[v] = ll.lat;
    }
  }
  const nodes = { x, y, lon, lat };
  // Street s < count is the horizontal street j = s, street count + i the vertical street i.
  const streets = 2 * count;
  const direction = new Int8Array(streets); // 0 two-way, 1 towards increasing index, -1 decreasing
  const isArterial = (k: number) => k % ARTERIAL_EVERY === 0;
  for (let s = 0; s < streets; s++) {
    const k = s % count;
    if (isArterial(k) || k === count - 1) continue;
    const oneWay = draw(rng, 10_000) < share * 10_000;
    const forward = draw(rng, 2) === 0;
    if (oneWay) direction[s] = forward ? 1 : -1;
  }
  const speedOf = (k: number) => (isArterial(k) || k === count - 1 ? ARTERIAL_SPEED : LOCAL_SPEED);
  const segments = (emit: (s: number, a: number, b: number, speed: number) => void) => {
    for (let j = 0; j < count; j++) {
      for (let i = 0; i + 1 < count; i++) emit(j, j * count + i, j * count + i + 1, speedOf(j));
    }
    for (let i = 0; i < count; i++) {
      for (let j = 0; j + 1 < count; j++) emit(count + i, j * count + i, (j + 1) * count + i, speedOf(i));
    }
  };
  let drive: RoadGraph;
  for (;;) {
    const edges: RoadEdge[] = [];
    segments((s, a, b, speed) => {
      if (direction[s] >= 0) edges.push({ from: a, to: b, length: block, speed });
      if (direction[s] <= 0) edges.push({ from: b, to: a, length: block, speed });
    });
    drive = buildRoadGraph(nodes, edges);
    const repaired = repairOneWays(drive, direction, count);
    if (!repaired) break;
  }
  const walkEdges: RoadEdge[] = [];
  segments((_s, a, b) => {
    walkEdges.push({ from: a, to: b, length: block, speed: FOOT_SPEED });
    walkEdges.push({ from: b, to: a, length: block, speed: FOOT_SPEED });
  });
  const walk = buildRoadGraph(nodes, walkEdges);

  const spots: Omit<ParkingSpace, 'id'>[] = [];
  const rings: number[] = [];
  const ringStart: number[] = [0];
  const heights: number[] = [];
  // Snap with the same index and tie rule (lowest id) as OSM cities rather than grid arithmetic,
  // whose rounding would break ties differently for spaces exactly between nodes.
  const driveIndex = new StaticPointIndex(x, y);
  const nearestGrid = (px: number, py: number) => driveIndex.nearest(px, py);
  for (let j = 0; j + 1 < count; j++) {
    for (let i = 0; i + 1 < count; i++) {
      const x0 = i * block - half;
      const y0 = j * block - half;
      if (draw(rng, 1000) < LOT_PER_MILLE) {
        const cx = x0 + block / 2;
        const cy = y0 + block / 2;
        spots.push({
          x: cx,
          y: cy,
          driveNode: nearestGrid(cx, cy),
          tagged: true,
          capacity: 20 + draw(rng, 181),
        });
        continue;
      }
      const s = Math.min(BUILDING_SETBACK, block / 4);
      rings.push(
        x0 + s,
        y0 + s,
        x0 + block - s,
        y0 + s,
        x0 + block - s,
        y0 + block - s,
        x0 + s,
        y0 + block - s,
      );
      ringStart.push(rings.length / 2);
      heights.push(6 + draw(rng, 55));
    }
  }
  segments((s, a, b) => {
    const k = s % count;
    if (isArterial(k) || k === count - 1) return;
    for (const p of curbSpacePositions([x[a], x[b]], [y[a], y[b]])) {
      spots.push({
        x: p.x,
        y: p.y,
        driveNode: nearestGrid(p.x, p.y),
        tagged: false,
        capacity: CURB_CAPACITY,
      });
    }
  });
  const corner = (cx: number, cy: number): [number, number] => {
    const ll = projection.toLonLat(cx, cy);
    return [ll.lon, ll.lat];
  };
  return {
    name: `Grid ${spec.sizeKm} km (seed ${seed})`,
    refLon: 0,
    refLat: 0,
    drive,
    walk,
    parking: spots.map((p, i) => ({ id: `P${i + 1}`, ...p })),
    buildings: {
      rings: Float32Array.from(rings),
      ringStart: Uint32Array.from(ringStart),
      height: Float32Array.from(heights),
    },
    boundaryLonLat: [corner(-half, -half), corner(half, -half), corner(half, half), corner(-half, half)],
    attribution: 'Generated street grid (no map data)',
    stats: { droppedDriveNodes: 0, droppedWalkNodes: 0 },
  };
}

function draw(rng: RandomGenerator, outcomes: number): number {
  return unsafeUniformIntDistribution(0, outcomes - 1, rng);
}

/**
 * Verifies strong connectivity; if some nodes fall outside the largest component, every one-way
 * street through them becomes two-way and the caller rebuilds. Returns whether anything changed.
 * (With two-way arterials and a two-way edge ring the grid is connected by construction; this is
 * the safety net that keeps it so if those rules change.)
 */
function repairOneWays(drive: RoadGraph, direction: Int8Array, count: number): boolean {
  const { component, count: components } = stronglyConnectedComponents(drive);
  if (components <= 1) return false;
  const size = new Uint32Array(components);
  for (let v = 0; v < drive.nodeCount; v++) size[component[v]]++;
  let largest = 0;
  for (let c = 1; c < components; c++) if (size[c] > size[largest]) largest = c;
  let changed = false;
  for (let v = 0; v < drive.nodeCount; v++) {
    if (component[v] === largest) continue;
    const j = Math.floor(v / count);
    const i = v % count;
    for (const s of [j, count + i]) {
      if (direction[s] !== 0) {
        direction[s] = 0;
        changed = true;
      }
    }
  }
  if (!changed) throw new Error('Generated grid is disconnected although all streets are two-way');
  return changed;
}
