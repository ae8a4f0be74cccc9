import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { TravelProfile } from '../../sim/city/index.ts';
import { BIKE_SPEED, CAR_SPEED_FACTOR, FOOT_SPEED, findEdge, Router } from '../../sim/city/index.ts';
import { loadMonaco } from './monaco-fixture.ts';
import { textbookDijkstra } from './textbook-dijkstra.ts';

const city = await loadMonaco();
const PROFILES: readonly TravelProfile[] = ['car', 'bike', 'foot'];
const SEED = 20240611;

function weightOf(profile: TravelProfile): (e: number) => number {
  const g = city.graphOf(profile);
  if (profile === 'car') return (e) => g.edgeLength[e] / (g.edgeSpeed[e] * CAR_SPEED_FACTOR);
  const speed = profile === 'bike' ? BIKE_SPEED : FOOT_SPEED;
  return (e) => g.edgeLength[e] / speed;
}

const pair = fc.tuple(
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
);
const nodeAt = (profile: TravelProfile, f: number) => Math.floor(f * city.graphOf(profile).nodeCount);

function expectRelativelyClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, expected));
}

describe.each(PROFILES)('%s routing on Monaco', (profile) => {
  const graph = city.graphOf(profile);
  const weight = weightOf(profile);

  test.prop([pair], { seed: SEED, numRuns: 100 })(
    `A* duration equals textbook Dijkstra (seed ${SEED})`,
    ([a, b]) => {
      const from = nodeAt(profile, a);
      const to = nodeAt(profile, b);
      const route = city.route(profile, from, to);
      expectRelativelyClose(route.duration, textbookDijkstra(graph, weight, from, to));
    },
  );

  test.prop([pair], { seed: SEED + 1, numRuns: 40 })(
    `routes follow real directed edges and cumulate their times (seed ${SEED + 1})`,
    ([a, b]) => {
      const route = city.route(profile, nodeAt(profile, a), nodeAt(profile, b));
      expect(route.nodes[0]).toBe(nodeAt(profile, a));
      expect(route.nodes[route.nodes.length - 1]).toBe(nodeAt(profile, b));
      expect(route.cumTime[0]).toBe(0);
      expect(route.cumDistance[0]).toBe(0);
      for (let i = 0; i + 1 < route.nodes.length; i++) {
        const e = findEdge(graph, route.nodes[i], route.nodes[i + 1]);
        expect(e, `edge ${route.nodes[i]}→${route.nodes[i + 1]}`).toBeGreaterThanOrEqual(0);
        expectRelativelyClose(route.cumTime[i + 1] - route.cumTime[i], weight(e));
        expectRelativelyClose(route.cumDistance[i + 1] - route.cumDistance[i], graph.edgeLength[e]);
      }
      expect(route.duration).toBe(route.cumTime[route.cumTime.length - 1]);
      expect(route.distance).toBe(route.cumDistance[route.cumDistance.length - 1]);
    },
  );

  test.prop(
    [
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 8 }),
    ],
    {
      seed: SEED + 2,
      numRuns: 6,
    },
  )(`tree extraction equals A* both ways (seed ${SEED + 2})`, (r, targets) => {
    const router = new Router(city.drive, city.walk);
    const astar = new Router(city.drive, city.walk);
    const root = nodeAt(profile, r);
    const from = router.precomputeTree(profile, root, 'from');
    const to = router.precomputeTree(profile, root, 'to');
    for (const f of targets) {
      const node = nodeAt(profile, f);
      expectRelativelyClose(
        router.routeFromTree(from, node).duration,
        astar.route(profile, root, node).duration,
      );
      expectRelativelyClose(
        router.routeFromTree(to, node).duration,
        astar.route(profile, node, root).duration,
      );
      expectRelativelyClose(from.time[node], astar.route(profile, root, node).duration);
      expectRelativelyClose(to.time[node], astar.route(profile, node, root).duration);
      // route() itself now answers from the trees.
      expect(router.route(profile, root, node).nodes).toEqual(router.routeFromTree(from, node).nodes);
    }
    expect(astar.stats.treeQueries).toBe(0);
  });
});

