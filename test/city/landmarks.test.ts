import { fc, test } from '@fast-check/vitest';
import { expect, it } from 'vitest';
import { CAR_SPEED_FACTOR } from '../../sim/city/index.ts';
import { activeLandmarks, buildLandmarks, landmarkBound } from '../../sim/city/landmarks.ts';
import { loadMonaco } from './monaco-fixture.ts';
import { textbookDijkstra } from './textbook-dijkstra.ts';

const city = await loadMonaco();
const graph = city.graphOf('car');
const weight = (e: number) => graph.edgeLength[e] / (graph.edgeSpeed[e] * CAR_SPEED_FACTOR);
const table = buildLandmarks(graph.nodeCount, (root, direction) =>
  city.router.precomputeTree('car', root, direction).time.slice(),
);
const SEED = 20261123;
const node = fc.integer({ min: 0, max: graph.nodeCount - 1 });

test.prop([node, node], { seed: SEED, numRuns: 60 })(
  `the landmark bound never exceeds the shortest travel time (seed ${SEED})`,
  (from, to) => {
    const bound = landmarkBound(table, activeLandmarks(table, from, to), to);
    expect(bound(from)).toBeLessThanOrEqual(textbookDijkstra(graph, weight, from, to));
  },
);

it('bounds far better than zero on average (the landmarks are spread over the city)', () => {
  let ratio = 0;
  const pairs = 30;
  for (let i = 0; i < pairs; i++) {
    const from = (i * 7919) % graph.nodeCount;
    const to = (i * 104_729 + 13) % graph.nodeCount;
    const truth = textbookDijkstra(graph, weight, from, to);
    ratio += truth > 0 ? landmarkBound(table, activeLandmarks(table, from, to), to)(from) / truth : 1;
  }
  expect(ratio / pairs).toBeGreaterThan(0.5);
});
