import type { OrderStatus } from '../../adapters/socketio/wire-protocol.ts';
import type { LifecycleParams } from '../../machines/errand-order.ts';

const FINAL = new Set(['completed', 'cancelled', 'refunded', 'rejected']);

export interface OrderRecord extends OrderStatus {
  /** Every courier ever assigned, in order: more than one is a broken invariant. */
  readonly couriers: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * The server's record of every order's lifecycle, fed by the order machines' `lifecycle` action.
 * Dispatch forgets an order's actor once it ends; the book keeps its outcome and parties, so a
 * customer can still ask how an order ended, `/state` can account for every acknowledged order,
 * and a second courier on one order is caught. Finished orders beyond `keepFinished` are dropped
 * oldest first (their counts stay).
 */
export class OrderBook {
  private readonly records = new Map<string, OrderRecord>();
  private readonly finished: string[] = [];
  private finishedHead = 0;
  private readonly steps = new Map<string, number>();
  /** Orders of each flow by the step they are in now (ended ones stay counted in their end step). */
  private readonly states = new Map<string, Map<string, number>>();
  private readonly problems: string[] = [];

  constructor(private readonly keepFinished = 200_000) {}

  /** Records one lifecycle step. */
  step(params: LifecycleParams, at: number): void {
    const prev = this.records.get(params.orderId);
    const couriers = prev ? [...prev.couriers] : [];
    if (params.step === 'assigned' && params.courierId !== null) {
      couriers.push(params.courierId);
      if (new Set(couriers).size > 1)
        this.problems.push(`${params.orderId}: assigned to ${couriers.join(' and ')}`);
    }
    const record: OrderRecord = {
      orderId: params.orderId,
      flow: params.flow,
      step: params.step,
      publisherId: prev?.publisherId ?? null,
      courierId: params.courierId ?? prev?.courierId ?? null,
      fee: prev?.fee ?? null,
      dueBy: params.dueBy,
      couriers,
      createdAt: prev?.createdAt ?? at,
      updatedAt: at,
    };
    this.records.set(params.orderId, record);
    this.steps.set(params.step, (this.steps.get(params.step) ?? 0) + 1);
    if (prev) this.move(prev.flow, prev.step, -1);
    this.move(params.flow, params.step, 1);
    if (FINAL.has(params.step) && !(prev && FINAL.has(prev.step))) this.retire(params.orderId);
  }

  /** What only the order's own context knows: who published it and the fee held. */
  parties(orderId: string, party: { publisherId: string | null; fee: number | null }): void {
    const r = this.records.get(orderId);
    if (r)
      this.records.set(orderId, {
        ...r,
        publisherId: r.publisherId ?? party.publisherId,
        fee: r.fee ?? party.fee,
      });
  }

  get(orderId: string): OrderRecord | undefined {
    return this.records.get(orderId);
  }

  /** The order as `principal` may see it: only its publisher and its courier get an answer. */
  statusFor(orderId: string, principal: string): OrderStatus | undefined {
    const r = this.records.get(orderId);
    if (!r || (r.publisherId !== principal && r.courierId !== principal)) return undefined;
    const { couriers: _couriers, createdAt: _created, updatedAt: _updated, ...status } = r;
    return status;
  }

  /** How many orders reached each lifecycle step since the journal began. */
  stepCounts(): Record<string, number> {
    return Object.fromEntries([...this.steps].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /**
   * Per flow: how many orders it has had and how many are in each step now, e.g.
   * `{errand: {orders: 120, byState: {assigned: 7, completed: 110, cancelled: 3}}}`.
   */
  flowStates(): Record<string, { orders: number; byState: Record<string, number> }> {
    const out: Record<string, { orders: number; byState: Record<string, number> }> = {};
    for (const [flow, byStep] of [...this.states].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const byState = Object.fromEntries(
        [...byStep].filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : 1)),
      );
      out[flow] = { orders: Object.values(byState).reduce((a, b) => a + b, 0), byState };
    }
    return out;
  }

  all(): OrderRecord[] {
    return [...this.records.values()];
  }

  /** Broken order invariants seen so far (an order with two couriers). */
  violations(): readonly string[] {
    return this.problems;
  }

  private move(flow: string, step: string, by: number): void {
    const byStep = this.states.get(flow) ?? new Map<string, number>();
    this.states.set(flow, byStep);
    byStep.set(step, (byStep.get(step) ?? 0) + by);
  }

  private retire(orderId: string): void {
    this.finished.push(orderId);
    while (this.finished.length - this.finishedHead > this.keepFinished) {
      this.records.delete(this.finished[this.finishedHead++]);
    }
    if (this.finishedHead > 65_536) {
      this.finished.splice(0, this.finishedHead);
      this.finishedHead = 0;
    }
  }
}
