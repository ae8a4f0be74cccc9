import { createRequire } from 'node:module';
import type { Highs } from 'highs';
import type { AssignmentProblem, AssignmentSolver } from '../../machines/meal-policy.ts';

/** `highs` is CommonJS whose export is the loader itself (its typings describe an ES default export). */
const highsLoader = createRequire(import.meta.url)('highs') as () => Promise<Highs>;

let loading: Promise<Highs> | undefined;

/** HiGHS is WebAssembly: instantiated once per thread and reused by every solve. */
function highs(): Promise<Highs> {
  loading ??= highsLoader();
  return loading;
}

/** The assignment as an LP in CPLEX LP format: each row takes exactly one column, each column at most one row. */
export function assignmentLp(problem: AssignmentProblem): string {
  const objective: string[] = [];
  const rowSums: string[] = [];
  const columnTerms: string[][] = Array.from({ length: problem.columns }, () => []);
  problem.rows.forEach((row, i) => {
    const terms: string[] = [];
    for (const { column, cost } of row) {
      const name = `x${i}_${column}`;
      objective.push(`${cost >= 0 ? '+' : '-'} ${Math.abs(cost)} ${name}`);
      terms.push(name);
      columnTerms[column].push(name);
    }
    rowSums.push(` r${i}: ${terms.join(' + ')} = 1`);
  });
  const columnLimits = columnTerms.flatMap((terms, j) =>
    terms.length > 1 ? [` c${j}: ${terms.join(' + ')} <= 1`] : [],
  );
  return [
    'Minimize',
    ` obj: ${objective.join(' ')}`,
    'Subject To',
    ...rowSums,
    ...columnLimits,
    'End',
    '',
  ].join('\n');
}

/**
 * An assignment solver backed by HiGHS (loaded before the first solve). The assignment polytope is
 * integral, so the simplex optimum HiGHS returns is a matching; a value is read as chosen above ½.
 * A solve that is not optimal is a bug in the problem we built, and throws.
 */
export async function highsAssignmentSolver(): Promise<AssignmentSolver> {
  const h = await highs();
  return (problem) => {
    if (problem.rows.length === 0) return [];
    const result = h.solve(assignmentLp(problem), { output_flag: false, presolve: 'off', solver: 'simplex' });
    if (result.Status !== 'Optimal') throw new Error(`HiGHS: assignment not solved (${result.Status})`);
    return problem.rows.map((row, i) => {
      const hit = row.find(({ column }) => (result.Columns[`x${i}_${column}`]?.Primal ?? 0) > 0.5);
      return hit ? hit.column : -1;
    });
  };
}
