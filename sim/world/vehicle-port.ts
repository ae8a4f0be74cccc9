import { type AnyActorRef, createActor } from 'xstate';
import type { CryptoPort, KeyHandle } from '../../machines/crypto-port.ts';
import type { Point, PortAnswer } from '../../machines/protocol.ts';
import { awaitsAck, type TelemetryParams, telemetryOf, vehicleMachine } from '../../machines/vehicle.ts';
import type { City } from '../city/city.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { NetMessage, SimNet } from '../kernel/net.ts';
import type { RandomStream } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Fleet, ParkingOccupancy } from './fleet.ts';
import type { FlowMetrics } from './flow-metrics.ts';
import type { Mobility } from './mobility.ts';
import type { PlacedArea } from './population.ts';
import type { RealDevices } from './real-devices.ts';
import { type DeviceFix, deviceFixOf, realVehicleMachine } from './real-vehicles.ts';

/** What the flow ports need from the world: its clock, net, movement, and actor bookkeeping. */
export interface WorldPorts {
  readonly kernel: Kernel;
  readonly net: SimNet;
  readonly mobility: Mobility;
  readonly city: City;
  readonly flowMetrics: FlowMetrics;
  /** Actors played by real devices (hybrid runs); undefined when everything is simulated. */
  readonly devices?: RealDevices;
  /** Delivers a world event (arrival, power, ack) to an actor, logged like a message. */
  inject(id: string, event: NetMessage): void;
  /**
   * Adds an actor to the world: its net address (messages stamped with `at`, and shown to
   * `observe` first), its state log, and the lookups of `actorIds` and `snapshotOf`.
   */
  adopt(
    id: string,
    kind: string,
    actor: AnyActorRef,
    observe?: (message: NetMessage, from: string) => void,
  ): void;
}

const ACK_DELAY_MS = 800;
/** After a courier closes a trunk, the car must be latched (or in alarm, retrying) this much later. */
const LATCH_GRACE_MS = 5 * 60_000;

type VehicleActor = ReturnType<typeof createActor<typeof vehicleMachine>>;

/**
 * The sim side of the vehicle port: it runs the cars, keeps their last telemetry (what dispatch can
 * know of a car: position, parking space, locks, revocation counter — reported only while the car
 * has a link), answers dispatch's placement and latch checks from it, drives cars on the road graph,
 * acknowledges actuators (failing at the scenario's rate), cuts the link of cars parked in garages,
 * and powers beacons with the ignition.
 */
export class VehiclePort {
  readonly telemetry = new Map<string, TelemetryParams>();
  private readonly actors = new Map<string, VehicleActor>();
  private readonly beaconOf = new Map<string, string>();
  private readonly parkedIn = new Map<string, number>();
  private readonly drivers = new Map<string, string>();
  private readonly reported = new Set<string>();
  private readonly spaceIndex = new Map<string, number>();
  private readonly areaById: ReadonlyMap<string, PlacedArea>;
  /** The last telemetry of each real car: its position and parking come from the device. */
  private readonly fixes = new Map<string, DeviceFix>();
  /** Hooks for the radio: a car stopped (at a space or a curb) or set off. */
  onArrive: ((vehicleId: string, at: Point) => void) | null = null;
  onDepart: ((vehicleId: string) => void) | null = null;

