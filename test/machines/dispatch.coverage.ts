/**
 * xstate/graph coverage plan of the dispatch root, its order children and desks inert stand-ins:
 * the errand messages of a known and an unknown order, and the three flows of
 * dispatch-flows-scenario.ts. The plan explores the provided copy `isolated` (its transition keys
 * are those of dispatchMachine, so what it reaches merges by machine id). dispatch.test.ts checks
 * its properties on the same paths.
 */
import { type SnapshotFrom, setup } from 'xstate';
import { maskedNumbersFor } from '../../machines/chat-relay.ts';
import { type DispatchEvent, type DispatchInput, dispatchMachine } from '../../machines/dispatch.ts';
import type { ErrandOrderEvent, ErrandOrderInput, errandOrderMachine } from '../../machines/errand-order.ts';
import { mapKeys, mapToObject } from '../../machines/persistent-map.ts';
import { plan } from '../protocol/coverage-plan.ts';
import { FLOW_EVENTS, FLOWS_INPUT, flowKey, inert } from './dispatch-flows-scenario.ts';
import { COURIER, FEES, listing, OTHER_COURIER, PUBLISHER, request, TIMING } from './fixtures.ts';
import type { ScenarioOf } from './transition-coverage.ts';

export const INPUT: DispatchInput = { fees: FEES, timing: TIMING, pullLimit: 5 };
export const { publisherMasked, courierMasked } = maskedNumbersFor(1);

/**
 * For the root's own coverage every order child is an inert stand-in: the child machine is covered
 * in errand-order.test.ts, and an inert child keeps the replay exactly where the graph says (the
 * graph traversal never starts children). Behaviour with real children is tested in dispatch.test.ts.
 */
const inertOrder = setup({
  types: { input: {} as ErrandOrderInput, events: {} as ErrandOrderEvent },
}).createMachine({ id: 'inertOrder' });
export const isolated = dispatchMachine.provide({
  actors: {
    errandOrder: inertOrder as unknown as typeof errandOrderMachine,
    trunkOrder: inert as never,
    rental: inert as never,
    preorder: inert as never,
    cartDesk: inert as never,
    beaconDesk: inert as never,
  },
});
export type IsolatedMachine = typeof isolated;
type Snap = SnapshotFrom<IsolatedMachine>;

export const KNOWN = 'E1';
export const UNKNOWN = 'E9';

function orderMessages(orderId: string): DispatchEvent[] {
  return [
    { type: 'errand.cancel', orderId, publisherId: PUBLISHER },
    { type: 'errand.confirm', orderId, publisherId: PUBLISHER },
    { type: 'errand.dispute', orderId, publisherId: PUBLISHER, reason: 'damaged' },
    { type: 'errand.pickedUp', orderId, courierId: COURIER },
    { type: 'errand.delivered', orderId, courierId: COURIER },
    { type: 'route.quote', orderId, distance: 1_800, duration: 400 },
    { type: 'couriers.found', orderId, courierIds: [COURIER] },
  ];
}

/** Everything the root reacts to; the child-to-parent messages are sent as if from order E1. */
function events(s: Snap): DispatchEvent[] {
  const list: DispatchEvent[] = [
    { type: 'errand.publish', request: request({ requestId: 'p1-R0', description: ' ' }) },
    // without the other flows configured, dispatch refuses their requests
    { type: 'rental.request', request: { requestId: 'U2-R1', renterId: 'U2', vehicleId: 'V1', minutes: 30 } },
    { type: 'errand.accept', orderId: KNOWN, courierId: COURIER },
    { type: 'errand.accept', orderId: UNKNOWN, courierId: OTHER_COURIER },
    ...orderMessages(KNOWN),
    ...orderMessages(UNKNOWN),
    {
      type: 'courier.online',
      courierId: COURIER,
      courierType: 'ordinary',
      mode: 'bike',
      categories: ['deliver'],
      position: { x: 0, y: 0 },
    },
    { type: 'courier.offline', courierId: COURIER },
    { type: 'courier.position', courierId: COURIER, position: { x: 50, y: 0 }, eta: 90_000 },
    {
      type: 'errand.pull',
      courierId: COURIER,
      position: { x: 0, y: 0 },
      radius: 1_000,
      categories: ['deliver'],
    },
    { type: 'chat.send', fromId: PUBLISHER, toMasked: courierMasked, text: 'Where are you?' },
    { type: 'ledger.hold', orderId: KNOWN, payer: PUBLISHER, amount: 600 },
    { type: 'ledger.settle', orderId: KNOWN, payee: COURIER, payout: 153, commission: 27, refund: 420 },
    { type: 'listing.add', listing: listing({ orderId: KNOWN }) },
    { type: 'listing.remove', orderId: KNOWN },
    {
      type: 'order.assigned',
      orderId: KNOWN,
      publisherId: PUBLISHER,
      courierId: COURIER,
      publisherMasked,
      courierMasked,
    },
    { type: 'order.ended', orderId: KNOWN, courierId: COURIER, outcome: 'cancelled', reason: 'cancelled' },
  ];
  // one valid publish keeps the order table (and the graph) finite; afterwards the same publish is
  // a repeat (a duplicated message), and the finished child's done event can arrive
  list.push({ type: 'errand.publish', request: request() });
  if (s.context.orderSeq > 0)
    list.push({ type: 'xstate.done.actor.E1', actorId: KNOWN } as unknown as DispatchEvent);
  return list;
}

const key = (s: Snap) =>
  JSON.stringify([
    s.context.orderSeq,
    mapKeys(s.context.orders),
    mapToObject(s.context.couriers),
    mapKeys(s.context.ledger.entries),
    mapKeys(s.context.relay.lines),
    mapKeys(s.context.listings),
    mapKeys(s.context.requests),
  ]);

export const scenarios: ScenarioOf<IsolatedMachine>[] = [
  { name: 'dispatch root', input: INPUT, events, key },
  ...(['trunk', 'rental', 'preorder'] as const).map((flow) => ({
    name: `dispatch root, ${flow}`,
    input: FLOWS_INPUT,
    events: FLOW_EVENTS[flow] as (s: Snap) => DispatchEvent[],
    key: flowKey,
  })),
];

export const coveragePlans = [plan({ machine: isolated, scenarios })];
