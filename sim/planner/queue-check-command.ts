import { UserError } from '../cli/user-error.ts';
import { type QueueCheckResult, queueCheck } from './queue-check.ts';

export interface QueueCheckCliOptions {
  lambda?: string;
  mu?: string;
  servers?: string;
  orders: string;
  seed: string;
  json?: boolean;
}

function positive(flag: string, text: string | undefined, what: string): number {
  if (text === undefined) throw new UserError(`${flag}: expected ${what}, got nothing`);
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UserError(`${flag}: expected ${what}, got "${text}"`);
  return n;
}

function whole(flag: string, text: string | undefined, what: string, min: number): number {
  const n = positive(flag, text, what);
  if (!Number.isInteger(n) || n < min) throw new UserError(`${flag}: expected ${what}, got "${text}"`);
  return n;
}

function formatResult(r: QueueCheckResult): string {
  const verdict = (ok: boolean) => (ok ? 'agrees' : 'DISAGREES');
  const ci = (c: readonly [number, number]) => `[${c[0]}, ${c[1]}]`;
  return `${[
    `queue check: M/M/${r.servers}, λ = ${r.lambdaPerHour}/h, μ = ${r.muPerHour}/h per courier, ρ = ${r.utilisation}; ${r.orders} orders (first ${r.warmupOrders} discarded as warm-up), seed ${r.seed}`,
    `  mean wait (min)      simulated ${r.simulatedMeanWaitMinutes} ${ci(r.ci95)}   Erlang-C ${r.erlangCMeanWaitMinutes}   ${verdict(r.agrees)}`,
    `  P(wait > 0)          simulated ${r.simulatedProbabilityOfWait} ${ci(r.probabilityOfWaitCi95)}   Erlang-C ${r.erlangCProbabilityOfWait}   ${verdict(r.probabilityAgrees)}`,
    `  courier utilisation  simulated ${r.simulatedUtilisation}   theory ${r.utilisation}`,
    `  95 % intervals by ${r.batches} batch means; ${r.simHours} h simulated, ${r.events} events, event log sha256 ${r.eventLogHash}`,
  ].join('\n')}\n`;
}

/**
 * `citytwin queue-check`: validates the dispatch and courier machines and the kernel against
 * Erlang-C. Exit code 0 either way — a 95 % interval misses the true value for about one seed in
 * twenty — and the verdict is printed (`agrees` in --json).
 */
export function queueCheckCommand(options: QueueCheckCliOptions): void {
  const lambdaPerHour = positive('--lambda', options.lambda, 'orders per hour above 0');
  const muPerHour = positive('--mu', options.mu, 'services per hour per courier above 0');
  const servers = whole('--servers', options.servers, 'a whole number of couriers ≥ 1', 1);
  const orders = whole('--orders', options.orders, 'a whole number of orders ≥ 200', 200);
  const seed = Number(options.seed);
  if (!Number.isInteger(seed)) throw new UserError(`--seed: expected an integer, got "${options.seed}"`);
  if (lambdaPerHour >= servers * muPerHour)
    throw new UserError(
      `--lambda: expected λ < servers × μ = ${servers * muPerHour} for a queue that does not grow without end, got ${lambdaPerHour}`,
    );
  const result = queueCheck({ lambdaPerHour, muPerHour, servers, orders, seed });
  process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : formatResult(result));
}
