import type { Inspection, RecentEvent } from '../sim/twin/wire.ts';
import { formatClock } from './sim-time.ts';

function el<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing #${id} in index.html`);
  return node as T;
}

function text(tag: string, content: string, className?: string): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
}

/** Folds runs of the same line (a courier reporting its position every two minutes) into one with a count. */
export function collapseRepeats(events: readonly RecentEvent[]): { event: RecentEvent; times: number }[] {
  const out: { event: RecentEvent; times: number }[] = [];
  for (const event of events) {
    const last = out[out.length - 1];
    if (last && last.event.text === event.text) {
      last.event = event;
      last.times++;
    } else {
      out.push({ event, times: 1 });
    }
  }
  return out;
}

/**
 * The inspector: kind, id, statechart state, key context and recent events of the selected actor,
 * with Follow and Close. It renders an Inspection exactly as the server sent it (text only, never
 * HTML, so ids and messages cannot inject markup).
 */
export class InspectorPanel {
  private readonly root = el<HTMLElement>('inspector');
  private readonly kind = el<HTMLDivElement>('inspect-kind');
  private readonly id = el<HTMLDivElement>('inspect-id');
  private readonly state = el<HTMLElement>('inspect-state');
  private readonly context = el<HTMLTableElement>('inspect-context');
  private readonly recent = el<HTMLOListElement>('inspect-recent');
  readonly follow = el<HTMLButtonElement>('follow');
  readonly close = el<HTMLButtonElement>('close-inspector');

  show(inspection: Inspection | null, following: boolean): void {
    this.root.hidden = inspection === null;
    if (!inspection) return;
    this.kind.textContent = inspection.variant
      ? `${inspection.kind} · ${inspection.variant}`
      : inspection.kind;
    this.id.textContent = inspection.id;
    this.state.textContent =
      inspection.status === 'active' ? inspection.state : `${inspection.state} (${inspection.status})`;
    this.follow.disabled = inspection.position === null;
    this.follow.classList.toggle('on', following);
    this.context.replaceChildren(
      ...Object.entries(inspection.context).map(([key, value]) => {
        const row = document.createElement('tr');
        row.append(text('td', key), text('td', value));
        return row;
      }),
    );
    this.recent.replaceChildren(
      ...collapseRepeats(inspection.recent)
        .reverse()
        .map(({ event: e, times }) => {
          const li = document.createElement('li');
          const label = times > 1 ? `${e.text} ×${times}` : e.text;
          li.append(
            text('span', formatClock(e.t), 't'),
            text('span', label, e.kind === 'state' || e.kind === 'fault' ? e.kind : ''),
          );
          return li;
        }),
    );
  }
}
