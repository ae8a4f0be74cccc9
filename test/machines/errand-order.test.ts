import { describe, expect, it } from 'vitest';
import { getPathsFromEvents } from 'xstate/graph';
import {
  errandOrderMachine,
  type LifecycleParams,
  type OrderToDispatch,
  type SendParams,
} from '../../machines/errand-order.ts';
import { key, scenarios } from './errand-order.coverage.ts';
import { COURIER, FEES, OTHER_COURIER, orderInput, PUBLISHER, TIMING } from './fixtures.ts';
import {
  advance,
  graphView,
  initialSnapshot,
  lazyCoverage,
  pathEvents,
  printCoverage,
  startRecorded,
} from './transition-coverage.ts';

type Settle = Extract<OrderToDispatch, { type: 'ledger.settle' }>;
type Hold = Extract<OrderToDispatch, { type: 'ledger.hold' }>;

const ORDER = 'E1';
const quote = { type: 'route.quote', orderId: ORDER, distance: 1_800, duration: 400 } as const;
const accept = (courierId: string) => ({ type: 'errand.accept', orderId: ORDER, courierId }) as const;
const pickedUp = { type: 'errand.pickedUp', orderId: ORDER, courierId: COURIER } as const;
const delivered = { type: 'errand.delivered', orderId: ORDER, courierId: COURIER } as const;
const cancel = { type: 'errand.cancel', orderId: ORDER, publisherId: PUBLISHER } as const;

function ofType<T extends { type: string }, K extends T['type']>(list: readonly T[], type: K) {
  return list.filter((m): m is Extract<T, { type: K }> => m.type === type);
}

function messages(sends: readonly SendParams[], type: string, to?: string) {
  return sends
    .filter((s) => s.message.type === type && (to === undefined || s.to === to))
    .map((s) => s.message);
}

const coverage = lazyCoverage(errandOrderMachine, scenarios);

