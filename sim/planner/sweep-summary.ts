import type { Scenario } from '../scenario/schema.ts';
import { type MeanEstimate, meanEstimate } from './confidence.ts';
import { kpiColumns } from './kpi-columns.ts';
import type { RunRecord } from './sweep-run.ts';
import type { Variant, VaryDimension, VaryValue } from './vary.ts';

export interface ServiceLevel {
  readonly onTimeTargetRate: number;
  readonly maxWaitMinutes: number;
}

/** The KPIs the service level is judged on, and the side of the target that passes. */
export const SERVICE_LEVEL_KPIS = {
  onTime: 'onTimeRate',
  wait: 'waitMinutes.mean',
} as const;

export interface VariantSummary {
  readonly variant: number;
  readonly values: Readonly<Record<string, VaryValue>>;
  /** The variant's values except the x dimension, as "path=value, …" ("all" with one dimension). */
  readonly series: string;
  readonly x: VaryValue | null;
  readonly runs: number;
  readonly failed: number;
  readonly kpis: Readonly<Record<string, MeanEstimate>>;
  /** Mean on-time rate at or above the target and mean wait at or below the limit; null without runs. */
  readonly meetsServiceLevel: boolean | null;
}

export interface SweepSummary {
  readonly xPath: string | null;
  readonly columns: readonly string[];
  readonly variants: readonly VariantSummary[];
  /** Per series, the smallest x whose variant meets the service level (absent when none does). */
  readonly smallest: ReadonlyMap<string, VariantSummary>;
}

/** The x axis of every chart: the first numeric `--vary`, else the first one. */
export function xDimension(dims: readonly VaryDimension[]): VaryDimension | undefined {
  return dims.find((d) => d.field.kind === 'number') ?? dims[0];
}

export function serviceLevelOf(scenario: Scenario): ServiceLevel {
  return {
    onTimeTargetRate: scenario.serviceLevel.onTimeTargetRate,
    maxWaitMinutes: scenario.serviceLevel.maxWaitMinutes,
  };
}

/**
 * Means and 95 % intervals per variant and KPI over its replications, the service-level verdict,
 * and per series the smallest configuration that meets it — what the report draws and the
 * planner decides on. Deterministic: records come sorted by run id.
 */
export function summarize(
  dims: readonly VaryDimension[],
  variants: readonly Variant[],
  records: readonly RunRecord[],
  level: ServiceLevel,
): SweepSummary {
  const ok = records.filter((r) => r.ok);
  const columns = kpiColumns(ok);
  const x = xDimension(dims);
  const others = dims.filter((d) => d !== x);
  const summaries = variants.map((v): VariantSummary => {
    const mine = ok.filter((r) => r.variant === v.index);
    const kpis: Record<string, MeanEstimate> = {};
    for (const c of columns) {
      const values = mine.map((r) => r.kpis[c]).filter((n) => n !== undefined);
      if (values.length > 0) kpis[c] = meanEstimate(values);
    }
    const onTime = kpis[SERVICE_LEVEL_KPIS.onTime];
    const wait = kpis[SERVICE_LEVEL_KPIS.wait];
    return {
      variant: v.index,
      values: v.values,
      series: others.length === 0 ? 'all' : others.map((d) => `${d.path}=${v.values[d.path]}`).join(', '),
      x: x ? v.values[x.path] : null,
      runs: mine.length,
      failed: records.filter((r) => r.variant === v.index && !r.ok).length,
      kpis,
      meetsServiceLevel:
        onTime && wait ? onTime.mean >= level.onTimeTargetRate && wait.mean <= level.maxWaitMinutes : null,
    };
  });
  const smallest = new Map<string, VariantSummary>();
  const order = (s: VariantSummary) => (x ? x.values.indexOf(s.x as VaryValue) : s.variant);
  const byX = [...summaries].sort((a, b) => {
    if (x?.field.kind === 'number') return (a.x as number) - (b.x as number) || a.variant - b.variant;
    return order(a) - order(b) || a.variant - b.variant;
  });
  for (const s of byX) if (s.meetsServiceLevel && !smallest.has(s.series)) smallest.set(s.series, s);
  return { xPath: x?.path ?? null, columns, variants: summaries, smallest };
}
