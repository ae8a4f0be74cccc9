import FlatQueue from 'flatqueue';
import { activeLandmarks, buildLandmarks, type LandmarkTable, landmarkBound } from './landmarks.ts';
import { LruCache } from './lru-cache.ts';
import type { ReverseAdjacency, RoadGraph, TravelProfile } from './road-graph.ts';
import { edgeSources, maxEdgeSpeed, reverseAdjacency } from './road-graph.ts';
import type { Route } from './route.ts';
import { routeFromEdges } from './route.ts';
import { type SharedSearch, sharedSearch } from './shared-search.ts';

/** Cycling pace on the walk graph, m/s (~16 km/h, a courier with a cargo bike in traffic). */
export const BIKE_SPEED = 4.5;
/** Walking pace on the walk graph, m/s. */
export const FOOT_SPEED = 1.4;
/**
 * Cars rarely drive at the posted limit in a dense city (junctions, lights, traffic): car edge time
 * is length / (limit × 0.8).
 */
export const CAR_SPEED_FACTOR = 0.8;

export interface RouterOptions {
  /** Maximum number of cached routes across all profiles (default 4096). */
  readonly cacheSize?: number;
  readonly carSpeedFactor?: number;
  readonly bikeSpeed?: number;
  readonly footSpeed?: number;
}

/** 'from': paths from the root to every node; 'to': paths from every node to the root. */
export type TreeDirection = 'from' | 'to';

/** One full Dijkstra from (or towards) a root node. */
export interface ShortestPathTree {
  readonly profile: TravelProfile;
  readonly root: number;
  readonly direction: TreeDirection;
  /** Seconds between the root and each node (Infinity when unreachable). */
  readonly time: Float64Array;
  /**
   * Tree edge per node (-1 at the root and unreached nodes): for 'from' the edge entering the node
   * on the path from the root; for 'to' the edge leaving the node towards the root.
   */
  readonly viaEdge: Int32Array;
}

export interface RouterStats {
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly astarQueries: number;
  readonly treeQueries: number;
  /** Nodes settled by all A* queries so far: a measure of search effort. */
  readonly settledNodes: number;
}

const PROFILES: readonly TravelProfile[] = ['car', 'bike', 'foot'];
/** Float32 edge lengths may undercut the Euclidean distance by 2^-24; shrink the heuristic to stay admissible. */
const HEURISTIC_SLACK = 1 - 1e-7;

interface SearchSpace {
  readonly profile: TravelProfile;
  readonly graph: RoadGraph;
  /** Seconds per edge for this profile. */
  readonly edgeTime: Float64Array;
  readonly edgeSource: Uint32Array;
  /** 1 / fastest edge speed, s/m. */
  readonly invMaxSpeed: number;
  reverse: ReverseAdjacency | undefined;
  /** Landmark travel times for the A* bound, built at the first A* query of this profile. */
  landmarks: LandmarkTable | undefined;
  /** Trees and landmarks any router of this graph and edge times already computed. */
  readonly shared: SharedSearch;
  // Scratch reused by every query; `seen`/`done` hold the generation that last touched a node, so
  // nothing O(n) is cleared or allocated per query.
  readonly cost: Float64Array;
  readonly via: Int32Array;
  readonly seen: Uint32Array;
  readonly done: Uint32Array;
  generation: number;
}

/** `speedKey` names `speedOf` (the options it depends on), so routers with equal edge times share searches. */
function createSpace(
  profile: TravelProfile,
  graph: RoadGraph,
  speedKey: number,
  speedOf: (e: number) => number,
): SearchSpace {
  const m = graph.edgeTarget.length;
  const edgeTime = new Float64Array(m);
  let maxSpeed = 0;
  for (let e = 0; e < m; e++) {
    const speed = speedOf(e);
    edgeTime[e] = graph.edgeLength[e] / speed;
    if (speed > maxSpeed) maxSpeed = speed;
  }
  const n = graph.nodeCount;
  return {
    profile,
    graph,
    edgeTime,
    edgeSource: edgeSources(graph),
    invMaxSpeed: maxSpeed > 0 ? HEURISTIC_SLACK / maxSpeed : 0,
    reverse: undefined,
    landmarks: undefined,
    shared: sharedSearch(graph, `${profile}:${speedKey}`),
    cost: new Float64Array(n),
    via: new Int32Array(n),
    seen: new Uint32Array(n),
    done: new Uint32Array(n),
    generation: 0,
  };
}

