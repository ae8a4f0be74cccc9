import { createActor } from 'xstate';
import { beaconMachine } from '../../machines/beacon.ts';
import type { CryptoPort } from '../../machines/crypto-port.ts';
import type { RegisteredDevice } from '../../machines/ephemeral-id.ts';
import type { Point } from '../../machines/protocol.ts';
import { StaticPointIndex } from '../city/spatial-index.ts';
import type { RandomStream, RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Fleet } from './fleet.ts';
import type { PlacedStore } from './population.ts';
import type { VehiclePort, WorldPorts } from './vehicle-port.ts';

/** Received power at one metre, dBm (a typical BLE beacon). */
const TX_POWER_DBM = -59;
/** Path-loss exponent of a street (free space is 2). */
const PATH_LOSS_EXPONENT = 2.2;
const MINUTE = 60_000;

/** The beacons as provisioned: secrets (shared with dispatch's registry), owners, clock drifts. */
export interface ProvisionedBeacons {
  readonly registry: readonly RegisteredDevice[];
  /** Beacon → the customer whose car carries it. */
  readonly owners: Readonly<Record<string, string>>;
  readonly vehicleOf: ReadonlyMap<string, string>;
  readonly clockOffsetMs: ReadonlyMap<string, number>;
}

/** Gives every beacon of the fleet a secret and a clock drift, from their own stream. */
export function provisionBeacons(
  fleet: Fleet,
  random: RandomStreams,
  maxDriftMs: number,
): ProvisionedBeacons {
  const stream = random.stream('beacons:secrets');
  const registry: RegisteredDevice[] = [];
  const owners: Record<string, string> = {};
  const vehicleOf = new Map<string, string>();
  const clockOffsetMs = new Map<string, number>();
  for (const v of fleet.vehicles) {
    if (!v.beaconId || !v.ownerId) continue;
    registry.push({ deviceId: v.beaconId, secret: new Uint8Array(16).map(() => stream.int(0, 255)) });
    owners[v.beaconId] = v.ownerId;
    vehicleOf.set(v.beaconId, v.id);
    clockOffsetMs.set(v.beaconId, Math.round((stream.float() * 2 - 1) * maxDriftMs));
  }
  return { registry, owners, vehicleOf, clockOffsetMs };
}

/**
 * The radio between beacons and the stores' curb scanners, plus what an attacker can do on it.
 *
 * Nothing ticks per advertisement: a scanner hears a car when it stops within range with its beacon
 * on air, and again whenever the beacon rotates its id while the car is still there, each time with
 * a noisy received strength (log-distance path loss plus Gaussian noise) that must clear the
 * scanner's threshold (a miss is retried after the scan interval). The attacker replays recorded
 * ids later, elsewhere, and broadcasts ids of devices dispatch never registered; dispatch must refuse
 * both, and counts them.
 */
export class BeaconRadio {
  private readonly onAir = new Map<string, string>();
  private readonly beaconOfCar = new Map<string, string>();
  /** Car → the store whose scanner it stands in range of. */
  private readonly atCurb = new Map<string, { storeId: string; distance: number }>();
  private readonly storeIndex: StaticPointIndex;
  private readonly noise: RandomStream;
  private readonly attacker: RandomStream;
  /**
   * A store whose curb scanner is a real gateway hears over MQTT only (device-events.ts), never
   * from this simulated radio. What a simulated beacon airs at its curb goes here instead, for a
   * stand-in gateway (`citytwin device-sim --kind gateway`) to relay in demos and tests.
   */
  airedAtRealGateway: ((storeId: string, eid: string, rssi: number) => void) | null = null;

