import { describe, expect, it } from 'vitest';
import { courierMachine } from '../../machines/courier.ts';
import { KEY_RETRY_MS, MAX_KEY_TRIES, TRAVEL_RETRY_MS } from '../../machines/courier-setup.ts';
import type { SendParams } from '../../machines/errand-order.ts';
import { DISPATCH } from '../../machines/protocol.ts';
import {
  atShop,
  input,
  keyRefused,
  keyUsedUp,
  PUBLISHER_MASKED,
  scenarios,
  toDoor,
  trunkEvents,
} from './courier.coverage.ts';
import { COURIER } from './fixtures.ts';
import { advance, lazyCoverage, printCoverage, startRecorded } from './transition-coverage.ts';

const toDispatch = (sends: readonly SendParams[]) =>
  sends.filter((s) => s.to === DISPATCH).map((s) => s.message);

const coverage = lazyCoverage(courierMachine, scenarios);

describe('courierMachine transition coverage', () => {
  it('reaches every transition on an xstate/graph path', () => {
    const r = coverage();
    printCoverage(r);
    expect(r.transitions).toHaveLength(46);
    expect(r.mismatches).toEqual([]);
    expect(r.uncovered.map((t) => t.key)).toEqual([]);
  });

  it('on every path: online/offline alternate, accepts are for takeable orders, pick-up precedes delivery', () => {
    for (const run of coverage().runs) {
      const out = toDispatch(run.recorded.effectsOf<SendParams>('send'));
      const presence = out.filter((m) => m.type === 'courier.online' || m.type === 'courier.offline');
      presence.forEach((m, i) => {
        expect(m.type).toBe(i % 2 === 0 ? 'courier.online' : 'courier.offline');
      });
      const offDuty = run.snapshot.matches('offDuty');
      expect(offDuty).toBe(presence.length === 0 || presence.at(-1)?.type === 'courier.offline');
      for (const m of out.filter((m) => m.type === 'errand.accept')) {
        expect(['E1', 'E2', 'T1']).toContain(m.orderId);
      }
      if (run.scenario === 'trunk delivery') continue;
      const progress = out.filter((m) => m.type === 'errand.pickedUp' || m.type === 'errand.delivered');
      progress.forEach((m, i) => {
        expect(m.type).toBe(i % 2 === 0 ? 'errand.pickedUp' : 'errand.delivered');
      });
      // a delivery always goes to the job's drop-off after its pick-up
      const trips = run.recorded.effectsOf<{ to: { x: number } }>('travel').map((t) => t.to.x);
      if (out.some((m) => m.type === 'errand.delivered')) expect(trips.slice(0, 2)).toEqual([100, 900]);
    }
  });

  it('answers a chat at most once per job, through the masked number', () => {
    for (const run of coverage().runs) {
      const chats = toDispatch(run.recorded.effectsOf<SendParams>('send')).filter(
        (m) => m.type === 'chat.send',
      );
      const jobs = run.events.filter((e) => e.type === 'errand.acceptResult' && e.ok).length;
      expect(chats.length).toBeLessThanOrEqual(jobs);
      for (const c of chats) expect(c).toMatchObject({ fromId: COURIER, toMasked: PUBLISHER_MASKED });
    }
  });
});

