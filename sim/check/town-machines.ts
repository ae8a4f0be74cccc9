/**
 * The product's machines with the bench's effects provided (net, movement, radio, telemetry,
 * payments, the oracles' hooks) and, for the mutation check, a mutant's patch applied. Built once
 * per mutant and shared by every bench of a check (building a machine costs more than a run's
 * worth of events); an effect finds its bench through the actor system it runs in.
 */
import type { AnyActorRef, AnyStateMachine } from 'xstate';
import { beaconMachine } from '../../machines/beacon.ts';
import { beaconDeskMachine } from '../../machines/beacon-desk.ts';
import { cartDeskMachine } from '../../machines/cart-desk.ts';
import { courierMachine } from '../../machines/courier.ts';
import { customerMachine } from '../../machines/customer.ts';
import { dispatchMachine } from '../../machines/dispatch.ts';
import { errandOrderMachine, type SendParams } from '../../machines/errand-order.ts';
import { mapGet } from '../../machines/persistent-map.ts';
import { preorderMachine } from '../../machines/preorder.ts';
import type { Point } from '../../machines/protocol.ts';
import { rentalMachine } from '../../machines/rental.ts';
import { robotMachine } from '../../machines/robot.ts';
import { storeMachine } from '../../machines/store.ts';
import { trunkOrderMachine } from '../../machines/trunk-order.ts';
import { awaitsAck, type KeyPresent, vehicleMachine } from '../../machines/vehicle.ts';
import { CARS, COURIERS, SPACES, SPEED, TIMING, unreachable } from './bench-town.ts';
import type { MachineKind, Mutant, ProtocolBench } from './protocol-bench.ts';

type AnyActorSystem = AnyActorRef['system'];

const benches = new WeakMap<AnyActorSystem, ProtocolBench>();

/** Binds an actor system (a root actor and its children) to the bench it runs in. */
export function bindSystem(system: AnyActorSystem, bench: ProtocolBench): void {
  benches.set(system, bench);
}

function benchOf(system: AnyActorSystem): ProtocolBench {
  const bench = benches.get(system);
  if (!bench) throw new Error('actor outside a protocol bench');
  return bench;
}

type Args = { self: AnyActorRef; system: AnyActorSystem };

/** The common `send` effect: from the acting actor over the net. */
const send = ({ self, system }: Args, params: SendParams) =>
  benchOf(system).send(self.id, params.to, params.message);
const fromDispatch = ({ system }: Args, params: SendParams) =>
  benchOf(system).send('dispatch', params.to, params.message);
const broadcast = ({ system }: Args, params: { to: readonly string[]; message: SendParams['message'] }) => {
  for (const to of params.to) benchOf(system).send('dispatch', to, params.message);
};
const quiet = { lifecycle: () => {}, count: () => {} };

/** The spatial port: professional couriers on duty within the radius (busy ones ignore offers). */
function findCouriers({ system }: Args, p: { orderId: string; point: Point; radius: number }): void {
  const bench = benchOf(system);
  const courierIds = COURIERS.filter((c) => {
    if (c.courierType !== 'professional' || !bench.actors.get(c.id)?.up) return false;
    if (bench.snapshotOf(c.id)?.value === 'offDuty') return false;
    const at = bench.movement.position(c.id);
    return Math.hypot(at.x - p.point.x, at.y - p.point.y) <= p.radius;
  }).map((c) => c.id);
  bench.send('spatial', 'dispatch', { type: 'couriers.found', orderId: p.orderId, courierIds });
}

/** The vehicle port's placement check, from the car's last telemetry. */
function checkPlacement({ system }: Args, p: { orderId: string; vehicleId: string; areaId: string }): void {
  const bench = benchOf(system);
  bench.send('vehicles', 'dispatch', {
    type: 'placement.checked',
    orderId: p.orderId,
    placement: bench.telemetry.placement(p.vehicleId, p.areaId),
  });
}

