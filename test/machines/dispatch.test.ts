import { describe, expect, it } from 'vitest';
import type { AnyActorRef } from 'xstate';
import { dispatchMachine } from '../../machines/dispatch.ts';
import type { SendParams } from '../../machines/errand-order.ts';
import { ledgerViolations, stillHeld } from '../../machines/escrow-ledger.ts';
import { mapGet, mapKeys } from '../../machines/persistent-map.ts';
import {
  courierMasked,
  INPUT,
  isolated,
  KNOWN,
  publisherMasked,
  scenarios,
  UNKNOWN,
} from './dispatch.coverage.ts';
import { COURIER, FEES, OTHER_COURIER, PUBLISHER, request, TIMING } from './fixtures.ts';
import {
  advance,
  lazyCoverage,
  listTransitions,
  printCoverage,
  startRecorded,
} from './transition-coverage.ts';

const coverage = lazyCoverage(isolated, scenarios);

describe('dispatchMachine transition coverage (root, inert order children)', () => {
  it('reaches every transition of the root on an xstate/graph path', () => {
    const r = coverage();
    printCoverage(r);
    // the provided copy has the same transitions as the machine itself
    expect(r.transitions.map((t) => t.key)).toEqual(listTransitions(dispatchMachine).map((t) => t.key));
    expect(r.transitions.length).toBeGreaterThan(33);
    expect(r.mismatches).toEqual([]);
    expect(r.uncovered.map((t) => t.key)).toEqual([]);
  });

  it('on every path: the books balance and every refusal is reported as a violation', () => {
    for (const run of coverage().runs) {
      const { ledger } = run.snapshot.context;
      expect(ledgerViolations(ledger)).toEqual([]);
      const t = ledger.totals;
      expect(t.held).toBe(t.paidOut + t.refunded + t.commission + stillHeld(ledger));
      const payments = run.recorded.effectsOf<{ idempotencyKey: string }>('payments');
      const violations = run.recorded.effectsOf<{ rule: string }>('violation');
      const moneyEvents = run.events.filter((e) => e.type === 'ledger.hold' || e.type === 'ledger.settle');
      expect(payments.length + violations.length).toBe(moneyEvents.length);
      expect(violations.every((v) => v.rule === 'escrow')).toBe(true);
    }
  });

  it('on every path: messages about unknown orders are answered (port answers dropped), never forwarded', () => {
    const portAnswers = new Set(['route.quote', 'couriers.found']);
    for (const run of coverage().runs.filter((r) => r.scenario === 'dispatch root')) {
      const sends = run.recorded.effectsOf<SendParams>('send');
      const unknown = run.events.filter(
        (e) => 'orderId' in e && e.orderId === UNKNOWN && !portAnswers.has(e.type),
      );
      const answers = sends.filter((s) => s.message.orderId === UNKNOWN);
      expect(answers).toHaveLength(unknown.length);
      for (const a of answers) {
        if (a.message.type === 'errand.acceptResult') {
          expect(a).toEqual({
            to: OTHER_COURIER,
            message: { type: 'errand.acceptResult', orderId: UNKNOWN, ok: false, reason: 'order_closed' },
          });
        } else {
          expect(a.message).toMatchObject({ type: 'error', reason: 'unknown_order' });
          expect(a.to).not.toBe('');
        }
      }
      expect(run.recorded.effectsOf('xstate.sendTo').every((f) => JSON.stringify(f).includes(KNOWN))).toBe(
        true,
      );
    }
  });
});

