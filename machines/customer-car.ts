/**
 * The customer as a car owner: ordering a trunk delivery to the car (flow 1), driving it to another
 * parking space, and the beacon preorder (flow 5) — pair the phone with the beacon, preorder and pay,
 * drive to the store's curb with the engine (and so the beacon) on, wait for the goods, drive back.
 */
import { and, assign } from 'xstate';
import {
  type CustomerContext,
  customerSetup,
  type PreorderDemand,
  presentKey,
  sendFrom,
  type TripDemand,
  type TrunkDemand,
  toCar,
} from './customer-setup.ts';
import { DISPATCH } from './protocol.ts';

const toDispatch = (message: (ctx: CustomerContext) => { type: string; [k: string]: unknown }) =>
  sendFrom(() => DISPATCH, message);

const requestId = (ctx: CustomerContext) => `${ctx.id}-R${ctx.requestSeq}`;

/** After ordering, the customer goes about the day: the delivery's news arrives whenever. */
export const trunkOrdering = customerSetup.createStateConfig({
  entry: [
    'nextRequest',
    toDispatch((ctx) => {
      const plan = ctx.plan as TrunkDemand;
      return {
        type: 'trunk.order',
        request: {
          requestId: requestId(ctx),
          customerId: ctx.id,
          vehicleId: ctx.vehicleId ?? '',
          storeId: plan.storeId,
          items: plan.items,
          goodsCents: plan.goodsCents,
          dueBy: plan.dueBy,
        },
      };
    }),
  ],
  after: { answerTimeout: { target: '#customer.idle' } },
  on: {
    'trunk.accepted': { guard: 'ourRequest', target: '#customer.idle' },
    'trunk.rejected': { guard: 'ourRequest', target: '#customer.idle' },
  },
});

/** Where the current leg of the drive goes: the curb of the store, then back; or the trip's space. */
function destination(ctx: CustomerContext, leg: 'out' | 'back') {
  const plan = ctx.plan as TripDemand | PreorderDemand;
  if (plan.type === 'demand.preorder') {
    return leg === 'out'
      ? { to: plan.curb, parkingSpaceId: null }
      : { to: plan.back, parkingSpaceId: plan.backSpaceId };
  }
  return { to: plan.to, parkingSpaceId: plan.parkingSpaceId };
}

function drive(leg: 'out' | 'back') {
  return toCar((ctx) => ({ type: 'drive.to', ...destination(ctx, leg) }));
}

const giveUp = { target: '#customer.car.stopping' } as const;

/**
 * Using the own car: unlock and start it with the phone key, (for a preorder: pair, order, drive to
 * the curb and wait with the engine on), drive, stop the engine and lock it again.
 */
export const car = customerSetup.createStateConfig({
  initial: 'unlocking',
  states: {
    unlocking: {
      entry: presentKey('door_unlock', 'owner'),
      after: { answerTimeout: { target: '#customer.idle' } },
      on: {
        'key.result': [
          { guard: 'keyGranted', target: 'starting' },
          { guard: 'keyRefused', target: '#customer.idle', actions: 'countRefusedKey' },
        ],
      },
    },
    starting: {
      entry: presentKey('engine_start', 'owner'),
      after: { answerTimeout: giveUp },
      on: {
        'key.result': [
          { guard: 'keyGranted', target: 'choosing' },
          { guard: 'keyRefused', target: 'locking', actions: 'countRefusedKey' },
        ],
      },
    },
    choosing: {
      always: [
        { guard: 'needsPairing', target: 'pairing' },
        { guard: 'isPreorder', target: 'ordering' },
        { target: 'driving' },
      ],
    },
    // the beacon is powered now (ignition on): pair the phone with it once
    pairing: {
      entry: sendFrom(
        (ctx) => ctx.beaconId ?? '',
        (ctx) => ({ type: 'beacon.pair', phoneId: ctx.id }),
      ),
      after: { answerTimeout: giveUp },
      on: { 'beacon.paired': { target: 'ordering', actions: assign({ paired: true }) } },
    },
    ordering: {
      entry: [
        'nextRequest',
        toDispatch((ctx) => {
          const plan = ctx.plan as PreorderDemand;
          return {
            type: 'preorder.place',
            request: {
              requestId: requestId(ctx),
              customerId: ctx.id,
              beaconId: ctx.beaconId ?? '',
              storeId: plan.storeId,
              items: plan.items,
              totalCents: plan.totalCents,
            },
          };
        }),
      ],
      after: { answerTimeout: giveUp },
      on: {
        'preorder.confirmed': {
          guard: 'ourRequest',
          target: 'driving',
          actions: assign({ orderId: ({ event }) => event.orderId }),
        },
        'preorder.refused': { guard: 'ourRequest', ...giveUp },
      },
    },
    driving: {
      entry: drive('out'),
      on: {
        'car.arrived': [
          { guard: and(['isPreorder', 'ourCar']), target: 'atCurb' },
          { guard: 'ourCar', target: 'stopping' },
        ],
      },
    },
    // engine on, beacon broadcasting: the store's scanner hears it and the goods come out
    atCurb: {
      after: { waitAtCurb: { target: 'returning' } },
      on: {
        'preorder.done': {
          guard: 'ourOrder',
          target: 'returning',
          actions: assign({ deliveries: ({ context }) => context.deliveries + 1 }),
        },
        'preorder.closed': { guard: 'ourOrder', target: 'returning' },
      },
    },
    returning: {
      entry: drive('back'),
      on: { 'car.arrived': { guard: 'ourCar', target: 'stopping' } },
    },
    stopping: {
      entry: toCar(() => ({ type: 'engine.stop' })),
      always: { target: 'locking' },
    },
    locking: {
      entry: presentKey('door_lock', 'owner'),
      after: { answerTimeout: { target: '#customer.idle' } },
      on: { 'key.result': { guard: 'ourKeyResult', target: '#customer.idle' } },
    },
  },
});
