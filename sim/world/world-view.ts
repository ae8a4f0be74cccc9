import { mapKeys, type PersistentMap } from '../../machines/persistent-map.ts';
import type { Point } from '../../machines/protocol.ts';
import type { LogEntry } from '../kernel/event-log.ts';
import type { Kpis } from './metrics.ts';
import { stateName } from './state-name.ts';
import type { World } from './world.ts';

/** One drawable actor: its kind (from the world) and an optional variant read from its context. */
export interface ViewedActor {
  readonly id: string;
  readonly kind: string;
  readonly variant: string | null;
  /** True when the analytic mobility moves it; false for actors that stand where their context says. */
  readonly moves: boolean;
}

/** An order dispatch still holds, for the waiting/late heatmap. */
export interface OrderMark {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  /** No courier assigned yet. */
  readonly waiting: boolean;
  /** Past its due time and not yet delivered. */
  readonly late: boolean;
}

/** Context fields that name an actor's variant (the twin draws each variant of a kind separately). */
const VARIANT_FIELDS = ['variant', 'courierType'] as const;
/** Context fields where an actor that the mobility does not move keeps its position. */
const POSITION_FIELDS = ['position', 'home', 'location', 'at'] as const;
/** Top-level states after which an order no longer counts as open. */
const ENDED_ORDER_STATES = new Set([
  'delivered',
  'completed',
  'cancelled',
  'refunded',
  'rejected',
  'disputed',
]);
/** Ring-buffer histories kept for ids that are not actors (orders, ports), oldest evicted first. */
const MAX_OTHER_HISTORIES = 5_000;

interface SnapshotLike {
  value?: unknown;
  status?: string;
  context?: unknown;
}

export function isPoint(value: unknown): value is Point {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Point).x === 'number' &&
    typeof (value as Point).y === 'number'
  );
}

/** Dispatch's tables of open orders are persistent maps (see machines/persistent-map.ts). */
function isPersistentMap(value: unknown): value is PersistentMap<unknown> {
  return (
    typeof value === 'object' && value !== null && Array.isArray((value as { buckets?: unknown }).buckets)
  );
}

