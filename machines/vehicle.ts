import { and, assign, raise, setup, stateIn } from 'xstate';
import type { CryptoPort, KeyHandle } from './crypto-port.ts';
import {
  type DigitalKey,
  type Entitlement,
  initialVehicleKeyState,
  type KeyUseRefusal,
  type KeyUseResult,
  revokeAllBefore,
  revokeKey,
  type VehicleKeyState,
  verifyKeyUse,
} from './digital-key.ts';
import type { SendParams } from './errand-order.ts';
import { DISPATCH, type Point } from './protocol.ts';

export interface VehicleInput {
  readonly id: string;
  readonly ownerId: string;
  readonly position: Point;
  /** The parking space the car stands in (null: parked off-space, e.g. on a driveway). */
  readonly parkingSpaceId: string | null;
  /** The crypto port and dispatch's public key: the car verifies keys itself, even offline. */
  readonly crypto: CryptoPort;
  readonly issuerPublicKey: KeyHandle;
  /** Doors unlocked by a key and left alone lock again after this long (ms). */
  readonly autoRelockMs: number;
  /** A lock or latch that failed is retried this often, with the alarm on (ms). */
  readonly relockRetryMs: number;
  /** Whether the car has a data link at the start (an underground garage has none). */
  readonly online: boolean;
}

export interface VehicleAudit {
  granted: number;
  refused: Partial<Record<KeyUseRefusal, number>>;
}

export interface VehicleContext extends VehicleInput {
  position: Point;
  parkingSpaceId: string | null;
  keys: VehicleKeyState;
  audit: VehicleAudit;
  /** Who opened the trunk with a key (a courier), until it is latched again. */
  trunkOpenedBy: string | null;
  /** Failed lock or latch attempts in a row (alarm while > 0). */
  failedAttempts: number;
}

type Stamped = { readonly at?: number };

/**
 * What the car asks of its actuators. Locking and latching wait for the ack (a failure raises the
 * alarm and is retried); opening and the engine act at once in the sim, and a real device that
 * refuses or never answers an opening sends the trunk to its alarm or the doors back to locking.
 */
export type Actuation =
  | 'door_lock'
  | 'door_unlock'
  | 'trunk_open'
  | 'trunk_latch'
  | 'engine_start'
  | 'engine_stop';

/** The actuations the machine waits on: a port must answer these with `actuator.ack`. */
export function awaitsAck(what: Actuation): boolean {
  return what === 'door_lock' || what === 'trunk_latch';
}

/** A digital key presented by a phone or terminal (over Bluetooth: works without the car's link). */
export type KeyPresent = Stamped & {
  type: 'key.present';
  requestId: string;
  presenterId: string;
  key: DigitalKey;
  action: Entitlement;
};

export type VehicleEvent =
  | KeyPresent
  /** Physical acts of the person at the car. */
  | { type: 'trunk.close'; presenterId: string }
  | { type: 'engine.stop' }
  | { type: 'drive.to'; to: Point; parkingSpaceId: string | null }
  /** The vehicle port: movement and actuators. */
  | { type: 'travel.arrived'; position: Point }
  | { type: 'actuator.ack'; what: Actuation; ok: boolean; reason?: string }
  /** Cloud commands from dispatch; they reach the car only while it has a link. */
  | (Stamped & { type: 'vehicle.revoke'; keyId: string })
  | (Stamped & { type: 'vehicle.revokeAll'; epoch: number })
  | { type: 'link.lost' }
  | { type: 'link.restored' }
  /** Internal: a key was accepted for `action` (raised after the verification). */
  | { type: 'key.granted'; action: Entitlement; presenterId: string };

export interface AuditParams {
  readonly vehicleId: string;
  readonly keyId: string;
  readonly holderId: string;
  readonly presenterId: string;
  readonly action: Entitlement;
  readonly ok: boolean;
  readonly reason: KeyUseRefusal | null;
  /** Sim seconds, the car's clock. */
  readonly now: number;
  readonly validFrom: number;
  readonly validUntil: number;
  readonly entitlements: readonly Entitlement[];
  readonly maxUses: number | null;
  readonly usesAfter: number;
}