describe('errandOrderMachine transition coverage', () => {
  it('reaches every transition on an xstate/graph path', () => {
    const r = coverage();
    printCoverage(r);
    expect(r.transitions).toHaveLength(23);
    expect(r.mismatches).toEqual([]);
    expect(r.uncovered.map((t) => t.key)).toEqual([]);
  });

  it('keeps the books on every path: one hold, at most one settlement, nothing created or lost', () => {
    for (const run of coverage().runs) {
      const toParent = run.recorded.toParent as OrderToDispatch[];
      const holds: Hold[] = ofType(toParent, 'ledger.hold');
      const settles: Settle[] = ofType(toParent, 'ledger.settle');
      expect(holds.length).toBeLessThanOrEqual(1);
      expect(settles.length).toBeLessThanOrEqual(holds.length);
      for (const s of settles) {
        expect(s.payout + s.commission + s.refund).toBe(holds[0].amount);
        expect(s.payee === null).toBe(s.payout + s.commission === 0);
      }
      // a finished order leaves nothing held
      if (run.snapshot.status === 'done' && holds.length === 1) expect(settles).toHaveLength(1);
    }
  });

  it('ends every finished path exactly once, with the outcome of its final state', () => {
    let finished = 0;
    for (const run of coverage().runs) {
      const ended = ofType(run.recorded.toParent as OrderToDispatch[], 'order.ended');
      const sends = run.recorded.effectsOf<SendParams>('send');
      const steps = run.recorded.effectsOf<LifecycleParams>('lifecycle').map((l) => l.step);
      if (run.snapshot.status !== 'done') {
        expect(ended).toEqual([]);
        continue;
      }
      finished++;
      expect(ended).toHaveLength(1);
      expect(ended[0].outcome).toBe(run.snapshot.value);
      expect(steps.at(-1)).toBe(run.snapshot.value);
      const closed = messages(sends, 'errand.closed', PUBLISHER);
      if (run.snapshot.value === 'rejected') {
        expect(closed).toEqual([]);
        expect(messages(sends, 'errand.rejected', PUBLISHER)).toHaveLength(1);
      } else {
        // the publisher hears the refund the ledger made
        const settle = ofType(run.recorded.toParent as OrderToDispatch[], 'ledger.settle')[0];
        expect(closed).toHaveLength(1);
        expect(closed[0].refund).toBe(settle.refund);
        expect(steps[0]).toBe('created');
      }
    }
    expect(finished).toBeGreaterThan(0);
  });

  it('lets exactly one courier win: every later accept is refused as already_assigned', () => {
    let contested = 0;
    for (const run of coverage().runs) {
      const sends = run.recorded.effectsOf<SendParams>('send');
      const results = sends.filter((s) => s.message.type === 'errand.acceptResult');
      const won = results.filter((s) => s.message.ok === true);
      const refused = results.filter((s) => s.message.ok === false);
      expect(won.length).toBeLessThanOrEqual(1);
      // accepts that arrive once the order is taken (assigned, picked up, delivered)
      const late = run.recorded.taken.filter(
        (k) => k.endsWith(':errand.accept#0') && k !== 'errandOrder.open:errand.accept#0',
      );
      expect(refused).toHaveLength(late.length);
      for (const r of refused) {
        expect(r.message).toEqual({
          type: 'errand.acceptResult',
          orderId: ORDER,
          ok: false,
          reason: 'already_assigned',
        });
        expect(r.to).not.toBe('');
      }
      if (refused.length > 0) {
        expect(won).toHaveLength(1);
        contested++;
      }
    }
    expect(contested).toBeGreaterThan(0);
  });

  it('follows a getPathsFromEvents path to the state it predicts', () => {
    const script = [quote, accept(COURIER), accept(OTHER_COURIER), pickedUp, cancel, delivered];
    const [path] = getPathsFromEvents(graphView(errandOrderMachine), script, {
      input: orderInput(),
      fromState: initialSnapshot(errandOrderMachine, orderInput()),
      serializeState: key,
    });
    expect(path.state.value).toBe('delivered');
    const run = startRecorded(errandOrderMachine, orderInput());
    for (const event of pathEvents(path)) run.send(event);
    expect(run.actor.getSnapshot().value).toBe(path.state.value);
    expect(run.taken).toEqual([
      'errandOrder.quoting:route.quote#1',
      'errandOrder.open:errand.accept#0',
      'errandOrder.assigned:errand.accept#0',
      'errandOrder.assigned:errand.pickedUp#0',
      'errandOrder.pickedUp:errand.cancel#0',
      'errandOrder.pickedUp:errand.delivered#0',
    ]);
    const sends = run.effectsOf<SendParams>('send');
    expect(sends.find((s) => s.to === OTHER_COURIER)?.message).toEqual({
      type: 'errand.acceptResult',
      orderId: ORDER,
      ok: false,
      reason: 'already_assigned',
    });
    expect(messages(sends, 'errand.cancelRefused', PUBLISHER)).toEqual([
      { type: 'errand.cancelRefused', orderId: ORDER, reason: 'already_picked_up' },
    ]);
  });
});

