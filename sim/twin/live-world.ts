import type { WallClock } from '../kernel/kernel.ts';
import type { Scenario } from '../scenario/schema.ts';
import { formatSimTime } from '../world/time-of-day.ts';
import type { World } from '../world/world.ts';
import { WorldView } from '../world/world-view.ts';
import { SPEED_MAX, SPEED_MIN } from './wire.ts';

/** Builds a world for a scenario and seed; `reuseCity` lets a seek back keep the warm router. */
export type WorldFactory = (scenario: Scenario, seed: number, reuseCity: World | null) => Promise<World>;

/** What the twin's broadcaster hears from the live world. */
export interface LiveWorldListener {
  /** A new world replaced the old one (seek back, reload): roster and states start over. */
  rebuilt(view: WorldView): void;
  /** Called after every paced slice and every seek chunk; sample positions now. */
  slice(view: WorldView): void;
  /** Speed, pause or seek status changed. */
  clockChanged(): void;
}

export interface LiveWorldOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  /** Sim time (ms) the run starts at; reached by a fast re-run, like a seek. */
  readonly startMs: number;
  readonly speed: number;
  /** Wall ms between slices (and so between position frames). */
  readonly sliceMs: number;
  readonly wall: WallClock;
  readonly createWorld: WorldFactory;
  /** Re-reads the scenario file for `reload`; throws a ScenarioError with the message to show. */
  readonly readScenario: () => Scenario;
  /** Told once per world when the run throws (the server logs it; the run pauses). */
  readonly onFailure?: (err: Error) => void;
}

export type TimeResult = { ok: true; simTime: number; eventLogHash: string } | { ok: false; error: string };

interface SeekJob {
  target: number;
  waiters: ((result: TimeResult) => void)[];
}

interface ReloadJob {
  seed: number | undefined;
  waiters: ((result: TimeResult) => void)[];
}

/** Share of a slice the world may compute before it yields (the rest is for frames and sockets). */
const WORK_SHARE = 0.6;
/** Wall ms of computation per seek chunk before the loop yields to sockets and HTTP. */
const SEEK_CHUNK_MS = 80;
/** Kernel tasks between two wall-clock checks while computing under a budget. */
const CHECK_EVERY = 256;

/**
 * A world paced to wall time × speed, with pause, speed, exact seek and reload. One loop owns the
 * world: controls only leave requests and wake it, so there is never a second writer.
 *
 * Pacing differs from `Kernel.runPaced` in one way that matters to a live server: each slice
 * computes under a wall-time budget and, when the world cannot keep up with the requested speed
 * (10 000× on a full city), drops the backlog instead of catching up, so the event loop never
 * blocks and `effectiveSpeed` reports what was achieved. Seek is exact: forward it runs the same
 * world on; backward it builds a fresh world and re-runs from 00:00, so the state at the target —
 * and the event-log hash — equals a straight `citytwin run` to that time.
 */
export class LiveWorld {
  world!: World;
  view!: WorldView;
  private scenario: Scenario;
  private seed: number;
  private seekJob: SeekJob | null = null;
  private reloadJob: ReloadJob | null = null;
  private running = false;
  private wake: (() => void) | null = null;
  private speedSamples: { wall: number; sim: number }[] = [];
  private loopDone: Promise<void> | null = null;
  private listener: LiveWorldListener | null = null;
  /** Why the run stopped, when a machine or world bug threw; cleared by a new world. */
  failure: string | null = null;

  constructor(private readonly options: LiveWorldOptions) {
    this.scenario = options.scenario;
    this.seed = options.seed;
  }

  get scenarioName(): string {
    return this.scenario.name;
  }

  get scenarioDescription(): string {
    return this.scenario.description ?? '';
  }

  get currentSeed(): number {
    return this.seed;
  }

  get speed(): number {
    return this.world.kernel.currentSpeed;
  }

  get paused(): boolean {
    return this.world.kernel.isPaused;
  }

  get seeking(): { target: number; at: number } | null {
    return this.seekJob ? { target: this.seekJob.target, at: this.world.kernel.now } : null;
  }

  /** Sim ms per wall ms achieved over about the last second (0 while paused). */
  get effectiveSpeed(): number {
    const s = this.speedSamples;
    if (this.paused || s.length < 2) return 0;
    const a = s[0];
    const b = s[s.length - 1];
    return b.wall > a.wall ? Math.round(((b.sim - a.sim) / (b.wall - a.wall)) * 10) / 10 : 0;
  }

  /** Builds the first world and starts the loop, which first runs to the start time. */
  async start(listener: LiveWorldListener): Promise<void> {
    this.listener = listener;
    await this.install(await this.options.createWorld(this.scenario, this.seed, null), this.options.speed);
    this.running = true;
    if (this.options.startMs > 0) this.seekJob = { target: this.options.startMs, waiters: [] };
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.world.kernel.stop();
    this.wake?.();
    await this.loopDone;
    await this.world.close();
  }

  setPaused(paused: boolean): void {
    this.world.kernel.setPaused(paused);
    this.listener?.clockChanged();
    this.wake?.();
  }

  setSpeed(speed: number): void {
    this.world.kernel.setSpeed(Math.min(SPEED_MAX, Math.max(SPEED_MIN, speed)));
    this.listener?.clockChanged();
    this.wake?.();
  }

