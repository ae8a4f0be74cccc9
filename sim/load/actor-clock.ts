/**
 * Wall-clock timers of one simulated actor in the load driver, with the run's time compression:
 * scenario durations (a 2-minute hand-over, a 25-minute patience) are divided by `timeScale`, so a
 * short load run still sees orders assigned, delivered and cancelled. `stop()` cancels every timer
 * the actor still has, which is how a run ends cleanly.
 */
export class ActorClock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(readonly timeScale: number) {}

  /** Scenario milliseconds → wall milliseconds (never below 20 ms). */
  scaled(scenarioMs: number): number {
    return Math.max(20, scenarioMs / this.timeScale);
  }

  /** Runs `fn` after `wallMs`, unless the actor stopped first. */
  later(wallMs: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, wallMs);
    this.timers.add(t);
  }

  /** Runs `fn` every `wallMs`, the first time after `phaseMs`. */
  every(wallMs: number, phaseMs: number, fn: () => void): void {
    this.later(phaseMs, () => {
      fn();
      if (this.stopped) return;
      const t = setInterval(() => {
        if (!this.stopped) fn();
      }, wallMs);
      this.timers.add(t);
    });
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
