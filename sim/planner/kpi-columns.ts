/**
 * KPIs as flat columns: every finite number in the run's KPI object, keyed by its dotted path
 * ("waitMinutes.p95", "byFlow.errand.completed"), in the object's own order. Lists (the violation
 * texts) are left out; a CSV cell holds one number.
 */
export function flattenKpis(
  value: unknown,
  prefix = '',
  out: Record<string, number> = {},
): Record<string, number> {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && prefix !== '') out[prefix] = value;
    return out;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [key, v] of Object.entries(value)) flattenKpis(v, prefix === '' ? key : `${prefix}.${key}`, out);
  return out;
}

/** Every column that appears in any run, in order of first appearance (runs come sorted by id). */
export function kpiColumns(runs: readonly { readonly kpis: Readonly<Record<string, number>> }[]): string[] {
  const seen = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.kpis)) seen.add(k);
  return [...seen];
}
