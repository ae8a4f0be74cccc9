import { describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { type CustomerEvent, type CustomerInput, customerMachine } from '../../machines/customer.ts';
import type { SendParams } from '../../machines/errand-order.ts';
import type { ErrandDemand } from '../../machines/protocol.ts';
import { CUSTOMER_FLOW_EVENTS, customerFlowKey, OWNER } from './customer-flows-scenario.ts';
import { PUBLISHER, request } from './fixtures.ts';
import {
  advance,
  type CoverageReport,
  coverTransitions,
  printCoverage,
  type ScenarioOf,
  startRecorded,
} from './transition-coverage.ts';

type CustomerMachine = typeof customerMachine;
type Snap = SnapshotFrom<CustomerMachine>;

const INPUT: CustomerInput = {
  id: PUBLISHER,
  home: { x: 0, y: 0 },
  phone: '+377-600-000001',
  answerTimeoutMs: 40,
};
const COURIER_MASKED = '+377-900-0000003';

const { requestId: _r, publisherId: _p, ...demanded } = request();

/** A customer who lets the errand run its course… */
const easy: ErrandDemand = {
  type: 'demand.errand',
  request: demanded,
  patienceMs: 60,
  cancelAfterAssignMs: null,
  willDispute: false,
  chatAfterMs: null,
};
/** …and one who chats, cancels after assignment and disputes the delivery. */
const fussy: ErrandDemand = {
  ...easy,
  patienceMs: 25,
  cancelAfterAssignMs: 30,
  willDispute: true,
  chatAfterMs: 10,
};

/** Answers addressed to the customer's current request and order, and some for someone else's. */
function events(s: Snap): CustomerEvent[] {
  const requestId = `${PUBLISHER}-R${s.context.requestSeq}`;
  const orderId = s.context.orderId ?? `E${s.context.requestSeq}`;
  const list: CustomerEvent[] = [
    { type: 'errand.published', requestId, orderId, fee: 600, dueBy: 3_600_000 },
    { type: 'errand.published', requestId: `${PUBLISHER}-R0`, orderId: 'E0', fee: 600, dueBy: 3_600_000 },
    { type: 'errand.rejected', requestId, reason: 'description is empty' },
    { type: 'errand.assigned', orderId, courierId: 'c1', courierMasked: COURIER_MASKED },
    { type: 'errand.assigned', orderId: 'E9', courierId: 'c1', courierMasked: COURIER_MASKED },
    { type: 'errand.tracking', orderId, position: { x: 5, y: 5 }, eta: 60_000 },
    { type: 'chat.message', orderId, fromMasked: COURIER_MASKED, text: 'On my way.' },
    { type: 'errand.pickedUp', orderId },
    { type: 'errand.delivered', orderId },
    { type: 'errand.cancelRefused', orderId, reason: 'already_picked_up' },
    { type: 'errand.closed', orderId, outcome: 'completed', refund: 0, reason: 'confirmed' },
    { type: 'errand.closed', orderId: 'E9', outcome: 'completed', refund: 0, reason: 'confirmed' },
  ];
  // two errands are enough to see the customer come back to idle and start again
  if (s.context.requestSeq < 2) list.push(easy, fussy);
  return list;
}

const key = (s: Snap) =>
  JSON.stringify([
    s.value,
    s.context.requestSeq,
    s.context.demand === null ? null : s.context.demand.willDispute ? 'fussy' : 'easy',
    s.context.orderId,
    s.context.courierMasked !== null,
  ]);

const scenarios: ScenarioOf<CustomerMachine>[] = [
  { name: 'publisher', input: INPUT, events, key },
  ...Object.entries(CUSTOMER_FLOW_EVENTS).map(([flow, flowEvents]) => ({
    name: flow,
    input: OWNER,
    events: flowEvents,
    key: customerFlowKey,
  })),
];

const outbound = (sends: readonly SendParams[]) => sends.map((s) => s.message);

let report: CoverageReport<CustomerMachine> | undefined;
function coverage(): CoverageReport<CustomerMachine> {
  report ??= coverTransitions(customerMachine, scenarios);
  return report;
}

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
