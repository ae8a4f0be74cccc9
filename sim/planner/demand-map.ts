import type { Point } from '../../machines/protocol.ts';
import type { EventLog } from '../kernel/event-log.ts';

/** Demand in one square cell of the map: [cellX, cellY, total, late, unserved]. */
export type DemandCell = readonly [number, number, number, number, number];

interface TrackedOrder {
  readonly point: Point;
  readonly dueBy: number;
  assigned: boolean;
  outcome: 'completed' | 'cancelled' | 'refunded' | 'rejected' | null;
  late: boolean;
}

interface OrderContext {
  readonly request?: { readonly pickup?: Point; readonly dueBy?: number };
}

/**
 * Where demand went late or unserved, collected from the event log while a run goes on, on a grid
 * of `cellMeters` squares (so the map's size does not grow with the number of orders).
 *
 * An order is any actor whose context carries a `request` with a pickup point and a due time; its
 * state changes in the log say whether it was assigned and how it ended. Late: completed after its
 * due time. Unserved: ended, or still open at the end, without ever getting a courier.
 */
export class DemandMap {
  private readonly orders = new Map<string, TrackedOrder>();
  private readonly others = new Set<string>();

  constructor(
    log: EventLog,
    private readonly snapshotOf: (id: string) => unknown,
    readonly cellMeters = 100,
  ) {
    log.onEntry((entry) => {
      if (entry.kind === 'state') this.onState(entry.actor, entry.state, entry.t);
    });
  }

  private onState(actor: string, state: string, t: number): void {
    let order = this.orders.get(actor);
    if (!order) {
      if (this.others.has(actor)) return;
      const snap = this.snapshotOf(actor) as { context?: OrderContext } | undefined;
      const request = snap?.context?.request;
      if (!request?.pickup || typeof request.dueBy !== 'number') {
        this.others.add(actor);
        return;
      }
      order = { point: request.pickup, dueBy: request.dueBy, assigned: false, outcome: null, late: false };
      this.orders.set(actor, order);
    }
    const top = state.split(/[.(]/, 1)[0];
    if (top === 'assigned') order.assigned = true;
    else if (top === 'completed' || top === 'cancelled' || top === 'refunded' || top === 'rejected') {
      order.outcome = top;
      if (top === 'completed') order.late = t > order.dueBy;
    }
  }

  /** The grid, cells sorted by (y, x) so the result does not depend on the order of events. */
  cells(): DemandCell[] {
    const grid = new Map<string, [number, number, number, number, number]>();
    for (const o of this.orders.values()) {
      if (o.outcome === 'rejected') continue;
      const cx = Math.floor(o.point.x / this.cellMeters);
      const cy = Math.floor(o.point.y / this.cellMeters);
      const key = `${cx},${cy}`;
      let cell = grid.get(key);
      if (!cell) {
        cell = [cx, cy, 0, 0, 0];
        grid.set(key, cell);
      }
      cell[2]++;
      if (o.late) cell[3]++;
      if (!o.assigned && o.outcome !== 'completed' && o.outcome !== 'refunded') cell[4]++;
    }
    return [...grid.values()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  }

  /** Totals over the whole map: late and unserved orders (for the KPI columns). */
  totals(): { orders: number; late: number; unserved: number } {
    let orders = 0;
    let late = 0;
    let unserved = 0;
    for (const [, , total, l, u] of this.cells()) {
      orders += total;
      late += l;
      unserved += u;
    }
    return { orders, late, unserved };
  }
}
