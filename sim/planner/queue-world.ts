import { type Actor, type AnyActorRef, createActor } from 'xstate';
import { courierMachine } from '../../machines/courier.ts';
import { customerMachine } from '../../machines/customer.ts';
import { dispatchMachine } from '../../machines/dispatch.ts';
import { dispatchPolicy } from '../../machines/dispatch-policy.ts';
import { DEFAULT_ERRAND_FEES } from '../../machines/errand-fees.ts';
import { errandOrderMachine, type LifecycleParams } from '../../machines/errand-order.ts';
import type { ErrandDemand, Point } from '../../machines/protocol.ts';
import { EventLog } from '../kernel/event-log.ts';
import { indexScheduledEvents } from '../kernel/indexed-scheduler.ts';
import { Kernel, type ScheduledTask } from '../kernel/kernel.ts';
import { type NetMessage, SimNet } from '../kernel/net.ts';
import { type RandomStream, RandomStreams } from '../kernel/random-streams.ts';
import { CourierAssignment } from '../world/courier-assignment.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Where every errand is picked up and dropped off: the trip itself is the service time. */
const PICKUP: Point = { x: 0, y: 0 };
const DROPOFF: Point = { x: 1, y: 0 };

export interface QueueWorldOptions {
  readonly lambdaPerHour: number;
  readonly muPerHour: number;
  readonly servers: number;
  readonly orders: number;
  readonly seed: number;
}

/** One order's passage through the queue, sim ms. */
export interface QueuedOrder {
  readonly createdAt: number;
  assignedAt: number | null;
}

type Courier = Actor<typeof courierMachine>;
type Customer = Actor<typeof customerMachine>;

/**
 * A small world for the queueing check: the kernel, the real dispatch, errand-order, courier and
 * customer machines, and FCFS assignment — with two ports swapped. Travel to the pickup takes an
 * exponentially distributed service time (rate μ) and every other trip is instant; the net has no
 * latency. Orders arrive as a Poisson process (rate λ). That makes the product's own machinery an
 * M/M/c queue, whose waits Erlang-C predicts; any disagreement is a bug in the machines or the kernel.
 */
export class QueueWorld {
  readonly kernel = new Kernel();
  readonly log = new EventLog();
  readonly net = new SimNet(this.kernel, this.log, 0);
  /** Orders in creation (= arrival) order. */
  readonly orders: QueuedOrder[] = [];
  private readonly byId = new Map<string, QueuedOrder>();
  private readonly random: RandomStreams;
  private readonly service: RandomStream;
  private readonly assignment: CourierAssignment;
  private readonly dispatch: Actor<typeof dispatchMachine>;
  private readonly couriers = new Map<string, Courier>();
  private readonly trips = new Map<string, ScheduledTask>();
  private readonly customers: Customer[] = [];
  private readonly idleCustomers: Customer[] = [];
  private readonly busySince = new Map<string, number>();
  private busyMs = 0;
  private arrived = 0;
  private assigned = 0;
  private utilisationAtLastArrival = 0;

  constructor(readonly options: QueueWorldOptions) {
    this.random = new RandomStreams(options.seed);
    this.service = this.random.stream('queue:service');
    this.assignment = new CourierAssignment(dispatchPolicy('fcfs'), this.kernel, (orderId, courierIds) =>
      this.net.send('spatial', 'dispatch', { type: 'couriers.found', orderId, courierIds }),
    );
    this.dispatch = this.createDispatch();
    for (let i = 1; i <= options.servers; i++) this.createCourier(`CP${i}`);
    this.scheduleArrivals();
  }

  /** Runs until the last order is assigned (or `maxSimMs` passes, which only a bug can cause). */
  run(maxSimMs = 10_000 * DAY): void {
    this.kernel.runUntil(maxSimMs);
  }

  /** Share of courier time spent serving while orders arrived (≈ ρ). */
  get utilisation(): number {
    return this.utilisationAtLastArrival;
  }

  stop(): void {
    for (const c of this.couriers.values()) c.stop();
    for (const c of this.customers) c.stop();
    this.dispatch.stop();
  }

  private inject(actor: AnyActorRef, id: string, event: NetMessage): void {
    this.log.append({ t: this.kernel.now, kind: 'msg', from: 'world', to: id, msg: event });
    actor.send(event as never);
  }

  private createDispatch(): Actor<typeof dispatchMachine> {
    const orderMachine = errandOrderMachine.provide({
      actions: {
        send: (_, params) => this.net.send('dispatch', params.to, params.message),
        broadcast: (_, params) => {
          for (const to of params.to) this.net.send('dispatch', to, params.message);
        },
        // The routing port: the trip costs nothing, the service time is drawn at the pickup.
        requestQuote: (_, params) =>
          this.net.send('routing', 'dispatch', {
            type: 'route.quote',
            orderId: params.orderId,
            distance: 0,
            duration: 0,
          }),
        findCouriers: (_, params) =>
          this.assignment.orderSearching(params.orderId, params.point, params.radius, params.category),
        lifecycle: (_, params: LifecycleParams) => this.lifecycle(params),
      },
    });
    const machine = dispatchMachine.provide({
      actors: { errandOrder: orderMachine },
      actions: {
        send: (_, params) => this.net.send('dispatch', params.to, params.message),
        broadcast: (_, params) => {
          for (const to of params.to) this.net.send('dispatch', to, params.message);
        },
      },
    });
    const actor = createActor(machine, {
      id: 'dispatch',
      clock: this.kernel.clock,
      input: {
        fees: DEFAULT_ERRAND_FEES,
        pullLimit: 10,
        policy: this.assignment.policy,
        timing: {
          pushRadius: 0,
          repushMs: HOUR,
          // no reneging: an M/M/c order waits as long as it takes
          maxOpenMs: 365 * DAY,
          autoConfirmMs: 60_000,
          disputeResolutionMs: HOUR,
        },
      },
    });
    this.net.register('dispatch', (message) => actor.send(message as never));
    indexScheduledEvents(actor);
    actor.start();
    return actor;
  }

