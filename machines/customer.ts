import { and, assign, setup } from 'xstate';
import type { SendParams } from './errand-order.ts';
import {
  type ChatDelivery,
  DISPATCH,
  type DispatchToCustomer,
  type ErrandDemand,
  type Point,
} from './protocol.ts';

export interface CustomerInput {
  readonly id: string;
  readonly home: Point;
  readonly phone: string;
  /** How long the customer's app waits for dispatch to answer a publish. */
  readonly answerTimeoutMs: number;
}

export interface CustomerContext extends CustomerInput {
  demand: ErrandDemand | null;
  requestSeq: number;
  orderId: string | null;
  courierMasked: string | null;
  trackingUpdates: number;
  chatReplies: number;
}

export type CustomerEvent =
  | ErrandDemand
  | DispatchToCustomer
  | ChatDelivery
  | { type: 'errand.cancelRefused'; orderId: string; reason: string }
  | { type: 'error'; about: string; reason: string; orderId?: string };

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
 * A customer acting as an errand publisher: it posts what the world's demand model asks for,
 * waits (and gives up after its patience), follows the courier, chats through the masked number,
 * and confirms or disputes at delivery. Its choices are data in the demand event, drawn by the
 * world from seeded streams, so the machine itself stays deterministic and pure.
 */
export const customerMachine = setup({
  types: {
    context: {} as CustomerContext,
    events: {} as CustomerEvent,
    input: {} as CustomerInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
  },
  guards: {
    ourOrder: ({ context, event }) => 'orderId' in event && event.orderId === context.orderId,
    ourRequest: ({ context, event }) =>
      'requestId' in event && event.requestId === `${context.id}-R${context.requestSeq}`,
    willDispute: ({ context }) => context.demand?.willDispute === true,
    willCancelAfterAssign: ({ context }) => context.demand?.cancelAfterAssignMs != null,
    willChat: ({ context }) => context.demand?.chatAfterMs != null && context.courierMasked !== null,
  },
  delays: {
    answerTimeout: ({ context }) => context.answerTimeoutMs,
    patience: ({ context }) => context.demand?.patienceMs ?? 0,
    cancelAfterAssign: ({ context }) => context.demand?.cancelAfterAssignMs ?? 0,
    chatAfter: ({ context }) => context.demand?.chatAfterMs ?? 0,
  },
}).createMachine({
  id: 'customer',
  context: ({ input }) => ({
    ...input,
    demand: null,
    requestSeq: 0,
    orderId: null,
    courierMasked: null,
    trackingUpdates: 0,
    chatReplies: 0,
  }),
  initial: 'idle',
  states: {
    idle: {
      entry: assign({ demand: null, orderId: null, courierMasked: null }),
      on: {
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
  },
});