describe('courierMachine on a trunk delivery', () => {
  it('collects, reaches the car, opens the trunk with the key, deposits, closes it and reports', () => {
    const run = startRecorded(courierMachine, input('professional'));
    for (const e of trunkEvents.slice(0, 5)) run.send(e);
    run.send({ type: 'travel.arrived', position: { x: 700, y: 0 } });
    expect(toDispatch(run.effectsOf<SendParams>('send')).at(-1)).toEqual({
      type: 'trunk.atCar',
      orderId: 'T1',
      courierId: COURIER,
    });
    run.send({ type: 'trunk.unlock', orderId: 'T1' });
    expect(run.effectsOf<SendParams>('send').at(-1)).toMatchObject({
      to: 'V1',
      message: { type: 'key.present', requestId: 'T1:open', presenterId: COURIER, action: 'trunk_open' },
    });
    run.send({ type: 'key.result', requestId: 'T1:open', vehicleId: 'V1', action: 'trunk_open', ok: true });
    advance(run.clock, 20);
    const last = run.effectsOf<SendParams>('send').slice(-2);
    expect(last).toEqual([
      { to: 'V1', message: { type: 'trunk.close', presenterId: COURIER } },
      { to: DISPATCH, message: { type: 'trunk.deposited', orderId: 'T1', courierId: COURIER } },
    ]);
    expect(run.actor.getSnapshot().matches('idle')).toBe(true);
  });

  it('reports a refused key with its reason, and takes the goods back to the store when told', () => {
    const run = startRecorded(courierMachine, input('professional'));
    for (const e of trunkEvents.slice(0, 5)) run.send(e);
    run.send({ type: 'travel.arrived', position: { x: 700, y: 0 } });
    run.send({ type: 'trunk.unlock', orderId: 'T1' });
    run.send(keyRefused);
    expect(toDispatch(run.effectsOf<SendParams>('send')).at(-1)).toEqual({
      type: 'trunk.unlockFailed',
      orderId: 'T1',
      courierId: COURIER,
      reason: 'expired',
    });
    run.send({ type: 'trunk.return', orderId: 'T1', position: { x: 100, y: 0 } });
    expect(run.effectsOf<{ to: { x: number } }>('travel').at(-1)).toEqual({ to: { x: 100, y: 0 } });
    run.send({ type: 'travel.arrived', position: { x: 100, y: 0 } });
    expect(run.effectsOf<SendParams>('send').slice(-2)).toEqual([
      { to: 's1', message: { type: 'store.return', orderId: 'T1', courierId: COURIER } },
      { to: DISPATCH, message: { type: 'trunk.returned', orderId: 'T1', courierId: COURIER } },
    ]);
  });
});

describe('courierMachine when answers are lost', () => {
  /** Timers of minutes: tracking ticks rarely, so the simulated clock has little to step through. */
  const slowTracking = { ...input('professional'), trackingIntervalMs: 10 * 60_000 };
  /** A trunk courier standing at the car, told to unlock. */
  function atCarUnlocking() {
    const run = startRecorded(courierMachine, slowTracking);
    for (const e of trunkEvents.slice(0, 5)) run.send(e);
    run.send({ type: 'travel.arrived', position: { x: 700, y: 0 } });
    run.send({ type: 'trunk.unlock', orderId: 'T1' });
    return run;
  }
  const presents = (run: ReturnType<typeof atCarUnlocking>) =>
    run.effectsOf<SendParams>('send').filter((s) => s.message.type === 'key.present');

  it('presents the key again to a car that does not answer, then reports no answer', () => {
    const run = atCarUnlocking();
    advance(run.clock, KEY_RETRY_MS * (MAX_KEY_TRIES - 1));
    expect(presents(run)).toHaveLength(MAX_KEY_TRIES);
    expect(new Set(presents(run).map((p) => p.message.requestId))).toEqual(new Set(['T1:open']));
    expect(toDispatch(run.effectsOf<SendParams>('send')).at(-1)).toMatchObject({ type: 'trunk.atCar' });
    advance(run.clock, KEY_RETRY_MS);
    expect(toDispatch(run.effectsOf<SendParams>('send')).at(-1)).toEqual({
      type: 'trunk.unlockFailed',
      orderId: 'T1',
      courierId: COURIER,
      reason: 'no_answer',
    });
    expect(run.actor.getSnapshot().matches({ working: { job: 'atCar' } })).toBe(true);
  });

  it('deposits when a repeated presentation is refused as used up (the first one opened it)', () => {
    const run = atCarUnlocking();
    run.send(keyUsedUp);
    // on the first presentation, a used-up key is someone else's doing: reported
    expect(toDispatch(run.effectsOf<SendParams>('send')).at(-1)).toMatchObject({
      type: 'trunk.unlockFailed',
      reason: 'uses_exhausted',
    });
    const again = atCarUnlocking();
    advance(again.clock, KEY_RETRY_MS);
    again.send(keyUsedUp);
    expect(again.actor.getSnapshot().matches({ working: { job: 'depositing' } })).toBe(true);
  });

  it('starts a leg again when its arrival never came (the app was down)', () => {
    const run = startRecorded(courierMachine, slowTracking);
    for (const e of trunkEvents.slice(0, 3)) run.send(e);
    expect(run.effectsOf('travel')).toHaveLength(1);
    advance(run.clock, TRAVEL_RETRY_MS);
    expect(run.effectsOf('travel')).toEqual([{ to: { x: 100, y: 0 } }, { to: { x: 100, y: 0 } }]);
  });

  it('does an order whose late acceptance came while on another job after that job', () => {
    const run = startRecorded(courierMachine, input('professional'));
    run.send({ type: 'shift.start' });
    run.send({ type: 'errand.offer', listing: toDoor });
    run.send({ type: 'errand.acceptResult', orderId: 'E1', ok: true, listing: toDoor });
    run.send({ type: 'errand.acceptResult', orderId: 'E2', ok: true, listing: atShop });
    run.send({ type: 'errand.acceptResult', orderId: 'E2', ok: true, listing: atShop });
    run.send({ type: 'travel.arrived', position: toDoor.pickup });
    advance(run.clock, 20);
    run.send({ type: 'travel.arrived', position: toDoor.dropoff });
    advance(run.clock, 20);
    expect(run.actor.getSnapshot().context.job?.orderId).toBe('E2');
    expect(run.actor.getSnapshot().context.won).toEqual([]);
    expect(toDispatch(run.effectsOf<SendParams>('send')).map((m) => m.type)).toEqual([
      'courier.online',
      'errand.accept',
      'errand.pickedUp',
      'errand.delivered',
    ]);
  });
});

