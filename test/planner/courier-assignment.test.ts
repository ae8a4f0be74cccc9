import { describe, expect, it } from 'vitest';
import { dispatchPolicy } from '../../machines/dispatch-policy.ts';
import { Kernel } from '../../sim/kernel/kernel.ts';
import { CourierAssignment } from '../../sim/world/courier-assignment.ts';

const ALL = ['deliver', 'print'];

function setup(kind: 'nearest' | 'batched' | 'fcfs' | 'push-pull') {
  const kernel = new Kernel();
  const offers: { t: number; orderId: string; courierIds: readonly string[] }[] = [];
  const a = new CourierAssignment(dispatchPolicy(kind, 30), kernel, (orderId, courierIds) =>
    offers.push({ t: kernel.now, orderId, courierIds }),
  );
  a.addCourier('CP1', 'professional', ALL, { x: 0, y: 0 });
  a.addCourier('CP2', 'professional', ['deliver'], { x: 0, y: 0 });
  a.addCourier('CO1', 'ordinary', ALL, { x: 0, y: 0 });
  return { kernel, offers, a };
}

describe('CourierAssignment (the world side of the dispatch policy)', () => {
  it('nearest: each order goes to the nearest idle courier serving it, who is then reserved', () => {
    const { offers, a } = setup('nearest');
    a.courierState('CP1', 'idle', { x: 100, y: 0 });
    a.courierState('CP2', 'idle', { x: 10, y: 0 });
    a.courierState('CO1', 'idle', { x: 50, y: 0 });
    a.orderSearching('E1', { x: 0, y: 0 }, 1500, 'deliver');
    a.orderSearching('E2', { x: 0, y: 0 }, 1500, 'deliver');
    a.orderSearching('E3', { x: 0, y: 0 }, 1500, 'print');
    expect(offers.map((o) => [o.orderId, o.courierIds])).toEqual([
      ['E1', ['CP2']],
      ['E2', ['CO1']],
      ['E3', ['CP1']],
    ]);
    expect(a.idleCount).toBe(0);
  });

  it('nearest: an order that finds nobody waits; the next courier to free up takes the nearest one', () => {
    const { offers, a } = setup('nearest');
    a.orderSearching('E1', { x: 500, y: 0 }, 1500, 'deliver');
    a.orderSearching('E2', { x: 20, y: 0 }, 1500, 'deliver');
    expect(offers).toHaveLength(0);
    a.courierState('CP1', 'idle', { x: 0, y: 0 });
    expect(offers.map((o) => [o.orderId, o.courierIds])).toEqual([['E2', ['CP1']]]);
    a.orderStep('E2', 'assigned');
    expect(a.waitingCount).toBe(1);
  });

  it('an order asking again after its offer led nowhere is offered afresh', () => {
    const { offers, a } = setup('nearest');
    a.courierState('CP1', 'idle', { x: 0, y: 0 });
    a.orderSearching('E1', { x: 0, y: 0 }, 1500, 'deliver');
    a.courierState('CP1', 'off', { x: 0, y: 0 });
    a.courierState('CP2', 'idle', { x: 5, y: 0 });
    a.orderSearching('E1', { x: 0, y: 0 }, 1500, 'deliver');
    expect(offers.map((o) => o.courierIds[0])).toEqual(['CP1', 'CP2']);
  });

  it('batched: nothing is offered between batches; at the batch, the optimal matching', () => {
    const { kernel, offers, a } = setup('batched');
    a.courierState('CP1', 'idle', { x: 4, y: 0 });
    a.courierState('CO1', 'idle', { x: -5, y: 0 });
    kernel.runUntil(5_000);
    a.orderSearching('A', { x: 0, y: 0 }, 1500, 'deliver');
    kernel.runUntil(12_000);
    a.orderSearching('B', { x: 10, y: 0 }, 1500, 'deliver');
    kernel.runUntil(29_999);
    expect(offers).toHaveLength(0);
    kernel.runUntil(30_000);
    expect(offers.map((o) => [o.t, o.orderId, o.courierIds[0]])).toEqual([
      [30_000, 'A', 'CO1'],
      [30_000, 'B', 'CP1'],
    ]);
  });

  it('fcfs: the oldest waiting order goes to the courier who became idle first', () => {
    const { offers, a } = setup('fcfs');
    a.orderSearching('E1', { x: 0, y: 0 }, 0, 'deliver');
    a.orderSearching('E2', { x: 0, y: 0 }, 0, 'deliver');
    a.courierState('CO1', 'idle', { x: 0, y: 0 });
    a.courierState('CP1', 'idle', { x: 0, y: 0 });
    a.courierState('CP2', 'idle', { x: 0, y: 0 });
    a.orderSearching('E3', { x: 0, y: 0 }, 0, 'deliver');
    expect(offers.map((o) => [o.orderId, o.courierIds[0]])).toEqual([
      ['E1', 'CO1'],
      ['E2', 'CP1'],
      ['E3', 'CP2'],
    ]);
  });

  it('push-pull: pushes to idle professionals within the radius only, nearest first', () => {
    const { offers, a } = setup('push-pull');
    a.courierState('CP1', 'idle', { x: 900, y: 0 });
    a.courierState('CP2', 'idle', { x: 100, y: 0 });
    a.courierState('CO1', 'idle', { x: 1, y: 0 });
    a.orderSearching('E1', { x: 0, y: 0 }, 1000, 'deliver');
    a.orderSearching('E2', { x: 0, y: 0 }, 500, 'deliver');
    expect(offers.map((o) => o.courierIds)).toEqual([['CP2', 'CP1'], ['CP2']]);
  });
});
