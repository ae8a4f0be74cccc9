import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CryptoPort } from '../../machines/crypto-port.ts';
import {
  addDeviceToTable,
  advanceEidTable,
  buildEidTable,
  type EidTable,
  emptyReplayCache,
  ephemeralId,
  findEidBruteForce,
  lookupEid,
  type RegisteredDevice,
  type ReplayCache,
  removeDeviceFromTable,
  resolveAdvertisement,
  slotAt,
} from '../../machines/ephemeral-id.ts';
import { crypto } from './crypto-fixture.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const registryArb = (minLength = 1, maxLength = 12): fc.Arbitrary<RegisteredDevice[]> =>
  fc
    .uniqueArray(fc.uint8Array({ minLength: 16, maxLength: 32 }), { minLength, maxLength, selector: hex })
    .map((secrets) => secrets.map((secret, i) => ({ deviceId: `dev-${i}`, secret })));

function countingCrypto(): CryptoPort & { calls: () => number } {
  let n = 0;
  return {
    ...crypto,
    hmac: (secret, message) => {
      n++;
      return crypto.hmac(secret, message);
    },
    calls: () => n,
  };
}

/** Compares tables as sets: the order ids were added in is not part of their meaning. */
function normalised(table: EidTable) {
  return {
    ...table,
    eidsBySlot: Object.fromEntries(
      Object.entries(table.eidsBySlot).map(([s, eids]) => [s, [...eids].sort()]),
    ),
  };
}

