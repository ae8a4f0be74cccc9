import { join } from 'node:path';
import { UserError } from '../cli/user-error.ts';
import { loadInstance } from './instance.ts';
import { policyParams } from './policy-options.ts';
import { writeSolution } from './solution.ts';
import { solveInstance } from './solve.ts';

/** One run of a bench: an instance folder under one policy. */
export interface BenchJob {
  readonly index: number;
  readonly dir: string;
  readonly policy: 'greedy' | 'rolling';
  readonly sets: readonly string[];
  /** When set, the solution files go to `<solutionsDir>/<policy>/<instance>/`. */
  readonly solutionsDir?: string;
}

/** The figures of one run, flat, so they make a CSV row as they are. */
export interface BenchRecord {
  readonly index: number;
  readonly instance: string;
  readonly policy: string;
  readonly ok: boolean;
  readonly error: string;
  readonly delivered: number;
  readonly total: number;
  readonly undeliveredPercent: number;
  readonly clickToDoorMean: number;
  readonly clickToDoorP90: number;
  /** The instance's bound on the mean click-to-door (pickup at ready, straight to the door). */
  readonly clickToDoorBound: number;
  readonly overageMean: number;
  readonly readyToPickupMean: number;
  readonly readyToPickupP90: number;
  readonly readyToDoorMean: number;
  readonly utilizationMean: number;
  readonly costPerOrder: number;
  readonly ordersPerBundle: number;
  readonly guaranteedShare: number;
  readonly violations: number;
  readonly wallSeconds: number;
  readonly eventLogHash: string;
}

export const RECORD_COLUMNS: readonly (keyof BenchRecord)[] = [
  'instance',
  'policy',
  'ok',
  'error',
  'delivered',
  'total',
  'undeliveredPercent',
  'clickToDoorMean',
  'clickToDoorP90',
  'clickToDoorBound',
  'overageMean',
  'readyToPickupMean',
  'readyToPickupP90',
  'readyToDoorMean',
  'utilizationMean',
  'costPerOrder',
  'ordersPerBundle',
  'guaranteedShare',
  'violations',
  'wallSeconds',
  'eventLogHash',
];

/**
 * Runs one job to a record. A folder that does not import, or a solution that breaks a rule,
 * becomes a failed record with its reason (the bench goes on and reports it) rather than a crash.
 */
export async function runBenchJob(job: BenchJob): Promise<BenchRecord> {
  const empty = {
    index: job.index,
    instance:
      job.dir
        .replace(/[/\\]+$/, '')
        .split(/[/\\]/)
        .pop() ?? job.dir,
    policy: job.policy,
    delivered: 0,
    total: 0,
    undeliveredPercent: Number.NaN,
    clickToDoorMean: Number.NaN,
    clickToDoorP90: Number.NaN,
    clickToDoorBound: Number.NaN,
    overageMean: Number.NaN,
    readyToPickupMean: Number.NaN,
    readyToPickupP90: Number.NaN,
    readyToDoorMean: Number.NaN,
    utilizationMean: Number.NaN,
    costPerOrder: Number.NaN,
    ordersPerBundle: Number.NaN,
    guaranteedShare: Number.NaN,
    violations: 0,
    wallSeconds: 0,
    eventLogHash: '',
  };
  try {
    const instance = loadInstance(job.dir);
    const result = await solveInstance(instance, policyParams(job.policy, job.sets));
    const m = result.measures;
    const ok = result.violations.length === 0;
    if (ok && job.solutionsDir)
      writeSolution(join(job.solutionsDir, job.policy, instance.name), result.solution);
    return {
      ...empty,
      instance: instance.name,
      ok,
      error: ok ? '' : `rule ${result.violations[0].rule}: ${result.violations[0].message}`,
      delivered: m.delivered,
      total: m.total,
      undeliveredPercent: 100 * m.undeliveredShare,
      clickToDoorMean: m.clickToDoor.mean,
      clickToDoorP90: m.clickToDoor.p90,
      clickToDoorBound: m.clickToDoorBound,
      overageMean: m.clickToDoorOverage.mean,
      readyToPickupMean: m.readyToPickup.mean,
      readyToPickupP90: m.readyToPickup.p90,
      readyToDoorMean: m.readyToDoor.mean,
      utilizationMean: m.utilization.mean,
      costPerOrder: m.costPerOrder,
      ordersPerBundle: m.ordersPerBundle,
      guaranteedShare: m.guaranteedShare,
      violations: result.violations.length,
      wallSeconds: result.wallSeconds,
      eventLogHash: result.eventLogHash,
    };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { ...empty, ok: false, error: err.message };
  }
}
