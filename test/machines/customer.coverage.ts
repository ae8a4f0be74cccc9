/**
 * xstate/graph coverage plan of the customer: a publisher of errands (easy and fussy demands, the
 * answers to its own and others' orders) and the four other flows of customer-flows-scenario.ts.
 * customer.test.ts checks its properties on the same paths; the demands are shared with its timer
 * tests.
 */
import type { SnapshotFrom } from 'xstate';
import { type CustomerEvent, type CustomerInput, customerMachine } from '../../machines/customer.ts';
import type { ErrandDemand } from '../../machines/protocol.ts';
import { plan } from '../protocol/coverage-plan.ts';
import { CUSTOMER_FLOW_EVENTS, customerFlowKey, OWNER } from './customer-flows-scenario.ts';
import { PUBLISHER, request } from './fixtures.ts';
import type { ScenarioOf } from './transition-coverage.ts';

type CustomerMachine = typeof customerMachine;
type Snap = SnapshotFrom<CustomerMachine>;

export const INPUT: CustomerInput = {
  id: PUBLISHER,
  home: { x: 0, y: 0 },
  phone: '+377-600-000001',
  answerTimeoutMs: 40,
};
export const COURIER_MASKED = '+377-900-0000003';

const { requestId: _r, publisherId: _p, ...demanded } = request();

/** A customer who lets the errand run its course… */
export const easy: ErrandDemand = {
  type: 'demand.errand',
  request: demanded,
  patienceMs: 60,
  cancelAfterAssignMs: null,
  willDispute: false,
  chatAfterMs: null,
};
/** …and one who chats, cancels after assignment and disputes the delivery. */
export const fussy: ErrandDemand = {
  ...easy,
  patienceMs: 25,
  cancelAfterAssignMs: 30,
  willDispute: true,
  chatAfterMs: 10,
};

/** Answers addressed to the customer's current request and order, and some for someone else's. */
function events(s: Snap): CustomerEvent[] {
  const requestId = `${PUBLISHER}-R${s.context.requestSeq}`;
  const orderId = s.context.orderId ?? `E${s.context.requestSeq}`;
  const list: CustomerEvent[] = [
    { type: 'errand.published', requestId, orderId, fee: 600, dueBy: 3_600_000 },
    { type: 'errand.published', requestId: `${PUBLISHER}-R0`, orderId: 'E0', fee: 600, dueBy: 3_600_000 },
    { type: 'errand.rejected', requestId, reason: 'description is empty' },
    { type: 'errand.assigned', orderId, courierId: 'c1', courierMasked: COURIER_MASKED },
    { type: 'errand.assigned', orderId: 'E9', courierId: 'c1', courierMasked: COURIER_MASKED },
    { type: 'errand.tracking', orderId, position: { x: 5, y: 5 }, eta: 60_000 },
    { type: 'chat.message', orderId, fromMasked: COURIER_MASKED, text: 'On my way.' },
    { type: 'errand.pickedUp', orderId },
    { type: 'errand.delivered', orderId },
    { type: 'errand.cancelRefused', orderId, reason: 'already_picked_up' },
    { type: 'errand.closed', orderId, outcome: 'completed', refund: 0, reason: 'confirmed' },
    { type: 'errand.closed', orderId: 'E9', outcome: 'completed', refund: 0, reason: 'confirmed' },
  ];
  // two errands are enough to see the customer come back to idle and start again
  if (s.context.requestSeq < 2) list.push(easy, fussy);
  return list;
}

const key = (s: Snap) =>
  JSON.stringify([
    s.value,
    s.context.requestSeq,
    s.context.demand === null ? null : s.context.demand.willDispute ? 'fussy' : 'easy',
    s.context.orderId,
    s.context.courierMasked !== null,
  ]);

export const scenarios: ScenarioOf<CustomerMachine>[] = [
  { name: 'publisher', input: INPUT, events, key },
  ...Object.entries(CUSTOMER_FLOW_EVENTS).map(([flow, flowEvents]) => ({
    name: flow,
    input: OWNER,
    events: flowEvents,
    key: customerFlowKey,
  })),
];

export const coveragePlans = [plan({ machine: customerMachine, scenarios })];