  constructor(
    private readonly world: WorldPorts,
    private readonly scenario: Scenario,
    readonly fleet: Fleet,
    readonly areas: readonly PlacedArea[],
    private readonly occupancy: ParkingOccupancy,
    crypto: CryptoPort,
    issuerPublicKey: KeyHandle,
    private readonly actuators: RandomStream,
  ) {
    this.areaById = new Map(areas.map((a) => [a.id, a]));
    world.city.parking.forEach((p, i) => {
      this.spaceIndex.set(p.id, i);
    });
    const v = scenario.fleet.vehicles;
    const machine = vehicleMachine.provide({
      actions: {
        send: ({ self }, params) => {
          if (params.message.type === 'vehicle.revoked')
            world.flowMetrics.keyRevoked(self.id, String(params.message.keyId));
          world.net.send(self.id, params.to, params.message);
        },
        report: ({ self }) => {
          this.reported.add(self.id);
        },
        audit: (_, params) => {
          world.flowMetrics.keyAudit(params);
          if (params.ok && params.action === 'engine_start')
            this.drivers.set(params.vehicleId, params.presenterId);
        },
        travel: ({ self, context }, params) => this.drive(self.id, params.to, context.parkingSpaceId),
        actuate: ({ self }, params) => {
          if (!awaitsAck(params.what)) return;
          // locks and latches fail at the scenario's rate; the sim's openings always act
          const fails = params.what === 'door_lock' || params.what === 'trunk_latch';
          const ok = !fails || !this.actuators.bernoulli(v.actuatorFailureRate);
          world.kernel.after(ACK_DELAY_MS, () =>
            world.inject(self.id, { type: 'actuator.ack', what: params.what, ok }),
          );
        },
        ignition: ({ self }, params) => {
          const beacon = this.beaconOf.get(self.id);
          if (beacon)
            world.inject(beacon, { type: params.on ? 'power.on' : 'power.off', at: world.kernel.now });
        },
      },
    });
    for (const placed of fleet.vehicles) {
      if (placed.beaconId) this.beaconOf.set(placed.id, placed.beaconId);
      this.parkedIn.set(placed.id, placed.space);
      world.mobility.place(placed.id, 'car', placed.position);
      const device = world.devices?.get(placed.id);
      const own = device
        ? realVehicleMachine(
            machine,
            device,
            (event) => world.inject(placed.id, event),
            () => world.kernel.currentSpeed,
          )
        : machine;
      const actor = createActor(own, {
        id: placed.id,
        clock: world.kernel.clock,
        input: {
          id: placed.id,
          ownerId: placed.ownerId ?? 'pool',
          position: placed.position,
          parkingSpaceId: world.city.parking[placed.space]!.id,
          crypto,
          issuerPublicKey,
          autoRelockMs: v.autoRelockSeconds * 1000,
          relockRetryMs: v.relockRetrySeconds * 1000,
          online: !this.inGarage(placed.space),
        },
      });
      this.actors.set(placed.id, actor);
      actor.subscribe((snap) => {
        if (this.reported.delete(placed.id) && snap.value.link === 'online')
          this.telemetry.set(placed.id, this.withFix(telemetryOf(snap)));
      });
      world.adopt(placed.id, 'vehicle', actor, (message, from) => {
        if (message.type === 'trunk.close') this.courierLeft(placed.id, from);
      });
      actor.start();
      this.telemetry.set(placed.id, telemetryOf(actor.getSnapshot()));
      device?.streams.telemetry.subscribe((t) => this.deviceReported(placed.id, deviceFixOf(world.city, t)));
    }
  }

  /**
   * A real car reported where it is: the world's locate and the placement checks use it (while the
   * sim is not driving the car itself).
   */
  private deviceReported(vehicleId: string, fix: DeviceFix): void {
    this.fixes.set(vehicleId, fix);
    if (!this.world.mobility.isMoving(vehicleId)) this.world.mobility.place(vehicleId, 'car', fix.position);
    const last = this.telemetry.get(vehicleId);
    if (last) this.telemetry.set(vehicleId, this.withFix(last));
  }

  private withFix(t: TelemetryParams): TelemetryParams {
    const fix = this.fixes.get(t.vehicleId);
    return fix ? { ...t, ...fix } : t;
  }

  /** The car's actor (tests and the twin read its snapshot). */
  actor(vehicleId: string): VehicleActor | undefined {
    return this.actors.get(vehicleId);
  }

  /** The parking space the car stands in now, if any (ground truth). */
  spaceOf(vehicleId: string): string | null {
    const space = this.parkedIn.get(vehicleId);
    return space === undefined ? null : this.world.city.parking[space]!.id;
  }

  /** Where the car stands now (ground truth, not telemetry): for demand that picks cars. */
  isParked(vehicleId: string): boolean {
    const snap = this.actors.get(vehicleId)?.getSnapshot();
    return snap !== undefined && snap.value.motion === 'parked' && snap.value.engine === 'off';
  }

  position(vehicleId: string): Point {
    return this.world.mobility.locate(vehicleId);
  }

