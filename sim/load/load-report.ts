import type { CommandOutcome, DispatchClient } from '../../adapters/socketio/dispatch-client.ts';
import {
  type CommandAck,
  type CommandType,
  type InboundBody,
  PROTOCOL_ERRORS,
} from '../../adapters/socketio/wire-protocol.ts';
import { LatencyHistograms, type LatencySummary } from '../dispatch-server/latency-histograms.ts';
import { Tally } from '../dispatch-server/tally.ts';

/** One acknowledged command, as `--record` writes it (JSONL): what a test checks the server against. */
export interface RecordedCommand {
  readonly principal: string;
  readonly cid: string;
  readonly type: string;
  readonly seq: number;
  readonly duplicate: boolean;
  readonly attempts: number;
  readonly orderId?: string;
  readonly accepted?: boolean;
}

export interface LoadReport {
  readonly target: string;
  readonly seed: number;
  readonly planHash: string;
  readonly runId: string;
  readonly durationS: number;
  readonly elapsedS: number;
  /**
   * CPU seconds this driver process used over the measured run: close to `elapsedS` means the
   * driver had a core to itself and no more, so it, not the server, may have set the pace.
   */
  readonly driverCpuS: number;
  readonly actors: { couriers: number; customers: number; connected: number };
  readonly commands: {
    sent: number;
    acked: number;
    ok: number;
    retried: number;
    duplicates: number;
    skipped: number;
  };
  readonly throughput: { commandsPerS: number; ordersPublishedPerS: number; positionsPerS: number };
  readonly latencyMs: Record<string, LatencySummary>;
  readonly overallLatencyMs: LatencySummary;
  readonly errors: Record<string, number>;
  /** The first message of each error kind. */
  readonly errorSamples: Record<string, string>;
  readonly protocolErrors: number;
  readonly orders: Record<string, number>;
}

/** Replies that name the order a command opened. */
const OPENED = new Set(['errand.published', 'trunk.accepted', 'preorder.confirmed', 'rental.granted']);

const perSecond = (n: number, seconds: number) => Math.round((n / Math.max(seconds, 1e-3)) * 10) / 10;

/**
 * Everything the load driver measures: per message type, the latency from the first send to the
 * ack (retries included, as a user would feel it) in HDR histograms; errors by kind (error acks by
 * their code, plus `timeout` and `connect_failed`); and the orders' fortunes as the customers and
 * couriers saw them.
 */
export class LoadRecorder {
  readonly latency = new LatencyHistograms();
  readonly records: RecordedCommand[] = [];
  private readonly errorsByKind = new Tally();
  /** The first error message of each kind, so a protocol mismatch can be diagnosed from the report. */
  private readonly samples = new Map<string, string>();
  private readonly okByType = new Tally();
  private readonly orderEvents = new Tally();
  /** Keep every acknowledged command for `--record`. */
  keepRecords = false;
  /** Why the first refused connection was refused (shown when none succeeds). */
  firstConnectError: string | undefined;
  /** Commands sent and not yet acknowledged or given up. */
  inFlight = 0;
  sent = 0;
  acked = 0;
  retried = 0;
  duplicates = 0;
  skipped = 0;
  connected = 0;

  /** Sends a command as `principal`, records its outcome, and returns the ack if it succeeded. */
  async send<T extends CommandType>(
    client: DispatchClient,
    principal: string,
    type: T,
    body: InboundBody<T>,
  ): Promise<CommandAck | undefined> {
    const startedAt = performance.now();
    this.inFlight++;
    const outcome = await client.command(type, body);
    this.inFlight--;
    this.command(principal, type, outcome, startedAt);
    return outcome.kind === 'ack' && outcome.ack.ok && 'seq' in outcome.ack ? outcome.ack : undefined;
  }

  private command(principal: string, type: string, outcome: CommandOutcome, startedAt: number): void {
    this.sent++;
    if (outcome.attempts > 1) this.retried++;
    if (outcome.kind === 'timeout') {
      this.errorsByKind.add('timeout');
      return;
    }
    this.acked++;
    this.latency.record(type, performance.now() - startedAt);
    const ack = outcome.ack;
    if (!ack.ok) {
      this.errorsByKind.add(ack.error);
      if (!this.samples.has(ack.error)) this.samples.set(ack.error, `${type}: ${ack.message}`);
      return;
    }
    this.okByType.add(type);
    if (!('seq' in ack)) return;
    if (ack.duplicate) this.duplicates++;
    if (!this.keepRecords) return;
    // an order opened by this command: an errand, a trunk delivery, a preorder or a rental
    const opened = ack.replies.find((r) => OPENED.has(r.type));
    const published = opened && { orderId: opened.orderId ?? opened.rentalId };
    const result = ack.replies.find((r) => r.type === 'errand.acceptResult');
    this.records.push({
      principal,
      cid: outcome.cid,
      type,
      seq: ack.seq,
      duplicate: ack.duplicate,
      attempts: outcome.attempts,
      ...(published ? { orderId: String(published.orderId) } : {}),
      ...(result ? { orderId: String(result.orderId), accepted: result.ok === true } : {}),
    });
  }