function topState(value: unknown): string {
  const name = stateName(value);
  const cut = name.search(/[.(|]/);
  return cut < 0 ? name : name.slice(0, cut);
}

/**
 * Read-only accessors over a running World for the 3D twin. Why a separate view: the twin must
 * stay generic over actor kinds (vehicles, robots and beacons' cars join as their flows land), so
 * everything it shows is derived from the world's public surface — `actorIds()`, snapshots, the
 * analytic mobility and the event log — never from per-kind code. Nothing here mutates the world
 * or schedules anything, so viewing a run cannot change its event log.
 */
export class WorldView {
  /** Histories of actors and dispatch, kept for the whole run. */
  private readonly histories = new Map<string, LogEntry[]>();
  /** Histories of other ids (orders, ports); insertion order makes the first key the oldest. */
  private readonly otherHistories = new Map<string, LogEntry[]>();
  private readonly actorIdSet = new Set<string>(['dispatch']);

  constructor(
    readonly world: World,
    private readonly historyLength = 40,
  ) {
    for (const { id } of world.actorIds()) this.actorIdSet.add(id);
    world.log.onEntry((entry) => this.remember(entry));
  }

  /** Sim time now (ms). */
  get now(): number {
    return this.world.kernel.now;
  }

  /**
   * Every actor with a position, in the world's creation order (deterministic), tagged with whether
   * the mobility moves it. Actors without any position (dispatch, ports) are left out.
   */
  actors(): ViewedActor[] {
    const out: ViewedActor[] = [];
    for (const { id, kind } of this.world.actorIds()) {
      this.actorIdSet.add(id);
      const moves = this.isMover(id);
      if (!moves && this.contextPosition(id) === null) continue;
      out.push({ id, kind, variant: this.variantOf(id), moves });
    }
    return out;
  }

  /** Position at sim time `t` (default now): analytic for movers, from the context otherwise. */
  locate(actor: ViewedActor, t = this.now): Point | null {
    if (actor.moves) return this.world.mobility.locate(actor.id, t);
    return this.contextPosition(actor.id);
  }

  /** Whether a mover is on a trip at this instant (others never are). */
  isTravelling(actor: ViewedActor): boolean {
    return actor.moves && this.world.mobility.isMoving(actor.id);
  }

  /** The full statechart state as one string, e.g. `working(job.toPickup|tracker.ticking)`. */
  state(id: string): string {
    const snap = this.snapshot(id);
    return snap?.value === undefined ? (snap?.status ?? 'unknown') : stateName(snap.value);
  }

  /** XState's actor status: active, done, error or stopped; `unknown` for an id nobody holds. */
  status(id: string): string {
    return this.snapshot(id)?.status ?? 'unknown';
  }

  context(id: string): Record<string, unknown> | null {
    const ctx = this.snapshot(id)?.context;
    return typeof ctx === 'object' && ctx !== null ? (ctx as Record<string, unknown>) : null;
  }

  /** The kind the world gives an actor id; `dispatch` for dispatch, null for ids that are not actors. */
  kindOf(id: string): string | null {
    if (id === 'dispatch') return 'dispatch';
    return this.world.actorIds().find((a) => a.id === id)?.kind ?? null;
  }

  /** Whether any actor (drawn or not, e.g. an order inside dispatch) answers to this id. */
  exists(id: string): boolean {
    return this.snapshot(id) !== null;
  }

  /** The last log entries that involve `id` (messages from or to it, its state changes), oldest first. */
  recent(id: string): readonly LogEntry[] {
    return this.histories.get(id) ?? this.otherHistories.get(id) ?? [];
  }

  /**
   * What is left of a travelling actor's route at `t`: its current position followed by the
   * remaining road nodes. Null when the actor stands still.
   */
  remainingRoute(id: string, t = this.now): Point[] | null {
    const mobility = this.world.mobility;
    if (!this.isMover(id) || !mobility.isMoving(id)) return null;
    const route = mobility.route(id);
    const eta = mobility.eta(id);
    if (!route || eta === null) return null;
    const elapsed = (t - (eta - route.duration * 1000)) / 1000;
    const graph = this.world.city.graphOf(route.profile);
    const out: Point[] = [mobility.locate(id, t)];
    for (let i = 0; i < route.nodes.length; i++) {
      if (route.cumTime[i] <= elapsed) continue;
      const n = route.nodes[i];
      out.push({ x: graph.x[n], y: graph.y[n] });
    }
    return out;
  }

  kpis(): Kpis {
    return this.world.kpis();
  }

  /**
   * Orders dispatch still holds, with their pickup point. Generic over flows: every record of actor
   * references in dispatch's context is treated as a table of orders, and an order's pickup is read
   * from `request.pickup`, `pickup` or `position`.
   */
  openOrders(t = this.now): OrderMark[] {
    const dispatch = this.context('dispatch');
    if (!dispatch) return [];
    const out: OrderMark[] = [];
    // open orders of every flow are listed by id in dispatch's tables; their actors are found by id
    for (const table of [dispatch.orders, dispatch.flowOrders]) {
      if (!isPersistentMap(table)) continue;
      for (const id of mapKeys(table)) {
        const snap = this.snapshot(id);
        const mark = snap ? orderMark(id, snap, t) : null;
        if (mark) out.push(mark);
      }
    }
    return out;
  }

  /** SHA-256 of the event log so far: equal hashes at equal times prove two runs identical. */
  eventLogHash(): string {
    return this.world.log.digest();
  }

  private snapshot(id: string): SnapshotLike | null {
    const snap = this.world.snapshotOf(id);
    return typeof snap === 'object' && snap !== null ? (snap as SnapshotLike) : null;
  }

  private isMover(id: string): boolean {
    try {
      this.world.mobility.locate(id);
      return true;
    } catch {
      return false;
    }
  }

  private contextPosition(id: string): Point | null {
    const ctx = this.context(id);
    if (!ctx) return null;
    for (const field of POSITION_FIELDS) if (isPoint(ctx[field])) return ctx[field] as Point;
    return null;
  }

  private variantOf(id: string): string | null {
    if (this.world.isReal(id)) return 'real'; // a real device plays it: drawn and listed apart
    const ctx = this.context(id);
    if (!ctx) return null;
    for (const field of VARIANT_FIELDS) if (typeof ctx[field] === 'string') return ctx[field] as string;
    return null;
  }

  private remember(entry: LogEntry): void {
    if (entry.kind === 'msg' || entry.kind === 'fault') {
      this.push(entry.from, entry);
      if (entry.to !== entry.from) this.push(entry.to, entry);
    } else {
      this.push(entry.actor, entry);
    }
  }

  private push(id: string, entry: LogEntry): void {
    const tracked = this.actorIdSet.has(id);
    const map = tracked ? this.histories : this.otherHistories;
    let list = map.get(id);
    if (!list) {
      if (!tracked && map.size >= MAX_OTHER_HISTORIES) map.delete(map.keys().next().value as string);
      list = [];
      map.set(id, list);
    }
    list.push(entry);
    if (list.length > this.historyLength) list.shift();
  }
}

function orderMark(id: string, snap: SnapshotLike, t: number): OrderMark | null {
  if (snap.status !== undefined && snap.status !== 'active') return null;
  const top = topState(snap.value);
  if (ENDED_ORDER_STATES.has(top)) return null;
  const ctx = (snap.context ?? {}) as Record<string, unknown>;
  const request = (typeof ctx.request === 'object' && ctx.request !== null ? ctx.request : {}) as Record<
    string,
    unknown
  >;
  const at = [request.pickup, ctx.pickup, ctx.position].find(isPoint);
  if (!at) return null;
  const dueBy = typeof request.dueBy === 'number' ? request.dueBy : ctx.dueBy;
  const assigned = typeof ctx.courierId === 'string' || typeof ctx.assignee === 'string';
  return {
    id,
    x: at.x,
    y: at.y,
    waiting: !assigned,
    late: typeof dueBy === 'number' && t > dueBy,
  };
}
