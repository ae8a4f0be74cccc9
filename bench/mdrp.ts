import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_GREEDY, DEFAULT_ROLLING } from '../machines/meal-policy.ts';
import { loadInstance, type MdrpInstance } from '../sim/mdrp/instance.ts';
import { solveInstance } from '../sim/mdrp/solve.ts';
import type { BenchCase } from './bench-case.ts';

/** The public instances beside the checkout (`../shared/data/mdrp`), or $MDRP_DIR. */
const DIR = process.env.MDRP_DIR ?? fileURLToPath(new URL('../../shared/data/mdrp/', import.meta.url));

/** The largest instance of the set (1 185 orders, 182 couriers) and a half-size one. */
const INSTANCES = ['4o100t100s1p100', '0o50t100s1p100'];

const r2 = (v: number) => Math.round(v * 100) / 100;

/** The five days merged for the "about 3 200 orders" size of the public set's seeds 5–9. */
const MERGED = [
  '0o100t100s1p100',
  '1o100t100s1p100',
  '2o100t100s1p100',
  '3o100t100s1p100',
  '4o100t100s1p100',
];

/**
 * One city-day as large as the public set's biggest (seeds 5–9, about 3 200 orders, are not among
 * the instances here): several days of the same variant laid over one another, ids prefixed by
 * day so restaurants and couriers stay distinct. Parameters are the first day's (all days of a
 * variant share them).
 */
function mergedInstance(dirs: readonly string[]): MdrpInstance {
  const days = dirs.map((dir) => loadInstance(dir));
  const tag = (d: number, id: string) => `d${d}${id}`;
  return {
    name: `merged-${days.length}x${days[0].name.slice(1)}`,
    dir: dirs[0],
    params: days[0].params,
    restaurants: days.flatMap((day, d) => day.restaurants.map((r) => ({ ...r, id: tag(d, r.id) }))),
    orders: days.flatMap((day, d) =>
      day.orders.map((o) => ({ ...o, id: tag(d, o.id), restaurant: tag(d, o.restaurant) })),
    ),
    couriers: days.flatMap((day, d) => day.couriers.map((c) => ({ ...c, id: tag(d, c.id) }))),
  };
}

/**
 * Meal-delivery benchmark: each instance solved through the kernel with the greedy baseline and
 * the rolling-horizon policy, in this process. Figures: solve time and the headline measures; the
 * ratio is greedy's click-to-door mean over rolling's (higher is better).
 */
export async function run(): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  for (const name of INSTANCES) {
    const dir = join(DIR, name);
    if (!existsSync(dir))
      throw new Error(`mdrp bench: instance ${dir} not found (set MDRP_DIR to the instances folder)`);
    cases.push(await compare(loadInstance(dir), name));
  }
  const merged = mergedInstance(MERGED.map((name) => join(DIR, name)));
  cases.push(await compare(merged, `${MERGED.length} × o100t100s1p100 merged`));
  return cases;
}

/** Greedy and rolling on one instance, in this process. */
async function compare(instance: MdrpInstance, name: string): Promise<BenchCase> {
  const greedy = await solveInstance(instance, DEFAULT_GREEDY);
  const rolling = await solveInstance(instance, DEFAULT_ROLLING);
  const figures = (label: string, r: typeof greedy) => ({
    [`${label} solve s`]: r2(r.wallSeconds),
    [`${label} click-to-door mean`]: r2(r.measures.clickToDoor.mean),
    [`${label} click-to-door p90`]: r2(r.measures.clickToDoor.p90),
    [`${label} ready-to-pickup mean`]: r2(r.measures.readyToPickup.mean),
    [`${label} undelivered %`]: r2(100 * r.measures.undeliveredShare),
    [`${label} orders per bundle`]: r2(r.measures.ordersPerBundle),
    [`${label} rule violations`]: r.violations.length,
  });
  return {
    name: `mdrp ${name} (${instance.orders.length} orders, ${instance.couriers.length} couriers)`,
    figures: {
      ...figures('greedy', greedy),
      ...figures('rolling', rolling),
      'bound on click-to-door mean': r2(rolling.measures.clickToDoorBound),
      'published default click-to-door mean (all 240)': 32.74,
    },
    baseline: 'greedy click-to-door mean',
    ratio: r2(greedy.measures.clickToDoor.mean / rolling.measures.clickToDoor.mean),
    aim: '> 1; rolling under 10 s for about 3 200 orders',
  };
}
