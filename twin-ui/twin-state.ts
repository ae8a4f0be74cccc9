import type { ClockStatus, Hello, Inspection, KpiSnapshot, Roster, StateChanges } from '../sim/twin/wire.ts';
import { decodeStateChanges, type PositionFrame } from './frame-decoder.ts';

/** Where an actor is drawn this instant. */
export interface DrawnPosition {
  x: number;
  y: number;
  heading: number;
}

/**
 * The viewer's copy of the simulation: roster, interpolated positions, states, clock, KPIs, heat
 * and selection. It imports nothing from three.js — render layers read it and copy it into the
 * scene, so what the viewer knows and how it draws stay separate (and testable apart).
 *
 * Interpolation: each frame sets, per actor that moved, a segment from where the actor is drawn
 * now to its new position, walked over the measured frame gap. Motion stays smooth at 10 frames a
 * second and never jumps backwards when a frame arrives early or late.
 */
export class TwinState {
  hello: Hello | null = null;
  roster: Roster = { epoch: 0, ids: [], classOf: [], classes: [] };
  /** Actor indexes of each class, in roster order (instance i of class c is `members[c][i]`). */
  members: number[][] = [];
  /** Instance number of each actor within its class. */
  instanceOf = new Uint32Array(0);
  clock: ClockStatus | null = null;
  kpis: KpiSnapshot | null = null;
  heat: Float32Array = new Float32Array(0);
  heatVersion = 0;
  simTime = 0;
  frames = 0;
  lastEpochFrame = -1;
  selected: string | null = null;
  inspection: Inspection | null = null;
  inspectionVersion = 0;
  rosterVersion = 0;
  /** Actors whose colour must be re-applied. */
  readonly dirtyColors = new Set<number>();
  /**
   * Per class, the last wall time (ms) at which one of its members may still be gliding (twice the
   * frame gap after its last move, as the gap is re-estimated with every frame) or jumped. A
   * layer that drew the class after that instant can skip it: most actors (customers at home,
   * stores, parked cars) do not move, and rewriting their matrices every frame is wasted work.
   */
  movedUntil = new Float64Array(0);
  names: string[] = [];
  stateCode = new Int32Array(0);
  /** Bumped whenever positions jump (seek, new roster) so layers snap instead of gliding. */
  snapVersion = 0;

  private fromX = new Float32Array(0);
  private fromY = new Float32Array(0);
  private toX = new Float32Array(0);
  private toY = new Float32Array(0);
  private headings = new Float32Array(0);
  private t0 = new Float64Array(0);
  private placed = new Uint8Array(0);
  private frameGap = 100;
  private lastFrameWall = Number.NaN;
  private readonly indexById = new Map<string, number>();

  applyHello(hello: Hello): void {
    this.hello = hello;
    this.frameGap = hello.frameIntervalMs;
  }

  applyRoster(roster: Roster): void {
    this.roster = roster;
    const n = roster.ids.length;
    this.members = roster.classes.map(() => []);
    this.instanceOf = new Uint32Array(n);
    this.indexById.clear();
    roster.ids.forEach((id, i) => {
      const c = roster.classOf[i];
      this.instanceOf[i] = this.members[c].length;
      this.members[c].push(i);
      this.indexById.set(id, i);
    });
    this.fromX = new Float32Array(n);
    this.fromY = new Float32Array(n);
    this.toX = new Float32Array(n);
    this.toY = new Float32Array(n);
    this.headings = new Float32Array(n);
    this.t0 = new Float64Array(n);
    this.placed = new Uint8Array(n);
    this.stateCode = new Int32Array(n).fill(-1);
    this.movedUntil = new Float64Array(roster.classes.length);
    this.dirtyColors.clear();
    this.rosterVersion++;
    this.snapVersion++;
  }

