import { describe, expect, it } from 'vitest';
import type { SendParams } from '../../machines/errand-order.ts';
import {
  ACTUATOR_TIMEOUT_MS,
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
      // a repeat of the request the car is still acting on is the same attempt, answered once
      const answers = run.recorded
        .effectsOf<SendParams>('send')
        .filter((s) => s.message.type === 'key.result');
      expect(audits.length).toBeLessThanOrEqual(attempts.length);
      expect(answers.length).toBeLessThanOrEqual(audits.length);
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
      if (run.snapshot.matches({ trunk: 'open' }))
        expect([COURIER, OWNER]).toContain(run.snapshot.context.trunkOpenedBy);
    }
  });
});

describe('vehicleMachine behaviour', () => {
  const replies = (run: ReturnType<typeof startRecorded<VehicleMachine>>) =>
    run.effectsOf<SendParams>('send').map((s) => s.message);

  it('opens the trunk once for a single-use courier key, latches it, and refuses a second use', () => {
    const run = startRecorded(vehicleMachine, input());
    run.send(presentKey(trunkKey, 'trunk_open'));
    run.send(ack('trunk_open', true));
    expect(run.actor.getSnapshot().matches({ trunk: 'open' })).toBe(true);
    run.send({ type: 'trunk.close', presenterId: COURIER });
    run.send(ack('trunk_latch', true));
    expect(telemetryOf(run.actor.getSnapshot())).toMatchObject({ trunk: 'closed', doorsLocked: true });
    run.send(presentKey(trunkKey, 'trunk_open'));
    expect(replies(run).at(-1)).toMatchObject({ type: 'key.result', ok: false, reason: 'uses_exhausted' });
    expect(run.actor.getSnapshot().context.audit).toEqual({
      granted: 1,
      refused: { uses_exhausted: 1 },
      repeated: 0,
    });
  });

  it('refuses an engine start outside the entitlements and audits each refusal with its reason', () => {
    const rental = key({ keyId: 'R1-K1', holderId: 'U9', entitlements: ['door_unlock', 'door_lock'] });
    const run = startRecorded(vehicleMachine, input());
    run.send(presentKey(rental, 'door_unlock'));
    run.send(ack('door_unlock', true));
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
    run.send(ack('door_unlock', true));
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
    run.send(ack('trunk_open', true));
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
    offline.send(ack('door_unlock', true));
    expect(replies(offline).at(-1)).toMatchObject({ ok: true });
  });

  it('drives only with the engine on and parks in the space it was driven to', () => {
    const run = startRecorded(vehicleMachine, input());
    run.send({ type: 'drive.to', to: { x: 9, y: 9 }, parkingSpaceId: 'P7' });
    expect(run.actor.getSnapshot().matches({ motion: 'parked' })).toBe(true);
    run.send(presentKey(ownerKey, 'door_unlock'));
    run.send(presentKey(ownerKey, 'engine_start'));
    expect(run.effectsOf('ignition')).toEqual([]);
    run.send(ack('engine_start', true));
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

  it('answers a trunk opening only once the lid acked it, once for a repeated request', () => {
    const run = startRecorded(vehicleMachine, input());
    run.send(presentKey(trunkKey, 'trunk_open'));
    expect(run.actor.getSnapshot().matches({ trunk: 'opening' })).toBe(true);
    expect(replies(run)).toEqual([]);
    expect(telemetryOf(run.actor.getSnapshot()).trunk).toBe('closed');
    // the courier's terminal asks again meanwhile: not refused as used up, answered once
    run.send(presentKey(trunkKey, 'trunk_open'));
    expect(replies(run)).toEqual([]);
    run.send(ack('trunk_open', true));
    expect(replies(run)).toEqual([
      { type: 'key.result', requestId: 'T1-K1:trunk_open', vehicleId: 'V1', action: 'trunk_open', ok: true },
    ]);
    expect(telemetryOf(run.actor.getSnapshot()).trunk).toBe('open');
  });

  it('reports a refused opening with the device reason, relatches, and gives the use back', () => {
    const run = startRecorded(vehicleMachine, input());
    run.send(presentKey(trunkKey, 'trunk_open'));
    run.send({ type: 'actuator.ack', what: 'trunk_open', ok: false, reason: 'obstructed' });
    expect(replies(run).at(-1)).toMatchObject({ ok: false, reason: 'obstructed' });
    expect(run.effectsOf('actuate')).toEqual([{ what: 'trunk_open' }, { what: 'trunk_latch' }]);
    run.send(ack('trunk_latch', true));
    // the single-use key was never used: the courier may present it again
    run.send(presentKey(trunkKey, 'trunk_open'));
    expect(run.actor.getSnapshot().matches({ trunk: 'opening' })).toBe(true);
  });

  it('gives up on an actuator that never answers: no_answer, and the car back locked, latched, off', () => {
    const run = startRecorded(vehicleMachine, input());
    run.send(presentKey(trunkKey, 'trunk_open'));
    run.send(presentKey(ownerKey, 'door_unlock'));
    advance(run.clock, ACTUATOR_TIMEOUT_MS - 1);
    expect(replies(run)).toEqual([]);
    advance(run.clock, 1);
    expect(replies(run).map((r) => [r.action, r.ok, r.reason])).toEqual([
      ['trunk_open', false, 'no_answer'],
      ['door_unlock', false, 'no_answer'],
    ]);
    expect(run.actor.getSnapshot().matches({ trunk: 'latching', doors: 'locking' })).toBe(true);
    run.send(ack('door_lock', true));
    run.send(presentKey(ownerKey, 'door_unlock'));
    run.send(ack('door_unlock', true));
    run.send(presentKey(ownerKey, 'engine_start'));
    advance(run.clock, ACTUATOR_TIMEOUT_MS);
    expect(replies(run).at(-1)).toMatchObject({ action: 'engine_start', ok: false, reason: 'no_answer' });
    expect(run.effectsOf('actuate').at(-1)).toEqual({ what: 'engine_stop' });
    expect(run.effectsOf('ignition')).toEqual([{ on: false }]);
    expect(telemetryOf(run.actor.getSnapshot()).engineOn).toBe(false);
  });

  it('answers busy to an unlock while the doors are locking, and the lock wins over a pending unlock', () => {
    const run = startRecorded(vehicleMachine, input());
    run.send(presentKey(ownerKey, 'door_unlock'));
    run.send(presentKey(ownerKey, 'door_lock'));
    expect(replies(run).map((r) => [r.action, r.ok, r.reason])).toEqual([
      ['door_lock', true, undefined],
      ['door_unlock', false, 'interrupted'],
    ]);
    run.send(presentKey(ownerKey, 'door_unlock'));
    expect(replies(run).at(-1)).toMatchObject({ action: 'door_unlock', ok: false, reason: 'busy' });
    expect(run.actor.getSnapshot().matches({ doors: 'locking' })).toBe(true);
  });
});
