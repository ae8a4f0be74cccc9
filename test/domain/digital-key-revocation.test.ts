import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DigitalKey,
  ENTITLEMENTS,
  type Entitlement,
  initialVehicleKeyState,
  issueKey,
  MAX_REVOKED_KEY_IDS,
  revokeAllBefore,
  revokeKey,
  upgradeKey,
  verifyKeyUse,
} from '../../machines/digital-key.ts';
import { crypto, issuer, otherIssuer } from './crypto-fixture.ts';
import { entitlementArb, issue, use } from './digital-key-fixture.ts';

describe('digital keys: revocation over operation sequences', () => {
  type Op =
    | { kind: 'issue'; entitlements: Entitlement[]; maxUses: number | null }
    | { kind: 'use'; pick: number; action: Entitlement; now: number }
    | { kind: 'revoke'; pick: number }
    | { kind: 'revokeAll'; by: number };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('issue' as const),
      entitlements: fc.subarray([...ENTITLEMENTS], { minLength: 1 }),
      maxUses: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    }),
    fc.record({
      kind: fc.constant('use' as const),
      pick: fc.nat(),
      action: entitlementArb,
      now: fc.integer({ min: 0, max: 999 }),
    }),
    fc.record({ kind: fc.constant('revoke' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('revokeAll' as const), by: fc.integer({ min: 0, max: 2 }) }),
  );

  it('a revoked key (by id or epoch) never works again, whatever happens after (seed 9001)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        let state = initialVehicleKeyState();
        const keys: DigitalKey[] = [];
        const revoked = new Set<string>();
        const attempt = (key: DigitalKey, action: Entitlement, now: number) =>
          verifyKeyUse(crypto, issuer.publicKey, state, {
            key,
            vehicleId: 'V1',
            presenterId: 'alice',
            action,
            now,
          });
        for (const op of [{ kind: 'issue', entitlements: ['door_unlock'], maxUses: null } as Op, ...ops]) {
          if (op.kind === 'issue') {
            keys.push(
              issueKey(crypto, issuer.privateKey, {
                keyId: `k${keys.length}`,
                vehicleId: 'V1',
                holderId: 'alice',
                entitlements: op.entitlements,
                validFrom: 0,
                validUntil: 1000,
                maxUses: op.maxUses,
                revocationEpoch: state.revocationEpoch,
                issuedAt: 0,
              }),
            );
          } else if (op.kind === 'use') {
            const key = keys[op.pick % keys.length]!;
            const result = attempt(key, op.action, op.now);
            if (revoked.has(key.keyId)) expect(result).toEqual({ ok: false, reason: 'revoked' });
            else expect(result.ok || result.reason !== 'revoked').toBe(true);
            if (result.ok) state = result.nextState;
          } else if (op.kind === 'revoke') {
            const key = keys[op.pick % keys.length]!;
            state = revokeKey(state, key.keyId);
            revoked.add(key.keyId);
          } else {
            state = revokeAllBefore(state, state.revocationEpoch + op.by);
            for (const key of keys) if (key.revocationEpoch < state.revocationEpoch) revoked.add(key.keyId);
          }
        }
        for (const key of keys) {
          if (!revoked.has(key.keyId)) continue;
          for (const action of key.entitlements)
            expect(attempt(key, action, 500)).toEqual({ ok: false, reason: 'revoked' });
        }
      }),
      { seed: 9001, numRuns: 200 },
    );
  });
});

