/**
 * Creates the bench town's actors from `bench-town.ts` and provides their effects: every machine is
 * the product's own, given the bench's ports (net, movement, radio, telemetry, payments) and then,
 * for the mutation check, the mutant's patch.
 */
import type { AnyActorRef, AnyStateMachine } from 'xstate';
import { beaconMachine } from '../../machines/beacon.ts';
import { beaconDeskMachine } from '../../machines/beacon-desk.ts';
import { cartDeskMachine } from '../../machines/cart-desk.ts';
import { courierMachine } from '../../machines/courier.ts';
import { customerMachine } from '../../machines/customer.ts';
import { type DigitalKey, ENTITLEMENTS, issueKey } from '../../machines/digital-key.ts';
import { dispatchMachine } from '../../machines/dispatch.ts';
import type { FlowsInput } from '../../machines/dispatch-flows.ts';
import { errandOrderMachine, type SendParams } from '../../machines/errand-order.ts';
import { mapGet } from '../../machines/persistent-map.ts';
import { preorderMachine } from '../../machines/preorder.ts';
import type { Point } from '../../machines/protocol.ts';
import { rentalMachine } from '../../machines/rental.ts';
import { robotMachine } from '../../machines/robot.ts';
import { storeMachine } from '../../machines/store.ts';
import { trunkOrderMachine } from '../../machines/trunk-order.ts';
import { type KeyPresent, telemetryOf, type VehicleContext, vehicleMachine } from '../../machines/vehicle.ts';
import {
  AREA_ID,
  CARS,
  COURIER_CATEGORIES,
  COURIERS,
  CUSTOMERS,
  FEES,
  ROBOT,
  SPACES,
  SPEED,
  STORES,
  TIMING,
  TRUNK_FEES,
  unreachable,
} from './bench-town.ts';
import { DurableActor } from './durable-actor.ts';
import type { ProtocolBench } from './protocol-bench.ts';

/** Owner keys outlive any run. */
const OWNER_KEY_SECONDS = 10 * 365 * 86_400;

function beaconSecret(beaconId: string): Uint8Array {
  return new Uint8Array(16).map((_, i) => (beaconId.charCodeAt(1) * 31 + i * 7) & 0xff);
}

function durable(bench: ProtocolBench, id: string, logic: AnyStateMachine, input: unknown): void {
  bench.adopt(new DurableActor({ id, logic, input: input as never, kernel: bench.kernel, inspect: bench.inspect }));
}

/** The common `send` effect: from the acting actor over the net. */
function sender(bench: ProtocolBench) {
  return ({ self }: { self: AnyActorRef }, params: SendParams) => bench.send(self.id, params.to, params.message);
}

export function flowsInput(bench: ProtocolBench): FlowsInput {
  const stores: Record<string, FlowsInput['trunk']['stores'][string]> = {};
  for (const s of STORES.filter((s) => s.trunk)) stores[s.id] = { id: s.id, position: s.position, areaId: AREA_ID };
  const beacons = CARS.filter((c) => c.beaconId !== null);
  return {
    keys: { crypto: bench.crypto, privateKey: bench.issuer.privateKey },
    trunk: { timing: TIMING.trunk, fees: TRUNK_FEES, stores },
    rental: TIMING.rental,
    preorder: {
      pickupWindowMs: TIMING.preorder.pickupWindowMs,
      handoverTimeoutMs: TIMING.preorder.handoverTimeoutMs,
      beacons: {
        registry: beacons.map((c) => ({ deviceId: c.beaconId as string, secret: beaconSecret(c.beaconId as string) })),
        slotSeconds: TIMING.preorder.slotSeconds,
        driftSlots: TIMING.preorder.driftSlots,
      },
      owners: Object.fromEntries(beacons.map((c) => [c.beaconId as string, c.ownerId as string])),
    },
    robot: { prices: ROBOT.prices, unpaidGraceMs: TIMING.cartGraceMs },
  };
}

