import { describe, expect, it } from 'vitest';
import { stillHeld } from '../../machines/escrow-ledger.ts';
import { World } from '../../sim/world/world.ts';
import { monacoCity, monacoScenario } from './shared-city.ts';

const DAY = 24 * 3_600_000;
const FLOWS = ['errand', 'trunk', 'robot', 'rental', 'preorder'] as const;

type Counters = Record<string, number | Record<string, number>>;

describe('a full simulated Monaco day: the default scenario at full size, all five flows (seed 7)', () => {
  // the one test that runs the whole default day (about a minute on this machine)
  it('holds every invariant of the design and ends or counts every order', { timeout: 400_000 }, async () => {
    const world = new World(monacoScenario(), await monacoCity(), { seed: 7 });
    const winners = new Map<string, Set<string>>();
    const handovers = new Map<string, number>();
    const trunkOpens = new Map<string, number>();
    world.log.onEntry((entry) => {
      if (entry.kind !== 'msg') return;
      const msg = entry.msg as { type: string; orderId?: string; ok?: boolean; requestId?: string };
      if (msg.type === 'errand.acceptResult' && msg.ok && msg.orderId) {
        const set = winners.get(msg.orderId) ?? new Set<string>();
        set.add(entry.to);
        winners.set(msg.orderId, set);
      }
      if (msg.type === 'preorder.handedOver' && msg.orderId)
        handovers.set(msg.orderId, (handovers.get(msg.orderId) ?? 0) + 1);
      if (msg.type === 'key.result' && msg.ok && msg.requestId?.endsWith(':open'))
        trunkOpens.set(msg.requestId, (trunkOpens.get(msg.requestId) ?? 0) + 1);
    });
    world.run(DAY);
    const k = world.kpis();
    expect(k.invariantViolations, k.violations.join('\n')).toBe(0);

    // every flow ran, succeeded and ended or counted each order
    for (const flow of FLOWS) {
      const c = k.byFlow[flow]!;
      expect(c.created, flow).toBeGreaterThan(1_500);
      expect(c.completed, flow).toBeGreaterThan(c.created * 0.6);
      expect(c.completed + c.cancelled + c.refunded + c.open, flow).toBe(c.created);
    }
    expect(k.orders.cancelled + k.orders.refunded).toBeGreaterThan(0);

    // money: holds = payouts + refunds + commission + still held, in the books and at the processor
    const e = k.escrow;
    expect(e.held).toBe(e.released + e.refunded + e.commission + e.stillHeld);
    const ctx = (world.snapshotOf('dispatch') as { context: { ledger: Parameters<typeof stillHeld>[0] } })
      .context;
    expect(stillHeld(ctx.ledger)).toBe(e.stillHeld);
    const paid = world.payments.totals();
    expect(paid.holdsPlaced).toBe(e.held);
    expect(paid.captured).toBe(e.released + e.commission);
    expect(paid.charged).toBeGreaterThan(0);

    // no order gets two couriers; a trunk key opens once; a preorder is handed over at most once
    for (const [orderId, couriers] of winners) expect(couriers.size, orderId).toBe(1);
    for (const [request, n] of trunkOpens) expect(n, request).toBe(1);
    for (const [orderId, n] of handovers) expect(n, orderId).toBe(1);

    // the failure paths happened and were counted
    const trunk = k.byFlow.trunk as unknown as Counters;
    const rental = k.byFlow.rental as unknown as Counters;
    const preorder = k.byFlow.preorder as unknown as Counters;
    const robot = k.byFlow.robot as unknown as Counters;
    expect(trunk.rejectedAtOrder).toBeDefined();
    expect((rental.refusedKeys as Record<string, number>).not_entitled).toBeGreaterThan(0);
    expect((rental.refusedKeys as Record<string, number>).revoked).toBeGreaterThan(0);
    expect(rental.upgraded).toBeGreaterThan(0);
    const ads = preorder.refusedAdvertisements as Record<string, number>;
    expect((ads.unknown_device ?? 0) + (ads.outside_window ?? 0) + (ads.replayed ?? 0)).toBeGreaterThan(0);
    // no car left unlocked: when the day ends no parked car with its engine off stands unlocked or
    // with its trunk open; a lock or latch whose actuator just failed is in alarm and retrying
    let vehicles = 0;
    let retrying = 0;
    for (const a of world.actorIds()) {
      if (a.kind !== 'vehicle') continue;
      vehicles++;
      const v = (world.snapshotOf(a.id) as { value: Record<string, string> }).value;
      if (v.engine !== 'off') continue;
      expect(['locked', 'locking', 'alarm'], `${a.id} doors`).toContain(v.doors);
      expect(['closed', 'latching', 'alarm'], `${a.id} trunk`).toContain(v.trunk);
      if (v.doors !== 'locked' || v.trunk !== 'closed') retrying++;
    }
    expect(retrying).toBeLessThan(vehicles * 0.01);
    expect(vehicles).toBeGreaterThan(500);
    // stock: everything loaded is in a robot, in a cart, or sold
    const stock = robot.stock as Record<string, number>;
    expect(stock.inRobots! + stock.inCarts! + stock.sold!).toBe(stock.loaded);
    expect(stock.sold).toBeGreaterThan(0);
    await world.close();
  });
});
