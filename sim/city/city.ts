import type { Projection } from './projection.ts';
import { createProjection } from './projection.ts';
import type { RoadGraph, TravelProfile } from './road-graph.ts';
import type { Route, RoutePosition } from './route.ts';
import { positionAlong } from './route.ts';
import type { RouterOptions, ShortestPathTree, TreeDirection } from './router.ts';
import { Router } from './router.ts';
import { StaticPointIndex } from './spatial-index.ts';

export type { RoadGraph, TravelProfile } from './road-graph.ts';
export type { Route, RoutePosition } from './route.ts';

/** A place a car can be left: tagged OSM parking or a generated curb space. */
export interface ParkingSpace {
  /** 'P1' … 'Pn' in a deterministic order (tagged nodes, tagged areas, then curb spaces). */
  readonly id: string;
  readonly x: number;
  readonly y: number;
  /** Nearest node of the drive graph: where a car arrives to park here. */
  readonly driveNode: number;
  /** true for `amenity=parking` from OSM, false for generated curb spaces. */
  readonly tagged: boolean;
  /** Number of cars. */
  readonly capacity: number;
}

/**
 * Building footprints for the 3D twin, packed: ring i has vertices `ringStart[i] .. ringStart[i+1]-1`
 * and vertex v is at (rings[2v], rings[2v+1]) metres; the closing vertex is not repeated.
 */
export interface Buildings {
  readonly rings: Float32Array;
  /** Length count + 1. */
  readonly ringStart: Uint32Array;
  /** Metres. */
  readonly height: Float32Array;
}

export interface BBox {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

export interface CityStats {
  /** Drive nodes outside the largest strongly connected component, dropped at load. */
  readonly droppedDriveNodes: number;
  /** Walk nodes outside the largest connected component, dropped at load. */
  readonly droppedWalkNodes: number;
}

/** Everything a loader produces; `createCity` derives indexes and the router from it. */
export interface CityParts {
  readonly name: string;
  readonly refLon: number;
  readonly refLat: number;
  readonly drive: RoadGraph;
  readonly walk: RoadGraph;
  readonly parking: readonly ParkingSpace[];
  readonly buildings: Buildings;
  /** Closed boundary ring in lon/lat (first vertex not repeated). */
  readonly boundaryLonLat: readonly [number, number][];
  readonly attribution: string;
  readonly stats: CityStats;
}

export interface City {
  readonly name: string;
  readonly projection: Projection;
  readonly drive: RoadGraph;
  readonly walk: RoadGraph;
  readonly parking: readonly ParkingSpace[];
  readonly buildings: Buildings;
  /** Boundary ring in metres. */
  readonly boundary: readonly [number, number][];
  readonly boundaryLonLat: readonly [number, number][];
  /** Extent of both graphs and the boundary, metres. */
  readonly bbox: BBox;
  /** Data licence notice to show wherever the city is rendered or exported. */
  readonly attribution: string;
  readonly stats: CityStats;
  readonly router: Router;
  /** Parking spaces by position (ids are indexes into `parking`). */
  readonly parkingIndex: StaticPointIndex;
  /** Closest node of a graph to a point in metres (k-d tree, never a scan). */
  nearestNode(graph: 'drive' | 'walk', x: number, y: number): number;
  /** Fastest route; throws a descriptive error if a node is invalid or the target unreachable. */
  route(profile: TravelProfile, fromNode: number, toNode: number): Route;
  /** One Dijkstra tree from/to a node (store origins) so later routes there are tree walks. */
  precomputeTree(profile: TravelProfile, root: number, direction?: TreeDirection): ShortestPathTree;
  /** Where an actor that departed on `route` is `t` seconds later. */
  positionAlong(route: Route, t: number): RoutePosition;
  /** The graph a profile travels on. */
  graphOf(profile: TravelProfile): RoadGraph;
}

/**
 * Assembles a City from loader output. Why one assembly point: the OSM loader, the cache and the
 * generated grid all end here, so a cached city behaves exactly like a freshly parsed one.
 */
export function createCity(parts: CityParts, routerOptions: RouterOptions = {}): City {
  const projection = createProjection(parts.refLon, parts.refLat);
  const boundary = parts.boundaryLonLat.map(([lon, lat]): [number, number] => {
    const p = projection.toXY(lon, lat);
    return [p.x, p.y];
  });
  const router = new Router(parts.drive, parts.walk, routerOptions);
  const indexes = {
    drive: new StaticPointIndex(parts.drive.x, parts.drive.y),
    walk: new StaticPointIndex(parts.walk.x, parts.walk.y),
  };
  const parkingIndex = StaticPointIndex.fromPoints(parts.parking);
  return {
    name: parts.name,
    projection,
    drive: parts.drive,
    walk: parts.walk,
    parking: parts.parking,
    buildings: parts.buildings,
    boundary,
    boundaryLonLat: parts.boundaryLonLat,
    bbox: extentOf(parts.drive, parts.walk, boundary),
    attribution: parts.attribution,
    stats: parts.stats,
    router,
    parkingIndex,
    nearestNode(graph, x, y) {
      const index = indexes[graph];
      if (!index) throw new Error(`Unknown graph '${String(graph)}' (expected drive or walk)`);
      const node = index.nearest(x, y);
      if (node < 0) throw new Error(`The ${graph} graph of ${parts.name} has no nodes`);
      return node;
    },
    route: (profile, fromNode, toNode) => router.route(profile, fromNode, toNode),
    precomputeTree: (profile, root, direction) => router.precomputeTree(profile, root, direction),
    positionAlong: (route, t) => positionAlong(route, router.graphOf(route.profile), t),
    graphOf: (profile) => router.graphOf(profile),
  };
}

function extentOf(drive: RoadGraph, walk: RoadGraph, boundary: readonly [number, number][]): BBox {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  const add = (x: number, y: number) => {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  };
  for (const g of [drive, walk]) for (let i = 0; i < g.nodeCount; i++) add(g.x[i], g.y[i]);
  for (const [x, y] of boundary) add(x, y);
  if (minX > maxX) return { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  return { minX, minY, maxX, maxY };
}
