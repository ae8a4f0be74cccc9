import type { Flow } from '../../machines/errand-order.ts';
import type { AuditParams } from '../../machines/vehicle.ts';

export const FLOWS: readonly Flow[] = ['errand', 'trunk', 'robot', 'rental', 'preorder'];

/** Counters of one flow: a dotted name (`returnedToStore.outside_area`) becomes a nested object. */
export type FlowCounters = Record<string, number | Record<string, number>>;

/** Which flow a key belongs to, from its id: trunk keys are `T…:K1`, rental keys `R…:K…`. */
export function flowOfKey(keyId: string): Flow | 'owner' {
  if (keyId.startsWith('T')) return 'trunk';
  if (keyId.startsWith('R')) return 'rental';
  return 'owner';
}

/**
 * The flow-specific side of the KPIs and the invariants that need the whole run's history: each
 * key use the cars granted is checked against the key itself (entitlement, window, use count) and
 * against the revocations the car acknowledged; every preorder is handed over at most once; every
 * car a courier closed is latched (or in alarm, retrying) a while later.
 */
export class FlowMetrics {
  private readonly counters = new Map<string, Map<string, number>>();
  private readonly violationList: string[] = [];
  /** `vehicle|keyId` of revocations the car acknowledged. */
  private readonly revoked = new Set<string>();
  private readonly handovers = new Map<string, number>();

  count(flow: Flow | 'owner', counter: string, by = 1): void {
    let c = this.counters.get(flow);
    if (!c) {
      c = new Map();
      this.counters.set(flow, c);
    }
    c.set(counter, (c.get(counter) ?? 0) + by);
  }

  get(flow: Flow | 'owner', counter: string): number {
    return this.counters.get(flow)?.get(counter) ?? 0;
  }

  violation(detail: string): void {
    this.violationList.push(detail);
  }

  get violations(): readonly string[] {
    return this.violationList;
  }

  /** A car audited a key attempt: count refusals by reason, and re-check every grant. */
  keyAudit(a: AuditParams): void {
    const flow = flowOfKey(a.keyId);
    if (!a.ok) {
      this.count(flow, `refusedKeys.${a.reason}`);
      return;
    }
    this.count(flow, 'grantedKeys');
    const where = `${a.vehicleId} key ${a.keyId}`;
    if (!a.entitlements.includes(a.action))
      this.violation(`keys: ${where} granted ${a.action} outside its entitlements`);
    if (a.now < a.validFrom || a.now >= a.validUntil)
      this.violation(`keys: ${where} granted outside its window`);
    if (a.maxUses !== null && a.usesAfter > a.maxUses)
      this.violation(`keys: ${where} used ${a.usesAfter} of ${a.maxUses}`);
    if (a.presenterId !== a.holderId)
      this.violation(`keys: ${where} granted to ${a.presenterId}, not its holder`);
    if (this.revoked.has(`${a.vehicleId}|${a.keyId}`))
      this.violation(`keys: ${where} granted after revocation`);
  }

  /** The car acknowledged a revocation: the key must never work there again. */
  keyRevoked(vehicleId: string, keyId: string): void {
    this.revoked.add(`${vehicleId}|${keyId}`);
  }

  /** A store handed a preorder to the car; a second handover is a violation. */
  preorderHandedOver(orderId: string): void {
    const n = (this.handovers.get(orderId) ?? 0) + 1;
    this.handovers.set(orderId, n);
    if (n > 1) this.violation(`preorder: ${orderId} handed over ${n} times`);
  }

  /** The counters of every flow (all five present), nested by their dotted names. */
  byFlow(): Record<Flow | 'owner', FlowCounters> {
    const out = {} as Record<Flow | 'owner', FlowCounters>;
    for (const flow of [...FLOWS, 'owner'] as const) out[flow] = {};
    for (const [flow, counters] of this.counters) {
      const target = out[flow as Flow | 'owner'];
      for (const name of [...counters.keys()].sort()) {
        const value = counters.get(name)!;
        const dot = name.indexOf('.');
        if (dot < 0) target[name] = value;
        else {
          const group = name.slice(0, dot);
          if (typeof target[group] !== 'object') target[group] = {};
          (target[group] as Record<string, number>)[name.slice(dot + 1)] = value;
        }
      }
    }
    return out;
  }
}
