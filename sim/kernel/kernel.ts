import type { ActorOptions, AnyActorLogic } from 'xstate';

/** XState's clock interface (the `clock` option of `createActor`). */
export type Clock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

import { EventQueue } from './event-queue.ts';

/** Something the kernel runs at a sim instant. Cancelled tasks stay queued but are skipped. */
export interface ScheduledTask {
  readonly run: () => void;
  cancelled: boolean;
}

/** Wall time as seen by a paced run; injected so kernel logic never reads a clock itself. */
export interface WallClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * The deterministic core: a virtual clock (milliseconds since scenario start) and one agenda.
 *
 * `clock` implements XState's `Clock`, so every delayed transition of every actor is an ordinary
 * queue item and runs on sim time. Nothing in here reads the wall clock; paced mode asks the
 * injected `WallClock` how far it may advance.
 */
export class Kernel {
  private currentTime = 0;
  private readonly queue = new EventQueue<ScheduledTask>();
  private processed = 0;
  private speed = 1;
  private paused = false;
  private stopRequested = false;

  /** XState-compatible clock backed by the agenda. */
  readonly clock: Clock = {
    setTimeout: (fn: (...args: unknown[]) => void, timeout: number) =>
      this.schedule(this.currentTime + Math.max(0, timeout), fn),
    clearTimeout: (id: unknown) => {
      if (id && typeof id === 'object' && 'cancelled' in id) (id as ScheduledTask).cancelled = true;
    },
  };

  get now(): number {
    return this.currentTime;
  }

  /** Number of tasks run so far (cancelled ones excluded). */
  get eventsProcessed(): number {
    return this.processed;
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Runs `run` at absolute sim time `at` (ms); never in the past. */
  schedule(at: number, run: () => void): ScheduledTask {
    const task: ScheduledTask = { run, cancelled: false };
    this.queue.push(Math.max(at, this.currentTime), task);
    return task;
  }

  /**
   * Queues a task object the caller built (e.g. a message delivery that is its own task), saving
   * the closure and wrapper that `schedule` allocates; hot paths use it. Such tasks mostly come in
   * time order (constant net latency), so they take the queue's FIFO lane; the order is unchanged.
   */
  scheduleTask<T extends ScheduledTask>(at: number, task: T): T {
    this.queue.pushInOrder(Math.max(at, this.currentTime), task);
    return task;
  }

  after(delayMs: number, run: () => void): ScheduledTask {
    return this.schedule(this.currentTime + delayMs, run);
  }

  /** Runs every task due at or before `until` as fast as possible, then sets the clock to `until`. */
  runUntil(until: number, onProgress?: (now: number) => void, progressEvery = 50_000): void {
    this.stopRequested = false;
    let sinceReport = 0;
    const queue = this.queue;
    while (!this.stopRequested) {
      // one peek per task: cancelled timers at the head are dropped so they never hide the next time
      const task = queue.peekItem();
      if (task === undefined) break;
      if (task.cancelled) {
        queue.popItem();
        continue;
      }
      const time = queue.peekTime();
      if (time > until) break;
      queue.popItem();
      this.currentTime = time;
      this.processed++;
      task.run();
      if (onProgress && ++sinceReport >= progressEvery) {
        sinceReport = 0;
        onProgress(this.currentTime);
      }
    }
    if (!this.stopRequested && until > this.currentTime && Number.isFinite(until)) this.currentTime = until;
  }

  /** Cancelled timers at the head must not hide the time of the next live task from `runUntil`. */
  private dropCancelledHead(): void {
    while (this.queue.peekItem()?.cancelled) this.queue.popItem();
  }

  /** Runs the next due task; returns false when the agenda is empty. */
  step(): boolean {
    for (;;) {
      const time = this.queue.peekTime();
      const task = this.queue.popItem();
      if (!task) return false;
      if (task.cancelled) continue;
      this.currentTime = time;
      this.processed++;
      task.run();
      return true;
    }
  }

  /** Stops a running `runUntil` / `runPaced` after the current task. */
  stop(): void {
    this.stopRequested = true;
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
    this.speed = speed;
  }

  get currentSpeed(): number {
    return this.speed;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Paced mode: sim time follows wall time × speed. Sleeps in slices of at most `sliceMs` so that
   * observers (the twin) can sample between slices and speed/pause changes apply promptly.
   */
  async runPaced(
    until: number,
    wall: WallClock,
    sliceMs = 20,
    onSlice?: (now: number) => void,
  ): Promise<void> {
    this.stopRequested = false;
    let wallAnchor = wall.now();
    let simAnchor = this.currentTime;
    let anchoredSpeed = this.speed;
    while (!this.stopRequested && this.currentTime < until) {
      if (this.paused) {
        await wall.sleep(sliceMs);
        wallAnchor = wall.now();
        simAnchor = this.currentTime;
        continue;
      }
      if (anchoredSpeed !== this.speed) {
        wallAnchor = wall.now();
        simAnchor = this.currentTime;
        anchoredSpeed = this.speed;
      }
      const target = Math.min(until, simAnchor + (wall.now() - wallAnchor) * this.speed);
      while (!this.stopRequested) {
        this.dropCancelledHead();
        if (this.queue.peekTime() > target || !this.step()) break;
      }
      if (target > this.currentTime) this.currentTime = target;
      onSlice?.(this.currentTime);
      if (this.currentTime >= until) break;
      await wall.sleep(sliceMs);
    }
  }
}
