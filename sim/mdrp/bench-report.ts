import { type ChartSpec, renderSvg } from '../planner/report-charts.ts';
import { BEATEN_FIGURES, type FamilySummary, FIGURES, type FigureKey } from './bench-families.ts';
import { type BenchRecord, RECORD_COLUMNS } from './bench-record.ts';

export interface BenchMeta {
  readonly command: string;
  readonly policies: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly instances: number;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

/** One figure per family and policy as grouped bars, the published default as a dashed red line. */
function figureSpec(figure: (typeof FIGURES)[number], summaries: readonly FamilySummary[]): ChartSpec {
  const families = [...new Set(summaries.map((s) => s.family))];
  const rows = summaries.map((s) => ({ family: s.family, policy: s.policy, value: s.means[figure.key] }));
  const layers: ChartSpec[] = [
    {
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'family', type: 'nominal', sort: families, title: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'policy', type: 'nominal' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'policy', type: 'nominal', title: 'policy', legend: { orient: 'bottom' } },
      },
    },
  ];
  if (figure.published !== undefined)
    layers.push(
      {
        data: { values: [{ v: figure.published }] },
        mark: { type: 'rule', color: '#d1242f', strokeDash: [6, 4], strokeWidth: 2 },
        encoding: { y: { field: 'v', type: 'quantitative' } },
      },
      {
        data: { values: [{ v: figure.published, label: `published default ${figure.published}` }] },
        mark: { type: 'text', color: '#d1242f', align: 'left', dx: 4, dy: -7, fontSize: 10 },
        encoding: { y: { field: 'v', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
      },
    );
  return {
    $schema: 'vega-lite',
    title: { text: figure.title, anchor: 'start', fontSize: 13 },
    width: 460,
    height: 200,
    data: { values: rows },
    layer: layers,
    config: { font: 'system-ui, sans-serif', view: { stroke: '#ddd' } },
  };
}

function verdictTable(summaries: readonly FamilySummary[]): string {
  const keys: FigureKey[] = [...BEATEN_FIGURES, 'ordersPerBundle', 'clickToDoorBound', 'wallSeconds'];
  const title = (k: FigureKey) => FIGURES.find((f) => f.key === k)?.title ?? k;
  const head = `<tr><th>family</th><th>policy</th><th>instances</th>${keys.map((k) => `<th>${escapeHtml(title(k))}</th>`).join('')}</tr>`;
  const published = `<tr class="pub"><td colspan="3">published default (mean of 240 instances)</td>${keys
    .map((k) => `<td>${fmt(FIGURES.find((f) => f.key === k)?.published ?? Number.NaN)}</td>`)
    .join('')}</tr>`;
  const rows = summaries.map((s) => {
    const cells = keys.map((k) => {
      const pub = FIGURES.find((f) => f.key === k)?.published;
      const v = s.means[k];
      const cls =
        pub === undefined || !BEATEN_FIGURES.includes(k) || !Number.isFinite(v)
          ? ''
          : v <= pub
            ? 'win'
            : 'loss';
      return `<td class="${cls}">${fmt(v)}</td>`;
    });
    const failed = s.failed > 0 ? ` <span class="loss">(${s.failed} failed)</span>` : '';
    return `<tr><td>${escapeHtml(s.family)}</td><td>${escapeHtml(s.policy)}</td><td>${s.instances}${failed}</td>${cells.join('')}</tr>`;
  });
  return `<table>${head}${published}${rows.join('')}</table>`;
}

function recordTable(records: readonly BenchRecord[]): string {
  const head = `<tr>${RECORD_COLUMNS.map((c) => `<th>${c}</th>`).join('')}</tr>`;
  const rows = records.map(
    (r) =>
      `<tr>${RECORD_COLUMNS.map((c) => {
        const v = r[c];
        return `<td>${typeof v === 'number' ? fmt(v) : escapeHtml(String(v))}</td>`;
      }).join('')}</tr>`,
  );
  return `<table class="small">${head}${rows.join('')}</table>`;
}

/**
 * The bench report: one self-contained HTML page (charts rendered here to inline SVG by the
 * planner's chart renderer, no scripts, no network) — the verdict per family against the published
 * default, one chart per figure, then every run.
 */
export async function benchReportHtml(
  meta: BenchMeta,
  summaries: readonly FamilySummary[],
  records: readonly BenchRecord[],
): Promise<string> {
  const charts: string[] = [];
  for (const figure of FIGURES)
    charts.push(`<figure>${await renderSvg(figureSpec(figure, summaries))}</figure>`);
  const failed = records.filter((r) => !r.ok);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MDRP benchmark — ${escapeHtml(meta.policies.join(' vs '))}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;max-width:1200px;color:#1f2328}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d0d7de;padding:3px 7px;text-align:right}
th{background:#f6f8fa}td:first-child,td:nth-child(2){text-align:left}.small{font-size:11px}
.win{background:#dafbe1}.loss{background:#ffebe9}.pub td{background:#fff8c5;font-weight:600}
figure{display:inline-block;margin:0.5rem}code{background:#f6f8fa;padding:1px 4px}
</style></head><body>
<h1>Meal-delivery benchmark (Grubhub MDRP instances)</h1>
<p>${meta.instances} instances × ${meta.policies.length} ${meta.policies.length === 1 ? 'policy' : 'policies'}, each solved through the kernel by the meal dispatch and courier machines and checked against the eight rules. Command: <code>${escapeHtml(meta.command)}</code></p>
<p>Parameters: <code>${escapeHtml(JSON.stringify(meta.params))}</code></p>
<h2>Per family against the published default</h2>
<p>Means over the family's instances. Green: at or below the published default (mean over all 240 instances of the public set); red: above. The bound is the click-to-door mean no solution can beat on these instances.</p>
${verdictTable(summaries)}
<h2>Charts</h2>
${charts.join('\n')}
${failed.length > 0 ? `<h2>Failed runs</h2><ul>${failed.map((r) => `<li>${escapeHtml(r.instance)} (${escapeHtml(r.policy)}): ${escapeHtml(r.error)}</li>`).join('')}</ul>` : ''}
<h2>Every run</h2>
<details><summary>${records.length} runs</summary>${recordTable(records)}</details>
</body></html>
`;
}
