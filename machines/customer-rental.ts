/**
 * The customer as a renter (flow 3): ask for a pool car, walk to it, open it with the door-only
 * key, maybe try the engine (refused), maybe get the key upgraded after verification and drive it,
 * lock it, end the rental — and, sometimes, try the old key again afterwards (refused).
 */
import { and, assign } from 'xstate';
import {
  type CustomerContext,
  customerSetup,
  presentKey,
  type RentalDemand,
  sendFrom,
  toCar,
} from './customer-setup.ts';
import { DISPATCH } from './protocol.ts';

const plan = (ctx: CustomerContext) => ctx.plan as RentalDemand;
const toDispatch = (message: (ctx: CustomerContext) => { type: string; [k: string]: unknown }) =>
  sendFrom(() => DISPATCH, message);

export const renting = customerSetup.createStateConfig({
  initial: 'requesting',
  states: {
    requesting: {
      entry: [
        'nextRequest',
        toDispatch((ctx) => ({
          type: 'rental.request',
          request: {
            requestId: `${ctx.id}-R${ctx.requestSeq}`,
            renterId: ctx.id,
            vehicleId: plan(ctx).vehicleId,
            minutes: plan(ctx).minutes,
          },
        })),
      ],
      after: { answerTimeout: { target: '#customer.idle' } },
      on: {
        'rental.granted': {
          guard: 'ourRequest',
          target: 'walking',
          actions: assign(({ event }) => ({
            rentalId: event.rentalId,
            rentalKey: event.key,
            oldRentalKey: null,
          })),
        },
        'rental.refused': { guard: 'ourRequest', target: '#customer.idle' },
      },
    },
    walking: {
      entry: { type: 'walk', params: ({ context }) => ({ to: plan(context).carPosition }) },
      on: { 'travel.arrived': { target: 'unlocking' } },
    },
    unlocking: {
      entry: presentKey('door_unlock', 'rental'),
      after: { answerTimeout: { target: 'ending' } },
      on: {
        'key.result': [
          { guard: 'keyGranted', target: 'inside' },
          { guard: 'keyRefused', target: 'ending', actions: 'countRefusedKey' },
        ],
      },
    },
    inside: {
      always: [
        { guard: ({ context }) => plan(context).tryEngine, target: 'tryingEngine' },
        { target: 'deciding' },
      ],
    },
    // the door-only key does not start the engine: the car refuses and audits the attempt
    tryingEngine: {
      entry: presentKey('engine_start', 'rental'),
      after: { answerTimeout: { target: 'deciding' } },
      on: {
        'key.result': [
          { guard: 'keyRefused', target: 'deciding', actions: 'countRefusedKey' },
          { guard: 'keyGranted', target: 'driving' },
        ],
      },
    },
    deciding: {
      always: [
        { guard: ({ context }) => plan(context).upgradeLicence !== null, target: 'upgrading' },
        { target: 'using' },
      ],
    },
    upgrading: {
      entry: toDispatch((ctx) => ({
        type: 'rental.upgrade',
        rentalId: ctx.rentalId ?? '',
        renterId: ctx.id,
        licence: plan(ctx).upgradeLicence ?? '',
      })),
      after: { answerTimeout: { target: 'using' } },
      on: {
        'rental.upgraded': {
          guard: 'ourRental',
          target: 'starting',
          actions: assign(({ context, event }) => ({
            oldRentalKey: context.rentalKey,
            rentalKey: event.key,
          })),
        },
        'rental.upgradeRefused': { guard: 'ourRental', target: 'using' },
      },
    },
    starting: {
      entry: presentKey('engine_start', 'rental'),
      after: { answerTimeout: { target: 'using' } },
      on: {
        'key.result': [
          { guard: 'keyGranted', target: 'driving' },
          { guard: 'keyRefused', target: 'using', actions: 'countRefusedKey' },
        ],
      },
    },
    driving: {
      entry: toCar((ctx) => ({
        type: 'drive.to',
        to: plan(ctx).driveTo,
        parkingSpaceId: plan(ctx).driveToSpaceId,
      })),
      on: {
        'car.arrived': {
          guard: 'ourCar',
          target: 'using',
          actions: toCar(() => ({ type: 'engine.stop' })),
        },
      },
    },
    using: { after: { use: { target: 'locking' } } },
    locking: {
      entry: presentKey('door_lock', 'rental'),
      after: { answerTimeout: { target: 'ending' } },
      on: {
        'key.result': [
          { guard: 'keyGranted', target: 'ending' },
          // an expired key cannot lock either: the car relocks by itself after its timeout
          { guard: 'keyRefused', target: 'ending', actions: 'countRefusedKey' },
        ],
      },
    },
    ending: {
      entry: toDispatch((ctx) => ({ type: 'rental.end', rentalId: ctx.rentalId ?? '', renterId: ctx.id })),
      after: { answerTimeout: { target: '#customer.idle' } },
      on: {
        'rental.closed': [
          {
            guard: and(['ourRental', ({ context }) => plan(context).misuseAfterMs !== null]),
            target: 'misusing',
          },
          { guard: 'ourRental', target: '#customer.idle' },
        ],
      },
    },
    // the rental is over, but the phone still holds the key: a try is refused (revoked, expired)
    misusing: {
      initial: 'waiting',
      states: {
        waiting: { after: { misuseAfter: { target: 'trying' } } },
        trying: {
          entry: presentKey('door_unlock', 'oldRental'),
          after: { answerTimeout: { target: '#customer.idle' } },
          on: {
            'key.result': [
              { guard: 'keyRefused', target: '#customer.idle', actions: 'countRefusedKey' },
              { guard: 'keyGranted', target: '#customer.idle' },
            ],
          },
        },
      },
    },
  },
});
