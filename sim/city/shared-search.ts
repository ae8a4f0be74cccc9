import type { LandmarkTable } from './landmarks.ts';
import { LruCache } from './lru-cache.ts';
import type { RoadGraph } from './road-graph.ts';
import type { ShortestPathTree } from './router.ts';

/**
 * What full searches of one graph under one speed profile produced, shared by every router of that
 * graph: a shortest-path tree and a landmark table are pure functions of (graph, edge times, root,
 * direction), so a second router (the city's quotes beside a world's mobility, or the next world of
 * a sweep on the cached city) takes the first one's result instead of running the same Dijkstra.
 * Sharing changes no route: each router still decides for itself which trees it holds.
 */
export interface SharedSearch {
  landmarks: LandmarkTable | undefined;
  /** Trees by `direction:root`; bounded so that trees of finished worlds do not pile up. */
  readonly trees: LruCache<string, ShortestPathTree>;
}

/** Memory the trees kept only for sharing may take per graph and profile (bytes). */
const TREE_BUDGET_BYTES = 128 * 1024 * 1024;

const byGraph = new WeakMap<RoadGraph, Map<string, SharedSearch>>();

/** The shared results for `graph` searched with the edge times that `profileKey` names (profile and speed). */
export function sharedSearch(graph: RoadGraph, profileKey: string): SharedSearch {
  let profiles = byGraph.get(graph);
  if (!profiles) {
    profiles = new Map();
    byGraph.set(graph, profiles);
  }
  let shared = profiles.get(profileKey);
  if (!shared) {
    // a tree is a Float64Array of times and an Int32Array of edges over every node
    const treeBytes = Math.max(1, graph.nodeCount) * 12;
    shared = {
      landmarks: undefined,
      trees: new LruCache(Math.max(16, Math.floor(TREE_BUDGET_BYTES / treeBytes))),
    };
    profiles.set(profileKey, shared);
  }
  return shared;
}
