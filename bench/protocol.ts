/**
 * The protocol check's cost (issue 8): seconds per 1 000 generated runs of `citytwin check`, with
 * every fault and attack on (what users run), against the same runs with no faults as the baseline
 * in this process — the ratio shows what fault injection costs on top of the plain protocol.
 */
import { checkProtocol } from '../sim/check/check-run.ts';
import type { BenchCase } from './bench-case.ts';

const RUNS = 1_000;
const SEED = 4242;

async function secondsPer1000(faults: boolean): Promise<number> {
  const report = await checkProtocol({ runs: RUNS, seed: SEED, ...(faults ? {} : { faults: [] }) });
  if (!report.ok)
    throw new Error(`protocol bench: a counterexample at seed ${SEED}: ${report.counterexample?.path}`);
  return (report.ms / 1000) * (1_000 / RUNS);
}

export async function run(): Promise<BenchCase[]> {
  const clean = await secondsPer1000(false);
  const faulty = await secondsPer1000(true);
  return [
    {
      name: 'protocol-check',
      figures: {
        'seconds per 1000 runs (all faults)': Number(faulty.toFixed(2)),
        'seconds per 1000 runs (no faults)': Number(clean.toFixed(2)),
        'runs per second': Math.round(1_000 / faulty),
      },
      baseline: 'no faults',
      ratio: Number((clean / faulty).toFixed(3)),
    },
  ];
}
