import { resolve } from 'node:path';
import { loadCity } from '../sim/city/index.ts';
import { loadScenario } from '../sim/scenario/load-scenario.ts';
import { World } from '../sim/world/world.ts';
import { type BenchCase, peakRssMiB } from './bench-case.ts';

const DAY_MS = 86_400_000;
const FLOWS = ['errand', 'trunk', 'robot', 'rental', 'preorder'] as const;

/**
 * The five-flow Monaco day: the default scenario at full size (60+ stores in three coverage areas,
 * 300 couriers, 2 000 cars of which 500 carry beacons, a 600-car rental pool, 20 robots, about
 * 20 000 orders), 24 simulated hours as fast as possible, seed 42. Reports orders by flow, events,
 * wall seconds, sim-seconds per wall-second and peak RSS. The city is loaded (and cached) before
 * the clock starts; world construction is included, as a planner pays it on every run.
 */
export async function run(): Promise<BenchCase[]> {
  const scenario = loadScenario(resolve('scenarios/monaco.json'));
  const city = await loadCity({ osm: resolve('data/monaco.osm.pbf') });
  const started = performance.now();
  const world = new World(scenario, city, { seed: 42 });
  world.run(DAY_MS);
  const wallSeconds = (performance.now() - started) / 1000;
  const k = world.kpis();
  await world.close();
  const figures: Record<string, number | string> = {
    orders: k.orders.created,
    events: world.log.entries,
    eventLogHash: world.log.digest(),
    wallSeconds: Math.round(wallSeconds * 100) / 100,
    simSecondsPerWallSecond: Math.round(DAY_MS / 1000 / wallSeconds),
    peakRssMiB: peakRssMiB(),
    invariantViolations: k.invariantViolations,
  };
  for (const flow of FLOWS) {
    figures[`orders.${flow}`] = k.byFlow[flow]?.created ?? 0;
    figures[`completed.${flow}`] = k.byFlow[flow]?.completed ?? 0;
  }
  return [
    {
      name: 'monaco-day (five flows, 24 h, seed 42)',
      figures,
      aim: '>= 5000 sim-s per wall-s (issue 9)',
    },
  ];
}
