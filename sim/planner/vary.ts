import { UserError } from '../cli/user-error.ts';
import { parseScenario, ScenarioError } from '../scenario/load-scenario.ts';
import type { Scenario } from '../scenario/schema.ts';
import { type FieldKind, resolveField, withField } from './scenario-path.ts';

export type VaryValue = number | string;

/** One `--vary`: a scenario field and the values it takes, in the order given. */
export interface VaryDimension {
  readonly path: string;
  readonly segments: readonly (string | number)[];
  readonly field: FieldKind;
  readonly values: readonly VaryValue[];
}

/** One combination of the varied values, with the validated scenario it produces. */
export interface Variant {
  readonly index: number;
  readonly values: Readonly<Record<string, VaryValue>>;
  readonly scenario: Scenario;
}

const MAX_VALUES = 10_000;

/** Rounds away binary noise so 0.1..0.3:0.1 gives 0.3, not 0.30000000000000004. */
function tidy(v: number): number {
  return Number(v.toPrecision(12));
}

function parseNumber(spec: string, text: string, field: FieldKind & { kind: 'number' }): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n))
    throw new UserError(`--vary ${spec}: expected numbers, got "${text}"`);
  if (field.integer && !Number.isInteger(n))
    throw new UserError(`--vary ${spec}: expected integers for this field, got ${text}`);
  return n;
}

function parseValues(spec: string, rhs: string, field: FieldKind): VaryValue[] {
  const range = /^\s*(-?[\d.e+-]+)\s*\.\.\s*(-?[\d.e+-]+)\s*(?::\s*([\d.e+-]+)\s*)?$/.exec(rhs);
  if (range) {
    if (field.kind !== 'number')
      throw new UserError(`--vary ${spec}: a range needs a numeric field; list the values as a,b,c`);
    const from = parseNumber(spec, range[1], field);
    const to = parseNumber(spec, range[2], field);
    const step = range[3] === undefined ? 1 : Number(range[3]);
    if (!(step > 0)) throw new UserError(`--vary ${spec}: expected a step above 0, got ${range[3]}`);
    if (to < from)
      throw new UserError(`--vary ${spec}: expected a range from low to high, got ${from}..${to}`);
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > MAX_VALUES)
      throw new UserError(`--vary ${spec}: expected at most ${MAX_VALUES} values, got ${count}`);
    return Array.from({ length: count }, (_, i) => tidy(from + i * step));
  }
  const items = rhs.split(',').map((s) => s.trim());
  if (items.some((s) => s === ''))
    throw new UserError(`--vary ${spec}: expected a,b,c or low..high:step, got "${rhs}"`);
  const values: VaryValue[] =
    field.kind === 'number'
      ? items.map((s) => parseNumber(spec, s, field))
      : items.map((s) => {
          if (!field.options.includes(s))
            throw new UserError(
              `--vary ${spec}: expected one of ${field.options.map((o) => `"${o}"`).join(', ')}, got "${s}"`,
            );
          return s;
        });
  const seen = new Set<VaryValue>();
  for (const v of values) {
    if (seen.has(v)) throw new UserError(`--vary ${spec}: value ${v} is listed twice`);
    seen.add(v);
  }
  return values;
}

/** Validates a variant scenario; a problem is reported in the words of the `--vary` that caused it. */
function check(scenario: unknown, source: string, what: string): Scenario {
  try {
    return parseScenario(scenario, source);
  } catch (err) {
    if (err instanceof ScenarioError) throw new UserError(`--vary ${what}: ${err.problems[0]}`);
    throw err;
  }
}

/**
 * Parses every `--vary path=values` against the scenario schema and the base scenario, and checks
 * that every value of every dimension, and every combination, is a valid scenario — so a sweep of
 * hours never dies at run 37 on a typo.
 */
export function parseVary(specs: readonly string[], base: Scenario, source: string): VaryDimension[] {
  const dims: VaryDimension[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1)
      throw new UserError(
        `--vary: expected path=values (e.g. dispatch.policy=nearest,batched), got "${spec}"`,
      );
    const resolved = resolveField(spec.slice(0, eq).trim(), base);
    if (dims.some((d) => d.path === resolved.path))
      throw new UserError(`--vary ${spec}: ${resolved.path} is varied twice`);
    const values = parseValues(spec, spec.slice(eq + 1), resolved.field);
    for (const v of values) check(withField(base, resolved.segments, v), source, `${resolved.path}=${v}`);
    dims.push({ ...resolved, values });
  }
  return dims;
}

/** Every combination, the first `--vary` outermost; variant i's values are the i-th in this order. */
export function expandVariants(dims: readonly VaryDimension[], base: Scenario, source: string): Variant[] {
  let combos: Record<string, VaryValue>[] = [{}];
  for (const d of dims) combos = combos.flatMap((c) => d.values.map((v) => ({ ...c, [d.path]: v })));
  return combos.map((values, index) => {
    let scenario: unknown = base;
    for (const d of dims) scenario = withField(scenario, d.segments, values[d.path]);
    const what = dims.map((d) => `${d.path}=${values[d.path]}`).join(' ');
    return { index, values, scenario: dims.length === 0 ? base : check(scenario, source, what) };
  });
}