describe('courierMachine timers (simulated clock)', () => {
  it('an ordinary courier pulls every pullInterval while idle', () => {
    const run = startRecorded(courierMachine, input('ordinary'));
    run.send({ type: 'shift.start' });
    advance(run.clock, 95);
    const pulls = toDispatch(run.effectsOf<SendParams>('send')).filter((m) => m.type === 'errand.pull');
    expect(pulls).toHaveLength(3);
    expect(pulls[0]).toEqual({
      type: 'errand.pull',
      courierId: COURIER,
      position: { x: 0, y: 0 },
      radius: 1_500,
      categories: ['deliver', 'buy_for_me'],
    });
  });

  it('gives up an unanswered accept after acceptTimeout', () => {
    const run = startRecorded(courierMachine, input('professional'));
    run.send({ type: 'shift.start' });
    run.send({ type: 'errand.offer', listing: toDoor });
    expect(run.actor.getSnapshot().value).toBe('accepting');
    advance(run.clock, 40);
    expect(run.actor.getSnapshot().value).toEqual({ idle: 'awaitingOffers' });
  });

  it('does a store errand end to end, reporting its position while working', () => {
    const run = startRecorded(courierMachine, input('professional'));
    run.send({ type: 'shift.start' });
    run.send({ type: 'errand.offer', listing: atShop });
    run.send({ type: 'errand.acceptResult', orderId: 'E2', ok: true, listing: atShop, publisherMasked: 'm' });
    run.send({ type: 'travel.arrived', position: atShop.pickup });
    expect(run.actor.getSnapshot().matches({ working: { job: 'atStore' } })).toBe(true);
    expect(run.effectsOf<SendParams>('send').at(-1)).toEqual({
      to: 's1',
      message: { type: 'store.collect', orderId: 'E2', courierId: COURIER },
    });
    advance(run.clock, 21);
    // toPickup entry + three tracking ticks (7, 14, 21 ms)
    expect(run.effectsOf('reportPosition')).toHaveLength(4);
    run.send({ type: 'store.handover', orderId: 'E2', storeId: 's1' });
    run.send({ type: 'travel.arrived', position: atShop.dropoff });
    run.send({ type: 'shift.end' });
    advance(run.clock, 20);
    expect(run.actor.getSnapshot().value).toBe('offDuty');
    expect(toDispatch(run.effectsOf<SendParams>('send')).map((m) => m.type)).toEqual([
      'courier.online',
      'errand.accept',
      'errand.pickedUp',
      'errand.delivered',
      'courier.offline',
    ]);
  });

  it('goes off duty when its shift ended while an accept was refused', () => {
    const run = startRecorded(courierMachine, input('professional'));
    run.send({ type: 'shift.start' });
    run.send({ type: 'errand.offer', listing: toDoor });
    run.send({ type: 'shift.end' });
    run.send({ type: 'errand.acceptResult', orderId: 'E1', ok: false, reason: 'already_assigned' });
    expect(run.actor.getSnapshot().value).toBe('offDuty');
  });
});
