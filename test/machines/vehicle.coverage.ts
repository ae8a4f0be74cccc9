/**
 * xstate/graph coverage plan of the vehicle: an owner's trip, a trunk delivery, second requests
 * meeting an opening or a start, and the link with its revocations, each a small exploration of
 * its own. vehicle.test.ts checks its properties on the same paths; the key fixtures are shared
 * with its behaviour tests.
 */
import type { SnapshotFrom } from 'xstate';
import { type DigitalKey, issueKey, type KeyIssue } from '../../machines/digital-key.ts';
import {
  type KeyPresent,
  type VehicleEvent,
  type VehicleInput,
  vehicleMachine,
} from '../../machines/vehicle.ts';
import { crypto, issuer, otherIssuer } from '../domain/crypto-fixture.ts';
import { plan } from '../protocol/coverage-plan.ts';
import type { ScenarioOf } from './transition-coverage.ts';

type VehicleMachine = typeof vehicleMachine;
type Snap = SnapshotFrom<VehicleMachine>;

const V = 'V1';
export const OWNER = 'U1';
export const COURIER = 'CP1';

export function input(online = true): VehicleInput {
  return {
    id: V,
    ownerId: OWNER,
    position: { x: 0, y: 0 },
    parkingSpaceId: 'P1',
    crypto,
    issuerPublicKey: issuer.publicKey,
    autoRelockMs: 30,
    relockRetryMs: 20,
    online,
  };
}

export function key(fields: Partial<KeyIssue>, signer = issuer.privateKey): DigitalKey {
  return issueKey(crypto, signer, {
    keyId: 'K',
    vehicleId: V,
    holderId: OWNER,
    entitlements: ['door_unlock'],
    validFrom: 0,
    validUntil: 1_000,
    maxUses: null,
    revocationEpoch: 0,
    issuedAt: 0,
    ...fields,
  });
}

export const ownerKey = key({ keyId: 'O1', entitlements: ['door_unlock', 'door_lock', 'engine_start'] });
export const trunkKey = key({ keyId: 'T1-K1', holderId: COURIER, entitlements: ['trunk_open'], maxUses: 1 });
/** The owner's own trunk key: many uses, so a second opening meets a trunk already open. */
export const ownerTrunkKey = key({ keyId: 'O2', entitlements: ['trunk_open'] });
export const forged = key(
  { keyId: 'F1', entitlements: ['door_unlock', 'trunk_open'] },
  otherIssuer.privateKey,
);
const expired = key({ keyId: 'X1', validFrom: 0, validUntil: 10 });

export function presentKey(
  k: DigitalKey,
  action: KeyPresent['action'],
  presenterId = k.holderId,
  atSeconds = 100,
) {
  return {
    type: 'key.present',
    requestId: `${k.keyId}:${action}`,
    presenterId,
    key: k,
    action,
    at: atSeconds * 1000,
  } as const;
}

type Actuation = Extract<VehicleEvent, { type: 'actuator.ack' }>['what'];

export const ack = (what: Actuation, ok: boolean) => ({ type: 'actuator.ack', what, ok }) as const;

/** Three focused explorations keep each graph small: an owner's trip, a trunk delivery, the link. */
const ownerEvents: VehicleEvent[] = [
  presentKey(ownerKey, 'door_unlock'),
  presentKey(ownerKey, 'engine_start'),
  presentKey(ownerKey, 'door_lock'),
  presentKey(ownerKey, 'trunk_open'),
  { type: 'drive.to', to: { x: 500, y: 0 }, parkingSpaceId: 'P2' },
  { type: 'travel.arrived', position: { x: 500, y: 0 } },
  { type: 'engine.stop' },
  ack('door_lock', true),
  ack('door_lock', false),
  // openings are answered once acked; refused ones leave the car locked or off
  ack('door_unlock', true),
  ack('door_unlock', false),
  ack('engine_start', true),
  ack('engine_start', false),
];
const trunkEvents: VehicleEvent[] = [
  presentKey(trunkKey, 'trunk_open'),
  presentKey(trunkKey, 'door_unlock'),
  presentKey(trunkKey, 'trunk_open', 'someone-else'),
  presentKey(forged, 'trunk_open', OWNER),
  presentKey(expired, 'door_unlock'),
  { type: 'trunk.close', presenterId: COURIER },
  ack('trunk_latch', true),
  ack('trunk_latch', false),
  ack('trunk_open', true),
  // an opening the trunk never carried out
  ack('trunk_open', false),
];
/** The owner's second phone: it can start the engine too. */
const spareKey = key({ keyId: 'O3', entitlements: ['engine_start'] });
/** A second opening or start (another request) meets the trunk or engine already acting on one. */
const reopenEvents: VehicleEvent[] = [presentKey(ownerTrunkKey, 'trunk_open'), ack('trunk_open', true)];
const restartEvents: VehicleEvent[] = [
  presentKey(ownerKey, 'engine_start'),
  presentKey(spareKey, 'engine_start'),
];
const linkEvents: VehicleEvent[] = [
  { type: 'link.lost' },
  { type: 'link.restored' },
  { type: 'vehicle.revoke', keyId: 'O1' },
  { type: 'vehicle.revokeAll', epoch: 1 },
  presentKey(ownerKey, 'door_unlock'),
  ack('door_unlock', true),
  ack('door_lock', true),
];

const graphKey = (s: Snap) =>
  JSON.stringify([
    s.value,
    s.context.keys.revocationEpoch,
    s.context.keys.revokedKeyIds,
    Object.entries(s.context.keys.usesByKey).map(([k, n]) => [k, Math.min(n, 2)]),
    s.context.trunkOpenedBy,
    Math.min(s.context.failedAttempts, 1),
    s.context.parkingSpaceId,
    Object.values(s.context.asked).map((p) => p?.requestId ?? null),
  ]);

export const scenarios: ScenarioOf<VehicleMachine>[] = [
  { name: 'owner trip', input: input(), events: () => ownerEvents, key: graphKey },
  { name: 'trunk delivery', input: input(), events: () => trunkEvents, key: graphKey },
  { name: 'second opening', input: input(), events: () => reopenEvents, key: graphKey },
  { name: 'second start', input: input(), events: () => restartEvents, key: graphKey },
  {
    name: 'link and revocation (starts offline)',
    input: input(false),
    events: () => linkEvents,
    key: graphKey,
  },
  {
    name: 'link and revocation (starts online)',
    input: input(true),
    events: () => linkEvents,
    key: graphKey,
  },
];

export const coveragePlans = [plan({ machine: vehicleMachine, scenarios })];
