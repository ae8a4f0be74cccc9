import { describe, expect, it } from 'vitest';
import type { SendParams } from '../../machines/errand-order.ts';
import { storeMachine } from '../../machines/store.ts';
import { COURIER, OTHER_COURIER } from './fixtures.ts';
import { input, PREPARATION_MS, scenarios, store } from './store.coverage.ts';
import {
  advance,
  lazyCoverage,
  listTransitions,
  printCoverage,
  startRecorded,
} from './transition-coverage.ts';

const messages = (sends: readonly SendParams[], type: string) => sends.filter((s) => s.message.type === type);

const coverage = lazyCoverage(store, scenarios);

describe('storeMachine: preorders and the curb scanner', () => {
  it('hands a preorder to the car once, and refuses a second request and one while closed', () => {
    const run = startRecorded(store, input(true));
    run.send({ type: 'store.preorder', orderId: 'P1', items: [{ productId: 'p1', qty: 2 }] });
    run.send({ type: 'store.handoverPreorder', orderId: 'P1', beaconId: 'B1' });
    run.send({ type: 'store.handoverPreorder', orderId: 'P1', beaconId: 'B1' });
    run.send({ type: 'store.preorder', orderId: 'P2', items: [] });
    run.send({ type: 'store.close' });
    run.send({ type: 'store.handoverPreorder', orderId: 'P2', beaconId: 'B2' });
    expect(run.effectsOf<SendParams>('send').map((s) => s.message)).toEqual([
      { type: 'preorder.handedOver', orderId: 'P1', storeId: 's1' },
      { type: 'store.preorderRefused', orderId: 'P1', storeId: 's1', reason: 'already_handed_over' },
      { type: 'store.preorderRefused', orderId: 'P2', storeId: 's1', reason: 'closed' },
    ]);
    expect(run.effectsOf('handedToCar')).toEqual([{ orderId: 'P1', storeId: 's1' }]);
  });

  it('reports each advertisement it hears once to dispatch', () => {
    const run = startRecorded(store, input(true));
    for (const eid of ['a1', 'a1', 'b2', 'a1'])
      run.send({ type: 'scanner.heard', eid, rssi: -70, heardAt: 5 });
    expect(run.effectsOf<SendParams>('send').map((s) => s.message.eid)).toEqual(['a1', 'b2']);
  });
});

describe('storeMachine transition coverage', () => {
  it('reaches every transition on an xstate/graph path', () => {
    const r = coverage();
    printCoverage(r);
    expect(r.transitions.map((t) => t.key)).toEqual(listTransitions(storeMachine).map((t) => t.key));
    expect(r.transitions).toHaveLength(20);
    expect(r.mismatches).toEqual([]);
    expect(r.uncovered.map((t) => t.key)).toEqual([]);
  });

  it('on every path: hands over only to the waiting courier, queues only while closed', () => {
    for (const run of coverage().runs.filter((r) => r.scenario !== 'preorders and scanner')) {
      const sends = run.recorded.effectsOf<SendParams>('send');
      const collectedBy = new Map(
        run.events.flatMap((e) => (e.type === 'store.collect' ? [[e.orderId, e.courierId] as const] : [])),
      );
      const handovers = messages(sends, 'store.handover');
      for (const h of handovers) expect(h.to).toBe(collectedBy.get(String(h.message.orderId)));
      expect(run.snapshot.context.handedOver).toBe(handovers.length);
      // a `store.queued` answer only ever goes to a collect that arrived while the store was closed
      let open = run.scenario === 'open at start';
      const collectedWhileClosed = new Set<string>();
      for (const e of run.events) {
        if (e.type === 'store.open') open = true;
        else if (e.type === 'store.close') open = false;
        else if (e.type === 'store.collect' && !open) collectedWhileClosed.add(e.orderId);
      }
      for (const q of messages(sends, 'store.queued')) {
        expect(collectedWhileClosed.has(String(q.message.orderId))).toBe(true);
      }
    }
  });
});

describe('storeMachine timers (simulated clock)', () => {
  it('prepares and hands over after the preparation time', () => {
    const run = startRecorded(store, input(true));
    run.send({ type: 'store.collect', orderId: 'E1', courierId: COURIER });
    run.send({ type: 'store.collect', orderId: 'E1', courierId: COURIER }); // a duplicate: already known
    advance(run.clock, PREPARATION_MS - 1);
    expect(run.effectsOf('send')).toEqual([]);
    advance(run.clock, 1);
    expect(run.effectsOf<SendParams>('send')).toEqual([
      { to: COURIER, message: { type: 'store.handover', orderId: 'E1', storeId: 's1' } },
    ]);
  });

  it('queues collections while closed and prepares them on opening', () => {
    const run = startRecorded(store, input(false));
    run.send({ type: 'store.collect', orderId: 'E2', courierId: OTHER_COURIER });
    run.send({ type: 'store.collect', orderId: 'E1', courierId: COURIER });
    advance(run.clock, 100);
    expect(messages(run.effectsOf<SendParams>('send'), 'store.queued')).toHaveLength(2);
    expect(messages(run.effectsOf<SendParams>('send'), 'store.handover')).toHaveLength(0);
    run.send({ type: 'store.open' });
    advance(run.clock, PREPARATION_MS);
    expect(messages(run.effectsOf<SendParams>('send'), 'store.handover').map((s) => s.to)).toEqual([
      COURIER,
      OTHER_COURIER,
    ]);
    expect(run.actor.getSnapshot().context).toMatchObject({
      preparing: {},
      waitingForOpening: {},
      handedOver: 2,
    });
  });

  it('hands an order over once, even when the collect is repeated after the handover', () => {
    const run = startRecorded(store, input(true));
    run.send({ type: 'store.collect', orderId: 'E1', courierId: COURIER });
    advance(run.clock, PREPARATION_MS);
    run.send({ type: 'store.collect', orderId: 'E1', courierId: COURIER });
    advance(run.clock, PREPARATION_MS);
    expect(messages(run.effectsOf<SendParams>('send'), 'store.handover')).toHaveLength(1);
    expect(messages(run.effectsOf<SendParams>('send'), 'store.alreadyHandedOver')).toEqual([
      { to: COURIER, message: { type: 'store.alreadyHandedOver', orderId: 'E1', storeId: 's1' } },
    ]);
    expect(run.actor.getSnapshot().context.handedOver).toBe(1);
  });
});
