import { writeFileSync } from 'node:fs';
import { UserError } from '../cli/user-error.ts';
import { DEFAULT_SCENARIO, resolveSecret } from '../dispatch-server/server-command.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { parseDuration } from '../world/time-of-day.ts';
import { formatLoadReport } from './load-report.ts';
import { runLoad } from './load-run.ts';
import { scenarioCity } from './scenario-city.ts';

export interface LoadCliOptions {
  target: string;
  scenario?: string;
  couriers: string;
  customers: string;
  rate: string;
  duration: string;
  seed?: string;
  json?: boolean;
  positions: string;
  timeScale: string;
  cancelShare?: string;
  flowRate?: string;
  secretFile?: string;
  record?: string;
  connectConcurrency: string;
  timeout: string;
  retryWindow: string;
  drain: string;
}

function number(flag: string, text: string, min: number, max: number, integer: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
    throw new UserError(
      `${flag}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${text}"`,
    );
  return n;
}

function duration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new UserError(`${flag}: ${(err as Error).message}`);
  }
}

function target(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`--target: expected a URL like http://127.0.0.1:7400, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UserError(`--target: expected an http:// or https:// URL, got "${text}"`);
  return url.origin;
}

/**
 * `citytwin load`: drives a dispatch server with the scenario's couriers and customers over real
 * socket.io connections and reports throughput, errors by kind and latency percentiles. Exits 2
 * when the server answered with protocol errors (the two sides disagree about the protocol).
 */
export async function loadCommand(options: LoadCliOptions): Promise<void> {
  const scenarioPath = options.scenario ?? DEFAULT_SCENARIO;
  const shape = {
    target: target(options.target),
    couriers: number('--couriers', options.couriers, 0, 100_000, true),
    customers: number('--customers', options.customers, 0, 1_000_000, true),
    rate: number('--rate', options.rate, 0.001, 100_000, false),
    flowRate:
      options.flowRate !== undefined
        ? number('--flow-rate', options.flowRate, 0, 100_000, false)
        : number('--rate', options.rate, 0.001, 100_000, false) / 5,
    durationMs: duration('--duration', options.duration),
    positionsPerSecond: number('--positions', options.positions, 0.01, 100, false),
    timeScale: number('--time-scale', options.timeScale, 1, 100_000, false),
    connectConcurrency: number('--connect-concurrency', options.connectConcurrency, 1, 10_000, true),
    attemptTimeoutMs: number('--timeout', options.timeout, 10, 600_000, true),
    retryWindowMs: duration('--retry-window', options.retryWindow),
    drainMs: duration('--drain', options.drain),
    ...(options.cancelShare !== undefined
      ? { cancelShare: number('--cancel-share', options.cancelShare, 0, 1, false) }
      : {}),
  };
  const scenario = loadScenario(scenarioPath);
  const seed =
    options.seed !== undefined
      ? number('--seed', options.seed, -(2 ** 31), 2 ** 31 - 1, true)
      : scenario.seed;
  const secret = resolveSecret({ secretFile: options.secretFile });
  const city = await scenarioCity(scenarioPath, scenario);
  const live = Boolean(process.stderr.isTTY);
  let lastLine = 0;
  const { report, records } = await runLoad(scenario, city, {
    ...shape,
    seed,
    secret,
    keepRecords: options.record !== undefined,
    ...(options.json
      ? {}
      : {
          onProgress: (line: string) => {
            if (live) process.stderr.write(`\r${line}\x1b[K`);
            else if (performance.now() - lastLine >= 5000) {
              lastLine = performance.now();
              process.stderr.write(`${line}\n`);
            }
          },
        }),
  });
  if (live && !options.json) process.stderr.write('\r\x1b[K');
  if (options.record !== undefined)
    writeFileSync(
      options.record,
      records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''),
    );
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatLoadReport(report));
  if (report.protocolErrors > 0) process.exitCode = 2;
}