  /** A courier closed the trunk: it must latch, or be in alarm and retrying, within the grace. */
  courierLeft(vehicleId: string, courierId: string): void {
    const grantsThen = this.actors.get(vehicleId)?.getSnapshot().context.audit.granted ?? 0;
    this.world.kernel.after(LATCH_GRACE_MS, () => {
      const snap = this.actors.get(vehicleId)?.getSnapshot();
      // opened again since (another delivery, the owner): that is someone else's trunk visit
      if (!snap || snap.context.audit.granted > grantsThen) return;
      // open by this courier's key still (another delivery may have opened it since: not this one)
      if (
        snap.value.trunk !== 'closed' &&
        snap.value.trunk !== 'alarm' &&
        snap.context.trunkOpenedBy === courierId
      )
        this.world.flowMetrics.violation(
          `trunk: ${vehicleId} left ${snap.value.trunk} after ${courierId} left`,
        );
    });
  }

  /**
   * The placement check dispatch asks for, at order time and at unlock time: by the car's last
   * telemetry, is it parked, in a parking space, and is that space inside the coverage area?
   */
  checkPlacement(orderId: string, vehicleId: string, areaId: string): void {
    const t = this.telemetry.get(vehicleId);
    // '*': any parked car will do (a rental), wherever it stands
    const area = areaId === '*' ? null : this.areaById.get(areaId);
    let reason: 'ok' | 'not_parked' | 'not_in_space' | 'outside_area' | 'unknown_vehicle' = 'ok';
    if (!t || area === undefined) reason = 'unknown_vehicle';
    else if (!t.parked) reason = 'not_parked';
    else if (t.parkingSpaceId === null || !this.spaceIndex.has(t.parkingSpaceId)) reason = 'not_in_space';
    else if (area !== null && !area.area.contains(t.position.x, t.position.y)) reason = 'outside_area';
    const answer: PortAnswer = {
      type: 'placement.checked',
      orderId,
      placement: {
        vehicleId,
        ok: reason === 'ok',
        reason,
        position: t ? t.position : null,
        parkingSpaceId: t?.parkingSpaceId ?? null,
        epoch: t?.revocationEpoch ?? 0,
      },
    };
    this.world.net.send('vehicles', 'dispatch', answer as unknown as NetMessage);
  }

  /** Whether the trunk latched, by the car's telemetry; 'unknown' when the car has no link. */
  checkLock(orderId: string, vehicleId: string): void {
    const online = this.actors.get(vehicleId)?.getSnapshot().value.link === 'online';
    const trunk = online ? (this.telemetry.get(vehicleId)?.trunk ?? 'open') : 'unknown';
    this.world.net.send('vehicles', 'dispatch', { type: 'lock.checked', orderId, vehicleId, trunk });
  }

  /** A garage: an OSM-tagged parking, where a parked car has no data link. */
  isGarage(space: number): boolean {
    return this.world.city.parking[space]!.tagged;
  }

  private inGarage(space: number): boolean {
    return this.scenario.fleet.vehicles.garagesOffline && this.world.city.parking[space]!.tagged;
  }

  /** Drives a car to a point (a parking space, or a store's curb when `spaceId` is null). */
  private drive(vehicleId: string, to: Point, spaceId: string | null): void {
    this.onDepart?.(vehicleId);
    const from = this.parkedIn.get(vehicleId);
    if (from !== undefined) {
      this.occupancy.leave(from);
      this.parkedIn.delete(vehicleId);
      if (this.inGarage(from)) this.world.inject(vehicleId, { type: 'link.restored' });
    }
    const space = spaceId === null ? undefined : this.spaceIndex.get(spaceId);
    if (space !== undefined) {
      this.occupancy.take(space);
      this.parkedIn.set(vehicleId, space);
    }
    this.world.mobility.travel(vehicleId, to, (at) => {
      this.world.inject(vehicleId, { type: 'travel.arrived', position: at });
      const driver = this.drivers.get(vehicleId);
      if (driver) this.world.inject(driver, { type: 'car.arrived', vehicleId, position: at });
      if (space !== undefined && this.inGarage(space)) this.world.inject(vehicleId, { type: 'link.lost' });
      this.onArrive?.(vehicleId, at);
    });
  }

  spacePosition(space: number): Point {
    return this.occupancy.position(space);
  }

  /** A parking space with room near a point, as (id, position), or null. */
  spaceNear(p: Point, accept?: (space: number) => boolean): { id: string; position: Point } | null {
    const space = this.occupancy.nearestWithRoom(p, accept);
    return space < 0
      ? null
      : { id: this.world.city.parking[space]!.id, position: this.occupancy.position(space) };
  }
}
