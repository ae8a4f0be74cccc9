import { DEFAULT_ERRAND_FEES } from '../../machines/errand-fees.ts';
import type { ErrandOrderInput, ErrandTiming } from '../../machines/errand-order.ts';
import type { ErrandListing, ErrandRequest } from '../../machines/protocol.ts';

export const FEES = DEFAULT_ERRAND_FEES;

/** Short, distinct timings so a test can tell which timer fired. */
export const TIMING: ErrandTiming = {
  pushRadius: 2_000,
  repushMs: 10,
  maxOpenMs: 95,
  autoConfirmMs: 50,
  disputeResolutionMs: 70,
};

export const PUBLISHER = 'p1';
export const OTHER_PUBLISHER = 'p2';
export const COURIER = 'c1';
export const OTHER_COURIER = 'c2';

export function request(overrides: Partial<ErrandRequest> = {}): ErrandRequest {
  return {
    requestId: 'p1-R1',
    publisherId: PUBLISHER,
    category: 'deliver',
    description: 'a parcel to the harbour office',
    recipient: 'Ms Rossi',
    phone: '+377-600-000001',
    pickup: { x: 0, y: 0 },
    dropoff: { x: 1_200, y: 0 },
    feeMode: 'ordinary',
    offeredFee: 600,
    dueBy: 3_600_000,
    ...overrides,
  };
}

export function orderInput(overrides: Partial<ErrandRequest> = {}, orderSeq = 1): ErrandOrderInput {
  return { orderId: `E${orderSeq}`, orderSeq, request: request(overrides), fees: FEES, timing: TIMING };
}

export function listing(overrides: Partial<ErrandListing> = {}): ErrandListing {
  return {
    orderId: 'E1',
    category: 'deliver',
    fee: 600,
    pickup: { x: 100, y: 0 },
    dropoff: { x: 900, y: 0 },
    distance: 800,
    ...overrides,
  };
}
