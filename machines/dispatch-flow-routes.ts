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
import { CART_MESSAGES, dispatchSetup, refuseRental, unknownRental } from './dispatch-setup.ts';
import { mapDelete, mapGet, mapSet } from './persistent-map.ts';

export const flowRoutes = dispatchSetup.createStateConfig({
  on: {
    'rental.request': [
      { guard: 'repeatedOpenFlowRequest', actions: 'reorder' },
      { guard: 'repeatedFlowRequest' },
      { guard: 'vehicleInUse', actions: refuseRental('vehicle_in_use') },
      {
        guard: 'rentalServed',
        actions: assign(({ context, event, spawn }) => {
          if (event.type !== 'rental.request') return {};
          const flowSeq = context.flowSeq + 1;
          const rentalId = `R${flowSeq}`;
          spawn('rental', {
            id: rentalId,
            systemId: rentalId,
            input: rentalInput(context.flows as FlowsInput, rentalId, event.request),
          });
          return {
            flowSeq,
            flowOrders: mapSet(context.flowOrders, rentalId, true),
            requests: mapSet(context.requests, flowRequestKey(event), rentalId),
            rentedVehicles: mapSet(context.rentedVehicles, event.request.vehicleId, rentalId),
          };
        }),
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
        actions: assign(({ context, event, spawn }) => {
          if (event.type !== 'preorder.place') return {};
          const flowSeq = context.flowSeq + 1;
          const orderId = `P${flowSeq}`;
          spawn('preorder', {
            id: orderId,
            systemId: orderId,
            input: preorderInput(context.flows as FlowsInput, orderId, event.request, event.at ?? 0),
          });
          return {
            flowSeq,
            flowOrders: mapSet(context.flowOrders, orderId, true),
            requests: mapSet(context.requests, flowRequestKey(event), orderId),
            busyBeacons: mapSet(context.busyBeacons, event.request.beaconId, orderId),
          };
        }),
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
        actions: assign(({ context, event, spawn }) => {
          if (event.type !== 'trunk.order') return {};
          const flowSeq = context.flowSeq + 1;
          const orderId = `T${flowSeq}`;
          spawn('trunkOrder', {
            id: orderId,
            systemId: orderId,
            input: trunkOrderInput(context.flows as FlowsInput, orderId, event.request),
          });
          return {
            flowSeq,
            flowOrders: mapSet(context.flowOrders, orderId, true),
            requests: mapSet(context.requests, flowRequestKey(event), orderId),
          };
        }),
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
