/**
 * The protocol property and its runner: fast-check generates a run (a list of town commands and a
 * fault profile), `fc.modelRun` plays it on a fresh bench with every invariant checked after each
 * step, then faults stop and the town drains, and the end state is checked. A failure is shrunk,
 * replayed once more with the event log written to a file, and reported with the exact command
 * that replays it.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import type { InspectionEvent } from 'xstate';
import { FAULT_KINDS, type FaultKind, faultCommands } from './fault-commands.ts';
import { describeProfile, type FaultProfile, NO_FAULTS } from './fault-plan.ts';
import { FLOWS, type FlowName, partyCommands } from './party-commands.ts';
import { type Mutant, ProtocolBench } from './protocol-bench.ts';
import { type CheckModel, InvariantViolation } from './town-step.ts';

export interface CheckOptions {
  readonly runs: number;
  /** fast-check seed; drawn from the wall clock by the CLI when absent. */
  readonly seed: number;
  /** A shrunk path to replay (`<fast-check path>` or `<path>@<replay path>`): runs just that case. */
  readonly path?: string;
  readonly flows?: readonly FlowName[];
  readonly maxCommands?: number;
  /** The kinds of trouble to inject (default: all of `FAULT_KINDS`; none for a clean run). */
  readonly faults?: readonly FaultKind[];
  /** Drops lose any network message for good, not only what no client retries (see `FaultProfile`). */
  readonly lossy?: boolean;
  readonly mutant?: Mutant;
  /** Where the failing run's event log is written (default: the working directory). */
  readonly logDir?: string;
  readonly inspect?: (event: InspectionEvent) => void;
  /** Called after each generated run (not after shrinking steps): progress for the CLI. */
  readonly onRun?: (run: number) => void;
}

export interface Counterexample {
  /** The argument for `--path`. */
  readonly path: string;
  readonly steps: readonly string[];
  readonly faults: string;
  readonly violations: readonly string[];
  readonly replay: string;
  readonly logPath: string;
  readonly eventLogHash: string;
}

export interface CheckReport {
  readonly ok: boolean;
  readonly runs: number;
  readonly seed: number;
  readonly shrinks: number;
  readonly ms: number;
  readonly counterexample?: Counterexample;
}

export const DEFAULT_MAX_COMMANDS = 16;

type Case = [Iterable<fc.Command<CheckModel, ProtocolBench>>, FaultProfile];

const profiles: fc.Arbitrary<FaultProfile> = fc.record({
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
  drop: fc.constantFrom(0, 0.02, 0.1),
  duplicate: fc.constantFrom(0, 0.05, 0.2),
  delay: fc.constantFrom(0, 0.1, 0.3),
  maxDelayMs: fc.constantFrom(2_000, 30_000),
  lossy: fc.constant(false),
});

function splitPath(path: string | undefined): { fcPath?: string; replayPath?: string } {
  if (path === undefined) return {};
  const at = path.indexOf('@');
  return at < 0 ? { fcPath: path } : { fcPath: path.slice(0, at), replayPath: path.slice(at + 1) };
}

export function caseArbitrary(options: CheckOptions, replayPath: string | undefined): fc.Arbitrary<Case> {
  const flows = options.flows ?? FLOWS;
  const kinds = options.faults ?? FAULT_KINDS;
  const commands = [...partyCommands(flows), ...faultCommands(kinds)];
  return fc.tuple(
    fc.commands(commands, {
      maxCommands: options.maxCommands ?? DEFAULT_MAX_COMMANDS,
      ...(replayPath !== undefined ? { replayPath } : {}),
    }),
    kinds.includes('network')
      ? profiles.map((p) => ({ ...p, lossy: options.lossy === true }))
      : fc.constant(NO_FAULTS),
  );
}

/** What one case did: the bench it ran on (log, hash) and what broke, if anything. */
export interface CaseResult {
  readonly bench: ProtocolBench;
  readonly violations: readonly string[];
}

/**
 * Plays one case on a fresh bench: the commands (each followed by the invariants), then faults stop,
 * the town drains and the end state is checked. An exception thrown by a machine counts as a broken
 * run too: the product must not crash on any interleaving.
 */