describe('router behaviour', () => {
  it('is deterministic: a fresh router returns the same node sequence', () => {
    const a = new Router(city.drive, city.walk);
    const b = new Router(city.drive, city.walk);
    for (let i = 0; i < 20; i++)
      b.route('car', (i * 7919) % city.drive.nodeCount, (i * 104729) % city.drive.nodeCount);
    for (let i = 0; i < 20; i++) {
      const from = (i * 31337) % city.drive.nodeCount;
      const to = (i * 7331 + 17) % city.drive.nodeCount;
      expect(a.route('car', from, to).nodes).toEqual(b.route('car', from, to).nodes);
    }
  });

  it('caches routes with a bounded LRU', () => {
    const router = new Router(city.drive, city.walk, { cacheSize: 3 });
    const r1 = router.route('foot', 1, 500);
    expect(router.route('foot', 1, 500)).toBe(r1);
    router.route('foot', 2, 500);
    router.route('foot', 3, 500);
    router.route('foot', 4, 500);
    expect(router.route('foot', 1, 500)).not.toBe(r1);
    expect(router.stats.cacheHits).toBe(1);
    router.clearCache();
    expect(router.stats.cacheHits).toBe(0);
  });

  it('returns a standing route from a node to itself', () => {
    const route = city.route('bike', 42, 42);
    expect(Array.from(route.nodes)).toEqual([42]);
    expect(route.duration).toBe(0);
    expect(route.distance).toBe(0);
  });

  it('throws clear errors for bad nodes and profiles', () => {
    expect(() => city.route('car', -1, 3)).toThrow(/fromNode -1 is not a node of the car graph/);
    expect(() => city.route('foot', 0, city.walk.nodeCount)).toThrow(
      /toNode .* is not a node of the foot graph/,
    );
    expect(() => city.route('boat' as TravelProfile, 0, 1)).toThrow(/Unknown travel profile 'boat'/);
  });

  it('throws when the target is unreachable', () => {
    // Two nodes, one directed edge: 1 cannot reach 0.
    const tiny = {
      nodeCount: 2,
      x: new Float64Array([0, 10]),
      y: new Float64Array([0, 0]),
      lon: new Float64Array(2),
      lat: new Float64Array(2),
      osmId: new Float64Array(2),
      edgeStart: new Uint32Array([0, 1, 1]),
      edgeTarget: new Uint32Array([1]),
      edgeLength: new Float32Array([10]),
      edgeSpeed: new Float32Array([10]),
    };
    const router = new Router(tiny, tiny);
    expect(router.route('car', 0, 1).duration).toBeCloseTo(10 / (10 * CAR_SPEED_FACTOR));
    expect(() => router.route('car', 1, 0)).toThrow(/No car route from node 1 to node 0/);
    const tree = router.precomputeTree('car', 1);
    expect(() => router.routeFromTree(tree, 0)).toThrow(/unreachable/);
  });

  it('routers of one graph share full searches, never which trees they route by', () => {
    const root = 5;
    const first = new Router(city.drive, city.walk).precomputeTree('car', root);
    const second = new Router(city.drive, city.walk);
    expect(second.precomputeTree('car', root)).toBe(first);
    // other edge times, other trees
    expect(new Router(city.drive, city.walk, { carSpeedFactor: 0.5 }).precomputeTree('car', root)).not.toBe(
      first,
    );
    // a router that did not ask for the tree still searches with A*
    const fresh = new Router(city.drive, city.walk);
    fresh.route('car', root, 100);
    expect(fresh.stats).toMatchObject({ treeQueries: 0, astarQueries: 1 });
    second.clearCache({ trees: true });
    expect(new Router(city.drive, city.walk).precomputeTree('car', root)).not.toBe(first);
  });

  it('profiles differ only by speed on the walk graph', () => {
    const bike = city.route('bike', 10, 2000);
    const foot = city.route('foot', 10, 2000);
    expect(bike.distance).toBeCloseTo(foot.distance, 6);
    expectRelativelyClose(bike.duration * BIKE_SPEED, foot.duration * FOOT_SPEED);
  });
});

describe('positionAlong', () => {
  test.prop([pair], { seed: SEED + 3, numRuns: 30 })(
    `starts, ends and advances monotonically (seed ${SEED + 3})`,
    ([a, b]) => {
      const route = city.route('car', nodeAt('car', a), nodeAt('car', b));
      const g = city.drive;
      const first = route.nodes[0];
      const last = route.nodes[route.nodes.length - 1];
      const start = city.positionAlong(route, 0);
      expect([start.x, start.y]).toEqual([g.x[first], g.y[first]]);
      const end = city.positionAlong(route, route.duration);
      expect(end.x).toBeCloseTo(g.x[last], 6);
      expect(end.y).toBeCloseTo(g.y[last], 6);
      expect(city.positionAlong(route, -5)).toEqual(start);
      expect(city.positionAlong(route, route.duration + 100).x).toBeCloseTo(g.x[last], 6);
      let previous = -1;
      for (let k = 0; k <= 50; k++) {
        const p = city.positionAlong(route, (route.duration * k) / 50);
        expect(p.distance).toBeGreaterThanOrEqual(previous - 1e-9);
        previous = p.distance;
      }
      expect(previous).toBeCloseTo(route.distance, 6);
    },
  );

  it('interpolates inside an edge and reports its heading', () => {
    const g = city.drive;
    const route = city.route('car', 0, 3000);
    const i = Math.floor(route.nodes.length / 2);
    const t = (route.cumTime[i] + route.cumTime[i + 1]) / 2;
    const p = city.positionAlong(route, t);
    const u = route.nodes[i];
    const v = route.nodes[i + 1];
    expect(p.x).toBeCloseTo((g.x[u] + g.x[v]) / 2, 6);
    expect(p.y).toBeCloseTo((g.y[u] + g.y[v]) / 2, 6);
    expect(p.heading).toBeCloseTo(Math.atan2(g.y[v] - g.y[u], g.x[v] - g.x[u]), 9);
  });
});
