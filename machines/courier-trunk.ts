/**
 * The courier's part of a trunk delivery (flow 1), after it reached the car with the goods:
 * dispatch's instruction, presenting the trunk key, depositing, or taking the goods back.
 */

import {
  courierSetup,
  openRequest,
  retryTravel,
  toDispatch,
  toStore,
  travelTo,
  trunkMessage,
} from './courier-setup.ts';
import { DISPATCH } from './protocol.ts';

/** Dispatch checks the car again and says unlock, re-route, hold or return */
export const atCar = courierSetup.createStateConfig({
  after: {
    instructionRetry: {
      target: 'atCar',
      reenter: true,
      actions: toDispatch((ctx) => trunkMessage('trunk.atCar', ctx)),
    },
  },
  on: {
    'trunk.unlock': { guard: 'ourJob', target: 'opening', actions: courierSetup.assign({ keyTries: 0 }) },
    'trunk.reroute': {
      guard: 'ourJob',
      target: 'toDropoff',
      reenter: true,
      actions: courierSetup.assign(({ context, event }) =>
        event.type === 'trunk.reroute' && context.job
          ? { job: { ...context.job, dropoff: event.position } }
          : {},
      ),
    },
    // a hold restarts the wait: dispatch is checking the car again
    'trunk.hold': { guard: 'ourJob', target: 'atCar', reenter: true },
    'trunk.return': { guard: 'ourJob', target: 'returning' },
  },
});

/** presents the trunk key (again, with the same request, while the car does not answer) */
export const opening = courierSetup.createStateConfig({
  entry: [
    courierSetup.assign({ keyTries: ({ context }) => context.keyTries + 1 }),
    {
      type: 'send',
      params: ({ context }) => ({
        to: context.trunk?.vehicleId ?? '',
        message: {
          type: 'key.present',
          requestId: openRequest(context),
          presenterId: context.id,
          key: context.trunk?.key,
          action: 'trunk_open',
        },
      }),
    },
  ],
  after: {
    keyRetry: [
      { guard: 'mayPresentAgain', target: 'opening', reenter: true },
      // the car never answered: dispatch sends the goods back (a trunk that did open
      // closes by itself)
      {
        target: 'atCar',
        actions: toDispatch((ctx) => ({
          ...trunkMessage('trunk.unlockFailed', ctx),
          reason: 'no_answer',
        })),
      },
    ],
  },
  on: {
    'key.result': [
      { guard: 'trunkOpened', target: 'depositing' },
      { guard: 'openedEarlier', target: 'depositing' },
      {
        guard: 'trunkRefused',
        target: 'atCar',
        actions: {
          type: 'send',
          params: ({ context, event }) => ({
            to: DISPATCH,
            message: {
              ...trunkMessage('trunk.unlockFailed', context),
              reason: (event.type === 'key.result' && event.reason) || 'refused',
            },
          }),
        },
      },
    ],
  },
});

export const depositing = courierSetup.createStateConfig({
  after: {
    service: {
      target: '#courier.jobDone',
      actions: [
        {
          type: 'send',
          params: ({ context }) => ({
            to: context.trunk?.vehicleId ?? '',
            message: { type: 'trunk.close', presenterId: context.id },
          }),
        },
        toDispatch((ctx) => trunkMessage('trunk.deposited', ctx)),
      ],
    },
  },
});

export const returning = courierSetup.createStateConfig({
  entry: [travelTo((ctx) => ctx.job?.pickup ?? ctx.home), 'reportPosition'],
  after: retryTravel('returning'),
  on: {
    'travel.arrived': {
      target: '#courier.jobDone',
      actions: [
        'arrivedAt',
        toStore('store.return', (ctx) => ctx.trunk?.storeId),
        toDispatch((ctx) => trunkMessage('trunk.returned', ctx)),
      ],
    },
  },
});
