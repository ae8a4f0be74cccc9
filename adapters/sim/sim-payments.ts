import type {
  CaptureResult,
  Cents,
  ChargeResult,
  HoldResult,
  PayerId,
  PaymentsPort,
  RefundResult,
} from '../../machines/payments-port.ts';
import { isValidCents } from '../../machines/payments-port.ts';

/** Sums over everything the sim processor has done, for the money-conservation invariants. */
export interface PaymentTotals {
  /** Every cent ever placed on hold: equals held + captured + refunded. */
  readonly holdsPlaced: Cents;
  /** Still held right now. */
  readonly held: Cents;
  readonly captured: Cents;
  readonly refunded: Cents;
  readonly charged: Cents;
}

export interface SimPaymentsOptions {
  /**
   * Spendable cents per payer; a hold or charge beyond it is `insufficient_funds` (to exercise
   * failure paths). Payers not listed have unlimited funds.
   */
  readonly balances?: Readonly<Record<PayerId, Cents>>;
}

export interface SimPayments extends PaymentsPort {
  totals(): PaymentTotals;
}

interface Hold {
  readonly payer: PayerId;
  remaining: Cents;
}

type AnyResult = HoldResult | CaptureResult | RefundResult | ChargeResult;

/**
 * An in-memory payment processor for the sim. Results are remembered per idempotency key: the same
 * call again returns the first result (success or refusal) and moves no money; the same key with a
 * different call is refused as `idempotency_conflict`, since silently answering a different question
 * would hide a dispatch bug. Ids are sequence numbers, so seeded runs are reproducible.
 */
export function createSimPayments(options: SimPaymentsOptions = {}): SimPayments {
  const balances = new Map(Object.entries(options.balances ?? {}));
  const holds = new Map<string, Hold>();
  const byKey = new Map<string, { readonly call: string; readonly result: AnyResult }>();
  const totals = { holdsPlaced: 0, held: 0, captured: 0, refunded: 0, charged: 0 };
  let sequence = 0;
  const nextId = (prefix: string) => `${prefix}-${++sequence}`;

  /** Runs `perform` once per idempotency key; the call signature guards against key reuse. */
  function once<R extends AnyResult>(key: string, call: unknown[], perform: () => R): R {
    const signature = JSON.stringify(call);
    const previous = byKey.get(key);
    if (previous) {
      return previous.call === signature
        ? (previous.result as R)
        : ({ ok: false, reason: 'idempotency_conflict' } as R);
    }
    const result = perform();
    byKey.set(key, { call: signature, result });
    return result;
  }

  function canSpend(payer: PayerId, amountCents: Cents): boolean {
    const balance = balances.get(payer);
    return balance === undefined || balance >= amountCents;
  }

  function adjustBalance(payer: PayerId, deltaCents: Cents): void {
    const balance = balances.get(payer);
    if (balance !== undefined) balances.set(payer, balance + deltaCents);
  }

  return {
    hold(idempotencyKey, payer, amountCents) {
      return once<HoldResult>(idempotencyKey, ['hold', payer, amountCents], () => {
        if (!isValidCents(amountCents)) return { ok: false, reason: 'invalid_amount' };
        if (!canSpend(payer, amountCents)) return { ok: false, reason: 'insufficient_funds' };
        const holdId = nextId('hold');
        adjustBalance(payer, -amountCents);
        holds.set(holdId, { payer, remaining: amountCents });
        totals.holdsPlaced += amountCents;
        totals.held += amountCents;
        return { ok: true, holdId, payer, amountCents };
      });
    },
    capture(idempotencyKey, holdId, amountCents) {
      return once<CaptureResult>(idempotencyKey, ['capture', holdId, amountCents], () => {
        if (!isValidCents(amountCents)) return { ok: false, reason: 'invalid_amount' };
        const hold = holds.get(holdId);
        if (!hold) return { ok: false, reason: 'unknown_hold' };
        if (hold.remaining < amountCents) return { ok: false, reason: 'insufficient_hold' };
        hold.remaining -= amountCents;
        totals.held -= amountCents;
        totals.captured += amountCents;
        return {
          ok: true,
          captureId: nextId('capture'),
          holdId,
          amountCents,
          remainingCents: hold.remaining,
        };
      });
    },
    refund(idempotencyKey, holdId, amountCents) {
      return once<RefundResult>(idempotencyKey, ['refund', holdId, amountCents], () => {
        if (!isValidCents(amountCents)) return { ok: false, reason: 'invalid_amount' };
        const hold = holds.get(holdId);
        if (!hold) return { ok: false, reason: 'unknown_hold' };
        if (hold.remaining < amountCents) return { ok: false, reason: 'insufficient_hold' };
        hold.remaining -= amountCents;
        adjustBalance(hold.payer, amountCents);
        totals.held -= amountCents;
        totals.refunded += amountCents;
        return { ok: true, refundId: nextId('refund'), holdId, amountCents, remainingCents: hold.remaining };
      });
    },
    charge(idempotencyKey, payer, amountCents) {
      return once<ChargeResult>(idempotencyKey, ['charge', payer, amountCents], () => {
        if (!isValidCents(amountCents)) return { ok: false, reason: 'invalid_amount' };
        if (!canSpend(payer, amountCents)) return { ok: false, reason: 'insufficient_funds' };
        adjustBalance(payer, -amountCents);
        totals.charged += amountCents;
        return { ok: true, chargeId: nextId('charge'), payer, amountCents };
      });
    },
    totals() {
      return { ...totals };
    },
  };
}