  error(kind: string): void {
    this.errorsByKind.add(kind);
  }

  /** Something that happened to an order (published, assigned, delivered, closed:completed…). */
  order(event: string): void {
    this.orderEvents.add(event);
  }

  ok(type: string): number {
    return this.okByType.get(type);
  }

  report(meta: {
    target: string;
    seed: number;
    planHash: string;
    runId: string;
    durationS: number;
    elapsedS: number;
    driverCpuS: number;
    couriers: number;
    customers: number;
  }): LoadReport {
    const errors = this.errorsByKind.sorted();
    const protocolErrors = PROTOCOL_ERRORS.reduce((sum, kind) => sum + this.errorsByKind.get(kind), 0);
    return {
      target: meta.target,
      seed: meta.seed,
      planHash: meta.planHash,
      runId: meta.runId,
      durationS: meta.durationS,
      elapsedS: Math.round(meta.elapsedS * 100) / 100,
      driverCpuS: Math.round(meta.driverCpuS * 100) / 100,
      actors: { couriers: meta.couriers, customers: meta.customers, connected: this.connected },
      commands: {
        sent: this.sent,
        acked: this.acked,
        ok: this.okByType.total(),
        retried: this.retried,
        duplicates: this.duplicates,
        skipped: this.skipped,
      },
      throughput: {
        commandsPerS: perSecond(this.acked, meta.elapsedS),
        ordersPublishedPerS: perSecond(this.orderEvents.get('published'), meta.durationS),
        positionsPerS: perSecond(this.ok('courier.position'), meta.durationS),
      },
      latencyMs: this.latency.summary(),
      overallLatencyMs: this.latency.overall(),
      errors,
      errorSamples: Object.fromEntries([...this.samples].sort(([a], [b]) => (a < b ? -1 : 1))),
      protocolErrors,
      orders: this.orderEvents.sorted(),
    };
  }

  /** The live progress line: elapsed, acked commands, rate, errors, p99 so far. */
  progress(elapsedS: number, durationS: number): string {
    const overall = this.latency.overall();
    const errors = this.errorsByKind.total();
    return `load ${elapsedS.toFixed(0)}/${durationS.toFixed(0)} s  acked ${this.acked}  ${perSecond(this.acked, elapsedS)}/s  orders ${this.orderEvents.get('published')}  errors ${errors}  p99 ${overall.p99} ms`;
  }
}

/** The human summary printed at the end of a load run. */
export function formatLoadReport(r: LoadReport): string {
  const lines = [
    `load: ${r.target}, seed ${r.seed}, plan ${r.planHash.slice(0, 16)}, ${r.actors.couriers} couriers + ${r.actors.customers} customers (${r.actors.connected} connected), ${r.elapsedS} s`,
    `commands: ${r.commands.sent} sent, ${r.commands.acked} acked, ${r.commands.ok} ok, ${r.commands.retried} retried, ${r.commands.duplicates} answered as duplicates, ${r.commands.skipped} positions skipped (backlog)`,
    `throughput: ${r.throughput.commandsPerS} commands/s, ${r.throughput.ordersPublishedPerS} orders/s, ${r.throughput.positionsPerS} positions/s`,
    'latency (ms)          count      p50      p95      p99      max',
  ];
  const row = (name: string, l: LatencySummary) =>
    `  ${name.padEnd(18)} ${String(l.count).padStart(7)} ${[l.p50, l.p95, l.p99, l.max].map((v) => v.toFixed(2).padStart(8)).join(' ')}`;
  for (const [type, l] of Object.entries(r.latencyMs)) lines.push(row(type, l));
  lines.push(row('all', r.overallLatencyMs));
  const errors = Object.entries(r.errors);
  lines.push(
    `errors: ${errors.length === 0 ? 'none' : errors.map(([k, n]) => `${k} ${n}`).join(', ')} (protocol errors: ${r.protocolErrors})`,
  );
  for (const [kind, sample] of Object.entries(r.errorSamples)) lines.push(`  first ${kind}: ${sample}`);
  lines.push(
    `orders: ${
      Object.entries(r.orders)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none'
    }`,
  );
  return `${lines.join('\n')}\n`;
}
