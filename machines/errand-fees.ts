import type { ErrandCategory, ErrandRequest } from './protocol.ts';

/**
 * The errand platform's money rules, as data a planner can change in the scenario. All amounts in
 * integer cents; rates are fractions.
 */
export interface ErrandFeePolicy {
  /** Ordinary mode: the lowest fee a publisher may offer, per category. */
  readonly floor: Readonly<Record<ErrandCategory, number>>;
  /** Professional mode: base price per category plus a price per route kilometre. */
  readonly professionalBase: Readonly<Record<ErrandCategory, number>>;
  readonly professionalPerKm: number;
  /** Platform's share of every fee released to a courier. */
  readonly commissionRate: number;
  /** Share of the fee kept for the courier when the publisher cancels after assignment. */
  readonly cancelAfterAssignFeeShare: number;
  /** Share of the fee refunded to the publisher when customer service upholds a dispute. */
  readonly disputeRefundShare: number;
}

export const DEFAULT_ERRAND_FEES: ErrandFeePolicy = {
  floor: { parcel_pickup: 500, buy_for_me: 600, deliver: 500, print: 400, answer: 300, other: 500 },
  professionalBase: {
    parcel_pickup: 700,
    buy_for_me: 900,
    deliver: 700,
    print: 600,
    answer: 400,
    other: 800,
  },
  professionalPerKm: 150,
  commissionRate: 0.15,
  cancelAfterAssignFeeShare: 0.3,
  disputeRefundShare: 0.5,
};

export type PublishCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a publish request before any money moves, so a bad request is refused with a reason the
 * publisher can act on instead of being half-created.
 */
export function checkErrandRequest(request: ErrandRequest, fees: ErrandFeePolicy): PublishCheck {
  if (!(request.category in fees.floor))
    return { ok: false, reason: `unknown category "${request.category}"` };
  if (request.description.trim() === '') return { ok: false, reason: 'description is empty' };
  if (request.recipient.trim() === '') return { ok: false, reason: 'recipient is empty' };
  if (request.category === 'buy_for_me' && !request.storeId)
    return { ok: false, reason: 'buy_for_me needs storeId' };
  if (request.feeMode === 'ordinary') {
    const floor = fees.floor[request.category];
    if (request.offeredFee === undefined || !Number.isInteger(request.offeredFee))
      return { ok: false, reason: 'ordinary mode needs an integer offeredFee in cents' };
    if (request.offeredFee < floor)
      return { ok: false, reason: `offeredFee ${request.offeredFee} below floor ${floor}` };
  }
  return { ok: true };
}

/** Professional price from the route distance (metres) and category, rounded to whole cents. */
export function professionalFee(
  category: ErrandCategory,
  routeMetres: number,
  fees: ErrandFeePolicy,
): number {
  return Math.round(fees.professionalBase[category] + (fees.professionalPerKm * routeMetres) / 1000);
}

/** The fee dispatch holds in escrow for a quoted request. */
export function errandFee(request: ErrandRequest, routeMetres: number, fees: ErrandFeePolicy): number {
  return request.feeMode === 'professional'
    ? professionalFee(request.category, routeMetres, fees)
    : (request.offeredFee ?? fees.floor[request.category]);
}

/** Commission on an amount released to a courier; the rest is the courier's payout. */
export function splitCommission(
  amount: number,
  fees: ErrandFeePolicy,
): { payout: number; commission: number } {
  const commission = Math.round(amount * fees.commissionRate);
  return { payout: amount - commission, commission };
}
