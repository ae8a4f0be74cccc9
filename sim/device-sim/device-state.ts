import type {
  DeviceAck,
  DeviceCommand,
  DeviceKind,
  VehicleDeviceState,
} from '../../adapters/mqtt/topic-schema.ts';
import { ACTIONS } from '../../adapters/mqtt/topic-schema.ts';

/** What a stand-in device is: its kind, its physical state and the commands it has already acted on. */
export interface DeviceState {
  kind: DeviceKind;
  vehicle: VehicleDeviceState;
  lidOpen: boolean;
  scanning: boolean;
  /** Ack of every command id acted on, so a retried or duplicated command is answered, not redone. */
  readonly done: Map<string, DeviceAck>;
  /** How many times each action was really carried out (a duplicate never counts). */
  readonly acted: Record<string, number>;
}

export function initialDeviceState(kind: DeviceKind): DeviceState {
  return {
    kind,
    vehicle: { locked: true, doorOpen: false, trunkOpen: false, engineOn: false },
    lidOpen: false,
    scanning: kind === 'gateway',
    done: new Map(),
    acted: {},
  };
}

const REMEMBERED_COMMANDS = 10_000;

/**
 * Applies one command like the real hardware would: physical preconditions only (a locked trunk
 * still opens on `trunk_open`, which is the whole point of trunk delivery; an engine will not start
 * with the door locked from outside). Authorisation is the machine's job and happens before a
 * command is ever published. Returns the ack and whether the command was a duplicate.
 */
export function applyCommand(
  state: DeviceState,
  command: DeviceCommand,
): { ack: DeviceAck; duplicate: boolean } {
  const previous = state.done.get(command.id);
  if (previous) return { ack: previous, duplicate: true };
  const known = (ACTIONS[state.kind] as readonly string[]).includes(command.action);
  const refusal = known
    ? physicalRefusal(state, command.action)
    : `unknown action "${command.action}" for a ${state.kind}`;
  if (!refusal) {
    act(state, command.action);
    state.acted[command.action] = (state.acted[command.action] ?? 0) + 1;
  }
  const ack: DeviceAck = refusal
    ? { id: command.id, ok: false, reason: refusal }
    : { id: command.id, ok: true, ...(state.kind === 'vehicle' ? { state: { ...state.vehicle } } : {}) };
  if (state.done.size >= REMEMBERED_COMMANDS) state.done.delete(state.done.keys().next().value as string);
  state.done.set(command.id, ack);
  return { ack, duplicate: false };
}

function physicalRefusal(state: DeviceState, action: string): string | undefined {
  const v = state.vehicle;
  if (action === 'engine_start' && v.locked) return 'engine cannot start while the car is locked';
  if (action === 'lock' && v.engineOn) return 'cannot lock with the engine running';
  return undefined;
}

function act(state: DeviceState, action: string): void {
  const v = state.vehicle;
  switch (action) {
    case 'lock':
      v.locked = true;
      v.doorOpen = false;
      v.trunkOpen = false;
      return;
    case 'unlock':
    case 'door_unlock':
      v.locked = false;
      return;
    case 'trunk_open':
      v.trunkOpen = true;
      return;
    case 'trunk_close':
      v.trunkOpen = false;
      return;
    case 'engine_start':
      v.engineOn = true;
      return;
    case 'engine_stop':
      v.engineOn = false;
      return;
    case 'lid_open':
      state.lidOpen = true;
      return;
    case 'lid_close':
      state.lidOpen = false;
      return;
    case 'scan_start':
      state.scanning = true;
      return;
    case 'scan_stop':
      state.scanning = false;
      return;
    default:
      return; // goto / dwell: accepted; movement shows in telemetry
  }
}
