import type { RoadGraph } from './road-graph.ts';
import { inducedSubgraph } from './road-graph.ts';

/**
 * Strongly connected components (Tarjan, iterative so a 100 000-node chain cannot overflow the JS
 * stack). Component ids are assigned in completion order, which depends only on the CSR, so they
 * are deterministic.
 */
export function stronglyConnectedComponents(graph: RoadGraph): { component: Int32Array; count: number } {
  const n = graph.nodeCount;
  const { edgeStart, edgeTarget } = graph;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Uint32Array(n);
  const component = new Int32Array(n).fill(-1);
  let sp = 0;
  let next = 0;
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (index[s] !== -1) continue;
    let cp = 0;
    index[s] = low[s] = next++;
    stack[sp++] = s;
    onStack[s] = 1;
    callNode[cp] = s;
    callEdge[cp] = edgeStart[s];
    cp++;
    while (cp > 0) {
      const u = callNode[cp - 1];
      const e = callEdge[cp - 1];
      if (e < edgeStart[u + 1]) {
        callEdge[cp - 1] = e + 1;
        const v = edgeTarget[e];
        if (index[v] === -1) {
          index[v] = low[v] = next++;
          stack[sp++] = v;
          onStack[v] = 1;
          callNode[cp] = v;
          callEdge[cp] = edgeStart[v];
          cp++;
        } else if (onStack[v] && index[v] < low[u]) {
          low[u] = index[v];
        }
        continue;
      }
      cp--;
      if (low[u] === index[u]) {
        let w: number;
        do {
          w = stack[--sp];
          onStack[w] = 0;
          component[w] = count;
        } while (w !== u);
        count++;
      }
      if (cp > 0) {
        const parent = callNode[cp - 1];
        if (low[u] < low[parent]) low[parent] = low[u];
      }
    }
  }
  return { component, count };
}

export interface LargestComponent {
  readonly graph: RoadGraph;
  /** Old node index → new node index, -1 when the node was dropped. */
  readonly newIndex: Int32Array;
  /** How many nodes were outside the largest component. */
  readonly dropped: number;
}

/**
 * Keeps only the largest strongly connected component, so every node can reach every other and
 * `route()` never fails inside a city. Ties between equally large components go to the one with
 * the lowest node index. For symmetric graphs (walk) this is the largest connected component.
 */
export function largestStronglyConnected(graph: RoadGraph): LargestComponent {
  const { component, count } = stronglyConnectedComponents(graph);
  const size = new Uint32Array(count);
  for (let u = 0; u < graph.nodeCount; u++) size[component[u]]++;
  let best = -1;
  for (let u = 0; u < graph.nodeCount; u++) {
    if (best === -1 || size[component[u]] > size[best]) best = component[u];
  }
  const keep = new Uint8Array(graph.nodeCount);
  for (let u = 0; u < graph.nodeCount; u++) if (component[u] === best) keep[u] = 1;
  const { graph: sub, newIndex } = inducedSubgraph(graph, keep);
  return { graph: sub, newIndex, dropped: graph.nodeCount - sub.nodeCount };
}
