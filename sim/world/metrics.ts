import type { Flow, LifecycleParams } from '../../machines/errand-order.ts';
import { FLOWS, type FlowCounters } from './flow-metrics.ts';

export type { Flow };

/** Flows whose orders a courier carries: the ones wait, fulfilment and on-time figures describe. */
const COURIER_FLOWS: ReadonlySet<Flow> = new Set(['errand', 'trunk']);

interface OrderRecord {
  readonly flow: Flow;
  readonly createdAt: number;
  readonly dueBy: number;
  assignedAt: number | null;
  completedAt: number | null;
  assignments: number;
  outcome: 'completed' | 'cancelled' | 'refunded' | null;
}

export interface OrderCounts {
  created: number;
  completed: number;
  cancelled: number;
  refunded: number;
  open: number;
}

export interface Summary {
  mean: number;
  p50: number;
  p95: number;
}

export interface Kpis {
  orders: OrderCounts;
  /** Every flow, with the same order counts, plus its own counters (fallbacks, refusals, stock). */
  byFlow: Record<string, OrderCounts & FlowCounters>;
  waitMinutes: Summary;
  fulfilmentMinutes: Summary;
  onTimeRate: number;
  courierUtilization: number;
  escrow: { held: number; released: number; refunded: number; commission: number; stillHeld: number };
  rejectedRequests: number;
  invariantViolations: number;
  violations: string[];
}

function summarize(values: number[]): Summary {
  if (values.length === 0) return { mean: 0, p50: 0, p95: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { mean: round(mean), p50: round(at(0.5)), p95: round(at(0.95)) };
}

/**
 * KPIs of a run, fed by the machines' `lifecycle` effects and courier state changes. It also holds
 * the invariant checks that need history: an order assigned twice, a courier with two jobs, a
 * completion without an assignment.
 */
export class Metrics {
  private readonly orders = new Map<string, OrderRecord>();
  private readonly violationList: string[] = [];
  private rejected = 0;
  private busyMs = 0;
  private onShiftMs = 0;
  private readonly courierSince = new Map<string, { state: 'off' | 'idle' | 'busy'; since: number }>();

  lifecycle(p: LifecycleParams, now: number): void {
    if (p.step === 'rejected') {
      this.rejected++;
      return;
    }
    if (p.step === 'created') {
      this.orders.set(p.orderId, {
        flow: p.flow,
        createdAt: now,
        dueBy: p.dueBy,
        assignedAt: null,
        completedAt: null,
        assignments: 0,
        outcome: null,
      });
      return;
    }
    const order = this.orders.get(p.orderId);
    if (!order) {
      this.violation(`${p.orderId}: ${p.step} before it was created`);
      return;
    }
    if (order.outcome) this.violation(`${p.orderId}: ${p.step} after it ended ${order.outcome}`);
    switch (p.step) {
      case 'assigned':
        order.assignments++;
        if (order.assignments > 1) this.violation(`${p.orderId}: assigned ${order.assignments} times`);
        order.assignedAt = now;
        break;
      case 'completed':
        if (order.assignedAt === null) this.violation(`${p.orderId}: completed without a courier`);
        order.completedAt = now;
        order.outcome = 'completed';
        break;
      case 'cancelled':
      case 'refunded':
        order.outcome = p.step;
        break;
      default:
        break;
    }
  }

  /** A courier's coarse state changed; accumulates busy and on-shift time for utilisation. */
  courierState(courierId: string, state: 'off' | 'idle' | 'busy', now: number): void {
    const prev = this.courierSince.get(courierId);
    if (prev) this.account(prev, now);
    this.courierSince.set(courierId, { state, since: now });
  }

  violation(detail: string): void {
    this.violationList.push(detail);
  }

  get violations(): readonly string[] {
    return this.violationList;
  }

  kpis(
    now: number,
    escrow: Kpis['escrow'],
    extraViolations: readonly string[],
    flowCounters: Readonly<Record<string, FlowCounters>> = {},
  ): Kpis {
    let busy = this.busyMs;
    let onShift = this.onShiftMs;
    for (const s of this.courierSince.values()) {
      if (s.state !== 'off') onShift += now - s.since;
      if (s.state === 'busy') busy += now - s.since;
    }
    const total = (): OrderCounts => ({ created: 0, completed: 0, cancelled: 0, refunded: 0, open: 0 });
    const orders = total();
    const byFlow: Record<string, OrderCounts> = {};
    for (const flow of FLOWS)
      if (flow === 'errand' || flowCounters[flow] !== undefined) byFlow[flow] = total();
    const waits: number[] = [];
    const fulfilments: number[] = [];
    let onTime = 0;
    for (const order of this.orders.values()) {
      byFlow[order.flow] ??= total();
      for (const counts of [orders, byFlow[order.flow]]) {
        counts.created++;
        if (order.outcome === null) counts.open++;
        else counts[order.outcome]++;
      }
      // waits and fulfilment describe courier deliveries (errands, trunk); the other flows have none
      if (!COURIER_FLOWS.has(order.flow)) continue;
      if (order.assignedAt !== null) waits.push((order.assignedAt - order.createdAt) / 60_000);
      if (order.completedAt !== null) {
        fulfilments.push((order.completedAt - order.createdAt) / 60_000);
        if (order.completedAt <= order.dueBy) onTime++;
      }
    }
    const violations = [...this.violationList, ...extraViolations];
    for (const [flow, counters] of Object.entries(flowCounters))
      if (byFlow[flow]) byFlow[flow] = { ...counters, ...byFlow[flow] } as OrderCounts;
    return {
      orders,
      byFlow: byFlow as Kpis['byFlow'],
      waitMinutes: summarize(waits),
      fulfilmentMinutes: summarize(fulfilments),
      onTimeRate: fulfilments.length === 0 ? 0 : Math.round((onTime / fulfilments.length) * 10_000) / 10_000,
      courierUtilization: onShift === 0 ? 0 : Math.round((busy / onShift) * 10_000) / 10_000,
      escrow,
      rejectedRequests: this.rejected,
      invariantViolations: violations.length,
      violations: violations.slice(0, 20),
    };
  }

  private account(s: { state: 'off' | 'idle' | 'busy'; since: number }, now: number): void {
    if (s.state !== 'off') this.onShiftMs += now - s.since;
    if (s.state === 'busy') this.busyMs += now - s.since;
  }
}
