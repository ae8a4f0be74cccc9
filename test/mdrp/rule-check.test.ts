import { describe, expect, it } from 'vitest';
import { DEFAULT_GREEDY } from '../../machines/meal-policy.ts';
import { loadInstance } from '../../sim/mdrp/instance.ts';
import { stats } from '../../sim/mdrp/measures.ts';
import { checkSolution } from '../../sim/mdrp/rule-check.ts';
import type { MdrpSolution } from '../../sim/mdrp/solution.ts';
import { solveInstance } from '../../sim/mdrp/solve.ts';
import { HAND_CASE, tempDir, writeInstance } from './fixtures.ts';

type Mutable = {
  assignments: { assignmentTime: number; pickupTime: number; courier: string; orders: string[] }[];
  orders: {
    order: string;
    placementTime: number;
    readyTime: number;
    pickupTime: number;
    dropoffTime: number;
    courier: string;
  }[];
  moves: { courier: string; departureTime: number; origin: string; destination: string }[];
};

const instance = loadInstance(writeInstance(tempDir('rules'), HAND_CASE));
// greedy on the hand case: A1 = 10 20 c1 o1, A2 = 12 24 c2 o2; moves c1 10 0→r1, 22 r1→o1; c2 12 0→r1, 26 r1→o2
const valid = (await solveInstance(instance, DEFAULT_GREEDY)).solution;

function broken(change: (s: Mutable) => void): MdrpSolution {
  const copy = structuredClone(valid) as unknown as Mutable;
  change(copy);
  return copy as unknown as MdrpSolution;
}

const cases: { rule: number; name: string; change: (s: Mutable) => void }[] = [
  { rule: 1, name: 'an order in two assignments', change: (s) => s.assignments[1].orders.push('o1') },
  {
    rule: 2,
    name: 'an assignment before the placement',
    change: (s) => (s.assignments[1].assignmentTime = 11),
  },
  { rule: 3, name: 'a pickup after the off time', change: (s) => (s.assignments[0].pickupTime = 121) },
  { rule: 4, name: 'a pickup before the food is ready', change: (s) => (s.assignments[1].pickupTime = 23) },
  {
    rule: 5,
    name: 'drop-offs out of sequence',
    change: (s) => {
      s.assignments[0] = { ...s.assignments[0], orders: ['o1', 'o2'] };
      s.assignments.splice(1, 1);
      s.orders[1].courier = 'c1';
      s.orders[1].dropoffTime = 30;
    },
  },
  { rule: 6, name: 'a courier teleporting', change: (s) => (s.moves[1].origin = 'r9') },
  { rule: 6, name: 'a departure before the arrival', change: (s) => (s.moves[1].departureTime = 12) },
  { rule: 7, name: 'a pickup while travelling', change: (s) => (s.moves[0].departureTime = 16) },
  { rule: 8, name: 'a drop-off while travelling', change: (s) => (s.orders[0].dropoffTime = 26) },
  {
    rule: 8,
    name: 'a drop-off within the first half of the service',
    change: (s) => (s.orders[0].dropoffTime = 28),
  },
  {
    rule: 8,
    name: 'a courier leaving before the drop-off service is over',
    change: (s) =>
      s.moves.splice(2, 0, { courier: 'c1', departureTime: 30, origin: 'o1', destination: 'r1' }),
  },
];

describe('the eight rules', () => {
  it('hold for the solution as executed', () => {
    expect(checkSolution(instance, valid)).toEqual([]);
  });

  for (const c of cases)
    it(`rule ${c.rule} catches ${c.name}`, () => {
      const rules = checkSolution(instance, broken(c.change)).map((v) => v.rule);
      expect(rules).toContain(c.rule);
    });
});

describe('statistics as the public evaluator reports them', () => {
  it('mean, sample standard deviation and linearly interpolated percentiles', () => {
    const s = stats([1, 2, 3, 4, 10]);
    expect(s).toMatchObject({ count: 5, mean: 4, min: 1, p50: 3, max: 10 });
    expect(s.std).toBeCloseTo(Math.sqrt(50 / 4), 12);
    expect(s.p10).toBeCloseTo(1.4, 12);
    expect(s.p90).toBeCloseTo(7.6, 12);
  });
});
