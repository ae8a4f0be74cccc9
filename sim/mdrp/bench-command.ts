import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ProgressBar } from '../cli/progress-bar.ts';
import { UserError } from '../cli/user-error.ts';
import { BEATEN_FIGURES, FIGURES, familySummaries } from './bench-families.ts';
import { runPool } from './bench-pool.ts';
import type { BenchJob, BenchRecord } from './bench-record.ts';
import { RECORD_COLUMNS } from './bench-record.ts';
import { benchReportHtml } from './bench-report.ts';
import { policyNames, policyParams } from './policy-options.ts';

export interface BenchOptions {
  readonly policy: string;
  readonly parallel: string;
  readonly out: string;
  readonly set?: string[];
  readonly solutions?: boolean;
}

const isInstance = (dir: string) => existsSync(join(dir, 'orders.txt'));

/**
 * The instance folders named by the arguments: an instance folder itself, a folder of instance
 * folders (its sub-folders that hold an orders.txt, sorted by name), or a text file listing such
 * paths one per line (relative to the file).
 */
export function instanceDirs(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    if (!existsSync(path))
      throw new UserError(
        `${path}: expected an instance folder, a folder of them or a list file, got nothing`,
      );
    if (statSync(path).isFile()) {
      const listed = readFileSync(path, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => resolve(dirname(path), l));
      out.push(...instanceDirs(listed));
    } else if (isInstance(path)) out.push(path);
    else {
      const subs = readdirSync(path)
        .sort()
        .map((d) => join(path, d))
        .filter((d) => statSync(d).isDirectory() && isInstance(d));
      if (subs.length === 0)
        throw new UserError(`${path}: expected instance folders (with orders.txt) inside, found none`);
      out.push(...subs);
    }
  }
  return out;
}

function parallelism(text: string): number {
  if (text === 'auto') return availableParallelism();
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`--parallel: expected auto or a whole number >= 1, got "${text}"`);
  return n;
}

function csv(records: readonly BenchRecord[]): string {
  const cell = (v: unknown) => {
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(Number(v.toFixed(6))) : '') : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[RECORD_COLUMNS.join(','), ...records.map((r) => RECORD_COLUMNS.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}

/**
 * `citytwin mdrp bench`: every instance × every policy on worker threads with a progress bar;
 * writes results.csv (one row per run), results.json (runs and family means) and report.html, and
 * prints the family means against the published default. Exits 1 when any run failed.
 */
export async function benchCommand(paths: string[], options: BenchOptions): Promise<void> {
  const policies = policyNames(options.policy);
  const sets = options.set ?? [];
  const params = Object.fromEntries(policies.map((p) => [p, policyParams(p, p === 'rolling' ? sets : [])]));
  const dirs = instanceDirs(paths);
  const out = options.out;
  mkdirSync(out, { recursive: true });
  const jobs: BenchJob[] = [];
  for (const dir of dirs)
    for (const policy of policies)
      jobs.push({
        index: jobs.length,
        dir: resolve(dir),
        policy,
        sets: policy === 'rolling' ? sets : [],
        ...(options.solutions ? { solutionsDir: resolve(out, 'solutions') } : {}),
      });
  const bar = new ProgressBar(jobs.length, 'mdrp bench');
  const records: BenchRecord[] = [];
  const started = performance.now();
  await runPool(parallelism(options.parallel), jobs, (record) => {
    records.push(record);
    bar.update(records.length, `${record.instance} ${record.policy}`);
  });
  bar.finish();
  records.sort((a, b) => a.index - b.index);
  const summaries = familySummaries(records);
  const command = `citytwin mdrp bench ${paths.join(' ')} --policy ${policies.join(',')} --parallel ${options.parallel}${sets.length > 0 ? ` --set ${sets.join(',')}` : ''} --out ${out}`;
  const meta = { command, policies, params, instances: dirs.length };
  writeFileSync(join(out, 'results.csv'), csv(records));
  writeFileSync(
    join(out, 'results.json'),
    `${JSON.stringify({ meta, families: summaries, runs: records }, null, 2)}\n`,
  );
  writeFileSync(join(out, 'report.html'), await benchReportHtml(meta, summaries, records));
  const keys = [...BEATEN_FIGURES, 'ordersPerBundle', 'clickToDoorBound', 'wallSeconds'] as const;
  const short: Record<string, string> = {
    clickToDoorMean: 'ctd',
    clickToDoorP90: 'ctd90',
    overageMean: 'over',
    readyToPickupMean: 'r2p',
    undeliveredPercent: 'undel%',
    ordersPerBundle: 'o/b',
    clickToDoorBound: 'bound',
    wallSeconds: 'sec',
  };
  const lines = [
    `${'family'.padEnd(8)}${'policy'.padEnd(9)}${'n'.padStart(4)}${keys.map((k) => short[k].padStart(8)).join('')}`,
  ];
  lines.push(
    `${'published default'.padEnd(21)}${keys.map((k) => (FIGURES.find((f) => f.key === k)?.published?.toFixed(2) ?? '').padStart(8)).join('')}`,
  );
  for (const s of summaries)
    lines.push(
      `${s.family.padEnd(8)}${s.policy.padEnd(9)}${String(s.instances).padStart(4)}${keys.map((k) => (Number.isFinite(s.means[k]) ? s.means[k].toFixed(2) : '–').padStart(8)).join('')}`,
    );
  const failed = records.filter((r) => !r.ok);
  process.stdout.write(
    `${lines.join('\n')}\n\n${records.length} runs in ${((performance.now() - started) / 1000).toFixed(1)} s, ${failed.length} failed; results.csv, results.json and report.html in ${out}\n`,
  );
  for (const r of failed) process.stderr.write(`failed: ${r.instance} (${r.policy}): ${r.error}\n`);
  if (failed.length > 0) process.exitCode = 1;
}
