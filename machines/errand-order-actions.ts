import { sendParent } from 'xstate';
import { splitCommission } from './errand-fees.ts';
import type {
  ErrandOrderContext,
  ErrandOrderEvent,
  LifecycleParams,
  OrderToDispatch,
  OutboundMessage,
  SendParams,
} from './errand-order.ts';
import type { ErrandListing, OrderOutcome } from './protocol.ts';

/**
 * The errand order's messages and money movements as named actions (to the parent's ledger, the
 * publisher, the courier), kept apart from its statechart (errand-order.ts) so the chart reads as
 * the protocol.
 */
export function listingOf(ctx: ErrandOrderContext): ErrandListing {
  const r = ctx.request;
  return {
    orderId: ctx.orderId,
    category: r.category,
    fee: ctx.fee,
    pickup: r.pickup,
    dropoff: r.dropoff,
    distance: ctx.distance,
    ...(r.storeId ? { storeId: r.storeId } : {}),
  };
}

type Ctx = { context: ErrandOrderContext };

/** Tells the parent dispatch something (ledger, listings, chat lines); typed for this machine. */
export function toParent(make: (ctx: ErrandOrderContext) => OrderToDispatch) {
  return sendParent<ErrandOrderContext, ErrandOrderEvent, undefined, OrderToDispatch, ErrandOrderEvent>(
    ({ context }) => make(context),
  );
}

/** A `send` action addressed to the publisher. */
export function toPublisher(message: (ctx: ErrandOrderContext) => OutboundMessage) {
  return {
    type: 'send' as const,
    params: ({ context }: Ctx): SendParams => ({
      to: context.request.publisherId,
      message: message(context),
    }),
  };
}

/** A `send` action addressed to the assigned courier. */
export function toCourier(message: (ctx: ErrandOrderContext) => OutboundMessage) {
  return {
    type: 'send' as const,
    params: ({ context }: Ctx): SendParams => ({ to: context.courierId ?? '', message: message(context) }),
  };
}

export function lifecycle(step: LifecycleParams['step']) {
  return {
    type: 'lifecycle' as const,
    params: ({ context }: Ctx): LifecycleParams => ({
      orderId: context.orderId,
      flow: 'errand',
      step,
      courierId: context.courierId,
      dueBy: context.request.dueBy,
    }),
  };
}

/** Splits what is still held: `courierShare` of the fee to the courier (less commission), the rest back. */
export function settle(courierShare: (ctx: ErrandOrderContext) => number) {
  return toParent((context) => {
    const toCourierGross = Math.round(context.fee * courierShare(context));
    const { payout, commission } = splitCommission(toCourierGross, context.fees);
    return {
      type: 'ledger.settle',
      orderId: context.orderId,
      payee: toCourierGross > 0 ? context.courierId : null,
      payout,
      commission,
      refund: context.fee - toCourierGross,
    };
  });
}

function refundOf(ctx: ErrandOrderContext, courierShare: number): number {
  return ctx.fee - Math.round(ctx.fee * courierShare);
}

export function closedMessage(
  outcome: OrderOutcome,
  reason: string,
  courierShare: (ctx: ErrandOrderContext) => number,
) {
  return toPublisher((ctx) => ({
    type: 'errand.closed',
    orderId: ctx.orderId,
    outcome,
    refund: refundOf(ctx, courierShare(ctx)),
    reason,
  }));
}

export function ended(outcome: OrderOutcome | 'rejected', reason: string) {
  return toParent((context) => ({
    type: 'order.ended',
    orderId: context.orderId,
    courierId: context.courierId,
    outcome,
    reason,
  }));
}

export const nothing = () => 0;
export const all = () => 1;
export const cancelFee = (ctx: ErrandOrderContext) => ctx.fees.cancelAfterAssignFeeShare;
export const disputeKeeps = (ctx: ErrandOrderContext) => 1 - ctx.fees.disputeRefundShare;

export const unlist = toParent((context) => ({ type: 'listing.remove', orderId: context.orderId }));

/** A late or second accept gets a clear refusal; the first valid one already won. */
export const refuseAccept = {
  type: 'send' as const,
  params: ({ context, event }: Ctx & { event: ErrandOrderEvent }): SendParams => ({
    to: 'courierId' in event ? event.courierId : '',
    message: {
      type: 'errand.acceptResult',
      orderId: context.orderId,
      ok: false,
      reason: 'already_assigned',
    },
  }),
};

export function refuseCancelBecause(reason: 'already_picked_up' | 'disputed') {
  return toPublisher((ctx) => ({ type: 'errand.cancelRefused', orderId: ctx.orderId, reason }));
}
export const refuseCancel = refuseCancelBecause('already_picked_up');

export const published = toPublisher((ctx) => ({
  type: 'errand.published',
  requestId: ctx.request.requestId,
  orderId: ctx.orderId,
  fee: ctx.fee,
  dueBy: ctx.request.dueBy,
}));
