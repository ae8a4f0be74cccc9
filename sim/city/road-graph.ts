/**
 * The road graph every part of the simulation shares: nodes in projected metres plus a directed
 * CSR (compressed sparse row) adjacency in typed arrays. CSR keeps a 20 000-node city in a few
 * hundred kilobytes, makes neighbour iteration a tight loop for the router, and serialises to the
 * city cache without any transformation.
 */

export type TravelProfile = 'car' | 'bike' | 'foot';

export interface RoadGraph {
  readonly nodeCount: number;
  /** Metres east of the projection reference. */
  readonly x: Float64Array;
  /** Metres north of the projection reference. */
  readonly y: Float64Array;
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  /** OpenStreetMap node id, 0 for generated nodes. */
  readonly osmId: Float64Array;
  /** CSR offsets: the edges leaving node `u` are `edgeStart[u] .. edgeStart[u + 1] - 1`. Length nodeCount + 1. */
  readonly edgeStart: Uint32Array;
  /** Head node of each directed edge; sorted ascending within each node's range. */
  readonly edgeTarget: Uint32Array;
  /** Metres. */
  readonly edgeLength: Float32Array;
  /** Car speed limit in m/s (from `maxspeed` or the highway class); walk graphs store walking pace. */
  readonly edgeSpeed: Float32Array;
}

export interface RoadGraphNodes {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly lon: ArrayLike<number>;
  readonly lat: ArrayLike<number>;
  /** Omit for generated graphs (all zero). */
  readonly osmId?: ArrayLike<number>;
}

export interface RoadEdge {
  readonly from: number;
  readonly to: number;
  /** Metres. */
  readonly length: number;
  /** m/s. */
  readonly speed: number;
}

/**
 * Builds a CSR road graph from node columns and a list of directed edges.
 *
 * Why the normalisation: OSM data often has two ways sharing a segment and zero-length
 * segments. Self-loops are dropped and parallel edges collapse to the fastest one (ties: the
 * shortest), so "is there an edge u→v" has one answer and the edge order (by source, then target)
 * is independent of the order the edges were listed in.
 */
export function buildRoadGraph(nodes: RoadGraphNodes, edges: readonly RoadEdge[]): RoadGraph {
  const n = nodes.x.length;
  for (const column of [nodes.y, nodes.lon, nodes.lat]) {
    if (column.length !== n)
      throw new Error(`Road graph node columns differ in length (${column.length} ≠ ${n})`);
  }
  if (nodes.osmId && nodes.osmId.length !== n)
    throw new Error('Road graph osmId column has the wrong length');
  const order: number[] = [];
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    if (
      !Number.isInteger(e.from) ||
      !Number.isInteger(e.to) ||
      e.from < 0 ||
      e.to < 0 ||
      e.from >= n ||
      e.to >= n
    ) {
      throw new Error(`Edge ${i} (${e.from}→${e.to}) refers to a node outside 0..${n - 1}`);
    }
    if (!(e.length >= 0) || !(e.speed > 0)) {
      throw new Error(
        `Edge ${i} (${e.from}→${e.to}) needs length ≥ 0 and speed > 0, got ${e.length} m, ${e.speed} m/s`,
      );
    }
    if (e.from !== e.to) order.push(i);
  }
  order.sort((a, b) => {
    const ea = edges[a];
    const eb = edges[b];
    return (
      ea.from - eb.from ||
      ea.to - eb.to ||
      ea.length / ea.speed - eb.length / eb.speed ||
      ea.length - eb.length ||
      a - b
    );
  });
  const kept: RoadEdge[] = [];
  for (const i of order) {
    const e = edges[i];
    const last = kept[kept.length - 1];
    if (last && last.from === e.from && last.to === e.to) continue;
    kept.push(e);
  }
  const edgeStart = new Uint32Array(n + 1);
  const edgeTarget = new Uint32Array(kept.length);
  const edgeLength = new Float32Array(kept.length);
  const edgeSpeed = new Float32Array(kept.length);
  for (const e of kept) edgeStart[e.from + 1]++;
  for (let u = 0; u < n; u++) edgeStart[u + 1] += edgeStart[u];
  kept.forEach((e, i) => {
    edgeTarget[i] = e.to;
    edgeLength[i] = e.length;
    edgeSpeed[i] = e.speed;
  });
  return {
    nodeCount: n,
    x: Float64Array.from(nodes.x),
    y: Float64Array.from(nodes.y),
    lon: Float64Array.from(nodes.lon),
    lat: Float64Array.from(nodes.lat),
    osmId: nodes.osmId ? Float64Array.from(nodes.osmId) : new Float64Array(n),
    edgeStart,
    edgeTarget,
    edgeLength,
    edgeSpeed,
  };
}

