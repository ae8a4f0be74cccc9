import type { LogEntry } from '../kernel/event-log.ts';
import type { ViewedActor } from '../world/world-view.ts';
import type { TwinView } from './twin-source.ts';
import type { Inspection, RecentEvent } from './wire.ts';

/** Context keys shown at most (the panel is a glance, not a dump). */
const MAX_KEYS = 24;
const MAX_TEXT = 96;

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function isPoint(v: unknown): v is { x: number; y: number } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { x?: unknown }).x === 'number' &&
    typeof (v as { y?: unknown }).y === 'number'
  );
}

/** One context value as a short string: points as coordinates, collections summarised, ids kept. */
export function summarize(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return clip(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (typeof value === 'boolean') return String(value);
  if (isPoint(value)) return `(${value.x.toFixed(0)}, ${value.y.toFixed(0)}) m`;
  if (Array.isArray(value)) {
    if (value.length <= 6 && value.every((v) => typeof v !== 'object')) return clip(value.join(', '));
    return `[${value.length} items]`;
  }
  if (typeof value === 'object') {
    if (typeof (value as { getSnapshot?: unknown }).getSnapshot === 'function') return 'actor';
    const record = value as Record<string, unknown>;
    const id = record.orderId ?? record.id;
    const keys = Object.keys(record);
    if (typeof id === 'string')
      return clip(`${id} {${keys.filter((k) => k !== 'orderId' && k !== 'id').join(', ')}}`);
    return keys.length <= 4
      ? clip(JSON.stringify(value, (_k, v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v)))
      : `{${keys.length} keys}`;
  }
  return typeof value;
}

function messageText(msg: unknown): string {
  if (typeof msg !== 'object' || msg === null) return String(msg);
  const m = msg as Record<string, unknown>;
  const ref = m.orderId ?? m.requestId;
  return `${String(m.type)}${typeof ref === 'string' ? ` ${ref}` : ''}`;
}

/** A log entry as the actor experienced it: what it sent, received, became. */
export function describe(entry: LogEntry, id: string): RecentEvent {
  switch (entry.kind) {
    case 'msg':
      return entry.from === id
        ? { t: entry.t, kind: 'sent', text: `→ ${entry.to}: ${messageText(entry.msg)}` }
        : { t: entry.t, kind: 'received', text: `← ${entry.from}: ${messageText(entry.msg)}` };
    case 'state':
      return { t: entry.t, kind: 'state', text: `state ${entry.state}` };
    case 'fault':
      return {
        t: entry.t,
        kind: 'fault',
        text: `${entry.fault}${entry.delayMs ? ` +${entry.delayMs} ms` : ''} ${entry.from} → ${entry.to}: ${messageText(entry.msg)}`,
      };
    default:
      return { t: entry.t, kind: 'note', text: entry.note };
  }
}

/**
 * What the panel shows for one actor: kind, statechart state, key context and recent history,
 * plus the remaining route of a travelling actor for the route overlay. Works for any id the world
 * answers to — drawn actors, dispatch, and orders inside dispatch.
 */
export function inspect(view: TwinView, id: string, actor: ViewedActor | null): Inspection | null {
  if (!view.exists(id)) return null;
  const ctx = view.context(id) ?? {};
  const context: Record<string, string> = {};
  for (const key of Object.keys(ctx).slice(0, MAX_KEYS)) context[key] = summarize(ctx[key]);
  const position = actor ? view.locate(actor) : null;
  const route = view.remainingRoute(id);
  const last = route?.[route.length - 1] ?? null;
  return {
    id,
    kind: actor?.kind ?? view.kindOf(id) ?? 'order',
    variant: actor?.variant ?? null,
    state: view.state(id),
    status: view.status(id),
    context,
    recent: view.recent(id).map((e) => describe(e, id)),
    position: position ? { x: position.x, y: position.y } : null,
    route: route ? Float32Array.from(route.flatMap((p) => [p.x, p.y])).buffer : null,
    destination: last ? { x: last.x, y: last.y } : null,
    simTime: view.now,
  };
}
