/** Shared digital-key test material: a base key, issue/use shorthands and arbitraries. */
import fc from 'fast-check';
import {
  type DigitalKey,
  ENTITLEMENTS,
  type Entitlement,
  initialVehicleKeyState,
  issueKey,
  type KeyIssue,
  type VehicleKeyState,
  verifyKeyUse,
} from '../../machines/digital-key.ts';
import { crypto, issuer } from './crypto-fixture.ts';

export const base: KeyIssue = {
  keyId: 'key-1',
  vehicleId: 'V1',
  holderId: 'courier-7',
  entitlements: ['trunk_open'],
  validFrom: 100,
  validUntil: 200,
  maxUses: 1,
  revocationEpoch: 0,
  issuedAt: 90,
};

export function issue(overrides: Partial<KeyIssue> = {}, signer = issuer.privateKey): DigitalKey {
  return issueKey(crypto, signer, { ...base, ...overrides });
}

export function use(
  key: DigitalKey,
  state: VehicleKeyState = initialVehicleKeyState(),
  overrides: Partial<{ vehicleId: string; presenterId: string; action: Entitlement; now: number }> = {},
) {
  return verifyKeyUse(crypto, issuer.publicKey, state, {
    key,
    vehicleId: key.vehicleId,
    presenterId: key.holderId,
    action: key.entitlements[0]!,
    now: key.validFrom,
    ...overrides,
  });
}

export const entitlementArb = fc.constantFrom(...ENTITLEMENTS);

export const keyIssueArb: fc.Arbitrary<KeyIssue> = fc
  .record({
    keyId: fc.constantFrom('k1', 'k2', 'k3', 'ключ-é'),
    vehicleId: fc.constantFrom('V1', 'V2'),
    holderId: fc.constantFrom('alice', 'bob'),
    entitlements: fc.subarray([...ENTITLEMENTS], { minLength: 1 }),
    validFrom: fc.integer({ min: 0, max: 10_000 }),
    duration: fc.integer({ min: 1, max: 5_000 }),
    maxUses: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    revocationEpoch: fc.integer({ min: 0, max: 3 }),
    lead: fc.integer({ min: 0, max: 500 }),
    supersedes: fc.option(fc.constantFrom('old-1', 'old-2'), { nil: null }),
  })
  .map(({ duration, lead, ...f }) => ({
    ...f,
    validUntil: f.validFrom + duration,
    issuedAt: f.validFrom - lead,
  }));
