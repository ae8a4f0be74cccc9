import type { AnyActorRef } from 'xstate';

/** The parts of XState's per-system scheduler this module reads and replaces. */
interface SystemScheduler {
  schedule(source: AnyActorRef, target: AnyActorRef, event: unknown, delay: number, id?: string): void;
  cancel(source: AnyActorRef, id: string): void;
  cancelAll(source: AnyActorRef): void;
}

interface SchedulingSystem {
  scheduler: SystemScheduler;
  _snapshot: { _scheduledEvents: Record<string, unknown> };
}

const INDEXED = Symbol('citytwin.indexedScheduler');

/** Below this many remembered ids an actor's index is not pruned of timers that already fired. */
const PRUNE_FLOOR = 32;

/**
 * Makes stopping an actor cost its own pending timers instead of every timer of its system.
 *
 * XState 5's `cancelAll` (run by every actor that stops) walks all delayed events of the whole
 * actor system to find the stopping actor's. Dispatch hosts every open order as a child, so each
 * finished order scanned every other order's timers: quadratic in open orders, 11 % of a
 * generated city's run at a tenth of its size and the main cost at full size. This keeps, per
 * source actor, the ids it scheduled, and cancels exactly those that are still pending. Timers
 * are cancelled in the order XState's own scan would meet them (scheduling order), so event logs
 * are unchanged. Idempotent per system.
 */
export function indexScheduledEvents(actor: AnyActorRef): void {
  const system = actor.system as unknown as SchedulingSystem & { [INDEXED]?: true };
  if (system[INDEXED]) return;
  system[INDEXED] = true;
  const scheduler = system.scheduler;
  const { schedule, cancel } = scheduler;
  const pendingIds = new Map<AnyActorRef, { ids: Set<string>; pruneAt: number }>();
  const isPending = (source: AnyActorRef, id: string): boolean =>
    `${source.sessionId}.${id}` in system._snapshot._scheduledEvents;

  let anonymous = 0;
  scheduler.schedule = (source, target, event, delay, id) => {
    // XState draws `Math.random()` for an unnamed delayed send; a counter keeps runs repeatable.
    const scheduledId = id ?? `citytwin.anonymous.${anonymous++}`;
    schedule(source, target, event, delay, scheduledId);
    let entry = pendingIds.get(source);
    if (!entry) {
      entry = { ids: new Set(), pruneAt: PRUNE_FLOOR };
      pendingIds.set(source, entry);
    }
    entry.ids.delete(scheduledId);
    entry.ids.add(scheduledId);
    if (entry.ids.size > entry.pruneAt) {
      for (const known of entry.ids) if (!isPending(source, known)) entry.ids.delete(known);
      entry.pruneAt = Math.max(PRUNE_FLOOR, entry.ids.size * 2);
    }
  };
  scheduler.cancel = (source, id) => {
    cancel(source, id);
    pendingIds.get(source)?.ids.delete(id);
  };
  scheduler.cancelAll = (source) => {
    const entry = pendingIds.get(source);
    if (!entry) return;
    pendingIds.delete(source);
    for (const id of entry.ids) if (isPending(source, id)) cancel(source, id);
  };
}
