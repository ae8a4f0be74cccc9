import { describe, expect, it } from 'vitest';
import { largestStronglyConnected, stronglyConnectedComponents } from '../../sim/city/graph-components.ts';
import { LruCache } from '../../sim/city/lru-cache.ts';
import type { RoadEdge } from '../../sim/city/road-graph.ts';
import { buildRoadGraph, findEdge, reverseAdjacency } from '../../sim/city/road-graph.ts';

const line = (n: number) => ({
  x: Array.from({ length: n }, (_, i) => i * 10),
  y: new Array(n).fill(0),
  lon: new Array(n).fill(0),
  lat: new Array(n).fill(0),
});

describe('buildRoadGraph', () => {
  it('builds sorted CSR, drops self-loops and keeps the fastest parallel edge', () => {
    const edges: RoadEdge[] = [
      { from: 2, to: 0, length: 20, speed: 10 },
      { from: 0, to: 2, length: 20, speed: 5 },
      { from: 0, to: 1, length: 10, speed: 10 },
      { from: 0, to: 2, length: 20, speed: 10 },
      { from: 1, to: 1, length: 0, speed: 10 },
    ];
    const g = buildRoadGraph(line(3), edges);
    expect(Array.from(g.edgeStart)).toEqual([0, 2, 2, 3]);
    expect(Array.from(g.edgeTarget)).toEqual([1, 2, 0]);
    expect(g.edgeSpeed[findEdge(g, 0, 2)]).toBe(10);
    expect(findEdge(g, 1, 0)).toBe(-1);
    expect(Array.from(g.osmId)).toEqual([0, 0, 0]);
    const same = buildRoadGraph(line(3), [...edges].reverse());
    expect(same).toEqual(g);
  });

  it('rejects edges to unknown nodes or with bad speeds', () => {
    expect(() => buildRoadGraph(line(2), [{ from: 0, to: 5, length: 1, speed: 1 }])).toThrow(/outside 0..1/);
    expect(() => buildRoadGraph(line(2), [{ from: 0, to: 1, length: 1, speed: 0 }])).toThrow(/speed > 0/);
  });

  it('builds the reverse adjacency', () => {
    const g = buildRoadGraph(line(3), [
      { from: 0, to: 1, length: 10, speed: 1 },
      { from: 2, to: 1, length: 10, speed: 1 },
    ]);
    const rev = reverseAdjacency(g);
    expect(Array.from(rev.start)).toEqual([0, 0, 2, 2]);
    expect(Array.from(rev.edge).map((e) => g.edgeTarget[e])).toEqual([1, 1]);
  });
});

describe('strongly connected components', () => {
  it('keeps the largest component and reports what it dropped', () => {
    // 0 ⇄ 1 ⇄ 2 is a cycle; 3 → 0 only reaches in; 4 isolated.
    const g = buildRoadGraph(line(5), [
      { from: 0, to: 1, length: 10, speed: 1 },
      { from: 1, to: 2, length: 10, speed: 1 },
      { from: 2, to: 0, length: 20, speed: 1 },
      { from: 3, to: 0, length: 30, speed: 1 },
    ]);
    expect(stronglyConnectedComponents(g).count).toBe(3);
    const { graph, dropped, newIndex } = largestStronglyConnected(g);
    expect(dropped).toBe(2);
    expect(graph.nodeCount).toBe(3);
    expect(Array.from(newIndex)).toEqual([0, 1, 2, -1, -1]);
    expect(graph.edgeTarget.length).toBe(3);
  });

  it('handles a long chain without recursion limits', () => {
    const n = 200_000;
    const edges: RoadEdge[] = [];
    for (let i = 0; i + 1 < n; i++) edges.push({ from: i, to: i + 1, length: 1, speed: 1 });
    edges.push({ from: n - 1, to: 0, length: 1, speed: 1 });
    expect(stronglyConnectedComponents(buildRoadGraph(line(n), edges)).count).toBe(1);
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
    expect([cache.hits, cache.misses]).toEqual([3, 1]);
  });
});
