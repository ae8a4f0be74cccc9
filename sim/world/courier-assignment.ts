import {
  batchMatches,
  considersCourier,
  type DispatchPolicy,
  fcfsMatches,
  type IdleCourier,
  type Match,
  serves,
  type WaitingOrder,
} from '../../machines/dispatch-policy.ts';
import type { CourierType, Point } from '../../machines/protocol.ts';
import { MovingPointIndex } from '../city/spatial-index.ts';
import type { Kernel, ScheduledTask } from '../kernel/kernel.ts';

interface CourierEntry {
  readonly id: string;
  readonly index: number;
  readonly courierType: CourierType;
  readonly categories: readonly string[];
  point: Point;
  /** The order this courier was offered and has not yet taken or refused. */
  reservedFor: string | null;
}

interface PoolEntry extends WaitingOrder {
  readonly handle: number;
  /** The courier the order was offered to, while that offer is outstanding. */
  offeredTo: string | null;
}

/** Offers an order to the chosen couriers (the world sends `couriers.found` to dispatch). */
export type OfferPort = (orderId: string, courierIds: readonly string[]) => void;

const ENDED_STEPS = new Set(['assigned', 'completed', 'cancelled', 'refunded', 'rejected']);

/**
 * The sim side of the dispatch policy (machines/dispatch-policy.ts): the spatial port that answers an
 * order's `findCouriers`. It keeps the idle couriers in a moving-point index and, for the policies
 * that assign (nearest, batched, fcfs), a pool of waiting orders; each offer goes to one chosen
 * courier, who is reserved until it takes the order, refuses it or goes idle again.
 *
 * Why here and not in the dispatch machine: which couriers are near is a spatial query over live
 * positions, a port of the world; the machine only learns the answer as `couriers.found`.
 */
export class CourierAssignment {
  private readonly couriers = new Map<string, CourierEntry>();
  private readonly byIndex: CourierEntry[] = [];
  /** Idle couriers the policy considers, in the order they became idle (FCFS among couriers). */
  private readonly idle = new Map<string, CourierEntry>();
  private readonly idleIndex = new MovingPointIndex();
  /** Waiting orders in arrival order; offered ones stay until assigned, so a failed offer keeps its place. */
  private readonly pool = new Map<string, PoolEntry>();
  private readonly byHandle = new Map<number, PoolEntry>();
  private readonly waitingIndex = new MovingPointIndex();
  private nextHandle = 0;
  private batchTimer: ScheduledTask | null = null;

  constructor(
    readonly policy: DispatchPolicy,
    private readonly kernel: Kernel,
    private readonly offer: OfferPort,
  ) {}

  /** Registers a courier of the fleet (off duty until its state says otherwise). */
  addCourier(id: string, courierType: CourierType, categories: readonly string[], at: Point): void {
    const entry: CourierEntry = {
      id,
      index: this.byIndex.length,
      courierType,
      categories,
      point: at,
      reservedFor: null,
    };
    this.couriers.set(id, entry);
    this.byIndex.push(entry);
  }

  /** Number of idle couriers the policy may offer an order to right now. */
  get idleCount(): number {
    return this.idle.size;
  }

  /** Orders waiting in the pool (assigning policies only). */
  get waitingCount(): number {
    return this.pool.size;
  }

  /** A courier's coarse state changed; `at` is where an idle courier stands. */
  courierState(id: string, state: 'off' | 'idle' | 'busy', at: Point): void {
    const c = this.couriers.get(id);
    if (!c) return;
    if (state !== 'busy') c.reservedFor = null;
    if (state !== 'idle' || !considersCourier(this.policy, c.courierType)) {
      this.idle.delete(id);
      this.idleIndex.remove(c.index);
      return;
    }
    c.point = at;
    this.idle.delete(id);
    this.idle.set(id, c);
    this.idleIndex.set(c.index, at.x, at.y);
    if (this.policy.kind === 'nearest') this.offerNearestOrder(c);
    else if (this.policy.kind === 'fcfs') this.match(fcfsMatches(this.waitingOrders(), [this.idleView(c)]));
    else if (this.policy.kind === 'batched') this.armBatch();
  }