describe('digital keys: revocation in the car', () => {
  it('revokeAllBefore never lowers the counter', () => {
    const raised = revokeAllBefore(initialVehicleKeyState(), 3);
    expect(revokeAllBefore(raised, 2)).toBe(raised);
    expect(raised.revocationEpoch).toBe(3);
    expect(() => revokeAllBefore(raised, 3.5)).toThrow(RangeError);
  });

  it('revoking the same id twice is a no-op and drops its use count', () => {
    const used = use(issue({ maxUses: null }));
    if (!used.ok) throw new Error('expected ok');
    const once = revokeKey(used.nextState, 'key-1');
    expect(once).toEqual({ revocationEpoch: 0, revokedKeyIds: ['key-1'], usesByKey: {} });
    expect(revokeKey(once, 'key-1')).toBe(once);
  });

  it('fails closed when the revocation list is full: the counter rises and old keys all stop', () => {
    const survivor = issue({ keyId: 'survivor', maxUses: null });
    let state = initialVehicleKeyState();
    for (let i = 0; i < MAX_REVOKED_KEY_IDS; i++) state = revokeKey(state, `gone-${i}`);
    expect(state.revokedKeyIds).toHaveLength(MAX_REVOKED_KEY_IDS);
    expect(use(survivor, state).ok).toBe(true);
    state = revokeKey(state, 'one-more');
    expect(state).toEqual({ revocationEpoch: 1, revokedKeyIds: [], usesByKey: {} });
    expect(use(issue({ keyId: 'gone-3' }), state)).toEqual({ ok: false, reason: 'revoked' });
    expect(use(survivor, state)).toEqual({ ok: false, reason: 'revoked' });
    expect(use(issue({ keyId: 'reissued', revocationEpoch: 1 }), state).ok).toBe(true);
  });
});

describe('digital keys: upgrades', () => {
  const rental = () => issue({ keyId: 'rent-1', entitlements: ['door_unlock', 'door_lock'], maxUses: null });
  const upgrade = {
    keyId: 'rent-2',
    addEntitlements: ['engine_start'] as Entitlement[],
    issuedAt: 150,
    verified: true,
  };

  it('refuses without verification, for a tampered key, after expiry, with nothing to add or the same id', () => {
    const old = rental();
    const up = (o: DigitalKey, u: Partial<typeof upgrade>) =>
      upgradeKey(crypto, issuer.privateKey, o, { ...upgrade, ...u });
    expect(up(old, { verified: false })).toEqual({ ok: false, reason: 'not_verified' });
    expect(up({ ...old, holderId: 'mallory' }, {})).toEqual({ ok: false, reason: 'bad_signature' });
    expect(up(issue({}, otherIssuer.privateKey), {})).toEqual({ ok: false, reason: 'bad_signature' });
    expect(up(old, { issuedAt: 200 })).toEqual({ ok: false, reason: 'expired' });
    expect(up(old, { addEntitlements: ['door_lock'] })).toEqual({ ok: false, reason: 'nothing_to_add' });
    expect(up(old, { keyId: 'rent-1' })).toEqual({ ok: false, reason: 'key_id_reused' });
  });

  it('widens entitlements only, and using the new key revokes the old one in the car', () => {
    const old = rental();
    const result = upgradeKey(crypto, issuer.privateKey, old, upgrade);
    if (!result.ok) throw new Error(result.reason);
    const { key } = result;
    expect(key).toMatchObject({
      keyId: 'rent-2',
      vehicleId: old.vehicleId,
      holderId: old.holderId,
      validFrom: old.validFrom,
      validUntil: old.validUntil,
      maxUses: old.maxUses,
      revocationEpoch: old.revocationEpoch,
      supersedes: 'rent-1',
      entitlements: ['door_lock', 'door_unlock', 'engine_start'],
    });
    // Before the car sees the new key the old one still works, but cannot start the engine.
    const state = initialVehicleKeyState();
    expect(use(old, state, { action: 'engine_start', now: 160 })).toEqual({
      ok: false,
      reason: 'not_entitled',
    });
    const started = use(key, state, { action: 'engine_start', now: 160 });
    if (!started.ok) throw new Error(started.reason);
    expect(started.nextState.revokedKeyIds).toEqual(['rent-1']);
    expect(use(old, started.nextState, { action: 'door_unlock', now: 161 })).toEqual({
      ok: false,
      reason: 'revoked',
    });
  });

  it('cannot resurrect a key revoked by epoch', () => {
    const old = rental();
    const result = upgradeKey(crypto, issuer.privateKey, old, upgrade);
    if (!result.ok) throw new Error(result.reason);
    const state = revokeAllBefore(initialVehicleKeyState(), 1);
    expect(use(result.key, state, { action: 'engine_start', now: 160 })).toEqual({
      ok: false,
      reason: 'revoked',
    });
  });
});
