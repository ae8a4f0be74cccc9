import type { Point } from '../../machines/protocol.ts';
import type { City, Route, TravelProfile } from '../city/city.ts';
import { Router } from '../city/router.ts';
import type { Kernel, ScheduledTask } from '../kernel/kernel.ts';

interface Trip {
  readonly route: Route;
  readonly departAt: number;
  readonly from: Point;
  readonly to: Point;
  readonly arrival: ScheduledTask;
}

interface Mover {
  profile: TravelProfile;
  /** Where the actor stands when it is not travelling. */
  rest: Point;
  trip: Trip | null;
}

/**
 * Analytic movement: a trip is a route plus a departure time, so the position at any instant is a
 * lookup (`locate`) and only the arrival is an event. Nothing ticks per frame; the twin and
 * dispatch ask where an actor is when they need to know.
 */
export class Mobility {
  private readonly movers = new Map<string, Mover>();
  /** Nodes many trips start or end at (stores, the robot depot), per graph. */
  private readonly hubs = { drive: new Set<number>(), walk: new Set<number>() };
  /**
   * The world's own router: its shortest-path trees of hubs grow with this world's trips only, so a
   * route never depends on what another world sharing the city did (determinism across runs).
   */
  private readonly router: Router;

  constructor(
    private readonly kernel: Kernel,
    private readonly city: City,
  ) {
    this.router = new Router(city.drive, city.walk);
  }

  /**
   * Marks places that many trips start or end at (stores, depots): a trip from or to one is then a
   * walk up a shortest-path tree computed once per place and profile, instead of an A* search.
   */
  markHubs(points: readonly Point[]): void {
    for (const p of points) {
      this.hubs.drive.add(this.city.nearestNode('drive', p.x, p.y));
      this.hubs.walk.add(this.city.nearestNode('walk', p.x, p.y));
    }
  }

  place(actor: string, profile: TravelProfile, at: Point): void {
    this.movers.set(actor, { profile, rest: at, trip: null });
  }

  /** Position at sim time `t` (ms); a trip's walk from and to the road is folded into its ends. */
  locate(actor: string, t = this.kernel.now): Point {
    const mover = this.mover(actor);
    const trip = mover.trip;
    if (!trip) return mover.rest;
    const seconds = (t - trip.departAt) / 1000;
    if (seconds >= trip.route.duration) return trip.to;
    if (seconds <= 0) return trip.from;
    const p = this.city.positionAlong(trip.route, seconds);
    return { x: p.x, y: p.y };
  }

  /** Heading in radians of a travelling actor (0 when standing). */
  heading(actor: string, t = this.kernel.now): number {
    const trip = this.mover(actor).trip;
    if (!trip) return 0;
    return this.city.positionAlong(trip.route, Math.max(0, (t - trip.departAt) / 1000)).heading;
  }

  isMoving(actor: string): boolean {
    return this.mover(actor).trip !== null;
  }

  /** Sim time (ms) of arrival of the current trip, or null when standing. */
  eta(actor: string): number | null {
    const trip = this.mover(actor).trip;
    return trip ? trip.departAt + trip.route.duration * 1000 : null;
  }

  /** The current trip's route (for the twin's route overlay), or null. */
  route(actor: string): Route | null {
    return this.mover(actor).trip?.route ?? null;
  }

  /**
   * Starts a trip from where the actor is now to `to`; `onArrive` runs at the arrival instant.
   * Returns the trip's duration in seconds.
   */
  travel(actor: string, to: Point, onArrive: (at: Point) => void): number {
    const mover = this.mover(actor);
    const from = this.locate(actor);
    this.cancel(mover, from);
    const graph = mover.profile === 'car' ? 'drive' : 'walk';
    const a = this.city.nearestNode(graph, from.x, from.y);
    const b = this.city.nearestNode(graph, to.x, to.y);
    const hubs = this.hubs[graph];
    if (hubs.has(a)) this.router.precomputeTree(mover.profile, a, 'from');
    else if (hubs.has(b)) this.router.precomputeTree(mover.profile, b, 'to');
    const route = this.router.route(mover.profile, a, b);
    const departAt = this.kernel.now;
    const arrival = this.kernel.schedule(departAt + route.duration * 1000, () => {
      mover.trip = null;
      mover.rest = to;
      onArrive(to);
    });
    mover.trip = { route, departAt, from, to, arrival };
    return route.duration;
  }

  /** Ends the current trip where the actor is now (a cancelled job). */
  stop(actor: string): void {
    const mover = this.mover(actor);
    this.cancel(mover, this.locate(actor));
  }

  private cancel(mover: Mover, at: Point): void {
    if (!mover.trip) return;
    mover.trip.arrival.cancelled = true;
    mover.trip = null;
    mover.rest = at;
  }

  private mover(actor: string): Mover {
    const mover = this.movers.get(actor);
    if (!mover) throw new Error(`mobility: unknown actor ${actor}`);
    return mover;
  }
}
