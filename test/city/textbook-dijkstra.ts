import type { RoadGraph } from '../../sim/city/index.ts';

/**
 * The reference the router is checked against: plain Dijkstra with a simple array binary heap,
 * no heuristic, no scratch reuse, no caching. Returns the travel time or Infinity.
 */
export function textbookDijkstra(
  graph: RoadGraph,
  weight: (edge: number) => number,
  source: number,
  target: number,
): number {
  const dist = new Float64Array(graph.nodeCount).fill(Number.POSITIVE_INFINITY);
  const settled = new Uint8Array(graph.nodeCount);
  const heap: [number, number][] = [];
  const push = (item: [number, number]) => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p][0] <= heap[i][0]) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0];
    const last = heap.pop() as [number, number];
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l][0] < heap[m][0]) m = l;
        if (r < heap.length && heap[r][0] < heap[m][0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  dist[source] = 0;
  push([0, source]);
  while (heap.length > 0) {
    const [d, u] = pop();
    if (settled[u]) continue;
    settled[u] = 1;
    if (u === target) return d;
    for (let e = graph.edgeStart[u]; e < graph.edgeStart[u + 1]; e++) {
      const v = graph.edgeTarget[e];
      const nd = d + weight(e);
      if (nd < dist[v]) {
        dist[v] = nd;
        push([nd, v]);
      }
    }
  }
  return Number.POSITIVE_INFINITY;
}
