import type { RoadGraph, TravelProfile } from './road-graph.ts';

/**
 * A route is everything the kernel needs to move an actor analytically: the node sequence plus
 * cumulative distance and time, so the position at any instant is a binary search and a lerp and
 * only the arrival has to be an event.
 */
export interface Route {
  readonly profile: TravelProfile;
  /** Node indices in the profile's graph (car → drive, bike/foot → walk). */
  readonly nodes: Uint32Array;
  /** Metres from the start at each node. */
  readonly cumDistance: Float64Array;
  /** Seconds from the start at each node. */
  readonly cumTime: Float64Array;
  /** Metres. */
  readonly distance: number;
  /** Seconds. */
  readonly duration: number;
}

export interface RoutePosition {
  readonly x: number;
  readonly y: number;
  /** Direction of travel in radians, counter-clockwise from east (atan2(dy, dx)); 0 for a standing route. */
  readonly heading: number;
  /** Metres travelled since departure. */
  readonly distance: number;
}

/**
 * Materialises a route from a chain of edge indices (origin first). Cumulative sums are always
 * accumulated forward along the path, so a route extracted from a reverse tree, a forward tree or
 * A* over the same path has bit-identical cumTime.
 */
export function routeFromEdges(
  profile: TravelProfile,
  graph: RoadGraph,
  edgeTime: Float64Array,
  origin: number,
  edges: ArrayLike<number>,
): Route {
  const count = edges.length + 1;
  const nodes = new Uint32Array(count);
  const cumDistance = new Float64Array(count);
  const cumTime = new Float64Array(count);
  nodes[0] = origin;
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    nodes[i + 1] = graph.edgeTarget[e];
    cumDistance[i + 1] = cumDistance[i] + graph.edgeLength[e];
    cumTime[i + 1] = cumTime[i] + edgeTime[e];
  }
  return {
    profile,
    nodes,
    cumDistance,
    cumTime,
    distance: cumDistance[count - 1],
    duration: cumTime[count - 1],
  };
}

/**
 * Position of an actor `t` seconds after departing along `route`, interpolated linearly inside the
 * current edge. Times before departure clamp to the first node and after arrival to the last, so
 * the twin can sample any frame time without special cases. O(log route length), no allocation
 * besides the result.
 */
export function positionAlong(route: Route, graph: RoadGraph, t: number): RoutePosition {
  const { nodes, cumTime, cumDistance } = route;
  const last = nodes.length - 1;
  if (last === 0) return { x: graph.x[nodes[0]], y: graph.y[nodes[0]], heading: 0, distance: 0 };
  if (Number.isNaN(t)) throw new Error('positionAlong: t is NaN');
  // Segment i spans cumTime[i] .. cumTime[i + 1]; find the last i with cumTime[i] <= t, capped at last - 1.
  let lo = 0;
  let hi = last - 1;
  if (t <= 0) hi = 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (cumTime[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  const i = lo;
  const a = nodes[i];
  const b = nodes[i + 1];
  const span = cumTime[i + 1] - cumTime[i];
  const raw = span > 0 ? (t - cumTime[i]) / span : 1;
  const f = Math.min(1, Math.max(0, raw));
  const dx = graph.x[b] - graph.x[a];
  const dy = graph.y[b] - graph.y[a];
  return {
    x: graph.x[a] + dx * f,
    y: graph.y[a] + dy * f,
    heading: dx === 0 && dy === 0 ? 0 : Math.atan2(dy, dx),
    distance: cumDistance[i] + (cumDistance[i + 1] - cumDistance[i]) * f,
  };
}
