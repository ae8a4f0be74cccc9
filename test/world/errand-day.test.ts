import { describe, expect, it } from 'vitest';
import { stillHeld } from '../../machines/escrow-ledger.ts';
import { World } from '../../sim/world/world.ts';
import { monacoCity, scaledMonacoScenario } from './shared-city.ts';

/** The Monaco day with errands only (the other flows' demand off), errands and couriers × 0.25. */
function errandDay() {
  const s = scaledMonacoScenario(0.25);
  for (const d of [s.demand.trunk, s.demand.trips, s.demand.rental, s.demand.preorder, s.demand.robot])
    d.perDay = 0;
  return s;
}

describe('a full simulated Monaco day of the errand platform (seed 7, × 0.25)', () => {
  it('conserves money, never assigns an order twice, and ends or counts every order', async () => {
    const world = new World(errandDay(), await monacoCity(), { seed: 7 });
    const assignments = new Map<string, Set<string>>();
    world.log.onEntry((entry) => {
      if (entry.kind !== 'msg') return;
      const msg = entry.msg as { type: string; orderId?: string; ok?: boolean };
      if (msg.type === 'errand.acceptResult' && msg.ok && msg.orderId) {
        const set = assignments.get(msg.orderId) ?? new Set<string>();
        set.add(entry.to);
        assignments.set(msg.orderId, set);
      }
    });
    world.run(24 * 3_600_000);
    const k = world.kpis();
    const e = k.escrow;
    expect(k.orders.created).toBeGreaterThan(800);
    expect(k.byFlow.errand?.created).toBe(k.orders.created);
    expect(k.orders.completed).toBeGreaterThan(k.orders.created * 0.6);
    expect(k.orders.cancelled).toBeGreaterThan(0);
    expect(k.orders.refunded).toBeGreaterThan(0);
    // money: holds = payouts + refunds + commission + still held
    expect(e.held).toBe(e.released + e.refunded + e.commission + e.stillHeld);
    const ledger = (world.snapshotOf('dispatch') as { context: { ledger: Parameters<typeof stillHeld>[0] } })
      .context.ledger;
    expect(stillHeld(ledger)).toBe(e.stillHeld);
    // single assignment, seen on the wire
    for (const [orderId, couriers] of assignments) expect(couriers.size, orderId).toBe(1);
    // every order ended or is counted open
    expect(k.orders.completed + k.orders.cancelled + k.orders.refunded + k.orders.open).toBe(
      k.orders.created,
    );
    expect(k.invariantViolations, k.violations.join('\n')).toBe(0);
    await world.close();
  });
});
