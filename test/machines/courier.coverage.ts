/**
 * xstate/graph coverage plan of the courier: a professional and an ordinary courier offered every
 * kind of listing and answer, and a trunk delivery. courier.test.ts checks its properties on the
 * same paths; the inputs and listings are shared with its timer tests.
 */
import type { SnapshotFrom } from 'xstate';
import { courierMachine } from '../../machines/courier.ts';
import type { CourierEvent, CourierInput } from '../../machines/courier-setup.ts';
import type { TrunkJob } from '../../machines/protocol.ts';
import { plan } from '../protocol/coverage-plan.ts';
import { COURIER, listing } from './fixtures.ts';
import type { ScenarioOf } from './transition-coverage.ts';

type CourierMachine = typeof courierMachine;
type Snap = SnapshotFrom<CourierMachine>;

export function input(courierType: CourierInput['courierType']): CourierInput {
  return {
    id: COURIER,
    courierType,
    mode: 'bike',
    categories: ['deliver', 'buy_for_me'],
    pullRadius: 1_500,
    pullIntervalMs: 30,
    serviceMs: 20,
    trackingIntervalMs: 7,
    acceptTimeoutMs: 40,
    home: { x: 0, y: 0 },
  };
}

export const PUBLISHER_MASKED = '+377-900-0000002';
/** A plain delivery, an errand bought at a store, and one the courier does not do. */
export const toDoor = listing({ orderId: 'E1' });
export const atShop = listing({ orderId: 'E2', category: 'buy_for_me', storeId: 's1' });
const notMine = listing({ orderId: 'E3', category: 'print' });

const events: CourierEvent[] = [
  { type: 'shift.start' },
  { type: 'shift.end' },
  { type: 'errand.offer', listing: toDoor },
  { type: 'errand.offer', listing: atShop },
  { type: 'errand.offer', listing: notMine },
  { type: 'errand.list', listings: [notMine, toDoor] },
  { type: 'errand.list', listings: [notMine] },
  {
    type: 'errand.acceptResult',
    orderId: 'E1',
    ok: true,
    listing: toDoor,
    publisherMasked: PUBLISHER_MASKED,
  },
  {
    type: 'errand.acceptResult',
    orderId: 'E2',
    ok: true,
    listing: atShop,
    publisherMasked: PUBLISHER_MASKED,
  },
  { type: 'errand.acceptResult', orderId: 'E1', ok: false, reason: 'already_assigned' },
  { type: 'errand.cancelled', orderId: 'E1', reason: 'publisher_cancelled' },
  { type: 'errand.cancelled', orderId: 'E9', reason: 'publisher_cancelled' },
  { type: 'chat.message', orderId: 'E1', fromMasked: PUBLISHER_MASKED, text: 'Where are you?' },
  { type: 'travel.arrived', position: { x: 100, y: 0 } },
  { type: 'store.handover', orderId: 'E2', storeId: 's1' },
  { type: 'store.handover', orderId: 'E9', storeId: 's1' },
  { type: 'store.alreadyHandedOver', orderId: 'E2', storeId: 's1' },
  { type: 'store.queued', orderId: 'E2' },
];

const key = (s: Snap) =>
  JSON.stringify([
    s.value,
    s.context.shiftEnding,
    s.context.job?.orderId ?? null,
    s.context.publisherMasked !== null,
    s.context.repliedToChat,
    s.context.job?.dropoff.x ?? null,
    s.context.keyTries,
    s.context.won.map((w) => w.orderId),
  ]);

/** A trunk delivery: the job comes with the car, its key and the goods. */
const toTrunk = listing({ orderId: 'T1', storeId: 's1', dropoff: { x: 700, y: 0 } });
const trunkJob = {
  vehicleId: 'V1',
  key: { keyId: 'T1:K1' } as unknown as TrunkJob['key'],
  items: [{ productId: 'p1', qty: 1 }],
  storeId: 's1',
};
/** The car refuses the courier's trunk key. */
export const keyRefused: CourierEvent = {
  type: 'key.result',
  requestId: 'T1:open',
  vehicleId: 'V1',
  action: 'trunk_open',
  ok: false,
  reason: 'expired',
};
/** A repeated presentation refused as used up: the first one opened the trunk, its answer was lost. */
export const keyUsedUp: CourierEvent = { ...keyRefused, reason: 'uses_exhausted' } as CourierEvent;
export const trunkEvents: CourierEvent[] = [
  { type: 'shift.start' },
  { type: 'errand.offer', listing: toTrunk },
  { type: 'errand.acceptResult', orderId: 'T1', ok: true, listing: toTrunk, trunk: trunkJob },
  { type: 'travel.arrived', position: { x: 100, y: 0 } },
  { type: 'store.handover', orderId: 'T1', storeId: 's1' },
  { type: 'trunk.unlock', orderId: 'T1' },
  { type: 'trunk.reroute', orderId: 'T1', position: { x: 800, y: 0 } },
  { type: 'trunk.hold', orderId: 'T1' },
  { type: 'trunk.return', orderId: 'T1', position: { x: 100, y: 0 } },
  { type: 'key.result', requestId: 'T1:open', vehicleId: 'V1', action: 'trunk_open', ok: true },
  keyRefused,
  keyUsedUp,
];

export const scenarios: ScenarioOf<CourierMachine>[] = [
  { name: 'professional', input: input('professional'), events: () => events, key },
  { name: 'ordinary', input: input('ordinary'), events: () => events, key },
  { name: 'trunk delivery', input: input('professional'), events: () => trunkEvents, key },
];

export const coveragePlans = [plan({ machine: courierMachine, scenarios })];
