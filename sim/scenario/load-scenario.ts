import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { adapterProblems } from './adapters-schema.ts';
import { type Scenario, scenarioSchema } from './schema.ts';

/** A scenario that failed validation; `problems` lists every one as `path: expected …, got …`. */
export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n  ${problems.join('\n  ')}`,
    );
    this.name = 'ScenarioError';
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `${typeof value} ${String(value)}`;
}

/** Wording of a size bound: "exactly 24 items" for fixed-length arrays, "at least 1 items", ">= 0". */
function bound(origin: string, exact: boolean | undefined, words: string, symbol: string): string {
  if (exact) return origin === 'array' ? 'exactly' : '=';
  return origin === 'array' ? words : symbol;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      return `${where}: expected ${issue.expected}, got ${describe(input)}`;
    case 'unrecognized_keys':
      return `${where}: expected no field ${issue.keys.map((k) => `"${k}"`).join(', ')}, got ${issue.keys.length === 1 ? 'it' : 'them'} (unknown field)`;
    case 'invalid_value':
      return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(input)}`;
    case 'too_small':
      return `${where}: expected ${bound(issue.origin, issue.exact, 'at least', issue.inclusive === false ? '>' : '>=')} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}, got ${describe(input)}`;
    case 'too_big':
      return `${where}: expected ${bound(issue.origin, issue.exact, 'at most', issue.inclusive === false ? '<' : '<=')} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}, got ${describe(input)}`;
    default:
      return `${where}: ${issue.message.replace(/^Invalid input: /, '')}${input !== undefined ? `, got ${describe(input)}` : ''}`;
  }
}

/** Cross-field rules zod cannot see: references between areas, stores, zones and ids. */
function semanticProblems(s: Scenario): string[] {
  const out: string[] = [];
  const areaIds = new Set<string>();
  s.coverageAreas.forEach((a, i) => {
    if (areaIds.has(a.id)) out.push(`coverageAreas[${i}].id: expected a unique id, got duplicate "${a.id}"`);
    areaIds.add(a.id);
  });
  const storeIds = new Set<string>();
  s.stores.list.forEach((st, i) => {
    if (storeIds.has(st.id)) out.push(`stores.list[${i}].id: expected a unique id, got duplicate "${st.id}"`);
    storeIds.add(st.id);
    if (!areaIds.has(st.area))
      out.push(`stores.list[${i}].area: expected one of the coverage area ids, got "${st.area}"`);
  });
  if (s.stores.list.length === 0 && s.stores.perArea === 0)
    out.push('stores: expected at least one store (list or perArea), got none');
  const errand = s.demand.errand;
  if (errand) {
    for (const zone of Object.keys(errand.zones ?? {}))
      if (!areaIds.has(zone))
        out.push(`demand.errand.zones.${zone}: expected a coverage area id, got "${zone}"`);
    if (errand.hourly.every((w) => w === 0))
      out.push('demand.errand.hourly: expected some weight above 0, got all 0');
    if (Object.values(errand.categories).every((w) => !w))
      out.push('demand.errand.categories: expected some category weight above 0, got none');
    const c = s.fleet.couriers;
    if (errand.perDay > 0 && c.professional.count + c.ordinary.count === 0)
      out.push('fleet.couriers: expected at least one courier for errand demand, got 0');
  }
  out.push(...flowProblems(s, areaIds));
  out.push(
    ...adapterProblems(s.adapters, {
      vehicles: s.fleet.vehicles.count + s.fleet.vehicles.rentalPool,
      robots: s.fleet.robots.count,
      storeIds: s.stores.list.map((st) => st.id),
      perAreaStores: s.stores.perArea > 0,
    }),
  );
  s.fleet.couriers.shifts.forEach((sh, i) => {
    if (sh.start === sh.end)
      out.push(`fleet.couriers.shifts[${i}]: expected start != end, got both ${sh.start}`);
  });
  return out;
}

/** Cross-field rules of the four flows beyond errands: each demand needs the fleet it uses. */
function flowProblems(s: Scenario, areaIds: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const v = s.fleet.vehicles;
  const d = s.demand;
  if (v.withBeacons > v.count)
    out.push(
      `fleet.vehicles.withBeacons: expected at most fleet.vehicles.count (${v.count}), got ${v.withBeacons}`,
    );
  const needs: [string, number, string, number][] = [
    ['trunk', d.trunk.perDay, 'fleet.vehicles.count', v.count],
    ['trips', d.trips.perDay, 'fleet.vehicles.count', v.count],
    ['preorder', d.preorder.perDay, 'fleet.vehicles.withBeacons', v.withBeacons],
    ['rental', d.rental.perDay, 'fleet.vehicles.rentalPool', v.rentalPool],
    ['robot', d.robot.perDay, 'fleet.robots.count', s.fleet.robots.count],
  ];
  for (const [flow, perDay, field, have] of needs)
    if (perDay > 0 && have === 0) out.push(`${field}: expected at least 1 for demand.${flow}, got 0`);
  if (d.trunk.perDay > 0 && s.fleet.couriers.professional.count === 0)
    out.push('fleet.couriers.professional.count: expected at least 1 for demand.trunk, got 0');
  for (const flow of ['trunk', 'trips', 'rental', 'preorder', 'robot'] as const) {
    const demand = d[flow];
    for (const zone of Object.keys(demand.zones ?? {}))
      if (!areaIds.has(zone))
        out.push(`demand.${flow}.zones.${zone}: expected a coverage area id, got "${zone}"`);
    if (demand.perDay > 0 && demand.hourly.every((w) => w === 0))
      out.push(`demand.${flow}.hourly: expected some weight above 0, got all 0`);
  }
  for (const [field, range] of [
    ['demand.trunk.goodsCents', d.trunk.goodsCents],
    ['demand.trips.distanceM', d.trips.distanceM],
    ['demand.rental.minutes', d.rental.minutes],
    ['demand.preorder.totalCents', d.preorder.totalCents],
  ] as const)
    if (range[0] > range[1])
      out.push(`${field}: expected [min, max] with min <= max, got [${range[0]}, ${range[1]}]`);
  const ids = new Set<string>();
  s.fleet.robots.products.forEach((p, i) => {
    if (ids.has(p.id))
      out.push(`fleet.robots.products[${i}].id: expected a unique id, got duplicate "${p.id}"`);
    ids.add(p.id);
  });
  return out;
}

/** Validates a parsed JSON value as a scenario; throws `ScenarioError` with every problem found. */
export function parseScenario(raw: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ScenarioError(source, result.error.issues.map(formatIssue));
  const problems = semanticProblems(result.data);
  if (problems.length > 0) throw new ScenarioError(source, problems);
  return result.data;
}

/** Reads and validates a scenario file; JSON syntax errors are reported with their position. */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(path, [
      `(file): expected a readable scenario file, got ${(err as NodeJS.ErrnoException).code ?? 'an error'}`,
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(path, [`(file): expected valid JSON, got ${(err as Error).message}`]);
  }
  return parseScenario(raw, path);
}
