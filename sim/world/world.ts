import { type Actor, type AnyActorRef, createActor } from 'xstate';
import { courierMachine } from '../../machines/courier.ts';
import type { CourierEvent } from '../../machines/courier-setup.ts';
import { customerMachine } from '../../machines/customer.ts';
import { dispatchMachine } from '../../machines/dispatch.ts';
import { dispatchPolicy } from '../../machines/dispatch-policy.ts';
import { DEFAULT_ERRAND_FEES } from '../../machines/errand-fees.ts';
import { errandOrderMachine, type LifecycleParams, type SendParams } from '../../machines/errand-order.ts';
import { ledgerViolations, stillHeld } from '../../machines/escrow-ledger.ts';
import type { Point } from '../../machines/protocol.ts';
import { storeMachine } from '../../machines/store.ts';
import type { City } from '../city/city.ts';
import { compileCoverageArea } from '../city/coverage-area.ts';
import { EventLog } from '../kernel/event-log.ts';
import { indexScheduledEvents } from '../kernel/indexed-scheduler.ts';
import { Kernel } from '../kernel/kernel.ts';
import { type NetMessage, SimNet } from '../kernel/net.ts';
import { type RandomStream, RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import { CourierAssignment } from './courier-assignment.ts';
import { followDeviceEvents } from './device-events.ts';
import { scheduleErrandDemand } from './errand-demand.ts';
import { EscrowPayments } from './escrow-payments.ts';
import { Flows } from './flows.ts';
import { type Kpis, Metrics } from './metrics.ts';
import { Mobility } from './mobility.ts';
import { orderShardsFor } from './order-shards.ts';
import { type PlacedArea, type Population, placePopulation } from './population.ts';
import type { RealDevices } from './real-devices.ts';
import type { RemoteDispatch } from './remote-dispatch.ts';
import { stateName } from './state-name.ts';
import { observeSystemSnapshots } from './system-snapshots.ts';
import { clockToMs } from './time-of-day.ts';

const DAY_MS = 86_400_000;
const MINUTE = 60_000;

export interface WorldOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Writes the event log as JSONL to this path. */
  readonly logPath?: string;
  /** Actors played by real devices (a hybrid run, paced to wall time); the world closes them. */
  readonly devices?: RealDevices;
  /** Couriers and customers talk to this remote dispatch server (errand flow); the world closes it. */
  readonly remoteDispatch?: RemoteDispatch;
}

export interface RunResult {
  seed: number;
  until: number;
  simSeconds: number;
  events: number;
  eventLogHash: string;
  kpis: Kpis;
}

type AnyActor = Actor<typeof courierMachine> | Actor<typeof customerMachine> | Actor<typeof storeMachine>;

/**
 * The simulated city at work: it creates every actor from the scenario, provides the machines'
 * named effects (net, travel, routing and spatial ports, metrics), injects demand, shifts and
 * opening hours, and logs every delivered message and state change. Same scenario + seed ⇒ same
 * event log, byte for byte.
 */
export class World {
  readonly kernel = new Kernel();
  readonly log: EventLog;
  readonly net: SimNet;
  readonly random: RandomStreams;
  readonly mobility: Mobility;
  readonly metrics = new Metrics();
  /** The payments port dispatch's money instructions go to, checked against dispatch's books. */
  readonly payments = new EscrowPayments();
  readonly areas: PlacedArea[];
  readonly population: Population;
  readonly seed: number;
  private readonly actors = new Map<string, AnyActor>();
  /** Actors of the other flows (cars, beacons, robots), by id, with their kind. */
  private readonly adopted = new Map<string, { kind: string; actor: AnyActorRef }>();
  /** The four flows beyond errands: fleet, vehicle port, their orders, demand and counters. */
  readonly flows: Flows;
  private dispatch!: Actor<typeof dispatchMachine>;
  private readonly lastState = new Map<string, string>();
  /** The dispatch policy's spatial port: idle couriers, waiting orders, offers. */
  readonly assignment: CourierAssignment;
  private readonly courierIndex = new Map<string, number>();
  private readonly courierIds: string[] = [];
  private readonly customersByArea = new Map<string, string[]>();
  private readonly storesByArea = new Map<string, string[]>();
  private readonly prepStreams = new Map<string, RandomStream>();
  private lostDemand = 0;
  readonly devices: RealDevices | undefined;
  readonly remoteDispatch: RemoteDispatch | undefined;

