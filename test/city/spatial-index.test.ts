import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MovingPointIndex, StaticPointIndex } from '../../sim/city/index.ts';

const SEED = 7_041_987;

type Op = { kind: 'set'; id: number; x: number; y: number } | { kind: 'remove'; id: number };

// Coordinates on a coarse lattice so that equal distances (ties) actually occur.
const coord = fc.integer({ min: -50, max: 50 }).map((v) => v * 10);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('set' as const), id: fc.nat({ max: 60 }), x: coord, y: coord }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.nat({ max: 60 }) }) },
);

function bruteWithin(points: Map<number, [number, number]>, x: number, y: number, r: number): number[] {
  return [...points.entries()]
    .map(([id, [px, py]]) => ({ id, d: (px - x) ** 2 + (py - y) ** 2 }))
    .filter((p) => p.d <= r * r)
    .sort((a, b) => a.d - b.d || a.id - b.id)
    .map((p) => p.id);
}

describe('MovingPointIndex', () => {
  test.prop(
    [
      fc.array(op, { maxLength: 200 }),
      fc.array(fc.tuple(coord, coord, fc.integer({ min: 0, max: 400 })), { minLength: 1, maxLength: 10 }),
    ],
    {
      seed: SEED,
      numRuns: 200,
    },
  )(
    `within and nearest equal a brute-force scan after random moves and removes (seed ${SEED})`,
    (ops, queries) => {
      const index = new MovingPointIndex();
      const truth = new Map<number, [number, number]>();
      for (const o of ops) {
        if (o.kind === 'set') {
          index.set(o.id, o.x, o.y);
          truth.set(o.id, [o.x, o.y]);
        } else {
          expect(index.remove(o.id)).toBe(truth.delete(o.id));
        }
      }
      expect(index.size).toBe(truth.size);
      for (const [x, y, r] of queries) {
        expect(index.within(x, y, r)).toEqual(bruteWithin(truth, x, y, r));
        const all = bruteWithin(truth, x, y, Number.POSITIVE_INFINITY);
        expect(index.nearest(x, y, 3)).toEqual(all.slice(0, 3));
        const even = (id: number) => id % 2 === 0;
        expect(index.nearest(x, y, 2, even)).toEqual(all.filter(even).slice(0, 2));
      }
    },
  );

  it('reports positions and rejects bad ids', () => {
    const index = new MovingPointIndex();
    index.set(5, 1, 2);
    index.set(5, 3, 4);
    expect(index.position(5)).toEqual({ x: 3, y: 4 });
    expect(index.has(5)).toBe(true);
    expect(index.remove(5)).toBe(true);
    expect(index.remove(5)).toBe(false);
    expect(index.nearest(0, 0, 1)).toEqual([]);
    expect(() => index.set(-1, 0, 0)).toThrow(/non-negative integer/);
    expect(() => index.set(1, Number.NaN, 0)).toThrow();
  });
});

describe('StaticPointIndex', () => {
  test.prop(
    [
      fc.array(fc.tuple(coord, coord), { minLength: 1, maxLength: 300 }),
      fc.array(fc.tuple(coord, coord, fc.integer({ min: 0, max: 300 })), { minLength: 1, maxLength: 10 }),
    ],
    {
      seed: SEED + 1,
      numRuns: 150,
    },
  )(`nearest, nearestK and within equal a brute-force scan (seed ${SEED + 1})`, (points, queries) => {
    const index = new StaticPointIndex(
      points.map((p) => p[0]),
      points.map((p) => p[1]),
      4,
    );
    const truth = new Map(points.map((p, i) => [i, p] as [number, [number, number]]));
    for (const [x, y, r] of queries) {
      const all = bruteWithin(truth, x, y, Number.POSITIVE_INFINITY);
      expect(index.nearest(x, y)).toBe(all[0]);
      expect(index.nearestK(x, y, 5)).toEqual(all.slice(0, 5));
      const odd = (id: number) => id % 2 === 1;
      expect(index.nearest(x, y, odd)).toBe(all.filter(odd)[0] ?? -1);
      expect(index.within(x, y, r)).toEqual(bruteWithin(truth, x, y, r));
    }
  });

  it('orders thousands of points exactly while its search queue grows', () => {
    // 3 000 points, all wanted, queried from outside the cloud: the queue holds far more than its
    // first 256 entries at once and is copied into a bigger one mid-search
    const xs = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 1009);
    const ys = Array.from({ length: 3000 }, (_, i) => (i * 104_729) % 997);
    const index = new StaticPointIndex(xs, ys, 4);
    const truth = new Map(xs.map((x, i) => [i, [x, ys[i]]] as [number, [number, number]]));
    for (const [x, y] of [
      [-500, -500],
      [500, 500],
      [2000, 100],
    ])
      expect(index.nearestK(x, y, xs.length)).toEqual(bruteWithin(truth, x, y, Number.POSITIVE_INFINITY));
  });

  it('handles an empty index', () => {
    const index = new StaticPointIndex([], []);
    expect(index.nearest(0, 0)).toBe(-1);
    expect(index.within(0, 0, 10)).toEqual([]);
    expect(index.nearestK(0, 0, 3)).toEqual([]);
  });
});
