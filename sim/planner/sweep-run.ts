import { getHeapStatistics } from 'node:v8';
import type { Scenario } from '../scenario/schema.ts';
import { World } from '../world/world.ts';
import { type DemandCell, DemandMap } from './demand-map.ts';
import { flattenKpis } from './kpi-columns.ts';
import type { ScenarioCities } from './scenario-city.ts';

/** One run of a sweep: which variant, which replication, which seed. */
export interface RunJob {
  readonly id: number;
  readonly variant: number;
  readonly replication: number;
  readonly seed: number;
}

/** What a run leaves behind; `wallMs` and `heapMiB` are measurements, never part of results.json. */
export interface RunRecord extends RunJob {
  readonly ok: boolean;
  readonly error?: string;
  readonly events: number;
  readonly eventLogHash: string;
  readonly kpis: Readonly<Record<string, number>>;
  readonly cells: readonly DemandCell[];
  readonly wallMs: number;
  readonly heapMiB: number;
}

/**
 * Runs one world to `untilMs` as fast as possible and returns its KPIs as flat columns, plus the
 * planner's own: late and unserved orders (from the demand map) and demand lost because every
 * publisher of an area was busy.
 */
export async function runSweepJob(
  job: RunJob,
  scenario: Scenario,
  untilMs: number,
  cities: ScenarioCities,
): Promise<RunRecord> {
  const started = performance.now();
  try {
    const city = await cities.load(scenario);
    const world = new World(scenario, city, { seed: job.seed });
    const map = new DemandMap(world.log, (id) => world.snapshotOf(id));
    world.run(untilMs);
    const result = world.result(untilMs / 1000);
    const totals = map.totals();
    const kpis = {
      ...flattenKpis(result.kpis),
      'demand.late': totals.late,
      'demand.unserved': totals.unserved,
      'demand.lost': world.demandLost,
    };
    await world.close();
    return {
      ...job,
      ok: true,
      events: result.events,
      eventLogHash: result.eventLogHash,
      kpis,
      cells: map.cells(),
      wallMs: Math.round(performance.now() - started),
      heapMiB: Math.round(getHeapStatistics().total_heap_size / 1048576),
    };
  } catch (err) {
    return {
      ...job,
      ok: false,
      error: err instanceof Error ? err.message.split('\n')[0] : String(err),
      events: 0,
      eventLogHash: '',
      kpis: {},
      cells: [],
      wallMs: Math.round(performance.now() - started),
      heapMiB: Math.round(getHeapStatistics().total_heap_size / 1048576),
    };
  }
}
