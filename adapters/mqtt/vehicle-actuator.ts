import type { Actuation } from '../../machines/vehicle.ts';
import type { CommandOutcome } from './device-link.ts';
import type { VEHICLE_ACTIONS } from './topic-schema.ts';

/** Each actuation of the vehicle machine as the MQTT command a car's controller understands. */
export const VEHICLE_COMMANDS: Readonly<Record<Actuation, (typeof VEHICLE_ACTIONS)[number]>> = {
  door_lock: 'lock',
  door_unlock: 'door_unlock',
  trunk_open: 'trunk_open',
  trunk_latch: 'trunk_close',
  engine_start: 'engine_start',
  engine_stop: 'engine_stop',
};

/** The machine's answer to one actuation: the device's ack, or `timeout` / `disconnected`. */
export interface ActuatorAck {
  type: 'actuator.ack';
  what: Actuation;
  ok: boolean;
  reason?: string;
}

/**
 * The vehicle port's `actuate` over MQTT: publishes the command and answers the machine with the
 * outcome once it is known — an ack with the device's reason, or a timeout. Only actuations the
 * machine has already authorised reach here (a refused key never produces an `actuate`).
 */
export function mqttActuate(
  command: (action: string) => Promise<CommandOutcome>,
  answer: (ack: ActuatorAck) => void,
): (what: Actuation) => void {
  return (what) => {
    void command(VEHICLE_COMMANDS[what]).then((outcome) =>
      answer({
        type: 'actuator.ack',
        what,
        ok: outcome.ok,
        ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
      }),
    );
  };
}
