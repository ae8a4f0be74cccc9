/**
 * A trunk order while the courier is at the car: the car's placement is checked again (re-route,
 * hold or send the goods back), the trunk is unlocked for the deposit and its latch checked, or
 * the courier takes the goods back to the store.
 */
import { and } from 'xstate';
import { trunkOrderSetup } from './trunk-order-setup.ts';
import { checkPlacement, count, returnReason, toCourier, toCustomer } from './trunk-terms.ts';

export const toCar = trunkOrderSetup.createStateConfig({
  on: { 'trunk.atCar': { guard: 'fromCourier', target: 'verifying' } },
});

export const verifying = trunkOrderSetup.createStateConfig({
  entry: checkPlacement,
  on: {
    'placement.checked': [
      { guard: and(['placedOk', 'sameSpot']), target: 'unlocking' },
      {
        guard: and(['placedOk', 'mayReroute']),
        target: 'toCar',
        actions: [
          'notePlacement',
          trunkOrderSetup.assign({ reroutes: ({ context }) => context.reroutes + 1 }),
          toCourier((ctx) => ({
            type: 'trunk.reroute',
            orderId: ctx.orderId,
            position: ctx.placement?.position ?? ctx.store.position,
          })),
          count('rerouted'),
        ],
      },
      { guard: and(['driving', 'mayHold']), target: 'held', actions: count('held') },
      {
        target: 'returning',
        actions: [
          'notePlacement',
          {
            type: 'count',
            params: ({ event }) => ({
              flow: 'trunk' as const,
              counter: `returnedToStore.${returnReason(event)}`,
            }),
          },
        ],
      },
    ],
  },
});

export const held = trunkOrderSetup.createStateConfig({
  entry: [
    trunkOrderSetup.assign({ holdChecks: ({ context }) => context.holdChecks + 1 }),
    toCourier((ctx) => ({ type: 'trunk.hold', orderId: ctx.orderId })),
  ],
  after: { holdCheck: { target: 'verifying' } },
  on: {
    'trunk.atCar': {
      guard: 'fromCourier',
      actions: toCourier((ctx) => ({ type: 'trunk.hold', orderId: ctx.orderId })),
    },
  },
});

export const unlocking = trunkOrderSetup.createStateConfig({
  entry: toCourier((ctx) => ({ type: 'trunk.unlock', orderId: ctx.orderId })),
  on: {
    // the courier asks again: our unlock was lost on the way
    'trunk.atCar': { guard: 'fromCourier', target: 'unlocking', reenter: true },
    'trunk.deposited': { guard: 'fromCourier', target: 'latching' },
    'trunk.unlockFailed': {
      guard: 'fromCourier',
      target: 'returning',
      actions: {
        type: 'count',
        params: ({ event }) => ({
          flow: 'trunk' as const,
          counter: `keyRefused.${event.type === 'trunk.unlockFailed' ? event.reason : 'unknown'}`,
        }),
      },
    },
  },
});

export const latching = trunkOrderSetup.createStateConfig({
  after: {
    relockCheck: {
      actions: {
        type: 'checkLock',
        params: ({ context }) => ({ orderId: context.orderId, vehicleId: context.request.vehicleId }),
      },
    },
  },
  on: {
    'lock.checked': [
      { guard: 'latched', target: 'completed' },
      { guard: 'unconfirmed', target: 'completed', actions: count('relockUnconfirmed') },
      {
        target: 'completed',
        actions: [
          trunkOrderSetup.assign({ alarm: true }),
          count('alarm'),
          toCustomer((ctx) => ({
            type: 'trunk.alarm',
            orderId: ctx.orderId,
            vehicleId: ctx.request.vehicleId,
          })),
        ],
      },
    ],
  },
});

export const returning = trunkOrderSetup.createStateConfig({
  entry: toCourier((ctx) => ({
    type: 'trunk.return',
    orderId: ctx.orderId,
    position: ctx.store.position,
  })),
  on: {
    'trunk.returned': { guard: 'fromCourier', target: 'returned' },
    // the courier is still at the car: our return instruction was lost on the way
    'trunk.atCar': { guard: 'fromCourier', target: 'returning', reenter: true },
  },
});
