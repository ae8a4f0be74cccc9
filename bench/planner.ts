import { SweepPool } from '../sim/planner/sweep-pool.ts';
import type { RunJob, RunRecord } from '../sim/planner/sweep-run.ts';
import { loadScenario } from '../sim/scenario/load-scenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { type BenchCase, peakRssMiB } from './bench-case.ts';

const SCENARIO = 'scenarios/monaco.json';
const RUNS = 6;
const HOUR = 3_600_000;

/**
 * Monaco compressed to its evening peak hour: the whole fleet on shift and stores open from
 * midnight, and the first hour carrying the busiest hour's demand, so a one-hour run is a real
 * hour of work rather than a quiet night.
 */
function peakHour(base: Scenario): Scenario {
  const hourly = base.demand.errand?.hourly ?? [];
  const total = hourly.reduce((s, w) => s + w, 0);
  const peak = Math.max(...hourly);
  const errand = base.demand.errand;
  return {
    ...base,
    stores: { ...base.stores, opens: '00:00', closes: '24:00' },
    fleet: {
      ...base.fleet,
      couriers: { ...base.fleet.couriers, shifts: [{ start: '00:00', end: '24:00', share: 1 }] },
    },
    demand: errand
      ? {
          ...base.demand,
          errand: {
            ...errand,
            perDay: (errand.perDay * peak) / total,
            hourly: [1, ...new Array(23).fill(0)],
          },
        }
      : base.demand,
  };
}

async function sweep(parallel: number, scenario: Scenario): Promise<{ ms: number; records: RunRecord[] }> {
  const jobs: RunJob[] = Array.from({ length: RUNS }, (_, k) => ({
    id: k,
    variant: 0,
    replication: k,
    seed: 42 + k,
  }));
  const records: RunRecord[] = [];
  const pool = new SweepPool(parallel, { scenarioPath: SCENARIO, scenarios: [scenario], untilMs: HOUR });
  const t = performance.now();
  await pool.run(jobs, (r) => records.push(r));
  return { ms: performance.now() - t, records: records.sort((a, b) => a.id - b.id) };
}

/**
 * Sweep throughput: runs per minute of a one-hour peak Monaco run at `--parallel 1` and `2`
 * (worker start-up and city load included, as a planner pays them), the speed-up, and memory. RSS
 * is per process, so the per-worker figure is the growth of this process's peak RSS over its
 * baseline divided by the workers; the workers' own V8 heap is reported beside it.
 */
export async function run(): Promise<BenchCase[]> {
  const scenario = peakHour(loadScenario(SCENARIO));
  const baseline = peakRssMiB();
  const one = await sweep(1, scenario);
  const afterOne = peakRssMiB();
  const two = await sweep(2, scenario);
  const afterTwo = peakRssMiB();
  const failed = [...one.records, ...two.records].filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`planner bench: run ${failed[0].id} failed: ${failed[0].error}`);
  const same = one.records.every((r, i) => r.eventLogHash === two.records[i].eventLogHash);
  if (!same) throw new Error('planner bench: --parallel 1 and 2 gave different event logs');
  const perMinute = (ms: number) => Number(((RUNS / ms) * 60_000).toFixed(1));
  const p1 = perMinute(one.ms);
  const p2 = perMinute(two.ms);
  return [
    {
      name: 'planner sweep (1 h Monaco peak)',
      figures: {
        runs: RUNS,
        ordersPerRun: one.records[0].kpis['orders.created'] ?? 0,
        runsPerMinuteParallel1: p1,
        runsPerMinuteParallel2: p2,
        meanRunWallSeconds: Number((one.records.reduce((s, r) => s + r.wallMs, 0) / RUNS / 1000).toFixed(2)),
        peakRssPerWorkerMiB: Math.round(Math.max(afterOne - baseline, (afterTwo - baseline) / 2)),
        peakWorkerHeapMiB: Math.max(...two.records.map((r) => r.heapMiB)),
        processPeakRssMiB: afterTwo,
      },
      baseline: '--parallel 1',
      ratio: Number((p2 / p1).toFixed(3)),
      aim: '≈ 2 on two free cores',
    },
  ];
}