/**
 * Index of the directed edge u→v, or -1. Binary search over u's sorted targets, so callers can
 * check a route's consistency or look up an edge's speed without scanning.
 */
export function findEdge(graph: RoadGraph, u: number, v: number): number {
  let lo = graph.edgeStart[u];
  let hi = graph.edgeStart[u + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const t = graph.edgeTarget[mid];
    if (t === v) return mid;
    if (t < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Source node of every edge (the CSR stores only targets). The router needs it to walk
 * predecessor edges back to the origin.
 */
export function edgeSources(graph: RoadGraph): Uint32Array {
  const source = new Uint32Array(graph.edgeTarget.length);
  for (let u = 0; u < graph.nodeCount; u++) {
    source.fill(u, graph.edgeStart[u], graph.edgeStart[u + 1]);
  }
  return source;
}

/** Incoming adjacency: for each node, the forward edge indices that end there. */
export interface ReverseAdjacency {
  /** Length nodeCount + 1. */
  readonly start: Uint32Array;
  /** Forward edge index of each incoming edge, grouped by target node, ascending within a node. */
  readonly edge: Uint32Array;
}

/**
 * Builds the incoming-edge CSR. Why: a shortest-path tree *towards* a store (every courier heading
 * to pick up) is a Dijkstra over reversed edges; pointing back at forward edge indices keeps one
 * set of edge attributes.
 */
export function reverseAdjacency(graph: RoadGraph): ReverseAdjacency {
  const n = graph.nodeCount;
  const m = graph.edgeTarget.length;
  const start = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) start[graph.edgeTarget[e] + 1]++;
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const edge = new Uint32Array(m);
  for (let e = 0; e < m; e++) edge[fill[graph.edgeTarget[e]]++] = e;
  return { start, edge };
}

/**
 * The subgraph induced by the nodes with `keep[u] !== 0`, renumbered in ascending old order so a
 * sorted node order (e.g. by OSM id) survives. Returns the graph and the old→new map (-1 = dropped).
 */
export function inducedSubgraph(
  graph: RoadGraph,
  keep: Uint8Array,
): { readonly graph: RoadGraph; readonly newIndex: Int32Array } {
  const newIndex = new Int32Array(graph.nodeCount).fill(-1);
  let count = 0;
  for (let u = 0; u < graph.nodeCount; u++) if (keep[u]) newIndex[u] = count++;
  const pick = (column: Float64Array): Float64Array => {
    const out = new Float64Array(count);
    for (let u = 0; u < graph.nodeCount; u++) if (newIndex[u] >= 0) out[newIndex[u]] = column[u];
    return out;
  };
  const edgeStart = new Uint32Array(count + 1);
  let m = 0;
  for (let u = 0; u < graph.nodeCount; u++) {
    if (newIndex[u] < 0) continue;
    for (let e = graph.edgeStart[u]; e < graph.edgeStart[u + 1]; e++)
      if (newIndex[graph.edgeTarget[e]] >= 0) m++;
    edgeStart[newIndex[u] + 1] = m;
  }
  const edgeTarget = new Uint32Array(m);
  const edgeLength = new Float32Array(m);
  const edgeSpeed = new Float32Array(m);
  let k = 0;
  for (let u = 0; u < graph.nodeCount; u++) {
    if (newIndex[u] < 0) continue;
    for (let e = graph.edgeStart[u]; e < graph.edgeStart[u + 1]; e++) {
      const v = newIndex[graph.edgeTarget[e]];
      if (v < 0) continue;
      edgeTarget[k] = v;
      edgeLength[k] = graph.edgeLength[e];
      edgeSpeed[k] = graph.edgeSpeed[e];
      k++;
    }
  }
  return {
    graph: {
      nodeCount: count,
      x: pick(graph.x),
      y: pick(graph.y),
      lon: pick(graph.lon),
      lat: pick(graph.lat),
      osmId: pick(graph.osmId),
      edgeStart,
      edgeTarget,
      edgeLength,
      edgeSpeed,
    },
    newIndex,
  };
}

/** Largest edge speed in the graph (m/s); the router divides by it for an admissible heuristic. */
export function maxEdgeSpeed(graph: RoadGraph): number {
  let max = 0;
  for (let e = 0; e < graph.edgeSpeed.length; e++) if (graph.edgeSpeed[e] > max) max = graph.edgeSpeed[e];
  return max;
}