  constructor(
    private readonly world: WorldPorts,
    private readonly scenario: Scenario,
    beacons: ProvisionedBeacons,
    private readonly stores: readonly PlacedStore[],
    crypto: CryptoPort,
    random: RandomStreams,
    vehicles: VehiclePort,
  ) {
    this.storeIndex = StaticPointIndex.fromPoints(stores.map((s) => s.position));
    this.noise = random.stream('radio:noise');
    this.attacker = random.stream('radio:attacker');
    const slotSeconds = scenario.dispatch.preorder.slotSeconds;
    const machine = beaconMachine.provide({
      actions: {
        send: ({ self }, params) => world.net.send(self.id, params.to, params.message),
        advertise: (_, params) => this.advertised(params.beaconId, params.vehicleId, params.eid),
      },
    });
    for (const { deviceId, secret } of beacons.registry) {
      const vehicleId = beacons.vehicleOf.get(deviceId)!;
      this.beaconOfCar.set(vehicleId, deviceId);
      const actor = createActor(machine, {
        id: deviceId,
        clock: world.kernel.clock,
        input: {
          id: deviceId,
          vehicleId,
          secret,
          crypto,
          clockOffsetMs: beacons.clockOffsetMs.get(deviceId) ?? 0,
          slotSeconds,
        },
      });
      world.adopt(deviceId, 'beacon', actor);
      actor.start();
    }
    vehicles.onArrive = (vehicleId, at) => this.carStopped(vehicleId, at);
    vehicles.onDepart = (vehicleId) => this.atCurb.delete(vehicleId);
  }

  private carStopped(vehicleId: string, at: Point): void {
    if (!this.beaconOfCar.has(vehicleId)) return;
    const range = this.scenario.dispatch.preorder.scannerRangeM;
    const near = this.storeIndex.within(at.x, at.y, range);
    if (near.length === 0) return;
    const store = this.stores[near[0]!]!;
    this.atCurb.set(vehicleId, {
      storeId: store.id,
      distance: Math.hypot(store.position.x - at.x, store.position.y - at.y),
    });
    this.listen(vehicleId, 0);
  }

  private advertised(beaconId: string, vehicleId: string, eid: string | null): void {
    if (eid === null) this.onAir.delete(beaconId);
    else {
      this.onAir.set(beaconId, eid);
      if (this.atCurb.has(vehicleId)) this.listen(vehicleId, 0);
    }
  }

  /** One scan of a car at a curb: heard above the threshold, or tried again after the interval. */
  private listen(vehicleId: string, attempt: number): void {
    const curb = this.atCurb.get(vehicleId);
    const eid = this.onAir.get(this.beaconOfCar.get(vehicleId) ?? '');
    if (!curb || eid === undefined) return;
    const p = this.scenario.dispatch.preorder;
    const rssi =
      TX_POWER_DBM -
      10 * PATH_LOSS_EXPONENT * Math.log10(Math.max(1, curb.distance)) +
      this.noise.normal(0, p.rssiNoiseSd);
    if (rssi < p.rssiThreshold) {
      if (attempt < 10)
        this.world.kernel.after(p.scanIntervalSeconds * 1000, () => this.listen(vehicleId, attempt + 1));
      return;
    }
    this.hear(curb.storeId, eid, Math.round(rssi));
    this.attack(eid);
  }

  private hear(storeId: string, eid: string, rssi: number): void {
    if (this.world.devices?.get(storeId)?.kind === 'gateway') {
      this.airedAtRealGateway?.(storeId, eid, rssi);
      return;
    }
    this.world.inject(storeId, { type: 'scanner.heard', eid, rssi, heardAt: this.world.kernel.now });
  }

  /** The attacker, who recorded the id just heard, may play it back later at another store. */
  private attack(eid: string): void {
    const d = this.scenario.demand.preorder;
    if (this.stores.length === 0) return;
    if (this.attacker.bernoulli(d.replayShare)) {
      const store = this.attacker.pick(this.stores).id;
      const later = this.attacker.int(15, 120) * MINUTE;
      this.world.kernel.after(later, () => this.hear(store, eid, -70));
    }
    if (this.attacker.bernoulli(d.foreignShare)) {
      const store = this.attacker.pick(this.stores).id;
      let foreign = '';
      for (let i = 0; i < 16; i++) foreign += this.attacker.int(0, 15).toString(16);
      this.world.kernel.after(this.attacker.int(1, 60) * MINUTE, () => this.hear(store, foreign, -75));
    }
  }
}
