import { assign, raise } from 'xstate';
import { initialVehicleKeyState, type KeyUseResult, revokeAllBefore, revokeKey } from './digital-key.ts';
import { DISPATCH } from './protocol.ts';
import { doors } from './vehicle-doors.ts';
import { engine } from './vehicle-engine.ts';
import {
  type AuditParams,
  type KeyPresent,
  keyResult,
  report,
  type TelemetryParams,
  type VehicleContext,
  type VehicleEvent,
  type VehicleSendParams,
  vehicleSetup,
  verdict,
} from './vehicle-setup.ts';
import { trunk } from './vehicle-trunk.ts';

export {
  ACTUATOR_TIMEOUT_MS,
  type Actuation,
  type AuditParams,
  awaitsAck,
  type KeyPresent,
  type TelemetryParams,
  TRUNK_AUTO_LATCH_MS,
  type VehicleAudit,
  type VehicleContext,
  type VehicleEvent,
  type VehicleInput,
  type VehicleSendParams,
} from './vehicle-setup.ts';

/** The actions whose grant is answered only once the actuator acted (by the doors, trunk, engine). */
const WAITS_FOR_ACTUATOR = new Set(['door_unlock', 'trunk_open', 'engine_start']);

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

type Args = { context: VehicleContext; event: VehicleEvent };

const present = (event: VehicleEvent) => event as KeyPresent;

const audit = {
  type: 'audit' as const,
  params: ({ context, event }: Args): AuditParams =>
    auditOf(context, present(event), verdict(context, present(event))),
};

/**
 * A car: parked or driving, door lock, trunk and engine, and a data link. It verifies every
 * presented digital key itself (signature, vehicle, holder, revocation counter, window, uses,
 * entitlement), acts only within it, audits every attempt — granted or refused, and why — and keeps
 * its key state (uses, revocations, the counter) in its own context, so a revocation it has seen
 * holds while it is offline. An unlock, a trunk opening or an engine start is answered only once its
 * actuator acked it, and one refused or unanswered leaves the car locked, latched or off (regions in
 * vehicle-doors.ts, vehicle-trunk.ts, vehicle-engine.ts). Position and state go out through the
 * vehicle port (`report`), which the world holds as the car's telemetry.
 */
export const vehicleMachine = vehicleSetup.createMachine({
  id: 'vehicle',
  type: 'parallel',
  context: ({ input }) => ({
    ...input,
    keys: initialVehicleKeyState(),
    audit: { granted: 0, refused: {}, repeated: 0 },
    trunkOpenedBy: null,
    failedAttempts: 0,
    asked: { doors: null, trunk: null, engine: null },
  }),
  on: {
    'key.present': [
      {
        guard: 'repeatsPending',
        actions: assign({
          audit: ({ context }) => ({ ...context.audit, repeated: context.audit.repeated + 1 }),
        }),
      },
      {
        guard: 'keyRefused',
        actions: [
          {
            type: 'send',
            params: ({ context, event }): VehicleSendParams => {
              const result = verdict(context, present(event));
              return keyResult(context, present(event), false, result.ok ? undefined : result.reason);
            },
          },
          audit,
          assign({
            audit: ({ context, event }) => {
              const result = verdict(context, present(event));
              if (result.ok) return context.audit;
              const refused = { ...context.audit.refused };
              refused[result.reason] = (refused[result.reason] ?? 0) + 1;
              return { ...context.audit, refused };
            },
          }),
        ],
      },
      {
        actions: [
          // a lock (retried until it holds) and the comfort actions are answered at once
          vehicleSetup.enqueueActions(({ context, event, enqueue }) => {
            if (!WAITS_FOR_ACTUATOR.has(present(event).action))
              enqueue({ type: 'send', params: keyResult(context, present(event), true) });
          }),
          audit,
          assign(({ context, event }) => {
            const result = verdict(context, present(event));
            return result.ok
              ? { keys: result.nextState, audit: { ...context.audit, granted: context.audit.granted + 1 } }
              : {};
          }),
          raise(({ event }) => ({ type: 'key.granted' as const, present: present(event) })),
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
    doors,
    trunk,
    engine,
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
                assign({
                  keys: ({ context, event }) => revokeAllBefore(context.keys, event.epoch),
                }),
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

/**
 * The whole-car view the world's vehicle port keeps as telemetry. Doors still unlocking count as
 * locked until the lock acked, a trunk still opening as closed, an engine still starting as off.
 */
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
    doorsLocked: v.doors === 'locked' || v.doors === 'unlocking',
    trunk: v.trunk === 'opening' ? 'closed' : (v.trunk as TelemetryParams['trunk']),
    engineOn: v.engine === 'on',
    revocationEpoch: c.keys.revocationEpoch,
  };
}
