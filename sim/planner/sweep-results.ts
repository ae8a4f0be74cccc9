import type { RunRecord } from './sweep-run.ts';
import type { ServiceLevel, SweepSummary } from './sweep-summary.ts';
import type { Variant, VaryDimension } from './vary.ts';

/** Everything results.json and the report say about the sweep besides the runs. */
export interface SweepMeta {
  readonly scenario: string;
  readonly scenarioFile: string;
  readonly until: string;
  readonly replications: number;
  readonly baseSeed: number;
  readonly serviceLevel: ServiceLevel;
  readonly runsPlanned: number;
}

/**
 * results.json: the sweep, every variant's means and 95 % intervals, the smallest configurations
 * meeting the service level, and every run with its seed, event-log hash and KPIs. Nothing in it
 * depends on wall time or on `--parallel`, so two sweeps with the same options are byte-identical.
 */
export function resultsJson(
  meta: SweepMeta,
  dims: readonly VaryDimension[],
  variants: readonly Variant[],
  records: readonly RunRecord[],
  summary: SweepSummary,
): string {
  const doc = {
    scenario: meta.scenario,
    scenarioFile: meta.scenarioFile,
    until: meta.until,
    replications: meta.replications,
    seeds: Array.from({ length: meta.replications }, (_, k) => meta.baseSeed + k),
    vary: dims.map((d) => ({ path: d.path, values: d.values })),
    serviceLevel: meta.serviceLevel,
    complete: records.length === meta.runsPlanned && records.every((r) => r.ok),
    runsPlanned: meta.runsPlanned,
    runsFinished: records.length,
    runsFailed: records.filter((r) => !r.ok).length,
    smallestMeetingServiceLevel: [...summary.smallest.values()].map((s) => ({
      series: s.series,
      variant: s.variant,
      values: s.values,
    })),
    variants: summary.variants.map((s) => ({
      variant: s.variant,
      values: s.values,
      runs: s.runs,
      failed: s.failed,
      meetsServiceLevel: s.meetsServiceLevel,
      kpis: s.kpis,
    })),
    runs: records.map((r) => ({
      id: r.id,
      variant: r.variant,
      values: variants[r.variant].values,
      replication: r.replication,
      seed: r.seed,
      ok: r.ok,
      ...(r.error !== undefined ? { error: r.error } : {}),
      events: r.events,
      eventLogHash: r.eventLogHash,
      kpis: r.kpis,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** results.csv: one row per run — run id, variant values, replication, seed, status, every KPI. */
export function resultsCsv(
  dims: readonly VaryDimension[],
  variants: readonly Variant[],
  records: readonly RunRecord[],
  columns: readonly string[],
): string {
  const header = [
    'run',
    'variant',
    ...dims.map((d) => d.path),
    'replication',
    'seed',
    'status',
    'error',
    'events',
    'eventLogHash',
    ...columns,
  ];
  const rows = records.map((r) => [
    r.id,
    r.variant,
    ...dims.map((d) => variants[r.variant].values[d.path]),
    r.replication,
    r.seed,
    r.ok ? 'ok' : 'failed',
    r.error ?? '',
    r.events,
    r.eventLogHash,
    ...columns.map((c) => r.kpis[c]),
  ]);
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}
