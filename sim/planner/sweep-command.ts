import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ProgressBar } from '../cli/progress-bar.ts';
import { UserError } from '../cli/user-error.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { refuseAdapters } from '../scenario/refuse-adapters.ts';
import { parseDuration } from '../world/time-of-day.ts';
import { reportHtml } from './report-html.ts';
import { ScenarioCities } from './scenario-city.ts';
import { SweepJournal } from './sweep-journal.ts';
import { SweepPool } from './sweep-pool.ts';
import { resultsCsv, resultsJson, type SweepMeta } from './sweep-results.ts';
import type { RunJob, RunRecord } from './sweep-run.ts';
import { serviceLevelOf, summarize } from './sweep-summary.ts';
import { expandVariants, parseVary } from './vary.ts';

export interface SweepOptions {
  vary: string[];
  replications: number;
  until: string;
  parallel: string;
  out: string;
  seed?: number;
  resume?: boolean;
  force?: boolean;
}

function workers(text: string): number {
  if (text === 'auto') return availableParallelism();
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`--parallel: expected a whole number ≥ 1 or "auto", got "${text}"`);
  return n;
}

function untilMs(text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new UserError(`--until: ${(err as Error).message}`);
  }
}

/**
 * `citytwin sweep`: every combination of the `--vary` values × replications, on worker threads,
 * journaled run by run; then results.json, results.csv and report.html in `--out`. Ctrl-C stops
 * handing out runs, keeps the finished ones and writes what they show; `--resume` runs the rest.
 */
export async function sweepCommand(scenarioPath: string, options: SweepOptions): Promise<void> {
  if (!Number.isInteger(options.replications) || options.replications < 1)
    throw new UserError(`--replications: expected a whole number ≥ 1, got ${options.replications}`);
  const parallel = workers(options.parallel);
  const until = untilMs(options.until);
  const base = loadScenario(scenarioPath);
  refuseAdapters(
    base.adapters,
    ['socketio', 'mqtt'],
    'citytwin sweep',
    'its runs go as fast as possible, apart from any remote server or device',
  );
  const dims = parseVary(options.vary, base, scenarioPath);
  const variants = expandVariants(dims, base, scenarioPath);
  const baseSeed = options.seed ?? base.seed;
  const replications = options.replications;
  const jobs: RunJob[] = variants.flatMap((v) =>
    Array.from({ length: replications }, (_, k) => ({
      id: v.index * replications + k,
      variant: v.index,
      replication: k,
      seed: baseSeed + k,
    })),
  );
  // The city is needed for the map anyway; loading it here reports a missing file before any run.
  const city = await new ScenarioCities(scenarioPath).load(variants[0].scenario);
  const journal = SweepJournal.open(
    options.out,
    {
      scenarioSha256: createHash('sha256').update(readFileSync(scenarioPath)).digest('hex'),
      vary: dims.map((d) => ({ path: d.path, values: d.values })),
      replications,
      untilMs: until,
      baseSeed,
    },
    { resume: Boolean(options.resume), force: Boolean(options.force) },
  );
  const pending = jobs.filter((j) => !journal.records.has(j.id));
  const resumed = jobs.length - pending.length;

  const bar = new ProgressBar(pending.length, 'sweep');
  let done = 0;
  let failed = 0;
  const pool = new SweepPool(parallel, {
    scenarioPath,
    scenarios: variants.map((v) => v.scenario),
    untilMs: until,
  });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    bar.finish();
    process.stderr.write('stopping: finished runs are kept (Ctrl-C again to quit at once)\n');
    pool.stop();
  };
  process.on('SIGINT', onSigint);
  const started = performance.now();
  try {
    bar.update(0, `${resumed}/${jobs.length} runs`);
    await pool.run(pending, (record: RunRecord) => {
      journal.add(record);
      done++;
      if (!record.ok) failed++;
      bar.update(done, `${resumed + done}/${jobs.length} runs, ${failed} failed`);
    });
  } finally {
    process.off('SIGINT', onSigint);
    bar.finish();
  }
  const wallSeconds = (performance.now() - started) / 1000;

  const records = journal.sorted();
  const meta: SweepMeta = {
    scenario: base.name,
    scenarioFile: scenarioPath,
    until: options.until,
    replications,
    baseSeed,
    serviceLevel: serviceLevelOf(base),
    runsPlanned: jobs.length,
  };
  const summary = summarize(dims, variants, records, meta.serviceLevel);
  writeFileSync(join(options.out, 'results.json'), resultsJson(meta, dims, variants, records, summary));
  writeFileSync(join(options.out, 'results.csv'), resultsCsv(dims, variants, records, summary.columns));
  writeFileSync(
    join(options.out, 'report.html'),
    await reportHtml(meta, dims, variants, records, summary, city),
  );

  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const used = Math.min(parallel, Math.max(1, pending.length));
  const lines = [
    `sweep: ${records.length}/${jobs.length} runs (${plural(variants.length, 'configuration')} × ${plural(replications, 'replication')})${resumed ? `, ${resumed} from before` : ''}; ${done} run now in ${wallSeconds.toFixed(1)} s on ${plural(used, 'worker')}; ${records.filter((r) => !r.ok).length} failed`,
  ];
  for (const [series, v] of summary.smallest) {
    const values = Object.entries(v.values).map(([k, val]) => `${k}=${val}`);
    lines.push(
      values.length === 0
        ? 'the scenario as written meets the service level'
        : `smallest meeting the service level${series === 'all' ? '' : ` (${series})`}: ${values.join(' ')}`,
    );
  }
  if (summary.smallest.size === 0 && records.length > 0) lines.push('no configuration met the service level');
  const firstFailure = records.find((r) => !r.ok);
  if (firstFailure) {
    lines.push(`run ${firstFailure.id} (seed ${firstFailure.seed}) failed: ${firstFailure.error}`);
    process.exitCode = 2;
  }
  lines.push(`wrote ${join(options.out, 'results.json')}, results.csv, report.html`);
  if (interrupted) {
    lines.push(
      `interrupted: ${records.length} of ${jobs.length} runs kept; finish with the same command and --resume`,
    );
    process.exitCode = 130;
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