/** The routing port: straight line × 1.3; points beyond the network are unreachable. */
function requestQuote({ system }: Args, p: { orderId: string; from: Point; to: Point }): void {
  const far = unreachable(p.from) || unreachable(p.to);
  const d = Math.round(Math.hypot(p.to.x - p.from.x, p.to.y - p.from.y) * 1.3);
  benchOf(system).send('routing', 'dispatch', {
    type: 'route.quote',
    orderId: p.orderId,
    distance: far ? null : d,
    duration: far ? null : Math.round(d / SPEED.car),
  });
}

function garageAt(p: Point): boolean {
  return SPACES.some((s) => s.garage === true && s.position.x === p.x && s.position.y === p.y);
}

const payments = ({ system }: Args, instruction: Parameters<ProtocolBench['payments']['execute']>[0]) =>
  benchOf(system).payments.execute(instruction);

/** Travel in a straight line at `speed`; the arrival is a world event to the traveller. */
function travelAt(speed: (args: Args & { context: unknown }) => number) {
  return (args: Args & { context: unknown }, p: { to: Point }) => {
    const bench = benchOf(args.system);
    bench.movement.travel(args.self.id, p.to, speed(args), (at) =>
      bench.inject(args.self.id, { type: 'travel.arrived', position: at }),
    );
  };
}

export type TownMachines = Readonly<
  Record<'dispatch' | 'store' | 'courier' | 'customer' | 'vehicle' | 'beacon' | 'robot', AnyStateMachine>
>;

