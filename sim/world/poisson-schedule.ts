import type { RandomStream } from '../kernel/random-streams.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Arrivals of a non-homogeneous Poisson process whose rate is constant within each hour of the day
 * (the demand profile, repeating daily). Exact for piecewise-constant rates: by memorylessness an
 * exponential gap that crosses an hour boundary is simply redrawn from the boundary.
 */
export class PoissonSchedule {
  private readonly ratePerMs: number[];

  constructor(
    perDay: number,
    hourlyWeights: readonly number[],
    private readonly stream: RandomStream,
    scale = 1,
  ) {
    const total = hourlyWeights.reduce((s, w) => s + w, 0);
    this.ratePerMs = hourlyWeights.map((w) => (total === 0 ? 0 : (perDay * scale * w) / total / HOUR_MS));
  }

  /** The first arrival strictly after `from` (ms), or Infinity if the rate is zero all day. */
  next(from: number): number {
    if (this.ratePerMs.every((r) => r === 0)) return Number.POSITIVE_INFINITY;
    let t = from;
    for (;;) {
      const hour = Math.floor((t % DAY_MS) / HOUR_MS);
      const boundary = (Math.floor(t / HOUR_MS) + 1) * HOUR_MS;
      const rate = this.ratePerMs[hour];
      if (rate > 0) {
        const gap = this.stream.exponential(rate);
        if (t + gap < boundary) return t + gap;
      }
      t = boundary;
    }
  }
}