  constructor(
    readonly scenario: Scenario,
    readonly city: City,
    options: WorldOptions = {},
  ) {
    this.seed = options.seed ?? scenario.seed;
    this.devices = options.devices;
    this.remoteDispatch = options.remoteDispatch;
    this.random = new RandomStreams(this.seed);
    this.log = new EventLog(options.logPath);
    this.net = new SimNet(this.kernel, this.log, scenario.netLatencyMs);
    this.assignment = new CourierAssignment(
      dispatchPolicy(scenario.dispatch.policy, scenario.dispatch.batchSeconds),
      this.kernel,
      (orderId, courierIds) =>
        this.net.send('spatial', 'dispatch', { type: 'couriers.found', orderId, courierIds }),
    );
    this.mobility = new Mobility(this.kernel, city);
    this.areas = scenario.coverageAreas.map((a) => ({
      id: a.id,
      area: compileCoverageArea(a.geometry, city.projection),
    }));
    this.population = placePopulation(scenario, city, this.areas, this.random);
    this.flows = new Flows({
      scenario,
      city,
      kernel: this.kernel,
      net: this.net,
      random: this.random,
      mobility: this.mobility,
      areas: this.areas,
      population: this.population,
      metrics: this.metrics,
      inject: (id, event) => this.inject(id, event),
      adopt: (id, kind, actor, observe) => this.adopt(id, kind, actor, observe),
      isIdle: (id) => this.actors.get(id)?.getSnapshot().value === 'idle',
      sendFrom: (from, params) => this.sendFrom(from, params),
      findCouriers: (orderId, point, radius, category) =>
        this.assignment.orderSearching(orderId, point, radius, category),
      lifecycle: (params) => {
        this.metrics.lifecycle(params, this.kernel.now);
        this.assignment.orderStep(params.orderId, params.step);
      },
      payments: (instruction) => this.payments.execute(instruction),
      devices: options.devices,
    });
    this.createDispatch();
    this.createStores();
    this.createCouriers();
    this.flows.createVehicles();
    this.createCustomers();
    this.scheduleDays(0);
    scheduleErrandDemand({
      scenario,
      kernel: this.kernel,
      random: this.random,
      city,
      areas: this.areas,
      population: this.population,
      storesByArea: this.storesByArea,
      customersByArea: this.customersByArea,
      isIdle: (id) => this.actors.get(id)?.getSnapshot().value === 'idle',
      inject: (id, event) => this.inject(id, event),
      lost: () => {
        this.lostDemand++;
      },
    });
    this.flows.startDemand();
    if (options.devices)
      followDeviceEvents(options.devices, {
        kernel: this.kernel,
        city,
        mobility: this.mobility,
        inject: (id, event) => this.inject(id, event),
        robotUser: (id) =>
          (this.snapshotOf(id) as { context?: { user?: string | null } })?.context?.user ?? null,
        stateOf: (id) => this.lastState.get(id),
        onStateChange: (listener) =>
          this.log.onEntry((entry) => {
            if (entry.kind === 'state') listener(entry.actor, entry.state);
          }),
      });
  }

  /** Whether a real device plays this actor (the twin marks it). */
  isReal(id: string): boolean {
    return this.devices?.has(id) ?? false;
  }

  /** Runs as fast as possible up to `until` (sim ms). */
  run(until: number, onProgress?: (now: number) => void): void {
    this.kernel.runUntil(until, onProgress);
  }

  /** Every actor id with its kind, for the twin and tests. */
  actorIds(): { id: string; kind: string }[] {
    return [
      ...[...this.actors.keys()].map((id) => ({
        id,
        kind: id.startsWith('S') ? 'store' : id.startsWith('U') ? 'customer' : 'courier',
      })),
      ...[...this.adopted].map(([id, a]) => ({ id, kind: a.kind })),
    ];
  }

