import FlatQueue from 'flatqueue';

/**
 * The search's queue: typed arrays of the same kinds as the router's (Float64Array priorities,
 * Int32Array ids), reused across searches and grown by copying when full. A queue on plain arrays
 * anywhere in the process makes V8's code for FlatQueue's methods polymorphic, and that alone made
 * the router's full Dijkstra trees four to five times slower (2.9 → 14 ms on the Monaco walk graph).
 */
let spare: FlatQueue<number> | undefined;

function takeQueue(): FlatQueue<number> {
  const queue = spare ?? new FlatQueue<number>(256, Float64Array, Int32Array);
  spare = undefined; // a search run from a filter callback gets a queue of its own
  queue.clear();
  return queue;
}

function pushGrowing(queue: FlatQueue<number>, id: number, priority: number): FlatQueue<number> {
  if (queue.length < queue.capacity) {
    queue.push(id, priority);
    return queue;
  }
  const bigger = new FlatQueue<number>(queue.capacity * 2, Float64Array, Int32Array);
  // a heap is its arrays' layout, so copying them keeps it a valid heap
  (bigger.ids as unknown as Int32Array).set(queue.ids as unknown as Int32Array);
  (bigger.values as unknown as Float64Array).set(queue.values as unknown as Float64Array);
  bigger.length = queue.length;
  bigger.push(id, priority);
  return bigger;
}

/**
 * Callbacks a tree index gives the best-first search: how to expand one of its nodes into child
 * nodes (with the squared distance from the query to their bounding box) and items (with their
 * squared distance).
 */
export interface NearestExpansion<N> {
  expand(
    node: N,
    pushNode: (child: N, boxDistSq: number) => void,
    pushItem: (id: number, distSq: number) => void,
  ): void;
}

/**
 * Best-first k-nearest-neighbour search shared by the static (kdbush) and moving (rbush) indexes.
 *
 * Why a shared routine: both trees only differ in how a node expands, and the subtle part — a
 * deterministic order when several points are at exactly the same distance — must be identical in
 * both. Entries are popped in ascending squared distance; items at equal distance are gathered
 * into a group (expanding any node whose box is not farther) and emitted sorted by id, so results
 * are ordered by (distance, id) whatever the tree's internal layout.
 *
 * Item ids must be non-negative integers. `filter` rejects items without stopping the search.
 */
export function nearestNeighbours<N>(
  root: N,
  tree: NearestExpansion<N>,
  k: number,
  filter?: (id: number) => boolean,
): number[] {
  const result: number[] = [];
  if (!(k > 0)) return result;
  const nodes: N[] = [root];
  // Queue ids: >= 0 → index into `nodes`, < 0 → item with id -(value + 1).
  let queue = takeQueue();
  queue.push(0, 0);
  const pushNode = (child: N, boxDistSq: number): void => {
    nodes.push(child);
    queue = pushGrowing(queue, nodes.length - 1, boxDistSq);
  };
  const pushItem = (id: number, distSq: number): void => {
    queue = pushGrowing(queue, -(id + 1), distSq);
  };
  let group: number[] = [];
  let groupDist = Number.NEGATIVE_INFINITY;
  const flush = (): void => {
    group.sort((a, b) => a - b);
    for (const id of group) {
      if (result.length === k) break;
      result.push(id);
    }
    group = [];
  };
  while (queue.length > 0) {
    const priority = queue.peekValue() as number;
    if (priority > groupDist && group.length > 0) {
      flush();
      if (result.length >= k) {
        spare = queue;
        return result;
      }
    }
    const entry = queue.pop() as number;
    if (entry >= 0) {
      tree.expand(nodes[entry], pushNode, pushItem);
      continue;
    }
    const id = -entry - 1;
    if (filter && !filter(id)) continue;
    if (group.length === 0) groupDist = priority;
    group.push(id);
  }
  flush();
  spare = queue;
  return result;
}

/** Squared distance from (x, y) to the axis-aligned box; 0 inside. */
export function boxDistanceSq(
  x: number,
  y: number,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
): number {
  const dx = x < minX ? minX - x : x > maxX ? x - maxX : 0;
  const dy = y < minY ? minY - y : y > maxY ? y - maxY : 0;
  return dx * dx + dy * dy;
}