  /** Runs to exactly `target` sim ms; a later seek supersedes this one (which then fails). */
  seek(target: number): Promise<TimeResult> {
    return new Promise((resolve) => {
      if (this.seekJob) {
        for (const w of this.seekJob.waiters) w({ ok: false, error: 'superseded by a later seek' });
      }
      this.seekJob = { target, waiters: [resolve] };
      this.listener?.clockChanged();
      this.wake?.();
    });
  }

  /** Re-reads the scenario file and restarts at the start time (optionally with another seed). */
  reload(seed?: number): Promise<TimeResult> {
    return new Promise((resolve) => {
      if (this.reloadJob) {
        this.reloadJob.waiters.push(resolve);
        if (seed !== undefined) this.reloadJob.seed = seed;
        return;
      }
      this.reloadJob = { seed, waiters: [resolve] };
      this.wake?.();
    });
  }

  private async install(world: World, speed: number, paused = false): Promise<void> {
    const old = this.world;
    this.world = world;
    this.world.kernel.setSpeed(speed);
    this.world.kernel.setPaused(paused);
    this.view = new WorldView(world);
    this.speedSamples = [];
    this.failure = null;
    if (old && old !== world) await old.close();
    this.listener?.rebuilt(this.view);
    this.listener?.clockChanged();
  }

  private async loop(): Promise<void> {
    const wall = this.options.wall;
    const slice = this.options.sliceMs;
    let anchorWall = wall.now();
    let anchorSim = this.world.kernel.now;
    let anchorSpeed = this.speed;
    const reanchor = () => {
      anchorWall = wall.now();
      anchorSim = this.world.kernel.now;
      anchorSpeed = this.speed;
    };
    while (this.running) {
      const started = wall.now();
      try {
        if (this.reloadJob) {
          await this.runReload(this.reloadJob);
          reanchor();
          continue;
        }
        if (this.seekJob) {
          await this.seekChunk(this.seekJob);
          reanchor();
          this.listener?.slice(this.view);
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        const kernel = this.world.kernel;
        if (kernel.isPaused || anchorSpeed !== kernel.currentSpeed) reanchor();
        if (!kernel.isPaused) {
          const desired = anchorSim + (wall.now() - anchorWall) * kernel.currentSpeed;
          this.compute(desired, started + slice * WORK_SHARE);
          // Compute-bound: forget the backlog rather than block to catch up.
          if (desired - kernel.now > kernel.currentSpeed * slice) reanchor();
        }
        this.sample(wall.now());
        this.listener?.slice(this.view);
      } catch (err) {
        this.fail(err as Error);
      }
      await this.sleep(Math.max(1, started + slice - wall.now()));
    }
  }

  /**
   * A machine or world bug threw inside the run. The server must outlive it: the world pauses at
   * that instant, viewers see the failure in the clock status, and seek back or reload starts over.
   */
  private fail(err: Error): void {
    const first = this.failure === null;
    this.failure = `the world failed at ${formatSimTime(this.world.kernel.now)}: ${err.message}`;
    this.world.kernel.setPaused(true);
    if (this.seekJob) {
      for (const w of this.seekJob.waiters) w({ ok: false, error: this.failure });
      this.seekJob = null;
    }
    if (first) this.options.onFailure?.(err);
    this.listener?.clockChanged();
  }

  /** Runs the kernel towards `target` until it gets there or the wall clock passes `deadline`. */
  private compute(target: number, deadline: number): boolean {
    const kernel = this.world.kernel;
    const wall = this.options.wall;
    kernel.runUntil(
      target,
      () => {
        if (wall.now() > deadline) kernel.stop();
      },
      CHECK_EVERY,
    );
    return kernel.now >= target;
  }

  private async seekChunk(job: SeekJob): Promise<void> {
    if (job.target < this.world.kernel.now) {
      const fresh = await this.options.createWorld(this.scenario, this.seed, this.world);
      await this.install(fresh, this.speed, this.paused);
      if (this.seekJob !== job) return;
    }
    if (!this.compute(job.target, this.options.wall.now() + SEEK_CHUNK_MS)) return;
    if (this.seekJob !== job) return;
    this.seekJob = null;
    this.listener?.clockChanged();
    const result: TimeResult = {
      ok: true,
      simTime: this.world.kernel.now,
      eventLogHash: this.view.eventLogHash(),
    };
    for (const w of job.waiters) w(result);
  }

  private async runReload(job: ReloadJob): Promise<void> {
    this.reloadJob = null;
    let scenario: Scenario;
    let world: World;
    try {
      scenario = this.options.readScenario();
      world = await this.options.createWorld(scenario, job.seed ?? scenario.seed, null);
    } catch (err) {
      for (const w of job.waiters) w({ ok: false, error: (err as Error).message });
      return;
    }
    this.scenario = scenario;
    this.seed = job.seed ?? scenario.seed;
    if (this.seekJob) for (const w of this.seekJob.waiters) w({ ok: false, error: 'cancelled by a reload' });
    this.seekJob = { target: this.options.startMs, waiters: job.waiters };
    await this.install(world, this.speed, this.paused);
  }

  private sample(wallNow: number): void {
    this.speedSamples.push({ wall: wallNow, sim: this.world.kernel.now });
    while (this.speedSamples.length > 2 && wallNow - this.speedSamples[0].wall > 1000)
      this.speedSamples.shift();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.wake = null;
        resolve();
      };
      this.wake = finish;
      void this.options.wall.sleep(ms).then(finish);
    });
  }
}
