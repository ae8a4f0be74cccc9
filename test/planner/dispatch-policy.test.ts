import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  batchMatches,
  dispatchPolicy,
  fcfsMatches,
  minCostAssignment,
  ordinaryCouriersPull,
} from '../../machines/dispatch-policy.ts';

/** Every injective assignment of rows to columns (or to nothing): the reference optimum. */
function bruteForce(cost: number[][]): { pairs: number; total: number } {
  const rows = cost.length;
  const cols = cost[0]?.length ?? 0;
  let best = { pairs: -1, total: Number.POSITIVE_INFINITY };
  const used = new Array<boolean>(cols).fill(false);
  const walk = (i: number, pairs: number, total: number) => {
    if (i === rows) {
      if (pairs > best.pairs || (pairs === best.pairs && total < best.total - 1e-9)) best = { pairs, total };
      return;
    }
    walk(i + 1, pairs, total);
    for (let j = 0; j < cols; j++) {
      if (used[j] || !Number.isFinite(cost[i][j])) continue;
      used[j] = true;
      walk(i + 1, pairs + 1, total + cost[i][j]);
      used[j] = false;
    }
  };
  walk(0, 0, 0);
  return best;
}

const costMatrix = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })).chain(([r, c]) =>
  fc.array(
    fc.array(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constant(Number.POSITIVE_INFINITY)), {
      minLength: c,
      maxLength: c,
    }),
    { minLength: r, maxLength: r },
  ),
);

describe('dispatch policies as data', () => {
  test.prop([costMatrix], { seed: 6101, numRuns: 400 })(
    'minCostAssignment matches brute force: most allowed pairs, then least total cost — seed 6101',
    (cost) => {
      const assigned = minCostAssignment(cost);
      expect(assigned).toHaveLength(cost.length);
      const cols = assigned.filter((j) => j >= 0);
      expect(new Set(cols).size).toBe(cols.length);
      let total = 0;
      assigned.forEach((j, i) => {
        if (j < 0) return;
        expect(Number.isFinite(cost[i][j])).toBe(true);
        total += cost[i][j];
      });
      const best = bruteForce(cost);
      expect(cols.length).toBe(best.pairs);
      expect(total).toBeCloseTo(best.total, 9);
    },
  );

  it('a batch swaps couriers when greedy nearest-first would cost more in total', () => {
    // Order A is nearest to courier 1, but B can only be reached cheaply by courier 1 as well.
    const orders = [
      { id: 'A', point: { x: 0, y: 0 }, category: 'deliver' },
      { id: 'B', point: { x: 10, y: 0 }, category: 'deliver' },
    ];
    const couriers = [
      { id: 'C1', point: { x: 4, y: 0 }, categories: ['deliver'] },
      { id: 'C2', point: { x: -5, y: 0 }, categories: ['deliver'] },
    ];
    // Greedy: A→C1 (4) then B→C2 (15) = 19; optimal: A→C2 (5) + B→C1 (6) = 11.
    expect(batchMatches(orders, couriers)).toEqual([
      { orderId: 'A', courierId: 'C2' },
      { orderId: 'B', courierId: 'C1' },
    ]);
  });

  it('a batch never offers an order to a courier who does not serve its category', () => {
    const matches = batchMatches(
      [{ id: 'A', point: { x: 0, y: 0 }, category: 'print' }],
      [
        { id: 'near', point: { x: 1, y: 0 }, categories: ['deliver'] },
        { id: 'far', point: { x: 900, y: 0 }, categories: ['print'] },
      ],
    );
    expect(matches).toEqual([{ orderId: 'A', courierId: 'far' }]);
  });

  it('FCFS gives the oldest order to the courier idle longest, skipping categories it cannot serve', () => {
    const o = (id: string, category: string) => ({ id, point: { x: 0, y: 0 }, category });
    const c = (id: string, categories: string[]) => ({ id, point: { x: 0, y: 0 }, categories });
    expect(
      fcfsMatches(
        [o('E1', 'print'), o('E2', 'deliver'), o('E3', 'deliver')],
        [c('CP1', ['deliver']), c('CP2', ['print', 'deliver'])],
      ),
    ).toEqual([
      { orderId: 'E1', courierId: 'CP2' },
      { orderId: 'E2', courierId: 'CP1' },
    ]);
  });

  it('only push-pull lets ordinary couriers pull; batched carries its interval', () => {
    expect(ordinaryCouriersPull(undefined)).toBe(true);
    expect(ordinaryCouriersPull(dispatchPolicy('push-pull'))).toBe(true);
    expect(ordinaryCouriersPull(dispatchPolicy('nearest'))).toBe(false);
    expect(dispatchPolicy('batched', 45)).toMatchObject({ kind: 'batched', intervalMs: 45_000 });
  });
});
