import { randomBytes } from 'node:crypto';
import { DispatchClient } from '../../adapters/socketio/dispatch-client.ts';
import { mintToken } from '../../adapters/socketio/principal-token.ts';
import type { Role } from '../../adapters/socketio/wire-protocol.ts';
import type { City } from '../city/city.ts';
import { UserError } from '../cli/user-error.ts';
import { flowRegistry } from '../dispatch-server/flow-registry.ts';
import { warmRouter } from '../dispatch-server/route-quoter.ts';
import { RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import { ActorClock } from './actor-clock.ts';
import { CourierBot } from './courier-bot.ts';
import { CustomerBot } from './customer-bot.ts';
import { FlowLoad } from './flow-load.ts';
import { type LoadShape, planLoad } from './load-plan.ts';
import { LoadRecorder, type LoadReport, type RecordedCommand } from './load-report.ts';

export interface LoadRunOptions extends LoadShape {
  readonly target: string;
  /** Shared token secret of the target server. */
  readonly secret: string;
  readonly positionsPerSecond: number;
  /** Scenario time runs this many times faster than the wall clock (trips, hand-overs, patience). */
  readonly timeScale: number;
  /** Connections opened at once while ramping up. */
  readonly connectConcurrency: number;
  /** Per attempt, before a command is retried under the same cid. */
  readonly attemptTimeoutMs: number;
  /** How long a command keeps being retried (a server restart must fit in it). */
  readonly retryWindowMs: number;
  /** After the run, how long to wait for outstanding acks. */
  readonly drainMs: number;
  readonly keepRecords: boolean;
  /** Orders of the other flows (trunk, preorder, rental) per second; 0 or absent: errands only. */
  readonly flowRate?: number;
  /** Called about once a second with the live progress line. */
  readonly onProgress?: (line: string) => void;
}

export interface LoadRunResult {
  readonly report: LoadReport;
  readonly records: readonly RecordedCommand[];
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function inWaves<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}

async function connect(
  clients: Map<string, DispatchClient>,
  recorder: LoadRecorder,
  id: string,
  role: Role,
  options: LoadRunOptions,
  runId: string,
): Promise<DispatchClient | undefined> {
  const existing = clients.get(id);
  if (existing) return existing;
  const token = mintToken(
    options.secret,
    { sub: id, role, ttlSeconds: options.durationMs / 1000 + 600 },
    Date.now(),
  );
  const client = new DispatchClient({
    url: options.target,
    role,
    token,
    cidPrefix: `${runId}-${id}`,
    attemptTimeoutMs: options.attemptTimeoutMs,
    retryWindowMs: options.retryWindowMs,
  });
  try {
    await client.connect();
    recorder.connected++;
    clients.set(id, client);
    return client;
  } catch (err) {
    const message = (err as Error).message;
    recorder.firstConnectError ??= message;
    recorder.error(message.startsWith('unauthorised') ? 'unauthorised' : 'connect_failed');
    client.close();
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One load run: plan, connect every courier and customer (in waves), let the couriers go online,
 * then play the plan on the wall clock for the run's duration, stop, wait for outstanding acks,
 * send the couriers offline, disconnect, and report.
 */
export async function runLoad(
  scenario: Scenario,
  city: City,
  options: LoadRunOptions,
): Promise<LoadRunResult> {
  const plan = planLoad(scenario, city, options);
  const runId = randomBytes(4).toString('hex');
  const recorder = new LoadRecorder();
  recorder.keepRecords = options.keepRecords;
  const clock = new ActorClock(options.timeScale);
  const random = new RandomStreams(options.seed);
  const clients = new Map<string, DispatchClient>();
  const couriers: CourierBot[] = [];
  const customers: (CustomerBot | undefined)[] = plan.customers.map(() => undefined);
  // the couriers' first trips would otherwise build the routing tables inside the measured run
  warmRouter(city, [...new Set(plan.couriers.map((c) => c.mode))]);
  try {
    await inWaves(plan.couriers, options.connectConcurrency, async (c) => {
      const client = await connect(clients, recorder, c.id, 'courier', options, runId);
      if (!client) return;
      const bot = new CourierBot(c, client, {
        city,
        recorder,
        clock,
        random: random.stream(`load:courier:${c.id}`),
        positionsPerSecond: options.positionsPerSecond,
        ...plan.courierTiming,
      });
      couriers.push(bot);
      await bot.start();
    });
    await inWaves(
      plan.customers.map((c, i) => ({ c, i })),
      options.connectConcurrency,
      async ({ c, i }) => {
        const client = await connect(clients, recorder, c.id, 'customer', options, runId);
        if (client) customers[i] = new CustomerBot(c, client, recorder, clock, runId);
      },
    );

    const flows =
      (options.flowRate ?? 0) > 0
        ? new FlowLoad({
            registry: flowRegistry(scenario, city),
            scenario,
            city,
            flowRate: options.flowRate ?? 0,
            durationMs: options.durationMs,
            random,
            recorder,
            clock,
            runId,
            connect: (id, role) => connect(clients, recorder, id, role, options, runId),
          })
        : undefined;
    await flows?.connect();

    if (recorder.connected === 0 && plan.couriers.length + plan.customers.length > 0)
      throw new UserError(
        `--target: no connection to ${options.target} succeeded (${recorder.firstConnectError})`,
      );
    const started = performance.now();
    const cpuAtStart = process.cpuUsage();
    for (const bot of couriers) bot.begin();
    let nextOrder = 0;
    let nextFlow = 0;
    const flowOrders = flows?.orders ?? [];
    let lastProgress = started;
    while (performance.now() - started < options.durationMs) {
      const elapsed = performance.now() - started;
      while (nextOrder < plan.orders.length && plan.orders[nextOrder].atMs <= elapsed) {
        const order = plan.orders[nextOrder++];
        const bot = customers[order.customer];
        if (bot) void bot.publish(order);
        else recorder.error('publisher_not_connected');
      }
      while (nextFlow < flowOrders.length && flowOrders[nextFlow].atMs <= elapsed)
        void flows?.place(flowOrders[nextFlow++]);
      if (options.onProgress && performance.now() - lastProgress >= 1000) {
        lastProgress = performance.now();
        options.onProgress(recorder.progress(elapsed / 1000, options.durationMs / 1000));
      }
      await sleep(Math.min(10, Math.max(1, (plan.orders[nextOrder]?.atMs ?? Infinity) - elapsed)));
    }
    clock.stop();
    const drainUntil = performance.now() + options.drainMs;
    while (recorder.inFlight > 0 && performance.now() < drainUntil) await sleep(20);
    const elapsedS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuAtStart);
    await inWaves(couriers, options.connectConcurrency, (bot) => bot.finish());
    const report = recorder.report({
      target: options.target,
      seed: options.seed,
      planHash: plan.hash,
      runId,
      durationS: options.durationMs / 1000,
      elapsedS,
      driverCpuS: (cpu.user + cpu.system) / 1e6,
      couriers: plan.couriers.length,
      customers: plan.customers.length,
    });
    return { report, records: recorder.records };
  } finally {
    clock.stop();
    for (const client of clients.values()) client.close();
  }
}