  /** The current snapshot of an actor (top-level or an order inside dispatch). */
  snapshotOf(id: string): unknown {
    if (id === 'dispatch') return this.dispatch.getSnapshot();
    const actor = this.actors.get(id) ?? this.adopted.get(id)?.actor;
    if (actor) return actor.getSnapshot();
    return this.dispatch.system.get(id)?.getSnapshot();
  }

  /** KPIs and invariant checks at the current instant. */
  kpis(): Kpis {
    const ctx = this.dispatch.getSnapshot().context;
    const t = ctx.ledger.totals;
    const extra = [
      ...ledgerViolations(ctx.ledger),
      ...ctx.refusals,
      ...this.payments.violations({ ...t, charged: this.flows.charged() }),
      ...this.flows.violations(),
    ];
    return this.metrics.kpis(
      this.kernel.now,
      {
        held: t.held,
        released: t.paidOut,
        refunded: t.refunded,
        commission: t.commission,
        stillHeld: stillHeld(ctx.ledger),
      },
      extra,
      this.flows.counters(),
    );
  }

  result(until: number): RunResult {
    return {
      seed: this.seed,
      until,
      simSeconds: this.kernel.now / 1000,
      events: this.log.entries,
      eventLogHash: this.log.digest(),
      kpis: this.kpis(),
    };
  }

  get demandLost(): number {
    return this.lostDemand;
  }

  async close(): Promise<void> {
    for (const actor of this.actors.values()) actor.stop();
    for (const { actor } of this.adopted.values()) actor.stop();
    this.dispatch.stop();
    await this.devices?.close();
    await this.remoteDispatch?.close();
    await this.log.close();
  }

  // ── actors ────────────────────────────────────────────────────────────────────────────────

  private register(id: string, actor: AnyActorRef): void {
    this.net.register(id, (message) => actor.send(message as never));
  }

  /** Logs a state change when the actor's state value differs from the last one logged. */
  private observeState(id: string, value: unknown): string | undefined {
    const name = stateName(value);
    if (this.lastState.get(id) === name) return undefined;
    this.lastState.set(id, name);
    this.log.appendState(this.kernel.now, id, name);
    return name;
  }

  /** Delivers a world event (demand, shift, arrival, opening hours) and logs it like a message. */
  private inject(id: string, event: NetMessage): void {
    this.log.appendMessage(this.kernel.now, 'world', id, event);
    (this.actors.get(id) ?? this.adopted.get(id)?.actor)?.send(event as never);
  }

  /**
   * Adds an actor of the other flows: its net address (each message stamped with its delivery time
   * `at`, the actor's clock reading, and shown to `observe` first) and its state log.
   */
  private adopt(
    id: string,
    kind: string,
    actor: AnyActorRef,
    observe?: (message: NetMessage, from: string) => void,
  ): void {
    this.adopted.set(id, { kind, actor });
    this.net.register(id, (message, from) => {
      observe?.(message, from);
      actor.send({ ...message, at: this.kernel.now } as never);
    });
    actor.subscribe((snap: { value: unknown }) => this.observeState(id, snap.value));
  }

  private sendFrom(from: string, params: SendParams): void {
    this.net.send(from, params.to, params.message);
  }

