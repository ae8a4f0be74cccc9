import type { City } from '../city/city.ts';
import { compileCoverageArea } from '../city/coverage-area.ts';
import { RandomStreams } from '../kernel/random-streams.ts';
import { placePopulation } from '../world/population.ts';
import type { MeanEstimate } from './confidence.ts';
import { coverageMapSpec, sumCells } from './coverage-map.ts';
import { type KpiChart, kpiChartSpec, kpiPanelsSpec, renderSvg } from './report-charts.ts';
import type { SweepMeta } from './sweep-results.ts';
import type { RunRecord } from './sweep-run.ts';
import { SERVICE_LEVEL_KPIS, type SweepSummary, type VariantSummary } from './sweep-summary.ts';
import type { Variant, VaryDimension } from './vary.ts';

const MAP_CELL_METERS = 100;
const MAX_MAPS = 4;

/** The KPIs a planner reads first, with their service-level lines; every other KPI follows smaller. */
function headlineCharts(meta: SweepMeta): KpiChart[] {
  const sl = meta.serviceLevel;
  return [
    {
      column: SERVICE_LEVEL_KPIS.onTime,
      title: 'On-time rate (completed by the due time)',
      target: { value: sl.onTimeTargetRate, label: `target ≥ ${sl.onTimeTargetRate}` },
    },
    {
      column: SERVICE_LEVEL_KPIS.wait,
      title: 'Mean wait for a courier (min)',
      target: { value: sl.maxWaitMinutes, label: `limit ≤ ${sl.maxWaitMinutes} min` },
    },
    { column: 'waitMinutes.p95', title: '95th-percentile wait (min)' },
    { column: 'fulfilmentMinutes.mean', title: 'Mean time to completion (min)' },
    { column: 'demand.unserved', title: 'Unserved orders (never got a courier)' },
    { column: 'demand.late', title: 'Late orders' },
    { column: 'courierUtilization', title: 'Courier utilisation' },
    { column: 'orders.completed', title: 'Completed orders' },
  ];
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

function estimate(e: MeanEstimate | undefined): string {
  if (!e) return '–';
  return e.n > 1 ? `${fmt(e.mean)} <small>[${fmt(e.ci95[0])}, ${fmt(e.ci95[1])}]</small>` : fmt(e.mean);
}

function valuesText(values: Readonly<Record<string, string | number>>): string {
  const parts = Object.entries(values).map(([k, v]) => `${k} = ${v}`);
  return parts.length === 0 ? 'the scenario as written' : parts.join(', ');
}

/** The variants whose demand is mapped: each series' recommended size, else its largest tried. */
function mappedVariants(summary: SweepSummary): { variant: VariantSummary; why: string }[] {
  const bySeries = new Map<string, VariantSummary[]>();
  for (const v of summary.variants) bySeries.set(v.series, [...(bySeries.get(v.series) ?? []), v]);
  const out: { variant: VariantSummary; why: string }[] = [];
  for (const [series, list] of bySeries) {
    const pick = summary.smallest.get(series);
    if (pick) out.push({ variant: pick, why: 'smallest configuration meeting the service level' });
    else {
      const last = list.filter((v) => v.runs > 0).at(-1);
      if (last)
        out.push({ variant: last, why: 'no configuration met the service level; the last one tried' });
    }
  }
  return out.slice(0, MAX_MAPS);
}

async function maps(
  summary: SweepSummary,
  variants: readonly Variant[],
  records: readonly RunRecord[],
  city: City,
  meta: SweepMeta,
): Promise<string[]> {
  const out: string[] = [];
  for (const { variant, why } of mappedVariants(summary)) {
    const scenario = variants[variant.variant].scenario;
    const areas = scenario.coverageAreas.map((a) => ({
      id: a.id,
      area: compileCoverageArea(a.geometry, city.projection),
    }));
    const stores = placePopulation(scenario, city, areas, new RandomStreams(meta.baseSeed)).stores;
    const cells = sumCells(records.filter((r) => r.ok && r.variant === variant.variant).map((r) => r.cells));
    const svg = await renderSvg(
      coverageMapSpec({
        title: `Late and unserved demand — ${valuesText(variant.values)}`,
        scenario,
        city,
        stores: stores.map((s) => s.position),
        cells,
        cellMeters: MAP_CELL_METERS,
      }),
    );
    out.push(
      `<figure>${svg}<figcaption>${escapeHtml(why)}; summed over its ${variant.runs} replications. Stores as placed for seed ${meta.baseSeed}. Grey: all demand per ${MAP_CELL_METERS} m cell; orange: completed late; red: never got a courier.</figcaption></figure>`,
    );
  }
  return out;
}

function verdict(summary: SweepSummary, meta: SweepMeta): string {
  const series = [...new Set(summary.variants.map((v) => v.series))];
  const rows = series.map((s) => {
    const pick = summary.smallest.get(s);
    if (!pick)
      return `<tr><td>${escapeHtml(s)}</td><td colspan="3">none of the configurations tried meets it — try larger values</td></tr>`;
    return `<tr><td>${escapeHtml(s)}</td><td><b>${escapeHtml(valuesText(pick.values))}</b></td><td>${estimate(pick.kpis[SERVICE_LEVEL_KPIS.onTime])}</td><td>${estimate(pick.kpis[SERVICE_LEVEL_KPIS.wait])}</td></tr>`;
  });
  const sl = meta.serviceLevel;
  return `<h2>Service level</h2>
<p>Target: on-time rate ≥ <b>${sl.onTimeTargetRate}</b> and mean wait ≤ <b>${sl.maxWaitMinutes} min</b> (the scenario's <code>serviceLevel</code>), judged on the mean over the replications.</p>
<table><thead><tr><th>series</th><th>smallest configuration meeting it</th><th>on-time rate [95 % CI]</th><th>mean wait, min [95 % CI]</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function variantTable(summary: SweepSummary, charts: readonly KpiChart[]): string {
  const head = charts.map((c) => `<th>${escapeHtml(c.title)}</th>`).join('');
  const rows = summary.variants.map((v) => {
    const mark = v.meetsServiceLevel === null ? '–' : v.meetsServiceLevel ? '✔' : '✘';
    const cells = charts.map((c) => `<td>${estimate(v.kpis[c.column])}</td>`).join('');
    return `<tr><td>${escapeHtml(valuesText(v.values))}</td><td>${v.runs}${v.failed ? ` (${v.failed} failed)` : ''}</td><td>${mark}</td>${cells}</tr>`;
  });
  return `<h2>Every configuration</h2><p>Mean over the replications, 95 % confidence interval in brackets.</p>
<div class="scroll"><table><thead><tr><th>configuration</th><th>runs</th><th>meets</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1400px;padding:0 16px;color:#1f2328}
h1{font-size:22px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}small{color:#656d76}.grid{display:flex;flex-wrap:wrap;gap:12px}.grid figure{margin:0}
figure{margin:12px 0}figcaption{color:#656d76;font-size:12px;max-width:640px}.scroll{overflow-x:auto}
.partial{background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px}code{background:#f6f8fa;padding:0 3px}`;

/**
 * The self-contained report: every chart is inline SVG rendered here, the style is inline, and there
 * are no scripts, fonts or links to fetch — it opens from a file, a mail attachment or an archive.
 */
export async function reportHtml(
  meta: SweepMeta,
  dims: readonly VaryDimension[],
  variants: readonly Variant[],
  records: readonly RunRecord[],
  summary: SweepSummary,
  city: City,
): Promise<string> {
  const x = dims.find((d) => d.path === summary.xPath);
  const marked = new Set([...summary.smallest.values()].map((v) => v.variant));
  const headline = headlineCharts(meta);
  const rest = summary.columns.filter((c) => !headline.some((h) => h.column === c));
  const axes = { xTitle: x?.path ?? 'configuration', xNumeric: x?.field.kind === 'number', marked };
  const drawn = headline.filter((chart) => summary.variants.some((v) => v.kpis[chart.column]));
  const charts: string[] = [];
  for (const chart of drawn)
    charts.push(
      `<figure class="chart" data-kpi="${escapeHtml(chart.column)}">${await renderSvg(kpiChartSpec(chart, summary.variants, axes, { width: 420, height: 240 }))}</figure>`,
    );
  const panels =
    rest.length === 0
      ? ''
      : `<figure class="chart" data-kpi="${escapeHtml(rest.join(' '))}">${await renderSvg(kpiPanelsSpec(rest, summary.variants, axes, { width: 250, height: 140 }))}</figure>`;
  const failed = records.filter((r) => !r.ok).length;
  const partial =
    records.length < meta.runsPlanned
      ? `<p class="partial">Partial sweep: ${records.length} of ${meta.runsPlanned} runs finished. Finish it with the same command and <code>--resume</code>.</p>`
      : '';
  const dimsText = dims.length
    ? dims
        .map(
          (d) => `<code>${escapeHtml(d.path)}</code> ∈ {${d.values.map(String).map(escapeHtml).join(', ')}}`,
        )
        .join(' × ')
    : 'nothing (replications of the scenario as written)';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sweep report — ${escapeHtml(meta.scenario)}</title><style>${STYLE}</style></head>
<body>
<h1>Sweep report — ${escapeHtml(meta.scenario)}</h1>
${partial}
<p>Varied: ${dimsText}. ${meta.replications} replications per configuration with seeds ${meta.baseSeed}…${meta.baseSeed + meta.replications - 1}; replication <i>k</i> uses the same seed in every configuration (common random numbers), so differences between configurations are not noise between seeds. Each run simulates ${escapeHtml(meta.until)} of <code>${escapeHtml(meta.scenarioFile)}</code>. Runs: ${records.length} finished${failed ? `, ${failed} failed` : ''}.</p>
<p><b>How to read the charts:</b> each dot is the mean over the replications of one configuration, the bar around it its 95 % confidence interval (Student t). Where two bars do not overlap, the difference is real at that level. The dashed red line is the service-level target; the black ring marks the smallest configuration that meets it.</p>
${verdict(summary, meta)}
<h2>Key indicators</h2>
<div class="grid">${charts.join('\n')}</div>
<h2>Coverage map</h2>
${(await maps(summary, variants, records, city, meta)).join('\n')}
${variantTable(summary, headline)}
<h2>Every other indicator</h2>
${panels}
<p><small>Charts: Vega-Lite, rendered to SVG when the report was written. ${escapeHtml(city.attribution.replace(/\s*https?:\/\/\S+/g, ''))}</small></p>
</body></html>
`;
}
