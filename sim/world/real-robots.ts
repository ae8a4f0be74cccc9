import type { CommandOutcome } from '../../adapters/mqtt/device-link.ts';
import type { robotMachine } from '../../machines/robot.ts';
import type { City } from '../city/city.ts';
import type { RealDevice } from './real-devices.ts';

/** What became of one command to a real robot: for the world's counters. */
export type RobotCommandOutcome = (action: string, outcome: CommandOutcome) => void;

/**
 * The same robot machine the simulated robots run, with the robot port's effects sent to the real
 * robot over MQTT by `provide()`: every stop it heads for becomes a `goto` (lon/lat) and the lid
 * follows the user's session (`lid_open` when identified, `lid_close` when the session ends). The
 * world still moves the robot on its walk graph until its telemetry says where it is; the robot's
 * sensors (identification, items) come back as its events (device-events.ts). Acks are counted, not
 * waited for: the machine's session rules hold whether or not the lid moved.
 */
export function realRobotMachine(
  machine: typeof robotMachine,
  device: RealDevice,
  city: City,
  outcome: RobotCommandOutcome,
  /** How the world moves the robot itself (its walk graph), until telemetry places it. */
  moveInSim: (robotId: string, to: { x: number; y: number }) => void,
): typeof robotMachine {
  const command = (action: string, params?: Record<string, number>) =>
    void device.command(action, params ? { params } : {}).then((result) => outcome(action, result));
  return machine.provide({
    actions: {
      travel: ({ self }, params) => {
        const { lon, lat } = city.projection.toLonLat(params.to.x, params.to.y);
        command('goto', { lon: round6(lon), lat: round6(lat) });
        moveInSim(self.id, params.to);
      },
      lid: (_, params) => command(params.open ? 'lid_open' : 'lid_close'),
    },
  });
}

/** About 10 cm: all a goto needs, and a stable payload. */
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
