import { resolve } from 'node:path';
import type { MealPolicyParams } from '../../machines/meal-policy.ts';
import { UserError } from '../cli/user-error.ts';
import { loadInstance } from './instance.ts';
import type { MdrpMeasures, Stats } from './measures.ts';
import { policyNames, policyParams } from './policy-options.ts';
import { RULES, type RuleViolation } from './rule-check.ts';
import { writeSolution } from './solution.ts';
import { type SolveResult, solveInstance } from './solve.ts';

export interface SolveOptions {
  readonly policy: string;
  readonly out?: string;
  readonly json?: boolean;
  readonly set?: string[];
  readonly log?: string;
}

/** A solution that breaks a rule of the problem: nothing is written, the run fails. */
export class SolutionRejected extends UserError {
  constructor(violations: readonly RuleViolation[]) {
    const shown = violations
      .slice(0, 5)
      .map((v) => `rule ${v.rule} (${RULES[v.rule]}): ${v.message}`)
      .join('\n  ');
    super(
      `the solution breaks the rules of FORMAT.md (${violations.length} violation${violations.length === 1 ? '' : 's'}${violations.length >= 200 ? ' or more' : ''}); nothing written:\n  ${shown}`,
    );
  }
}

/** One JSON object per solve: the headline figures first, then every statistic of FORMAT.md. */
export function measuresJson(
  instance: string,
  policy: MealPolicyParams,
  result: SolveResult,
): Record<string, unknown> {
  const m = result.measures;
  return {
    instance,
    policy: policy.kind,
    params: policy,
    delivered: m.delivered,
    total: m.total,
    undeliveredShare: m.undeliveredShare,
    clickToDoor: m.clickToDoor,
    clickToDoorOverage: m.clickToDoorOverage,
    readyToPickup: m.readyToPickup,
    readyToDoor: m.readyToDoor,
    utilization: m.utilization,
    costPerOrder: m.costPerOrder,
    ordersPerBundle: m.ordersPerBundle,
    wallSeconds: Number(result.wallSeconds.toFixed(3)),
    totalPayment: m.totalPayment,
    guaranteedShare: m.guaranteedShare,
    ordersPerHour: m.ordersPerHour,
    bundlesPerHour: m.bundlesPerHour,
    guaranteedEarnings: m.guaranteedEarnings,
    orderEarnings: m.orderEarnings,
    payment: m.payment,
    bundleSize: m.bundleSize,
    events: result.events,
    eventLogHash: result.eventLogHash,
  };
}

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');

function table(m: MdrpMeasures): string {
  const rows: [string, Stats][] = [
    ['click-to-door (min)', m.clickToDoor],
    ['click-to-door overage (min)', m.clickToDoorOverage],
    ['ready-to-door (min)', m.readyToDoor],
    ['ready-to-pickup (min)', m.readyToPickup],
    ['courier utilisation', m.utilization],
    ['orders per courier hour', m.ordersPerHour],
    ['bundles per courier hour', m.bundlesPerHour],
    ['courier guaranteed earnings', m.guaranteedEarnings],
    ['courier order earnings', m.orderEarnings],
    ['courier payment', m.payment],
    ['orders per bundle', m.bundleSize],
  ];
  const head = ['', 'count', 'mean', 'std', 'min', '10%', '50%', '90%', 'max'];
  const lines = [head.map((h, i) => (i === 0 ? h.padEnd(28) : h.padStart(8))).join('')];
  for (const [name, s] of rows)
    lines.push(
      name.padEnd(28) +
        [s.count, s.mean, s.std, s.min, s.p10, s.p50, s.p90, s.max]
          .map((v, i) => (i === 0 ? String(v) : f2(v)).padStart(8))
          .join(''),
    );
  return lines.join('\n');
}

/**
 * `citytwin mdrp solve <dir>`: imports the instance, runs it through the kernel with the chosen
 * policy, checks the solution against the eight rules (fails, writing nothing, on any violation),
 * writes the three solution files to `--out` and prints the measures.
 */
export async function solveCommand(dir: string, options: SolveOptions): Promise<void> {
  const names = policyNames(options.policy);
  if (names.length !== 1)
    throw new UserError(`--policy: expected one policy for solve, got "${options.policy}"`);
  const policy = policyParams(names[0], options.set ?? []);
  const instance = loadInstance(dir);
  const result = await solveInstance(instance, policy, { logPath: options.log });
  if (result.violations.length > 0) throw new SolutionRejected(result.violations);
  if (options.out) writeSolution(options.out, result.solution);
  const m = result.measures;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ ...measuresJson(instance.name, policy, result), out: options.out ? resolve(options.out) : null })}\n`,
    );
    return;
  }
  process.stdout.write(
    [
      `${instance.name} — policy ${policy.kind}: all eight rules hold${options.out ? `; solution in ${options.out}` : ''}`,
      `delivered ${m.delivered} of ${m.total} (${f2(100 * m.undeliveredShare)} % undelivered), total pay ${f2(m.totalPayment)}, cost per order ${f2(m.costPerOrder)}, ${f2(100 * m.guaranteedShare)} % of couriers on the guarantee`,
      '',
      table(m),
      '',
      `solved in ${result.wallSeconds.toFixed(2)} s, ${result.events} events, event-log hash ${result.eventLogHash}`,
      '',
    ].join('\n'),
  );
}
