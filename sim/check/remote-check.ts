/**
 * The protocol properties against a real dispatch server (`citytwin check --target URL`): the
 * errand flow's parties as socket.io clients, driven by fast-check async commands
 * (`fc.asyncModelRun`) — publishes, accepts raced by couriers sent at once, pickups, deliveries,
 * cancels, confirms, disputes, chat, commands retried under their own id and repeated under a new
 * one — with the server's acknowledgements and books checked after every step and every order
 * driven to its end after the last. The server's answers depend on its wall clock and load, so a
 * replayed path re-sends the same commands but may see other interleavings.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { DispatchClient } from '../../adapters/socketio/dispatch-client.ts';
import { mintToken } from '../../adapters/socketio/principal-token.ts';
import { UserError } from '../cli/user-error.ts';
import { resolveSecret } from '../dispatch-server/server-command.ts';
import { EventLog } from '../kernel/event-log.ts';
import type { CheckReport } from './check-run.ts';
import { REMOTE_COURIERS, REMOTE_PUBLISHERS, RemoteTown } from './remote-town.ts';
import { InvariantViolation } from './town-step.ts';

export interface RemoteCheckOptions {
  readonly target: string;
  readonly runs: number;
  readonly seed: number;
  readonly path?: string;
  readonly maxCommands: number;
  readonly logDir: string;
  readonly secretFile?: string;
  readonly onRun?: (run: number) => void;
}

type Model = Record<string, never>;
type Step = fc.AsyncCommand<Model, RemoteTown, true>;

/** One party's act against the server, then the server's books and answers checked. */
class RemoteStep implements Step {
  constructor(
    private readonly label: string,
    private readonly act: (town: RemoteTown) => Promise<unknown>,
  ) {}

  async check(): Promise<boolean> {
    return true;
  }

  async run(_: Model, town: RemoteTown): Promise<void> {
    await this.act(town);
    await town.checkBooks();
    if (town.violations.length > 0) throw new InvariantViolation(town.violations);
  }

  toString(): string {
    return this.label;
  }
}

const publisher = fc.constantFrom(...REMOTE_PUBLISHERS);
const courier = fc.constantFrom(...REMOTE_COURIERS);
const k = fc.nat({ max: 7 });

function onOrder(_label: string, act: (town: RemoteTown, orderId: string) => Promise<unknown>) {
  return (town: RemoteTown, at: number) => {
    const orderId = town.orderAt(at);
    return orderId === undefined ? Promise.resolve() : act(town, orderId);
  };
}

const steps: fc.Arbitrary<Step>[] = [
  fc
    .record({
      p: publisher,
      fee: fc.constantFrom(400, 900),
      category: fc.constantFrom('deliver', 'print', 'other'),
    })
    .map(
      ({ p, fee, category }) =>
        new RemoteStep(`publish(${p} ${category} ${fee}c)`, (t) => t.publish(p, fee, category)),
    ),
  fc
    .record({ c: courier, k })
    .map(
      ({ c, k }) =>
        new RemoteStep(`accept(${c} #${k})`, (t) =>
          onOrder('', (t, o) => t.command(c, 'errand.accept', { orderId: o }))(t, k),
        ),
    ),
  // two couriers accept the same order at the same instant: exactly one may win
  fc
    .record({ k })
    .map(
      ({ k }) =>
        new RemoteStep(`race(c1, c2, c3 for #${k})`, (t) =>
          onOrder('', (t, o) =>
            Promise.all(REMOTE_COURIERS.map((c) => t.command(c, 'errand.accept', { orderId: o }))),
          )(t, k),
        ),
    ),
  fc
    .record({ c: courier, k, delivered: fc.boolean() })
    .map(
      ({ c, k, delivered }) =>
        new RemoteStep(`${delivered ? 'delivered' : 'pickedUp'}(${c} #${k})`, (t) =>
          onOrder('', (t, o) =>
            t.command(c, delivered ? 'errand.delivered' : 'errand.pickedUp', { orderId: o }),
          )(t, k),
        ),
    ),
  fc.record({ p: publisher, k, what: fc.constantFrom('cancel', 'confirm', 'dispute') }).map(
    ({ p, k, what }) =>
      new RemoteStep(`${what}(${p} #${k})`, (t) =>
        onOrder('', (t, o) =>
          t.command(p, `errand.${what}` as 'errand.cancel', {
            orderId: o,
            ...(what === 'dispute' ? { reason: 'damaged' } : {}),
          }),
        )(t, k),
      ),
  ),
  fc.record({ p: publisher, k }).map(
    ({ p, k }) =>
      new RemoteStep(`chat(${p} #${k})`, (t) =>
        t.command(p, 'chat.send', {
          toMasked: `+377-900-${String(2 * (k + 1) + 1).padStart(7, '0')}`,
          text: 'hello?',
        }),
      ),
  ),
  fc
    .record({ k: fc.nat(), same: fc.boolean() })
    .map(({ k, same }) => new RemoteStep(`${same ? 'retry' : 'repeat'}(#${k})`, (t) => t.resend(k, same))),
];

