/**
 * The dispatch root's graph exploration for the four flows beyond errands: every order child and
 * both desks are inert stand-ins (each child machine has its own coverage), so the replay stays
 * where the graph says. Used by dispatch.test.ts together with the errand scenario.
 */
import { setup } from 'xstate';
import type { DispatchEvent, DispatchInput } from '../../machines/dispatch.ts';
import type { FlowsInput } from '../../machines/dispatch-flows.ts';
import { mapKeys } from '../../machines/persistent-map.ts';
import { crypto, issuer } from '../domain/crypto-fixture.ts';
import { FEES, TIMING } from './fixtures.ts';

export const FLOWS: FlowsInput = {
  keys: { crypto, privateKey: issuer.privateKey },
  trunk: {
    stores: { S1: { id: 'S1', position: { x: 0, y: 0 }, areaId: 'centre' } },
    fees: { deliveryFeeCents: 500, commissionRate: 0.2, returnFeeShare: 0.5 },
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
  },
  rental: { pricePerMinuteCents: 30, closeAfterMs: 50, revokeRetryMs: 30 },
  preorder: {
    pickupWindowMs: 90,
    handoverTimeoutMs: 20,
    beacons: { registry: [{ deviceId: 'B1', secret: new Uint8Array(16) }], slotSeconds: 300, driftSlots: 1 },
    owners: { B1: 'U3' },
  },
  robot: { prices: { water: 150 }, unpaidGraceMs: 40 },
};

export const FLOWS_INPUT: DispatchInput = { fees: FEES, timing: TIMING, pullLimit: 5, flows: FLOWS };

/** A child that accepts any input and event and does nothing. */
export const inert = setup({}).createMachine({ id: 'inert' });

const trunkOrder = (requestId: string, storeId = 'S1'): DispatchEvent => ({
  type: 'trunk.order',
  request: {
    requestId,
    customerId: 'U1',
    vehicleId: 'V7',
    storeId,
    items: [{ productId: 'p1', qty: 1 }],
    goodsCents: 1_000,
    dueBy: 3_600_000,
  },
});
const rentalRequest = (renterId: string): DispatchEvent => ({
  type: 'rental.request',
  request: { requestId: `${renterId}-R1`, renterId, vehicleId: 'V1', minutes: 30 },
});
const preorder = (customerId: string): DispatchEvent => ({
  type: 'preorder.place',
  request: {
    requestId: `${customerId}-R1`,
    customerId,
    beaconId: 'B1',
    storeId: 'S1',
    items: [{ productId: 'p1', qty: 1 }],
    totalCents: 900,
  },
});

/** Messages about order `id` (open or not), as its parties and ports would send them. */
function forOrder(id: string): DispatchEvent[] {
  if (id.startsWith('T'))
    return [
      { type: 'trunk.atCar', orderId: id, courierId: 'CP1' },
      { type: 'trunk.deposited', orderId: id, courierId: 'CP1' },
      { type: 'trunk.unlockFailed', orderId: id, courierId: 'CP1', reason: 'expired' },
      { type: 'trunk.returned', orderId: id, courierId: 'CP1' },
      { type: 'lock.checked', orderId: id, vehicleId: 'V7', trunk: 'closed' },
      {
        type: 'placement.checked',
        orderId: id,
        placement: {
          vehicleId: 'V7',
          ok: true,
          reason: 'ok',
          position: null,
          parkingSpaceId: 'P1',
          epoch: 0,
        },
      },
    ];
  if (id.startsWith('R'))
    return [
      { type: 'rental.upgrade', rentalId: id, renterId: 'U2', licence: 'MC123456' },
      { type: 'rental.end', rentalId: id, renterId: 'U2' },
      { type: 'vehicle.revoked', vehicleId: 'V1', keyId: `${id}:K1` },
    ];
  return [
    { type: 'preorder.handedOver', orderId: id, storeId: 'S1' },
    { type: 'store.preorderRefused', orderId: id, storeId: 'S1', reason: 'closed' },
    { type: 'beacon.bind', orderId: id, beaconId: 'B1', storeId: 'S1' },
    { type: 'beacon.unbind', orderId: id, beaconId: 'B1' },
  ];
}

function ended(id: string): DispatchEvent {
  return {
    type: 'order.ended',
    orderId: id,
    courierId: null,
    outcome: 'completed',
    reason: 'done',
    ...(id.startsWith('R') ? { vehicleId: 'V1' } : {}),
  };
}

type FlowSnap = { context: import('../../machines/dispatch.ts').DispatchContext };

/**
 * One exploration per flow (small graphs): its order opens once and is asked again, the messages
 * about it arrive while it is open and after it ended, and the refusals before anything opens.
 */
export const FLOW_EVENTS: Record<'trunk' | 'rental' | 'preorder', (s: FlowSnap) => DispatchEvent[]> = {
  trunk: (s) => [
    trunkOrder('U1-R1'),
    trunkOrder('U1-R9', 'S9'),
    ...forOrder('T9'),
    ...mapKeys(s.context.flowOrders).flatMap((id) => [ended(id), ...forOrder(id)]),
  ],
  rental: (s) => [
    rentalRequest('U2'),
    rentalRequest('U5'),
    ...forOrder('R9'),
    ...mapKeys(s.context.flowOrders).flatMap((id) => [ended(id), ...forOrder(id)]),
  ],
  preorder: (s) => [
    preorder('U3'),
    preorder('U4'),
    ...forOrder('P9'),
    ...mapKeys(s.context.flowOrders).flatMap((id) => [ended(id), ...forOrder(id)]),
    { type: 'scanner.report', storeId: 'S1', eid: '00', heardAt: 0 },
    { type: 'cart.take', readingId: 'RB1:1', robotId: 'RB1', userId: 'U6', productId: 'water' },
    { type: 'cart.putBack', readingId: 'RB1:2', robotId: 'RB1', userId: 'U6', productId: 'water' },
    { type: 'cart.get', userId: 'U6', replyTo: 'U6' },
    { type: 'cart.pay', userId: 'U6', paymentId: 'pay-1', replyTo: 'U6' },
    { type: 'cart.sessionEnded', readingId: 'RB1:3', robotId: 'RB1', userId: 'U6', sessionReadings: [] },
  ],
};

export function flowKey(s: FlowSnap): string {
  return JSON.stringify([
    s.context.flowSeq,
    mapKeys(s.context.flowOrders),
    mapKeys(s.context.requests),
    mapKeys(s.context.rentedVehicles),
    mapKeys(s.context.busyBeacons),
  ]);
}
