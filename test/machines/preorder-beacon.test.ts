import { describe, expect, it } from 'vitest';
import { beaconMachine, beaconSlot } from '../../machines/beacon.ts';
import { beaconDeskMachine } from '../../machines/beacon-desk.ts';
import { ephemeralId } from '../../machines/ephemeral-id.ts';
import type { SendParams } from '../../machines/errand-order.ts';
import { preorderMachine } from '../../machines/preorder.ts';
import { crypto } from '../domain/crypto-fixture.ts';
import {
  at,
  BEACON,
  beaconScenarios,
  DESK,
  deskScenarios,
  eidOf,
  preorderScenarios,
  SECRET,
  SLOT_MS,
} from './preorder-beacon.coverage.ts';
import {
  advance,
  coverTransitions,
  expectFullCoverage,
  lazyCoverage,
  printCoverage,
  startRecorded,
} from './transition-coverage.ts';

// ── preorder ──────────────────────────────────────────────────────────────────────────────────

const preorderCoverage = lazyCoverage(preorderMachine, preorderScenarios);

describe('preorderMachine', () => {
  it('reaches every transition on an xstate/graph path', () => {
    expectFullCoverage(preorderCoverage());
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

describe('beaconMachine', () => {
  it('reaches every transition on an xstate/graph path', () => {
    const r = coverTransitions(beaconMachine, beaconScenarios);
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

describe('beaconDeskMachine', () => {
  const report = () => coverTransitions(beaconDeskMachine, deskScenarios);

  it('reaches every transition on an xstate/graph path', () => {
    expectFullCoverage(report());
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
