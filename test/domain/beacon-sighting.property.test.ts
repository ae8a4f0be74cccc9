/**
 * Properties of beacon sightings as dispatch's beacon desk resolves them: a bound beacon whose clock
 * drifts within the tolerance is found at its store once per slot; the same id played back two slots
 * or more later, or at another store, or an id of a device never registered, never opens a preorder.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BeaconDeskContext, resolveSighting } from '../../machines/beacon-desk.ts';
import { emptyReplayCache, ephemeralId } from '../../machines/ephemeral-id.ts';
import { emptyMap, mapSet } from '../../machines/persistent-map.ts';
import { crypto } from './crypto-fixture.ts';

const SLOT_MS = 300_000;
const secretOf = (n: number) => new Uint8Array(16).fill(n);
const REGISTRY = [1, 2, 3, 4].map((n) => ({ deviceId: `B${n}`, secret: secretOf(n) }));

function desk(): BeaconDeskContext {
  return {
    crypto,
    registry: REGISTRY,
    slotSeconds: 300,
    driftSlots: 1,
    table: null,
    seen: emptyReplayCache(),
    bound: mapSet(emptyMap(), 'B1', { orderId: 'P1', storeId: 'S1' }),
  };
}

/** The id a beacon with clock offset `offsetMs` broadcasts at true time `t`. */
const eidAt = (secret: Uint8Array, t: number, offsetMs: number) =>
  ephemeralId(crypto, secret, Math.floor((t + offsetMs) / SLOT_MS));

describe('beacon sightings: properties', () => {
  it('a drifting bound beacon resolves at its store once per slot; replays and foreign ids never do (seed 5353)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10 * SLOT_MS, max: 1_000 * SLOT_MS }),
        fc.integer({ min: -SLOT_MS + 1, max: SLOT_MS - 1 }),
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 5, max: 200 }),
        (t, offsetMs, laterSlots, foreignByte) => {
          let ctx = desk();
          const eid = eidAt(secretOf(1), t, offsetMs);
          const first = resolveSighting(ctx, { storeId: 'S1', eid, heardAt: t });
          expect(first.ok).toBe(true);
          if (!first.ok) return;
          expect(first.orderId).toBe('P1');
          ctx = { ...ctx, table: first.table, seen: first.seen };
          // heard again (a replay within the window): refused
          expect(resolveSighting(ctx, { storeId: 'S1', eid, heardAt: t })).toMatchObject({
            ok: false,
            reason: 'replayed',
          });
          // at another store: refused
          expect(resolveSighting(ctx, { storeId: 'S2', eid, heardAt: t })).toMatchObject({ ok: false });
          // played back two slots or more later: refused (outside the window or unknown by then)
          const late = resolveSighting(ctx, { storeId: 'S1', eid, heardAt: t + laterSlots * SLOT_MS });
          expect(late.ok).toBe(false);
          // a device dispatch never registered never matches
          const foreign = eidAt(secretOf(foreignByte), t, 0);
          expect(resolveSighting(ctx, { storeId: 'S1', eid: foreign, heardAt: t })).toMatchObject({
            ok: false,
            reason: 'unknown_device',
          });
          // another registered beacon is no key to this preorder
          const other = eidAt(secretOf(2), t, 0);
          expect(resolveSighting(ctx, { storeId: 'S1', eid: other, heardAt: t })).toMatchObject({
            ok: false,
            reason: 'not_bound',
          });
          // the next slot of the same beacon is accepted again (the car is still at the curb)
          const next = eidAt(secretOf(1), t + SLOT_MS, offsetMs);
          expect(resolveSighting(ctx, { storeId: 'S1', eid: next, heardAt: t + SLOT_MS }).ok).toBe(true);
        },
      ),
      { seed: 5353, numRuns: 60 },
    );
  });
});