describe('dispatchMachine with real errand orders', () => {
  const online = (courierId: string) =>
    ({
      type: 'courier.online',
      courierId,
      courierType: 'professional',
      mode: 'bike',
      categories: ['deliver'],
      position: { x: 0, y: 0 },
    }) as const;

  /** Two couriers online, one order published, quoted (held in escrow, listed) and won by c1. */
  function assignedOrder() {
    const run = startRecorded(dispatchMachine, INPUT);
    run.send(online(COURIER));
    run.send(online(OTHER_COURIER));
    run.send({ type: 'errand.publish', request: request() });
    run.send({ type: 'route.quote', orderId: KNOWN, distance: 1_800, duration: 400 });
    const ctx = run.actor.getSnapshot().context;
    expect(mapGet(ctx.ledger.entries, KNOWN)).toMatchObject({ payer: PUBLISHER, held: 600 });
    expect(mapKeys(ctx.listings)).toEqual([KNOWN]);
    run.send({ type: 'errand.accept', orderId: KNOWN, courierId: COURIER });
    return run;
  }

  /** Every `send` of the system (dispatch and its order children), in order. */
  const sends = (run: ReturnType<typeof assignedOrder>) =>
    run.allEffects.filter((e) => e.type === 'send').map((e) => e.params as SendParams);
  const to = (run: ReturnType<typeof assignedOrder>, who: string) =>
    sends(run)
      .filter((s) => s.to === who)
      .map((s) => s.message);

  it('refuses a second accept with already_assigned, and any accept after the order ended', () => {
    const run = assignedOrder();
    expect(to(run, COURIER).at(-1)).toMatchObject({ type: 'errand.acceptResult', ok: true, publisherMasked });
    expect(mapKeys(run.actor.getSnapshot().context.listings)).toEqual([]);
    run.send({ type: 'errand.accept', orderId: KNOWN, courierId: OTHER_COURIER });
    expect(to(run, OTHER_COURIER)).toEqual([
      { type: 'errand.acceptResult', orderId: KNOWN, ok: false, reason: 'already_assigned' },
    ]);
    run.send({ type: 'errand.cancel', orderId: KNOWN, publisherId: PUBLISHER });
    run.send({ type: 'errand.accept', orderId: KNOWN, courierId: OTHER_COURIER });
    expect(to(run, OTHER_COURIER).at(-1)).toEqual({
      type: 'errand.acceptResult',
      orderId: KNOWN,
      ok: false,
      reason: 'order_closed',
    });
  });

  it('on a cancel after assignment pays the courier its share, refunds the rest, and the books balance', () => {
    const run = assignedOrder();
    run.send({ type: 'errand.cancel', orderId: KNOWN, publisherId: PUBLISHER });
    const { ledger, orders, couriers, relay } = run.actor.getSnapshot().context;
    const gross = Math.round(600 * FEES.cancelAfterAssignFeeShare);
    const commission = Math.round(gross * FEES.commissionRate);
    expect(ledger.totals).toEqual({
      held: 600,
      paidOut: gross - commission,
      commission,
      refunded: 600 - gross,
    });
    const t = ledger.totals;
    expect(t.held).toBe(t.paidOut + t.refunded + t.commission + stillHeld(ledger));
    expect(stillHeld(ledger)).toBe(0);
    expect(ledgerViolations(ledger)).toEqual([]);
    expect(run.effectsOf('violation')).toEqual([]);
    expect(run.effectsOf<{ idempotencyKey: string }>('payments').map((p) => p.idempotencyKey)).toEqual([
      'E1:hold',
      'E1:settle',
    ]);
    expect(to(run, COURIER).at(-1)).toEqual({
      type: 'errand.cancelled',
      orderId: KNOWN,
      reason: 'publisher_cancelled',
    });
    expect(to(run, PUBLISHER).at(-1)).toMatchObject({
      type: 'errand.closed',
      outcome: 'cancelled',
      refund: 600 - gross,
    });
    // the order is gone from every table
    expect(mapKeys(orders)).toEqual([]);
    expect(mapKeys(relay.lines)).toEqual([]);
    expect(mapGet(couriers, COURIER)).toMatchObject({ activeOrder: null, publisher: null });
  });

  it('relays chat through masked numbers while the order is active, and rejects expired numbers', () => {
    const run = assignedOrder();
    run.send({ type: 'chat.send', fromId: PUBLISHER, toMasked: courierMasked, text: 'Where are you?' });
    expect(to(run, COURIER).at(-1)).toEqual({
      type: 'chat.message',
      orderId: KNOWN,
      fromMasked: publisherMasked,
      text: 'Where are you?',
    });
    run.send({ type: 'chat.send', fromId: 'stranger', toMasked: courierMasked, text: 'hi' });
    expect(to(run, 'stranger')).toEqual([
      { type: 'chat.rejected', toMasked: courierMasked, reason: 'not_a_party' },
    ]);
    run.send({ type: 'courier.position', courierId: COURIER, position: { x: 10, y: 0 }, eta: 5_000 });
    expect(to(run, PUBLISHER).at(-1)).toEqual({
      type: 'errand.tracking',
      orderId: KNOWN,
      position: { x: 10, y: 0 },
      eta: 5_000,
    });
    run.send({ type: 'errand.cancel', orderId: KNOWN, publisherId: PUBLISHER });
    run.send({ type: 'chat.send', fromId: PUBLISHER, toMasked: courierMasked, text: 'Still there?' });
    expect(to(run, PUBLISHER).at(-1)).toEqual({
      type: 'chat.rejected',
      toMasked: courierMasked,
      reason: 'number_expired',
    });
    run.send({ type: 'chat.send', fromId: COURIER, toMasked: publisherMasked, text: 'Hello?' });
    expect(to(run, COURIER).at(-1)).toEqual({
      type: 'chat.rejected',
      toMasked: publisherMasked,
      reason: 'number_expired',
    });
  });

  it('runs an order to completion on the simulated clock and pays the courier', () => {
    const run = assignedOrder();
    run.send({ type: 'errand.pickedUp', orderId: KNOWN, courierId: COURIER });
    run.send({ type: 'errand.delivered', orderId: KNOWN, courierId: COURIER });
    advance(run.clock, TIMING.autoConfirmMs);
    const { ledger, orders } = run.actor.getSnapshot().context;
    const commission = Math.round(600 * FEES.commissionRate);
    expect(ledger.totals).toEqual({ held: 600, paidOut: 600 - commission, commission, refunded: 0 });
    expect(mapKeys(orders)).toEqual([]);
    expect(to(run, PUBLISHER).at(-1)).toMatchObject({
      type: 'errand.closed',
      outcome: 'completed',
      refund: 0,
    });
  });

  it('lists open orders to an online ordinary courier pulling nearby, and refunds unaccepted ones', () => {
    const run = startRecorded(dispatchMachine, INPUT);
    const pull = {
      type: 'errand.pull',
      courierId: COURIER,
      position: { x: 0, y: 0 },
      radius: 500,
      categories: ['deliver'],
    } as const;
    run.send(pull);
    expect(to(run, COURIER).at(-1)).toEqual({
      type: 'error',
      about: 'errand.pull',
      reason: 'courier_offline',
    });
    run.send({ ...online(COURIER), courierType: 'ordinary' });
    run.send({ type: 'errand.publish', request: request() });
    run.send({ type: 'route.quote', orderId: KNOWN, distance: 1_800, duration: 400 });
    run.send(pull);
    expect(to(run, COURIER).at(-1)).toMatchObject({
      type: 'errand.list',
      listings: [{ orderId: KNOWN, fee: 600 }],
    });
    advance(run.clock, TIMING.maxOpenMs);
    const { ledger, listings, orders } = run.actor.getSnapshot().context;
    expect(ledger.totals).toEqual({ held: 600, paidOut: 0, commission: 0, refunded: 600 });
    expect(mapKeys(listings)).toEqual([]);
    expect(mapKeys(orders)).toEqual([]);
    run.send(pull);
    expect(to(run, COURIER).at(-1)).toEqual({ type: 'errand.list', listings: [] });
  });

  it('opens one order for a duplicated publish, answers the repeat, and never reopens an ended one', () => {
    const run = startRecorded(dispatchMachine, INPUT);
    run.send({ type: 'errand.publish', request: request() });
    run.send({ type: 'errand.publish', request: request() });
    expect(mapKeys(run.actor.getSnapshot().context.orders)).toEqual([KNOWN]);
    run.send({ type: 'route.quote', orderId: KNOWN, distance: 1_800, duration: 400 });
    run.send({ type: 'errand.publish', request: request() });
    const published = to(run, PUBLISHER).filter((m) => m.type === 'errand.published');
    expect(published).toHaveLength(1 + 1);
    expect(run.actor.getSnapshot().context.ledger.totals.held).toBe(600);
    run.send({ type: 'errand.cancel', orderId: KNOWN, publisherId: PUBLISHER });
    run.send({ type: 'errand.publish', request: request() });
    expect(to(run, PUBLISHER).at(-1)).toEqual({
      type: 'errand.duplicate',
      requestId: 'p1-R1',
      orderId: KNOWN,
    });
    expect(run.actor.getSnapshot().context.orderSeq).toBe(1);
    // a late port answer for the ended order is dropped, not answered to nobody
    const before = sends(run).length;
    run.send({ type: 'couriers.found', orderId: KNOWN, courierIds: [COURIER] });
    expect(sends(run)).toHaveLength(before);
    // the finished child left the system and the snapshot
    expect(run.actor.system.get(KNOWN)).toBeUndefined();
    const shards = Object.values(run.actor.getSnapshot().children) as AnyActorRef[];
    expect(shards.flatMap((shard) => Object.keys(shard.getSnapshot().children))).toEqual([]);
  });
});
