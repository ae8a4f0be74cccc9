/**
 * The exact assignment behind the rolling meal policy, in pure code: the sparse problem as a dense
 * cost matrix (missing pairs forbidden) for the Hungarian method the dispatch policies share.
 */
import { minCostAssignment } from './dispatch-policy.ts';
import type { AssignmentProblem } from './meal-policy.ts';

/**
 * Solves `problem` exactly. Why the Hungarian method is enough: every row has a private fallback
 * column, so a complete matching exists and "most pairs first, then cheapest" (what
 * `minCostAssignment` optimises) is exactly "cheapest complete matching".
 */
export function hungarianAssignment(problem: AssignmentProblem): number[] {
  // only the columns some row may take: a fleet of hundreds, of which few are candidates
  const used = [...new Set(problem.rows.flatMap((row) => row.map((e) => e.column)))].sort((a, b) => a - b);
  const index = new Map(used.map((column, i) => [column, i]));
  const cost = problem.rows.map((row) => {
    const line = new Array<number>(used.length).fill(Number.POSITIVE_INFINITY);
    for (const { column, cost } of row) line[index.get(column) as number] = cost;
    return line;
  });
  return minCostAssignment(cost).map((i) => (i < 0 ? -1 : used[i]));
}
