import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mintToken, newSecret } from '../../adapters/socketio/principal-token.ts';
import { ROLES, type TokenRole } from '../../adapters/socketio/wire-protocol.ts';
import { idSchema } from '../../adapters/socketio/wire-schemas.ts';
import type { Point } from '../../machines/protocol.ts';
import type { City } from '../city/city.ts';
import { UserError } from '../cli/user-error.ts';
import { scenarioCity } from '../load/scenario-city.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { parseDuration } from '../world/time-of-day.ts';
import { startDispatchServer } from './dispatch-server.ts';
import { dispatchInputOf } from './dispatch-settings.ts';
import { flowRegistry } from './flow-registry.ts';
import { Journal, type SyncMode } from './journal.ts';
import {
  type RouteQuoter,
  roadQuoter,
  straightLineQuoter,
  warmRouter,
  warmStoreTrees,
} from './route-quoter.ts';

/** The scenario a server uses when none is named: the one `npm start` runs. */
export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../scenarios/monaco.json', import.meta.url));

/** Environment variable holding the token secret shared by the server, the load driver and tests. */
export const SECRET_ENV = 'CITYTWIN_DISPATCH_SECRET';

export interface DispatchServerCliOptions {
  port: string;
  db: string;
  host: string;
  scenario?: string;
  routing: string;
  secretFile?: string;
  sync: string;
  rateLimit: string;
  burst: string;
  maxMessageBytes: string;
  maxQueue: string;
  maxWait: string;
  keepOrders: string;
}

function count(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UserError(`${flag}: expected an integer from ${min} to ${max}, got "${text}"`);
  return n;
}

/**
 * The token secret, from (in order) the environment, a file, or the journal itself (generated on
 * first start and kept there, so `dispatch-token --db` can mint tokens for that server).
 */
export function resolveSecret(options: { secretFile?: string; journal?: Journal; create?: boolean }): string {
  const fromEnv = process.env[SECRET_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (options.secretFile !== undefined) {
    if (!existsSync(options.secretFile))
      throw new UserError(
        `--secret-file: expected a file holding the secret, got missing file ${options.secretFile}`,
      );
    const secret = readFileSync(options.secretFile, 'utf8').trim();
    if (secret.length < 16) throw new UserError('--secret-file: expected a secret of at least 16 characters');
    return secret;
  }
  const stored = options.journal?.getMeta('secret');
  if (stored !== undefined) return stored;
  if (!options.create || !options.journal)
    throw new UserError(
      `no secret: set ${SECRET_ENV}, pass --secret-file, or --db of a server that generated one`,
    );
  const secret = newSecret();
  options.journal.setMeta('secret', secret);
  return secret;
}

/** Opens the journal named by `--db`, turning what SQLite says about a bad path into a user error. */
function openJournal(path: string, sync?: SyncMode): Journal {
  try {
    return new Journal(path, sync);
  } catch (err) {
    throw new UserError(`--db: cannot open ${path} as a dispatch journal (${(err as Error).message})`);
  }
}

function quoterFor(routing: string, city: City, stores: readonly { position: Point }[]): RouteQuoter {
  if (routing === 'straight') return straightLineQuoter();
  if (routing !== 'road') throw new UserError(`--routing: expected road or straight, got "${routing}"`);
  warmRouter(city, ['car']);
  warmStoreTrees(
    city,
    stores.map((s) => s.position),
  );
  return roadQuoter(city);
}

/** `citytwin dispatch-server`: serves until SIGTERM or SIGINT, then stops gracefully. */
export async function dispatchServerCommand(options: DispatchServerCliOptions): Promise<void> {
  const port = count('--port', options.port, 0, 65_535);
  const sync = options.sync as SyncMode;
  if (sync !== 'normal' && sync !== 'full')
    throw new UserError(`--sync: expected normal or full, got "${options.sync}"`);
  const limits = {
    ratePerSecond: count('--rate-limit', options.rateLimit, 1),
    burst: count('--burst', options.burst, 1),
    maxMessageBytes: count('--max-message-bytes', options.maxMessageBytes, 256, 900_000),
  };
  const scenarioPath = options.scenario ?? DEFAULT_SCENARIO;
  const scenario = loadScenario(scenarioPath);
  const city = await scenarioCity(scenarioPath, scenario);
  const flows = flowRegistry(scenario, city);
  const quoter = quoterFor(options.routing, city, flows.stores);
  const secretJournal = openJournal(options.db, sync);
  let secret: string;
  try {
    secret = resolveSecret({ secretFile: options.secretFile, journal: secretJournal, create: true });
  } finally {
    secretJournal.close();
  }
  const server = await startDispatchServer({
    host: options.host,
    port,
    dbPath: options.db,
    secret,
    sync,
    input: dispatchInputOf(scenario, flows.input),
    flows,
    quoter,
    limits,
    maxQueue: count('--max-queue', options.maxQueue, 1),
    maxWaitMs: count('--max-wait', options.maxWait, 1),
    keepFinishedOrders: count('--keep-orders', options.keepOrders, 0),
    tickMs: 50,
  });
  process.stdout.write(
    `dispatch-server listening on ${server.url} (journal ${options.db}: ${server.replayed} commands replayed in ${server.replayMs} ms)\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`dispatch-server: ${signal}, stopping gracefully\n`);
      server.close().then(resolve, (err) => {
        process.stderr.write(`dispatch-server: shutdown failed: ${(err as Error).message}\n`);
        process.exitCode = 1;
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  process.stderr.write('dispatch-server: stopped\n');
}

export interface DispatchTokenCliOptions {
  role: string;
  id: string;
  ttl: string;
  db?: string;
  secretFile?: string;
}

/** `citytwin dispatch-token`: prints a signed token for one principal. */
export function dispatchTokenCommand(options: DispatchTokenCliOptions): void {
  const roles: readonly string[] = [...ROLES, 'admin'];
  if (!roles.includes(options.role))
    throw new UserError(`--role: expected one of ${roles.join(', ')}, got "${options.role}"`);
  if (!idSchema.safeParse(options.id).success)
    throw new UserError(`--id: expected 1-64 letters, digits or . : + @ - _, got "${options.id}"`);
  let ttlMs: number;
  try {
    ttlMs = parseDuration(options.ttl);
  } catch (err) {
    throw new UserError(`--ttl: ${(err as Error).message}`);
  }
  if (options.db !== undefined && !existsSync(options.db))
    throw new UserError(`--db: expected a dispatch-server journal, got missing file ${options.db}`);
  const journal = options.db !== undefined ? openJournal(options.db) : undefined;
  try {
    const secret = resolveSecret({ secretFile: options.secretFile, journal });
    const token = mintToken(
      secret,
      { sub: options.id, role: options.role as TokenRole, ttlSeconds: ttlMs / 1000 },
      Date.now(),
    );
    process.stdout.write(`${token}\n`);
  } finally {
    journal?.close();
  }
}