describe('ephemeral ids', () => {
  it('is the first 8 bytes of HMAC(secret, "citytwin-eid" || slot as 8-byte big-endian)', () => {
    const secret = Uint8Array.from({ length: 32 }, (_, i) => i);
    for (const slot of [0, 1, 5_000, 2 ** 40 + 3, -1]) {
      const be = Buffer.alloc(8);
      be.writeBigInt64BE(BigInt(slot));
      const expected = createHmac('sha256', secret)
        .update(Buffer.concat([Buffer.from('citytwin-eid'), be]))
        .digest()
        .subarray(0, 8)
        .toString('hex');
      expect(ephemeralId(crypto, secret, slot)).toBe(expected);
    }
    expect(ephemeralId(crypto, secret, 7)).toMatch(/^[0-9a-f]{16}$/);
    expect(() => ephemeralId(crypto, secret, 1.5)).toThrow(RangeError);
  });

  it('puts clock readings into slots of 300 s by default', () => {
    expect(slotAt(0)).toBe(0);
    expect(slotAt(299.999)).toBe(0);
    expect(slotAt(300)).toBe(1);
    expect(slotAt(-1)).toBe(-1);
    expect(slotAt(125, 60)).toBe(2);
    expect(() => slotAt(1, 0)).toThrow(RangeError);
  });

  it('resolves a beacon whose clock is off by up to driftSlots × slotSeconds (seed 5150)', () => {
    fc.assert(
      fc.property(
        registryArb(),
        fc.nat(),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom(60, 300),
        (registry, pick, now, offsetFraction, driftSlots, slotSeconds) => {
          const device = registry[pick % registry.length]!;
          const beaconClock = now + offsetFraction * driftSlots * slotSeconds;
          const beaconSlot = slotAt(beaconClock, slotSeconds);
          const advertisement = { eid: ephemeralId(crypto, device.secret, beaconSlot), heardAt: now };
          const opts = { slotSeconds, driftSlots, seen: emptyReplayCache() };
          const table = buildEidTable(crypto, registry, slotAt(now, slotSeconds), driftSlots);
          for (const result of [
            resolveAdvertisement(crypto, registry, advertisement, opts),
            resolveAdvertisement(crypto, registry, advertisement, { ...opts, table }),
          ]) {
            expect(result).toMatchObject({ ok: true, deviceId: device.deviceId, slot: beaconSlot });
          }
        },
      ),
      { seed: 5150, numRuns: 200 },
    );
  });

  it('refuses ids from beyond the window: outside_window when recognisable, else unknown_device (seed 5151)', () => {
    fc.assert(
      fc.property(
        registryArb(1, 6),
        fc.nat(),
        fc.integer({ min: 0, max: 100_000 }),
        fc.constantFrom(-1, 1),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 2 }),
        (registry, pick, centre, sign, beyond, driftSlots) => {
          const device = registry[pick % registry.length]!;
          const slot = centre + sign * (driftSlots + beyond);
          const advertisement = {
            eid: ephemeralId(crypto, device.secret, slot),
            heardAt: centre * 300 + 150,
          };
          const result = resolveAdvertisement(crypto, registry, advertisement, {
            driftSlots,
            marginSlots: 2,
            seen: emptyReplayCache(),
          });
          expect(result).toEqual({ ok: false, reason: beyond <= 2 ? 'outside_window' : 'unknown_device' });
        },
      ),
      { seed: 5151, numRuns: 200 },
    );
  });

  it('accepts an advertisement once per device, slot and scope; a replay fails', () => {
    const registry = [{ deviceId: 'beacon-1', secret: new Uint8Array(32).fill(3) }];
    const eid = ephemeralId(crypto, registry[0]!.secret, 10);
    const first = resolveAdvertisement(
      crypto,
      registry,
      { eid, heardAt: 3000 },
      { seen: emptyReplayCache() },
    );
    if (!first.ok) throw new Error(first.reason);
    const seen = first.nextSeen;
    expect(resolveAdvertisement(crypto, registry, { eid, heardAt: 3000 }, { seen })).toEqual({
      ok: false,
      reason: 'replayed',
    });
    expect(resolveAdvertisement(crypto, registry, { eid, heardAt: 3290 }, { seen })).toEqual({
      ok: false,
      reason: 'replayed',
    });
    expect(
      resolveAdvertisement(crypto, registry, { eid, heardAt: 3000 }, { seen, scope: 'preorder-2' }).ok,
    ).toBe(true);
    // The next slot's id is a new advertisement; the old one heard later is out of the window.
    const next = ephemeralId(crypto, registry[0]!.secret, 11);
    expect(resolveAdvertisement(crypto, registry, { eid: next, heardAt: 3310 }, { seen }).ok).toBe(true);
    expect(resolveAdvertisement(crypto, registry, { eid, heardAt: 3600 }, { seen })).toEqual({
      ok: false,
      reason: 'outside_window',
    });
  });

  it('never re-opens a replay after forgetting: late arrivals below the floor are refused', () => {
    const device = { deviceId: 'beacon-1', secret: new Uint8Array(32).fill(4) };
    const late = resolveAdvertisement(
      crypto,
      [device],
      { eid: ephemeralId(crypto, device.secret, 20), heardAt: 20 * 300 },
      { seen: emptyReplayCache() },
    );
    if (!late.ok) throw new Error(late.reason);
    const early = { eid: ephemeralId(crypto, device.secret, 5), heardAt: 5 * 300 };
    expect(resolveAdvertisement(crypto, [device], early, { seen: late.nextSeen })).toEqual({
      ok: false,
      reason: 'outside_window',
    });
  });

  it('keeps the replay cache bounded as time passes', () => {
    const registry = Array.from({ length: 5 }, (_, i) => ({
      deviceId: `b${i}`,
      secret: new Uint8Array(16).fill(i),
    }));
    let seen: ReplayCache = emptyReplayCache();
    for (let slot = 0; slot < 50; slot++) {
      for (const device of registry) {
        const r = resolveAdvertisement(
          crypto,
          registry,
          { eid: ephemeralId(crypto, device.secret, slot), heardAt: slot * 300 + 1 },
          { seen },
        );
        if (!r.ok) throw new Error(r.reason);
        seen = r.nextSeen;
      }
    }
    expect(Object.keys(seen.acceptedBySlot).length).toBeLessThanOrEqual(3);
    expect(seen.floorSlot).toBe(48);
  });

  it("device A's advertisement never resolves to another device (seed 6060)", () => {
    fc.assert(
      fc.property(
        registryArb(2, 12),
        fc.nat(),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: -1, max: 1 }),
        (registry, pick, centre, delta) => {
          const a = registry[pick % registry.length]!;
          const advertisement = { eid: ephemeralId(crypto, a.secret, centre + delta), heardAt: centre * 300 };
          const withA = resolveAdvertisement(crypto, registry, advertisement, { seen: emptyReplayCache() });
          expect(withA).toMatchObject({ ok: true, deviceId: a.deviceId });
          const others = registry.filter((d) => d !== a);
          const withoutA = resolveAdvertisement(crypto, others, advertisement, { seen: emptyReplayCache() });
          expect(withoutA).toEqual({ ok: false, reason: 'unknown_device' });
        },
      ),
      { seed: 6060, numRuns: 200 },
    );
  });
});

