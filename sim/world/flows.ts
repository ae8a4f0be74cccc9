import { createNodeCrypto } from '../../adapters/sim/node-crypto.ts';
import { withVerifyCache } from '../../adapters/sim/verify-cache.ts';
import { beaconDeskMachine } from '../../machines/beacon-desk.ts';
import { type CartDeskContext, cartDeskMachine } from '../../machines/cart-desk.ts';
import type { KeyPair } from '../../machines/crypto-port.ts';
import { type DigitalKey, ENTITLEMENTS, issueKey } from '../../machines/digital-key.ts';
import type { FlowsInput } from '../../machines/dispatch-flows.ts';
import type { BroadcastParams, LifecycleParams, SendParams } from '../../machines/errand-order.ts';
import type { PaymentInstruction } from '../../machines/payments-port.ts';
import { preorderMachine } from '../../machines/preorder.ts';
import type { Point } from '../../machines/protocol.ts';
import { rentalMachine } from '../../machines/rental.ts';
import { trunkOrderMachine } from '../../machines/trunk-order.ts';
import type { City } from '../city/city.ts';
import { StaticPointIndex } from '../city/spatial-index.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { NetMessage, SimNet } from '../kernel/net.ts';
import type { RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import { BeaconRadio, type ProvisionedBeacons, provisionBeacons } from './beacon-radio.ts';
import { CarDemand } from './car-demand.ts';
import { type Fleet, ParkingOccupancy, placeFleet } from './fleet.ts';
import { type FlowCounters, FlowMetrics } from './flow-metrics.ts';
import type { Metrics } from './metrics.ts';
import type { Mobility } from './mobility.ts';
import type { PlacedArea, PlacedStore, Population } from './population.ts';
import { RobotFleet } from './robot-fleet.ts';
import { VehiclePort, type WorldPorts } from './vehicle-port.ts';

const MINUTE = 60_000;
/** Owner keys outlive any run: ten years of sim seconds. */
const OWNER_KEY_SECONDS = 10 * 365 * 86_400;

/** The world as the four flows see it (World passes itself plus its private helpers). */
export interface FlowsWorld extends Omit<WorldPorts, 'flowMetrics'> {
  readonly scenario: Scenario;
  readonly random: RandomStreams;
  readonly areas: readonly PlacedArea[];
  readonly population: Population;
  readonly metrics: Metrics;
  readonly kernel: Kernel;
  readonly net: SimNet;
  readonly mobility: Mobility;
  readonly city: City;
  isIdle(customerId: string): boolean;
  sendFrom(from: string, params: SendParams): void;
  /** The errand flow's couriers search (the dispatch policy's spatial port), shared by trunk orders. */
  findCouriers(orderId: string, point: Point, radius: number, category: string): void;
  lifecycle(params: LifecycleParams): void;
  /** The payments port (charges of carts). */
  payments(instruction: PaymentInstruction): void;
}

/**
 * The four flows beyond errands, wired into the world: the fleet of cars (and their beacons) with
 * the vehicle port, dispatch's signing key and the flows' order machines, their demand, and their
 * counters and invariants for the KPIs. World calls in at a few points; everything else is here.
 */
export class Flows {
  readonly flowMetrics = new FlowMetrics();
  readonly occupancy: ParkingOccupancy;
  readonly fleet: Fleet;
  readonly crypto = withVerifyCache(createNodeCrypto());
  readonly issuer: KeyPair;
  private readonly ownerKeys = new Map<string, DigitalKey>();
  private readonly storesByArea = new Map<string, PlacedStore[]>();
  private readonly customerArea = new Map<string, string>();
  private readonly walkers = new Set<string>();
  readonly beacons: ProvisionedBeacons;
  private readonly homes: StaticPointIndex;
  vehicles!: VehiclePort;
  carDemand!: CarDemand;
  radio!: BeaconRadio;
  robots!: RobotFleet;
  /** Dispatch's cart desk, once dispatch runs (stock and charges are read from it). */
  cartDesk: () => CartDeskContext | undefined = () => undefined;

  constructor(private readonly w: FlowsWorld) {
    const seed = w.random.stream('dispatch:issuer-key');
    const bytes = new Uint8Array(32).map(() => seed.int(0, 255));
    this.issuer = createNodeCrypto().generateKeyPair(bytes);
    this.occupancy = new ParkingOccupancy(w.city);
    this.fleet = placeFleet(w.scenario, w.city, w.areas, w.population.customers, w.random, this.occupancy);
    for (const s of w.population.stores) {
      const list = this.storesByArea.get(s.area) ?? [];
      list.push(s);
      this.storesByArea.set(s.area, list);
    }
    for (const c of w.population.customers) this.customerArea.set(c.id, c.area);
    this.homes = StaticPointIndex.fromPoints(w.population.customers.map((c) => c.home));
    w.mobility.markHubs(w.population.stores.map((st) => st.position));
    this.beacons = provisionBeacons(
      this.fleet,
      w.random,
      w.scenario.fleet.vehicles.beaconMaxDriftSeconds * 1000,
    );
    for (const v of this.fleet.vehicles) {
      if (!v.ownerId) continue;
      this.ownerKeys.set(
        v.ownerId,
        issueKey(this.crypto, this.issuer.privateKey, {
          keyId: `O:${v.id}`,
          vehicleId: v.id,
          holderId: v.ownerId,
          entitlements: [...ENTITLEMENTS],
          validFrom: 0,
          validUntil: OWNER_KEY_SECONDS,
          maxUses: null,
          revocationEpoch: 0,
          issuedAt: 0,
        }),
      );
    }
  }

  /** What dispatch needs to serve the flows: its key, stores with their areas, rules and timings. */
  dispatchInput(): FlowsInput {
    const d = this.w.scenario.dispatch;
    const t = d.trunk;
    const stores: Record<string, FlowsInput['trunk']['stores'][string]> = {};
    for (const s of this.w.population.stores)
      stores[s.id] = { id: s.id, position: s.position, areaId: s.area };
    return {
      keys: { crypto: this.crypto, privateKey: this.issuer.privateKey },
      trunk: {
        stores,
        fees: {
          deliveryFeeCents: t.deliveryFeeCents,
          commissionRate: t.commissionRate,
          returnFeeShare: t.returnFeeShare,
        },
        timing: {
          pushRadius: t.pushRadiusM,
          repushMs: t.repushSeconds * 1000,
          maxOpenMs: t.maxOpenMinutes * MINUTE,
          keyWindowMs: t.keyWindowMinutes * MINUTE,
          holdCheckMs: t.holdCheckSeconds * 1000,
          maxHoldChecks: t.maxHoldChecks,
          relockCheckMs: t.relockCheckSeconds * 1000,
          maxReroutes: t.maxReroutes,
        },
      },
      rental: {
        pricePerMinuteCents: d.rental.pricePerMinuteCents,
        closeAfterMs: d.rental.closeAfterMinutes * MINUTE,
        revokeRetryMs: d.rental.revokeRetrySeconds * 1000,
      },
      preorder: {
        pickupWindowMs: d.preorder.pickupWindowMinutes * MINUTE,
        handoverTimeoutMs: 2 * MINUTE,
        beacons: {
          registry: this.beacons.registry,
          slotSeconds: d.preorder.slotSeconds,
          driftSlots: d.preorder.driftSlots,
        },
        owners: this.beacons.owners,
      },
      robot: {
        prices: Object.fromEntries(this.w.scenario.fleet.robots.products.map((p) => [p.id, p.priceCents])),
        unpaidGraceMs: d.robot.unpaidGraceMinutes * MINUTE,
      },
    };
  }

  /** The flows' order machines with the world's effects, to provide to dispatch. */
  orderActors() {
    const common = {
      send: (_: unknown, params: SendParams) => this.w.sendFrom('dispatch', params),
      broadcast: (_: unknown, params: BroadcastParams) => {
        for (const to of params.to) this.w.net.send('dispatch', to, params.message);
      },
      lifecycle: (_: unknown, params: LifecycleParams) => this.w.lifecycle(params),
      count: (_: unknown, params: { flow: string; counter: string }) =>
        this.flowMetrics.count(params.flow as 'trunk', params.counter),
    };
    return {
      trunkOrder: trunkOrderMachine.provide({
        actions: {
          ...common,
          checkPlacement: (_, p) => this.vehicles.checkPlacement(p.orderId, p.vehicleId, p.areaId),
          checkLock: (_, p) => this.vehicles.checkLock(p.orderId, p.vehicleId),
          findCouriers: (_, p) => this.w.findCouriers(p.orderId, p.point, p.radius, p.category),
        },
      }),
      rental: rentalMachine.provide({
        actions: {
          ...common,
          checkPlacement: (_, p) => this.vehicles.checkPlacement(p.orderId, p.vehicleId, p.areaId),
          sendEach: (_, p) => {
            for (const m of p.messages) this.w.net.send('dispatch', p.to, m);
          },
        },
      }),
      preorder: preorderMachine.provide({ actions: common }),
      cartDesk: cartDeskMachine.provide({ actions: { ...common, payments: (_, p) => this.w.payments(p) } }),
      beaconDesk: beaconDeskMachine.provide({ actions: { count: common.count } }),
    };
  }

  /** Creates the cars (after couriers, so errand runs keep their actor order). */
  createVehicles(): void {
    this.vehicles = new VehiclePort(
      { ...this.w, flowMetrics: this.flowMetrics },
      this.w.scenario,
      this.fleet,
      this.w.areas,
      this.occupancy,
      this.crypto,
      this.issuer.publicKey,
      this.w.random.stream('vehicles:actuators'),
    );
    this.radio = new BeaconRadio(
      { ...this.w, flowMetrics: this.flowMetrics },
      this.w.scenario,
      this.beacons,
      this.w.population.stores,
      this.crypto,
      this.w.random,
      this.vehicles,
    );
    this.robots = new RobotFleet(
      {
        ...this.w,
        flowMetrics: this.flowMetrics,
        customers: this.w.population.customers,
        homes: this.homes,
        isIdle: (id) => this.w.isIdle(id),
      },
      this.w.scenario,
      this.w.city,
    );
  }

  /** The car, phone key and beacon a customer owns, for the customer's input. */
  customerExtras(customerId: string) {
    const vehicle = this.fleet.byOwner.get(customerId);
    return {
      vehicleId: vehicle?.id ?? null,
      ownerKey: this.ownerKeys.get(customerId) ?? null,
      beaconId: vehicle?.beaconId ?? null,
      memberCode: `M-${customerId}`,
    };
  }

  /** The customers' walking effect: to a rental car or a robot, on the walk graph. */
  walk(customerId: string, home: Point, to: Point): void {
    if (!this.walkers.has(customerId)) {
      this.walkers.add(customerId);
      this.w.mobility.place(customerId, 'foot', home);
    }
    this.w.mobility.travel(customerId, to, (at) =>
      this.w.inject(customerId, { type: 'travel.arrived', position: at }),
    );
  }

  /** Starts the flows' demand (after every actor exists). */
  startDemand(): void {
    this.carDemand = new CarDemand(
      {
        kernel: this.w.kernel,
        random: this.w.random,
        areas: this.w.areas,
        flowMetrics: this.flowMetrics,
        vehicles: this.vehicles,
        storesIn: (areaId) => this.storesByArea.get(areaId) ?? [],
        isIdle: (id) => this.w.isIdle(id),
        inject: (id, event: NetMessage) => this.w.inject(id, event),
        idleCustomerNear: (p, radius) => {
          const customers = this.w.population.customers;
          const found = this.homes.nearestK(p.x, p.y, 1, (i) => this.w.isIdle(customers[i]!.id));
          const c = found.length > 0 ? customers[found[0]!] : undefined;
          return c && Math.hypot(c.home.x - p.x, c.home.y - p.y) <= radius ? c.id : undefined;
        },
      },
      this.w.scenario,
      (customerId) => this.customerArea.get(customerId) ?? '',
    );
  }

  counters(): Record<string, FlowCounters> {
    const out = this.flowMetrics.byFlow();
    out.robot = { ...out.robot, stock: this.robots.stock(this.cartDesk()).figures };
    return out;
  }

  violations(): readonly string[] {
    return [...this.flowMetrics.violations, ...this.robots.stock(this.cartDesk()).violations];
  }

  /** Cents charged through the payments port by the cart desk (for the money check). */
  charged(): number {
    return this.cartDesk()?.charged ?? 0;
  }
}
