import { describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { initialVehicleKeyState, verifyKeyUse } from '../../machines/digital-key.ts';
import type { OrderToDispatch, SendParams } from '../../machines/errand-order.ts';
import type { Placement } from '../../machines/protocol.ts';
import { type TrunkOrderEvent, type TrunkOrderInput, trunkOrderMachine } from '../../machines/trunk-order.ts';
import { crypto, issuer } from '../domain/crypto-fixture.ts';
import {
  advance,
  type CoverageReport,
  coverTransitions,
  printCoverage,
  type ScenarioOf,
  startRecorded,
} from './transition-coverage.ts';

type Machine = typeof trunkOrderMachine;
type Snap = SnapshotFrom<Machine>;

const ORDER = 'T1';
const CUSTOMER = 'U1';
const C1 = 'CP1';
const C2 = 'CP2';

const INPUT: TrunkOrderInput = {
  orderId: ORDER,
  request: {
    requestId: 'U1-R1',
    customerId: CUSTOMER,
    vehicleId: 'V1',
    storeId: 'S1',
    items: [{ productId: 'p1', qty: 2 }],
    goodsCents: 2_000,
    dueBy: 3_600_000,
  },
  store: { id: 'S1', position: { x: 0, y: 0 }, areaId: 'centre' },
  timing: {
    pushRadius: 2_000,
    repushMs: 10,
    maxOpenMs: 95,
    keyWindowMs: 600_000,
    holdCheckMs: 15,
    maxHoldChecks: 2,
    relockCheckMs: 20,
    maxReroutes: 1,
  },
  fees: { deliveryFeeCents: 500, commissionRate: 0.2, returnFeeShare: 0.5 },
  keys: { crypto, privateKey: issuer.privateKey },
};

function placement(over: Partial<Placement>): Placement {
  return {
    vehicleId: 'V1',
    ok: true,
    reason: 'ok',
    position: { x: 300, y: 0 },
    parkingSpaceId: 'P1',
    epoch: 0,
    ...over,
  };
}

const checked = (p: Partial<Placement>) =>
  ({ type: 'placement.checked', orderId: ORDER, placement: placement(p), at: 60_000 }) as const;
const here = checked({});
const moved = checked({ parkingSpaceId: 'P2', position: { x: 500, y: 0 } });
const driving = checked({ ok: false, reason: 'not_parked', parkingSpaceId: null });
const away = checked({ ok: false, reason: 'outside_area' });

const events: TrunkOrderEvent[] = [
  here,
  moved,
  driving,
  away,
  { type: 'couriers.found', orderId: ORDER, courierIds: [C1, C2] },
  { type: 'errand.accept', orderId: ORDER, courierId: C1, at: 120_000 },
  { type: 'errand.accept', orderId: ORDER, courierId: C2, at: 121_000 },
  { type: 'errand.pickedUp', orderId: ORDER, courierId: C1 },
  { type: 'errand.pickedUp', orderId: ORDER, courierId: C2 },
  { type: 'trunk.atCar', orderId: ORDER, courierId: C1 },
  { type: 'trunk.deposited', orderId: ORDER, courierId: C1 },
  { type: 'trunk.unlockFailed', orderId: ORDER, courierId: C1, reason: 'expired' },
  { type: 'trunk.returned', orderId: ORDER, courierId: C1 },
  { type: 'lock.checked', orderId: ORDER, vehicleId: 'V1', trunk: 'closed' },
  { type: 'lock.checked', orderId: ORDER, vehicleId: 'V1', trunk: 'alarm' },
  { type: 'lock.checked', orderId: ORDER, vehicleId: 'V1', trunk: 'unknown' },
  { type: 'order.repeat', orderId: ORDER },
];

const key = (s: Snap) =>
  JSON.stringify([
    s.value,
    s.context.courierId,
    s.context.reroutes,
    s.context.holdChecks,
    s.context.placement?.parkingSpaceId ?? null,
    s.context.alarm,
  ]);

const scenarios: ScenarioOf<Machine>[] = [{ name: 'trunk order', input: INPUT, events: () => events, key }];

let report: CoverageReport<Machine> | undefined;
function coverage(): CoverageReport<Machine> {
  report ??= coverTransitions(trunkOrderMachine, scenarios);
  return report;
}

type Money = Extract<OrderToDispatch, { type: 'ledger.hold' | 'ledger.settle' }>;

describe('trunkOrderMachine transition coverage', () => {
  it('reaches every transition on an xstate/graph path', () => {
    const r = coverage();
    printCoverage(r);
    expect(r.mismatches).toEqual([]);
    expect(r.uncovered.map((t) => t.key)).toEqual([]);
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
