import { describe, expect, it } from 'vitest';
import { checkStockConservation, inCarts } from '../../machines/cart.ts';
import { cartDeskMachine } from '../../machines/cart-desk.ts';
import type { SendParams } from '../../machines/errand-order.ts';
import type { PaymentInstruction } from '../../machines/payments-port.ts';
import { robotMachine } from '../../machines/robot.ts';
import { DESK, deskScenarios, ROBOT, robotScenarios, user } from './robot-carts.coverage.ts';
import {
  advance,
  coverTransitions,
  expectFullCoverage,
  lazyCoverage,
  startRecorded,
} from './transition-coverage.ts';

// ── robot ─────────────────────────────────────────────────────────────────────────────────────

const robotCoverage = lazyCoverage(robotMachine, robotScenarios);

describe('robotMachine', () => {
  it('reaches every transition on an xstate/graph path', () => {
    expectFullCoverage(robotCoverage());
  });

  it('on every path: what it reports taken less put back is what left its stock since the last load', () => {
    for (const run of robotCoverage().runs) {
      const loaded = run.recorded
        .effectsOf<{ added: Record<string, number> }>('restock')
        .reduce((n, r) => n + (r.added.water ?? 0), 0);
      const sends = run.recorded.effectsOf<SendParams>('send').map((s) => s.message.type);
      const net =
        sends.filter((t) => t === 'cart.take').length - sends.filter((t) => t === 'cart.putBack').length;
      expect(run.snapshot.context.stock.water ?? 0).toBe(loaded - net);
      expect(run.snapshot.context.stock.water ?? 0).toBeGreaterThanOrEqual(0);
    }
  });

  it('serves one user at a time, and keeps the session when its dwell time runs out', () => {
    const run = startRecorded(robotMachine, { ...ROBOT, load: { water: 5 } });
    run.send({ type: 'shift.start' });
    advance(run.clock, 10);
    run.send({ type: 'travel.arrived', position: { x: 100, y: 0 } });
    run.send({ type: 'robot.identify', userId: 'U1', memberCode: 'M-U1' });
    run.send({ type: 'robot.identify', userId: 'U2', memberCode: 'M-U2' });
    run.send(user('robot.take', { productId: 'water' }));
    advance(run.clock, 30);
    run.send(user('robot.take', { productId: 'water' }));
    run.send(user('robot.putBack', { productId: 'water' }));
    run.send(user('robot.leave'));
    expect(run.effectsOf<SendParams>('send').map((s) => `${s.to}:${s.message.type}`)).toEqual([
      'U1:robot.session',
      'U2:robot.busy',
      'dispatch:cart.take',
      'dispatch:cart.take',
      'dispatch:cart.putBack',
      'dispatch:cart.sessionEnded',
    ]);
    expect(run.actor.getSnapshot().context.stock.water).toBe(4);
  });
});

// ── cart desk ─────────────────────────────────────────────────────────────────────────────────

