import { enqueueActions, setup } from 'xstate';
import {
  type CartBook,
  type CartLine,
  cartOf,
  cartTotalCents,
  emptyCartBook,
  putBack,
  settle,
  take,
} from './cart.ts';
import type { CountParams, LifecycleParams, SendParams } from './errand-order.ts';
import type { PaymentInstruction } from './payments-port.ts';
import { emptyMap, mapDelete, mapGet, mapHas, mapSet, type PersistentMap } from './persistent-map.ts';

export interface CartDeskInput {
  /** Unit prices in cents of the products robots carry. */
  readonly prices: Readonly<Record<string, number>>;
  /** Unpaid-cart policy: a cart left when its user walks away is charged after this long. */
  readonly unpaidGraceMs: number;
}

export interface Receipt {
  readonly userId: string;
  readonly cartId: string;
  readonly lines: readonly CartLine[];
  readonly totalCents: number;
}

export interface CartDeskContext extends CartDeskInput {
  /** Open carts (paid ones leave the book; what they held is in `sold`). */
  book: CartBook;
  /** User → the id of their open cart (`K…`, an order of the robot flow). */
  openCarts: PersistentMap<string>;
  cartSeq: number;
  /** Payment id → what it paid: a repeated pay instruction gets the same receipt, charged once. */
  receipts: PersistentMap<Receipt>;
  /** Sensor readings already applied: a reading delivered twice changes the cart once. */
  readings: PersistentMap<true>;
  /**
   * Readings of ended sessions that have not arrived yet (user → reading ids). An unpaid cart waits
   * for them before it is charged, and one that arrives after the cart was paid starts the grace of
   * the cart it opens: what a robot sends again after an outage still ends up paid or put back.
   */
  awaiting: PersistentMap<readonly string[]>;
  /** Items paid for, per product (stock conservation: robots + carts + sold = loaded). */
  sold: Readonly<Record<string, number>>;
  /** Cents charged through the payments port. */
  charged: number;
}

type At = { at?: number };
export type CartDeskEvent = At &
  (
    | { type: 'cart.take'; readingId: string; robotId: string; userId: string; productId: string }
    | { type: 'cart.putBack'; readingId: string; robotId: string; userId: string; productId: string }
    | { type: 'cart.get'; userId: string; replyTo: string }
    | { type: 'cart.pay'; userId: string; paymentId: string; replyTo: string }
    | {
        type: 'cart.sessionEnded';
        readingId: string;
        robotId: string;
        userId: string;
        /** The take and put-back readings of the session that ended. */
        sessionReadings: readonly string[];
      }
    | { type: 'cart.autoSettle'; userId: string }
  );

/** Tells the robot its reading is recorded, so it stops sending it again. */
function recordedFor(event: CartDeskEvent): SendParams {
  const reading = event as { robotId: string; readingId: string };
  return { to: reading.robotId, message: { type: 'cart.recorded', readingId: reading.readingId } };
}

/** The user's awaited readings without one that just arrived. */
function arrived(
  awaiting: PersistentMap<readonly string[]>,
  userId: string,
  readingId: string,
): PersistentMap<readonly string[]> {
  const ids = mapGet(awaiting, userId);
  if (!ids?.includes(readingId)) return awaiting;
  const rest = ids.filter((id) => id !== readingId);
  return rest.length > 0 ? mapSet(awaiting, userId, rest) : mapDelete(awaiting, userId);
}

function lifecycle(cartId: string, step: LifecycleParams['step'], now: number): LifecycleParams {
  return { orderId: cartId, flow: 'robot', step, courierId: null, dueBy: now };
}

const count = (counter: string): CountParams => ({ flow: 'robot', counter });

/** Sold counts plus the lines of one payment. */
function addSold(sold: Readonly<Record<string, number>>, lines: readonly CartLine[]): Record<string, number> {
  const next = { ...sold };
  for (const l of lines) next[l.productId] = (next[l.productId] ?? 0) + l.qty;
  return next;
}

/**
 * Dispatch's cart desk (flow 2), a long-lived child of the server: one cart per user, fed by the
 * robots' item sensors (taken out, put back), shown on any terminal (the robot's screen or the
 * user's phone), paid on instruction through the payments port — the payment id is the idempotency
 * key, so a repeated instruction returns the same receipt and charges once. Each cart is an order of
 * the robot flow (`K…`): completed when paid, cancelled when everything went back. Unpaid-cart
 * policy (stated, and the same in the README): when the user walks away from the robot with items
 * in the cart, the cart is charged to the member after `unpaidGraceMs`, unless they pay first.
 */
