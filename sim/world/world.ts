import type { Actor, AnyActorRef } from 'xstate';
import type { CourierEvent } from '../../machines/courier-setup.ts';
import type { dispatchMachine } from '../../machines/dispatch.ts';
import { dispatchPolicy } from '../../machines/dispatch-policy.ts';
import { ledgerViolations, stillHeld } from '../../machines/escrow-ledger.ts';
import type { City } from '../city/city.ts';
import { compileCoverageArea } from '../city/coverage-area.ts';
import { EventLog } from '../kernel/event-log.ts';
import { Kernel } from '../kernel/kernel.ts';
import { type NetMessage, SimNet } from '../kernel/net.ts';
import { RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import { CourierAssignment } from './courier-assignment.ts';
import { scheduleDays } from './day-schedule.ts';
import { followDeviceEvents } from './device-events.ts';
import { createDispatchActor } from './dispatch-actor.ts';
import { scheduleErrandDemand } from './errand-demand.ts';
import { EscrowPayments } from './escrow-payments.ts';
import { Flows } from './flows.ts';
import { type Kpis, Metrics } from './metrics.ts';
import { Mobility } from './mobility.ts';
import { type PlacedArea, type Population, placePopulation } from './population.ts';
import { type PopulationActor, PopulationActors } from './population-actors.ts';
import type { RealDevices } from './real-devices.ts';
import type { RemoteDispatch } from './remote-dispatch.ts';
import { stateName } from './state-name.ts';

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

/**
 * The simulated city at work: it creates every actor from the scenario, provides the machines'
 * named effects (net, travel, routing and spatial ports, metrics), injects demand, shifts and
 * opening hours, and logs every delivered message and state change. Same scenario + seed ⇒ same
 * event log, byte for byte. It assembles the parts in a fixed order (dispatch-actor.ts,
 * population-actors.ts, flows.ts, day-schedule.ts, errand-demand.ts) and keeps what they share:
 * the actor registry, the state log and world-event delivery.
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
  private readonly actors = new Map<string, PopulationActor>();
  /** Actors of the other flows (cars, beacons, robots), by id, with their kind. */
  private readonly adopted = new Map<string, { kind: string; actor: AnyActorRef }>();
  /** The four flows beyond errands: fleet, vehicle port, their orders, demand and counters. */
  readonly flows: Flows;
  private readonly dispatch: Actor<typeof dispatchMachine>;
  private readonly lastState = new Map<string, string>();
  /** The dispatch policy's spatial port: idle couriers, waiting orders, offers. */
  readonly assignment: CourierAssignment;
  /** The stores, couriers and customers, built in the world's fixed order. */
  private readonly people: PopulationActors;
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
    const inject = (id: string, event: NetMessage) => this.inject(id, event);
    const isIdle = (id: string) => this.actors.get(id)?.getSnapshot().value === 'idle';
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
      inject,
      adopt: (id, kind, actor, observe) => this.adopt(id, kind, actor, observe),
      isIdle,
      sendFrom: (from, params) => this.net.send(from, params.to, params.message),
      findCouriers: (orderId, point, radius, category) =>
        this.assignment.orderSearching(orderId, point, radius, category),
      lifecycle: (params) => {
        this.metrics.lifecycle(params, this.kernel.now);
        this.assignment.orderStep(params.orderId, params.step);
      },
      payments: (instruction) => this.payments.execute(instruction),
      devices: options.devices,
    });
    const observeState = (id: string, value: unknown) => this.observeState(id, value);
    this.people = new PopulationActors({
      scenario,
      kernel: this.kernel,
      net: this.net,
      random: this.random,
      mobility: this.mobility,
      metrics: this.metrics,
      assignment: this.assignment,
      flows: this.flows,
      population: this.population,
      actors: this.actors,
      observeState,
      inject,
    });
    this.dispatch = createDispatchActor({
      scenario,
      city,
      kernel: this.kernel,
      net: this.net,
      metrics: this.metrics,
      assignment: this.assignment,
      payments: this.payments,
      flows: this.flows,
      remoteDispatch: this.remoteDispatch,
      isCourier: (id) => this.people.isCourier(id),
      observeState,
      forgetState: (id) => this.lastState.delete(id),
    });
    this.people.createStores();
    this.people.createCouriers();
    this.flows.createVehicles();
    this.people.createCustomers();
    scheduleDays({ scenario, kernel: this.kernel, population: this.population, inject }, 0);
    scheduleErrandDemand({
      scenario,
      kernel: this.kernel,
      random: this.random,
      city,
      areas: this.areas,
      population: this.population,
      storesByArea: this.people.storesByArea,
      customersByArea: this.people.customersByArea,
      isIdle,
      inject,
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
        inject,
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

  // ── state log and delivery, shared by every part ───────────────────────────────────────────────

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
}

export type { CourierEvent };
