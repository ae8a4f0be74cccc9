import type { DispatchClient } from '../../adapters/socketio/dispatch-client.ts';
import type { CommandType, InboundBody } from '../../adapters/socketio/wire-protocol.ts';
import type { ErrandListing, Point, TrunkJob } from '../../machines/protocol.ts';
import type { City, Route } from '../city/city.ts';
import { BIKE_SPEED, FOOT_SPEED } from '../city/router.ts';
import type { RandomStream } from '../kernel/random-streams.ts';
import type { PlacedCourier } from '../world/population.ts';
import type { ActorClock } from './actor-clock.ts';
import type { LoadRecorder } from './load-report.ts';

/** At most this many position updates of one courier wait for their acks; more are skipped. */
const MAX_POSITIONS_IN_FLIGHT = 4;
const CAR_SPEED = 8;

interface Trip {
  readonly route: Route | null;
  readonly from: Point;
  readonly to: Point;
  readonly startedAt: number;
  /** Wall ms the trip takes at the run's time scale. */
  readonly wallMs: number;
}

export interface CourierBotSettings {
  readonly city: City;
  readonly recorder: LoadRecorder;
  readonly clock: ActorClock;
  readonly random: RandomStream;
  /** Position updates per second while connected. */
  readonly positionsPerSecond: number;
  readonly pullRadiusM: number;
  readonly pullIntervalMs: number;
  readonly serviceMs: number;
}

/**
 * A simulated courier on a real connection: goes online, streams its position, takes offers
 * (professional) or pulls nearby orders (ordinary), and works each job it wins: rides the road
 * graph to the pickup, hands over, rides to the drop-off, delivers, and answers the customer's
 * first chat message. It follows the same rules as the courier machine, on the wall clock.
 */
export class CourierBot {
  private phase: 'idle' | 'accepting' | 'working' = 'idle';
  private job: ErrandListing | null = null;
  private position: Point;
  private trip: Trip | null = null;
  private positionsInFlight = 0;
  private repliedToChat = false;
  /** The car, key and goods of the trunk delivery being worked, if the job is one. */
  private trunk: TrunkJob | null = null;

  constructor(
    readonly courier: PlacedCourier,
    private readonly client: DispatchClient,
    private readonly s: CourierBotSettings,
  ) {
    this.position = courier.home;
  }

  /** Goes online; resolves once dispatch has the courier online. */
  async start(): Promise<void> {
    const socket = this.client.socket;
    socket.on('errand.offer', (m) => this.consider([m.listing]));
    socket.on('errand.cancelled', (m) => {
      if (m.orderId !== this.job?.orderId) return;
      this.s.recorder.order('courierCancelled');
      this.becomeIdle();
    });
    socket.on('chat.message', (m) => this.answerChat(m.fromMasked));
    this.followTrunkJobs();
    await this.send('courier.online', {
      courierType: this.courier.courierType,
      mode: this.courier.mode,
      categories: [...this.courier.categories],
      position: this.position,
    });
  }

  /** Starts streaming positions (and pulling, if ordinary) when the measured run begins. */
  begin(): void {
    const interval = 1000 / this.s.positionsPerSecond;
    this.s.clock.every(interval, this.s.random.float() * interval, () => this.reportPosition());
    if (this.courier.courierType === 'ordinary') {
      const every = this.s.clock.scaled(this.s.pullIntervalMs);
      this.s.clock.every(every, this.s.random.float() * every, () => this.pull());
    }
  }

  /** Goes offline at the end of the run, so the server does not push offers to a ghost. */
  async finish(): Promise<void> {
    await this.send('courier.offline', {});
  }

  private send<T extends CommandType>(type: T, body: InboundBody<T>) {
    return this.s.recorder.send(this.client, this.courier.id, type, body);
  }

  private where(): Point {
    const trip = this.trip;
    if (!trip) return this.position;
    const elapsed = Math.min(1, (performance.now() - trip.startedAt) / trip.wallMs);
    if (trip.route) {
      const seconds = elapsed * trip.route.duration;
      const p = this.s.city.positionAlong(trip.route, seconds);
      return { x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 };
    }
    return {
      x: Math.round((trip.from.x + (trip.to.x - trip.from.x) * elapsed) * 10) / 10,
      y: Math.round((trip.from.y + (trip.to.y - trip.from.y) * elapsed) * 10) / 10,
    };
  }

  private reportPosition(): void {
    if (this.positionsInFlight >= MAX_POSITIONS_IN_FLIGHT) {
      this.s.recorder.skipped++;
      return;
    }
    this.positionsInFlight++;
    const trip = this.trip;
    const eta = trip
      ? Math.round(Date.now() + Math.max(0, trip.startedAt + trip.wallMs - performance.now()))
      : null;
    void this.send('courier.position', { position: this.where(), eta }).finally(
      () => this.positionsInFlight--,
    );
  }

  private async pull(): Promise<void> {
    if (this.phase !== 'idle') return;
    const ack = await this.send('errand.pull', {
      position: this.where(),
      radius: this.s.pullRadiusM,
      categories: [...this.courier.categories],
    });
    const list = ack?.replies.find((r) => r.type === 'errand.list');
    if (list) this.consider(list.listings as ErrandListing[]);
  }