export const cartDeskMachine = setup({
  types: {
    context: {} as CartDeskContext,
    events: {} as CartDeskEvent,
    input: {} as CartDeskInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
    payments: (_, _params: PaymentInstruction) => {},
    lifecycle: (_, _params: LifecycleParams) => {},
    count: (_, _params: CountParams) => {},
  },
  guards: {
    newReading: ({ context, event }) => 'readingId' in event && !mapHas(context.readings, event.readingId),
    repeatedReading: ({ context, event }) =>
      'readingId' in event && mapHas(context.readings, event.readingId),
  },
  delays: { unpaidGrace: ({ context }) => context.unpaidGraceMs },
}).createMachine({
  id: 'cartDesk',
  context: ({ input }) => ({
    ...input,
    book: emptyCartBook(),
    openCarts: emptyMap(),
    cartSeq: 0,
    receipts: emptyMap(),
    readings: emptyMap(),
    awaiting: emptyMap(),
    sold: {},
    charged: 0,
  }),
  on: {
    'cart.take': [
      { guard: 'repeatedReading', actions: { type: 'send', params: ({ event }) => recordedFor(event) } },
      {
        guard: 'newReading',
        actions: enqueueActions(({ context, event, enqueue }) => {
          enqueue.cancel(`unpaid:${event.userId}`);
          let { openCarts, cartSeq } = context;
          if (mapGet(openCarts, event.userId) === undefined) {
            cartSeq += 1;
            const cartId = `K${cartSeq}`;
            openCarts = mapSet(openCarts, event.userId, cartId);
            enqueue({ type: 'lifecycle', params: lifecycle(cartId, 'created', event.at ?? 0) });
            enqueue({ type: 'lifecycle', params: lifecycle(cartId, 'assigned', event.at ?? 0) });
          }
          enqueue.assign({
            book: take(context.book, event.userId, event.productId),
            openCarts,
            cartSeq,
            readings: mapSet(context.readings, event.readingId, true),
            awaiting: arrived(context.awaiting, event.userId, event.readingId),
          });
          enqueue({ type: 'send', params: recordedFor(event) });
          // a late reading of a session that already ended: nobody will end this cart's session
          if (mapGet(context.awaiting, event.userId)?.includes(event.readingId))
            enqueue.raise(
              { type: 'cart.autoSettle', userId: event.userId },
              { delay: 'unpaidGrace', id: `unpaid:${event.userId}` },
            );
        }),
      },
    ],
    'cart.putBack': [
      { guard: 'repeatedReading', actions: { type: 'send', params: ({ event }) => recordedFor(event) } },
      {
        guard: 'newReading',
        actions: enqueueActions(({ context, event, enqueue }) => {
          const r = putBack(context.book, event.userId, event.productId);
          const readings = mapSet(context.readings, event.readingId, true);
          const awaiting = arrived(context.awaiting, event.userId, event.readingId);
          if (r.ok) enqueue.assign({ book: r.book, readings, awaiting });
          else {
            enqueue.assign({ readings, awaiting });
            enqueue({ type: 'count', params: count('putBackRefused') });
          }
          enqueue({ type: 'send', params: recordedFor(event) });
        }),
      },
    ],
    'cart.get': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const lines = cartOf(context.book, event.userId);
        const total = cartTotalCents(lines, context.prices);
        enqueue({
          type: 'send',
          params: {
            to: event.replyTo,
            message: {
              type: 'cart.list',
              userId: event.userId,
              lines,
              totalCents: total.ok ? total.totalCents : 0,
            },
          },
        });
      }),
    },
    'cart.pay': {
      actions: enqueueActions(({ context, event, enqueue }) =>
        payCart(context, event.userId, event.paymentId, event.replyTo, event.at ?? 0, enqueue as Enqueue),
      ),
    },
    'cart.autoSettle': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const cartId = mapGet(context.openCarts, event.userId);
        if (cartId === undefined) return;
        if ((mapGet(context.awaiting, event.userId)?.length ?? 0) > 0) {
          // readings of the session are still on their way: wait another grace for them
          enqueue.raise(
            { type: 'cart.autoSettle', userId: event.userId },
            { delay: 'unpaidGrace', id: `unpaid:${event.userId}` },
          );
          return;
        }
        enqueue({ type: 'count', params: count('autoCharged') });
        payCart(context, event.userId, `${cartId}:unpaid`, event.userId, event.at ?? 0, enqueue as Enqueue);
      }),
    },
    'cart.sessionEnded': [
      { guard: 'repeatedReading', actions: { type: 'send', params: ({ event }) => recordedFor(event) } },
      {
        actions: enqueueActions(({ context, event, enqueue }) => {
          const missing = event.sessionReadings.filter((id) => !mapHas(context.readings, id));
          const awaited = mapGet(context.awaiting, event.userId) ?? [];
          enqueue.assign({
            readings: mapSet(context.readings, event.readingId, true),
            awaiting:
              missing.length > 0
                ? mapSet(context.awaiting, event.userId, [...awaited, ...missing])
                : context.awaiting,
          });
          enqueue({ type: 'send', params: recordedFor(event) });
          const cartId = mapGet(context.openCarts, event.userId);
          if (cartId === undefined) return;
          if (cartOf(context.book, event.userId).length > 0) {
            enqueue.raise(
              { type: 'cart.autoSettle', userId: event.userId },
              {
                delay: 'unpaidGrace',
                id: `unpaid:${event.userId}`,
              },
            );
            return;
          }
          // everything went back: the cart ends with nothing to pay
          enqueue({ type: 'lifecycle', params: lifecycle(cartId, 'cancelled', event.at ?? 0) });
          enqueue({ type: 'count', params: count('emptiedCarts') });
          enqueue.assign({ openCarts: mapDelete(context.openCarts, event.userId) });
        }),
      },
    ],
  },
});

