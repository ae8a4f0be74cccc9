import { describe, expect, it } from 'vitest';
import { initialVehicleKeyState, verifyKeyUse } from '../../machines/digital-key.ts';
import type { OrderToDispatch, SendParams } from '../../machines/errand-order.ts';
import { ASSIGNMENT_REPEAT_MS, trunkOrderMachine } from '../../machines/trunk-order.ts';
import { crypto, issuer } from '../domain/crypto-fixture.ts';
import { advance, expectFullCoverage, lazyCoverage, startRecorded } from './transition-coverage.ts';
import { away, C1, C2, driving, here, INPUT, moved, ORDER, scenarios } from './trunk-order.coverage.ts';

const coverage = lazyCoverage(trunkOrderMachine, scenarios);

type Money = Extract<OrderToDispatch, { type: 'ledger.hold' | 'ledger.settle' }>;

describe('trunkOrderMachine transition coverage', () => {
  it('reaches every transition on an xstate/graph path', () => {
    expectFullCoverage(coverage());
  });

  it('on every path: at most one hold, settled once without creating money; one courier; the key revoked at the end', () => {
    for (const run of coverage().runs) {
      const money = run.recorded.toParent.filter(
        (e): e is Money => e.type === 'ledger.hold' || e.type === 'ledger.settle',
      );
      const holds = money.filter((m) => m.type === 'ledger.hold');
      const settles = money.filter((m) => m.type === 'ledger.settle');
      expect(holds.length).toBeLessThanOrEqual(1);
      expect(settles.length).toBeLessThanOrEqual(1);
      for (const s of settles) {
        if (s.type !== 'ledger.settle') continue;
        expect(s.payout + s.commission + s.refund).toBe(
          holds[0]?.type === 'ledger.hold' ? holds[0].amount : -1,
        );
      }
      const sends = run.recorded.effectsOf<SendParams>('send');
      const winners = sends.filter((s) => s.message.type === 'errand.acceptResult' && s.message.ok);
      expect(new Set(winners.map((w) => w.to)).size).toBeLessThanOrEqual(1);
      if (run.snapshot.status === 'done' && run.snapshot.context.key) {
        expect(
          sends.at(-1)?.message.type === 'vehicle.revoke' ||
            sends.some((s) => s.message.type === 'vehicle.revoke'),
        ).toBe(true);
      }
    }
  });
});