export function playCase(
  [commands, profile]: Case,
  options: Pick<CheckOptions, 'mutant' | 'inspect'> & { logPath?: string },
): CaseResult {
  const bench = new ProtocolBench({
    faults: profile,
    ...(options.mutant ? { mutant: options.mutant } : {}),
    ...(options.inspect ? { inspect: options.inspect } : {}),
    ...(options.logPath ? { logPath: options.logPath } : {}),
  });
  // XState's warnings (an event sent to a stopped actor: a message lost inside dispatch) are events
  // of the run: they go to its log, not to the console
  const warn = console.warn;
  console.warn = (...args: unknown[]) =>
    bench.log.append({
      t: bench.kernel.now,
      kind: 'note',
      actor: 'xstate',
      note: args.map(String).join(' '),
    });
  try {
    fc.modelRun(() => ({ model: { crashes: 0 }, real: bench }), commands);
    bench.drain();
    return { bench, violations: bench.invariants.violations };
  } catch (err) {
    if (err instanceof InvariantViolation) return { bench, violations: err.violations };
    return { bench, violations: [`exception: ${err instanceof Error ? err.message : String(err)}`] };
  } finally {
    console.warn = warn;
    bench.stop();
  }
}

function describeCommand(options: CheckOptions, seed: number, path: string): string {
  const extra: string[] = [];
  if (options.flows && options.flows.length !== FLOWS.length)
    extra.push(`--flows ${options.flows.join(',')}`);
  const kinds = options.faults ?? FAULT_KINDS;
  if (kinds.length === 0) extra.push('--no-faults');
  else if (kinds.length !== FAULT_KINDS.length) extra.push(`--faults ${kinds.join(',')}`);
  if (options.lossy === true) extra.push('--lossy');
  if (options.maxCommands !== undefined && options.maxCommands !== DEFAULT_MAX_COMMANDS)
    extra.push(`--max-commands ${options.maxCommands}`);
  return `npx citytwin check --seed ${seed} --path '${path}'${extra.length ? ` ${extra.join(' ')}` : ''}`;
}

/** Runs the property `runs` times (or replays one path) and reports the first shrunk failure. */
export async function checkProtocol(options: CheckOptions): Promise<CheckReport> {
  const started = performance.now();
  const { fcPath, replayPath } = splitPath(options.path);
  let generated = 0;
  const property = fc.property(caseArbitrary(options, replayPath), (c) => {
    const { violations } = playCase(c, options);
    if (violations.length > 0) throw new InvariantViolation(violations);
  });
  const details = fc.check(
    property.beforeEach(() => options.onRun?.(++generated)),
    {
      numRuns: options.runs,
      seed: options.seed,
      ...(fcPath !== undefined ? { path: fcPath, endOnFailure: true } : {}),
    },
  );
  const base = {
    runs: details.numRuns,
    seed: details.seed,
    shrinks: details.numShrinks,
  };
  if (!details.failed || !details.counterexample) {
    if (details.failed) throw details.errorInstance ?? new Error('check failed without a counterexample');
    return { ok: true, ...base, ms: performance.now() - started };
  }
  const [found] = details.counterexample as [Case];
  const [commands, profile] = found;
  const shownReplay = /replayPath="([^"]*)"/.exec(String(commands))?.[1] ?? '';
  const path = `${details.counterexamplePath ?? ''}${shownReplay ? `@${shownReplay}` : ''}`;
  const dir = resolve(options.logDir ?? '.');
  mkdirSync(dir, { recursive: true });
  const logPath = join(dir, `citytwin-check-${details.seed}.jsonl`);
  const replayed = playCase(found, { ...options, logPath });
  await replayed.bench.log.close();
  const steps = [...(commands as Iterable<{ hasRan?: boolean; toString(): string }>)]
    .filter((c) => c.hasRan !== false)
    .map((c) => c.toString());
  return {
    ok: false,
    ...base,
    ms: performance.now() - started,
    counterexample: {
      path,
      steps,
      faults: describeProfile(profile),
      violations: replayed.violations,
      replay: describeCommand(options, details.seed, path),
      logPath,
      eventLogHash: replayed.bench.log.digest(),
    },
  };
}

/** The report as the CLI and the tests print it. */
export function formatReport(report: CheckReport): string {
  const head = `${report.runs} runs, seed ${report.seed}, ${(report.ms / 1000).toFixed(1)} s`;
  const c = report.counterexample;
  if (report.ok || !c) return `✓ every invariant held — ${head}`;
  return [
    `✗ invariant broken — ${head}, shrunk ${report.shrinks} times`,
    ...c.violations.map((v) => `  ${v}`),
    `shrunk path (${c.faults}):`,
    ...c.steps.map((s, i) => `  ${i + 1}. ${s}`),
    `replay:    ${c.replay}`,
    `event log: ${c.logPath} (sha256 ${c.eventLogHash.slice(0, 16)}…)`,
  ].join('\n');
}