/** The slice of XState's `enqueue` that paying a cart uses (typed against this machine's actions). */
interface Enqueue {
  (action: { type: 'send'; params: SendParams }): void;
  (action: { type: 'payments'; params: PaymentInstruction }): void;
  (action: { type: 'lifecycle'; params: LifecycleParams }): void;
  (action: { type: 'count'; params: CountParams }): void;
  assign(patch: Partial<CartDeskContext>): void;
  cancel(id: string): void;
}

/**
 * Pays a user's cart under `paymentId`: a known payment id is answered with its receipt (charged
 * once); an empty cart or an unpriced product is refused; otherwise the cart moves to sold, the
 * payments port charges it with the payment id as idempotency key, and the cart order completes.
 */
function payCart(
  context: CartDeskContext,
  userId: string,
  paymentId: string,
  replyTo: string,
  now: number,
  enqueue: Enqueue,
): void {
  const known = mapGet(context.receipts, paymentId);
  const refuse = (reason: string) =>
    enqueue({
      type: 'send',
      params: { to: replyTo, message: { type: 'cart.payRefused', userId, paymentId, reason } },
    });
  if (known) {
    enqueue({ type: 'count', params: count('repeatedPayInstructions') });
    enqueue({
      type: 'send',
      params: {
        to: replyTo,
        message: { type: 'cart.paid', userId, paymentId, lines: known.lines, totalCents: known.totalCents },
      },
    });
    return;
  }
  const cartId = mapGet(context.openCarts, userId);
  const lines = cartOf(context.book, userId);
  if (cartId === undefined || lines.length === 0) {
    refuse('empty_cart');
    return;
  }
  const total = cartTotalCents(lines, context.prices);
  if (!total.ok) {
    refuse('unknown_price');
    return;
  }
  const r = settle(context.book, userId, paymentId, lines);
  if (!r.ok) {
    refuse(r.reason);
    return;
  }
  const receipt: Receipt = { userId, cartId, lines, totalCents: total.totalCents };
  enqueue.cancel(`unpaid:${userId}`);
  enqueue.assign({
    book: { carts: r.book.carts, paid: {} },
    openCarts: mapDelete(context.openCarts, userId),
    receipts: mapSet(context.receipts, paymentId, receipt),
    sold: addSold(context.sold, lines),
    charged: context.charged + total.totalCents,
  });
  if (total.totalCents > 0)
    enqueue({
      type: 'payments',
      params: {
        kind: 'charge',
        idempotencyKey: paymentId,
        orderId: cartId,
        payer: userId,
        amount: total.totalCents,
      },
    });
  enqueue({ type: 'lifecycle', params: lifecycle(cartId, 'completed', now) });
  enqueue({
    type: 'send',
    params: {
      to: replyTo,
      message: { type: 'cart.paid', userId, paymentId, lines, totalCents: total.totalCents },
    },
  });
}