  /** The order machine's `findCouriers`: a new order, or an unassigned one asking again. */
  orderSearching(orderId: string, point: Point, radius: number, category: string): void {
    if (this.policy.kind === 'push-pull') {
      const hits = this.idleIndex.within(point.x, point.y, radius).slice(0, this.policy.pushLimit);
      this.offer(
        orderId,
        hits.map((i) => this.byIndex[i].id),
      );
      return;
    }
    let entry = this.pool.get(orderId);
    if (entry) {
      if (entry.offeredTo === null) return;
      // Asking again means the offer led nowhere (the courier left or never answered): re-queue.
      entry.offeredTo = null;
    } else {
      entry = { id: orderId, point, category, handle: this.nextHandle++, offeredTo: null };
      this.pool.set(orderId, entry);
      this.byHandle.set(entry.handle, entry);
    }
    this.waitingIndex.set(entry.handle, point.x, point.y);
    if (this.policy.kind === 'nearest') this.offerNearestCourier(entry);
    else if (this.policy.kind === 'fcfs') this.match(fcfsMatches([entry], this.idleCouriers()));
    else this.armBatch();
  }

  /** An order's lifecycle step: once assigned or ended it leaves the pool. */
  orderStep(orderId: string, step: string): void {
    if (!ENDED_STEPS.has(step)) return;
    const entry = this.pool.get(orderId);
    if (!entry) return;
    this.pool.delete(orderId);
    this.byHandle.delete(entry.handle);
    this.waitingIndex.remove(entry.handle);
  }

  // ── policies ────────────────────────────────────────────────────────────────────────────────

  private offerNearestCourier(order: PoolEntry): void {
    const [i] = this.idleIndex.nearest(order.point.x, order.point.y, 1, (k) =>
      serves(this.byIndex[k], order.category),
    );
    if (i !== undefined) this.match([{ orderId: order.id, courierId: this.byIndex[i].id }]);
  }

  private offerNearestOrder(c: CourierEntry): void {
    const [h] = this.waitingIndex.nearest(c.point.x, c.point.y, 1, (k) =>
      serves(c, (this.byHandle.get(k) as PoolEntry).category),
    );
    if (h !== undefined) this.match([{ orderId: (this.byHandle.get(h) as PoolEntry).id, courierId: c.id }]);
  }

  /** Batches fall on a fixed grid of sim time (multiples of the interval), armed only while orders wait. */
  private armBatch(): void {
    if (this.policy.kind !== 'batched' || this.batchTimer !== null) return;
    if (this.waitingIndex.size === 0 || this.idle.size === 0) return;
    const interval = this.policy.intervalMs;
    const at = (Math.floor(this.kernel.now / interval) + 1) * interval;
    this.batchTimer = this.kernel.schedule(at, () => {
      this.batchTimer = null;
      this.runBatch();
      this.armBatch();
    });
  }

  private runBatch(): void {
    if (this.policy.kind !== 'batched') return;
    const orders = this.waitingOrders();
    const k = this.policy.candidatesPerOrder;
    const candidates = new Set<number>();
    for (const o of orders)
      for (const i of this.idleIndex.nearest(o.point.x, o.point.y, k, (j) =>
        serves(this.byIndex[j], o.category),
      ))
        candidates.add(i);
    const couriers = [...candidates].sort((a, b) => a - b).map((i) => this.idleView(this.byIndex[i]));
    this.match(batchMatches(orders, couriers));
  }

  // ── shared ──────────────────────────────────────────────────────────────────────────────────

  private waitingOrders(): PoolEntry[] {
    return [...this.pool.values()].filter((o) => o.offeredTo === null);
  }

  private idleCouriers(): IdleCourier[] {
    return [...this.idle.values()].map((c) => this.idleView(c));
  }

  private idleView(c: CourierEntry): IdleCourier {
    return { id: c.id, point: c.point, categories: c.categories };
  }

  private match(matches: readonly Match[]): void {
    for (const m of matches) {
      const order = this.pool.get(m.orderId) as PoolEntry;
      const courier = this.couriers.get(m.courierId) as CourierEntry;
      order.offeredTo = courier.id;
      this.waitingIndex.remove(order.handle);
      courier.reservedFor = order.id;
      this.idle.delete(courier.id);
      this.idleIndex.remove(courier.index);
      this.offer(order.id, [courier.id]);
    }
  }
}
