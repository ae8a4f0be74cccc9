import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GREEDY, DEFAULT_ROLLING, type MealPolicyParams } from '../../machines/meal-policy.ts';
import { loadInstance } from '../../sim/mdrp/instance.ts';
import { SOLUTION_FILES, writeSolution } from '../../sim/mdrp/solution.ts';
import { solveInstance } from '../../sim/mdrp/solve.ts';
import { HAND_CASE, randomInstance, tempDir, writeInstance } from './fixtures.ts';

const policies: [string, MealPolicyParams][] = [
  ['greedy', DEFAULT_GREEDY],
  ['rolling', DEFAULT_ROLLING],
  ['rolling on HiGHS', { ...DEFAULT_ROLLING, solver: 'highs' }],
  ['rolling with prepositioning', { ...DEFAULT_ROLLING, preposition: true }],
  ['rolling without relocation', { ...DEFAULT_ROLLING, relocate: false }],
];

function files(dir: string): string[] {
  return Object.values(SOLUTION_FILES).map((f) => readFileSync(join(dir, f), 'utf8'));
}

describe('the hand-computed case', () => {
  const instance = loadInstance(writeInstance(tempDir('hand'), HAND_CASE));

  /** The three solution files of `policy` on the hand case, after checking it breaks no rule. */
  async function solvedFiles(policy: MealPolicyParams, label: string): Promise<string[]> {
    const r = await solveInstance(instance, policy);
    expect(r.violations).toEqual([]);
    const dir = tempDir(label);
    writeSolution(dir, r.solution);
    return files(dir);
  }

  it('imports restaurants, orders, couriers and parameters as written', () => {
    expect(instance.restaurants).toEqual([{ id: 'r1', x: 0, y: 0 }]);
    expect(instance.orders[1]).toEqual({
      id: 'o2',
      x: 0,
      y: -600,
      placementTime: 12,
      restaurant: 'r1',
      readyTime: 24,
    });
    expect(instance.couriers[0]).toEqual({ id: 'c1', x: 300, y: 0, onTime: 0, offTime: 120 });
    expect(instance.params).toEqual({
      metersPerMinute: 100,
      pickupServiceMinutes: 4,
      dropoffServiceMinutes: 4,
      targetClickToDoor: 40,
      maxClickToDoor: 90,
      payPerOrder: 10,
      guaranteedPayPerHour: 15,
    });
  });

  it('greedy: o1 to c1 at its placement, o2 to c2; the files as computed by hand', async () => {
    expect(await solvedFiles(DEFAULT_GREEDY, 'hand-greedy')).toEqual([
      'assignment_time pickup_time courier orders\n10 20 c1 o1\n12 24 c2 o2\n',
      'order placement_time ready_time pickup_time dropoff_time courier\no1 10 20 20 29 c1\no2 12 24 24 34 c2\n',
      'courier departure_time origin destination\nc1 10 0 r1\nc1 22 r1 o1\nc2 12 0 r1\nc2 26 r1 o2\n',
    ]);
  });

  it('rolling without relocation: c2 leaves at once for o2, c1 only when it must to be on time for o1', async () => {
    expect(await solvedFiles({ ...DEFAULT_ROLLING, relocate: false }, 'hand-rolling')).toEqual([
      'assignment_time pickup_time courier orders\n12 24 c2 o2\n15 20 c1 o1\n',
      'order placement_time ready_time pickup_time dropoff_time courier\no1 10 20 20 29 c1\no2 12 24 24 34 c2\n',
      'courier departure_time origin destination\nc1 15 0 r1\nc1 22 r1 o1\nc2 12 0 r1\nc2 26 r1 o2\n',
    ]);
  });

  it('rolling: c2, left without work at 10, relocates to r1 and takes o2 on arrival; c1 leaves when it must', async () => {
    expect(await solvedFiles(DEFAULT_ROLLING, 'hand-rolling-relocate')).toEqual([
      'assignment_time pickup_time courier orders\n15 20 c1 o1\n20 24 c2 o2\n',
      'order placement_time ready_time pickup_time dropoff_time courier\no1 10 20 20 29 c1\no2 12 24 24 34 c2\n',
      'courier departure_time origin destination\nc1 15 0 r1\nc1 22 r1 o1\nc2 10 0 r1\nc2 26 r1 o2\n',
    ]);
  });

  it('measures match the hand computation', async () => {
    const m = (await solveInstance(instance, DEFAULT_GREEDY)).measures;
    expect(m.delivered).toBe(2);
    expect(m.total).toBe(2);
    // click-to-door 29 − 10 = 19 and 34 − 12 = 22
    expect(m.clickToDoor.mean).toBe(20.5);
    expect(m.clickToDoor.p90).toBeCloseTo(21.7, 10);
    expect(m.clickToDoor.std).toBeCloseTo(Math.sqrt(4.5), 10);
    expect(m.clickToDoor.min).toBe(19);
    expect(m.clickToDoor.max).toBe(22);
    expect(m.clickToDoorOverage.mean).toBe(0);
    expect(m.readyToPickup.mean).toBe(0);
    expect(m.readyToDoor.mean).toBe(9.5);
    // c1: 3 + 5 min driving + 4 pickup + 4 drop-off of 120; c2: 10 + 6 + 8 of 120
    expect(m.utilization.mean).toBeCloseTo((16 / 120 + 24 / 120) / 2, 12);
    // each earns 10 for its order but is guaranteed 2 h × 15
    expect(m.totalPayment).toBe(60);
    expect(m.costPerOrder).toBe(30);
    expect(m.guaranteedShare).toBe(1);
    expect(m.ordersPerBundle).toBe(1);
    expect(m.clickToDoorBound).toBe(20.5);
  });
});

describe('solving through the kernel', () => {
  for (const seed of [7, 19]) {
    const instance = loadInstance(writeInstance(tempDir(`random-${seed}`), randomInstance(seed)));
    for (const [name, policy] of policies) {
      it(`seed ${seed}, ${name}: every rule holds, (nearly) every order is delivered, and files are byte-identical on a re-run`, async () => {
        const a = await solveInstance(instance, policy);
        expect(a.violations).toEqual([]);
        expect(a.rejectedDecisions).toBe(0);
        // the greedy courier waits out every preparation at the restaurant: a backlog may outlast the shifts
        if (policy.kind === 'rolling') expect(a.measures.delivered).toBe(instance.orders.length);
        else expect(a.measures.delivered).toBeGreaterThanOrEqual(0.9 * instance.orders.length);
        const b = await solveInstance(instance, policy);
        const da = tempDir('a');
        const db = tempDir('b');
        writeSolution(da, a.solution);
        writeSolution(db, b.solution);
        expect(files(db)).toEqual(files(da));
        expect(b.eventLogHash).toBe(a.eventLogHash);
      });
    }
  }

  it('the rolling policy bundles when couriers are scarce (seed 11, one courier for 40 orders)', async () => {
    const instance = loadInstance(writeInstance(tempDir('scarce'), randomInstance(11, 40, 1)));
    const r = await solveInstance(instance, DEFAULT_ROLLING);
    expect(r.violations).toEqual([]);
    expect(r.measures.bundleSize.max).toBeGreaterThan(1);
  });
});