  private lifecycle(p: LifecycleParams): void {
    if (p.step === 'created') {
      const order: QueuedOrder = { createdAt: this.kernel.now, assignedAt: null };
      this.orders.push(order);
      this.byId.set(p.orderId, order);
    } else if (p.step === 'assigned') {
      const order = this.byId.get(p.orderId);
      if (order) order.assignedAt = this.kernel.now;
      if (++this.assigned === this.options.orders) this.kernel.stop();
    }
    this.assignment.orderStep(p.orderId, p.step);
  }

  private createCourier(id: string): void {
    const machine = courierMachine.provide({
      actions: {
        send: (_, params) => this.net.send(id, params.to, params.message),
        travel: (_, params) => this.travel(id, params.to),
        stopTravel: () => {
          const trip = this.trips.get(id);
          if (trip) trip.cancelled = true;
          this.trips.delete(id);
        },
        reportPosition: () =>
          this.net.send(id, 'dispatch', {
            type: 'courier.position',
            courierId: id,
            position: PICKUP,
            eta: null,
          }),
      },
    });
    const actor = createActor(machine, {
      id,
      clock: this.kernel.clock,
      input: {
        id,
        courierType: 'professional',
        mode: 'bike',
        categories: ['deliver'],
        home: PICKUP,
        pullRadius: 0,
        pullIntervalMs: HOUR,
        serviceMs: 0,
        trackingIntervalMs: 365 * DAY,
        acceptTimeoutMs: 30_000,
      },
    });
    this.couriers.set(id, actor);
    this.net.register(id, (message) => actor.send(message as never));
    this.assignment.addCourier(id, 'professional', ['deliver'], PICKUP);
    let last = '';
    actor.subscribe((snap) => {
      const top = typeof snap.value === 'string' ? snap.value : Object.keys(snap.value)[0];
      const coarse = top === 'offDuty' ? 'off' : top === 'idle' ? 'idle' : 'busy';
      if (coarse === last) return;
      last = coarse;
      this.accountBusy(id, coarse === 'busy');
      this.assignment.courierState(id, coarse, PICKUP);
    });
    actor.start();
    this.kernel.schedule(0, () => this.inject(actor, id, { type: 'shift.start' }));
  }

  /** The service-time port: the trip to the pickup lasts Exp(μ); the rest of the errand is instant. */
  private travel(id: string, to: Point): void {
    const toPickup = to.x === PICKUP.x && to.y === PICKUP.y;
    const ms = toPickup ? this.service.exponential(this.options.muPerHour / HOUR) : 0;
    const actor = this.couriers.get(id) as Courier;
    const task = this.kernel.after(ms, () => {
      this.trips.delete(id);
      this.inject(actor, id, { type: 'travel.arrived', position: to });
    });
    this.trips.set(id, task);
  }

  private busyShare(): number {
    let busy = this.busyMs;
    for (const since of this.busySince.values()) busy += this.kernel.now - since;
    return this.kernel.now === 0 ? 0 : busy / (this.options.servers * this.kernel.now);
  }

  private accountBusy(id: string, busy: boolean): void {
    const since = this.busySince.get(id);
    if (since !== undefined) {
      this.busyMs += this.kernel.now - since;
      this.busySince.delete(id);
    }
    if (busy) this.busySince.set(id, this.kernel.now);
  }

  private scheduleArrivals(): void {
    const stream = this.random.stream('queue:arrivals');
    const rate = this.options.lambdaPerHour / HOUR;
    let at = 0;
    const next = () => {
      at += stream.exponential(rate);
      this.kernel.schedule(at, () => {
        this.arrive();
        if (++this.arrived < this.options.orders) next();
        else this.utilisationAtLastArrival = this.busyShare();
      });
    };
    next();
  }

  /** An arrival: an idle customer (a new one when all are waiting) publishes one errand. */
  private arrive(): void {
    const customer = this.idleCustomers.pop() ?? this.createCustomer();
    const demand: ErrandDemand = {
      type: 'demand.errand',
      request: {
        category: 'deliver',
        description: 'queue check',
        recipient: customer.id,
        phone: '',
        pickup: PICKUP,
        dropoff: DROPOFF,
        feeMode: 'professional',
        dueBy: this.kernel.now + DAY,
      },
      patienceMs: 365 * DAY,
      cancelAfterAssignMs: null,
      willDispute: false,
      chatAfterMs: null,
    };
    this.inject(customer, customer.id, demand as unknown as NetMessage);
  }

  private createCustomer(): Customer {
    const id = `U${this.customers.length + 1}`;
    const machine = customerMachine.provide({
      actions: { send: (_, params) => this.net.send(id, params.to, params.message) },
    });
    const actor = createActor(machine, {
      id,
      clock: this.kernel.clock,
      input: {
        id,
        home: DROPOFF,
        phone: `+377-6-${String(this.customers.length + 1).padStart(7, '0')}`,
        answerTimeoutMs: 60_000,
      },
    });
    this.customers.push(actor);
    this.net.register(id, (message) => actor.send(message as never));
    let wasIdle = true;
    actor.subscribe((snap) => {
      const idle = snap.value === 'idle';
      if (idle && !wasIdle) this.idleCustomers.push(actor);
      wasIdle = idle;
    });
    actor.start();
    return actor;
  }
}
