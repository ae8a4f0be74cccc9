/**
 * The dispatch root's routes of the four flows beyond errands: opening trunk orders, rentals and
 * preorders once per request id (refusing what cannot be served), forwarding their parties'
 * messages to the order, and handing cart and sighting messages to the desks.
 */
import { assign } from 'xstate';
import {
  type FlowsInput,
  flowRequestKey,
  preorderInput,
  preorderRefusal,
  rentalInput,
  trunkOrderInput,
} from './dispatch-flows.ts';
import {
  CART_MESSAGES,
  type DispatchContext,
  type DispatchEvent,
  dispatchSetup,
  refuseRental,
  unknownRental,
} from './dispatch-setup.ts';
import type { OrderKind } from './order-shard.ts';
import { mapDelete, mapGet, mapSet } from './persistent-map.ts';

/**
 * Opens the order the preceding assign numbered (`<prefix><flowSeq>`): its shard spawns the actor.
 */
function openFlowOrder<T extends DispatchEvent['type']>(
  kind: OrderKind,
  prefix: string,
  inputOf: (flows: FlowsInput, orderId: string, event: Extract<DispatchEvent, { type: T }>) => unknown,
) {
  return {
    type: 'openOrder' as const,
    params: ({ context, event }: { context: DispatchContext; event: DispatchEvent }) => {
      const orderId = `${prefix}${context.flowSeq}`;
      return {
        kind,
        orderId,
        input: inputOf(context.flows as FlowsInput, orderId, event as Extract<DispatchEvent, { type: T }>),
      };
    },
  };
}

export const flowRoutes = dispatchSetup.createStateConfig({
  on: {
    'rental.request': [
      { guard: 'repeatedOpenFlowRequest', actions: 'reorder' },
      { guard: 'repeatedFlowRequest' },
      { guard: 'vehicleInUse', actions: refuseRental('vehicle_in_use') },
      {
        guard: 'rentalServed',
        actions: [
          assign(({ context, event }) => {
            if (event.type !== 'rental.request') return {};
            const flowSeq = context.flowSeq + 1;
            const rentalId = `R${flowSeq}`;
            return {
              flowSeq,
              flowOrders: mapSet(context.flowOrders, rentalId, true),
              requests: mapSet(context.requests, flowRequestKey(event), rentalId),
              rentedVehicles: mapSet(context.rentedVehicles, event.request.vehicleId, rentalId),
            };
          }),
          openFlowOrder<'rental.request'>('rental', 'R', (flows, orderId, e) =>
            rentalInput(flows, orderId, e.request),
          ),
        ],
      },
      { actions: refuseRental('not_served') },
    ],
    'rental.upgrade': [{ guard: 'knownRental', actions: 'forwardRental' }, { actions: unknownRental }],
    'rental.end': [{ guard: 'knownRental', actions: 'forwardRental' }, { actions: unknownRental }],
    'vehicle.revoked': { guard: 'revocationOfOpenOrder', actions: 'forwardRevocation' },
    'preorder.place': [
      { guard: 'repeatedOpenFlowRequest', actions: 'reorder' },
      { guard: 'repeatedFlowRequest' },
      {
        guard: 'preorderRefused',
        actions: {
          type: 'send',
          params: ({ context, event }) => ({
            to: event.request.customerId,
            message: {
              type: 'preorder.refused',
              requestId: event.request.requestId,
              reason: preorderRefusal(context, event.request),
            },
          }),
        },
      },
      {
        actions: [
          assign(({ context, event }) => {
            if (event.type !== 'preorder.place') return {};
            const flowSeq = context.flowSeq + 1;
            const orderId = `P${flowSeq}`;
            return {
              flowSeq,
              flowOrders: mapSet(context.flowOrders, orderId, true),
              requests: mapSet(context.requests, flowRequestKey(event), orderId),
              busyBeacons: mapSet(context.busyBeacons, event.request.beaconId, orderId),
            };
          }),
          openFlowOrder<'preorder.place'>('preorder', 'P', (flows, orderId, e) =>
            preorderInput(flows, orderId, e.request, e.at ?? 0),
          ),
        ],
      },
    ],
    'beacon.bind': { guard: 'withDesks', actions: 'toBeaconDesk' },
    'beacon.unbind': {
      guard: 'withDesks',
      actions: [
        'toBeaconDesk',
        assign({
          busyBeacons: ({ context, event }) =>
            mapGet(context.busyBeacons, event.beaconId) === event.orderId
              ? mapDelete(context.busyBeacons, event.beaconId)
              : context.busyBeacons,
        }),
      ],
    },
    'scanner.report': { guard: 'withDesks', actions: 'toBeaconDesk' },
    ...Object.fromEntries(
      CART_MESSAGES.map((type) => [type, { guard: 'withDesks' as const, actions: 'toCartDesk' as const }]),
    ),
    'trunk.order': [
      { guard: 'repeatedOpenFlowRequest', actions: 'reorder' },
      { guard: 'repeatedFlowRequest' },
      {
        guard: 'trunkServed',
        actions: [
          assign(({ context, event }) => {
            if (event.type !== 'trunk.order') return {};
            const flowSeq = context.flowSeq + 1;
            const orderId = `T${flowSeq}`;
            return {
              flowSeq,
              flowOrders: mapSet(context.flowOrders, orderId, true),
              requests: mapSet(context.requests, flowRequestKey(event), orderId),
            };
          }),
          openFlowOrder<'trunk.order'>('trunkOrder', 'T', (flows, orderId, e) =>
            trunkOrderInput(flows, orderId, e.request),
          ),
        ],
      },
      {
        actions: {
          type: 'send',
          params: ({ event }) => ({
            to: event.request.customerId,
            message: {
              type: 'trunk.rejected',
              requestId: event.request.requestId,
              reason: 'unknown_store',
            },
          }),
        },
      },
    ],
  },
});
