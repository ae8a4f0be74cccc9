import { describe, expect, it } from 'vitest';
import { initialVehicleKeyState, revokeKey, verifyKeyUse } from '../../machines/digital-key.ts';
import type { SendParams } from '../../machines/errand-order.ts';
import { licenceVerified, rentalMachine } from '../../machines/rental.ts';
import { crypto, issuer } from '../domain/crypto-fixture.ts';
import { INPUT, placed, scenarios } from './rental.coverage.ts';
import { advance, expectFullCoverage, lazyCoverage, startRecorded } from './transition-coverage.ts';

const coverage = lazyCoverage(rentalMachine, scenarios);

describe('rentalMachine transition coverage', () => {
  it('reaches every transition on an xstate/graph path', () => {
    expectFullCoverage(coverage());
  });

  it('on every path: the money held is settled once, never beyond it; every issued key is revoked', () => {
    for (const run of coverage().runs) {
      const holds = run.recorded.toParent.filter((e) => e.type === 'ledger.hold') as unknown as {
        amount: number;
      }[];
      const settles = run.recorded.toParent.filter((e) => e.type === 'ledger.settle') as unknown as {
        payout: number;
        refund: number;
      }[];
      expect(settles.length).toBeLessThanOrEqual(holds.length);
      for (const s of settles) expect(s.payout + s.refund).toBe(holds[0]?.amount);
      if (run.snapshot.matches('revoking') || run.snapshot.matches('closed')) {
        const revoked = run.recorded
          .effectsOf<{ messages: { keyId: string }[] }>('sendEach')
          .flatMap((e) => e.messages.map((m) => m.keyId));
        for (const id of run.snapshot.context.issued) expect(revoked).toContain(id);
      }
    }
  });
});

describe('rentalMachine behaviour', () => {
  it('grants a door-only key; an engine start is not entitled until the upgrade, which supersedes it', () => {
    const run = startRecorded(rentalMachine, INPUT);
    run.send(placed(true));
    const first = run.actor.getSnapshot().context.key!;
    expect(first.entitlements).toEqual(['door_lock', 'door_unlock']);
    const use = (k: typeof first, action: 'engine_start' | 'door_unlock', state = initialVehicleKeyState()) =>
      verifyKeyUse(crypto, issuer.publicKey, state, {
        key: k,
        vehicleId: 'V9',
        presenterId: 'U2',
        action,
        now: 10,
      });
    expect(use(first, 'engine_start')).toEqual({ ok: false, reason: 'not_entitled' });
    run.send({ type: 'rental.upgrade', rentalId: 'R1', renterId: 'U2', licence: 'none', at: 1_000 });
    expect(run.effectsOf<SendParams>('send').at(-1)?.message).toMatchObject({
      type: 'rental.upgradeRefused',
    });
    run.send({ type: 'rental.upgrade', rentalId: 'R1', renterId: 'U2', licence: 'MC123456', at: 1_000 });
    const upgraded = run.actor.getSnapshot().context.key!;
    expect(upgraded).toMatchObject({
      supersedes: 'R1:K1',
      entitlements: ['door_lock', 'door_unlock', 'engine_start'],
    });
    const afterNew = use(upgraded, 'engine_start');
    expect(afterNew.ok).toBe(true);
    // using the new key revokes the old one in the car
    if (afterNew.ok)
      expect(use(first, 'door_unlock', afterNew.nextState)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('charges the minutes used, revokes both keys, and retries while the car does not answer', () => {
    const run = startRecorded(rentalMachine, INPUT);
    run.send(placed(true));
    run.send({ type: 'rental.upgrade', rentalId: 'R1', renterId: 'U2', licence: 'MC123456', at: 1_000 });
    run.send({ type: 'rental.end', rentalId: 'R1', renterId: 'U2', at: 30_000 });
    expect(run.toParent.find((e) => e.type === 'ledger.settle')).toMatchObject({ payout: 30, refund: 0 });
    advance(run.clock, 15);
    expect(run.effectsOf('count')).toEqual([
      { flow: 'rental', counter: 'upgraded' },
      { flow: 'rental', counter: 'revokeResent' },
    ]);
    run.send({ type: 'vehicle.revoked', vehicleId: 'V9', keyId: 'R1:K1' });
    run.send({ type: 'vehicle.revoked', vehicleId: 'V9', keyId: 'R1:K2' });
    expect(run.actor.getSnapshot().value).toBe('closed');
    // a revoked key never works again in that car
    let state = initialVehicleKeyState();
    for (const id of ['R1:K1', 'R1:K2']) state = revokeKey(state, id);
    const k = run.actor.getSnapshot().context.key!;
    expect(
      verifyKeyUse(crypto, issuer.publicKey, state, {
        key: k,
        vehicleId: 'V9',
        presenterId: 'U2',
        action: 'door_unlock',
        now: 10,
      }),
    ).toEqual({
      ok: false,
      reason: 'revoked',
    });
  });

  it('accepts only licences of the verified form', () => {
    expect(['MC123456', 'mc123456', 'MC12345', '', 'none'].map(licenceVerified)).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
