import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimPayments } from '../../adapters/sim/sim-payments.ts';

describe('sim payments', () => {
  it('refuses with its own reason for each failure', () => {
    const pay = createSimPayments({ balances: { poor: 500 } });
    expect(pay.charge('c1', 'alice', 0)).toEqual({ ok: false, reason: 'invalid_amount' });
    expect(pay.charge('c2', 'alice', 1.5)).toEqual({ ok: false, reason: 'invalid_amount' });
    expect(pay.hold('h0', 'alice', -3)).toEqual({ ok: false, reason: 'invalid_amount' });
    expect(pay.charge('c3', 'poor', 501)).toEqual({ ok: false, reason: 'insufficient_funds' });
    expect(pay.hold('h1', 'poor', 501)).toEqual({ ok: false, reason: 'insufficient_funds' });
    expect(pay.capture('k1', 'hold-404', 10)).toEqual({ ok: false, reason: 'unknown_hold' });
    expect(pay.refund('k2', 'hold-404', 10)).toEqual({ ok: false, reason: 'unknown_hold' });
    const hold = pay.hold('h2', 'poor', 400);
    if (!hold.ok) throw new Error(hold.reason);
    expect(pay.capture('k3', hold.holdId, 401)).toEqual({ ok: false, reason: 'insufficient_hold' });
    expect(pay.refund('k4', hold.holdId, 401)).toEqual({ ok: false, reason: 'insufficient_hold' });
    expect(pay.capture('k5', hold.holdId, 0)).toEqual({ ok: false, reason: 'invalid_amount' });
    expect(pay.charge('h2', 'poor', 400)).toEqual({ ok: false, reason: 'idempotency_conflict' });
  });

  it('splits a hold into captures and refunds; a refund returns money to the payer', () => {
    const pay = createSimPayments({ balances: { pub: 1000 } });
    const hold = pay.hold('order-1/hold', 'pub', 1000);
    if (!hold.ok) throw new Error(hold.reason);
    expect(pay.charge('other', 'pub', 1)).toEqual({ ok: false, reason: 'insufficient_funds' });
    expect(pay.capture('order-1/payout', hold.holdId, 850)).toMatchObject({ ok: true, remainingCents: 150 });
    expect(pay.capture('order-1/commission', hold.holdId, 100)).toMatchObject({
      ok: true,
      remainingCents: 50,
    });
    expect(pay.refund('order-1/rest', hold.holdId, 50)).toMatchObject({ ok: true, remainingCents: 0 });
    expect(pay.totals()).toEqual({ holdsPlaced: 1000, held: 0, captured: 950, refunded: 50, charged: 0 });
    expect(pay.charge('after-refund', 'pub', 50)).toMatchObject({ ok: true });
    expect(pay.charge('too-much', 'pub', 1)).toEqual({ ok: false, reason: 'insufficient_funds' });
  });

  type Op =
    | { kind: 'charge' | 'hold'; key: number; payer: string; amount: number }
    | { kind: 'capture' | 'refund'; key: number; hold: number; amount: number };
  const amountArb = fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.constantFrom(0, -1, 2.5));
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constantFrom('charge' as const, 'hold' as const),
      key: fc.integer({ min: 0, max: 6 }),
      payer: fc.constantFrom('alice', 'bob', 'carol'),
      amount: amountArb,
    }),
    fc.record({
      kind: fc.constantFrom('capture' as const, 'refund' as const),
      key: fc.integer({ min: 0, max: 6 }),
      hold: fc.integer({ min: 0, max: 4 }),
      amount: amountArb,
    }),
  );

  it('a repeated idempotency key returns the first result and never moves money twice (seed 3141)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const pay = createSimPayments({ balances: { carol: 6_000 } });
        const first = new Map<string, { call: string; result: unknown }>();
        const holdIds: string[] = [];
        let expectedCharged = 0;
        for (const op of ops) {
          const key = `key-${op.key}`;
          const target = 'payer' in op ? op.payer : (holdIds[op.hold] ?? `hold-x${op.hold}`);
          const call = JSON.stringify([op.kind, target, op.amount]);
          const before = pay.totals();
          const result =
            op.kind === 'charge'
              ? pay.charge(key, target, op.amount)
              : op.kind === 'hold'
                ? pay.hold(key, target, op.amount)
                : op.kind === 'capture'
                  ? pay.capture(key, target, op.amount)
                  : pay.refund(key, target, op.amount);
          const previous = first.get(key);
          if (previous) {
            expect(result).toEqual(
              previous.call === call ? previous.result : { ok: false, reason: 'idempotency_conflict' },
            );
            expect(pay.totals()).toEqual(before);
          } else {
            first.set(key, { call, result });
            if (result.ok && 'holdId' in result && op.kind === 'hold') holdIds.push(result.holdId);
            if (result.ok && op.kind === 'charge') expectedCharged += op.amount;
          }
          const t = pay.totals();
          expect(t.charged).toBe(expectedCharged);
          expect(t.holdsPlaced).toBe(t.held + t.captured + t.refunded);
          expect(t.held).toBeGreaterThanOrEqual(0);
        }
      }),
      { seed: 3141, numRuns: 300 },
    );
  });
});