  applyFrame(frame: PositionFrame, wallNow: number): void {
    if (frame.epoch !== this.roster.epoch) return;
    if (!Number.isNaN(this.lastFrameWall)) {
      const gap = Math.min(1000, Math.max(20, wallNow - this.lastFrameWall));
      this.frameGap = this.frameGap * 0.8 + gap * 0.2;
    }
    this.lastFrameWall = wallNow;
    const snap = Boolean(this.clock?.seeking) || this.lastEpochFrame !== frame.epoch;
    if (snap) this.snapVersion++;
    this.lastEpochFrame = frame.epoch;
    const here: DrawnPosition = { x: 0, y: 0, heading: 0 };
    const { indexes, coords } = frame;
    for (let k = 0; k < indexes.length; k++) {
      const i = indexes[k];
      if (i >= this.placed.length) continue;
      const x = coords[2 * k];
      const y = coords[2 * k + 1];
      const c = this.roster.classOf[i];
      if (!this.placed[i] || snap) {
        this.fromX[i] = this.toX[i] = x;
        this.fromY[i] = this.toY[i] = y;
        this.placed[i] = 1;
        this.t0[i] = wallNow;
        this.movedUntil[c] = Math.max(this.movedUntil[c], wallNow);
        continue;
      }
      if (x === this.toX[i] && y === this.toY[i] && !this.isGliding(i, wallNow)) continue;
      this.movedUntil[c] = Math.max(this.movedUntil[c], wallNow + 2 * this.frameGap);
      this.position(i, wallNow, here);
      const dx = x - here.x;
      const dy = y - here.y;
      if (dx * dx + dy * dy > 0.0001) this.headings[i] = Math.atan2(dy, dx);
      this.fromX[i] = here.x;
      this.fromY[i] = here.y;
      this.toX[i] = x;
      this.toY[i] = y;
      this.t0[i] = wallNow;
    }
    this.simTime = frame.simTime;
    this.frames++;
  }

  applyStates(message: StateChanges): void {
    // The dictionary is shared by every epoch, so keep its new names even from a stale message.
    if (message.firstCode <= this.names.length) {
      this.names.length = message.firstCode;
      this.names.push(...message.names);
    }
    if (message.epoch !== this.roster.epoch) return;
    const pairs = decodeStateChanges(message);
    for (let k = 0; k + 1 < pairs.length; k += 2) {
      const i = pairs[k];
      if (i >= this.stateCode.length) continue;
      this.stateCode[i] = pairs[k + 1];
      this.dirtyColors.add(i);
    }
  }

  applyClock(clock: ClockStatus): void {
    this.clock = clock;
    if (clock.seeking || clock.paused) this.simTime = clock.simTime;
  }

  applyKpis(kpis: KpiSnapshot): void {
    this.kpis = kpis;
  }

  applyHeat(points: Float32Array): void {
    this.heat = points;
    this.heatVersion++;
  }

  /** Interpolated position of actor i at wall time `now` (ms). */
  position(i: number, now: number, out: DrawnPosition): DrawnPosition {
    const f = Math.min(1, Math.max(0, (now - this.t0[i]) / this.frameGap));
    out.x = this.fromX[i] + (this.toX[i] - this.fromX[i]) * f;
    out.y = this.fromY[i] + (this.toY[i] - this.fromY[i]) * f;
    out.heading = this.headings[i];
    return out;
  }

  /** Whether class c may have moved since wall time `drawnAt` (when a layer last drew it). */
  classMovedSince(c: number, drawnAt: number): boolean {
    return drawnAt <= this.movedUntil[c];
  }

  isPlaced(i: number): boolean {
    return this.placed[i] === 1;
  }

  /** Whether actor i is still gliding towards its last reported position. */
  isGliding(i: number, now: number): boolean {
    return (
      now - this.t0[i] < this.frameGap && (this.fromX[i] !== this.toX[i] || this.fromY[i] !== this.toY[i])
    );
  }

  indexOf(id: string): number {
    return this.indexById.get(id) ?? -1;
  }

  stateOf(i: number): string {
    return this.names[this.stateCode[i]] ?? 'unknown';
  }

  /** Actors drawn per kind (variants of a kind summed) — `window.citytwin.actors`. */
  countsByKind(): Record<string, number> {
    const out: Record<string, number> = {};
    this.roster.classes.forEach((c, k) => {
      const placed = this.members[k].filter((i) => this.placed[i]).length;
      out[c.kind] = (out[c.kind] ?? 0) + placed;
    });
    return out;
  }

  /** Count of each top-level state within a class, for the legend. */
  stateCounts(classIndex: number): Map<string, number> {
    const counts = new Map<string, number>();
    for (const i of this.members[classIndex] ?? []) {
      const name = this.stateOf(i);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  }
}
