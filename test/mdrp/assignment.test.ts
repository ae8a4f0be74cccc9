import { describe, expect, it } from 'vitest';
import { hungarianAssignment } from '../../machines/meal-assignment.ts';
import type { AssignmentProblem } from '../../machines/meal-policy.ts';
import { RandomStreams } from '../../sim/kernel/random-streams.ts';
import { highsAssignmentSolver } from '../../sim/mdrp/highs-assignment.ts';

/** A random sparse problem shaped like the rolling policy's: candidate columns plus a private fallback per row. */
function problem(seed: number): AssignmentProblem {
  const rng = new RandomStreams(seed).stream('assignment');
  const rowsCount = rng.int(1, 12);
  const couriers = rng.int(1, 15);
  const rows = Array.from({ length: rowsCount }, (_, i) => {
    const row: { column: number; cost: number }[] = [];
    for (let c = 0; c < couriers; c++)
      if (rng.bernoulli(0.6)) row.push({ column: c, cost: rng.int(0, 500) / 4 });
    row.push({ column: couriers + i, cost: 1_000 });
    return row;
  });
  return { columns: couriers + rowsCount, rows };
}

function total(p: AssignmentProblem, chosen: number[]): number {
  const used = new Set<number>();
  return chosen.reduce((sum, column, i) => {
    expect(used.has(column)).toBe(false);
    used.add(column);
    const entry = p.rows[i].find((e) => e.column === column);
    expect(entry).toBeDefined();
    return sum + (entry?.cost ?? 0);
  }, 0);
}

describe('the assignment behind the rolling policy', () => {
  it('HiGHS (LP) and the Hungarian method find the same optimum on 60 random problems (seed 1..60)', async () => {
    const highs = await highsAssignmentSolver();
    for (let seed = 1; seed <= 60; seed++) {
      const p = problem(seed);
      expect(total(p, highs(p)), `seed ${seed}`).toBeCloseTo(total(p, hungarianAssignment(p)), 9);
    }
  });

  it('takes the cheaper crossing: two rows, two columns', () => {
    const p: AssignmentProblem = {
      columns: 4,
      rows: [
        [
          { column: 0, cost: 3 },
          { column: 1, cost: 1 },
          { column: 2, cost: 100 },
        ],
        [
          { column: 0, cost: 2 },
          { column: 1, cost: 5 },
          { column: 3, cost: 100 },
        ],
      ],
    };
    expect(hungarianAssignment(p)).toEqual([1, 0]);
  });
});
