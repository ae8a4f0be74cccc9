import { setup } from 'xstate';
import {
  arrivalUpdate,
  type BookStep,
  commitDecision,
  courierOff,
  courierWaiting,
  delivered,
  initialContext,
  type MealDispatchContext,
  type MealDispatchInput,
  orderPlaced,
  pickedUp,
  policyView,
  reopen,
} from './meal-dispatch-book.ts';
import { NO_DECISION } from './meal-policy.ts';
import { greedyDecisions } from './meal-policy-greedy.ts';
import { rollingDecisions } from './meal-policy-rolling.ts';
import type { MealCourierToDispatch, MealSend, MealWorldEvent } from './meal-protocol.ts';

export type MealDispatchEvent =
  | Extract<MealWorldEvent, { type: 'meal.placed' | 'service.end' }>
  | MealCourierToDispatch
  /** Internal: decide once more at this instant, after the reports that came in after its tick. */
  | { type: 'redecide'; at: number };

export type { MealDispatchContext, MealDispatchInput };

/** Runs the policy on the books at `now` and commits its decision. */
function decide(context: MealDispatchContext, now: number): BookStep {
  const p = context.policy;
  // greedy needs open orders and waiting couriers; skip the view when either is missing
  if (p.kind === 'greedy' && (context.open.size === 0 || context.waiting.size === 0))
    return { patch: {}, sends: [] };
  const view = policyView(context, now, p.kind === 'greedy');
  const decision =
    p.kind === 'greedy'
      ? greedyDecisions(view)
      : p.kind === 'rolling'
        ? rollingDecisions(view, p, context.solve)
        : NO_DECISION;
  return commitDecision(context, decision, now);
}

const dispatch = setup({
  types: {
    context: {} as MealDispatchContext,
    events: {} as MealDispatchEvent,
    input: {} as MealDispatchInput,
  },
  actions: {
    send: (_, _params: MealSend) => {},
  },
  guards: {
    periodic: ({ context }) => context.policy.kind === 'rolling',
  },
  delays: {
    epoch: ({ context }) => Math.max(0, context.nextTickAt - context.now),
  },
});

/** Books a placement or a courier's whereabouts, then decides when the policy says so. */
const record = dispatch.enqueueActions(({ context, event, enqueue }) => {
  const patch =
    event.type === 'meal.placed'
      ? orderPlaced(context, event.order)
      : event.type === 'courier.online' || event.type === 'courier.free'
        ? courierWaiting(context, event.courierId, event.place, event.point, event.at)
        : {};
  enqueue.assign({ ...patch, now: event.at });
  const p = context.policy;
  if (p.kind === 'rolling') {
    // a courier freed up at the instant of a tick that already ran (its report came after the
    // tick): decide once more at this instant, after every report of the instant is in
    const tickedNow = event.at === context.nextTickAt - p.intervalMinutes * 60_000;
    if (event.type !== 'meal.placed' && tickedNow && context.redecideAt !== event.at) {
      enqueue.assign({ redecideAt: event.at });
      enqueue.raise({ type: 'redecide', at: event.at }, { delay: 0 });
    }
    return;
  }
  const step = decide({ ...context, ...patch, now: event.at }, event.at);
  enqueue.assign(step.patch);
  for (const params of step.sends) enqueue({ type: 'send', params });
});
/** Books only: after the end of service nothing is decided any more. */
const recordOnly = dispatch.enqueueActions(({ context, event, enqueue }) => {
  if (event.type === 'meal.placed') enqueue.assign(orderPlaced(context, event.order));
  if (event.type === 'courier.online' || event.type === 'courier.free')
    enqueue.assign(courierWaiting(context, event.courierId, event.place, event.point, event.at));
});
const tick = dispatch.enqueueActions(({ context, enqueue }) => {
  const now = context.nextTickAt;
  const interval = context.policy.kind === 'rolling' ? context.policy.intervalMinutes * 60_000 : 0;
  enqueue.assign({ now, nextTickAt: now + interval });
  const step = decide({ ...context, now }, now);
  enqueue.assign(step.patch);
  for (const params of step.sends) enqueue({ type: 'send', params });
});
const redecide = dispatch.enqueueActions(({ context, event, enqueue }) => {
  const step = decide({ ...context, now: event.at }, event.at);
  enqueue.assign({ ...step.patch, now: event.at });
  for (const params of step.sends) enqueue({ type: 'send', params });
});
const arrival = dispatch.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'courier.atRestaurant') return;
  enqueue.assign({ now: event.at });
  const step = arrivalUpdate(context, event.courierId, event.assignmentId, event.at);
  enqueue.assign(step.patch);
  for (const params of step.sends) enqueue({ type: 'send', params });
});
const report = dispatch.enqueueActions(({ context, event, enqueue }) => {
  if (event.type === 'courier.offline') enqueue.assign(courierOff(context, event.courierId));
  else if (event.type === 'meal.pickedUp')
    enqueue.assign(pickedUp(context, event.assignmentId, event.pickupAt));
  else if (event.type === 'meal.delivered')
    enqueue.assign(delivered(context, event.orderId, event.dropoffAt));
  else if (event.type === 'meal.refused')
    enqueue.assign(reopen(context, event.courierId, event.assignmentId, event.at).patch);
});

/**
 * The meal dispatch. It keeps the books (orders, couriers, assignments), learns orders at
 * placement and couriers' whereabouts from their reports, and runs its policy: the greedy one on
 * every placement and every courier that frees up, the rolling one every f minutes on its own
 * timer. After the end of service it assigns nothing more but still records the drop-offs under way.
 */
export const mealDispatchMachine = dispatch.createMachine({
  id: 'mealDispatch',
  context: ({ input }) => initialContext(input),
  initial: 'operating',
  states: {
    operating: {
      initial: 'choosing',
      states: {
        choosing: {
          always: [{ guard: 'periodic', target: 'ticking' }, { target: 'onEvents' }],
        },
        ticking: {
          after: { epoch: { target: 'ticking', reenter: true, actions: tick } },
        },
        onEvents: {},
      },
      on: {
        'meal.placed': { actions: record },
        'courier.online': { actions: record },
        'courier.free': { actions: record },
        'courier.atRestaurant': { actions: arrival },
        redecide: { actions: redecide },
        'service.end': { target: 'closed' },
      },
    },
    closed: {
      on: {
        'meal.placed': { actions: recordOnly },
        'courier.online': { actions: recordOnly },
        'courier.free': { actions: recordOnly },
      },
    },
  },
  on: {
    'courier.offline': { actions: report },
    'meal.pickedUp': { actions: report },
    'meal.delivered': { actions: report },
    'meal.refused': { actions: report },
  },
});