describe('ephemeral id table', () => {
  it('lookup equals brute force, and advancing equals rebuilding (seed 7070)', () => {
    fc.assert(
      fc.property(
        registryArb(0, 10),
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: -12, max: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -6, max: 6 }))),
        fc.array(fc.uint8Array({ minLength: 8, maxLength: 8 }).map(hex), { maxLength: 3 }),
        (registry, centre, step, probes, randomEids) => {
          const table = buildEidTable(crypto, registry, centre, 1, 2);
          const eids = [
            ...randomEids,
            ...probes.flatMap(([pick, delta]) =>
              registry.length
                ? [ephemeralId(crypto, registry[pick % registry.length]!.secret, centre + delta)]
                : [],
            ),
          ];
          for (const eid of eids)
            expect(lookupEid(table, eid)).toEqual(findEidBruteForce(crypto, registry, eid, centre, 3));
          expect(normalised(advanceEidTable(crypto, registry, table, centre + step))).toEqual(
            normalised(buildEidTable(crypto, registry, centre + step, 1, 2)),
          );
        },
      ),
      { seed: 7070, numRuns: 150 },
    );
  });

  it('adding and removing a device equals rebuilding (seed 7171)', () => {
    fc.assert(
      fc.property(registryArb(2, 10), fc.integer({ min: 0, max: 1_000 }), (registry, centre) => {
        const [extra, ...rest] = registry;
        const added = addDeviceToTable(crypto, buildEidTable(crypto, rest, centre), extra!);
        expect(normalised(added)).toEqual(normalised(buildEidTable(crypto, registry, centre)));
        expect(normalised(removeDeviceFromTable(crypto, added, extra!))).toEqual(
          normalised(buildEidTable(crypto, rest, centre)),
        );
      }),
      { seed: 7171, numRuns: 100 },
    );
  });

  it('resolving with a table gives the same answers and replay caches as without (seed 7272)', () => {
    fc.assert(
      fc.property(
        registryArb(1, 8),
        fc.array(
          fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 }), fc.integer({ min: 0, max: 899 }), fc.boolean()),
        ),
        (registry, ads) => {
          let seenPlain = emptyReplayCache();
          let seenTable = emptyReplayCache();
          let table = buildEidTable(crypto, registry, 0);
          for (const [pick, delta, heardAt, scoped] of ads) {
            const centre = slotAt(heardAt);
            table = advanceEidTable(crypto, registry, table, centre);
            const eid = ephemeralId(crypto, registry[pick % registry.length]!.secret, centre + delta);
            const scope = scoped ? 'preorder-1' : undefined;
            const plain = resolveAdvertisement(
              crypto,
              registry,
              { eid, heardAt },
              { seen: seenPlain, scope },
            );
            const fast = resolveAdvertisement(
              crypto,
              registry,
              { eid, heardAt },
              { seen: seenTable, scope, table },
            );
            expect(fast).toEqual(plain);
            if (plain.ok) seenPlain = plain.nextSeen;
            if (fast.ok) seenTable = fast.nextSeen;
          }
        },
      ),
      { seed: 7272, numRuns: 150 },
    );
  });

  it('handles thousands of devices: advancing one slot costs one HMAC per device', () => {
    const registry = Array.from({ length: 3000 }, (_, i) => {
      const secret = new Uint8Array(32);
      new DataView(secret.buffer).setUint32(0, i + 1);
      return { deviceId: `beacon-${i}`, secret };
    });
    const counting = countingCrypto();
    const table = buildEidTable(counting, registry, 100);
    expect(counting.calls()).toBe(3000 * 7);
    expect(Object.keys(table.byEid)).toHaveLength(3000 * 7);
    const next = advanceEidTable(counting, registry, table, 101);
    expect(counting.calls()).toBe(3000 * 8);
    const device = registry[2718]!;
    const eid = ephemeralId(crypto, device.secret, 102);
    const before = counting.calls();
    const result = resolveAdvertisement(
      counting,
      registry,
      { eid, heardAt: 101 * 300 },
      { seen: emptyReplayCache(), table: next },
    );
    expect(result).toMatchObject({ ok: true, deviceId: 'beacon-2718', slot: 102 });
    expect(counting.calls()).toBe(before);
  });
});
