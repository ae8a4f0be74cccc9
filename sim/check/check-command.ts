import { isAbsolute, relative } from 'node:path';
import { ProgressBar } from '../cli/progress-bar.ts';
import { UserError } from '../cli/user-error.ts';
import { type CheckReport, checkProtocol, DEFAULT_MAX_COMMANDS, formatReport } from './check-run.ts';
import { FAULT_KINDS, type FaultKind } from './fault-commands.ts';
import { FLOWS, type FlowName } from './party-commands.ts';
import { checkRemote } from './remote-check.ts';

/** `citytwin check` runs this many cases unless told otherwise (the mutation check uses it too). */
export const DEFAULT_RUNS = 200;

export interface CheckCliOptions {
  runs: string;
  seed?: string;
  path?: string;
  flows?: string;
  /** A list of kinds, or `false` from `--no-faults`. */
  faults?: string | boolean;
  lossy?: boolean;
  maxCommands?: string;
  logDir: string;
  target?: string;
  secretFile?: string;
  json?: boolean;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UserError(`${flag}: expected an integer from ${min} to ${max}, got "${text}"`);
  return n;
}

function listOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const item of items)
    if (!(allowed as readonly string[]).includes(item))
      throw new UserError(`${flag}: expected a comma-separated list of ${allowed.join(', ')}, got "${item}"`);
  if (items.length === 0) throw new UserError(`${flag}: expected at least one of ${allowed.join(', ')}`);
  return items as T[];
}

/** Where a replay path comes from: fast-check's path, optionally `@` and the commands' replay path. */
function checkPath(text: string): string {
  if (!/^\d+(:\d+)*(@[A-Za-z0-9+/]*:[A-Za-z0-9+/]*)?$/.test(text))
    throw new UserError(
      `--path: expected a path as printed by a failed check (e.g. 12:3:0@Bb:A), got "${text}"`,
    );
  return text;
}

/** The command that opens a failing run's event log in the twin, with the path as short as it can be. */
export function twinCommand(logPath: string): string {
  const near = relative(process.cwd(), logPath);
  const path = near !== '' && !near.startsWith('..') && !isAbsolute(near) ? near : logPath;
  return `npx citytwin serve --log ${/^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`}`;
}

/**
 * `citytwin check`: the protocol properties, against the simulated town (default) or a real
 * dispatch server (`--target`). Exit code 0 when every invariant held, 2 with a counterexample.
 */
export async function checkCommand(opts: CheckCliOptions): Promise<void> {
  const runs = integer('--runs', opts.runs, 1, 10_000_000);
  // no seed given: one from the wall clock, printed so the run can be repeated
  const seed =
    opts.seed === undefined
      ? (Date.now() ^ (process.pid << 16)) >>> 1
      : integer('--seed', opts.seed, 0, 0x7fffffff);
  const path = opts.path === undefined ? undefined : checkPath(opts.path);
  const flows: FlowName[] | undefined =
    opts.flows === undefined ? undefined : listOf('--flows', opts.flows, FLOWS);
  const faults: FaultKind[] | undefined =
    opts.faults === false
      ? []
      : typeof opts.faults === 'string'
        ? listOf('--faults', opts.faults, FAULT_KINDS)
        : undefined;
  const maxCommands =
    opts.maxCommands === undefined
      ? DEFAULT_MAX_COMMANDS
      : integer('--max-commands', opts.maxCommands, 1, 1000);
  const bar = new ProgressBar(path === undefined ? runs : 1, 'check');
  let report: CheckReport;
  try {
    if (opts.target !== undefined) {
      if (flows?.some((f) => f !== 'errand'))
        throw new UserError(
          '--flows: a dispatch server speaks the errand flow only; use --flows errand or omit it',
        );
      report = await checkRemote({
        target: opts.target,
        runs,
        seed,
        ...(path !== undefined ? { path } : {}),
        maxCommands,
        logDir: opts.logDir,
        ...(opts.secretFile !== undefined ? { secretFile: opts.secretFile } : {}),
        onRun: (n) => bar.update(n),
      });
    } else {
      report = await checkProtocol({
        runs,
        seed,
        ...(path !== undefined ? { path } : {}),
        ...(flows ? { flows } : {}),
        ...(faults ? { faults } : {}),
        lossy: opts.lossy === true,
        maxCommands,
        logDir: opts.logDir,
        onRun: (n) => bar.update(n),
      });
    }
  } finally {
    bar.finish();
  }
  process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
  const logPath = report.counterexample?.logPath;
  if (!opts.json && logPath) process.stdout.write(`twin:      ${twinCommand(logPath)}\n`);
  if (!report.ok) process.exitCode = 2;
}