  private createDispatch(): void {
    const e = this.scenario.dispatch.errand;
    const orderMachine = errandOrderMachine.provide({
      actions: {
        send: (_, params) => this.sendFrom('dispatch', params),
        broadcast: (_, params) => {
          for (const to of params.to) this.net.send('dispatch', to, params.message);
        },
        requestQuote: (_, params) => this.quote(params.orderId, params.from, params.to),
        findCouriers: (_, params) =>
          this.assignment.orderSearching(params.orderId, params.point, params.radius, params.category),
        lifecycle: (_, params: LifecycleParams) => {
          this.metrics.lifecycle(params, this.kernel.now);
          this.assignment.orderStep(params.orderId, params.step);
        },
      },
    });
    const machine = dispatchMachine.provide({
      actors: { errandOrder: orderMachine, ...this.flows.orderActors() },
      actions: {
        send: (_, params) => this.sendFrom('dispatch', params),
        broadcast: (_, params) => {
          for (const to of params.to) this.net.send('dispatch', to, params.message);
        },
        payments: (_, params) => this.payments.execute(params),
        violation: (_, params) => this.metrics.violation(`${params.rule}: ${params.detail}`),
      },
    });
    this.dispatch = createActor(machine, {
      id: 'dispatch',
      clock: this.kernel.clock,
      input: {
        fees: e.fees ?? DEFAULT_ERRAND_FEES,
        pullLimit: e.pullLimit,
        policy: this.assignment.policy,
        flows: this.flows.dispatchInput(),
        orderShards: orderShardsFor(this.scenario),
        timing: {
          pushRadius: e.pushRadiusM,
          repushMs: e.repushSeconds * 1000,
          maxOpenMs: e.maxOpenMinutes * MINUTE,
          autoConfirmMs: e.autoConfirmMinutes * MINUTE,
          disputeResolutionMs: e.disputeResolutionMinutes * MINUTE,
        },
      },
    });
    observeSystemSnapshots(this.dispatch, {
      next: (id, snapshot) => {
        if (snapshot.value !== undefined) this.observeState(id, snapshot.value);
      },
      end: (id) => this.lastState.delete(id),
    });
    // dispatch reads time from the messages it gets (key windows, beacon slots): the net stamps it
    const local = (message: NetMessage) => this.dispatch.send({ ...message, at: this.kernel.now } as never);
    const roleOf = (id: string) =>
      this.courierIndex.has(id) ? 'courier' : /^U\d+$/.test(id) ? 'customer' : undefined;
    this.net.register('dispatch', this.remoteDispatch?.bridge(this.net, this.kernel, roleOf, local) ?? local);
    indexScheduledEvents(this.dispatch);
    this.dispatch.start();
    this.flows.cartDesk = () =>
      this.dispatch.system.get('carts')?.getSnapshot().context as ReturnType<Flows['cartDesk']>;
  }

  private createStores(): void {
    const minutes = this.scenario.stores.preparationMinutes;
    const machine = storeMachine.provide({
      actions: {
        send: ({ self }, params) => this.sendFrom((self as AnyActorRef).id, params),
        handedToCar: (_, params) => this.flows.flowMetrics.preorderHandedOver(params.orderId),
      },
      delays: {
        preparation: ({ context }) => this.prepStream(context.id).exponential(1 / (minutes * MINUTE)),
      },
    });
    const opens = clockToMs(this.scenario.stores.opens);
    const closes = clockToMs(this.scenario.stores.closes);
    for (const s of this.population.stores) {
      const actor = createActor(machine, {
        id: s.id,
        clock: this.kernel.clock,
        input: {
          id: s.id,
          position: s.position,
          openAtStart: opens === 0 || (opens < closes && closes === DAY_MS && opens === 0),
        },
      });
      this.actors.set(s.id, actor);
      this.register(s.id, actor);
      actor.subscribe((snap) => this.observeState(s.id, snap.value));
      actor.start();
      const list = this.storesByArea.get(s.area) ?? [];
      list.push(s.id);
      this.storesByArea.set(s.area, list);
    }
  }

