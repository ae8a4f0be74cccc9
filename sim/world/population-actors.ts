import { type Actor, type AnyActorRef, createActor } from 'xstate';
import { courierMachine } from '../../machines/courier.ts';
import { customerMachine } from '../../machines/customer.ts';
import type { SendParams } from '../../machines/errand-order.ts';
import { storeMachine } from '../../machines/store.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { NetMessage, SimNet } from '../kernel/net.ts';
import type { RandomStream, RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { CourierAssignment } from './courier-assignment.ts';
import type { Flows } from './flows.ts';
import type { Metrics } from './metrics.ts';
import type { Mobility } from './mobility.ts';
import type { Population } from './population.ts';
import { clockToMs } from './time-of-day.ts';

const DAY_MS = 86_400_000;
const MINUTE = 60_000;

export type PopulationActor =
  | Actor<typeof courierMachine>
  | Actor<typeof customerMachine>
  | Actor<typeof storeMachine>;

/** What the population's actors reach in the world: net, clock, travel, the spatial port, metrics. */
export interface PopulationActorsWorld {
  readonly scenario: Scenario;
  readonly kernel: Kernel;
  readonly net: SimNet;
  readonly random: RandomStreams;
  readonly mobility: Mobility;
  readonly metrics: Metrics;
  readonly assignment: CourierAssignment;
  readonly flows: Flows;
  readonly population: Population;
  /** Where each created actor goes, by id (the world sends, snapshots and stops through it). */
  readonly actors: Map<string, PopulationActor>;
  /** Logs a state change; the name logged, or undefined when the state did not change. */
  observeState(id: string, value: unknown): string | undefined;
  inject(id: string, event: NetMessage): void;
}

/**
 * Creates the actors that play the placed population: stores, couriers and customers, each with
 * its machine's effects provided, its net address and its state log. Its own file because who
 * plays the city is one concept and the world's assembly another; the world calls the three
 * builders in its fixed order (cars come between couriers and customers), which fixes the order
 * of registrations, subscriptions and log lines.
 */
export class PopulationActors {
  /** Store ids by coverage area, in creation order (errand demand picks from them). */
  readonly storesByArea = new Map<string, string[]>();
  /** Customer ids by coverage area, in creation order. */
  readonly customersByArea = new Map<string, string[]>();
  private readonly couriers = new Set<string>();
  private readonly prepStreams = new Map<string, RandomStream>();

  constructor(private readonly w: PopulationActorsWorld) {}

  isCourier(id: string): boolean {
    return this.couriers.has(id);
  }

  createStores(): void {
    const w = this.w;
    const minutes = w.scenario.stores.preparationMinutes;
    const machine = storeMachine.provide({
      actions: {
        send: ({ self }, params) => this.sendFrom((self as AnyActorRef).id, params),
        handedToCar: (_, params) => w.flows.flowMetrics.preorderHandedOver(params.orderId),
      },
      delays: {
        preparation: ({ context }) => this.prepStream(context.id).exponential(1 / (minutes * MINUTE)),
      },
    });
    const opens = clockToMs(w.scenario.stores.opens);
    const closes = clockToMs(w.scenario.stores.closes);
    for (const s of w.population.stores) {
      const actor = createActor(machine, {
        id: s.id,
        clock: w.kernel.clock,
        input: {
          id: s.id,
          position: s.position,
          openAtStart: opens === 0 || (opens < closes && closes === DAY_MS && opens === 0),
        },
      });
      this.add(s.id, actor);
      actor.subscribe((snap) => w.observeState(s.id, snap.value));
      actor.start();
      addToArea(this.storesByArea, s.area, s.id);
    }
  }

  createCouriers(): void {
    const w = this.w;
    const c = w.scenario.fleet.couriers;
    const machine = courierMachine.provide({
      actions: {
        send: ({ self }, params) => this.sendFrom(self.id, params),
        travel: ({ self }, params) => {
          w.mobility.travel(self.id, params.to, (at) =>
            w.inject(self.id, { type: 'travel.arrived', position: at }),
          );
        },
        stopTravel: ({ self }) => w.mobility.stop(self.id),
        reportPosition: ({ self }) => {
          const position = w.mobility.locate(self.id);
          w.net.send(self.id, 'dispatch', {
            type: 'courier.position',
            courierId: self.id,
            position: { x: Math.round(position.x * 10) / 10, y: Math.round(position.y * 10) / 10 },
            eta: w.mobility.eta(self.id),
          });
        },
      },
    });
    for (const p of w.population.couriers) {
      this.couriers.add(p.id);
      w.mobility.place(p.id, p.mode, p.home);
      w.assignment.addCourier(p.id, p.courierType, p.categories, p.home);
      const actor = createActor(machine, {
        id: p.id,
        clock: w.kernel.clock,
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
      this.add(p.id, actor);
      actor.subscribe((snap) => {
        const name = w.observeState(p.id, snap.value);
        if (name === undefined) return;
        const top = typeof snap.value === 'string' ? snap.value : Object.keys(snap.value)[0];
        const coarse = top === 'offDuty' ? 'off' : top === 'idle' ? 'idle' : 'busy';
        w.metrics.courierState(p.id, coarse, w.kernel.now);
        w.assignment.courierState(p.id, coarse, w.mobility.locate(p.id));
      });
      actor.start();
    }
  }

  createCustomers(): void {
    const w = this.w;
    const machine = customerMachine.provide({
      actions: {
        send: ({ self }, params) => this.sendFrom(self.id, params),
        walk: ({ self, context }, params) => w.flows.walk(self.id, context.home, params.to),
      },
    });
    for (const p of w.population.customers) {
      const actor = createActor(machine, {
        id: p.id,
        clock: w.kernel.clock,
        input: {
          id: p.id,
          home: p.home,
          phone: `+377-6-${p.id.slice(1).padStart(7, '0')}`,
          answerTimeoutMs: 60_000,
          ...w.flows.customerExtras(p.id),
        },
      });
      this.add(p.id, actor);
      actor.subscribe((snap) => w.observeState(p.id, snap.value));
      actor.start();
      addToArea(this.customersByArea, p.area, p.id);
    }
  }

  /** Keeps the actor and gives it its net address. */
  private add(id: string, actor: PopulationActor): void {
    this.w.actors.set(id, actor);
    this.w.net.register(id, (message) => actor.send(message as never));
  }

  private sendFrom(from: string, params: SendParams): void {
    this.w.net.send(from, params.to, params.message);
  }

  /** Each store's own preparation-time stream, drawn from its first order on. */
  private prepStream(storeId: string): RandomStream {
    let s = this.prepStreams.get(storeId);
    if (!s) {
      s = this.w.random.stream(`store:${storeId}:preparation`);
      this.prepStreams.set(storeId, s);
    }
    return s;
  }
}

function addToArea(byArea: Map<string, string[]>, area: string, id: string): void {
  const list = byArea.get(area) ?? [];
  list.push(id);
  byArea.set(area, list);
}
