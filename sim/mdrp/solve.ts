import { hungarianAssignment } from '../../machines/meal-assignment.ts';
import type { AssignmentSolver, MealPolicyParams } from '../../machines/meal-policy.ts';
import { highsAssignmentSolver } from './highs-assignment.ts';
import type { MdrpInstance } from './instance.ts';
import { MealWorld } from './meal-world.ts';
import { type MdrpMeasures, measure } from './measures.ts';
import { checkSolution, type RuleViolation } from './rule-check.ts';
import type { MdrpSolution } from './solution.ts';

export interface SolveResult {
  readonly solution: MdrpSolution;
  readonly measures: MdrpMeasures;
  readonly violations: readonly RuleViolation[];
  readonly eventLogHash: string;
  readonly events: number;
  /** Policy decisions dispatch refused to carry out (0 when policy and books agree). */
  readonly rejectedDecisions: number;
  /** Wall time of the simulation, import excluded. */
  readonly wallSeconds: number;
}

/** The assignment solver a policy's parameters name (HiGHS is loaded once per thread). */
export async function solverFor(policy: MealPolicyParams): Promise<AssignmentSolver> {
  return policy.kind === 'rolling' && policy.solver === 'highs'
    ? highsAssignmentSolver()
    : hungarianAssignment;
}

/**
 * Solves an instance by running it: the meal world on the kernel with the policy in dispatch, to
 * the last drop-off. Then reads the solution off the books, checks it against the eight rules and
 * measures it. Wall time is measured here, outside the kernel.
 */
export async function solveInstance(
  instance: MdrpInstance,
  policy: MealPolicyParams,
  options: { logPath?: string } = {},
): Promise<SolveResult> {
  const solve = await solverFor(policy);
  const started = performance.now();
  const world = new MealWorld(instance, { policy, solve, logPath: options.logPath });
  world.run();
  const solution = world.solution();
  const wallSeconds = (performance.now() - started) / 1000;
  const result = {
    solution,
    measures: measure(instance, solution),
    violations: checkSolution(instance, solution),
    eventLogHash: world.eventLogHash,
    events: world.log.entries,
    rejectedDecisions: world.rejectedDecisions,
    wallSeconds,
  };
  await world.close();
  return result;
}
