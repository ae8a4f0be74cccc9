/**
 * The vehicle's door lock: a granted unlock is reported to the presenter only once the lock acked
 * it (refused or unanswered: the doors lock again); doors left unlocked relock by themselves, and a
 * lock that fails raises the alarm and is retried.
 */
import {
  answerAsked,
  answerGranted,
  awaitingAck,
  busyFor,
  raiseAlarm,
  report,
  takeAsked,
  vehicleSetup,
} from './vehicle-setup.ts';

// refused, or no answer: lock again, so the doors are in a known state
const unlocking = awaitingAck({
  region: 'doors',
  what: 'door_unlock',
  acked: 'unlocked',
  refused: 'unlockRefused',
  done: 'unlocked',
  safe: 'locking',
});

export const doors = vehicleSetup.createStateConfig({
  initial: 'locked',
  // locking, or in alarm: the doors cannot open now
  on: busyFor('unlockGranted'),
  states: {
    locked: {
      on: { 'key.granted': { guard: 'unlockGranted', target: 'unlocking', actions: takeAsked('doors') } },
    },
    unlocking: {
      ...unlocking,
      on: {
        ...unlocking.on,
        // the owner locks before the unlock was carried out: the lock wins
        'key.granted': {
          guard: 'lockGranted',
          target: 'locking',
          actions: answerAsked('doors', 'interrupted'),
        },
      },
    },
    unlocked: {
      after: { autoRelock: { target: 'locking' } },
      on: {
        'key.granted': [
          { guard: 'lockGranted', target: 'locking' },
          { guard: 'unlockGranted', actions: answerGranted(true) },
        ],
      },
    },
    locking: {
      entry: { type: 'actuate', params: { what: 'door_lock' } },
      on: {
        'actuator.ack': [
          {
            guard: 'locked',
            target: 'locked',
            actions: [vehicleSetup.assign({ failedAttempts: 0 }), report],
          },
          { guard: 'lockFailed', target: 'alarm' },
        ],
      },
    },
    alarm: {
      entry: raiseAlarm,
      after: { relockRetry: { target: 'locking' } },
    },
  },
});
