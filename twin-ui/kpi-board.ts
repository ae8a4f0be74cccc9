import type { KpiSnapshot } from '../sim/twin/wire.ts';
import { type ShapeName, shapeIcon } from './actor-shapes.ts';
import { AREA_COLORS, cssColor, stateColor, topLevel } from './state-colors.ts';
import type { TwinState } from './twin-state.ts';

function el<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing #${id} in index.html`);
  return node as T;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function percent(v: number): string {
  return `${(v * 100).toFixed(1)} %`;
}

/** The KPI block: headline numbers, then orders by flow. */
export function kpiHtml(k: KpiSnapshot): string {
  const rows = Object.entries(k.byFlow)
    .map(
      ([flow, c]) =>
        `<tr><td>${escapeHtml(flow)}</td><td class="n">${c.created}</td><td class="n">${c.completed}</td><td class="n">${c.cancelled}</td><td class="n">${c.open}</td></tr>`,
    )
    .join('');
  return `<div class="kpi-big">
      <div><b data-kpi="onTime">${percent(k.onTimeRate)}</b><span>on time</span></div>
      <div><b data-kpi="utilisation">${percent(k.courierUtilization)}</b><span>courier utilisation</span></div>
      <div><b data-kpi="waiting">${k.waitingOrders}</b><span>waiting orders</span></div>
      <div><b data-kpi="late">${k.lateOrders}</b><span>late orders</span></div>
      <div><b>${k.meanWaitMinutes.toFixed(1)} min</b><span>mean wait to assign</span></div>
      <div><b${k.invariantViolations > 0 ? ' style="color:#ef4444"' : ''}>${k.invariantViolations}</b><span>invariant violations</span></div>
    </div>
    <table><tr class="muted"><td>orders</td><td class="n">new</td><td class="n">done</td><td class="n">cxl</td><td class="n">open</td></tr>${rows || '<tr><td colspan="5" class="muted">no orders yet</td></tr>'}</table>`;
}

/**
 * Left column: live KPIs, the legend (every drawn class with its shape, count and the colours of
 * the states its actors are in now) and the overlay switches.
 */
export class KpiBoard {
  private readonly kpis = el<HTMLDivElement>('kpis');
  private readonly legend = el<HTMLDivElement>('legend');
  private readonly overlays = el<HTMLDivElement>('overlays');
  private lastKpis: KpiSnapshot | null = null;

  constructor(private readonly state: TwinState) {}

  /** Adds a checkbox; `?key=0` or `?key=1` in the page URL overrides its default. */
  addToggle(key: string, label: string, initial: boolean, apply: (on: boolean) => void): void {
    const param = new URLSearchParams(location.search).get(key);
    const on = param === null ? initial : param !== '0';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = on;
    box.dataset.overlay = key;
    box.addEventListener('change', () => apply(box.checked));
    const wrap = document.createElement('label');
    wrap.append(box, ` ${label}`);
    this.overlays.append(wrap);
    apply(on);
  }

  /** Once a second: KPIs (when new) and the legend's live counts. */
  render(shapes: readonly { shape: ShapeName }[]): void {
    // A recorded log carries no KPIs: hide the section instead of showing zeros.
    const section = this.kpis.parentElement;
    if (section) section.hidden = this.state.hello?.replay === true;
    const k = this.state.kpis;
    if (k && k !== this.lastKpis) {
      this.lastKpis = k;
      this.kpis.innerHTML = kpiHtml(k);
    }
    const s = this.state;
    const areas = (s.hello?.areas ?? [])
      .map(
        (a, i) =>
          `<div class="legend-state"><i style="background:${cssColor(AREA_COLORS[i % AREA_COLORS.length])}"></i>${escapeHtml(a.name)}</div>`,
      )
      .join('');
    this.legend.innerHTML = `${areas ? `<div class="legend-class"><b>coverage areas</b></div>${areas}` : ''}${s.roster.classes
      .map((c, ci) => {
        const counts = new Map<string, number>();
        for (const [name, n] of s.stateCounts(ci))
          counts.set(topLevel(name), (counts.get(topLevel(name)) ?? 0) + n);
        const states = [...counts]
          .sort((a, b) => b[1] - a[1])
          .map(
            ([name, n]) =>
              `<div class="legend-state"><i style="background:${cssColor(stateColor(name, c.kind))}"></i>${escapeHtml(name)}<span class="count">${n}</span></div>`,
          )
          .join('');
        const icon = shapes[ci] ? shapeIcon(shapes[ci].shape, '#cbd5e1') : '';
        return `<div class="legend-class" data-class="${escapeHtml(c.key)}">${icon}<b>${escapeHtml(c.key)}</b><span class="count">${s.members[ci].length}</span></div>${states}`;
      })
      .join('')}`;
  }
}
