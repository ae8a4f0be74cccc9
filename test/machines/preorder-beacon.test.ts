import { describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { type BeaconEvent, type BeaconInput, beaconMachine, beaconSlot } from '../../machines/beacon.ts';
import { type BeaconDeskEvent, beaconDeskMachine } from '../../machines/beacon-desk.ts';
import { ephemeralId } from '../../machines/ephemeral-id.ts';
import type { SendParams } from '../../machines/errand-order.ts';
import { mapKeys } from '../../machines/persistent-map.ts';
import { type PreorderEvent, type PreorderInput, preorderMachine } from '../../machines/preorder.ts';
import { crypto } from '../domain/crypto-fixture.ts';
import {
  advance,
  type CoverageReport,
  coverTransitions,
  printCoverage,
  startRecorded,
} from './transition-coverage.ts';

const SECRET = new Uint8Array(16).fill(7);
const SLOT_MS = 300_000;

// ── preorder ──────────────────────────────────────────────────────────────────────────────────

const PREORDER: PreorderInput = {
  orderId: 'P1',
  request: {
    requestId: 'U1-R1',
    customerId: 'U1',
    beaconId: 'B1',
    storeId: 'S1',
    items: [{ productId: 'p1', qty: 1 }],
    totalCents: 900,
  },
  pickupWindowMs: 90,
  handoverTimeoutMs: 20,
  placedAt: 0,
};
const preorderEvents: PreorderEvent[] = [
  { type: 'preorder.arrived', orderId: 'P1', storeId: 'S1' },
  { type: 'preorder.arrived', orderId: 'P1', storeId: 'S2' },
  { type: 'preorder.handedOver', orderId: 'P1', storeId: 'S1' },
  { type: 'store.preorderRefused', orderId: 'P1', storeId: 'S1', reason: 'closed' },
  { type: 'order.repeat', orderId: 'P1' },
];

let preorderReport: CoverageReport<typeof preorderMachine> | undefined;
const preorderCoverage = () => {
  preorderReport ??= coverTransitions(preorderMachine, [
    {
      name: 'preorder',
      input: PREORDER,
      events: () => preorderEvents,
      key: (s: SnapshotFrom<typeof preorderMachine>) => JSON.stringify(s.value),
    },
  ]);
  return preorderReport;
};

describe('preorderMachine', () => {
  it('reaches every transition on an xstate/graph path', () => {
    const r = preorderCoverage();
    printCoverage(r);
    expect(r.mismatches).toEqual([]);
    expect(r.uncovered.map((t) => t.key)).toEqual([]);
  });

  it('on every path: held once, settled once (captured when handed over, refunded when not), unbound at the end', () => {
    for (const run of preorderCoverage().runs) {
      const types = run.recorded.toParent.map((e) => e.type);
      expect(types.filter((t) => t === 'ledger.hold')).toHaveLength(1);
      expect(types.filter((t) => t === 'ledger.settle').length).toBeLessThanOrEqual(1);
      const settle = run.recorded.toParent.find((e) => e.type === 'ledger.settle') as
        | { payout: number; refund: number }
        | undefined;
      if (run.snapshot.value === 'collected') expect(settle).toMatchObject({ payout: 900, refund: 0 });
      if (run.snapshot.value === 'expired') expect(settle).toMatchObject({ payout: 0, refund: 900 });
      if (run.snapshot.status === 'done') expect(types).toContain('beacon.unbind');
      const handovers = run.recorded
        .effectsOf<SendParams>('send')
        .filter((s) => s.message.type === 'store.handoverPreorder');
      for (const h of handovers) expect(h.to).toBe('S1');
    }
  });
});

// ── beacon ────────────────────────────────────────────────────────────────────────────────────

const BEACON: BeaconInput = {
  id: 'B1',
  vehicleId: 'V1',
  secret: SECRET,
  crypto,
  clockOffsetMs: 90_000,
  slotSeconds: 300,
};
const beaconEvents: BeaconEvent[] = [
  { type: 'power.on', at: 1_000_000 },
  { type: 'power.off', at: 1_100_000 },
  { type: 'beacon.pair', phoneId: 'U1' },
  { type: 'beacon.pair', phoneId: 'U9' },
];

describe('beaconMachine', () => {
  it('reaches every transition on an xstate/graph path', () => {
    const r = coverTransitions(beaconMachine, [
      {
        name: 'beacon',
        input: BEACON,
        events: () => beaconEvents,
        key: (s: SnapshotFrom<typeof beaconMachine>) =>
          JSON.stringify([s.value, s.context.pairedPhone, Math.min(s.context.rotations, 1)]),
      },
    ]);
    printCoverage(r);
    expect(r.mismatches).toEqual([]);
    expect(r.uncovered.map((t) => t.key)).toEqual([]);
  });

  it('broadcasts the id of its own (drifted) clock slot, rotating at its own slot boundaries', () => {
    const run = startRecorded(beaconMachine, BEACON);
    run.send({ type: 'power.on', at: 1_000_000 });
    const first = beaconSlot(run.actor.getSnapshot().context, 1_000_000);
    expect(first).toBe(Math.floor(1_090_000 / SLOT_MS));
    expect(run.effectsOf('advertise').at(-1)).toEqual({
      beaconId: 'B1',
      vehicleId: 'V1',
      eid: ephemeralId(crypto, SECRET, first),
    });
    // the next boundary of the beacon's clock is at 1 200 000 local = 1 110 000 true time
    advance(run.clock, 110_000 - 1, 1_000);
    expect(run.effectsOf('advertise')).toHaveLength(1);
    advance(run.clock, 1, 1);
    expect(run.effectsOf('advertise').at(-1)).toMatchObject({ eid: ephemeralId(crypto, SECRET, first + 1) });
    run.send({ type: 'power.off', at: 1_200_000 });
    expect(run.effectsOf('advertise').at(-1)).toMatchObject({ eid: null });
  });

  it('pairs once with the owner phone and refuses another', () => {
    const run = startRecorded(beaconMachine, BEACON);
    run.send({ type: 'beacon.pair', phoneId: 'U1' });
    expect(run.effectsOf('send')).toEqual([]);
    run.send({ type: 'power.on', at: 0 });
    run.send({ type: 'beacon.pair', phoneId: 'U1' });
    run.send({ type: 'beacon.pair', phoneId: 'U9' });
    run.send({ type: 'beacon.pair', phoneId: 'U1' });
    expect(run.effectsOf<SendParams>('send').map((s) => `${s.to}:${s.message.type}`)).toEqual([
      'U1:beacon.paired',
      'U9:beacon.pairRefused',
      'U1:beacon.paired',
    ]);
  });
});

// ── beacon desk ───────────────────────────────────────────────────────────────────────────────

const DESK = {
  crypto,
  registry: [
    { deviceId: 'B1', secret: SECRET },
    { deviceId: 'B2', secret: new Uint8Array(16).fill(9) },
  ],
  slotSeconds: 300,
  driftSlots: 1,
};
const at = 10 * SLOT_MS + 1_000;
const eidOf = (secret: Uint8Array, slot: number) => ephemeralId(crypto, secret, slot);
const deskEvents: BeaconDeskEvent[] = [
  { type: 'beacon.bind', orderId: 'P1', beaconId: 'B1', storeId: 'S1' },
  { type: 'beacon.unbind', orderId: 'P1', beaconId: 'B1' },
  { type: 'beacon.unbind', orderId: 'P7', beaconId: 'B1' },
  { type: 'scanner.report', storeId: 'S1', eid: eidOf(SECRET, 10), heardAt: at },
];

describe('beaconDeskMachine', () => {
  const report = () =>
    coverTransitions(beaconDeskMachine, [
      {
        name: 'desk',
        input: DESK,
        events: () => deskEvents,
        key: (s: SnapshotFrom<typeof beaconDeskMachine>) =>
          JSON.stringify([mapKeys(s.context.bound), Object.keys(s.context.seen.acceptedBySlot)]),
      },
    ]);

  it('reaches every transition on an xstate/graph path', () => {
    const r = report();
    printCoverage(r);
    expect(r.mismatches).toEqual([]);
    expect(r.uncovered.map((t) => t.key)).toEqual([]);
  });

  it('accepts a bound beacon at its store once per slot, and refuses the rest with their reasons', () => {
    const run = startRecorded(beaconDeskMachine, DESK);
    run.send({ type: 'beacon.bind', orderId: 'P1', beaconId: 'B1', storeId: 'S1' });
    const sighting = (storeId: string, eid: string, heardAt = at) =>
      run.send({ type: 'scanner.report', storeId, eid, heardAt });
    sighting('S1', eidOf(SECRET, 11)); // a beacon clock one slot fast: absorbed
    sighting('S1', eidOf(SECRET, 11)); // the same (device, slot) again: replayed
    sighting('S2', eidOf(SECRET, 10)); // the right beacon at another store
    sighting('S1', eidOf(DESK.registry[1]!.secret, 10)); // a registered beacon with no preorder
    sighting('S1', 'ffffffffffffffff'); // a device dispatch never registered
    sighting('S1', eidOf(SECRET, 10), at + 2 * SLOT_MS); // recorded earlier, played back later
    expect(run.effectsOf<{ counter: string }>('count').map((c) => c.counter)).toEqual([
      'resolvedAdvertisements',
      'refusedAdvertisements.replayed',
      'refusedAdvertisements.wrong_store',
      'refusedAdvertisements.not_bound',
      'refusedAdvertisements.unknown_device',
      'refusedAdvertisements.outside_window',
    ]);
  });
});
