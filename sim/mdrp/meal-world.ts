import { type Actor, type AnyActorRef, createActor } from 'xstate';
import { mealCourierMachine } from '../../machines/meal-courier.ts';
import { mealDispatchMachine } from '../../machines/meal-dispatch.ts';
import type { AssignmentBook, OrderBook } from '../../machines/meal-dispatch-book.ts';
import type { AssignmentSolver, MealPolicyParams } from '../../machines/meal-policy.ts';
import {
  type CourierShift,
  MEAL_DISPATCH,
  type MealSend,
  type MealTiming,
  type MealWorldEvent,
  type Point,
} from '../../machines/meal-protocol.ts';
import { MINUTE_MS, travelMs } from '../../machines/meal-route.ts';
import { mapEntries, mapGet } from '../../machines/persistent-map.ts';
import { EventLog } from '../kernel/event-log.ts';
import { indexScheduledEvents } from '../kernel/indexed-scheduler.ts';
import { Kernel } from '../kernel/kernel.ts';
import { type NetMessage, SimNet } from '../kernel/net.ts';
import { stateName } from '../world/state-name.ts';
import type { MdrpInstance } from './instance.ts';
import type { MdrpSolution } from './solution.ts';

export interface MealWorldOptions {
  readonly policy: MealPolicyParams;
  readonly solve: AssignmentSolver;
  /** Writes the event log as JSONL to this path. */
  readonly logPath?: string;
}

/** A world event before it is stamped with its delivery instant. */
type Unstamped<E> = E extends unknown ? Omit<E, 'at'> : never;

interface Move {
  readonly courier: string;
  readonly departureMs: number;
  readonly origin: string;
  readonly destination: string;
}

/** The timing rules of an instance in sim milliseconds. */
export function mealTiming(instance: MdrpInstance): MealTiming {
  const p = instance.params;
  return {
    metersPerMinute: p.metersPerMinute,
    halfPickupMs: (p.pickupServiceMinutes * MINUTE_MS) / 2,
    halfDropoffMs: (p.dropoffServiceMinutes * MINUTE_MS) / 2,
    targetClickToDoorMs: p.targetClickToDoor * MINUTE_MS,
  };
}

/**
 * A meal-delivery instance as a world on the kernel: the meal dispatch and one meal courier actor
 * per courier, talking through the sim net (no latency: the problem has none); orders revealed to
 * dispatch at their placement instants, shifts started and ended on the courier's times, trips
 * timed by the problem's travel rule. Every delivered message and state change goes to the event
 * log, so the same instance and policy give the same hash. The solution is read off the books of
 * dispatch (assignments, pickups, drop-offs) and the moves the travel effect executed.
 */
export class MealWorld {
  readonly kernel = new Kernel();
  readonly log: EventLog;
  readonly net: SimNet;
  readonly timing: MealTiming;
  private readonly dispatch: Actor<typeof mealDispatchMachine>;
  private readonly couriers = new Map<string, Actor<typeof mealCourierMachine>>();
  private readonly moves: Move[] = [];
  private readonly lastState = new Map<string, string>();

  constructor(
    readonly instance: MdrpInstance,
    options: MealWorldOptions,
  ) {
    this.log = new EventLog(options.logPath);
    this.net = new SimNet(this.kernel, this.log, 0);
    this.timing = mealTiming(instance);
    const restaurants: Record<string, Point> = {};
    for (const r of instance.restaurants) restaurants[r.id] = { x: r.x, y: r.y };
    const roster: CourierShift[] = instance.couriers.map((c) => ({
      id: c.id,
      start: { x: c.x, y: c.y },
      onTime: c.onTime * MINUTE_MS,
      offTime: c.offTime * MINUTE_MS,
    }));
    this.dispatch = createActor(
      mealDispatchMachine.provide({ actions: { send: (_, params) => this.send(MEAL_DISPATCH, params) } }),
      {
        id: MEAL_DISPATCH,
        clock: this.kernel.clock,
        input: { timing: this.timing, policy: options.policy, restaurants, roster, solve: options.solve },
      },
    );
    indexScheduledEvents(this.dispatch);
    this.start(MEAL_DISPATCH, this.dispatch);
    const courierMachine = mealCourierMachine.provide({
      actions: {
        send: ({ self }, params) => this.send(self.id, params),
        travel: ({ self }, params) => this.travel(self.id, params),
      },
    });
    for (const shift of roster) {
      const actor = createActor(courierMachine, {
        id: shift.id,
        clock: this.kernel.clock,
        input: {
          id: shift.id,
          start: shift.start,
          offTime: shift.offTime,
          halfPickupMs: this.timing.halfPickupMs,
          halfDropoffMs: this.timing.halfDropoffMs,
        },
      });
      this.couriers.set(shift.id, actor);
      this.start(shift.id, actor);
    }
    this.schedule(roster);
  }

  /** Runs the day to its end: the last drop-off after the end of service. */
  run(): void {
    this.kernel.runUntil(Number.POSITIVE_INFINITY);
  }

