import { held, latching, returning, toCar, unlocking, verifying } from './trunk-order-at-car.ts';
import { assigned, checking, open } from './trunk-order-offer.ts';
import { cancelled, completed, rejected, returned } from './trunk-order-outcomes.ts';
import { trunkOrderSetup } from './trunk-order-setup.ts';
import { toCustomer, totalOf } from './trunk-terms.ts';

export { ASSIGNMENT_REPEAT_MS } from './trunk-order-setup.ts';
export type {
  KeyIssuer,
  TrunkFees,
  TrunkOrderContext,
  TrunkOrderEvent,
  TrunkOrderInput,
  TrunkStore,
  TrunkTiming,
} from './trunk-terms.ts';

/**
 * One trunk delivery at dispatch (flow 1). The car must stand in a parking space inside the store's
 * coverage area, by its telemetry, at order time and again when the courier reaches it. The courier
 * who wins the offer gets the request, the goods, the car's position and a trunk-only key bound to
 * them, their window and one use; the key is revoked when the order ends, whatever the outcome.
 *
 * Fallbacks (stated, and the same in the README): the car moved to another space in the area → the
 * courier is re-routed (at most `maxReroutes` times); the car is being driven → the courier holds and
 * dispatch looks again every `holdCheckMs`, `maxHoldChecks` times; the car left the area or is not
 * in a space, the key was refused (expired…), or the holds ran out → the goods go back to the store
 * and the customer is refunded all but the courier's `returnFeeShare` of the fee; the trunk did not
 * latch after the deposit → the alarm is raised (the car keeps retrying) and counted, the delivery
 * stands. Unserved within `maxOpenMs` → cancelled, refunded in full. Not picked up within
 * `ASSIGNMENT_REPEAT_MS` → the assignment is said to the courier again.
 */
export const trunkOrderMachine = trunkOrderSetup.createMachine({
  id: 'trunkOrder',
  context: ({ input }) => ({
    ...input,
    placement: null,
    courierId: null,
    key: null,
    reroutes: 0,
    holdChecks: 0,
    now: 0,
    alarm: false,
  }),
  initial: 'checking',
  on: {
    // a repeated order message: answer with the same acceptance (or nothing while still checking)
    'order.repeat': {
      actions: toCustomer((ctx) => ({
        type: 'trunk.accepted',
        requestId: ctx.request.requestId,
        orderId: ctx.orderId,
        totalCents: totalOf(ctx),
      })),
    },
    // a second or late accept: the first valid one already won
    'errand.accept': {
      actions: {
        type: 'send',
        params: ({ context, event }) => ({
          to: event.type === 'errand.accept' ? event.courierId : '',
          message: {
            type: 'errand.acceptResult',
            orderId: context.orderId,
            ok: false,
            reason: 'already_assigned',
          },
        }),
      },
    },
  },
  states: {
    checking,
    open,
    assigned,
    toCar,
    verifying,
    held,
    unlocking,
    latching,
    returning,
    completed,
    returned,
    cancelled,
    rejected,
  },
});
