/**
 * Graph explorations of the customer in the four flows beyond errands: ordering to the trunk,
 * driving the own car, the beacon preorder, renting, meeting a robot. Each offers the answers the
 * customer can get (its own and others'), keyed by the request and key sequence numbers it expects.
 */
import type { SnapshotFrom } from 'xstate';
import type {
  CustomerEvent,
  CustomerInput,
  customerMachine,
  PreorderDemand,
  RentalDemand,
  RobotDemand,
} from '../../machines/customer.ts';
import type { DigitalKey } from '../../machines/digital-key.ts';

type Snap = SnapshotFrom<typeof customerMachine>;

export const OWNER: CustomerInput = {
  id: 'U1',
  home: { x: 0, y: 0 },
  phone: '+377-600-000001',
  answerTimeoutMs: 40,
  vehicleId: 'V1',
  ownerKey: { keyId: 'O:V1' } as unknown as DigitalKey,
  beaconId: 'B1',
  memberCode: 'M-U1',
};

const rentalKey = { keyId: 'R1:K1' } as unknown as DigitalKey;
const upgradedKey = { keyId: 'R1:K2' } as unknown as DigitalKey;

export const PREORDER: PreorderDemand = {
  type: 'demand.preorder',
  storeId: 'S1',
  curb: { x: 100, y: 0 },
  items: [{ productId: 'p1', qty: 1 }],
  totalCents: 900,
  back: { x: 0, y: 0 },
  backSpaceId: 'P1',
  waitMs: 30,
};

export const RENTAL: RentalDemand = {
  type: 'demand.rental',
  vehicleId: 'V9',
  carPosition: { x: 50, y: 0 },
  minutes: 30,
  useMs: 25,
  tryEngine: true,
  upgradeLicence: 'MC123456',
  driveTo: { x: 300, y: 0 },
  driveToSpaceId: 'P3',
  misuseAfterMs: 10,
};

export const ROBOT: RobotDemand = {
  type: 'demand.robot',
  robotId: 'RB1',
  robotAt: { x: 20, y: 0 },
  picks: [
    { kind: 'take', productId: 'water' },
    { kind: 'putBack', productId: 'water' },
  ],
  cartVia: 'robot',
  payVia: 'robot',
  payTwice: true,
};

const requestId = (s: Snap) => `U1-R${s.context.requestSeq}`;
const keyRequest = (s: Snap) => `U1-K${s.context.keySeq}`;

function keyResults(s: Snap, vehicleId: string): CustomerEvent[] {
  return [
    { type: 'key.result', requestId: keyRequest(s), vehicleId, action: 'door_unlock', ok: true },
    {
      type: 'key.result',
      requestId: keyRequest(s),
      vehicleId,
      action: 'door_unlock',
      ok: false,
      reason: 'revoked',
    },
  ];
}

/** A demand is offered only while idle and before the first request: one run of each flow. */
const fresh = (s: Snap) => s.context.requestSeq === 0 && s.context.keySeq === 0;

export const CUSTOMER_FLOW_EVENTS: Record<string, (s: Snap) => CustomerEvent[]> = {
  trunk: (s) => [
    ...(fresh(s)
      ? [{ type: 'demand.trunk', storeId: 'S1', items: [], goodsCents: 1_000, dueBy: 1 } as CustomerEvent]
      : []),
    { type: 'trunk.accepted', requestId: requestId(s), orderId: 'T1', totalCents: 1_590 },
    { type: 'trunk.rejected', requestId: requestId(s), reason: 'outside_area' },
    { type: 'trunk.delivered', orderId: 'T1', alarm: false },
  ],
  trip: (s) => [
    ...(fresh(s) ? [{ type: 'demand.trip', to: { x: 9, y: 9 }, parkingSpaceId: 'P2' } as CustomerEvent] : []),
    ...keyResults(s, 'V1'),
    { type: 'car.arrived', vehicleId: 'V1', position: { x: 9, y: 9 } },
  ],
  preorder: (s) => [
    // a second preorder finds the phone already paired with the beacon
    ...(fresh(s) ||
    (s.value === 'idle' && s.context.requestSeq === 1 && s.context.paired && s.context.keySeq <= 4)
      ? [PREORDER]
      : []),
    ...keyResults(s, 'V1'),
    { type: 'beacon.paired', beaconId: 'B1', phoneId: 'U1' },
    { type: 'preorder.confirmed', requestId: requestId(s), orderId: 'P1' },
    { type: 'preorder.refused', requestId: requestId(s), reason: 'beacon_busy' },
    { type: 'car.arrived', vehicleId: 'V1', position: { x: 100, y: 0 } },
    { type: 'preorder.done', orderId: 'P1' },
    { type: 'preorder.closed', orderId: 'P1', outcome: 'cancelled', refund: 900, reason: 'not_collected' },
  ],
  rental: (s) => [
    ...(fresh(s) ? [RENTAL, { ...RENTAL, tryEngine: false, upgradeLicence: null, misuseAfterMs: null }] : []),
    {
      type: 'rental.granted',
      requestId: requestId(s),
      rentalId: 'R1',
      vehicleId: 'V9',
      key: rentalKey,
      position: { x: 50, y: 0 },
    },
    { type: 'rental.refused', requestId: requestId(s), reason: 'vehicle_in_use' },
    { type: 'travel.arrived', position: { x: 50, y: 0 } },
    ...keyResults(s, 'V9'),
    { type: 'rental.upgraded', rentalId: 'R1', key: upgradedKey },
    { type: 'rental.upgradeRefused', rentalId: 'R1', reason: 'not_verified' },
    { type: 'car.arrived', vehicleId: 'V9', position: { x: 300, y: 0 } },
    { type: 'rental.closed', rentalId: 'R1', chargedCents: 300, reason: 'ended' },
  ],
  robot: (s) => [
    ...(fresh(s) && s.context.plan === null
      ? [
          ROBOT,
          { ...ROBOT, cartVia: 'phone', payVia: 'phone', payTwice: false } as RobotDemand,
          { ...ROBOT, payVia: 'none' } as RobotDemand,
        ]
      : []),
    { type: 'travel.arrived', position: { x: 20, y: 0 } },
    { type: 'robot.session', robotId: 'RB1', userId: 'U1' },
    { type: 'robot.busy', robotId: 'RB1' },
    { type: 'cart.list', userId: 'U1', lines: [{ productId: 'water', qty: 1 }], totalCents: 150 },
    { type: 'cart.list', userId: 'U1', lines: [], totalCents: 0 },
    { type: 'cart.paid', userId: 'U1', paymentId: 'U1-pay-1', lines: [], totalCents: 150 },
    { type: 'cart.payRefused', userId: 'U1', paymentId: 'U1-pay-1', reason: 'empty_cart' },
  ],
};

export function customerFlowKey(s: Snap): string {
  return JSON.stringify([
    s.value,
    s.context.requestSeq,
    s.context.keySeq,
    s.context.paired,
    s.context.step,
    s.context.robotRetries,
    s.context.rentalId,
    s.context.oldRentalKey !== null,
    s.context.plan?.type ?? null,
    s.context.plan?.type === 'demand.rental'
      ? [s.context.plan.tryEngine, s.context.plan.upgradeLicence]
      : null,
    s.context.plan?.type === 'demand.robot' ? [s.context.plan.cartVia, s.context.plan.payVia] : null,
  ]);
}