export interface TelemetryParams {
  readonly vehicleId: string;
  readonly position: Point;
  readonly parkingSpaceId: string | null;
  readonly parked: boolean;
  readonly doorsLocked: boolean;
  readonly trunk: 'closed' | 'open' | 'latching' | 'alarm';
  readonly engineOn: boolean;
  readonly revocationEpoch: number;
}

/**
 * One verification per presented key: guards and actions of the same transition ask for it, and
 * Ed25519 verification is the costly part. Keyed by the event object and the key state it was
 * checked against, so the cache can never answer for a different car state.
 */
const verdicts = new WeakMap<object, WeakMap<object, KeyUseResult>>();

function verdict(context: VehicleContext, event: KeyPresent): KeyUseResult {
  let byState = verdicts.get(event);
  if (!byState) {
    byState = new WeakMap();
    verdicts.set(event, byState);
  }
  let result = byState.get(context.keys);
  if (!result) {
    result = verifyKeyUse(context.crypto, context.issuerPublicKey, context.keys, {
      key: event.key,
      vehicleId: context.id,
      presenterId: event.presenterId,
      action: event.action,
      now: (event.at ?? 0) / 1000,
    });
    byState.set(context.keys, result);
  }
  return result;
}

function auditOf(context: VehicleContext, event: KeyPresent, result: KeyUseResult): AuditParams {
  const k = event.key;
  return {
    vehicleId: context.id,
    keyId: k.keyId,
    holderId: k.holderId,
    presenterId: event.presenterId,
    action: event.action,
    ok: result.ok,
    reason: result.ok ? null : result.reason,
    now: (event.at ?? 0) / 1000,
    validFrom: k.validFrom,
    validUntil: k.validUntil,
    entitlements: k.entitlements,
    maxUses: k.maxUses,
    usesAfter: result.ok
      ? (result.nextState.usesByKey[k.keyId] ?? 0)
      : (context.keys.usesByKey[k.keyId] ?? 0),
  };
}

/**
 * A trunk opened by a key and not closed by hand after this long is closed and latched by the car's
 * power lid, as doors relock: a courier who left (or whose phone never heard the car answer) must
 * not leave it open. Longer than any deposit, so a healthy day never needs it.
 */
export const TRUNK_AUTO_LATCH_MS = 10 * 60_000;

type Args = { context: VehicleContext; event: VehicleEvent };

const present = (event: VehicleEvent) => event as KeyPresent;

function reply(ok: boolean) {
  return {
    type: 'send' as const,
    params: ({ context, event }: Args): SendParams => {
      const e = present(event);
      const result = verdict(context, e);
      return {
        to: e.presenterId,
        message: {
          type: 'key.result',
          requestId: e.requestId,
          vehicleId: context.id,
          action: e.action,
          ok,
          ...(result.ok ? {} : { reason: result.reason }),
        },
      };
    },
  };
}

const audit = {
  type: 'audit' as const,
  params: ({ context, event }: Args): AuditParams =>
    auditOf(context, present(event), verdict(context, present(event))),
};

const report = { type: 'report' as const };

function granted(action: Entitlement) {
  return ({ event }: Args) => event.type === 'key.granted' && event.action === action;
}

/**
 * A car: parked or driving, door lock, trunk and engine, and a data link. It verifies every
 * presented digital key itself (signature, vehicle, holder, revocation counter, window, uses,
 * entitlement), acts only within it, audits every attempt — granted or refused, and why — and keeps
 * its key state (uses, revocations, the counter) in its own context, so a revocation it has seen
 * holds while it is offline. Doors left unlocked relock after a timeout, and a trunk left open closes
 * by its power lid after one; a lock or trunk latch that fails raises the alarm and is retried.
 * Position and state go out through the vehicle port (`report`), which the world holds as the car's
 * telemetry.
 */