function build(mutant: Mutant | undefined): TownMachines {
  const patched = <T extends AnyStateMachine>(kind: MachineKind, machine: T): T => {
    const patch = mutant?.patch[kind];
    return (patch ? patch(machine) : machine) as T;
  };
  const orders = {
    errandOrder: patched(
      'errandOrder',
      errandOrderMachine.provide({
        actions: { send: fromDispatch, broadcast, ...quiet, findCouriers, requestQuote },
      }),
    ),
    trunkOrder: patched(
      'trunkOrder',
      trunkOrderMachine.provide({
        actions: {
          send: fromDispatch,
          broadcast,
          ...quiet,
          findCouriers,
          checkPlacement,
          checkLock: ({ system }, p) => {
            const bench = benchOf(system);
            bench.send('vehicles', 'dispatch', {
              type: 'lock.checked',
              orderId: p.orderId,
              vehicleId: p.vehicleId,
              trunk: bench.telemetry.trunk(p.vehicleId),
            });
          },
        },
      }),
    ),
    rental: patched(
      'rental',
      rentalMachine.provide({
        actions: {
          send: fromDispatch,
          ...quiet,
          checkPlacement,
          sendEach: ({ system }, p) => {
            for (const message of p.messages) benchOf(system).send('dispatch', p.to, message);
          },
        },
      }),
    ),
    preorder: patched('preorder', preorderMachine.provide({ actions: { send: fromDispatch, ...quiet } })),
    cartDesk: patched(
      'cartDesk',
      cartDeskMachine.provide({ actions: { send: fromDispatch, payments, ...quiet } }),
    ),
    beaconDesk: patched(
      'beaconDesk',
      beaconDeskMachine.provide({
        actions: {
          // the oracle hears of every resolved sighting, with the preorder the beacon was bound to
          count: ({ context, event, system }, params) => {
            if (params.counter !== 'resolvedAdvertisements' || event.type !== 'scanner.report') return;
            const bench = benchOf(system);
            const beacon = bench.radio.beaconOf(event.eid) ?? '';
            bench.invariants.advertResolved(
              event.eid,
              mapGet(context.bound, beacon)?.orderId ?? `(unbound ${beacon})`,
            );
          },
        },
      }),
    ),
  };
  return {
    dispatch: patched(
      'dispatch',
      dispatchMachine.provide({
        actors: orders as never,
        actions: {
          send: fromDispatch,
          broadcast,
          payments,
          // the ledger refused a money movement (a second release, one beyond what is held)
          violation: ({ system }, p) =>
            benchOf(system).invariants.reported(
              p.rule === 'escrow' ? 'money' : p.rule,
              `${p.rule}: ${p.detail}`,
            ),
        },
      }),
    ),
    store: patched(
      'store',
      storeMachine.provide({
        actions: {
          send,
          handedToCar: ({ system }, p) => benchOf(system).invariants.handedToCar(p.orderId, p.storeId),
        },
        delays: { preparation: TIMING.preparationMs },
      }),
    ),
    courier: patched(
      'courier',
      courierMachine.provide({
        actions: {
          send,
          travel: travelAt(({ context }) => SPEED[(context as { mode: 'foot' | 'bike' | 'car' }).mode]),
          stopTravel: ({ self, system }) => benchOf(system).movement.stop(self.id),
          reportPosition: ({ self, system }) => {
            const bench = benchOf(system);
            bench.send(self.id, 'dispatch', {
              type: 'courier.position',
              courierId: self.id,
              position: bench.movement.position(self.id),
              eta: null,
            });
          },
        },
      }),
    ),
    customer: patched(
      'customer',
      customerMachine.provide({ actions: { send, walk: travelAt(() => SPEED.foot) } }),
    ),
    vehicle: patched(
      'vehicle',
      vehicleMachine.provide({
        actions: {
          // the oracles hear every key answer (with the presentation) and every revocation
          send: ({ self, system, event }, params) => {
            const bench = benchOf(system);
            const m = params.message;
            // an answer deferred until the actuator acted names the presentation it answers
            const present = params.answers ?? (event as KeyPresent);
            if (m.type === 'key.result')
              bench.invariants.keyAnswered(self.id, present, m.ok === true, present.at ?? bench.kernel.now);
            if (m.type === 'vehicle.revoked') bench.invariants.carRevoked(self.id, String(m.keyId));
            bench.send(self.id, params.to, m);
          },
          report: ({ self, system }) => benchOf(system).reported.add(self.id),
          audit: ({ system }, p) => {
            if (p.ok && p.action === 'engine_start') benchOf(system).drivers.set(p.vehicleId, p.presenterId);
          },
          // a car leaving a garage gets its data link back; one parking in a garage loses it
          travel: ({ self, system, context }, p) => {
            const bench = benchOf(system);
            bench.radio.carLeft(self.id);
            if (garageAt((context as { position: Point }).position))
              bench.inject(self.id, { type: 'link.restored' });
            bench.movement.travel(self.id, p.to, SPEED.car, (at) => {
              bench.inject(self.id, { type: 'travel.arrived', position: at });
              if (garageAt(at)) bench.inject(self.id, { type: 'link.lost' });
              const driver = bench.drivers.get(self.id);
              if (driver) bench.inject(driver, { type: 'car.arrived', vehicleId: self.id, position: at });
              bench.radio.carStopped(self.id, at);
            });
          },
          actuate: ({ self, system }, p) => {
            if (!awaitsAck(p.what)) return;
            const bench = benchOf(system);
            // a failing actuator refuses everything: openings are refused, locks go to the alarm
            const ok = !bench.failingActuators.has(self.id);
            bench.kernel.after(TIMING.actuatorAckMs, () =>
              bench.inject(self.id, { type: 'actuator.ack', what: p.what, ok }),
            );
          },
          ignition: ({ self, system }, p) => {
            const beacon = CARS.find((c) => c.id === self.id)?.beaconId;
            if (beacon) benchOf(system).inject(beacon, { type: p.on ? 'power.on' : 'power.off' });
          },
        },
      }),
    ),
    beacon: patched(
      'beacon',
      beaconMachine.provide({
        actions: {
          send,
          advertise: ({ system }, p) => benchOf(system).radio.advertised(p.beaconId, p.vehicleId, p.eid),
        },
      }),
    ),
    robot: patched(
      'robot',
      robotMachine.provide({
        actions: {
          send,
          travel: travelAt(() => SPEED.foot),
          restock: ({ system }, p) => benchOf(system).invariants.restocked(p.added),
        },
      }),
    ),
  };
}

const built = new Map<Mutant | undefined, TownMachines>();

/** The town's machines for a mutant (or the product's own), built on first use. */
export function townMachines(mutant: Mutant | undefined): TownMachines {
  let machines = built.get(mutant);
  if (!machines) {
    machines = build(mutant);
    built.set(mutant, machines);
  }
  return machines;
}