describe('cartDeskMachine', () => {
  const report = () => coverTransitions(cartDeskMachine, deskScenarios);

  it('reaches every transition on an xstate/graph path, charging each payment id once', () => {
    const r = report();
    expectFullCoverage(r);
    for (const run of r.runs) {
      const charges = run.recorded.effectsOf<PaymentInstruction>('payments');
      expect(new Set(charges.map((c) => c.idempotencyKey)).size).toBe(charges.length);
      expect(charges.reduce((n, c) => n + (c.kind === 'charge' ? c.amount : 0), 0)).toBe(
        run.snapshot.context.charged,
      );
    }
  });

  it('charges a repeated pay instruction once, and settles an abandoned cart after the grace', () => {
    const run = startRecorded(cartDeskMachine, DESK);
    run.send({ type: 'cart.take', readingId: 'RB1:1', robotId: 'RB1', userId: 'U1', productId: 'water' });
    run.send({ type: 'cart.take', readingId: 'RB1:2', robotId: 'RB1', userId: 'U1', productId: 'cake' });
    run.send({ type: 'cart.pay', userId: 'U1', paymentId: 'pay-1', replyTo: 'RB1' });
    run.send({ type: 'cart.pay', userId: 'U1', paymentId: 'pay-1', replyTo: 'U1' });
    expect(run.effectsOf<PaymentInstruction>('payments')).toEqual([
      { kind: 'charge', idempotencyKey: 'pay-1', orderId: 'K1', payer: 'U1', amount: 550 },
    ]);
    expect(
      run.effectsOf<SendParams>('send').map((s) => [s.to, s.message.type, s.message.totalCents]),
    ).toEqual([
      ['RB1', 'cart.recorded', undefined],
      ['RB1', 'cart.recorded', undefined],
      ['RB1', 'cart.paid', 550],
      ['U1', 'cart.paid', 550],
    ]);
    run.send({ type: 'cart.take', readingId: 'RB1:3', robotId: 'RB1', userId: 'U2', productId: 'water' });
    run.send({
      type: 'cart.sessionEnded',
      readingId: 'RB1:90',
      robotId: 'RB1',
      userId: 'U2',
      sessionReadings: [],
    });
    advance(run.clock, 40);
    expect(run.effectsOf<PaymentInstruction>('payments').at(-1)).toMatchObject({
      orderId: 'K2',
      amount: 150,
    });
    const ctx = run.actor.getSnapshot().context;
    expect(ctx.sold).toEqual({ water: 2, cake: 1 });
    expect(
      checkStockConservation({
        loaded: { water: 5, cake: 1 },
        robotStock: { water: 3 },
        book: {
          carts: ctx.book.carts,
          paid: {
            all: {
              userId: '',
              lines: [
                { productId: 'water', qty: 2 },
                { productId: 'cake', qty: 1 },
              ],
            },
          },
        },
      }),
    ).toEqual([]);
    expect(inCarts(ctx.book)).toEqual({});
  });

  it('cancels a cart whose items all went back, and refuses to pay an empty one', () => {
    const run = startRecorded(cartDeskMachine, DESK);
    run.send({ type: 'cart.take', readingId: 'RB1:4', robotId: 'RB1', userId: 'U1', productId: 'water' });
    run.send({ type: 'cart.putBack', readingId: 'RB1:5', robotId: 'RB1', userId: 'U1', productId: 'water' });
    run.send({ type: 'cart.pay', userId: 'U1', paymentId: 'pay-2', replyTo: 'U1' });
    run.send({
      type: 'cart.sessionEnded',
      readingId: 'RB1:91',
      robotId: 'RB1',
      userId: 'U1',
      sessionReadings: [],
    });
    const answers = run.effectsOf<SendParams>('send').filter((s) => s.message.type !== 'cart.recorded');
    expect(answers.at(-1)?.message).toMatchObject({ type: 'cart.payRefused', reason: 'empty_cart' });
    expect(run.effectsOf<{ step: string }>('lifecycle').map((l) => l.step)).toEqual([
      'created',
      'assigned',
      'cancelled',
    ]);
  });

  it('applies a reading once however often it comes, and charges an unpaid cart only when the session’s late readings are in', () => {
    const run = startRecorded(cartDeskMachine, DESK);
    const take = (readingId: string, productId: string) =>
      run.send({ type: 'cart.take', readingId, robotId: 'RB1', userId: 'U1', productId });
    take('RB1:1', 'water');
    take('RB1:1', 'water'); // delivered twice
    // the session ended, but its second take (RB1:2) was lost on the way: the robot sends it again later
    run.send({
      type: 'cart.sessionEnded',
      readingId: 'RB1:3',
      robotId: 'RB1',
      userId: 'U1',
      sessionReadings: ['RB1:1', 'RB1:2'],
    });
    advance(run.clock, 40);
    expect(run.effectsOf<PaymentInstruction>('payments')).toEqual([]);
    take('RB1:2', 'cake');
    advance(run.clock, 40);
    expect(run.effectsOf<PaymentInstruction>('payments')).toEqual([
      { kind: 'charge', idempotencyKey: 'K1:unpaid', orderId: 'K1', payer: 'U1', amount: 550 },
    ]);
    // every reading (and the repeats) was confirmed to the robot, so it stops sending them
    expect(
      run
        .effectsOf<SendParams>('send')
        .filter((s) => s.message.type === 'cart.recorded')
        .map((s) => s.message.readingId),
    ).toEqual(['RB1:1', 'RB1:1', 'RB1:3', 'RB1:2']);
    expect(run.actor.getSnapshot().context.sold).toEqual({ water: 1, cake: 1 });
  });
});