/** Euclidean norm; Math.hypot is several times slower and this runs once per relaxed edge. */
function distance(dx: number, dy: number): number {
  return Math.sqrt(dx * dx + dy * dy);
}

function nextGeneration(space: SearchSpace): number {
  if (space.generation === 0xffffffff) {
    space.seen.fill(0);
    space.done.fill(0);
    space.generation = 0;
  }
  return ++space.generation;
}

/**
 * Time-weighted shortest paths for the three travel profiles: car on the drive graph, bike and
 * foot on the walk graph.
 *
 * Why three layers: store origins repeat, so `precomputeTree` runs one Dijkstra per store and any
 * later route from (or to) that store is a tree walk; identical legs repeat, so routes are kept in
 * a bounded LRU; everything else is A* bounded below by the larger of euclidean / fastest speed and
 * the landmark (ALT) bound, which prunes far more on a city whose fastest roads are few.
 * Results depend only on the graph, the query and the set of precomputed trees — never on earlier
 * queries — because the heap is cleared and all scratch is stamped per query.
 */
export class Router {
  readonly #spaces: Record<TravelProfile, SearchSpace>;
  readonly #cache: LruCache<number, Route>;
  readonly #trees = new Map<string, ShortestPathTree>();
  /**
   * Typed-array heap with room for every edge plus the origin: with lazy deletion each edge is
   * pushed at most once per query (only when its source is settled), so it can never overflow.
   */
  readonly #heap: FlatQueue<number>;
  readonly #keyBase: number;
  #astarQueries = 0;
  #treeQueries = 0;
  #settled = 0;

