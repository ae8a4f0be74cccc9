import { assign } from 'xstate';
import {
  acceptFirst,
  collect,
  courierSetup,
  goOffline,
  pickedUp,
  retryTravel,
  toDispatch,
  travelTo,
  trunkMessage,
} from './courier-setup.ts';
import { atCar, depositing, opening, returning } from './courier-trunk.ts';
import { DISPATCH } from './protocol.ts';

/**
 * A courier of the errand platform (`ordinary` or `professional`, on foot, bike or car). Professional
 * couriers wait for pushed offers; ordinary ones pull the orders near them, filtered by category.
 * Travel is a named effect: the world moves the courier analytically and sends `travel.arrived`.
 */
export const courierMachine = courierSetup.createMachine({
  id: 'courier',
  context: ({ input }) => ({
    ...input,
    position: input.home,
    job: null,
    trunk: null,
    publisherMasked: null,
    shiftEnding: false,
    repliedToChat: false,
    keyTries: 0,
    won: [],
  }),
  initial: 'offDuty',
  states: {
    offDuty: {
      on: {
        'shift.start': {
          target: 'idle',
          actions: [
            assign({ shiftEnding: false }),
            toDispatch((ctx) => ({
              type: 'courier.online',
              courierId: ctx.id,
              courierType: ctx.courierType,
              mode: ctx.mode,
              categories: ctx.categories,
              position: ctx.position,
            })),
          ],
        },
      },
    },
    idle: {
      initial: 'choosing',
      states: {
        choosing: {
          always: [
            // the shift ended while an accept was pending and it came to nothing: go home now
            { guard: 'shiftEnding', target: '#courier.offDuty', actions: goOffline },
            { guard: 'isOrdinary', target: 'pulling' },
            { target: 'awaitingOffers' },
          ],
        },
        pulling: {
          entry: {
            type: 'reportPosition',
          },
          after: {
            pullInterval: {
              target: 'pulling',
              reenter: true,
              actions: {
                type: 'send',
                params: ({ context }) => ({
                  to: DISPATCH,
                  message: {
                    type: 'errand.pull',
                    courierId: context.id,
                    position: context.position,
                    radius: context.pullRadius,
                    categories: context.categories,
                  },
                }),
              },
            },
          },
        },
        awaitingOffers: {},
      },
      on: {
        'errand.offer': { guard: 'canTake', target: 'accepting', actions: acceptFirst },
        'errand.list': { guard: 'canTake', target: 'accepting', actions: acceptFirst },
        // an answer that arrived after the accept timed out: the order is ours, so do it
        'errand.acceptResult': { guard: 'accepted', target: 'working', actions: 'takeJob' },
        'shift.end': { target: 'offDuty', actions: goOffline },
      },
    },
    accepting: {
      after: { acceptTimeout: { target: 'idle' } },
      on: {
        'errand.acceptResult': [
          {
            guard: 'accepted',
            target: 'working',
            actions: 'takeJob',
          },
          { target: 'idle' },
        ],
        'shift.end': { actions: assign({ shiftEnding: true }) },
      },
    },
    working: {
      type: 'parallel',
      on: {
        'errand.cancelled': [
          { guard: 'ourJob', target: 'jobDone', actions: 'stopTravel' },
          // a won order not started yet was cancelled: drop it
          {
            actions: assign({
              won: ({ context, event }) =>
                context.won.filter((w) => event.type !== 'errand.cancelled' || w.orderId !== event.orderId),
            }),
          },
        ],
        'errand.acceptResult': {
          guard: 'wonWhileBusy',
          actions: assign({
            won: ({ context, event }) =>
              event.type === 'errand.acceptResult' ? [...context.won, event] : context.won,
          }),
        },
        'shift.end': { actions: assign({ shiftEnding: true }) },
        'chat.message': {
          guard: 'chatNotAnswered',
          actions: [
            assign({ repliedToChat: true }),
            {
              type: 'send',
              params: ({ context, event }) => ({
                to: DISPATCH,
                message: {
                  type: 'chat.send',
                  fromId: context.id,
                  toMasked:
                    event.type === 'chat.message' ? event.fromMasked : (context.publisherMasked ?? ''),
                  text: 'On my way.',
                },
              }),
            },
          ],
        },
      },
      states: {
        job: {
          initial: 'toPickup',
          states: {
            toPickup: {
              entry: [travelTo((ctx) => ctx.job?.pickup ?? ctx.home), 'reportPosition'],
              after: retryTravel('toPickup'),
              on: {
                'travel.arrived': [
                  {
                    guard: 'atStore',
                    target: 'atStore',
                    actions: ['arrivedAt', collect],
                  },
                  { target: 'pickingUp', actions: 'arrivedAt' },
                ],
              },
            },
            atStore: {
              after: {
                collectRetry: {
                  target: 'atStore',
                  reenter: true,
                  actions: collect,
                },
              },
              on: {
                'store.handover': { guard: 'ourJob', target: 'toDropoff', actions: pickedUp },
                // our first collect's handover was lost and the retry found it done: we hold the goods
                'store.alreadyHandedOver': { guard: 'ourJob', target: 'toDropoff', actions: pickedUp },
              },
            },
            pickingUp: { after: { service: { target: 'toDropoff', actions: pickedUp } } },
            toDropoff: {
              entry: [travelTo((ctx) => ctx.job?.dropoff ?? ctx.home), 'reportPosition'],
              after: retryTravel('toDropoff'),
              on: {
                'travel.arrived': [
                  {
                    guard: 'trunkJob',
                    target: 'atCar',
                    actions: ['arrivedAt', toDispatch((ctx) => trunkMessage('trunk.atCar', ctx))],
                  },
                  { target: 'handingOver', actions: 'arrivedAt' },
                ],
              },
            },
            atCar,
            opening,
            depositing,
            returning,
            handingOver: {
              after: {
                service: {
                  target: '#courier.jobDone',
                  actions: toDispatch((ctx) => ({
                    type: 'errand.delivered',
                    orderId: ctx.job?.orderId ?? '',
                    courierId: ctx.id,
                  })),
                },
              },
            },
          },
        },
        tracker: {
          initial: 'ticking',
          states: {
            ticking: { after: { tracking: { target: 'ticking', reenter: true, actions: 'reportPosition' } } },
          },
        },
      },
    },
    jobDone: {
      entry: assign({ job: null, trunk: null, publisherMasked: null }),
      always: [
        { guard: 'hasWon', target: 'working', actions: 'takeWon' },
        { guard: 'shiftEnding', target: 'offDuty', actions: goOffline },
        { target: 'idle' },
      ],
    },
  },
});
