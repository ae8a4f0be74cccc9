/**
 * The payments port dispatch uses in every flow: escrow holds (errands, trunk delivery), captures
 * and refunds against them, and one-shot charges (robot carts, preorders).
 *
 * Money is always integer cents. Every call carries an idempotency key: repeating a call (a
 * duplicated message, a retry after a crash) returns the first call's result and never moves money
 * twice, so dispatch can retry freely. Calls are synchronous in the sim; a real adapter queues.
 */

/** Integer cents; a fractional, negative or unsafe amount is refused as `invalid_amount`. */
export type Cents = number;

export type PayerId = string;

/** The same idempotency key reused for a different call (operation, party or amount). */
export type IdempotencyRefusal = 'idempotency_conflict';

export type HoldRefusal = IdempotencyRefusal | 'invalid_amount' | 'insufficient_funds';
export type HoldResult =
  | { readonly ok: true; readonly holdId: string; readonly payer: PayerId; readonly amountCents: Cents }
  | { readonly ok: false; readonly reason: HoldRefusal };

export type CaptureRefusal = IdempotencyRefusal | 'invalid_amount' | 'unknown_hold' | 'insufficient_hold';
export type CaptureResult =
  | {
      readonly ok: true;
      readonly captureId: string;
      readonly holdId: string;
      readonly amountCents: Cents;
      /** What stays held after this capture. */
      readonly remainingCents: Cents;
    }
  | { readonly ok: false; readonly reason: CaptureRefusal };

export type RefundRefusal = IdempotencyRefusal | 'invalid_amount' | 'unknown_hold' | 'insufficient_hold';
export type RefundResult =
  | {
      readonly ok: true;
      readonly refundId: string;
      readonly holdId: string;
      readonly amountCents: Cents;
      readonly remainingCents: Cents;
    }
  | { readonly ok: false; readonly reason: RefundRefusal };

export type ChargeRefusal = IdempotencyRefusal | 'invalid_amount' | 'insufficient_funds';
export type ChargeResult =
  | { readonly ok: true; readonly chargeId: string; readonly payer: PayerId; readonly amountCents: Cents }
  | { readonly ok: false; readonly reason: ChargeRefusal };

export interface PaymentsPort {
  /** Reserves `amountCents` of the payer's money (escrow); it stays held until captured or refunded. */
  hold(idempotencyKey: string, payer: PayerId, amountCents: Cents): HoldResult;
  /** Takes part or all of what a hold still holds (a courier payout, a commission). */
  capture(idempotencyKey: string, holdId: string, amountCents: Cents): CaptureResult;
  /** Returns part or all of what a hold still holds to the payer (cancellation, dispute). */
  refund(idempotencyKey: string, holdId: string, amountCents: Cents): RefundResult;
  /** Takes money at once, without a hold (paying a cart or a preorder). */
  charge(idempotencyKey: string, payer: PayerId, amountCents: Cents): ChargeResult;
}

/** Whether an amount is valid money for the port: a positive safe integer number of cents. */
export function isValidCents(amountCents: number): boolean {
  return Number.isSafeInteger(amountCents) && amountCents > 0;
}

/**
 * What dispatch asks the payments port to do, as data (a named action's params): the world or an
 * adapter executes it. The escrow ledger in dispatch is the book of record; these instructions mirror
 * each of its movements, and their idempotency keys make a retried instruction move money once.
 */
export type PaymentInstruction =
  | {
      readonly kind: 'hold';
      readonly idempotencyKey: string;
      readonly orderId: string;
      readonly payer: PayerId;
      readonly amount: Cents;
    }
  | {
      readonly kind: 'settle';
      readonly idempotencyKey: string;
      readonly orderId: string;
      readonly payout: Cents;
      readonly commission: Cents;
      readonly refund: Cents;
    }
  | {
      readonly kind: 'charge';
      readonly idempotencyKey: string;
      readonly orderId: string;
      readonly payer: PayerId;
      readonly amount: Cents;
    };
