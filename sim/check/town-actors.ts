/**
 * Creates the bench town's actors from `bench-town.ts`: dispatch with the flows' settings, the
 * stores, cars and their beacons, couriers (on shift from the start), customers (owners hold a
 * phone key for their car) and the robot (on shift, restocking first).
 */
import type { AnyStateMachine } from 'xstate';
import type { CryptoPort, KeyHandle } from '../../machines/crypto-port.ts';
import { type DigitalKey, ENTITLEMENTS, issueKey } from '../../machines/digital-key.ts';
import type { FlowsInput } from '../../machines/dispatch-flows.ts';
import {
  AREA_ID,
  CARS,
  COURIER_CATEGORIES,
  COURIERS,
  CUSTOMERS,
  FEES,
  ROBOT,
  SPACES,
  STORES,
  TIMING,
  TRUNK_FEES,
} from './bench-town.ts';
import { DurableActor } from './durable-actor.ts';
import type { ProtocolBench } from './protocol-bench.ts';
import { bindSystem, townMachines } from './town-machines.ts';

/** Owner keys outlive any run. */
const OWNER_KEY_SECONDS = 10 * 365 * 86_400;

export function beaconSecret(beaconId: string): Uint8Array {
  return new Uint8Array(16).map((_, i) => (beaconId.charCodeAt(1) * 31 + i * 7) & 0xff);
}

function durable(bench: ProtocolBench, id: string, logic: AnyStateMachine, input: unknown): void {
  bench.adopt(
    new DurableActor({
      id,
      logic,
      input: input as never,
      kernel: bench.kernel,
      launched: (actor) => bindSystem(actor.system, bench),
      ...bench.observation(id),
    }),
  );
}

export function flowsInput(crypto: CryptoPort, privateKey: KeyHandle): FlowsInput {
  const stores: Record<string, FlowsInput['trunk']['stores'][string]> = {};
  for (const s of STORES.filter((s) => s.trunk))
    stores[s.id] = { id: s.id, position: s.position, areaId: AREA_ID };
  const beacons = CARS.filter((c) => c.beaconId !== null);
  return {
    keys: { crypto, privateKey },
    trunk: { timing: TIMING.trunk, fees: TRUNK_FEES, stores },
    rental: TIMING.rental,
    preorder: {
      pickupWindowMs: TIMING.preorder.pickupWindowMs,
      handoverTimeoutMs: TIMING.preorder.handoverTimeoutMs,
      beacons: {
        registry: beacons.map((c) => ({
          deviceId: c.beaconId as string,
          secret: beaconSecret(c.beaconId as string),
        })),
        slotSeconds: TIMING.preorder.slotSeconds,
        driftSlots: TIMING.preorder.driftSlots,
      },
      owners: Object.fromEntries(beacons.map((c) => [c.beaconId as string, c.ownerId as string])),
    },
    robot: { prices: ROBOT.prices, unpaidGraceMs: TIMING.cartGraceMs },
  };
}

/** The owner's phone key: every entitlement, for years. */
function ownerKey(bench: ProtocolBench, vehicleId: string, holderId: string): DigitalKey {
  return issueKey(bench.crypto, bench.issuer.privateKey, {
    keyId: `O:${vehicleId}`,
    vehicleId,
    holderId,
    entitlements: [...ENTITLEMENTS],
    validFrom: 0,
    validUntil: OWNER_KEY_SECONDS,
    maxUses: null,
    revocationEpoch: 0,
    issuedAt: 0,
  });
}

/** Every actor of the town, in a fixed order (the order is part of what makes runs repeatable). */
export function createTownActors(bench: ProtocolBench): void {
  const m = townMachines(bench.options.mutant);
  durable(bench, 'dispatch', m.dispatch, {
    fees: FEES,
    timing: TIMING.errand,
    pullLimit: 5,
    flows: flowsInput(bench.crypto, bench.issuer.privateKey),
  });
  for (const s of STORES)
    durable(bench, s.id, m.store, { id: s.id, position: s.position, openAtStart: true });
  for (const car of CARS) {
    const space = SPACES.find((s) => s.id === car.spaceId)!;
    bench.movement.place(car.id, space.position);
    durable(bench, car.id, m.vehicle, {
      id: car.id,
      ownerId: car.ownerId ?? 'pool',
      position: space.position,
      parkingSpaceId: space.id,
      crypto: bench.crypto,
      issuerPublicKey: bench.issuer.publicKey,
      autoRelockMs: TIMING.vehicle.autoRelockMs,
      relockRetryMs: TIMING.vehicle.relockRetryMs,
      online: space.garage !== true,
    });
  }
  for (const car of CARS) {
    if (car.beaconId === null) continue;
    durable(bench, car.beaconId, m.beacon, {
      id: car.beaconId,
      vehicleId: car.id,
      secret: beaconSecret(car.beaconId),
      crypto: bench.crypto,
      clockOffsetMs: car.beaconDriftMs,
      slotSeconds: TIMING.preorder.slotSeconds,
    });
  }
  for (const c of COURIERS) {
    bench.movement.place(c.id, c.home);
    durable(bench, c.id, m.courier, {
      id: c.id,
      courierType: c.courierType,
      mode: c.mode,
      categories: COURIER_CATEGORIES,
      home: c.home,
      ...TIMING.courier,
      acceptTimeoutMs: TIMING.acceptTimeoutMs,
    });
    bench.inject(c.id, { type: 'shift.start' });
  }
  for (const u of CUSTOMERS) {
    const car = CARS.find((c) => c.ownerId === u.id);
    bench.movement.place(u.id, u.home);
    durable(bench, u.id, m.customer, {
      id: u.id,
      home: u.home,
      phone: `+377-6-${u.id.slice(1).padStart(7, '0')}`,
      answerTimeoutMs: TIMING.answerTimeoutMs,
      vehicleId: car?.id ?? null,
      ownerKey: car ? ownerKey(bench, car.id, u.id) : null,
      beaconId: car?.beaconId ?? null,
      memberCode: `M-${u.id}`,
    });
  }
  bench.movement.place(ROBOT.id, ROBOT.depot);
  durable(bench, ROBOT.id, m.robot, {
    id: ROBOT.id,
    depot: ROBOT.depot,
    stops: ROBOT.stops,
    dwellMs: TIMING.robot.dwellMs,
    restockMs: TIMING.robot.restockMs,
    restockBelow: 0,
    load: ROBOT.load,
    sessionTimeoutMs: TIMING.robot.sessionTimeoutMs,
  });
  bench.inject(ROBOT.id, { type: 'shift.start' });
}
