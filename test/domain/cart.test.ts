import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimPayments } from '../../adapters/sim/sim-payments.ts';
import {
  type CartBook,
  cartOf,
  cartTotalCents,
  checkStockConservation,
  emptyCartBook,
  putBack,
  settle,
  sold,
  sumStock,
  take,
} from '../../machines/cart.ts';

const prices = { apple: 120, bread: 250, cola: 199 };

describe('carts', () => {
  it('takes, puts back and lists a cart sorted by product', () => {
    let book = take(take(take(emptyCartBook(), 'u1', 'cola'), 'u1', 'apple'), 'u1', 'cola');
    expect(cartOf(book, 'u1')).toEqual([
      { productId: 'apple', qty: 1 },
      { productId: 'cola', qty: 2 },
    ]);
    const back = putBack(book, 'u1', 'apple');
    if (!back.ok) throw new Error(back.reason);
    book = back.book;
    expect(cartOf(book, 'u1')).toEqual([{ productId: 'cola', qty: 2 }]);
    expect(putBack(book, 'u1', 'apple')).toEqual({ ok: false, reason: 'not_in_cart' });
    expect(putBack(book, 'u2', 'cola')).toEqual({ ok: false, reason: 'not_in_cart' });
    expect(cartOf(book, 'nobody')).toEqual([]);
  });

  it('drops emptied carts so the book stays canonical', () => {
    const back = putBack(take(emptyCartBook(), 'u1', 'apple'), 'u1', 'apple');
    expect(back).toEqual({ ok: true, book: emptyCartBook() });
  });

  it('prices a cart and refuses unknown prices', () => {
    const lines = cartOf(take(take(emptyCartBook(), 'u1', 'apple'), 'u1', 'apple'), 'u1');
    expect(cartTotalCents(lines, prices)).toEqual({ ok: true, totalCents: 240 });
    expect(cartTotalCents([{ productId: 'caviar', qty: 1 }], prices)).toEqual({
      ok: false,
      reason: 'unknown_price',
      productId: 'caviar',
    });
  });

  it('settles once per payment and only the cart that was charged', () => {
    const book = take(take(emptyCartBook(), 'u1', 'bread'), 'u1', 'apple');
    expect(settle(book, 'u2', 'pay-1')).toEqual({ ok: false, reason: 'empty_cart' });
    expect(settle(book, 'u1', 'pay-1', [{ productId: 'apple', qty: 1 }])).toEqual({
      ok: false,
      reason: 'cart_changed',
    });
    const done = settle(book, 'u1', 'pay-1', [
      { productId: 'bread', qty: 1 },
      { productId: 'apple', qty: 1 },
    ]);
    if (!done.ok) throw new Error(done.reason);
    expect(cartOf(done.book, 'u1')).toEqual([]);
    expect(sold(done.book)).toEqual({ apple: 1, bread: 1 });
    expect(settle(take(done.book, 'u1', 'cola'), 'u1', 'pay-1')).toEqual({
      ok: false,
      reason: 'already_settled',
    });
  });

  it('reports a lost item and a negative count', () => {
    const book = take(emptyCartBook(), 'u1', 'apple');
    expect(checkStockConservation({ loaded: { apple: 3 }, robotStock: { apple: 2 }, book })).toEqual([]);
    expect(checkStockConservation({ loaded: { apple: 3 }, robotStock: { apple: 1 }, book })).toEqual([
      { productId: 'apple', kind: 'not_conserved', loaded: 3, robotStock: 1, inCarts: 1, sold: 0 },
    ]);
    expect(checkStockConservation({ loaded: { apple: 0 }, robotStock: { apple: -1 }, book })).toEqual([
      { productId: 'apple', kind: 'negative', loaded: 0, robotStock: -1, inCarts: 1, sold: 0 },
    ]);
  });

  type Product = keyof typeof prices;
  type Op =
    | { kind: 'take'; robot: number; user: string; product: Product }
    | { kind: 'putBack'; robot: number; user: string; product: Product }
    | { kind: 'pay'; user: string; duplicated: boolean }
    | { kind: 'restock'; robot: number; product: Product; qty: number };
  const productArb = fc.constantFrom<Product>('apple', 'bread', 'cola');
  const userArb = fc.constantFrom('u1', 'u2', 'u3');
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constantFrom('take' as const, 'putBack' as const),
        robot: fc.integer({ min: 0, max: 1 }),
        user: userArb,
        product: productArb,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('pay' as const), user: userArb, duplicated: fc.boolean() }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('restock' as const),
        robot: fc.integer({ min: 0, max: 1 }),
        product: productArb,
        qty: fc.integer({ min: 1, max: 3 }),
      }),
    },
  );

  it('conserves stock and charges each payment once over random take/putBack/pay sequences (seed 2718)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const robots: Record<string, number>[] = [
          { apple: 2, bread: 1, cola: 0 },
          { apple: 0, bread: 2, cola: 3 },
        ];
        const loaded = robots.map((r) => ({ ...r }));
        const payments = createSimPayments();
        let book: CartBook = emptyCartBook();
        let paymentsMade = 0;
        for (const op of ops) {
          if (op.kind === 'take') {
            const robot = robots[op.robot]!;
            if (robot[op.product]! > 0) {
              robot[op.product]!--;
              book = take(book, op.user, op.product);
            }
          } else if (op.kind === 'putBack') {
            const inCart = cartOf(book, op.user).some((l) => l.productId === op.product);
            const result = putBack(book, op.user, op.product);
            expect(result.ok).toBe(inCart);
            if (result.ok) {
              book = result.book;
              robots[op.robot]![op.product]!++;
            }
          } else if (op.kind === 'restock') {
            robots[op.robot]![op.product]! += op.qty;
            loaded[op.robot]![op.product]! += op.qty;
          } else {
            const lines = cartOf(book, op.user);
            const paymentId = `pay-${++paymentsMade}`;
            if (lines.length === 0) {
              expect(settle(book, op.user, paymentId)).toEqual({ ok: false, reason: 'empty_cart' });
              continue;
            }
            const total = cartTotalCents(lines, prices);
            if (!total.ok) throw new Error(total.reason);
            const attempts = op.duplicated ? 2 : 1;
            for (let i = 0; i < attempts; i++) {
              const charge = payments.charge(paymentId, op.user, total.totalCents);
              expect(charge).toMatchObject({ ok: true, amountCents: total.totalCents });
              const settled = settle(book, op.user, paymentId, lines);
              if (i === 0 && settled.ok) book = settled.book;
              else expect(settled).toEqual({ ok: false, reason: 'already_settled' });
            }
          }
          expect(
            checkStockConservation({ loaded: sumStock(loaded), robotStock: sumStock(robots), book }),
          ).toEqual([]);
        }
        const soldValue = Object.entries(sold(book)).reduce(
          (sum, [p, qty]) => sum + prices[p as Product] * qty,
          0,
        );
        expect(payments.totals().charged).toBe(soldValue);
      }),
      { seed: 2718, numRuns: 300 },
    );
  });
});
