import type { Server, Socket } from 'socket.io';
import type { WallClock } from '../kernel/kernel.ts';
import type { ViewedActor } from '../world/world-view.ts';
import { PositionFrames } from './position-frames.ts';
import { StateDictionary } from './state-dictionary.ts';
import type { TwinListener, TwinSource, TwinView } from './twin-source.ts';
import type {
  ActorClass,
  ClientToServerEvents,
  ClockStatus,
  HeatPoints,
  Hello,
  KpiSnapshot,
  Roster,
  ServerToClientEvents,
  StateChanges,
} from './wire.ts';

export type TwinServer = Server<ClientToServerEvents, ServerToClientEvents>;
export type TwinSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** Frames between two keyframes (every actor's position again). */
const KEYFRAME_EVERY = 20;
/** Wall ms between KPI, heat and clock broadcasts, and roster checks. */
const SLOW_EVERY_MS = 1000;

/**
 * Turns the live world into socket.io traffic: binary position frames (volatile, so a slow viewer
 * drops frames instead of stalling the world), state changes as coded pairs, and once a second the
 * clock, KPIs and the waiting/late order heat points. Everything is computed once per slice and
 * broadcast to every viewer; a viewer that connects gets the full picture on its own socket.
 */
export class TwinBroadcast implements TwinListener {
  private roster: Roster = { epoch: 0, ids: [], classOf: [], classes: [] };
  private actors: ViewedActor[] = [];
  private moverIndexes = new Uint32Array(0);
  private readonly indexOf = new Map<string, number>();
  private frames = new PositionFrames(0, 0);
  private readonly dictionary = new StateDictionary();
  private readonly currentCode: number[] = [];
  private readonly pending = new Map<number, number>();
  private epoch = 0;
  private lastSlow = Number.NEGATIVE_INFINITY;
  private forceKeyframe = true;
  private subscribed: TwinView | null = null;

  constructor(
    private readonly io: TwinServer,
    private readonly live: TwinSource,
    private readonly hello: () => Hello,
    private readonly wall: WallClock,
  ) {}

  rebuilt(view: TwinView): void {
    this.buildRoster(view);
    if (this.subscribed !== view) {
      this.subscribed = view;
      view.world.log.onEntry((entry) => {
        if (entry.kind !== 'state' || view !== this.subscribed) return;
        const index = this.indexOf.get(entry.actor);
        if (index !== undefined) this.noteState(index, entry.state);
      });
    }
    this.io.emit('hello', this.hello());
    this.io.emit('roster', this.roster);
    this.io.emit('states', this.fullStates());
    this.lastSlow = Number.NEGATIVE_INFINITY;
  }

  slice(view: TwinView): void {
    const now = this.wall.now();
    if (now - this.lastSlow >= SLOW_EVERY_MS && view.world.actorIds().length !== this.indexOf.size) {
      this.rebuilt(view);
    }
    const keyframe = this.forceKeyframe || this.frames.nextSeq % KEYFRAME_EVERY === 0;
    this.forceKeyframe = false;
    if (keyframe) this.refreshStates(view);
    const t = view.now;
    const frame = this.frames.encode(t, this.moverIndexes, (i) => view.locate(this.actors[i], t), keyframe);
    this.io.volatile.emit('frame', frame);
    const states = this.takeStates();
    if (states) this.io.emit('states', states);
    if (now - this.lastSlow >= SLOW_EVERY_MS) {
      this.lastSlow = now;
      this.io.emit('clock', this.clock());
      this.io.emit('kpis', this.kpis(view));
      this.io.emit('heat', this.heat(view));
    }
  }

  clockChanged(): void {
    this.io.emit('clock', this.clock());
  }

  /** Everything a viewer needs at once; its first keyframe follows within one slice. */
  welcome(socket: TwinSocket): void {
    const view = this.live.view;
    socket.emit('hello', this.hello());
    socket.emit('roster', this.roster);
    socket.emit('states', this.fullStates());
    socket.emit('clock', this.clock());
    socket.emit('kpis', this.kpis(view));
    socket.emit('heat', this.heat(view));
    this.forceKeyframe = true;
  }

  /** A drawn actor of the current roster (for inspection), or null if it is not drawn. */
  actorOf(id: string): ViewedActor | null {
    const index = this.indexOf.get(id);
    return index === undefined || index < 0 ? null : this.actors[index];
  }

  clock(): ClockStatus {
    return {
      simTime: this.live.view.now,
      speed: this.live.speed,
      paused: this.live.paused,
      effectiveSpeed: this.live.effectiveSpeed,
      seeking: this.live.seeking,
      epoch: this.epoch,
      viewers: this.io.engine.clientsCount,
      failure: this.live.failure,
    };
  }

  private buildRoster(view: TwinView): void {
    this.actors = view.actors();
    const classes: ActorClass[] = [];
    const classIndex = new Map<string, number>();
    const classOf: number[] = [];
    this.indexOf.clear();
    for (const [i, a] of this.actors.entries()) {
      const key = a.variant ? `${a.kind}:${a.variant}` : a.kind;
      let c = classIndex.get(key);
      if (c === undefined) {
        c = classes.length;
        classIndex.set(key, c);
        classes.push({ key, kind: a.kind, variant: a.variant, moving: a.moves });
      } else if (a.moves && !classes[c].moving) {
        classes[c] = { ...classes[c], moving: true };
      }
      classOf.push(c);
      this.indexOf.set(a.id, i);
    }
    for (const { id } of view.world.actorIds()) if (!this.indexOf.has(id)) this.indexOf.set(id, -1);
    this.epoch++;
    this.roster = { epoch: this.epoch, ids: this.actors.map((a) => a.id), classOf, classes };
    this.moverIndexes = Uint32Array.from(this.actors.flatMap((a, i) => (a.moves ? [i] : [])));
    this.frames = new PositionFrames(this.actors.length, this.epoch);
    this.currentCode.length = 0;
    this.pending.clear();
    for (const a of this.actors) this.currentCode.push(this.dictionary.code(view.state(a.id)));
    this.forceKeyframe = true;
  }

  private noteState(index: number, state: string): void {
    if (index < 0) return;
    const code = this.dictionary.code(state);
    if (this.currentCode[index] === code) return;
    this.currentCode[index] = code;
    this.pending.set(index, code);
  }

  /** Keyframes also re-read every state, so an actor kind that logs no state entries still shows. */
  private refreshStates(view: TwinView): void {
    for (let i = 0; i < this.actors.length; i++) this.noteState(i, view.state(this.actors[i].id));
  }

  private takeStates(): StateChanges | null {
    if (this.pending.size === 0) return null;
    const pairs = new Uint32Array(this.pending.size * 2);
    let k = 0;
    for (const [index, code] of this.pending) {
      pairs[k++] = index;
      pairs[k++] = code;
    }
    this.pending.clear();
    const { firstCode, names } = this.dictionary.takeNew();
    return { epoch: this.epoch, firstCode, names, changes: pairs.buffer };
  }

  private fullStates(): StateChanges {
    const pairs = new Uint32Array(this.currentCode.length * 2);
    this.currentCode.forEach((code, index) => {
      pairs[2 * index] = index;
      pairs[2 * index + 1] = code;
    });
    return { epoch: this.epoch, firstCode: 0, names: this.dictionary.all(), changes: pairs.buffer };
  }

  private kpis(view: TwinView): KpiSnapshot {
    const k = view.kpis();
    const orders = view.openOrders();
    const byFlow: KpiSnapshot['byFlow'] = {};
    for (const [flow, c] of Object.entries(k.byFlow)) {
      byFlow[flow] = {
        created: c.created,
        completed: c.completed,
        cancelled: c.cancelled + c.refunded,
        open: c.open,
      };
    }
    return {
      simTime: view.now,
      byFlow,
      onTimeRate: k.onTimeRate,
      courierUtilization: k.courierUtilization,
      waitingOrders: orders.filter((o) => o.waiting).length,
      lateOrders: orders.filter((o) => o.late).length,
      meanWaitMinutes: k.waitMinutes.mean,
      invariantViolations: k.invariantViolations,
    };
  }

  private heat(view: TwinView): HeatPoints {
    const orders = view.openOrders().filter((o) => o.waiting || o.late);
    const points = new Float32Array(orders.length * 3);
    orders.forEach((o, i) => {
      points[3 * i] = o.x;
      points[3 * i + 1] = o.y;
      points[3 * i + 2] = o.late ? 2 : 1;
    });
    return { simTime: view.now, points: points.buffer };
  }
}
