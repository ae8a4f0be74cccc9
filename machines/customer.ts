import { and, assign } from 'xstate';
import { car, trunkOrdering } from './customer-car.ts';
import { renting } from './customer-rental.ts';
import { shopping } from './customer-robot.ts';
import { type CustomerContext, customerSetup } from './customer-setup.ts';
import type { SendParams } from './errand-order.ts';
import { DISPATCH, type ErrandDemand } from './protocol.ts';

export type {
  CustomerContext,
  CustomerDemand,
  CustomerEvent,
  CustomerInput,
  PreorderDemand,
  RentalDemand,
  RobotDemand,
  RobotPick,
  TripDemand,
  TrunkDemand,
} from './customer-setup.ts';

function toDispatch(message: (ctx: CustomerContext) => SendParams['message']) {
  return {
    type: 'send' as const,
    params: ({ context }: { context: CustomerContext }): SendParams => ({
      to: DISPATCH,
      message: message(context),
    }),
  };
}

const cancel = toDispatch((ctx) => ({
  type: 'errand.cancel',
  orderId: ctx.orderId ?? '',
  publisherId: ctx.id,
}));

/**
 * A customer: errand publisher (posts what the world's demand model asks for, waits and gives up
 * after its patience, follows the courier, chats through the masked number, confirms or disputes),
 * car owner with a phone key (orders to the trunk, drives, preorders with the car's beacon), renter,
 * and robot shopper (customer-car.ts, customer-rental.ts, customer-robot.ts). One thing at a time.
 * Its choices are data in the demand events, drawn by the world from seeded streams, so the machine
 * itself stays deterministic and pure.
 */
export const customerMachine = customerSetup.createMachine({
  id: 'customer',
  context: ({ input }) => ({
    ...input,
    demand: null,
    requestSeq: 0,
    orderId: null,
    courierMasked: null,
    trackingUpdates: 0,
    chatReplies: 0,
    plan: null,
    keySeq: 0,
    paired: false,
    rentalId: null,
    rentalKey: null,
    oldRentalKey: null,
    step: 0,
    robotRetries: 0,
    deliveries: 0,
    refusedKeys: 0,
  }),
  initial: 'idle',
  // news of a trunk delivery ordered earlier arrives whatever the customer is doing
  on: {
    'trunk.delivered': { actions: assign({ deliveries: ({ context }) => context.deliveries + 1 }) },
  },
  states: {
    idle: {
      entry: assign({ demand: null, orderId: null, courierMasked: null, plan: null, rentalId: null }),
      on: {
        'demand.trunk': { guard: 'ownsCar', target: 'trunkOrdering', actions: 'takePlan' },
        'demand.trip': { guard: 'ownsCar', target: 'car', actions: 'takePlan' },
        'demand.preorder': { guard: and(['ownsCar', 'hasBeacon']), target: 'car', actions: 'takePlan' },
        'demand.rental': { target: 'renting', actions: 'takePlan' },
        'demand.robot': { target: 'shopping', actions: 'takePlan' },
        'demand.errand': {
          target: 'publishing',
          actions: [
            assign(({ context, event }) => ({ demand: event, requestSeq: context.requestSeq + 1 })),
            toDispatch((ctx) => ({
              type: 'errand.publish',
              request: {
                ...(ctx.demand as ErrandDemand).request,
                requestId: `${ctx.id}-R${ctx.requestSeq}`,
                publisherId: ctx.id,
                phone: ctx.phone,
              },
            })),
          ],
        },
      },
    },
    publishing: {
      after: { answerTimeout: { target: 'idle' } },
      on: {
        'errand.published': {
          guard: 'ourRequest',
          target: 'waiting',
          actions: assign({ orderId: ({ event }) => event.orderId }),
        },
        'errand.rejected': { guard: 'ourRequest', target: 'idle' },
      },
    },
    waiting: {
      after: { patience: { target: 'cancelling', actions: cancel } },
      on: {
        'errand.assigned': {
          guard: 'ourOrder',
          target: 'assigned',
          actions: assign({ courierMasked: ({ event }) => event.courierMasked }),
        },
        'errand.closed': { guard: 'ourOrder', target: 'idle' },
      },
    },
    assigned: {
      after: {
        cancelAfterAssign: { guard: 'willCancelAfterAssign', target: 'cancelling', actions: cancel },
        chatAfter: {
          guard: 'willChat',
          actions: {
            type: 'send',
            params: ({ context }) => ({
              to: DISPATCH,
              message: {
                type: 'chat.send',
                fromId: context.id,
                toMasked: context.courierMasked ?? '',
                text: 'Where are you?',
              },
            }),
          },
        },
      },
      on: {
        'errand.tracking': {
          guard: 'ourOrder',
          actions: assign({ trackingUpdates: ({ context }) => context.trackingUpdates + 1 }),
        },
        'chat.message': {
          guard: 'ourOrder',
          actions: assign({ chatReplies: ({ context }) => context.chatReplies + 1 }),
        },
        'errand.pickedUp': { guard: 'ourOrder', target: 'pickedUp' },
        'errand.closed': { guard: 'ourOrder', target: 'idle' },
      },
    },
    pickedUp: {
      on: {
        'errand.tracking': {
          guard: 'ourOrder',
          actions: assign({ trackingUpdates: ({ context }) => context.trackingUpdates + 1 }),
        },
        'errand.delivered': [
          {
            guard: and(['ourOrder', 'willDispute']),
            target: 'closing',
            actions: toDispatch((ctx) => ({
              type: 'errand.dispute',
              orderId: ctx.orderId ?? '',
              publisherId: ctx.id,
              reason: 'item damaged',
            })),
          },
          {
            guard: 'ourOrder',
            target: 'closing',
            actions: toDispatch((ctx) => ({
              type: 'errand.confirm',
              orderId: ctx.orderId ?? '',
              publisherId: ctx.id,
            })),
          },
        ],
        'errand.closed': { guard: 'ourOrder', target: 'idle' },
      },
    },
    cancelling: {
      on: {
        'errand.closed': { guard: 'ourOrder', target: 'idle' },
        // the courier picked up before our cancel arrived: the errand goes on
        'errand.cancelRefused': { guard: 'ourOrder', target: 'pickedUp' },
        'errand.assigned': {
          guard: 'ourOrder',
          actions: assign({ courierMasked: ({ event }) => event.courierMasked }),
        },
      },
    },
    closing: {
      on: { 'errand.closed': { guard: 'ourOrder', target: 'idle' } },
    },
    trunkOrdering,
    car,
    renting,
    shopping,
  },
});
