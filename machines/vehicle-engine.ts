/**
 * The vehicle's engine and ignition: a granted start is reported to the presenter (and powers the
 * 12 V socket) only once the engine acked it; refused or unanswered, the engine is stopped to be
 * sure and stays off. The engine stops only while the car stands.
 */
import { answerGranted, awaitingAck, busyFor, report, takeAsked, vehicleSetup } from './vehicle-setup.ts';

const stop = [
  { type: 'ignition', params: { on: false } },
  { type: 'actuate', params: { what: 'engine_stop' } },
] as const;

const starting = awaitingAck({
  region: 'engine',
  what: 'engine_start',
  acked: 'started',
  refused: 'startRefused',
  done: 'on',
  safe: 'stopping',
});

export const engine = vehicleSetup.createStateConfig({
  initial: 'off',
  states: {
    off: {
      on: { 'key.granted': { guard: 'engineGranted', target: 'starting', actions: takeAsked('engine') } },
    },
    starting: {
      ...starting,
      on: { ...starting.on, ...busyFor('engineGranted') },
    },
    // refused, or no answer: stop the engine to be sure, and it is off
    stopping: { entry: stop, always: { target: 'off' } },
    on: {
      entry: { type: 'ignition', params: { on: true } },
      on: {
        'engine.stop': { guard: 'standing', target: 'off', actions: [...stop, report] },
        'key.granted': { guard: 'engineGranted', actions: answerGranted(true) },
      },
    },
  },
});