describe('errandOrderMachine timers and money (simulated clock)', () => {
  function openOrder() {
    const run = startRecorded(errandOrderMachine, orderInput());
    run.send(quote);
    expect(run.actor.getSnapshot().value).toEqual({ open: 'pushing' });
    return run;
  }

  function lastSettle(run: ReturnType<typeof openOrder>): Settle | undefined {
    return ofType(run.toParent as OrderToDispatch[], 'ledger.settle').at(-1);
  }

  it('re-pushes while open and refunds in full when nobody accepts within maxOpen', () => {
    const run = openOrder();
    advance(run.clock, TIMING.maxOpenMs - 1);
    expect(run.actor.getSnapshot().value).toEqual({ open: 'pushing' });
    advance(run.clock, 1);
    expect(run.actor.getSnapshot().value).toBe('cancelled');
    // one push on opening, then one every repushMs until maxOpen
    expect(run.effectsOf('findCouriers')).toHaveLength(
      1 + Math.floor((TIMING.maxOpenMs - 1) / TIMING.repushMs),
    );
    expect(lastSettle(run)).toEqual({
      type: 'ledger.settle',
      orderId: ORDER,
      payee: null,
      payout: 0,
      commission: 0,
      refund: 600,
    });
    const closed = messages(run.effectsOf<SendParams>('send'), 'errand.closed', PUBLISHER);
    expect(closed).toEqual([
      { type: 'errand.closed', orderId: ORDER, outcome: 'cancelled', refund: 600, reason: 'no_courier' },
    ]);
  });

  it('pays the courier (less commission) when the delivery is auto-confirmed', () => {
    const run = openOrder();
    for (const e of [accept(COURIER), pickedUp, delivered]) run.send(e);
    advance(run.clock, TIMING.autoConfirmMs);
    expect(run.actor.getSnapshot().value).toBe('completed');
    const commission = Math.round(600 * FEES.commissionRate);
    expect(lastSettle(run)).toMatchObject({
      payee: COURIER,
      payout: 600 - commission,
      commission,
      refund: 0,
    });
  });

  it('refunds disputeRefundShare when customer service upholds a dispute', () => {
    const run = openOrder();
    for (const e of [accept(COURIER), pickedUp, delivered]) run.send(e);
    run.send({ type: 'errand.dispute', orderId: ORDER, publisherId: PUBLISHER, reason: 'damaged' });
    advance(run.clock, TIMING.disputeResolutionMs);
    expect(run.actor.getSnapshot().value).toBe('refunded');
    const gross = Math.round(600 * (1 - FEES.disputeRefundShare));
    const commission = Math.round(gross * FEES.commissionRate);
    expect(lastSettle(run)).toMatchObject({
      payee: COURIER,
      payout: gross - commission,
      commission,
      refund: 600 - gross,
    });
  });

  it('refuses accepts and cancels while disputed, and answers a repeated publish with the same terms', () => {
    const run = openOrder();
    run.send({ type: 'errand.republish', orderId: ORDER });
    const published = messages(run.effectsOf<SendParams>('send'), 'errand.published', PUBLISHER);
    expect(published).toHaveLength(2);
    expect(published[1]).toEqual(published[0]);
    for (const e of [accept(COURIER), pickedUp, delivered]) run.send(e);
    run.send({ type: 'errand.dispute', orderId: ORDER, publisherId: PUBLISHER, reason: 'damaged' });
    run.send(accept(OTHER_COURIER));
    run.send(cancel);
    expect(run.actor.getSnapshot().value).toBe('disputed');
    expect(messages(run.effectsOf<SendParams>('send'), 'errand.acceptResult', OTHER_COURIER).at(-1)).toEqual({
      type: 'errand.acceptResult',
      orderId: ORDER,
      ok: false,
      reason: 'already_assigned',
    });
    expect(messages(run.effectsOf<SendParams>('send'), 'errand.cancelRefused', PUBLISHER).at(-1)).toEqual({
      type: 'errand.cancelRefused',
      orderId: ORDER,
      reason: 'disputed',
    });
  });

  it('gives the courier its fee share and refunds the rest on a cancel after assignment', () => {
    const run = openOrder();
    run.send(accept(COURIER));
    run.send(cancel);
    expect(run.actor.getSnapshot().value).toBe('cancelled');
    const gross = Math.round(600 * FEES.cancelAfterAssignFeeShare);
    const commission = Math.round(gross * FEES.commissionRate);
    expect(lastSettle(run)).toMatchObject({
      payee: COURIER,
      payout: gross - commission,
      commission,
      refund: 600 - gross,
    });
    const sends = run.effectsOf<SendParams>('send');
    expect(messages(sends, 'errand.cancelled', COURIER)).toHaveLength(1);
    expect(messages(sends, 'errand.closed', PUBLISHER)[0]).toMatchObject({ refund: 600 - gross });
  });
});
