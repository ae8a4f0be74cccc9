/**
 * The trunk order's named effects, guards and delays (flow 1 at dispatch), shared by its phase
 * configs (trunk-order-offer.ts, trunk-order-at-car.ts, trunk-order-outcomes.ts) and assembled in
 * trunk-order.ts. Its data and message helpers are in trunk-terms.ts.
 */
import { assign, setup } from 'xstate';
import type { BroadcastParams, CountParams, LifecycleParams, SendParams } from './errand-order.ts';
import type { Point } from './protocol.ts';
import type { TrunkOrderContext, TrunkOrderEvent, TrunkOrderInput } from './trunk-terms.ts';

/**
 * An assigned courier who has not picked the goods up after this long is sent the assignment again:
 * the answer to its accept is lost for good if its app was down when it came, and then nobody would
 * ever fetch the goods. The courier ignores it for the job it is on and takes it up otherwise.
 * Longer than the way to the store and its preparation take on a healthy Monaco day (99 % within
 * one hour), so a healthy day rarely repeats one.
 */
export const ASSIGNMENT_REPEAT_MS = 60 * 60_000;

export const trunkOrderSetup = setup({
  types: {
    context: {} as TrunkOrderContext,
    events: {} as TrunkOrderEvent,
    input: {} as TrunkOrderInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
    broadcast: (_, _params: BroadcastParams) => {},
    /** Asks the vehicle port where the car is by its telemetry; the answer is `placement.checked`. */
    checkPlacement: (_, _params: { orderId: string; vehicleId: string; areaId: string }) => {},
    /** Asks the vehicle port whether the trunk latched; the answer is `lock.checked`. */
    checkLock: (_, _params: { orderId: string; vehicleId: string }) => {},
    findCouriers: (_, _params: { orderId: string; point: Point; radius: number; category: string }) => {},
    lifecycle: (_, _params: LifecycleParams) => {},
    count: (_, _params: CountParams) => {},
    notePlacement: assign(({ event }) =>
      event.type === 'placement.checked' ? { placement: event.placement } : {},
    ),
    stamp: assign(({ context, event }) => ({ now: 'at' in event ? (event.at ?? context.now) : context.now })),
  },
  guards: {
    placedOk: ({ event }) => event.type === 'placement.checked' && event.placement.ok,
    driving: ({ event }) => event.type === 'placement.checked' && event.placement.reason === 'not_parked',
    sameSpot: ({ context, event }) =>
      event.type === 'placement.checked' &&
      event.placement.parkingSpaceId === context.placement?.parkingSpaceId &&
      event.placement.position?.x === context.placement?.position?.x &&
      event.placement.position?.y === context.placement?.position?.y,
    mayReroute: ({ context }) => context.reroutes < context.timing.maxReroutes,
    mayHold: ({ context }) => context.holdChecks < context.timing.maxHoldChecks,
    fromCourier: ({ context, event }) => 'courierId' in event && event.courierId === context.courierId,
    latched: ({ event }) => event.type === 'lock.checked' && event.trunk === 'closed',
    /** The car has no data link (an underground garage): the latch cannot be confirmed remotely. */
    unconfirmed: ({ event }) => event.type === 'lock.checked' && event.trunk === 'unknown',
  },
  delays: {
    repush: ({ context }) => context.timing.repushMs,
    maxOpen: ({ context }) => context.timing.maxOpenMs,
    holdCheck: ({ context }) => context.timing.holdCheckMs,
    relockCheck: ({ context }) => context.timing.relockCheckMs,
    assignmentRepeat: ASSIGNMENT_REPEAT_MS,
  },
});
