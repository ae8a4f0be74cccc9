/**
 * xstate/graph coverage plans of the beacon preorder's machines: the preorder itself, the car's
 * beacon and dispatch's beacon desk. preorder-beacon.test.ts checks their properties on the same
 * paths; the inputs are shared with its behaviour tests.
 */
import { type BeaconEvent, type BeaconInput, beaconMachine } from '../../machines/beacon.ts';
import { type BeaconDeskEvent, type BeaconDeskInput, beaconDeskMachine } from '../../machines/beacon-desk.ts';
import { ephemeralId } from '../../machines/ephemeral-id.ts';
import { mapKeys } from '../../machines/persistent-map.ts';
import { type PreorderEvent, type PreorderInput, preorderMachine } from '../../machines/preorder.ts';
import { crypto } from '../domain/crypto-fixture.ts';
import { plan } from '../protocol/coverage-plan.ts';
import type { ScenarioOf } from './transition-coverage.ts';

export const SECRET = new Uint8Array(16).fill(7);
export const SLOT_MS = 300_000;

// ── preorder ──────────────────────────────────────────────────────────────────────────────────

const PREORDER: PreorderInput = {
  orderId: 'P1',
  request: {
    requestId: 'U1-R1',
    customerId: 'U1',
    beaconId: 'B1',
    storeId: 'S1',
    items: [{ productId: 'p1', qty: 1 }],
    totalCents: 900,
  },
  pickupWindowMs: 90,
  handoverTimeoutMs: 20,
  placedAt: 0,
};
const preorderEvents: PreorderEvent[] = [
  { type: 'preorder.arrived', orderId: 'P1', storeId: 'S1' },
  { type: 'preorder.arrived', orderId: 'P1', storeId: 'S2' },
  { type: 'preorder.handedOver', orderId: 'P1', storeId: 'S1' },
  { type: 'store.preorderRefused', orderId: 'P1', storeId: 'S1', reason: 'closed' },
  { type: 'order.repeat', orderId: 'P1' },
];

export const preorderScenarios: ScenarioOf<typeof preorderMachine>[] = [
  {
    name: 'preorder',
    input: PREORDER,
    events: () => preorderEvents,
    key: (s) => JSON.stringify(s.value),
  },
];

// ── beacon ────────────────────────────────────────────────────────────────────────────────────

export const BEACON: BeaconInput = {
  id: 'B1',
  vehicleId: 'V1',
  secret: SECRET,
  crypto,
  clockOffsetMs: 90_000,
  slotSeconds: 300,
};
const beaconEvents: BeaconEvent[] = [
  { type: 'power.on', at: 1_000_000 },
  { type: 'power.off', at: 1_100_000 },
  { type: 'beacon.pair', phoneId: 'U1' },
  { type: 'beacon.pair', phoneId: 'U9' },
];

export const beaconScenarios: ScenarioOf<typeof beaconMachine>[] = [
  {
    name: 'beacon',
    input: BEACON,
    events: () => beaconEvents,
    key: (s) => JSON.stringify([s.value, s.context.pairedPhone, Math.min(s.context.rotations, 1)]),
  },
];

// ── beacon desk ───────────────────────────────────────────────────────────────────────────────

export const DESK: BeaconDeskInput = {
  crypto,
  registry: [
    { deviceId: 'B1', secret: SECRET },
    { deviceId: 'B2', secret: new Uint8Array(16).fill(9) },
  ],
  slotSeconds: 300,
  driftSlots: 1,
};
export const at = 10 * SLOT_MS + 1_000;
export const eidOf = (secret: Uint8Array, slot: number) => ephemeralId(crypto, secret, slot);
const deskEvents: BeaconDeskEvent[] = [
  { type: 'beacon.bind', orderId: 'P1', beaconId: 'B1', storeId: 'S1' },
  { type: 'beacon.unbind', orderId: 'P1', beaconId: 'B1' },
  { type: 'beacon.unbind', orderId: 'P7', beaconId: 'B1' },
  { type: 'scanner.report', storeId: 'S1', eid: eidOf(SECRET, 10), heardAt: at },
];

export const deskScenarios: ScenarioOf<typeof beaconDeskMachine>[] = [
  {
    name: 'desk',
    input: DESK,
    events: () => deskEvents,
    key: (s) => JSON.stringify([mapKeys(s.context.bound), Object.keys(s.context.seen.acceptedBySlot)]),
  },
];

export const coveragePlans = [
  plan({ machine: preorderMachine, scenarios: preorderScenarios }),
  plan({ machine: beaconMachine, scenarios: beaconScenarios }),
  plan({ machine: beaconDeskMachine, scenarios: deskScenarios }),
];
