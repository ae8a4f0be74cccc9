/**
 * xstate/graph coverage plan of the errand order: every message it reacts to, from the right and
 * the wrong party, with an ordinary and a professional fee. errand-order.test.ts checks its
 * properties on the same paths.
 */
import type { SnapshotFrom } from 'xstate';
import { type ErrandOrderEvent, errandOrderMachine } from '../../machines/errand-order.ts';
import { plan } from '../protocol/coverage-plan.ts';
import { COURIER, OTHER_COURIER, OTHER_PUBLISHER, orderInput, PUBLISHER } from './fixtures.ts';
import type { ScenarioOf } from './transition-coverage.ts';

type OrderMachine = typeof errandOrderMachine;
type Snap = SnapshotFrom<OrderMachine>;

/** Every message the order reacts to, from the right and the wrong party. */
function events(s: Snap): ErrandOrderEvent[] {
  const orderId = s.context.orderId;
  return [
    { type: 'route.quote', orderId, distance: 1_800, duration: 400 },
    { type: 'route.quote', orderId, distance: null, duration: null },
    { type: 'errand.republish', orderId },
    { type: 'couriers.found', orderId, courierIds: [COURIER, OTHER_COURIER] },
    { type: 'errand.accept', orderId, courierId: COURIER },
    { type: 'errand.accept', orderId, courierId: OTHER_COURIER },
    { type: 'errand.pickedUp', orderId, courierId: COURIER },
    { type: 'errand.pickedUp', orderId, courierId: OTHER_COURIER },
    { type: 'errand.delivered', orderId, courierId: COURIER },
    { type: 'errand.delivered', orderId, courierId: OTHER_COURIER },
    { type: 'errand.cancel', orderId, publisherId: PUBLISHER },
    { type: 'errand.cancel', orderId, publisherId: OTHER_PUBLISHER },
    { type: 'errand.confirm', orderId, publisherId: PUBLISHER },
    { type: 'errand.confirm', orderId, publisherId: OTHER_PUBLISHER },
    { type: 'errand.dispute', orderId, publisherId: PUBLISHER, reason: 'late' },
    { type: 'errand.dispute', orderId, publisherId: OTHER_PUBLISHER, reason: 'late' },
  ];
}

/** The guards read only the assigned courier (and the fixed publisher). */
export const key = (s: Snap) => JSON.stringify([s.value, s.context.courierId]);

export const scenarios: ScenarioOf<OrderMachine>[] = [
  { name: 'ordinary fee', input: orderInput(), events, key },
  {
    name: 'professional fee',
    input: orderInput({ feeMode: 'professional', offeredFee: undefined }),
    events,
    key,
  },
];

export const coveragePlans = [plan({ machine: errandOrderMachine, scenarios })];
