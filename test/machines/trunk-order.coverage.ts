/**
 * xstate/graph coverage plan of the trunk order: every placement answer (here, moved, driven, out
 * of the area), two couriers, the trunk and lock reports and repeats. trunk-order.test.ts checks
 * its properties on the same paths; the input and placements are shared with its behaviour tests.
 */
import type { SnapshotFrom } from 'xstate';
import type { Placement } from '../../machines/protocol.ts';
import { type TrunkOrderEvent, type TrunkOrderInput, trunkOrderMachine } from '../../machines/trunk-order.ts';
import { crypto, issuer } from '../domain/crypto-fixture.ts';
import { plan } from '../protocol/coverage-plan.ts';
import type { ScenarioOf } from './transition-coverage.ts';

type Machine = typeof trunkOrderMachine;
type Snap = SnapshotFrom<Machine>;

export const ORDER = 'T1';
const CUSTOMER = 'U1';
export const C1 = 'CP1';
export const C2 = 'CP2';

export const INPUT: TrunkOrderInput = {
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
export const here = checked({});
export const moved = checked({ parkingSpaceId: 'P2', position: { x: 500, y: 0 } });
export const driving = checked({ ok: false, reason: 'not_parked', parkingSpaceId: null });
export const away = checked({ ok: false, reason: 'outside_area' });

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

export const scenarios: ScenarioOf<Machine>[] = [
  { name: 'trunk order', input: INPUT, events: () => events, key },
];

export const coveragePlans = [plan({ machine: trunkOrderMachine, scenarios })];