  private createCouriers(): void {
    const c = this.scenario.fleet.couriers;
    const machine = courierMachine.provide({
      actions: {
        send: ({ self }, params) => this.sendFrom(self.id, params),
        travel: ({ self }, params) => {
          this.mobility.travel(self.id, params.to, (at) =>
            this.inject(self.id, { type: 'travel.arrived', position: at }),
          );
        },
        stopTravel: ({ self }) => this.mobility.stop(self.id),
        reportPosition: ({ self }) => {
          const position = this.mobility.locate(self.id);
          this.net.send(self.id, 'dispatch', {
            type: 'courier.position',
            courierId: self.id,
            position: { x: Math.round(position.x * 10) / 10, y: Math.round(position.y * 10) / 10 },
            eta: this.mobility.eta(self.id),
          });
        },
      },
    });
    for (const p of this.population.couriers) {
      const index = this.courierIds.length;
      this.courierIds.push(p.id);
      this.courierIndex.set(p.id, index);
      this.mobility.place(p.id, p.mode, p.home);
      this.assignment.addCourier(p.id, p.courierType, p.categories, p.home);
      const actor = createActor(machine, {
        id: p.id,
        clock: this.kernel.clock,
        input: {
          id: p.id,
          courierType: p.courierType,
          mode: p.mode,
          categories: p.categories,
          home: p.home,
          pullRadius: c.pullRadiusM,
          pullIntervalMs: c.pullIntervalSeconds * 1000,
          serviceMs: c.serviceMinutes * MINUTE,
          trackingIntervalMs: c.trackingIntervalSeconds * 1000,
          acceptTimeoutMs: 30_000,
        },
      });
      this.actors.set(p.id, actor);
      this.register(p.id, actor);
      actor.subscribe((snap) => {
        const name = this.observeState(p.id, snap.value);
        if (name === undefined) return;
        const top = typeof snap.value === 'string' ? snap.value : Object.keys(snap.value)[0];
        const coarse = top === 'offDuty' ? 'off' : top === 'idle' ? 'idle' : 'busy';
        this.metrics.courierState(p.id, coarse, this.kernel.now);
        this.assignment.courierState(p.id, coarse, this.mobility.locate(p.id));
      });
      actor.start();
    }
  }

  private createCustomers(): void {
    const machine = customerMachine.provide({
      actions: {
        send: ({ self }, params) => this.sendFrom(self.id, params),
        walk: ({ self, context }, params) => this.flows.walk(self.id, context.home, params.to),
      },
    });
    for (const p of this.population.customers) {
      const actor = createActor(machine, {
        id: p.id,
        clock: this.kernel.clock,
        input: {
          id: p.id,
          home: p.home,
          phone: `+377-6-${p.id.slice(1).padStart(7, '0')}`,
          answerTimeoutMs: 60_000,
          ...this.flows.customerExtras(p.id),
        },
      });
      this.actors.set(p.id, actor);
      this.register(p.id, actor);
      actor.subscribe((snap) => this.observeState(p.id, snap.value));
      actor.start();
      const list = this.customersByArea.get(p.area) ?? [];
      list.push(p.id);
      this.customersByArea.set(p.area, list);
    }
  }

  private prepStream(storeId: string): RandomStream {
    let s = this.prepStreams.get(storeId);
    if (!s) {
      s = this.random.stream(`store:${storeId}:preparation`);
      this.prepStreams.set(storeId, s);
    }
    return s;
  }

  // ── ports answered by the world ───────────────────────────────────────────────────────────

  /** The routing port: car route distance between two points, or null when unreachable. */
  private quote(orderId: string, from: Point, to: Point): void {
    let distance: number | null = null;
    let duration: number | null = null;
    try {
      const a = this.city.nearestNode('drive', from.x, from.y);
      const b = this.city.nearestNode('drive', to.x, to.y);
      const route = this.city.route('car', a, b);
      distance = Math.round(route.distance);
      duration = Math.round(route.duration);
    } catch {
      distance = null;
    }
    this.net.send('routing', 'dispatch', { type: 'route.quote', orderId, distance, duration });
  }

  // ── schedules: days, shifts, opening hours, demand ────────────────────────────────────────

  private scheduleDays(day: number): void {
    const base = day * DAY_MS;
    for (const p of this.population.couriers) {
      const start = base + p.shiftStart;
      const end = base + (p.shiftEnd > p.shiftStart ? p.shiftEnd : p.shiftEnd + DAY_MS);
      this.kernel.schedule(start, () => this.inject(p.id, { type: 'shift.start' }));
      this.kernel.schedule(end, () => this.inject(p.id, { type: 'shift.end' }));
    }
    const opens = clockToMs(this.scenario.stores.opens);
    const closes = clockToMs(this.scenario.stores.closes);
    if (!(opens === 0 && closes === DAY_MS)) {
      for (const s of this.population.stores) {
        this.kernel.schedule(base + opens, () => this.inject(s.id, { type: 'store.open' }));
        this.kernel.schedule(base + closes, () => this.inject(s.id, { type: 'store.close' }));
      }
    }
    this.kernel.schedule(base + DAY_MS, () => this.scheduleDays(day + 1));
  }
}

export type { CourierEvent };
