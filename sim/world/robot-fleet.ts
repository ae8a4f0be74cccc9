import { createActor } from 'xstate';
import type { CommandOutcome } from '../../adapters/mqtt/device-link.ts';
import { type CartBook, checkStockConservation } from '../../machines/cart.ts';
import type { CartDeskContext } from '../../machines/cart-desk.ts';
import type { RobotPick } from '../../machines/customer.ts';
import type { Point } from '../../machines/protocol.ts';
import { robotMachine } from '../../machines/robot.ts';
import type { City } from '../city/city.ts';
import type { StaticPointIndex } from '../city/spatial-index.ts';
import type { RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import { scheduleArrivals } from './car-demand.ts';
import { type PlacedArea, type PlacedCustomer, pointInArea } from './population.ts';
import { realRobotMachine } from './real-robots.ts';
import { clockToMs } from './time-of-day.ts';
import type { WorldPorts } from './vehicle-port.ts';

const DAY_MS = 86_400_000;
const MINUTE = 60_000;
/** A robot draws customers living within this distance of its stop (they walk over). */
const WALK_RADIUS_M = 600;

type RobotActor = ReturnType<typeof createActor<typeof robotMachine>>;

/** What the robots need from the world beyond the common ports. */
export interface RobotWorld extends WorldPorts {
  readonly random: RandomStreams;
  readonly areas: readonly PlacedArea[];
  readonly customers: readonly PlacedCustomer[];
  /** Customer homes by position (ids are indexes into `customers`). */
  readonly homes: StaticPointIndex;
  isIdle(customerId: string): boolean;
}

/**
 * The mobile sales robots (flow 2): their depot and rounds of stops, their daily hours, the customers
 * who walk up to a robot dwelling near home, and the stock figures: every item a robot ever loaded is
 * in a robot, in an open cart, or sold.
 */
export class RobotFleet {
  private readonly actors: RobotActor[] = [];
  private readonly dwelling = new Set<string>();
  private readonly loaded: Record<string, number> = {};
  readonly depot: Point;

  constructor(
    private readonly w: RobotWorld,
    private readonly scenario: Scenario,
    city: City,
  ) {
    const r = scenario.fleet.robots;
    const place = w.random.stream('place:robots');
    const depotXY = r.depot
      ? city.projection.toXY(r.depot.lon, r.depot.lat)
      : (w.areas[0]?.area.centroid ?? { x: 0, y: 0 });
    const node = city.nearestNode('walk', depotXY.x, depotXY.y);
    this.depot = { x: city.walk.x[node]!, y: city.walk.y[node]! };
    w.mobility.markHubs([this.depot]);
    const load = Object.fromEntries(r.products.map((p) => [p.id, p.load]));
    const weights = w.areas.map((a) => a.area.area);
    const move = (robotId: string, to: Point) =>
      w.mobility.travel(robotId, to, (at) => w.inject(robotId, { type: 'travel.arrived', position: at }));
    const machine = robotMachine.provide({
      actions: {
        send: ({ self }, params) => w.net.send(self.id, params.to, params.message),
        travel: ({ self }, params) => move(self.id, params.to),
        restock: (_, params) => {
          for (const [p, n] of Object.entries(params.added)) this.loaded[p] = (this.loaded[p] ?? 0) + n;
          w.flowMetrics.count('robot', 'restocks');
        },
      },
    });
    for (let i = 0; i < r.count; i++) {
      const id = `RB${i + 1}`;
      const area = w.areas[place.weighted(weights)]!;
      const stops = Array.from({ length: r.stopsPerRound }, () => pointInArea(city, area.area, place));
      w.mobility.place(id, 'foot', this.depot);
      const device = w.devices?.get(id);
      const own = device
        ? realRobotMachine(machine, device, city, (action, o) => this.deviceAnswered(action, o), move)
        : machine;
      const actor = createActor(own, {
        id,
        clock: w.kernel.clock,
        input: {
          id,
          depot: this.depot,
          stops,
          dwellMs: r.dwellMinutes * MINUTE,
          restockMs: r.restockMinutes * MINUTE,
          restockBelow: r.restockBelow,
          load,
          sessionTimeoutMs: 10 * MINUTE,
        },
      });
      actor.subscribe((snap) => {
        const dwelling = typeof snap.value === 'object' && 'dwelling' in snap.value;
        if (dwelling) this.dwelling.add(id);
        else this.dwelling.delete(id);
      });
      w.adopt(id, 'robot', actor);
      actor.start();
      this.actors.push(actor);
    }
    this.scheduleHours(0);
    this.scheduleDemand();
  }

  /** A real robot answered a command: counted by action and outcome (`lid_open.ok`, `goto.timeout`). */
  private deviceAnswered(action: string, outcome: CommandOutcome): void {
    const how = outcome.ok
      ? 'ok'
      : outcome.reason === 'timeout' || outcome.reason === 'disconnected'
        ? outcome.reason
        : 'refused';
    this.w.flowMetrics.count('robot', `device.${action}_${how}`);
  }

  private scheduleHours(day: number): void {
    const r = this.scenario.fleet.robots;
    const base = day * DAY_MS;
    for (const a of this.actors) {
      this.w.kernel.schedule(base + clockToMs(r.opens), () => this.w.inject(a.id, { type: 'shift.start' }));
      this.w.kernel.schedule(base + clockToMs(r.closes), () => this.w.inject(a.id, { type: 'shift.end' }));
    }
    if (this.actors.length > 0) this.w.kernel.schedule(base + DAY_MS, () => this.scheduleHours(day + 1));
  }

  /** Customers come to robots dwelling near their homes; what they do there is drawn here. */
  private scheduleDemand(): void {
    const d = this.scenario.demand.robot;
    const products = this.scenario.fleet.robots.products.map((p) => p.id);
    const stream = this.w.random.stream('demand:robot');
    scheduleArrivals(this.w.kernel, stream, d.perDay, d.hourly, () => {
      if (this.dwelling.size === 0) {
        this.w.flowMetrics.count('robot', 'demandLost');
        return;
      }
      const robotId = stream.pick([...this.dwelling].sort());
      const at = this.w.mobility.locate(robotId);
      const near = this.w.homes.nearestK(at.x, at.y, 1, (i) => this.w.isIdle(this.w.customers[i]!.id));
      const customer = near.length > 0 ? this.w.customers[near[0]!] : undefined;
      if (!customer || Math.hypot(customer.home.x - at.x, customer.home.y - at.y) > WALK_RADIUS_M) {
        this.w.flowMetrics.count('robot', 'demandLost');
        return;
      }
      const picks: RobotPick[] = [];
      const n = stream.int(1, d.maxPicks);
      for (let i = 0; i < n; i++) {
        const productId = stream.pick(products);
        picks.push({ kind: 'take', productId });
        if (stream.bernoulli(d.putBackShare)) picks.push({ kind: 'putBack', productId });
      }
      const unpaid = stream.bernoulli(d.leaveUnpaidShare);
      this.w.inject(customer.id, {
        type: 'demand.robot',
        robotId,
        robotAt: at,
        picks,
        cartVia: stream.bernoulli(d.cartOnPhoneShare) ? 'phone' : 'robot',
        payVia: unpaid ? 'none' : stream.bernoulli(d.payOnPhoneShare) ? 'phone' : 'robot',
        payTwice: stream.bernoulli(d.payTwiceShare),
      });
    });
  }

  /** Stock figures for the KPIs, and any way they fail to add up (robots + carts + sold = loaded). */
  stock(desk: CartDeskContext | undefined): { figures: Record<string, number>; violations: string[] } {
    const robotStock: Record<string, number> = {};
    let sessions = 0;
    for (const a of this.actors) {
      const c = a.getSnapshot().context;
      sessions += c.sessions;
      for (const [p, n] of Object.entries(c.stock)) robotStock[p] = (robotStock[p] ?? 0) + n;
    }
    const book: CartBook = desk ? { carts: desk.book.carts, paid: {} } : { carts: {}, paid: {} };
    const sold = desk?.sold ?? {};
    const violations = checkStockConservation({
      loaded: this.loaded,
      robotStock,
      book: {
        carts: book.carts,
        paid: {
          sold: { userId: '', lines: Object.entries(sold).map(([productId, qty]) => ({ productId, qty })) },
        },
      },
    }).map(
      (v) =>
        `stock: ${v.productId} ${v.kind} (loaded ${v.loaded}, robots ${v.robotStock}, carts ${v.inCarts}, sold ${v.sold})`,
    );
    const sum = (r: Record<string, number>) => Object.values(r).reduce((s, n) => s + n, 0);
    const inCarts = Object.values(book.carts).reduce((s, cart) => s + sum(cart as Record<string, number>), 0);
    return {
      figures: {
        loaded: sum(this.loaded),
        inRobots: sum(robotStock),
        inCarts,
        sold: sum(sold as Record<string, number>),
        sessions,
      },
      violations,
    };
  }
}
