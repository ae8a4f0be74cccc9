/** One row of `npm run bench`: figures measured in this process, and its ratio to a same-process baseline. */
export interface BenchCase {
  name: string;
  figures: Record<string, number | string>;
  /** Name of the figure or case this one is compared against, run in the same process. */
  baseline?: string;
  /** measured ÷ baseline, oriented so that higher is better. */
  ratio?: number;
  /** The aim stated by the issue, e.g. ">= 0.8"; shown beside the ratio. */
  aim?: string;
}

/** Peak resident set size of this process so far, in MiB (Linux reports maxRSS in KiB). */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
