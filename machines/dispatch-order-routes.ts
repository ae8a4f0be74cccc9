/**
 * The dispatch root's routes of errands and of every open order's messages: an errand request is
 * opened as an order once per request id (a repeat is answered again, an invalid one refused), and
 * each party's message and each port's answer about an order is forwarded to it while it is open
 * (answered with an error, or dropped, once it has ended).
 */

import { assign } from 'xstate';
import {
  type DispatchEvent,
  dispatchSetup,
  ORDER_MESSAGES,
  type OrderBound,
  PORT_ANSWERS,
  repeatedOrderId,
  requestKey,
  senderOf,
} from './dispatch-setup.ts';
import { checkErrandRequest } from './errand-fees.ts';
import { mapSet } from './persistent-map.ts';

export const orderRoutes = dispatchSetup.createStateConfig({
  on: {
    'errand.publish': [
      { guard: 'repeatedOpenRequest', actions: 'republish' },
      {
        // the order already ended: a late copy of the publish must not open a second one
        guard: 'repeatedRequest',
        actions: {
          type: 'send',
          params: ({ context, event }) => ({
            to: event.request.publisherId,
            message: {
              type: 'errand.duplicate',
              requestId: event.request.requestId,
              orderId: repeatedOrderId(context, event),
            },
          }),
        },
      },
      {
        guard: 'validRequest',
        actions: [
          assign(({ context, event }) => {
            if (event.type !== 'errand.publish') return {};
            const orderSeq = context.orderSeq + 1;
            const orderId = `E${orderSeq}`;
            return {
              orderSeq,
              orders: mapSet(context.orders, orderId, true as const),
              requests: mapSet(context.requests, requestKey(event.request), orderId),
            };
          }),
          {
            type: 'openOrder',
            params: ({ context, event }) => ({
              kind: 'errandOrder',
              orderId: `E${context.orderSeq}`,
              input: {
                orderId: `E${context.orderSeq}`,
                orderSeq: context.orderSeq,
                request: (event as Extract<DispatchEvent, { type: 'errand.publish' }>).request,
                fees: context.fees,
                timing: context.timing,
              },
            }),
          },
        ],
      },
      {
        actions: {
          type: 'send',
          params: ({ context, event }) => {
            const request = event.type === 'errand.publish' ? event.request : undefined;
            const check = request ? checkErrandRequest(request, context.fees) : undefined;
            return {
              to: request?.publisherId ?? '',
              message: {
                type: 'errand.rejected',
                requestId: request?.requestId ?? '',
                reason: check && !check.ok ? check.reason : 'invalid request',
              },
            };
          },
        },
      },
    ],
    'errand.accept': [
      { guard: 'knownOrder', actions: 'forward' },
      {
        actions: {
          type: 'send',
          params: ({ event }) => ({
            to: event.courierId,
            message: {
              type: 'errand.acceptResult',
              orderId: event.orderId,
              ok: false,
              reason: 'order_closed',
            },
          }),
        },
      },
    ],
    ...Object.fromEntries(
      ORDER_MESSAGES.map((type) => [
        type,
        [
          { guard: 'knownOrder' as const, actions: 'forward' as const },
          {
            actions: {
              type: 'send' as const,
              params: ({ event }: { event: DispatchEvent }) => ({
                to: senderOf(event),
                message: {
                  type: 'error',
                  about: event.type,
                  orderId: (event as OrderBound).orderId,
                  reason: 'unknown_order',
                },
              }),
            },
          },
        ],
      ]),
    ),
    ...Object.fromEntries(
      PORT_ANSWERS.map((type) => [type, { guard: 'knownOrder' as const, actions: 'forward' as const }]),
    ),
  },
});