/**
 * A token the server refuses (another secret) would otherwise show up as a protocol violation in
 * every run; it is the user's setup, so it is said once, before anything runs.
 */
async function preflight(url: string, secret: string): Promise<void> {
  const client = new DispatchClient({
    url,
    role: 'customer',
    token: mintToken(secret, { sub: 'chk-preflight', role: 'customer', ttlSeconds: 60 }, Date.now()),
    cidPrefix: 'chk-preflight',
  });
  try {
    await client.connect();
  } catch (err) {
    const why = (err as Error).message;
    if (/unauthori[sz]ed|signature|expired|token/i.test(why))
      throw new UserError(
        `--target: the server at ${url} refused our tokens (${why}); expected the server's secret in --secret-file or $CITYTWIN_DISPATCH_SECRET`,
      );
    throw new UserError(`--target: could not join the server at ${url}: ${why}`);
  } finally {
    client.close();
  }
}

/** Runs the errand properties against a dispatch server and reports like the local check. */
export async function checkRemote(options: RemoteCheckOptions): Promise<CheckReport> {
  const started = performance.now();
  let secret: string;
  try {
    secret = resolveSecret(options.secretFile !== undefined ? { secretFile: options.secretFile } : {});
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`--target: ${err.message}`);
    throw err;
  }
  const url = options.target.replace(/\/+$/, '');
  try {
    const health = await fetch(`${url}/health`);
    if (health.status !== 200) throw new Error(`health answered ${health.status}`);
  } catch (err) {
    throw new UserError(
      `--target: expected a running dispatch server at ${url}, got ${(err as Error).message}`,
    );
  }
  await preflight(url, secret);
  const at = options.path?.indexOf('@') ?? -1;
  const fcPath = at < 0 ? options.path : options.path?.slice(0, at);
  const replayPath = at < 0 ? undefined : options.path?.slice(at + 1);
  const dir = resolve(options.logDir);
  mkdirSync(dir, { recursive: true });
  const logPath = join(dir, `citytwin-check-remote-${options.seed}.jsonl`);
  let run = 0;
  /** One run on fresh principals; the log is written to a file only for the final replay. */
  const play = async (
    commands: Iterable<Step>,
    path?: string,
  ): Promise<{ violations: string[]; log: EventLog }> => {
    run++;
    const log = new EventLog(path);
    const town = new RemoteTown(url, secret, `chk${options.seed.toString(36)}r${run}`, log);
    try {
      await town.connect();
      await fc.asyncModelRun(() => ({ model: {}, real: town }), commands);
      await town.finish();
      return { violations: town.violations, log };
    } catch (err) {
      if (err instanceof InvariantViolation) return { violations: [...err.violations], log };
      return { violations: [`exception: ${(err as Error).message}`], log };
    } finally {
      town.close();
      await log.close();
    }
  };
  const property = fc.asyncProperty(
    fc.commands(steps, { maxCommands: options.maxCommands, ...(replayPath ? { replayPath } : {}) }),
    async (commands) => {
      const { violations } = await play(commands);
      if (violations.length > 0) throw new InvariantViolation(violations);
    },
  );
  let generated = 0;
  const details = await fc.check(
    property.beforeEach(() => options.onRun?.(++generated)),
    {
      numRuns: options.runs,
      seed: options.seed,
      ...(fcPath !== undefined ? { path: fcPath, endOnFailure: true } : {}),
    },
  );
  const base = { runs: details.numRuns, seed: details.seed, shrinks: details.numShrinks };
  if (!details.failed) return { ok: true, ...base, ms: performance.now() - started };
  const [commands] = (details.counterexample ?? [[]]) as [Iterable<Step & { hasRan?: boolean }>];
  const shownReplay = /replayPath="([^"]*)"/.exec(String(commands))?.[1] ?? '';
  const path = `${details.counterexamplePath ?? ''}${shownReplay ? `@${shownReplay}` : ''}`;
  const replayed = await play(commands, logPath);
  const error = details.errorInstance;
  const violations =
    replayed.violations.length > 0
      ? replayed.violations
      : error instanceof InvariantViolation
        ? error.violations
        : [String(error)];
  return {
    ok: false,
    ...base,
    ms: performance.now() - started,
    counterexample: {
      path,
      steps: [...commands].filter((c) => c.hasRan !== false).map((c) => c.toString()),
      faults: 'a real server: its own timing',
      violations,
      replay: `npx citytwin check --target ${url} --seed ${details.seed} --path '${path}'`,
      logPath,
      eventLogHash: replayed.log.digest(),
    },
  };
}
