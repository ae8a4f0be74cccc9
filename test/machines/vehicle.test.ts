import { describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { type DigitalKey, issueKey, type KeyIssue } from '../../machines/digital-key.ts';
import type { SendParams } from '../../machines/errand-order.ts';
import {
  type AuditParams,
  type KeyPresent,
  telemetryOf,
  type VehicleEvent,
  type VehicleInput,
  vehicleMachine,
} from '../../machines/vehicle.ts';
import { crypto, issuer, otherIssuer } from '../domain/crypto-fixture.ts';
import {
  advance,
  type CoverageReport,
  coverTransitions,
  printCoverage,
  type ScenarioOf,
  startRecorded,
} from './transition-coverage.ts';

type VehicleMachine = typeof vehicleMachine;
type Snap = SnapshotFrom<VehicleMachine>;

const V = 'V1';
const OWNER = 'U1';
const COURIER = 'CP1';

function input(online = true): VehicleInput {
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

function key(fields: Partial<KeyIssue>, signer = issuer.privateKey): DigitalKey {
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

const ownerKey = key({ keyId: 'O1', entitlements: ['door_unlock', 'door_lock', 'engine_start'] });
const trunkKey = key({ keyId: 'T1-K1', holderId: COURIER, entitlements: ['trunk_open'], maxUses: 1 });
const forged = key({ keyId: 'F1', entitlements: ['door_unlock', 'trunk_open'] }, otherIssuer.privateKey);
const expired = key({ keyId: 'X1', validFrom: 0, validUntil: 10 });

function presentKey(k: DigitalKey, action: KeyPresent['action'], presenterId = k.holderId, atSeconds = 100) {
  return {
    type: 'key.present',
    requestId: `${k.keyId}:${action}`,
    presenterId,
    key: k,
    action,
    at: atSeconds * 1000,
  } as const;
}

const ack = (what: 'door_lock' | 'trunk_latch', ok: boolean) => ({ type: 'actuator.ack', what, ok }) as const;

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
];
const linkEvents: VehicleEvent[] = [
  { type: 'link.lost' },
  { type: 'link.restored' },
  { type: 'vehicle.revoke', keyId: 'O1' },
  { type: 'vehicle.revokeAll', epoch: 1 },
  presentKey(ownerKey, 'door_unlock'),
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
  ]);

const scenarios: ScenarioOf<VehicleMachine>[] = [
  { name: 'owner trip', input: input(), events: () => ownerEvents, key: graphKey },
  { name: 'trunk delivery', input: input(), events: () => trunkEvents, key: graphKey },
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

let report: CoverageReport<VehicleMachine> | undefined;
function coverage(): CoverageReport<VehicleMachine> {
  report ??= coverTransitions(vehicleMachine, scenarios);
  return report;
}

describe('vehicleMachine transition coverage', () => {
  it('reaches every transition on an xstate/graph path', () => {
    const r = coverage();
    printCoverage(r);
    expect(r.mismatches).toEqual([]);
    expect(r.uncovered.map((t) => t.key)).toEqual([]);
  });

  it('on every path: every attempt is audited once, and nothing is granted outside the key', () => {
    for (const run of coverage().runs) {
      const audits = run.recorded.effectsOf<AuditParams>('audit');
      const attempts = run.events.filter((e) => e.type === 'key.present');
      expect(audits).toHaveLength(attempts.length);
      for (const a of audits.filter((x) => x.ok)) {
        expect(a.entitlements).toContain(a.action);
        expect(a.now).toBeGreaterThanOrEqual(a.validFrom);
        expect(a.now).toBeLessThan(a.validUntil);
        if (a.maxUses !== null) expect(a.usesAfter).toBeLessThanOrEqual(a.maxUses);
        expect(a.presenterId).toBe(a.holderId);
        expect(a.keyId).not.toBe('F1');
      }
      // a key revoked in the car (it acknowledged the revocation) never works afterwards
      let revoked = false;
      for (const effect of run.recorded.effects) {
        const p = effect.params as { message?: { type: string }; keyId?: string; ok?: boolean };
        if (effect.type === 'send' && p.message?.type === 'vehicle.revoked') revoked = true;
        if (effect.type === 'audit' && revoked && p.keyId === 'O1') expect(p.ok).toBe(false);
      }
      // the trunk is open only while someone with a trunk key opened it
      if (run.snapshot.matches({ trunk: 'open' })) expect(run.snapshot.context.trunkOpenedBy).toBe(COURIER);
    }
  });
});

describe('vehicleMachine behaviour', () => {
  const replies = (run: ReturnType<typeof startRecorded<VehicleMachine>>) =>
    run.effectsOf<SendParams>('send').map((s) => s.message);

  it('opens the trunk once for a single-use courier key, latches it, and refuses a second use', () => {
    const run = startRecorded(vehicleMachine, input());
    run.send(presentKey(trunkKey, 'trunk_open'));
    expect(run.actor.getSnapshot().matches({ trunk: 'open' })).toBe(true);
    run.send({ type: 'trunk.close', presenterId: COURIER });
    run.send(ack('trunk_latch', true));
    expect(telemetryOf(run.actor.getSnapshot())).toMatchObject({ trunk: 'closed', doorsLocked: true });
    run.send(presentKey(trunkKey, 'trunk_open'));
    expect(replies(run).at(-1)).toMatchObject({ type: 'key.result', ok: false, reason: 'uses_exhausted' });
    expect(run.actor.getSnapshot().context.audit).toEqual({ granted: 1, refused: { uses_exhausted: 1 } });
  });

  it('refuses an engine start outside the entitlements and audits each refusal with its reason', () => {
    const rental = key({ keyId: 'R1-K1', holderId: 'U9', entitlements: ['door_unlock', 'door_lock'] });
    const run = startRecorded(vehicleMachine, input());
    run.send(presentKey(rental, 'door_unlock'));
    run.send(presentKey(rental, 'engine_start'));
    run.send(presentKey(forged, 'door_unlock', OWNER));
    run.send(presentKey(rental, 'door_unlock', 'U9', 2_000));
    expect(run.actor.getSnapshot().matches({ engine: 'off', doors: 'unlocked' })).toBe(true);
    expect(run.actor.getSnapshot().context.audit.refused).toEqual({
      not_entitled: 1,
      bad_signature: 1,
      expired: 1,
    });
  });

  it('relocks doors left unlocked, raises the alarm when the lock fails, and retries', () => {
    const run = startRecorded(vehicleMachine, input());
    run.send(presentKey(ownerKey, 'door_unlock'));
    advance(run.clock, 30);
    expect(run.effectsOf('actuate')).toEqual([{ what: 'door_lock' }]);
    run.send(ack('door_lock', false));
    expect(run.actor.getSnapshot().matches({ doors: 'alarm' })).toBe(true);
    advance(run.clock, 20);
    run.send(ack('door_lock', true));
    expect(run.actor.getSnapshot().matches({ doors: 'locked' })).toBe(true);
    expect(run.effectsOf('actuate')).toHaveLength(2);
  });

  it('keeps a revocation while offline: the revoked key is refused with no link', () => {
    const run = startRecorded(vehicleMachine, input());
    run.send({ type: 'vehicle.revoke', keyId: 'O1' });
    run.send({ type: 'link.lost' });
    run.send(presentKey(ownerKey, 'door_unlock'));
    expect(replies(run).at(-1)).toMatchObject({ ok: false, reason: 'revoked' });
    // a revocation sent while offline never arrives; the key still works until it does
    const offline = startRecorded(vehicleMachine, input(false));
    offline.send({ type: 'vehicle.revoke', keyId: 'O1' });
    offline.send(presentKey(ownerKey, 'door_unlock'));
    expect(replies(offline).at(-1)).toMatchObject({ ok: true });
  });

  it('drives only with the engine on and parks in the space it was driven to', () => {
    const run = startRecorded(vehicleMachine, input());
    run.send({ type: 'drive.to', to: { x: 9, y: 9 }, parkingSpaceId: 'P7' });
    expect(run.actor.getSnapshot().matches({ motion: 'parked' })).toBe(true);
    run.send(presentKey(ownerKey, 'door_unlock'));
    run.send(presentKey(ownerKey, 'engine_start'));
    expect(run.effectsOf('ignition')).toEqual([{ on: true }]);
    run.send({ type: 'drive.to', to: { x: 9, y: 9 }, parkingSpaceId: 'P7' });
    run.send({ type: 'engine.stop' });
    expect(run.actor.getSnapshot().matches({ engine: 'on', motion: 'driving' })).toBe(true);
    run.send({ type: 'travel.arrived', position: { x: 9, y: 9 } });
    run.send({ type: 'engine.stop' });
    expect(telemetryOf(run.actor.getSnapshot())).toMatchObject({
      parked: true,
      parkingSpaceId: 'P7',
      engineOn: false,
      position: { x: 9, y: 9 },
    });
  });
});
