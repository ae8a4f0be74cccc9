import type { WallClock } from '../kernel/kernel.ts';
import type { TimeResult } from './live-world.ts';
import type { ReplayView } from './replay-view.ts';
import type { TwinListener, TwinSource } from './twin-source.ts';
import { SPEED_MAX, SPEED_MIN } from './wire.ts';

export interface ReplayWorldOptions {
  /** Shown as the scenario name: which log this is. */
  readonly name: string;
  readonly seed: number;
  readonly speed: number;
  /** Wall ms between slices (and so between position frames). */
  readonly sliceMs: number;
  readonly wall: WallClock;
}

/**
 * A recorded run played back to the twin: the same controls as the live world (play, pause, speed,
 * seek, reload) over a `ReplayView`. Time advances by wall time × speed and stops at the log's last
 * entry; a seek is exact and instant in either direction (the view is an index, not a re-run),
 * and play at the end starts over. Reload goes back to the start.
 */
export class ReplayWorld implements TwinSource {
  private listener: TwinListener | null = null;
  private currentSpeed: number;
  private isPaused = false;
  private running = false;
  private loopDone: Promise<void> | null = null;
  readonly failure = null;
  readonly seeking = null;

  constructor(
    readonly view: ReplayView,
    private readonly endTime: number,
    private readonly options: ReplayWorldOptions,
  ) {
    this.currentSpeed = options.speed;
  }

  get scenarioName(): string {
    return this.options.name;
  }

  get currentSeed(): number {
    return this.options.seed;
  }

  get speed(): number {
    return this.currentSpeed;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** A replay always keeps up: it only moves a cursor. */
  get effectiveSpeed(): number {
    return this.isPaused ? 0 : this.currentSpeed;
  }

  async start(listener: TwinListener): Promise<void> {
    this.listener = listener;
    listener.rebuilt(this.view);
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loopDone;
  }

  setPaused(paused: boolean): void {
    if (!paused && this.view.now >= this.endTime) this.jump(0);
    this.isPaused = paused;
    this.listener?.clockChanged();
  }

  setSpeed(speed: number): void {
    this.currentSpeed = Math.min(SPEED_MAX, Math.max(SPEED_MIN, speed));
    this.listener?.clockChanged();
  }

  async seek(target: number): Promise<TimeResult> {
    this.jump(target);
    this.listener?.clockChanged();
    return { ok: true, simTime: this.view.now, eventLogHash: this.view.eventLogHash() };
  }

  async reload(): Promise<TimeResult> {
    return this.seek(0);
  }

  /** Moves to exactly `target`; viewers get the whole picture again (roster, states, keyframe). */
  private jump(target: number): void {
    this.view.moveTo(target);
    this.listener?.rebuilt(this.view);
  }

  private async loop(): Promise<void> {
    const wall = this.options.wall;
    let last = wall.now();
    while (this.running) {
      const now = wall.now();
      if (!this.isPaused) {
        const next = Math.min(this.endTime, this.view.now + (now - last) * this.currentSpeed);
        if (next > this.view.now) this.view.moveTo(next);
        if (this.view.now >= this.endTime) {
          this.isPaused = true;
          this.listener?.clockChanged();
        }
      }
      last = now;
      this.listener?.slice(this.view);
      await wall.sleep(this.options.sliceMs);
    }
  }
}
