import {
  emptyMap,
  mapDelete,
  mapGet,
  mapHas,
  mapKeys,
  mapSet,
  type PersistentMap,
} from './persistent-map.ts';

/**
 * The escrow ledger kept by dispatch: per open order, what was held from the publisher and where it
 * went, plus running totals. Plain data and pure functions, so the money invariant
 * `held = payouts + refunds + commission + still held` can be checked at any instant. An entry is
 * dropped once nothing remains held for it, which keeps every update O(open orders) over a long day
 * and makes a second release impossible (there is nothing left to release).
 */
export interface EscrowEntry {
  readonly payer: string;
  readonly held: number;
  readonly paidOut: number;
  readonly refunded: number;
  readonly commission: number;
}

export interface EscrowLedger {
  /** Open entries by order id (a persistent map: an update costs the same with 10 or 10 000 open). */
  readonly entries: PersistentMap<EscrowEntry>;
  readonly totals: { held: number; paidOut: number; refunded: number; commission: number };
}

export const EMPTY_LEDGER: EscrowLedger = {
  entries: emptyMap(),
  totals: { held: 0, paidOut: 0, refunded: 0, commission: 0 },
};

export type LedgerResult = { ok: true; ledger: EscrowLedger } | { ok: false; reason: string };

/** Still held for one order: what can still be paid out or refunded. */
export function remaining(entry: EscrowEntry): number {
  return entry.held - entry.paidOut - entry.refunded - entry.commission;
}

export function hold(ledger: EscrowLedger, orderId: string, payer: string, amount: number): LedgerResult {
  if (mapHas(ledger.entries, orderId)) return { ok: false, reason: `escrow already held for ${orderId}` };
  if (!Number.isInteger(amount) || amount <= 0)
    return { ok: false, reason: `hold amount must be positive cents` };
  return {
    ok: true,
    ledger: {
      entries: mapSet(ledger.entries, orderId, {
        payer,
        held: amount,
        paidOut: 0,
        refunded: 0,
        commission: 0,
      }),
      totals: { ...ledger.totals, held: ledger.totals.held + amount },
    },
  };
}

/**
 * Moves part of what is still held: `payout` to the courier, `commission` to the platform,
 * `refund` back to the publisher. Refuses to move more than remains, which is what makes a
 * double release impossible rather than merely unlikely.
 */
export function settle(
  ledger: EscrowLedger,
  orderId: string,
  amounts: { payout?: number; commission?: number; refund?: number },
): LedgerResult {
  const entry = mapGet(ledger.entries, orderId);
  if (!entry) return { ok: false, reason: `no escrow for ${orderId}` };
  const payout = amounts.payout ?? 0;
  const commission = amounts.commission ?? 0;
  const refund = amounts.refund ?? 0;
  if (payout < 0 || commission < 0 || refund < 0)
    return { ok: false, reason: 'settlement amounts must be >= 0' };
  if (payout + commission + refund > remaining(entry))
    return {
      ok: false,
      reason: `settlement exceeds the ${remaining(entry)} cents still held for ${orderId}`,
    };
  const next: EscrowEntry = {
    ...entry,
    paidOut: entry.paidOut + payout,
    commission: entry.commission + commission,
    refunded: entry.refunded + refund,
  };
  const entries =
    remaining(next) === 0 ? mapDelete(ledger.entries, orderId) : mapSet(ledger.entries, orderId, next);
  return {
    ok: true,
    ledger: {
      entries,
      totals: {
        held: ledger.totals.held,
        paidOut: ledger.totals.paidOut + payout,
        commission: ledger.totals.commission + commission,
        refunded: ledger.totals.refunded + refund,
      },
    },
  };
}

/** Money still held across all orders. */
export function stillHeld(ledger: EscrowLedger): number {
  const t = ledger.totals;
  return t.held - t.paidOut - t.refunded - t.commission;
}

/**
 * Every way the books fail to balance (empty when money is conserved): what the totals say is still
 * held must equal what the open entries still hold, and no entry may be over-settled.
 */
export function ledgerViolations(ledger: EscrowLedger): string[] {
  const out: string[] = [];
  let open = 0;
  for (const id of mapKeys(ledger.entries)) {
    const e = mapGet(ledger.entries, id) as EscrowEntry;
    open += remaining(e);
    if (remaining(e) < 0) out.push(`${id}: settled ${e.held - remaining(e)} of ${e.held} held`);
  }
  if (open !== stillHeld(ledger))
    out.push(`totals say ${stillHeld(ledger)} cents still held, open entries hold ${open}`);
  return out;
}
