import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalKeyBytes,
  type DigitalKey,
  ENTITLEMENTS,
  type Entitlement,
  initialVehicleKeyState,
  issueKey,
  type KeyIssue,
  type KeyUseRefusal,
  revokeAllBefore,
  revokeKey,
  type VehicleKeyState,
  validateKeyFields,
  verifyKeyUse,
} from '../../machines/digital-key.ts';
import { crypto, issuer, otherIssuer } from './crypto-fixture.ts';
import { base, entitlementArb, issue, keyIssueArb, use } from './digital-key-fixture.ts';

describe('digital keys: each refusal reason', () => {
  const cases: [KeyUseRefusal, () => ReturnType<typeof use>][] = [
    ['bad_signature', () => use(issue({}, otherIssuer.privateKey))],
    ['wrong_vehicle', () => use(issue(), undefined, { vehicleId: 'V2' })],
    ['wrong_holder', () => use(issue(), undefined, { presenterId: 'courier-8' })],
    ['revoked', () => use(issue(), revokeKey(initialVehicleKeyState(), 'key-1'))],
    ['revoked', () => use(issue(), revokeAllBefore(initialVehicleKeyState(), 1))],
    ['not_yet_valid', () => use(issue(), undefined, { now: 99.999 })],
    ['expired', () => use(issue(), undefined, { now: 200 })],
    ['uses_exhausted', () => use(issue(), { ...initialVehicleKeyState(), usesByKey: { 'key-1': 1 } })],
    ['not_entitled', () => use(issue(), undefined, { action: 'engine_start' })],
  ];
  it.each(cases)('refuses with %s (case %#)', (reason, run) => {
    expect(run()).toEqual({ ok: false, reason });
  });

  it('accepts a valid use, counts it and leaves the old state untouched', () => {
    const state = Object.freeze(initialVehicleKeyState());
    const result = use(issue({ maxUses: 3 }), state);
    expect(result).toEqual({
      ok: true,
      nextState: { revocationEpoch: 0, revokedKeyIds: [], usesByKey: { 'key-1': 1 } },
      usesRemaining: 2,
    });
    expect(state).toEqual(initialVehicleKeyState());
  });

  it('checks the signature before anything else: a forged key leaks nothing', () => {
    const forged = issue({ vehicleId: 'V9', holderId: 'mallory', validUntil: 101 }, otherIssuer.privateKey);
    const state = revokeAllBefore(initialVehicleKeyState(), 5);
    expect(
      use(forged, state, { vehicleId: 'V1', presenterId: 'x', now: 1e9, action: 'engine_start' }),
    ).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses invalid issue input with its own reason', () => {
    expect(validateKeyFields({ ...base, keyId: '' })).toEqual({ ok: false, reason: 'empty_id' });
    expect(validateKeyFields({ ...base, entitlements: [] })).toEqual({
      ok: false,
      reason: 'no_entitlements',
    });
    expect(validateKeyFields({ ...base, entitlements: ['fly' as Entitlement] })).toEqual({
      ok: false,
      reason: 'unknown_entitlement',
    });
    expect(validateKeyFields({ ...base, validFrom: Number.NaN })).toEqual({ ok: false, reason: 'bad_time' });
    expect(validateKeyFields({ ...base, validUntil: 100 })).toEqual({ ok: false, reason: 'empty_window' });
    expect(validateKeyFields({ ...base, maxUses: 0 })).toEqual({ ok: false, reason: 'bad_max_uses' });
    expect(validateKeyFields({ ...base, revocationEpoch: -1 })).toEqual({ ok: false, reason: 'bad_epoch' });
    expect(validateKeyFields({ ...base, supersedes: base.keyId })).toEqual({
      ok: false,
      reason: 'supersedes_itself',
    });
    expect(() => issue({ maxUses: 1.5 })).toThrow(RangeError);
  });

  it('signs entitlements as a set: order and duplicates do not matter', () => {
    const key = issue({ entitlements: ['lights', 'door_unlock', 'lights'] });
    expect(key.entitlements).toEqual(['door_unlock', 'lights']);
    expect(use({ ...key, entitlements: ['lights', 'door_unlock'] }).ok).toBe(true);
  });
});

/** The contract written as a reference model: the first failing check, in the documented order. */
function modelOutcome(
  key: KeyIssue,
  signedByIssuer: boolean,
  state: VehicleKeyState,
  req: { vehicleId: string; presenterId: string; action: Entitlement; now: number },
): KeyUseRefusal | 'ok' {
  if (!signedByIssuer) return 'bad_signature';
  if (key.vehicleId !== req.vehicleId) return 'wrong_vehicle';
  if (key.holderId !== req.presenterId) return 'wrong_holder';
  if (key.revocationEpoch < state.revocationEpoch || state.revokedKeyIds.includes(key.keyId))
    return 'revoked';
  if (req.now < key.validFrom) return 'not_yet_valid';
  if (req.now >= key.validUntil) return 'expired';
  if (key.maxUses !== null && (state.usesByKey[key.keyId] ?? 0) >= key.maxUses) return 'uses_exhausted';
  if (!key.entitlements.includes(req.action)) return 'not_entitled';
  return 'ok';
}