  /** SHA-256 of the event log so far. */
  get eventLogHash(): string {
    return this.log.digest();
  }

  /** Routes the policy decided that dispatch did not carry out (zero when policy and books agree). */
  get rejectedDecisions(): number {
    return this.dispatch.getSnapshot().context.rejected;
  }

  /** The solution as executed: from the books of dispatch and the moves of the couriers. */
  solution(): MdrpSolution {
    const ctx = this.dispatch.getSnapshot().context;
    const assignments = [...mapEntries(ctx.assignments)]
      .map(([, a]) => a)
      .sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
    const courierOf = new Map<string, string>();
    for (const a of assignments) for (const o of a.orderIds) courierOf.set(o, a.courierId);
    const min = (ms: number) => ms / MINUTE_MS;
    const orders: MdrpSolution['orders'][number][] = [];
    for (const o of this.instance.orders) {
      const book: OrderBook | undefined = mapGet(ctx.orders, o.id);
      if (!book || book.dropoffAt === null || book.pickupAt === null) continue;
      orders.push({
        order: o.id,
        placementTime: o.placementTime,
        readyTime: o.readyTime,
        pickupTime: min(book.pickupAt),
        dropoffTime: min(book.dropoffAt),
        courier: courierOf.get(o.id) ?? '',
      });
    }
    const byCourier = new Map<string, Move[]>();
    for (const m of this.moves) {
      const list = byCourier.get(m.courier);
      if (list) list.push(m);
      else byCourier.set(m.courier, [m]);
    }
    return {
      assignments: assignments.map((a: AssignmentBook) => ({
        assignmentTime: min(a.assignedAt),
        pickupTime: a.pickupAt === null ? Number.NaN : min(a.pickupAt),
        courier: a.courierId,
        orders: a.orderIds,
      })),
      orders,
      moves: this.instance.couriers.flatMap((c) =>
        (byCourier.get(c.id) ?? []).map((m) => ({
          courier: m.courier,
          departureTime: min(m.departureMs),
          origin: m.origin,
          destination: m.destination,
        })),
      ),
    };
  }

  async close(): Promise<void> {
    for (const actor of this.couriers.values()) actor.stop();
    this.dispatch.stop();
    await this.log.close();
  }

  // ── wiring ───────────────────────────────────────────────────────────────────────────────

  /** Registers an actor on the net (messages arrive stamped with their delivery instant), logs its states. */
  private start(id: string, actor: AnyActorRef): void {
    this.net.register(id, (message) => actor.send({ ...message, at: this.kernel.now }));
    actor.subscribe((snap: { value: unknown }) => {
      const name = stateName(snap.value);
      if (this.lastState.get(id) === name) return;
      this.lastState.set(id, name);
      this.log.append({ t: this.kernel.now, kind: 'state', actor: id, state: name });
    });
    actor.start();
  }

  private send(from: string, params: MealSend): void {
    this.net.send(from, params.to, params.message as NetMessage);
  }

  /** A world event, logged like a message and delivered stamped. */
  private inject(to: string, event: Unstamped<MealWorldEvent>): void {
    this.log.append({ t: this.kernel.now, kind: 'msg', from: 'world', to, msg: event });
    const actor = to === MEAL_DISPATCH ? this.dispatch : this.couriers.get(to);
    actor?.send({ ...event, at: this.kernel.now } as never);
  }

  /** The travel effect: records the move and announces the arrival after the travel time. */
  private travel(
    courier: string,
    trip: { from: string; fromPoint: Point; to: string; toPoint: Point },
  ): void {
    this.moves.push({ courier, departureMs: this.kernel.now, origin: trip.from, destination: trip.to });
    const ms = travelMs(trip.fromPoint, trip.toPoint, this.timing.metersPerMinute);
    this.kernel.after(ms, () => this.inject(courier, { type: 'travel.arrived' }));
  }

  /**
   * Shifts and placements on the kernel, in file order (ties at one instant keep that order). The
   * end of service comes one minute after the last off time: nothing can be picked up later.
   */
  private schedule(roster: readonly CourierShift[]): void {
    for (const s of roster) {
      this.kernel.schedule(s.onTime, () => this.inject(s.id, { type: 'shift.start' }));
      this.kernel.schedule(s.offTime, () => this.inject(s.id, { type: 'shift.end' }));
    }
    for (const o of this.instance.orders) {
      const order = {
        id: o.id,
        restaurantId: o.restaurant,
        point: { x: o.x, y: o.y },
        placedAt: o.placementTime * MINUTE_MS,
        readyAt: o.readyTime * MINUTE_MS,
      };
      this.kernel.schedule(order.placedAt, () => this.inject(MEAL_DISPATCH, { type: 'meal.placed', order }));
    }
    const lastOff = roster.reduce((m, s) => Math.max(m, s.offTime), 0);
    this.kernel.schedule(lastOff + MINUTE_MS, () => this.inject(MEAL_DISPATCH, { type: 'service.end' }));
  }
}
