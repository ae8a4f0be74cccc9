/**
 * The vehicle's types, key verification and named effects, shared by the region configs
 * (vehicle-doors.ts, vehicle-trunk.ts, vehicle-engine.ts) and assembled in vehicle.ts.
 */
import { setup, stateIn } from 'xstate';
import type { CryptoPort, KeyHandle } from './crypto-port.ts';
import {
  type DigitalKey,
  type Entitlement,
  type KeyUseRefusal,
  type KeyUseResult,
  type VehicleKeyState,
  verifyKeyUse,
} from './digital-key.ts';
import type { SendParams } from './errand-order.ts';
import type { Point } from './protocol.ts';

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
  /** Presentations repeated while the car was still acting on them (answered once, with the first). */
  repeated: number;
}

/** The regions whose opening waits for the actuator before the presenter hears the outcome. */
export type WaitingRegion = 'doors' | 'trunk' | 'engine';

export interface VehicleContext extends VehicleInput {
  position: Point;
  parkingSpaceId: string | null;
  keys: VehicleKeyState;
  audit: VehicleAudit;
  /** Who opened the trunk with a key (a courier), until it is latched again. */
  trunkOpenedBy: string | null;
  /** Failed lock or latch attempts in a row (alarm while > 0). */
  failedAttempts: number;
  /** The presentation each region is acting on, answered once its actuator has (or has not). */
  asked: Readonly<Record<WaitingRegion, KeyPresent | null>>;
}

type Stamped = { readonly at?: number };

/**
 * What the car asks of its actuators. Every one but the engine stop waits for the ack: a lock or
 * latch that fails raises the alarm and is retried; an opening (doors, trunk, engine) is reported to
 * the presenter only once the device acked it, and one refused or unanswered sends the car back to
 * locked, latched or off.
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
  return what !== 'engine_stop';
}

/**
 * The car waits this long for an opening's ack before it gives up (`no_answer`): longer than the
 * MQTT link's command timeout and retries (5 s by default), shorter than the courier's and the
 * phone's wait for the key's answer, so the presenter always hears the outcome from the car.
 */
export const ACTUATOR_TIMEOUT_MS = 20_000;

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
  /** Internal: a key was accepted (raised after the verification). */
  | { type: 'key.granted'; present: KeyPresent };

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

