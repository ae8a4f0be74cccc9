import type { Point } from '../../machines/protocol.ts';
import type { LogEntry } from '../kernel/event-log.ts';
import type { Kpis } from '../world/metrics.ts';
import type { OrderMark, ViewedActor } from '../world/world-view.ts';
import type { ReplayIndex } from './replay-index.ts';
import { kindOfId, type ReplayLayout } from './replay-layout.ts';
import type { TwinView } from './twin-source.ts';

/** Entries kept in an actor's recent history, as the live view keeps. */
const HISTORY_LENGTH = 40;

const NO_SUMMARY = { mean: 0, p50: 0, p95: 0 };

/**
 * A recorded run at one instant, read by the twin exactly as it reads a live world. Everything is
 * answered from the index at the current cursor (the entries at or before `now`), so what the
 * panel shows at t is what the log says happened by t — no machine runs, nothing is guessed, except
 * where actors without reported positions are drawn (see ReplayLayout). KPIs are not in an event
 * log: they stay zero (the viewer hides its KPI panel for a replay), and the inspector's counts of
 * messages and faults stand in for them.
 */
export class ReplayView implements TwinView {
  private time: number;
  private cursor: number;
  private readonly listeners: ((entry: LogEntry) => void)[] = [];
  private readonly drawn: readonly { id: string; kind: string }[];
  readonly world: TwinView['world'];

  constructor(
    private readonly index: ReplayIndex,
    private readonly layout: ReplayLayout,
  ) {
    this.time = index.startTime;
    this.cursor = index.cursorAt(this.time);
    this.drawn = layout.actors.map((a) => ({ id: a.id, kind: a.kind }));
    this.world = {
      actorIds: () => this.drawn,
      log: { onEntry: (listener) => this.listeners.push(listener) },
    };
  }

  get now(): number {
    return this.time;
  }

  /**
   * Moves the replay to exactly `t`. Forward, every entry passed is told to the listeners (the
   * broadcaster sends state changes as it hears them); backward, nothing is (the caller rebuilds).
   */
  moveTo(t: number): void {
    const cursor = this.index.cursorAt(t);
    const from = this.cursor;
    this.time = t;
    this.cursor = cursor;
    for (let i = from; i < cursor; i++) for (const l of this.listeners) l(this.index.entries[i]);
  }

  actors(): ViewedActor[] {
    return [...this.layout.actors];
  }

  locate(actor: ViewedActor, t = this.time): Point | null {
    return this.layout.locate(actor.id, t === this.time ? this.cursor : this.index.cursorAt(t));
  }

  state(id: string): string {
    return this.index.stateAt(id, this.cursor) ?? 'unknown';
  }

  status(id: string): string {
    return this.index.knows(id) ? 'active' : 'unknown';
  }

  /** What the log tells about an actor by now: where it said it was and how much it sent, got and lost. */
  context(id: string): Record<string, unknown> | null {
    if (!this.index.knows(id)) return null;
    const counts = this.index.countsAt(id, this.cursor);
    const position = this.index.positionAt(id, this.cursor);
    return {
      ...(position ? { reportedPosition: position } : {}),
      messagesSent: counts.sent,
      messagesReceived: counts.received,
      faults: counts.faults,
      notes: counts.notes,
    };
  }

  kindOf(id: string): string | null {
    if (id === 'dispatch') return 'dispatch';
    return kindOfId(id)?.kind ?? null;
  }

  exists(id: string): boolean {
    return this.index.knows(id);
  }

  recent(id: string): readonly LogEntry[] {
    return this.index.recentAt(id, this.cursor, HISTORY_LENGTH);
  }

  remainingRoute(): Point[] | null {
    return null;
  }

  kpis(): Kpis {
    const orders = { created: 0, completed: 0, cancelled: 0, refunded: 0, open: 0 };
    return {
      orders,
      byFlow: {},
      waitMinutes: NO_SUMMARY,
      fulfilmentMinutes: NO_SUMMARY,
      onTimeRate: 0,
      courierUtilization: 0,
      escrow: { held: 0, released: 0, refunded: 0, commission: 0, stillHeld: 0 },
      rejectedRequests: 0,
      invariantViolations: 0,
      violations: [],
    };
  }

  openOrders(): OrderMark[] {
    return [];
  }

  /** The hash the original run's log had at this instant (same lines, same order). */
  eventLogHash(): string {
    return this.index.hashAt(this.cursor);
  }
}
