import type { DeviceTelemetry } from '../../adapters/mqtt/topic-schema.ts';
import { mqttActuate } from '../../adapters/mqtt/vehicle-actuator.ts';
import type { Point } from '../../machines/protocol.ts';
import { ACTUATOR_TIMEOUT_MS, type vehicleMachine } from '../../machines/vehicle.ts';
import type { City } from '../city/city.ts';
import type { NetMessage } from '../kernel/net.ts';
import type { RealDevice } from './real-devices.ts';

/** A car counts as standing in a parking space when its reported position is this close to it. */
const PARKING_SNAP_M = 30;

/** What a real car's telemetry tells the world: where it is and whether it stands in a space. */
export interface DeviceFix {
  readonly position: Point;
  readonly parked: boolean;
  readonly parkingSpaceId: string | null;
}

/** Projects a device's lon/lat into the city and finds the parking space it stands in, if any. */
export function deviceFixOf(city: City, t: DeviceTelemetry): DeviceFix {
  const position = city.projection.toXY(t.lon, t.lat);
  const parked = t.parked ?? true;
  let parkingSpaceId: string | null = null;
  if (parked && city.parking.length > 0) {
    const space = city.parking[city.parkingIndex.nearest(position.x, position.y)];
    if (space && Math.hypot(space.x - position.x, space.y - position.y) <= PARKING_SNAP_M)
      parkingSpaceId = space.id;
  }
  return { position: { x: position.x, y: position.y }, parked, parkingSpaceId };
}

/**
 * The same vehicle machine the simulated cars run, with the MQTT adapter's `actuate` injected by
 * `provide()` for this one car: every authorised actuation becomes a command, and the device's
 * ack (or the link's timeout) comes back as `actuator.ack` at the world's current instant.
 */
export function realVehicleMachine(
  machine: typeof vehicleMachine,
  device: RealDevice,
  inject: (event: NetMessage) => void,
  speed: () => number,
): typeof vehicleMachine {
  const actuate = mqttActuate(
    (action) => device.command(action),
    (ack) => inject(ack as unknown as NetMessage),
  );
  return machine.provide({
    actions: { actuate: (_, params) => actuate(params.what) },
    // the link's own wall-time timeout answers first (`timeout`); the car's timer, in sim time at
    // the run's speed, is only the backstop behind it
    delays: { actuatorTimeout: () => Math.max(ACTUATOR_TIMEOUT_MS, 2 * device.commandTimeoutMs * speed()) },
  });
}
