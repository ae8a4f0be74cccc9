/**
 * Properties of digital keys as a car applies them (the vehicle machine over its own key state):
 * whatever is presented, in whatever order, with the link coming and going and revocations arriving
 * or not, a car grants an action only inside the key's entitlements, window and use count, never a
 * forged or foreign key, and never a key after it acknowledged that key's revocation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { type DigitalKey, ENTITLEMENTS, type Entitlement, issueKey } from '../../machines/digital-key.ts';
import type { SendParams } from '../../machines/errand-order.ts';
import { type AuditParams, type VehicleEvent, vehicleMachine } from '../../machines/vehicle.ts';
import { crypto, issuer, otherIssuer } from './crypto-fixture.ts';

const HOLDERS = ['alice', 'bob'] as const;

/** A small pool of keys: genuine ones of several shapes, one forged, one for another car. */
function keyPool(): DigitalKey[] {
  const base = { vehicleId: 'V1', revocationEpoch: 0, issuedAt: 0 };
  return [
    issueKey(crypto, issuer.privateKey, {
      ...base,
      keyId: 'k-trunk',
      holderId: 'alice',
      entitlements: ['trunk_open'],
      validFrom: 10,
      validUntil: 500,
      maxUses: 1,
    }),
    issueKey(crypto, issuer.privateKey, {
      ...base,
      keyId: 'k-rent',
      holderId: 'bob',
      entitlements: ['door_unlock', 'door_lock'],
      validFrom: 0,
      validUntil: 300,
      maxUses: null,
    }),
    issueKey(crypto, issuer.privateKey, {
      ...base,
      keyId: 'k-two',
      holderId: 'alice',
      entitlements: ['door_unlock', 'engine_start'],
      validFrom: 100,
      validUntil: 900,
      maxUses: 2,
    }),
    issueKey(crypto, otherIssuer.privateKey, {
      ...base,
      keyId: 'k-forged',
      holderId: 'bob',
      entitlements: [...ENTITLEMENTS],
      validFrom: 0,
      validUntil: 900,
      maxUses: null,
    }),
    issueKey(crypto, issuer.privateKey, {
      ...base,
      vehicleId: 'V2',
      keyId: 'k-other-car',
      holderId: 'alice',
      entitlements: [...ENTITLEMENTS],
      validFrom: 0,
      validUntil: 900,
      maxUses: null,
    }),
  ];
}

type Step =
  | { kind: 'present'; key: number; holder: number; action: Entitlement; at: number }
  | { kind: 'revoke'; key: number }
  | { kind: 'link'; up: boolean };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('present' as const),
      key: fc.nat(4),
      holder: fc.nat(1),
      action: fc.constantFrom(...ENTITLEMENTS),
      at: fc.integer({ min: 0, max: 1_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke' as const), key: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('link' as const), up: fc.boolean() }) },
);

describe('digital keys in the car: properties', () => {
  it('grants only within entitlements, window and uses; never forged, foreign or revoked keys (seed 6161)', () => {
    const keys = keyPool();
    let grants = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const audits: AuditParams[] = [];
        const revokedAcks = new Set<string>();
        const machine = vehicleMachine.provide({
          actions: {
            audit: (_, a) => {
              audits.push(a);
            },
            send: (_, p: SendParams) => {
              if (p.message.type === 'vehicle.revoked') revokedAcks.add(String(p.message.keyId));
            },
          },
        });
        const car = createActor(machine, {
          input: {
            id: 'V1',
            ownerId: 'U1',
            position: { x: 0, y: 0 },
            parkingSpaceId: 'P1',
            crypto,
            issuerPublicKey: issuer.publicKey,
            autoRelockMs: 60_000,
            relockRetryMs: 30_000,
            online: true,
          },
        }).start();
        const uses = new Map<string, number>();
        for (const step of steps) {
          let event: VehicleEvent;
          if (step.kind === 'present') {
            const key = keys[step.key]!;
            event = {
              type: 'key.present',
              requestId: 'r',
              presenterId: HOLDERS[step.holder]!,
              key,
              action: step.action,
              at: step.at * 1000,
            };
          } else if (step.kind === 'revoke') event = { type: 'vehicle.revoke', keyId: keys[step.key]!.keyId };
          else event = { type: step.up ? 'link.restored' : 'link.lost' };
          const revokedBefore = new Set(revokedAcks);
          const before = audits.length;
          car.send(event);
          for (const a of audits.slice(before)) {
            if (!a.ok) continue;
            grants++;
            const key = keys.find((k) => k.keyId === a.keyId)!;
            expect(key.signature).not.toBe(keys[3]!.signature);
            expect(key.vehicleId).toBe('V1');
            expect(key.entitlements).toContain(a.action);
            expect(a.now).toBeGreaterThanOrEqual(key.validFrom);
            expect(a.now).toBeLessThan(key.validUntil);
            expect(a.presenterId).toBe(key.holderId);
            expect(revokedBefore.has(key.keyId)).toBe(false);
            const n = (uses.get(key.keyId) ?? 0) + 1;
            uses.set(key.keyId, n);
            if (key.maxUses !== null) expect(n).toBeLessThanOrEqual(key.maxUses);
          }
        }
        car.stop();
      }),
      { seed: 6161, numRuns: 150 },
    );
    // the sequences did reach grants (the checks above are not vacuous)
    expect(grants).toBeGreaterThan(10);
  });
});
