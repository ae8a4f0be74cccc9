import { describe, expect, it } from 'vitest';
import { customerMachine } from '../../machines/customer.ts';
import type { SendParams } from '../../machines/errand-order.ts';
import { COURIER_MASKED, easy, fussy, INPUT, scenarios } from './customer.coverage.ts';
import { PUBLISHER } from './fixtures.ts';
import { advance, lazyCoverage, printCoverage, startRecorded } from './transition-coverage.ts';

const outbound = (sends: readonly SendParams[]) => sends.map((s) => s.message);

const coverage = lazyCoverage(customerMachine, scenarios);

describe('customerMachine transition coverage', () => {
  it('reaches every transition on an xstate/graph path', () => {
    const r = coverage();
    printCoverage(r);
    expect(r.transitions).toHaveLength(104);
    expect(r.mismatches).toEqual([]);
    expect(r.uncovered.map((t) => t.key)).toEqual([]);
  });

  it('on every path: numbered requests, and order messages only about the order it published', () => {
    for (const run of coverage().runs.filter((r) => r.scenario === 'publisher')) {
      const out = outbound(run.recorded.effectsOf<SendParams>('send'));
      const publishes = out.filter((m) => m.type === 'errand.publish');
      publishes.forEach((m, i) => {
        expect(m.request).toMatchObject({ requestId: `${PUBLISHER}-R${i + 1}`, publisherId: PUBLISHER });
      });
      const published = new Set(
        run.events.filter((e) => e.type === 'errand.published').map((e) => ('orderId' in e ? e.orderId : '')),
      );
      for (const m of out.filter((m) => m.type !== 'errand.publish' && m.type !== 'chat.send')) {
        expect(published.has(String(m.orderId))).toBe(true);
        expect(m.publisherId).toBe(PUBLISHER);
      }
      // the customer closes an order once: one confirm or dispute, never both
      const verdicts = out.filter((m) => m.type === 'errand.confirm' || m.type === 'errand.dispute');
      expect(new Set(verdicts.map((m) => m.orderId)).size).toBe(verdicts.length);
    }
  });
});

describe('customerMachine timers (simulated clock)', () => {
  function publishedFussy() {
    const run = startRecorded(customerMachine, INPUT);
    run.send(fussy);
    run.send({ type: 'errand.published', requestId: `${PUBLISHER}-R1`, orderId: 'E1', fee: 600, dueBy: 1 });
    return run;
  }

  it('forgets a publish dispatch never answers after answerTimeout', () => {
    const run = startRecorded(customerMachine, INPUT);
    run.send(easy);
    advance(run.clock, 39);
    expect(run.actor.getSnapshot().value).toBe('publishing');
    advance(run.clock, 1);
    expect(run.actor.getSnapshot().value).toBe('idle');
  });

  it('cancels an unassigned errand when its patience runs out', () => {
    const run = publishedFussy();
    advance(run.clock, 25);
    expect(run.actor.getSnapshot().value).toBe('cancelling');
    expect(outbound(run.effectsOf<SendParams>('send')).at(-1)).toEqual({
      type: 'errand.cancel',
      orderId: 'E1',
      publisherId: PUBLISHER,
    });
  });

  it('chats through the masked number, then cancels after assignment as its demand says', () => {
    const run = publishedFussy();
    run.send({ type: 'errand.assigned', orderId: 'E1', courierId: 'c1', courierMasked: COURIER_MASKED });
    advance(run.clock, 10);
    expect(outbound(run.effectsOf<SendParams>('send')).at(-1)).toEqual({
      type: 'chat.send',
      fromId: PUBLISHER,
      toMasked: COURIER_MASKED,
      text: 'Where are you?',
    });
    run.send({ type: 'chat.message', orderId: 'E1', fromMasked: COURIER_MASKED, text: 'On my way.' });
    advance(run.clock, 20);
    expect(run.actor.getSnapshot().value).toBe('cancelling');
    expect(run.actor.getSnapshot().context.chatReplies).toBe(1);
    // the courier had already picked up: the errand goes on
    run.send({ type: 'errand.cancelRefused', orderId: 'E1', reason: 'already_picked_up' });
    run.send({ type: 'errand.delivered', orderId: 'E1' });
    expect(run.actor.getSnapshot().value).toBe('closing');
    expect(outbound(run.effectsOf<SendParams>('send')).at(-1)).toMatchObject({ type: 'errand.dispute' });
  });

  it("ignores another order's delivery while its own is on the way", () => {
    const run = startRecorded(customerMachine, INPUT);
    run.send(easy);
    run.send({ type: 'errand.published', requestId: `${PUBLISHER}-R1`, orderId: 'E1', fee: 600, dueBy: 1 });
    run.send({ type: 'errand.assigned', orderId: 'E1', courierId: 'c1', courierMasked: COURIER_MASKED });
    run.send({ type: 'errand.pickedUp', orderId: 'E1' });
    run.send({ type: 'errand.delivered', orderId: 'E9' });
    expect(run.actor.getSnapshot().value).toBe('pickedUp');
  });
});
