import type { DispatchClient } from '../../adapters/socketio/dispatch-client.ts';
import { GATEWAY_PREFIX, type Role } from '../../adapters/socketio/wire-protocol.ts';
import type { DigitalKey } from '../../machines/digital-key.ts';
import type { City } from '../city/city.ts';
import type { FlowRegistry } from '../dispatch-server/flow-registry.ts';
import type { RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { PlacedVehicle } from '../world/fleet.ts';
import type { ActorClock } from './actor-clock.ts';
import { type DeviceLink, GatewayBot, StoreBot, VehicleBot } from './device-bots.ts';
import type { LoadRecorder } from './load-report.ts';

const MINUTE = 60_000;

/** One order of the other flows the plan schedules: who orders what, and when (run offset, ms). */
export interface FlowOrder {
  readonly atMs: number;
  readonly kind: 'trunk' | 'preorder' | 'rental';
  readonly vehicleId: string;
  readonly customerId: string;
  readonly storeId: string;
  /**
   * Rentals: the licence the renter presents to upgrade to driving once the door is open ('none'
   * is refused, as an unverified renter is), or null when the renter only uses the car parked.
   */
  readonly upgradeLicence: string | null;
}

export interface FlowLoadSettings {
  readonly registry: FlowRegistry;
  readonly scenario: Scenario;
  readonly city: City;
  /** Orders of the other flows per second, all kinds together (Poisson arrivals). */
  readonly flowRate: number;
  readonly durationMs: number;
  readonly random: RandomStreams;
  readonly recorder: LoadRecorder;
  readonly clock: ActorClock;
  readonly runId: string;
  /** Opens (or reuses) the connection of one principal. */
  readonly connect: (id: string, role: Role) => Promise<DispatchClient | undefined>;
}

/**
 * The load of the four flows beyond errands: car owners order trunk deliveries and preorders for
 * their own cars, renters take pool cars; the cars, the stores' counters and the stores' beacon
 * gateways they involve are played by device bots on their own connections. The script (which car,
 * which store, when) is drawn from a seeded stream before anything connects.
 */
export class FlowLoad {
  readonly orders: readonly FlowOrder[];
  private readonly gateways = new Map<string, GatewayBot>();
  private readonly customers = new Map<string, DispatchClient>();
  private seq = 0;

  constructor(private readonly s: FlowLoadSettings) {
    this.orders = this.plan();
  }

  private plan(): FlowOrder[] {
    const { registry, flowRate, durationMs } = this.s;
    const stream = this.s.random.stream('load:flows');
    const areaOf = (v: PlacedVehicle) =>
      registry.areas.find((a) => a.area.contains(v.position.x, v.position.y))?.id;
    const storesIn = (area: string | undefined) => registry.stores.filter((st) => st.area === area);
    const owned = registry.fleet.vehicles.filter(
      (v) => v.ownerId && v.beaconId && storesIn(areaOf(v)).length > 0,
    );
    const pool = registry.fleet.pool;
    const renters = registry.fleet.vehicles.filter((v) => v.ownerId).map((v) => v.ownerId as string);
    const busy = new Set<string>();
    const out: FlowOrder[] = [];
    let t = 0;
    if (flowRate <= 0 || owned.length === 0) return out;
    for (;;) {
      t += stream.exponential(flowRate / 1000);
      if (t >= durationMs) break;
      const kind = (['trunk', 'preorder', 'rental'] as const)[stream.int(0, 2)];
      // one open order per car: a car is never asked for two things at once
      const free = (kind === 'rental' ? pool : owned).filter((v) => !busy.has(v.id));
      if (free.length === 0 || (kind === 'rental' && renters.length === 0)) continue;
      const v = stream.pick(free);
      busy.add(v.id);
      const stores = storesIn(areaOf(v));
      const customerId = kind === 'rental' ? stream.pick(renters) : (v.ownerId as string);
      const storeId = stores.length > 0 ? stream.pick(stores).id : '';
      // half the renters ask to drive; one in five of those has no licence dispatch can verify
      let upgradeLicence: string | null = null;
      if (kind === 'rental' && stream.bernoulli(0.5))
        upgradeLicence = stream.bernoulli(0.2) ? 'none' : `MC${stream.int(100_000, 999_999)}`;
      out.push({ atMs: Math.round(t), kind, vehicleId: v.id, customerId, storeId, upgradeLicence });
    }
    return out;
  }

  /** Connects every car, store, gateway and customer the plan involves. */
  async connect(): Promise<void> {
    const { registry, scenario, city } = this.s;
    const link = (id: string, client: DispatchClient): DeviceLink => ({
      id,
      client,
      recorder: this.s.recorder,
      clock: this.s.clock,
    });
    const byId = new Map(registry.fleet.vehicles.map((v) => [v.id, v]));
    const open = scenario.fleet.vehicles.autoRelockSeconds * 1000;
    for (const o of this.orders) {
      if (!this.customers.has(o.customerId)) {
        const c = await this.s.connect(o.customerId, 'customer');
        if (c) this.customers.set(o.customerId, c);
      }
      const car = byId.get(o.vehicleId);
      const vc = car ? await this.s.connect(o.vehicleId, 'vehicle') : undefined;
      if (vc && car && !vc.socket.hasListeners('key.present')) {
        const spot = { position: car.position, parkingSpaceId: city.parking[car.space]!.id };
        await new VehicleBot(link(o.vehicleId, vc), registry.crypto, spot, Math.min(open, MINUTE)).start();
      }
      if (o.kind === 'rental') continue;
      const store = await this.s.connect(o.storeId, 'store');
      if (store && !store.socket.hasListeners('store.collect')) new StoreBot(link(o.storeId, store));
      if (o.kind === 'preorder' && !this.gateways.has(o.storeId)) {
        const id = `${GATEWAY_PREFIX}${o.storeId}`;
        const gw = await this.s.connect(id, 'beacon-gateway');
        if (gw)
          this.gateways.set(
            o.storeId,
            new GatewayBot(link(id, gw), registry.crypto, scenario.dispatch.preorder.slotSeconds),
          );
      }
    }
  }

  /** Places one planned order and plays the customer's side of it. */
  async place(o: FlowOrder): Promise<void> {
    const client = this.customers.get(o.customerId);
    if (!client) return this.s.recorder.error('publisher_not_connected');
    const send = this.s.recorder.send.bind(this.s.recorder, client, o.customerId);
    const requestId = `${this.s.runId}-F${++this.seq}`;
    const items = [{ productId: 'P1', qty: 1 }];
    const rec = (what: string) => this.s.recorder.order(what);
    if (o.kind === 'trunk') {
      const ack = await send('trunk.order', {
        request: {
          requestId,
          vehicleId: o.vehicleId,
          storeId: o.storeId,
          items,
          goodsCents: 1500,
          dueBy: Date.now() + 90 * MINUTE,
        },
      });
      const answer = ack?.replies.find((r) => r.type === 'trunk.accepted' || r.type === 'trunk.rejected');
      rec(answer?.type ?? 'trunk.unanswered');
      return;
    }
    if (o.kind === 'preorder') {
      const beaconId = this.s.registry.fleet.vehicles.find((v) => v.id === o.vehicleId)?.beaconId ?? '';
      const ack = await send('preorder.place', {
        request: { requestId, beaconId, storeId: o.storeId, items, totalCents: 2500 },
      });
      const confirmed = ack?.replies.find((r) => r.type === 'preorder.confirmed');
      rec(confirmed ? 'preorder.confirmed' : 'preorder.refused');
      const secret = this.s.registry.beacons.registry.find((d) => d.deviceId === beaconId)?.secret;
      const gateway = this.gateways.get(o.storeId);
      // the owner drives to the store: its gateway hears the beacon on arrival
      if (confirmed && secret && gateway)
        this.s.clock.later(this.s.clock.scaled(10 * MINUTE), () => void gateway.hear(secret));
      return;
    }
    const ack = await send('rental.request', { request: { requestId, vehicleId: o.vehicleId, minutes: 30 } });
    const granted = ack?.replies.find((r) => r.type === 'rental.granted');
    rec(granted ? 'rental.granted' : 'rental.refused');
    if (!granted) return;
    const rentalId = String(granted.rentalId);
    await send('vehicle.key', {
      vehicleId: o.vehicleId,
      requestId: `${rentalId}-door`,
      action: 'door_unlock',
      key: granted.key as DigitalKey as never,
    });
    if (o.upgradeLicence !== null) {
      // to drive: dispatch checks the licence and issues a key that also starts the engine
      const up = await send('rental.upgrade', { rentalId, licence: o.upgradeLicence });
      const upgraded = up?.replies.find((r) => r.type === 'rental.upgraded');
      rec(upgraded ? 'rental.upgraded' : 'rental.upgradeRefused');
      if (upgraded)
        await send('vehicle.key', {
          vehicleId: o.vehicleId,
          requestId: `${rentalId}-engine`,
          action: 'engine_start',
          key: upgraded.key as DigitalKey as never,
        });
    }
    this.s.clock.later(this.s.clock.scaled(20 * MINUTE), () => void send('rental.end', { rentalId }));
  }
}
