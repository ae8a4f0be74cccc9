/**
 * The vehicle's trunk: a granted opening is reported to the courier only once the lid acked it
 * (refused or unanswered: the trunk is latched again); a trunk left open closes by its power lid,
 * and a latch that fails raises the alarm and is retried.
 */
import {
  answerGranted,
  awaitingAck,
  busyFor,
  raiseAlarm,
  report,
  takeAsked,
  vehicleSetup,
} from './vehicle-setup.ts';

export const trunk = vehicleSetup.createStateConfig({
  initial: 'closed',
  // opening, latching, or in alarm: not now
  on: busyFor('trunkGranted'),
  states: {
    closed: {
      on: {
        'key.granted': {
          guard: 'trunkGranted',
          target: 'opening',
          actions: takeAsked('trunk'),
        },
      },
    },
    // refused, or no answer: latch again, so the trunk is in a known state
    opening: awaitingAck({
      region: 'trunk',
      what: 'trunk_open',
      acked: 'opened',
      refused: 'openRefused',
      done: 'open',
      safe: 'latching',
    }),
    open: {
      after: { trunkAutoLatch: { target: 'latching' } },
      on: {
        'trunk.close': { target: 'latching' },
        'key.granted': { guard: 'trunkGranted', actions: answerGranted(true) },
      },
    },
    latching: {
      entry: { type: 'actuate', params: { what: 'trunk_latch' } },
      on: {
        'actuator.ack': [
          {
            guard: 'latched',
            target: 'closed',
            actions: [vehicleSetup.assign({ trunkOpenedBy: null, failedAttempts: 0 }), report],
          },
          { guard: 'latchFailed', target: 'alarm' },
        ],
      },
    },
    alarm: {
      entry: raiseAlarm,
      after: { relockRetry: { target: 'latching' } },
    },
  },
});