export const vehicleMachine = setup({
  types: {
    context: {} as VehicleContext,
    events: {} as VehicleEvent,
    input: {} as VehicleInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
    /** Telemetry through the vehicle port: position, parking, locks, engine, revocation counter. */
    report: () => {},
    /** Every key attempt, granted or refused, for the car's audit trail. */
    audit: (_, _params: AuditParams) => {},
    /** Drives on the road graph; the world answers `travel.arrived`. */
    travel: (_, _params: { to: Point }) => {},
    /** Asks an actuator to act; the vehicle port answers `actuator.ack` (always for lock and latch). */
    actuate: (_, _params: { what: Actuation }) => {},
    /** The 12 V socket follows the ignition: the beacon plugged in there powers on and off. */
    ignition: (_, _params: { on: boolean }) => {},
  },
  guards: {
    keyRefused: ({ context, event }) => event.type === 'key.present' && !verdict(context, event).ok,
    unlockGranted: granted('door_unlock'),
    lockGranted: granted('door_lock'),
    trunkGranted: granted('trunk_open'),
    engineGranted: granted('engine_start'),
    actuated: ({ event }) => event.type === 'actuator.ack' && event.ok,
    latchAck: ({ event }) => event.type === 'actuator.ack' && event.what === 'trunk_latch',
    lockAck: ({ event }) => event.type === 'actuator.ack' && event.what === 'door_lock',
    openFailed: ({ event }) => event.type === 'actuator.ack' && event.what === 'trunk_open' && !event.ok,
    unlockFailed: ({ event }) => event.type === 'actuator.ack' && event.what === 'door_unlock' && !event.ok,
    startsOnline: ({ context }) => context.online,
    engineRunning: stateIn({ engine: 'on' }),
    standing: stateIn({ motion: 'parked' }),
  },
  delays: {
    autoRelock: ({ context }) => context.autoRelockMs,
    relockRetry: ({ context }) => context.relockRetryMs,
    trunkAutoLatch: TRUNK_AUTO_LATCH_MS,
  },
}).createMachine({
  id: 'vehicle',
  type: 'parallel',
  context: ({ input }) => ({
    ...input,
    keys: initialVehicleKeyState(),
    audit: { granted: 0, refused: {} },
    trunkOpenedBy: null,
    failedAttempts: 0,
  }),
  on: {
    'key.present': [
      {
        guard: 'keyRefused',
        actions: [
          reply(false),
          audit,
          assign({
            audit: ({ context, event }) => {
              const result = verdict(context, present(event));
              if (result.ok) return context.audit;
              const refused = { ...context.audit.refused };
              refused[result.reason] = (refused[result.reason] ?? 0) + 1;
              return { granted: context.audit.granted, refused };
            },
          }),
        ],
      },
      {
        actions: [
          reply(true),
          audit,
          assign(({ context, event }) => {
            const result = verdict(context, present(event));
            return result.ok
              ? { keys: result.nextState, audit: { ...context.audit, granted: context.audit.granted + 1 } }
              : {};
          }),
          raise(({ event }) => ({
            type: 'key.granted' as const,
            action: present(event).action,
            presenterId: present(event).presenterId,
          })),
        ],
      },
    ],
  },
  states: {
    motion: {
      initial: 'parked',
      states: {
        parked: {
          on: {
            'drive.to': {
              guard: 'engineRunning',
              target: 'driving',
              actions: [
                assign({ parkingSpaceId: ({ event }) => event.parkingSpaceId }),
                { type: 'travel', params: ({ event }) => ({ to: event.to }) },
                report,
              ],
            },
          },
        },
        driving: {
          on: {
            'travel.arrived': {
              target: 'parked',
              actions: [assign({ position: ({ event }) => event.position }), report],
            },
          },
        },
      },
    },
    doors: {
      initial: 'locked',
      states: {
        locked: {
          on: {
            'key.granted': {
              guard: 'unlockGranted',
              target: 'unlocked',
              actions: [{ type: 'actuate', params: { what: 'door_unlock' } }, report],
            },
          },
        },
        unlocked: {
          after: { autoRelock: { target: 'locking' } },
          on: {
            'key.granted': { guard: 'lockGranted', target: 'locking' },
            // the lock never opened (a real device refused or did not answer): back to a known state
            'actuator.ack': { guard: 'unlockFailed', target: 'locking' },
          },
        },
        locking: {
          entry: { type: 'actuate', params: { what: 'door_lock' } },
          on: {
            'actuator.ack': [
              {
                guard: and(['lockAck', 'actuated']),
                target: 'locked',
                actions: [assign({ failedAttempts: 0 }), report],
              },
              { guard: 'lockAck', target: 'alarm' },
            ],
          },
        },
        alarm: {
          entry: [assign({ failedAttempts: ({ context }) => context.failedAttempts + 1 }), report],
          after: { relockRetry: { target: 'locking' } },
        },
      },
    },
    trunk: {
      initial: 'closed',
      states: {
        closed: {
          on: {
            'key.granted': {
              guard: 'trunkGranted',
              target: 'open',
              actions: [
                assign({ trunkOpenedBy: ({ event }) => (event as { presenterId: string }).presenterId }),
                { type: 'actuate', params: { what: 'trunk_open' } },
                report,
              ],
            },
          },
        },
        open: {
          after: { trunkAutoLatch: { target: 'latching' } },
          on: {
            'trunk.close': { target: 'latching' },
            // the trunk did not open (refused, or the device never answered): alarm, then relatch
            'actuator.ack': { guard: 'openFailed', target: 'alarm' },
          },
        },
        latching: {
          entry: { type: 'actuate', params: { what: 'trunk_latch' } },
          on: {
            'actuator.ack': [
              {
                guard: and(['latchAck', 'actuated']),
                target: 'closed',
                actions: [assign({ trunkOpenedBy: null, failedAttempts: 0 }), report],
              },
              { guard: 'latchAck', target: 'alarm' },
            ],
          },
        },
        alarm: {
          entry: [assign({ failedAttempts: ({ context }) => context.failedAttempts + 1 }), report],
          after: { relockRetry: { target: 'latching' } },
        },
      },
    },
    engine: {
      initial: 'off',
      states: {
        off: {
          on: {
            'key.granted': {
              guard: 'engineGranted',
              target: 'on',
              actions: [
                { type: 'ignition', params: { on: true } },
                { type: 'actuate', params: { what: 'engine_start' } },
                report,
              ],
            },
          },
        },
        on: {
          on: {
            'engine.stop': {
              guard: 'standing',
              target: 'off',
              actions: [
                { type: 'ignition', params: { on: false } },
                { type: 'actuate', params: { what: 'engine_stop' } },
                report,
              ],
            },
          },
        },
      },
    },
    link: {
      initial: 'starting',
      states: {
        starting: { always: [{ guard: 'startsOnline', target: 'online' }, { target: 'offline' }] },
        online: {
          on: {
            'link.lost': { target: 'offline' },
            'vehicle.revoke': {
              actions: [
                assign({ keys: ({ context, event }) => revokeKey(context.keys, event.keyId) }),
                {
                  type: 'send',
                  params: ({ context, event }) => ({
                    to: DISPATCH,
                    message: { type: 'vehicle.revoked', vehicleId: context.id, keyId: event.keyId },
                  }),
                },
              ],
            },
            'vehicle.revokeAll': {
              actions: [
                assign({ keys: ({ context, event }) => revokeAllBefore(context.keys, event.epoch) }),
                report,
              ],
            },
          },
        },
        offline: { on: { 'link.restored': { target: 'online', actions: report } } },
      },
    },
  },
});

/** The whole-car view the world's vehicle port keeps as telemetry. */
export function telemetryOf(snapshot: { context: VehicleContext; value: unknown }): TelemetryParams {
  const v = snapshot.value as {
    motion: string;
    doors: string;
    trunk: string;
    engine: string;
  };
  const c = snapshot.context;
  return {
    vehicleId: c.id,
    position: c.position,
    parkingSpaceId: v.motion === 'parked' ? c.parkingSpaceId : null,
    parked: v.motion === 'parked',
    doorsLocked: v.doors === 'locked',
    trunk: v.trunk === 'closed' ? 'closed' : (v.trunk as TelemetryParams['trunk']),
    engineOn: v.engine === 'on',
    revocationEpoch: c.keys.revocationEpoch,
  };
}