function createDispatch(bench: ProtocolBench): void {
  const net = (_: unknown, params: SendParams) => bench.send('dispatch', params.to, params.message);
  const broadcast = (_: unknown, params: { to: readonly string[]; message: SendParams['message'] }) => {
    for (const to of params.to) bench.send('dispatch', to, params.message);
  };
  const quiet = { lifecycle: () => {}, count: () => {} };
  const findCouriers = (_: unknown, p: { orderId: string; point: Point; radius: number }) => {
    const courierIds = COURIERS.filter((c) => {
      if (c.courierType !== 'professional') return false;
      const snap = bench.snapshotOf(c.id);
      if (!bench.actors.get(c.id)?.up || snap?.value === 'offDuty') return false;
      const at = bench.movement.position(c.id);
      return Math.hypot(at.x - p.point.x, at.y - p.point.y) <= p.radius;
    }).map((c) => c.id);
    bench.send('spatial', 'dispatch', { type: 'couriers.found', orderId: p.orderId, courierIds });
  };
  const checkPlacement = (_: unknown, p: { orderId: string; vehicleId: string; areaId: string }) =>
    bench.send('vehicles', 'dispatch', {
      type: 'placement.checked',
      orderId: p.orderId,
      placement: bench.telemetry.placement(p.vehicleId, p.areaId),
    });
  const payments = (_: unknown, instruction: Parameters<typeof bench.payments.execute>[0]) =>
    bench.payments.execute(instruction);
  const errandOrder = bench.patched(
    'errandOrder',
    errandOrderMachine.provide({
      actions: {
        send: net,
        broadcast,
        ...quiet,
        findCouriers,
        requestQuote: (_, p) => {
          const far = unreachable(p.from) || unreachable(p.to);
          const d = Math.round(Math.hypot(p.to.x - p.from.x, p.to.y - p.from.y) * 1.3);
          bench.send('routing', 'dispatch', {
            type: 'route.quote',
            orderId: p.orderId,
            distance: far ? null : d,
            duration: far ? null : Math.round(d / SPEED.car),
          });
        },
      },
    }),
  );
  const trunkOrder = bench.patched(
    'trunkOrder',
    trunkOrderMachine.provide({
      actions: {
        send: net,
        broadcast,
        ...quiet,
        findCouriers,
        checkPlacement,
        checkLock: (_, p) =>
          bench.send('vehicles', 'dispatch', {
            type: 'lock.checked',
            orderId: p.orderId,
            vehicleId: p.vehicleId,
            trunk: bench.telemetry.trunk(p.vehicleId),
          }),
      },
    }),
  );
  const rental = bench.patched(
    'rental',
    rentalMachine.provide({
      actions: {
        send: net,
        ...quiet,
        checkPlacement,
        sendEach: (_, p) => {
          for (const message of p.messages) bench.send('dispatch', p.to, message);
        },
      },
    }),
  );
  const preorder = bench.patched('preorder', preorderMachine.provide({ actions: { send: net, ...quiet } }));
  const cartDesk = bench.patched('cartDesk', cartDeskMachine.provide({ actions: { send: net, payments, ...quiet } }));
  const beaconDesk = bench.patched(
    'beaconDesk',
    beaconDeskMachine.provide({
      actions: {
        count: ({ context, event }, params) => {
          if (params.counter !== 'resolvedAdvertisements' || event.type !== 'scanner.report') return;
          const beacon = bench.radio.beaconOf(event.eid) ?? '';
          bench.invariants.advertResolved(event.eid, mapGet(context.bound, beacon)?.orderId ?? `(unbound ${beacon})`);
        },
      },
    }),
  );
  const dispatch = bench.patched(
    'dispatch',
    dispatchMachine.provide({
      actors: { errandOrder, trunkOrder, rental, preorder, cartDesk, beaconDesk } as never,
      actions: {
        send: net,
        broadcast,
        payments,
        violation: (_, p) => bench.invariants.reported(p.rule, p.detail),
      },
    }),
  );
  durable(bench, 'dispatch', dispatch, {
    fees: FEES,
    timing: TIMING.errand,
    pullLimit: 5,
    flows: flowsInput(bench),
  });
}