export function verdict(context: VehicleContext, event: KeyPresent): KeyUseResult {
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

type Args = { context: VehicleContext; event: VehicleEvent };

/** What the car sends; a `key.result` names the presentation it answers (for the check's oracles). */
export type VehicleSendParams = SendParams & { readonly answers?: KeyPresent };

/** The `key.result` a presenter gets: `ok`, or refused with the key's or the actuator's reason. */
export function keyResult(
  context: VehicleContext,
  present: KeyPresent,
  ok: boolean,
  reason?: string,
): VehicleSendParams {
  return {
    to: present.presenterId,
    answers: present,
    message: {
      type: 'key.result',
      requestId: present.requestId,
      vehicleId: context.id,
      action: present.action,
      ok,
      ...(ok || reason === undefined ? {} : { reason }),
    },
  };
}

/** Answers the presentation a `key.granted` carries at once (already open; or busy). */
export function answerGranted(ok: boolean, reason?: string) {
  return {
    type: 'send' as const,
    params: ({ context, event }: Args): VehicleSendParams =>
      keyResult(context, (event as Extract<VehicleEvent, { type: 'key.granted' }>).present, ok, reason),
  };
}

function granted(action: Entitlement) {
  return ({ event }: Args) => event.type === 'key.granted' && event.present.action === action;
}

function acked(what: Actuation, ok: boolean) {
  return ({ event }: Args) => event.type === 'actuator.ack' && event.what === what && event.ok === ok;
}

export const report = { type: 'report' as const };

/**
 * A trunk opened by a key and not closed by hand after this long is closed and latched by the car's
 * power lid, as doors relock: a courier who left (or whose phone never heard the car answer) must
 * not leave it open. Longer than any deposit, so a healthy day never needs it.
 */
export const TRUNK_AUTO_LATCH_MS = 10 * 60_000;

export const vehicleSetup = setup({
  types: {
    context: {} as VehicleContext,
    events: {} as VehicleEvent,
    input: {} as VehicleInput,
  },
  actions: {
    send: (_, _params: VehicleSendParams) => {},
    /** Telemetry through the vehicle port: position, parking, locks, engine, revocation counter. */
    report: () => {},
    /** Every key attempt, granted or refused, for the car's audit trail. */
    audit: (_, _params: AuditParams) => {},
    /** Drives on the road graph; the world answers `travel.arrived`. */
    travel: (_, _params: { to: Point }) => {},
    /** Asks an actuator to act; the vehicle port answers `actuator.ack` whenever `awaitsAck`. */
    actuate: (_, _params: { what: Actuation }) => {},
    /** The 12 V socket follows the ignition: the beacon plugged in there powers on and off. */
    ignition: (_, _params: { on: boolean }) => {},
  },
  guards: {
    keyRefused: ({ context, event }) => event.type === 'key.present' && !verdict(context, event).ok,
    /**
     * The presenter asks again (its answer is slow: a real actuator over a paced run) for what the
     * car is still acting on: the answer to come covers it, and the used key must not refuse it.
     */
    repeatsPending: ({ context, event }) =>
      event.type === 'key.present' &&
      Object.values(context.asked).some(
        (p) =>
          p !== null &&
          p.requestId === event.requestId &&
          p.presenterId === event.presenterId &&
          p.key.keyId === event.key.keyId,
      ),
    unlockGranted: granted('door_unlock'),
    lockGranted: granted('door_lock'),
    trunkGranted: granted('trunk_open'),
    engineGranted: granted('engine_start'),
    unlocked: acked('door_unlock', true),
    unlockRefused: acked('door_unlock', false),
    opened: acked('trunk_open', true),
    openRefused: acked('trunk_open', false),
    started: acked('engine_start', true),
    startRefused: acked('engine_start', false),
    locked: acked('door_lock', true),
    lockFailed: acked('door_lock', false),
    latched: acked('trunk_latch', true),
    latchFailed: acked('trunk_latch', false),
    startsOnline: ({ context }) => context.online,
    engineRunning: stateIn({ engine: 'on' }),
    standing: stateIn({ motion: 'parked' }),
  },
  delays: {
    autoRelock: ({ context }) => context.autoRelockMs,
    relockRetry: ({ context }) => context.relockRetryMs,
    trunkAutoLatch: TRUNK_AUTO_LATCH_MS,
    actuatorTimeout: ACTUATOR_TIMEOUT_MS,
  },
});

/**
 * Answers the presentation a region acted on: by the actuator's ack (`ok`, or refused with the
 * device's reason), or refused with `refusal` (`no_answer` when the car gave up waiting). A use the
 * actuator never carried out is given back to the key, so the presenter may try again.
 */
export function answerAsked(region: WaitingRegion, refusal?: 'no_answer' | 'interrupted') {
  return vehicleSetup.enqueueActions(({ context, event, enqueue }) => {
    const present = context.asked[region];
    if (!present) return; // a region waits only on a granted presentation
    const ack = refusal === undefined && event.type === 'actuator.ack' ? event : undefined;
    const ok = ack?.ok === true;
    enqueue({ type: 'send', params: keyResult(context, present, ok, refusal ?? ack?.reason ?? 'refused') });
    const used = context.keys.usesByKey[present.key.keyId] ?? 0;
    enqueue.assign({
      asked: { ...context.asked, [region]: null },
      ...(ok
        ? {}
        : {
            keys: {
              ...context.keys,
              usesByKey: { ...context.keys.usesByKey, [present.key.keyId]: Math.max(0, used - 1) },
            },
          }),
    });
  });
}

/**
 * Remembers the granted presentation a region now acts on (and, for the trunk, who opens it: it is
 * theirs until latched again).
 */
export function takeAsked(region: WaitingRegion) {
  return vehicleSetup.enqueueActions(({ context, event, enqueue }) => {
    if (event.type !== 'key.granted') return;
    enqueue.assign({
      asked: { ...context.asked, [region]: event.present },
      ...(region === 'trunk' ? { trunkOpenedBy: event.present.presenterId } : {}),
    });
  });
}

/** A lock or latch that failed: the alarm sounds while it is retried. */
export const raiseAlarm = [
  vehicleSetup.assign({ failedAttempts: ({ context }) => context.failedAttempts + 1 }),
  report,
];

/**
 * The state an opening waits in for its actuator: acked, on to `done` (the presenter hears ok);
 * refused, or unanswered within the timeout, to `safe` (lock, latch, stop), and the presenter hears
 * why.
 */
export function awaitingAck(o: {
  region: WaitingRegion;
  what: Actuation;
  acked: 'unlocked' | 'opened' | 'started';
  refused: 'unlockRefused' | 'openRefused' | 'startRefused';
  done: string;
  safe: string;
}) {
  return vehicleSetup.createStateConfig({
    entry: { type: 'actuate', params: { what: o.what } },
    after: { actuatorTimeout: { target: o.safe, actions: answerAsked(o.region, 'no_answer') } },
    on: {
      'actuator.ack': [
        { guard: o.acked, target: o.done, actions: [answerAsked(o.region), report] },
        { guard: o.refused, target: o.safe, actions: answerAsked(o.region) },
      ],
    },
  });
}

/**
 * A region acting on something else (locking, latching, an opening or start under way, the alarm)
 * cannot grant `guard`'s action now: the presenter hears `busy` at once, never silence.
 */
export function busyFor(guard: 'unlockGranted' | 'trunkGranted' | 'engineGranted') {
  return { 'key.granted': { guard, actions: answerGranted(false, 'busy') } } as const;
}