  private async consider(listings: readonly ErrandListing[]): Promise<void> {
    if (this.phase !== 'idle' || this.s.clock.isStopped) return;
    const listing = listings.find((l) => this.courier.categories.includes(l.category));
    if (!listing) return;
    this.phase = 'accepting';
    const ack = await this.send('errand.accept', { orderId: listing.orderId });
    const result = ack?.replies.find((r) => r.type === 'errand.acceptResult');
    if (result?.ok === true) {
      this.s.recorder.order('acceptWon');
      this.job = (result.listing as ErrandListing | undefined) ?? listing;
      this.phase = 'working';
      this.repliedToChat = false;
      this.trunk = (result.trunk as TrunkJob | undefined) ?? null;
      if (this.trunk) this.s.recorder.order('trunkAccepted');
      this.travel(this.job.pickup, () => (this.trunk ? this.atStore() : this.atPickup()));
    } else {
      if (result) this.s.recorder.order('acceptLost');
      this.phase = 'idle';
    }
  }

  private atPickup(): void {
    const job = this.job;
    if (!job) return;
    this.s.clock.later(this.s.clock.scaled(this.s.serviceMs), async () => {
      if (this.job !== job) return;
      const ack = await this.send('errand.pickedUp', { orderId: job.orderId });
      if (!ack || this.job !== job) return this.becomeIdle();
      this.travel(job.dropoff, () => this.atDropoff());
    });
  }

  private atDropoff(): void {
    const job = this.job;
    if (!job) return;
    this.s.clock.later(this.s.clock.scaled(this.s.serviceMs), async () => {
      if (this.job !== job) return;
      await this.send('errand.delivered', { orderId: job.orderId });
      this.becomeIdle();
    });
  }

  /**
   * The trunk delivery's steps after the pickup, driven by dispatch's and the parties' messages:
   * the store hands the goods over, the courier rides to the car and says so, dispatch re-checks
   * the car and says `trunk.unlock` (or re-routes, holds, or sends the goods back), the courier
   * presents its key to the car through dispatch, deposits on the car's yes.
   */
  private followTrunkJobs(): void {
    const socket = this.client.socket;
    const mine = (orderId: string) => this.trunk !== null && this.job?.orderId === orderId;
    socket.on('store.handover', async (m) => {
      const job = this.job;
      if (!job || !mine(m.orderId)) return;
      const ack = await this.send('errand.pickedUp', { orderId: job.orderId });
      if (!ack || this.job !== job) return this.becomeIdle();
      this.travel(job.dropoff, () => void this.send('trunk.atCar', { orderId: job.orderId }));
    });
    socket.on('trunk.reroute', (m) => {
      if (!mine(m.orderId)) return;
      this.travel(m.position, () => void this.send('trunk.atCar', { orderId: m.orderId }));
    });
    socket.on('trunk.unlock', (m) => {
      const trunk = this.trunk;
      if (!trunk || !mine(m.orderId)) return;
      void this.send('vehicle.key', {
        vehicleId: trunk.vehicleId,
        requestId: `${m.orderId}-open`,
        action: 'trunk_open',
        key: trunk.key as never,
      });
    });
    socket.on('key.result', async (m) => {
      const job = this.job;
      if (!job || !mine(m.requestId.replace(/-open$/, ''))) return;
      if (m.ok) {
        await this.send('trunk.deposited', { orderId: job.orderId });
        this.s.recorder.order('trunkDeposited');
        this.becomeIdle();
      } else void this.send('trunk.unlockFailed', { orderId: job.orderId, reason: m.reason ?? 'refused' });
    });
    socket.on('trunk.return', (m) => {
      if (!mine(m.orderId)) return;
      this.travel(m.position, async () => {
        await this.send('trunk.returned', { orderId: m.orderId });
        this.becomeIdle();
      });
    });
  }

  private atStore(): void {
    const job = this.job;
    const trunk = this.trunk;
    if (!job || !trunk) return;
    void this.send('store.collect', { orderId: job.orderId, storeId: trunk.storeId });
  }

  private becomeIdle(): void {
    this.position = this.where();
    this.trip = null;
    this.job = null;
    this.trunk = null;
    this.phase = 'idle';
  }

  private answerChat(fromMasked: string): void {
    if (this.repliedToChat || this.phase !== 'working' || this.s.clock.isStopped) return;
    this.repliedToChat = true;
    void this.send('chat.send', { toMasked: fromMasked, text: 'On my way.' });
  }

  /** Rides the road graph for the courier's mode (a straight line if the graph has no route). */
  private travel(to: Point, arrived: () => void): void {
    const from = this.where();
    const profile = this.courier.mode;
    let route: Route | null = null;
    try {
      const graph = profile === 'car' ? 'drive' : 'walk';
      const a = this.s.city.nearestNode(graph, from.x, from.y);
      const b = this.s.city.nearestNode(graph, to.x, to.y);
      route = this.s.city.route(profile, a, b);
    } catch {
      route = null;
    }
    const speed = profile === 'car' ? CAR_SPEED : profile === 'bike' ? BIKE_SPEED : FOOT_SPEED;
    const seconds = route ? route.duration : Math.hypot(to.x - from.x, to.y - from.y) / speed;
    const wallMs = this.s.clock.scaled(seconds * 1000);
    this.trip = { route, from, to, startedAt: performance.now(), wallMs };
    this.s.clock.later(wallMs, () => {
      this.position = to;
      this.trip = null;
      arrived();
    });
  }
}