  constructor(drive: RoadGraph, walk: RoadGraph, options: RouterOptions = {}) {
    const carFactor = options.carSpeedFactor ?? CAR_SPEED_FACTOR;
    const bikeSpeed = options.bikeSpeed ?? BIKE_SPEED;
    const footSpeed = options.footSpeed ?? FOOT_SPEED;
    for (const [name, value] of [
      ['carSpeedFactor', carFactor],
      ['bikeSpeed', bikeSpeed],
      ['footSpeed', footSpeed],
    ] as const) {
      if (!(value > 0) || !Number.isFinite(value))
        throw new Error(`Router ${name} must be > 0, got ${value}`);
    }
    if (drive.edgeTarget.length > 0 && !(maxEdgeSpeed(drive) > 0))
      throw new Error('Drive graph has no positive speeds');
    this.#spaces = {
      car: createSpace('car', drive, carFactor, (e) => drive.edgeSpeed[e] * carFactor),
      bike: createSpace('bike', walk, bikeSpeed, () => bikeSpeed),
      foot: createSpace('foot', walk, footSpeed, () => footSpeed),
    };
    this.#cache = new LruCache(options.cacheSize ?? 4096);
    this.#heap = new FlatQueue<number>(
      Math.max(drive.edgeTarget.length, walk.edgeTarget.length) + 1,
      Float64Array,
      Int32Array, // the kinds nearest-search's queue uses too: one shape keeps FlatQueue monomorphic
    );
    this.#keyBase = Math.max(drive.nodeCount, walk.nodeCount, 1);
  }

  /** The graph a profile routes on (car → drive, bike/foot → walk). */
  graphOf(profile: TravelProfile): RoadGraph {
    return this.#space(profile).graph;
  }

  /** Seconds per edge for a profile, aligned with the graph's edge arrays. */
  edgeTimeOf(profile: TravelProfile): Float64Array {
    return this.#space(profile).edgeTime;
  }

  /**
   * Fastest route between two nodes of the profile's graph. Returned routes are shared with the
   * cache: treat them as immutable. Throws when a node is out of range or the target is unreachable.
   */
  route(profile: TravelProfile, fromNode: number, toNode: number): Route {
    const space = this.#space(profile);
    this.#checkNode(space, fromNode, 'fromNode');
    this.#checkNode(space, toNode, 'toNode');
    const key = (PROFILES.indexOf(profile) * this.#keyBase + fromNode) * this.#keyBase + toNode;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const route = this.#compute(space, fromNode, toNode);
    this.#cache.set(key, route);
    return route;
  }

  /**
   * Runs one full Dijkstra from (direction 'from') or towards ('to') `root` and keeps it, so every
   * later `route()` starting (or ending) there is a walk up the tree instead of a search. Meant for
   * store origins: a handful of trees serve most dispatch legs. Idempotent.
   */
  precomputeTree(profile: TravelProfile, root: number, direction: TreeDirection = 'from'): ShortestPathTree {
    const space = this.#space(profile);
    this.#checkNode(space, root, 'root');
    const key = `${profile}:${direction}:${root}`;
    const existing = this.#trees.get(key);
    if (existing) return existing;
    const sharedKey = `${direction}:${root}`;
    let tree = space.shared.trees.get(sharedKey);
    if (!tree) {
      tree = this.#dijkstra(space, root, direction);
      space.shared.trees.set(sharedKey, tree);
    }
    this.#trees.set(key, tree);
    return tree;
  }

  /** Route from a tree: root → node for 'from' trees, node → root for 'to' trees. */
  routeFromTree(tree: ShortestPathTree, node: number): Route {
    const space = this.#space(tree.profile);
    this.#checkNode(space, node, 'node');
    if (tree.time.length !== space.graph.nodeCount) throw new Error('Tree does not belong to this router');
    if (!(tree.time[node] < Number.POSITIVE_INFINITY)) {
      const [a, b] = tree.direction === 'from' ? [tree.root, node] : [node, tree.root];
      throw new Error(
        `No ${tree.profile} route from node ${a} to node ${b}: unreachable in the shortest-path tree`,
      );
    }
    const edges: number[] = [];
    if (tree.direction === 'from') {
      for (let v = node; v !== tree.root; v = space.edgeSource[tree.viaEdge[v]]) edges.push(tree.viaEdge[v]);
      edges.reverse();
      return routeFromEdges(tree.profile, space.graph, space.edgeTime, tree.root, edges);
    }
    for (let v = node; v !== tree.root; v = space.graph.edgeTarget[tree.viaEdge[v]])
      edges.push(tree.viaEdge[v]);
    return routeFromEdges(tree.profile, space.graph, space.edgeTime, node, edges);
  }

  /**
   * Forgets cached routes (and, when asked, precomputed trees, including those shared with other
   * routers of the same graph); used by benchmarks for cold runs.
   */
  clearCache(options: { readonly trees?: boolean } = {}): void {
    this.#cache.clear();
    if (!options.trees) return;
    this.#trees.clear();
    for (const space of Object.values(this.#spaces)) space.shared.trees.clear();
  }

  get stats(): RouterStats {
    return {
      cacheHits: this.#cache.hits,
      cacheMisses: this.#cache.misses,
      astarQueries: this.#astarQueries,
      treeQueries: this.#treeQueries,
      settledNodes: this.#settled,
    };
  }

  #space(profile: TravelProfile): SearchSpace {
    const space = this.#spaces[profile];
    if (!space) throw new Error(`Unknown travel profile '${String(profile)}' (expected car, bike or foot)`);
    return space;
  }

  #checkNode(space: SearchSpace, node: number, name: string): void {
    if (!Number.isInteger(node) || node < 0 || node >= space.graph.nodeCount) {
      throw new Error(
        `${name} ${node} is not a node of the ${space.profile} graph (0..${space.graph.nodeCount - 1})`,
      );
    }
  }

  #compute(space: SearchSpace, from: number, to: number): Route {
    if (from === to) return routeFromEdges(space.profile, space.graph, space.edgeTime, from, []);
    const fromTree = this.#trees.get(`${space.profile}:from:${from}`);
    const tree = fromTree ?? this.#trees.get(`${space.profile}:to:${to}`);
    if (tree) {
      this.#treeQueries++;
      return this.routeFromTree(tree, fromTree ? to : from);
    }
    this.#astarQueries++;
    const edges = this.#astar(space, from, to);
    if (!edges) {
      throw new Error(
        `No ${space.profile} route from node ${from} to node ${to}: target unreachable in a ${space.graph.nodeCount}-node graph`,
      );
    }
    return routeFromEdges(space.profile, space.graph, space.edgeTime, from, edges);
  }

  #astar(space: SearchSpace, from: number, to: number): number[] | undefined {
    space.landmarks ??= space.shared.landmarks ??= buildLandmarks(
      space.graph.nodeCount,
      (root, direction) => this.#dijkstra(space, root, direction).time,
    );
    const landmarks = space.landmarks;
    const landmarkBoundOf = landmarkBound(landmarks, activeLandmarks(landmarks, from, to), to);
    const { graph, edgeTime, cost, via, seen, done, invMaxSpeed, edgeSource } = space;
    const { x, y, edgeStart, edgeTarget } = graph;
    const bound = (v: number): number => {
      const euclid = distance(x[v] - tx, y[v] - ty) * invMaxSpeed;
      const alt = landmarkBoundOf(v);
      return alt > euclid ? alt : euclid;
    };
    const generation = nextGeneration(space);
    const heap = this.#heap;
    heap.clear();
    const tx = x[to];
    const ty = y[to];
    cost[from] = 0;
    via[from] = -1;
    seen[from] = generation;
    heap.push(from, bound(from));
    let found = false;
    while (heap.length > 0) {
      const u = heap.pop() as number;
      if (done[u] === generation) continue;
      done[u] = generation;
      this.#settled++;
      if (u === to) {
        found = true;
        break;
      }
      const cu = cost[u];
      for (let e = edgeStart[u], end = edgeStart[u + 1]; e < end; e++) {
        const v = edgeTarget[e];
        if (done[v] === generation) continue;
        const c = cu + edgeTime[e];
        if (seen[v] !== generation || c < cost[v]) {
          seen[v] = generation;
          cost[v] = c;
          via[v] = e;
          heap.push(v, c + bound(v));
        }
      }
    }
    heap.clear();
    if (!found) return undefined;
    const edges: number[] = [];
    for (let v = to; v !== from; v = edgeSource[via[v]]) edges.push(via[v]);
    return edges.reverse();
  }

  #dijkstra(space: SearchSpace, root: number, direction: TreeDirection): ShortestPathTree {
    const { graph, edgeTime, done, edgeSource } = space;
    const n = graph.nodeCount;
    const time = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    const viaEdge = new Int32Array(n).fill(-1);
    const generation = nextGeneration(space);
    const heap = this.#heap;
    heap.clear();
    time[root] = 0;
    heap.push(root, 0);
    if (direction === 'to' && !space.reverse) space.reverse = reverseAdjacency(graph);
    const reverse = space.reverse;
    while (heap.length > 0) {
      const u = heap.pop() as number;
      if (done[u] === generation) continue;
      done[u] = generation;
      const tu = time[u];
      if (direction === 'from') {
        for (let e = graph.edgeStart[u], end = graph.edgeStart[u + 1]; e < end; e++) {
          const v = graph.edgeTarget[e];
          const c = tu + edgeTime[e];
          if (c < time[v]) {
            time[v] = c;
            viaEdge[v] = e;
            heap.push(v, c);
          }
        }
      } else if (reverse) {
        for (let k = reverse.start[u], end = reverse.start[u + 1]; k < end; k++) {
          const e = reverse.edge[k];
          const v = edgeSource[e];
          const c = tu + edgeTime[e];
          if (c < time[v]) {
            time[v] = c;
            viaEdge[v] = e;
            heap.push(v, c);
          }
        }
      }
    }
    heap.clear();
    return { profile: space.profile, root, direction, time, viaEdge };
  }
}
