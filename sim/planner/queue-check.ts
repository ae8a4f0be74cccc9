import { batchMeans } from './confidence.ts';
import { erlangC } from './erlang-c.ts';
import { QueueWorld, type QueueWorldOptions } from './queue-world.ts';

export interface QueueCheckOptions extends QueueWorldOptions {
  /** Orders discarded at the start (the queue starts empty, not in steady state); default 10 %. */
  readonly warmupOrders?: number;
  /** Batches for the batch-means confidence interval; default 20. */
  readonly batches?: number;
}

export interface QueueCheckResult {
  readonly lambdaPerHour: number;
  readonly muPerHour: number;
  readonly servers: number;
  readonly orders: number;
  readonly seed: number;
  readonly warmupOrders: number;
  readonly batches: number;
  /** ρ = λ/(cμ). */
  readonly utilisation: number;
  readonly simulatedUtilisation: number;
  readonly simulatedMeanWaitMinutes: number;
  readonly ci95: readonly [number, number];
  readonly erlangCMeanWaitMinutes: number;
  readonly simulatedProbabilityOfWait: number;
  readonly probabilityOfWaitCi95: readonly [number, number];
  readonly erlangCProbabilityOfWait: number;
  /** Erlang-C's mean wait lies inside the simulated 95 % interval. */
  readonly agrees: boolean;
  /** Erlang-C's P(wait > 0) lies inside its simulated 95 % interval. */
  readonly probabilityAgrees: boolean;
  readonly simHours: number;
  readonly events: number;
  readonly eventLogHash: string;
}

const round = (v: number, digits = 4) => Number(v.toFixed(digits));

/**
 * Runs the real machines as an M/M/c queue (see QueueWorld) and sets the measured waits beside
 * Erlang-C. The interval is by batch means over the orders after the warm-up, because successive
 * waits in a queue are strongly correlated and a naive interval would claim false precision.
 */
export function queueCheck(options: QueueCheckOptions): QueueCheckResult {
  const theory = erlangC(options.lambdaPerHour, options.muPerHour, options.servers);
  const warmupOrders = options.warmupOrders ?? Math.floor(options.orders / 10);
  const batches = options.batches ?? 20;
  const world = new QueueWorld(options);
  world.run();
  const measured = world.orders.slice(warmupOrders);
  const unassigned = measured.filter((o) => o.assignedAt === null).length;
  if (unassigned > 0) throw new Error(`queue check: ${unassigned} orders were never assigned`);
  const waits = measured.map((o) => ((o.assignedAt as number) - o.createdAt) / 60_000);
  const waited = waits.map((w) => (w > 0 ? 1 : 0));
  const wait = batchMeans(waits, batches);
  const probability = batchMeans(waited, batches);
  const result: QueueCheckResult = {
    lambdaPerHour: options.lambdaPerHour,
    muPerHour: options.muPerHour,
    servers: options.servers,
    orders: options.orders,
    seed: options.seed,
    warmupOrders,
    batches,
    utilisation: round(theory.utilisation),
    simulatedUtilisation: round(world.utilisation),
    simulatedMeanWaitMinutes: round(wait.mean),
    ci95: [round(wait.ci95[0]), round(wait.ci95[1])],
    erlangCMeanWaitMinutes: round(theory.meanWait * 60),
    simulatedProbabilityOfWait: round(probability.mean),
    probabilityOfWaitCi95: [round(probability.ci95[0]), round(probability.ci95[1])],
    erlangCProbabilityOfWait: round(theory.probabilityOfWait),
    agrees: theory.meanWait * 60 >= wait.ci95[0] && theory.meanWait * 60 <= wait.ci95[1],
    probabilityAgrees:
      theory.probabilityOfWait >= probability.ci95[0] && theory.probabilityOfWait <= probability.ci95[1],
    simHours: round(world.kernel.now / 3_600_000, 3),
    events: world.log.entries,
    eventLogHash: world.log.digest(),
  };
  world.stop();
  return result;
}
