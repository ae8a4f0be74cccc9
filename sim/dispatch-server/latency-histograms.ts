import * as hdr from 'hdr-histogram-js';

/** Percentiles of one message type's latencies, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

function newHistogram(): hdr.Histogram {
  // Microseconds from 1 µs to 10 min, three significant digits; resizes beyond that.
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

const ms = (us: number) => Math.round(us) / 1000;

function summarise(h: hdr.Histogram): LatencySummary {
  // A percentile is reported as the top of its HDR bucket, which can lie a hair above the largest
  // sample; capping it at the maximum keeps p99 <= max in every report.
  const at = (p: number) => ms(Math.min(h.getValueAtPercentile(p), h.maxValue));
  return {
    count: h.totalCount,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}

/**
 * HDR histograms of latency per message type. HDR keeps relative error bounded (0.1 %) at every
 * magnitude in fixed memory, so p99 and max of a million samples cost the same as of a hundred,
 * which is what a server's metrics and a load driver's report both need.
 */
export class LatencyHistograms {
  private readonly byType = new Map<string, hdr.Histogram>();

  record(type: string, milliseconds: number): void {
    let h = this.byType.get(type);
    if (!h) {
      h = newHistogram();
      this.byType.set(type, h);
    }
    h.recordValue(Math.max(1, Math.round(milliseconds * 1000)));
  }

  /** Per type, sorted by type name. */
  summary(): Record<string, LatencySummary> {
    const types = [...this.byType.keys()].sort();
    return Object.fromEntries(types.map((t) => [t, summarise(this.byType.get(t) as hdr.Histogram)]));
  }

  /** All types merged. */
  overall(): LatencySummary {
    const all = newHistogram();
    for (const h of this.byType.values()) all.add(h);
    return summarise(all);
  }
}
