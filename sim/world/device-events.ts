import type { DeviceEvent } from '../../adapters/mqtt/topic-schema.ts';
import type { City } from '../city/city.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { NetMessage } from '../kernel/net.ts';
import type { Mobility } from './mobility.ts';
import type { RealDevice, RealDevices } from './real-devices.ts';

/** What the sensor events of real gateways and robots need from the world. */
export interface DeviceEventWorld {
  readonly kernel: Kernel;
  readonly city: City;
  readonly mobility: Mobility;
  inject(id: string, event: NetMessage): void;
  /** The user a robot is serving now (its session), or null. */
  robotUser(robotId: string): string | null;
  /** The actor's statechart state as the event log names it (e.g. a store's `open`). */
  stateOf(id: string): string | undefined;
  /** Hears every state change the event log records. */
  onStateChange(listener: (id: string, state: string) => void): void;
}

/**
 * A real sensor's event as the event its machine already handles, or null when the machine has
 * nothing to do with it. Member codes are `M-<customer id>` (as the world issues them).
 */
export function machineEventOf(
  kind: 'gateway' | 'robot',
  event: DeviceEvent,
  now: number,
  user: string | null,
): NetMessage | null {
  if (kind === 'gateway')
    return event.type === 'beacon.heard'
      ? { type: 'scanner.heard', eid: event.ephemeralId, rssi: event.rssi, heardAt: now }
      : null;
  switch (event.type) {
    case 'user.identified':
      return {
        type: 'robot.identify',
        userId: event.memberCode.replace(/^M-/, ''),
        memberCode: event.memberCode,
      };
    case 'item.taken':
      return user === null ? null : { type: 'robot.take', userId: user, productId: event.productId };
    case 'item.returned':
      return user === null ? null : { type: 'robot.putBack', userId: user, productId: event.productId };
    default:
      return null; // the lid is the sensor's business: items are what the machine counts
  }
}

/**
 * Feeds the sensor events of real beacon gateways (a store's curb scanner) and robots into their
 * machines, and a real robot's telemetry into the world's locate. Each arrives at the world's
 * current instant, like any injected event.
 */
export function followDeviceEvents(devices: RealDevices, w: DeviceEventWorld): void {
  for (const gateway of devices.of('gateway')) scanWhileOpen(gateway, w);
  for (const device of [...devices.of('gateway'), ...devices.of('robot')]) {
    const kind = device.kind as 'gateway' | 'robot';
    device.streams.events.subscribe((event) => {
      const user = kind === 'robot' ? w.robotUser(device.id) : null;
      const message = machineEventOf(kind, event, w.kernel.now, user);
      if (message) w.inject(device.id, message);
    });
    if (kind === 'robot')
      device.streams.telemetry.subscribe((t) => {
        if (w.mobility.isMoving(device.id)) return;
        const p = w.city.projection.toXY(t.lon, t.lat);
        w.mobility.place(device.id, 'foot', { x: p.x, y: p.y });
      });
  }
}

/**
 * A store's curb scanner scans while the store is open: `scan_start` when it opens (and at the
 * start of the run if it is open then), `scan_stop` when it closes. Outcomes are the link's to
 * count; a gateway that misses one is told again at the next opening or closing.
 */
export function scanWhileOpen(gateway: RealDevice, w: DeviceEventWorld): void {
  let open = w.stateOf(gateway.id) === 'open';
  if (open) void gateway.command('scan_start');
  w.onStateChange((id, state) => {
    if (id !== gateway.id || (state === 'open') === open) return;
    open = state === 'open';
    void gateway.command(open ? 'scan_start' : 'scan_stop');
  });
}
