import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { VariantSummary } from './sweep-summary.ts';

/** A Vega-Lite specification, as plain data. */
export type ChartSpec = Record<string, unknown>;

/**
 * Renders a Vega-Lite spec to an SVG string in this process (Vega's headless view, no browser, no
 * canvas), so the report is static markup that opens anywhere without scripts or a network. The
 * namespace attributes are dropped: inline SVG in HTML needs none, and the report then contains no
 * URL at all.
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.replace(/ xmlns(:xlink)?="[^"]*"/g, '');
  } finally {
    view.finalize();
  }
}

export interface KpiChart {
  readonly column: string;
  readonly title: string;
  /** A service-level line drawn across the chart. */
  readonly target?: { readonly value: number; readonly label: string };
}

const FONT = {
  font: 'system-ui, sans-serif',
  labelFont: 'system-ui, sans-serif',
  titleFont: 'system-ui, sans-serif',
};

interface Axes {
  readonly xTitle: string;
  readonly xNumeric: boolean;
  /** Variants to ring: the smallest configurations that meet the service level. */
  readonly marked: ReadonlySet<number>;
}

function rowsFor(column: string, variants: readonly VariantSummary[], marked: ReadonlySet<number>) {
  const labelledAt = new Set<unknown>();
  return variants
    .filter((v) => v.kpis[column])
    .map((v) => {
      const k = v.kpis[column];
      const x = v.x ?? 'all';
      // one label per x, however many series are ringed there
      const labelled = marked.has(v.variant) && !labelledAt.has(x);
      if (labelled) labelledAt.add(x);
      return {
        labelled,
        kpi: column,
        x,
        series: v.series,
        mean: k.mean,
        lo: k.ci95[0],
        hi: k.ci95[1],
        marked: marked.has(v.variant),
      };
    });
}

/** Mean line, CI error bars, points and the ring on marked variants, for one KPI's rows. */
function kpiLayers(
  rows: readonly { x: unknown; series: string }[],
  axes: Axes,
  yTitle: string | null,
  label: boolean,
) {
  const series = [...new Set(rows.map((r) => r.series))];
  const tried = [...new Set(rows.map((r) => r.x))];
  const x = {
    field: 'x',
    type: axes.xNumeric ? 'quantitative' : 'ordinal',
    title: axes.xTitle,
    // ticks at the values tried, so a reader never reads a configuration that was not run
    ...(axes.xNumeric
      ? { scale: { zero: false, padding: 12 }, axis: tried.length <= 24 ? { values: tried } : {} }
      : { sort: null }),
  };
  const y = { field: 'mean', type: 'quantitative', title: yTitle };
  const color =
    series.length > 1
      ? {
          field: 'series',
          type: 'nominal',
          title: null,
          legend: { orient: 'bottom', columns: 1, labelLimit: 0 },
        }
      : { value: '#1f6feb' };
  const layers: ChartSpec[] = [
    { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color } },
    {
      mark: { type: 'errorbar', ticks: true, thickness: 1.5 },
      encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle }, y2: { field: 'hi' }, color },
    },
    { mark: { type: 'point', filled: true, size: 40 }, encoding: { x, y, color } },
    {
      transform: [{ filter: 'datum.marked' }],
      mark: { type: 'point', size: 260, strokeWidth: 2.5, color: 'black', filled: false },
      encoding: { x, y },
    },
  ];
  if (label)
    layers.push({
      transform: [{ filter: 'datum.labelled' }],
      mark: { type: 'text', dy: -16, fontWeight: 'bold', fontSize: 10, text: 'smallest meeting target' },
      encoding: { x, y },
    });
  return layers;
}

/**
 * One KPI against the varied value: the mean of each variant with its 95 % confidence interval as
 * an error bar, one coloured line per series, the target as a dashed red line, and a black ring
 * with a label on the smallest configuration that meets the service level.
 */
export function kpiChartSpec(
  chart: KpiChart,
  variants: readonly VariantSummary[],
  axes: Axes,
  size: { width: number; height: number },
): ChartSpec {
  const layers = kpiLayers(rowsFor(chart.column, variants, axes.marked), axes, chart.title, true);
  if (chart.target) {
    layers.push(
      {
        data: { values: [{ target: chart.target.value }] },
        mark: { type: 'rule', color: '#d1242f', strokeDash: [6, 4], strokeWidth: 2 },
        encoding: { y: { field: 'target', type: 'quantitative' } },
      },
      {
        data: { values: [{ target: chart.target.value, label: chart.target.label }] },
        mark: { type: 'text', color: '#d1242f', align: 'left', dx: 4, dy: -7, fontSize: 10 },
        encoding: { y: { field: 'target', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
      },
    );
  }
  return {
    title: { text: chart.title, anchor: 'start', fontSize: 13 },
    width: size.width,
    height: size.height,
    data: { values: rowsFor(chart.column, variants, axes.marked) },
    layer: layers,
    config: { ...FONT, view: { stroke: '#ddd' } },
  };
}

/**
 * Many KPIs as small multiples, one panel each with its own y scale, in a single spec: one Vega
 * parse and render instead of one per KPI, which keeps writing the report fast.
 */
export function kpiPanelsSpec(
  columns: readonly string[],
  variants: readonly VariantSummary[],
  axes: Axes,
  size: { width: number; height: number },
): ChartSpec {
  const rows = columns.flatMap((c) => rowsFor(c, variants, axes.marked));
  return {
    data: { values: rows },
    facet: {
      field: 'kpi',
      type: 'nominal',
      title: null,
      sort: [...columns],
      header: { labelFontSize: 12, labelFontWeight: 'bold', labelAnchor: 'start', labelLimit: 0 },
    },
    columns: 4,
    spec: { width: size.width, height: size.height, layer: kpiLayers(rows, axes, null, false) },
    resolve: { scale: { y: 'independent' } },
    config: { ...FONT, view: { stroke: '#ddd' } },
  };
}
