import { z } from 'zod';
import { UserError } from '../cli/user-error.ts';
import { scenarioSchema } from '../scenario/schema.ts';

/** A scenario field the planner can vary: a number (maybe integer) or one of an enum's words. */
export type FieldKind =
  | { readonly kind: 'number'; readonly integer: boolean; readonly min?: number; readonly max?: number }
  | { readonly kind: 'enum'; readonly options: readonly string[] };

export interface ScenarioField {
  /** The path as written canonically: dots between fields, `[i]` for array items. */
  readonly path: string;
  readonly segments: readonly (string | number)[];
  readonly field: FieldKind;
}

type Segment = string | number;

/** "fleet.couriers.shifts[0].share" or "…shifts.0.share" → ['fleet', 'couriers', 'shifts', 0, 'share']. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m || (m[1] === '' && m[2] === ''))
      throw new UserError(`--vary ${path}: expected a path like a.b.c or a.b[0].c`);
    if (m[1] !== '') out.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/** Strips the wrappers that do not change what a value is (defaults, optionals, pipes). */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    if (
      s instanceof z.ZodDefault ||
      s instanceof z.ZodPrefault ||
      s instanceof z.ZodOptional ||
      s instanceof z.ZodNullable
    )
      s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodCatch) s = s.def.innerType as z.ZodType;
    else if (s instanceof z.ZodReadonly) s = s.def.innerType as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.def.in as z.ZodType;
    else return s;
  }
}

function leafKind(schema: z.ZodType): FieldKind | undefined {
  if (schema instanceof z.ZodNumber) {
    return {
      kind: 'number',
      integer: schema.isInt,
      ...(Number.isFinite(schema.minValue) ? { min: schema.minValue as number } : {}),
      ...(Number.isFinite(schema.maxValue) ? { max: schema.maxValue as number } : {}),
    };
  }
  if (schema instanceof z.ZodEnum) return { kind: 'enum', options: schema.options.map(String) };
  return undefined;
}

function describeSchema(schema: z.ZodType): string {
  if (schema instanceof z.ZodObject) return `an object (fields: ${Object.keys(schema.shape).join(', ')})`;
  if (schema instanceof z.ZodArray || schema instanceof z.ZodTuple) return 'a list';
  if (schema instanceof z.ZodString) return 'a text field';
  if (schema instanceof z.ZodBoolean) return 'a yes/no field';
  if (schema instanceof z.ZodRecord) return 'a map';
  return 'a field that is neither a number nor an enum';
}

/** The union option that describes the current value (or, with no value, the first with the key). */
function unionOption(schema: z.ZodUnion, value: unknown, key: Segment): z.ZodType | undefined {
  const options = schema.options as readonly z.ZodType[];
  if (value !== undefined) {
    const fit = options.find((o) => o.safeParse(value).success);
    if (fit) return fit;
  }
  return options.find((o) => {
    const u = unwrap(o);
    return u instanceof z.ZodObject && typeof key === 'string' && key in u.shape;
  });
}

/**
 * Finds a field of the scenario by path, checked against the zod schema (not against whatever the
 * file happens to contain), so a typo fails before any run with the list of fields that exist.
 * A path to a group that has a `count` (a courier group) means that count, as planners say
 * "vary fleet.couriers.professional".
 */
export function resolveField(path: string, scenario: unknown): ScenarioField {
  const segments = parsePath(path);
  let schema: z.ZodType = scenarioSchema;
  let value: unknown = scenario;
  const walked: Segment[] = [];
  for (const seg of segments) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodUnion) {
      const option = unionOption(schema, value, seg);
      if (!option) throw new UserError(`--vary ${path}: "${seg}" fits no form of ${formatPath(walked)}`);
      schema = unwrap(option);
    }
    const where = walked.length === 0 ? 'the scenario' : formatPath(walked);
    if (schema instanceof z.ZodObject) {
      const shape = schema.shape as Record<string, z.ZodType>;
      if (typeof seg !== 'string' || !(seg in shape))
        throw new UserError(
          `--vary ${path}: "${seg}" is not a field of ${where}; expected one of ${Object.keys(shape).join(', ')}`,
        );
      schema = shape[seg];
    } else if (schema instanceof z.ZodArray || schema instanceof z.ZodTuple) {
      const length = Array.isArray(value) ? value.length : 0;
      if (typeof seg !== 'number' || seg >= length)
        throw new UserError(
          `--vary ${path}: ${where} is a list of ${length}; expected an index 0..${Math.max(0, length - 1)}, got "${seg}"`,
        );
      schema =
        schema instanceof z.ZodArray
          ? (schema.element as z.ZodType)
          : ((schema.def.items as readonly z.ZodType[])[seg] ?? (schema.def.rest as z.ZodType));
    } else if (schema instanceof z.ZodRecord) {
      if (!z.safeParse(schema.keyType, String(seg)).success)
        throw new UserError(`--vary ${path}: "${seg}" is not a valid key of ${where}`);
      schema = schema.valueType as z.ZodType;
    } else {
      throw new UserError(`--vary ${path}: ${where} is ${describeSchema(schema)}, it has no field "${seg}"`);
    }
    walked.push(seg);
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[seg] : undefined;
  }
  schema = unwrap(schema);
  let field = leafKind(schema);
  if (!field && schema instanceof z.ZodObject && 'count' in schema.shape) {
    field = leafKind(unwrap(schema.shape.count as z.ZodType));
    if (field) walked.push('count');
  }
  if (!field)
    throw new UserError(`--vary ${path}: expected a numeric or enum field, got ${describeSchema(schema)}`);
  return { path: formatPath(walked), segments: walked, field };
}

/** A deep copy of `scenario` with one field set (missing objects on the way are created). */
export function withField<T>(scenario: T, segments: readonly Segment[], value: unknown): T {
  const copy = structuredClone(scenario);
  let node = copy as Record<string | number, unknown>;
  segments.forEach((seg, i) => {
    if (i === segments.length - 1) {
      node[seg] = value;
      return;
    }
    if (node[seg] === null || typeof node[seg] !== 'object')
      node[seg] = typeof segments[i + 1] === 'number' ? [] : {};
    node = node[seg] as Record<string | number, unknown>;
  });
  return copy;
}
