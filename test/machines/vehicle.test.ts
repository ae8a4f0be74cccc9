import { describe, expect, it } from 'vitest';
import type { SendParams } from '../../machines/errand-order.ts';
import {
  type AuditParams,
  TRUNK_AUTO_LATCH_MS,
  telemetryOf,
  vehicleMachine,
} from '../../machines/vehicle.ts';
import { advance, expectFullCoverage, lazyCoverage, startRecorded } from './transition-coverage.ts';
import {
  ack,
  COURIER,
  forged,
  input,
  key,
  OWNER,
  ownerKey,
  presentKey,
  scenarios,
  trunkKey,
} from './vehicle.coverage.ts';

type VehicleMachine = typeof vehicleMachine;

const coverage = lazyCoverage(vehicleMachine, scenarios);

describe('vehicleMachine transition coverage', () => {
  it('reaches every transition on an xstate/graph path', () => {
    expectFullCoverage(coverage());
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
    expect(run.effectsOf('actuate')).toEqual([{ what: 'door_unlock' }, { what: 'door_lock' }]);
    run.send(ack('door_lock', false));
    expect(run.actor.getSnapshot().matches({ doors: 'alarm' })).toBe(true);
    advance(run.clock, 20);
    run.send(ack('door_lock', true));
    expect(run.actor.getSnapshot().matches({ doors: 'locked' })).toBe(true);
    expect(run.effectsOf('actuate')).toHaveLength(3);
  });

  it('closes and latches a trunk opened by a key and left open', () => {
    const run = startRecorded(vehicleMachine, input());
    run.send(presentKey(trunkKey, 'trunk_open'));
    advance(run.clock, TRUNK_AUTO_LATCH_MS - 1);
    expect(run.actor.getSnapshot().matches({ trunk: 'open' })).toBe(true);
    advance(run.clock, 1);
    expect(run.effectsOf('actuate')).toEqual([{ what: 'trunk_open' }, { what: 'trunk_latch' }]);
    run.send(ack('trunk_latch', true));
    expect(telemetryOf(run.actor.getSnapshot())).toMatchObject({ trunk: 'closed', doorsLocked: true });
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
