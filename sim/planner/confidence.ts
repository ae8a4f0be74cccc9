import jStat from 'jstat';

/** A sample mean with its two-sided 95 % Student-t confidence interval. */
export interface MeanEstimate {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 when n < 2. */
  readonly sd: number;
  /** [lo, hi]; equal to [mean, mean] when n < 2 (no spread can be estimated from one value). */
  readonly ci95: readonly [number, number];
}

/**
 * Mean and 95 % confidence interval of independent observations (replications, or batch means).
 * Student's t, not the normal 1.96, because planners run few replications: with 5 runs the t
 * quantile is 2.78, and a normal interval would be 30 % too narrow.
 */
export function meanEstimate(values: readonly number[]): MeanEstimate {
  const n = values.length;
  if (n === 0) return { n, mean: Number.NaN, sd: Number.NaN, ci95: [Number.NaN, Number.NaN] };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { n, mean, sd: 0, ci95: [mean, mean] };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const half = jStat.studentt.inv(0.975, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, ci95: [mean - half, mean + half] };
}

/**
 * The method of batch means: one long run's correlated observations (successive waits in a queue)
 * are cut into `batches` consecutive blocks whose means are nearly independent, so a t interval over
 * the block means is honest where one over the raw values would be far too narrow.
 */
export function batchMeans(values: readonly number[], batches: number): MeanEstimate {
  const size = Math.floor(values.length / batches);
  if (size < 1) return meanEstimate(values);
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    let s = 0;
    for (let i = b * size; i < (b + 1) * size; i++) s += values[i];
    means.push(s / size);
  }
  return meanEstimate(means);
}