describe('digital keys: properties', () => {
  it('follows the reference model; an accepted use is always entitled and in window (seed 4242)', () => {
    fc.assert(
      fc.property(
        keyIssueArb,
        fc.boolean(),
        fc.record({
          vehicleId: fc.constantFrom('V1', 'V2'),
          presenterId: fc.constantFrom('alice', 'bob'),
          action: entitlementArb,
          now: fc.oneof(
            fc.integer({ min: -10, max: 16_000 }),
            fc.double({ min: -10, max: 16_000, noNaN: true }),
          ),
        }),
        fc.record({
          revocationEpoch: fc.integer({ min: 0, max: 4 }),
          revokedKeyIds: fc.subarray(['k1', 'k2', 'k3', 'ключ-é']),
          usesByKey: fc.dictionary(
            fc.constantFrom('k1', 'k2', 'k3', 'ключ-é'),
            fc.integer({ min: 0, max: 4 }),
          ),
        }),
        (fields, genuine, req, state) => {
          const key = issueKey(crypto, genuine ? issuer.privateKey : otherIssuer.privateKey, fields);
          const result = verifyKeyUse(crypto, issuer.publicKey, state, { key, ...req });
          const expected = modelOutcome(fields, genuine, state, req);
          expect(result.ok ? 'ok' : result.reason).toBe(expected);
          if (result.ok) {
            expect(key.entitlements).toContain(req.action);
            expect(req.now >= key.validFrom && req.now < key.validUntil).toBe(true);
            expect(result.nextState.usesByKey[key.keyId]).toBe((state.usesByKey[key.keyId] ?? 0) + 1);
          }
        },
      ),
      { seed: 4242, numRuns: 300 },
    );
  });

  type Tamper = (key: DigitalKey, at: number, delta: number) => DigitalKey;
  const editString = (s: string, at: number, delta: number) => {
    const i = at % s.length;
    const code = s.charCodeAt(i);
    return s.slice(0, i) + String.fromCharCode(code ^ (delta % 255 || 1)) + s.slice(i + 1);
  };
  const tampers: Record<string, Tamper> = {
    keyId: (k, at, d) => ({ ...k, keyId: editString(k.keyId, at, d) }),
    vehicleId: (k, at, d) => ({ ...k, vehicleId: editString(k.vehicleId, at, d) }),
    holderId: (k, at, d) => ({ ...k, holderId: editString(k.holderId, at, d) }),
    entitlements: (k, at) => {
      const e = ENTITLEMENTS[at % ENTITLEMENTS.length]!;
      const has = k.entitlements.includes(e);
      return { ...k, entitlements: has ? k.entitlements.filter((x) => x !== e) : [...k.entitlements, e] };
    },
    validFrom: (k, _at, d) => ({ ...k, validFrom: k.validFrom - d }),
    validUntil: (k, _at, d) => ({ ...k, validUntil: k.validUntil + d }),
    maxUses: (k, _at, d) => ({ ...k, maxUses: k.maxUses === null ? d : d % 2 ? null : k.maxUses + d }),
    revocationEpoch: (k, _at, d) => ({ ...k, revocationEpoch: k.revocationEpoch + d }),
    issuedAt: (k, _at, d) => ({ ...k, issuedAt: k.issuedAt + d }),
    supersedes: (k, at, d) => ({
      ...k,
      supersedes: k.supersedes === null ? 'old-1' : editString(k.supersedes, at, d),
    }),
    signature: (k, at, d) => {
      const signature = new Uint8Array(k.signature);
      signature[at % signature.length]! ^= d % 255 || 1;
      return { ...k, signature };
    },
  };

  it('any tamper of any field fails with bad_signature (seed 7331)', () => {
    fc.assert(
      fc.property(
        keyIssueArb,
        fc.constantFrom(...Object.keys(tampers)),
        fc.nat(),
        fc.integer({ min: 1, max: 1000 }),
        (fields, field, at, delta) => {
          const tampered = tampers[field]!(issueKey(crypto, issuer.privateKey, fields), at, delta);
          // The presenter claims exactly what the tampered key says, so only the signature can stop it.
          const result = verifyKeyUse(crypto, issuer.publicKey, initialVehicleKeyState(), {
            key: tampered,
            vehicleId: tampered.vehicleId,
            presenterId: tampered.holderId,
            action: tampered.entitlements[0] ?? 'door_unlock',
            now: tampered.validFrom,
          });
          expect(result).toEqual({ ok: false, reason: 'bad_signature' });
        },
      ),
      { seed: 7331, numRuns: 300 },
    );
  });

  it('flipping any single byte of the signed encoding breaks the signature (seed 1984)', () => {
    fc.assert(
      fc.property(keyIssueArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (fields, at, mask) => {
        const key = issueKey(crypto, issuer.privateKey, fields);
        const bytes = canonicalKeyBytes(key);
        bytes[at % bytes.length]! ^= mask;
        expect(crypto.verify(issuer.publicKey, bytes, key.signature)).toBe(false);
      }),
      { seed: 1984, numRuns: 300 },
    );
  });

  it('a single-use key works exactly once, whatever is tried next (seed 1111)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(entitlementArb, fc.integer({ min: 100, max: 199 })), { maxLength: 8 }),
        (later) => {
          const key = issue({ entitlements: ['trunk_open', 'door_lock'], maxUses: 1 });
          const first = use(key);
          expect(first.ok).toBe(true);
          if (!first.ok) return;
          expect(first.usesRemaining).toBe(0);
          for (const [action, now] of later) {
            expect(use(key, first.nextState, { action, now })).toEqual({
              ok: false,
              reason: 'uses_exhausted',
            });
          }
        },
      ),
      { seed: 1111, numRuns: 100 },
    );
  });
});
