import { largestStronglyConnected } from './graph-components.ts';
import type { OsmExtract, OsmWay } from './osm-extract.ts';
import { nodeIndexOf } from './osm-extract.ts';
import { driveSpeed, isDrivable, isWalkable, onewayDirection } from './osm-tags.ts';
import type { Projection } from './projection.ts';
import type { RoadEdge, RoadGraph } from './road-graph.ts';
import { buildRoadGraph } from './road-graph.ts';
import { FOOT_SPEED } from './router.ts';

export type OsmNetwork = 'drive' | 'walk';

export interface OsmRoadGraph {
  readonly graph: RoadGraph;
  /** Nodes outside the largest (strongly) connected component. */
  readonly dropped: number;
}

/**
 * Builds the drive or walk graph from an extract, keeping every OSM node of the selected ways (so
 * one-way segments and curves stay exact) and then only the largest strongly connected component,
 * so any node can reach any other and routing never fails inside the city.
 *
 * Drive edges follow `oneway`/roundabout/motorway rules with per-direction speed limits; walk edges
 * run both ways at walking pace (the router applies the bike or foot speed per profile).
 * Nodes are ordered by OSM id, which makes node indexes stable across runs and machines.
 */
export function buildOsmRoadGraph(
  extract: OsmExtract,
  projection: Projection,
  network: OsmNetwork,
): OsmRoadGraph {
  const selected = extract.ways.filter(
    network === 'drive' ? (w) => isDrivable(w.tags) : (w) => isWalkable(w.tags),
  );
  const wayNodes = selected.map((w) => w.refs.map((id) => nodeIndexOf(extract, id)));
  const used = new Uint8Array(extract.nodeId.length);
  for (const refs of wayNodes) for (const i of refs) if (i >= 0) used[i] = 1;
  const graphIndex = new Int32Array(extract.nodeId.length).fill(-1);
  const source: number[] = [];
  for (let i = 0; i < used.length; i++) {
    if (used[i]) {
      graphIndex[i] = source.length;
      source.push(i);
    }
  }
  const n = source.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  const osmId = new Float64Array(n);
  source.forEach((i, g) => {
    const p = projection.toXY(extract.lon[i], extract.lat[i]);
    x[g] = p.x;
    y[g] = p.y;
    lon[g] = extract.lon[i];
    lat[g] = extract.lat[i];
    osmId[g] = extract.nodeId[i];
  });
  const edges: RoadEdge[] = [];
  selected.forEach((way, w) => {
    const refs = wayNodes[w];
    const direction = network === 'drive' ? onewayDirection(way.tags) : 0;
    const forwardSpeed = network === 'drive' ? driveSpeed(way.tags, true) : FOOT_SPEED;
    const backwardSpeed = network === 'drive' ? driveSpeed(way.tags, false) : FOOT_SPEED;
    for (let k = 0; k + 1 < refs.length; k++) {
      if (refs[k] < 0 || refs[k + 1] < 0) continue;
      const a = graphIndex[refs[k]];
      const b = graphIndex[refs[k + 1]];
      const length = Math.hypot(x[b] - x[a], y[b] - y[a]);
      if (direction >= 0) edges.push({ from: a, to: b, length, speed: forwardSpeed });
      if (direction <= 0) edges.push({ from: b, to: a, length, speed: backwardSpeed });
    }
  });
  const full = buildRoadGraph({ x, y, lon, lat, osmId }, edges);
  const { graph, dropped } = largestStronglyConnected(full);
  return { graph, dropped };
}

/**
 * Node index of an OSM node id in a graph built by {@link buildOsmRoadGraph} (nodes sorted by OSM
 * id), or -1. Lets tests and scenarios refer to real map nodes.
 */
export function nodeByOsmId(graph: RoadGraph, osmId: number): number {
  let lo = 0;
  let hi = graph.nodeCount - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = graph.osmId[mid];
    if (v === osmId) return mid;
    if (v < osmId) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The runs of a way whose consecutive nodes are all present in `graph`, as graph node indexes.
 * Used to lay curb spaces only along streets that survived the component filter.
 */
export function wayRunsInGraph(way: OsmWay, graph: RoadGraph): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  for (const id of way.refs) {
    const node = nodeByOsmId(graph, id);
    if (node < 0) {
      if (run.length > 1) runs.push(run);
      run = [];
      continue;
    }
    run.push(node);
  }
  if (run.length > 1) runs.push(run);
  return runs;
}