describe('trunkOrderMachine behaviour', () => {
  function accepted() {
    const run = startRecorded(trunkOrderMachine, INPUT);
    run.send(here);
    run.send({ type: 'errand.accept', orderId: ORDER, courierId: C1, at: 120_000 });
    return run;
  }
  const sent = (run: ReturnType<typeof accepted>) => run.effectsOf<SendParams>('send');

  it('gives the winner a trunk-only, single-use key bound to them and their window', () => {
    const run = accepted();
    const result = sent(run).find((s) => s.message.type === 'errand.acceptResult');
    const trunk = (
      result!.message as unknown as { trunk: { key: Parameters<typeof verifyKeyUse>[3]['key'] } }
    ).trunk;
    expect(trunk.key).toMatchObject({
      holderId: C1,
      vehicleId: 'V1',
      entitlements: ['trunk_open'],
      maxUses: 1,
      validFrom: 120,
      validUntil: 720,
    });
    const use = (presenterId: string, action: 'trunk_open' | 'door_unlock', now: number) =>
      verifyKeyUse(crypto, issuer.publicKey, initialVehicleKeyState(), {
        key: trunk.key,
        vehicleId: 'V1',
        presenterId,
        action,
        now,
      });
    expect(use(C1, 'trunk_open', 200).ok).toBe(true);
    expect(use(C1, 'door_unlock', 200)).toEqual({ ok: false, reason: 'not_entitled' });
    expect(use(C2, 'trunk_open', 200)).toEqual({ ok: false, reason: 'wrong_holder' });
    expect(use(C1, 'trunk_open', 720)).toEqual({ ok: false, reason: 'expired' });
  });

  it('says the assignment again, the same, to a courier who has not picked up, until they do', () => {
    const run = accepted();
    const assignments = () => sent(run).filter((s) => s.message.type === 'errand.acceptResult');
    advance(run.clock, ASSIGNMENT_REPEAT_MS - 1);
    expect(assignments()).toHaveLength(1);
    advance(run.clock, 1);
    expect(assignments()).toHaveLength(2);
    expect(assignments()[1]).toEqual(assignments()[0]);
    run.send({ type: 'errand.pickedUp', orderId: ORDER, courierId: C1 });
    advance(run.clock, 2 * ASSIGNMENT_REPEAT_MS);
    expect(assignments()).toHaveLength(2);
  });

  it('re-routes once when the car moved in the area, then returns the goods when it moves again', () => {
    const run = accepted();
    run.send({ type: 'errand.pickedUp', orderId: ORDER, courierId: C1 });
    run.send({ type: 'trunk.atCar', orderId: ORDER, courierId: C1 });
    run.send(moved);
    expect(sent(run).at(-1)?.message).toEqual({
      type: 'trunk.reroute',
      orderId: ORDER,
      position: { x: 500, y: 0 },
    });
    run.send({ type: 'trunk.atCar', orderId: ORDER, courierId: C1 });
    run.send(here);
    expect(sent(run).at(-1)?.message).toMatchObject({ type: 'trunk.return', orderId: ORDER });
    run.send({ type: 'trunk.returned', orderId: ORDER, courierId: C1 });
    expect(run.actor.getSnapshot().value).toBe('returned');
    const settle = run.toParent.find((e) => e.type === 'ledger.settle');
    // the courier keeps half the fee less commission; the goods and the rest go back
    expect(settle).toMatchObject({ payout: 200, commission: 50, refund: 2_250 });
    expect(run.effectsOf('count')).toEqual([
      { flow: 'trunk', counter: 'rerouted' },
      { flow: 'trunk', counter: 'returnedToStore.kept_moving' },
    ]);
  });

  it('holds while the car is driven, and delivers once it is back in its space; an unlatched trunk raises the alarm', () => {
    const run = accepted();
    run.send({ type: 'errand.pickedUp', orderId: ORDER, courierId: C1 });
    run.send({ type: 'trunk.atCar', orderId: ORDER, courierId: C1 });
    run.send(driving);
    expect(sent(run).at(-1)?.message).toEqual({ type: 'trunk.hold', orderId: ORDER });
    advance(run.clock, 15);
    run.send(here);
    expect(sent(run).at(-1)?.message).toEqual({ type: 'trunk.unlock', orderId: ORDER });
    run.send({ type: 'trunk.deposited', orderId: ORDER, courierId: C1 });
    advance(run.clock, 20);
    expect(run.effectsOf('checkLock')).toEqual([{ orderId: ORDER, vehicleId: 'V1' }]);
    run.send({ type: 'lock.checked', orderId: ORDER, vehicleId: 'V1', trunk: 'alarm' });
    expect(run.actor.getSnapshot().value).toBe('completed');
    expect(sent(run).map((s) => s.message.type)).toContain('trunk.alarm');
    expect(run.toParent.find((e) => e.type === 'ledger.settle')).toMatchObject({
      payout: 2_000 + 400,
      commission: 100,
      refund: 0,
    });
  });

  it('refuses a car outside the area at order time, holding no money', () => {
    const run = startRecorded(trunkOrderMachine, INPUT);
    run.send(away);
    expect(run.actor.getSnapshot().value).toBe('rejected');
    expect(run.toParent.filter((e) => e.type.startsWith('ledger.'))).toEqual([]);
    expect(run.toParent.filter((e) => e.type === 'order.ended')).toHaveLength(1);
    expect(sent(run).at(-1)?.message).toEqual({
      type: 'trunk.rejected',
      requestId: 'U1-R1',
      reason: 'outside_area',
    });
  });
});