function createStores(bench: ProtocolBench): void {
  const machine = bench.patched(
    'store',
    storeMachine.provide({
      actions: {
        send: sender(bench),
        handedToCar: (_, p) => bench.invariants.handedToCar(p.orderId, p.storeId),
      },
      delays: { preparation: TIMING.preparationMs },
    }),
  );
  for (const s of STORES) durable(bench, s.id, machine, { id: s.id, position: s.position, openAtStart: true });
}

function createCouriers(bench: ProtocolBench): void {
  const machine = bench.patched(
    'courier',
    courierMachine.provide({
      actions: {
        send: sender(bench),
        travel: ({ self, context }, p) =>
          bench.movement.travel(self.id, p.to, SPEED[context.mode], (at) =>
            bench.inject(self.id, { type: 'travel.arrived', position: at }),
          ),
        stopTravel: ({ self }) => bench.movement.stop(self.id),
        reportPosition: ({ self }) =>
          bench.send(self.id, 'dispatch', {
            type: 'courier.position',
            courierId: self.id,
            position: bench.movement.position(self.id),
            eta: null,
          }),
      },
    }),
  );
  for (const c of COURIERS) {
    bench.movement.place(c.id, c.home);
    durable(bench, c.id, machine, {
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
}

function createCustomers(bench: ProtocolBench): void {
  const machine = bench.patched(
    'customer',
    customerMachine.provide({
      actions: {
        send: sender(bench),
        walk: ({ self }, p) =>
          bench.movement.travel(self.id, p.to, SPEED.foot, (at) =>
            bench.inject(self.id, { type: 'travel.arrived', position: at }),
          ),
      },
    }),
  );
  for (const u of CUSTOMERS) {
    const car = CARS.find((c) => c.ownerId === u.id);
    let ownerKey: DigitalKey | null = null;
    if (car)
      ownerKey = issueKey(bench.crypto, bench.issuer.privateKey, {
        keyId: `O:${car.id}`,
        vehicleId: car.id,
        holderId: u.id,
        entitlements: [...ENTITLEMENTS],
        validFrom: 0,
        validUntil: OWNER_KEY_SECONDS,
        maxUses: null,
        revocationEpoch: 0,
        issuedAt: 0,
      });
    bench.movement.place(u.id, u.home);
    durable(bench, u.id, machine, {
      id: u.id,
      home: u.home,
      phone: `+377-6-${u.id.slice(1).padStart(7, '0')}`,
      answerTimeoutMs: TIMING.answerTimeoutMs,
      vehicleId: car?.id ?? null,
      ownerKey,
      beaconId: car?.beaconId ?? null,
      memberCode: `M-${u.id}`,
    });
  }
}

function createCars(bench: ProtocolBench): void {
  const reported = new Set<string>();
  const machine = bench.patched(
    'vehicle',
    vehicleMachine.provide({
      actions: {
        send: ({ self, event }, params) => {
          const m = params.message;
          if (m.type === 'key.result')
            bench.invariants.keyAnswered(self.id, event as KeyPresent, m.ok === true, bench.kernel.now);
          if (m.type === 'vehicle.revoked') bench.invariants.carRevoked(self.id, String(m.keyId));
          bench.send(self.id, params.to, m);
        },
        report: ({ self }) => {
          reported.add(self.id);
        },
        audit: (_, p) => {
          if (p.ok && p.action === 'engine_start') bench.drivers.set(p.vehicleId, p.presenterId);
        },
        travel: ({ self }, p) => {
          bench.radio.carLeft(self.id);
          bench.movement.travel(self.id, p.to, SPEED.car, (at) => {
            bench.inject(self.id, { type: 'travel.arrived', position: at });
            const driver = bench.drivers.get(self.id);
            if (driver) bench.inject(driver, { type: 'car.arrived', vehicleId: self.id, position: at });
            bench.radio.carStopped(self.id, at);
          });
        },
        actuate: ({ self }, p) => {
          const ok = !bench.failingActuators.has(self.id);
          bench.kernel.after(TIMING.actuatorAckMs, () =>
            bench.inject(self.id, { type: 'actuator.ack', what: p.what, ok }),
          );
        },
        ignition: ({ self }, p) => {
          const beacon = CARS.find((c) => c.id === self.id)?.beaconId;
          if (beacon) bench.inject(beacon, { type: p.on ? 'power.on' : 'power.off' });
        },
      },
    }),
  );
  for (const car of CARS) {
    const space = SPACES.find((s) => s.id === car.spaceId)!;
    bench.movement.place(car.id, space.position);
    const actor = new DurableActor({
      id: car.id,
      logic: machine,
      input: {
        id: car.id,
        ownerId: car.ownerId ?? 'pool',
        position: space.position,
        parkingSpaceId: space.id,
        crypto: bench.crypto,
        issuerPublicKey: bench.issuer.publicKey,
        autoRelockMs: TIMING.vehicle.autoRelockMs,
        relockRetryMs: TIMING.vehicle.relockRetryMs,
        online: true,
      } as never,
      kernel: bench.kernel,
      // the car's telemetry follows its reports, and only while it has a link
      inspect: (ev) => {
        bench.inspect(ev);
        if (ev.type !== '@xstate.snapshot' || (ev.actorRef as AnyActorRef).id !== car.id || !reported.delete(car.id)) return;
        const snap = ev.snapshot as unknown as { context: VehicleContext; value: { link: string } };
        if (snap.value.link === 'online') bench.telemetry.record(telemetryOf(snap as never));
      },
    });
    bench.adopt(actor);
    bench.telemetry.record(telemetryOf(actor.actor.getSnapshot() as never));
  }
}

function createBeacons(bench: ProtocolBench): void {
  const machine = bench.patched(
    'beacon',
    beaconMachine.provide({
      actions: {
        send: sender(bench),
        advertise: (_, p) => bench.radio.advertised(p.beaconId, p.vehicleId, p.eid),
      },
    }),
  );
  for (const car of CARS.filter((c) => c.beaconId !== null)) {
    const id = car.beaconId as string;
    durable(bench, id, machine, {
      id,
      vehicleId: car.id,
      secret: beaconSecret(id),
      crypto: bench.crypto,
      clockOffsetMs: car.beaconDriftMs,
      slotSeconds: TIMING.preorder.slotSeconds,
    });
  }
}

function createRobot(bench: ProtocolBench): void {
  const machine = bench.patched(
    'robot',
    robotMachine.provide({
      actions: {
        send: ({ self }, params) => {
          if (params.message.type === 'cart.take' || params.message.type === 'cart.putBack')
            bench.invariants.sensorReportSent();
          bench.send(self.id, params.to, params.message);
        },
        travel: ({ self }, p) =>
          bench.movement.travel(self.id, p.to, SPEED.foot, (at) =>
            bench.inject(self.id, { type: 'travel.arrived', position: at }),
          ),
        restock: (_, p) => bench.invariants.restocked(p.added),
      },
    }),
  );
  bench.movement.place(ROBOT.id, ROBOT.depot);
  durable(bench, ROBOT.id, machine, {
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

/** Every actor of the town, in a fixed order (the order is part of what makes runs repeatable). */
export function createTownActors(bench: ProtocolBench): void {
  createDispatch(bench);
  createStores(bench);
  createCars(bench);
  createBeacons(bench);
  createCouriers(bench);
  createCustomers(bench);
  createRobot(bench);
}
