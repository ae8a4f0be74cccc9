import { LatencyHistograms, type LatencySummary } from './latency-histograms.ts';
import { Tally } from './tally.ts';

/** What `/metrics` reports (JSON); the Prometheus text form carries the same figures. */
export interface MetricsSnapshot {
  readonly uptimeSeconds: number;
  /** CPU time the server process has used (user + system), s: cost per message on a shared machine. */
  readonly cpuSeconds: number;
  readonly connections: {
    readonly open: Record<string, number>;
    readonly total: number;
    readonly refused: Record<string, number>;
  };
  readonly messages: {
    readonly received: number;
    readonly accepted: Record<string, number>;
    readonly duplicates: number;
    readonly queries: number;
    readonly errors: Record<string, number>;
  };
  readonly outbound: { readonly sent: Record<string, number>; readonly undeliverable: number };
  readonly journal: {
    readonly seq: number;
    readonly batches: number;
    readonly replayedEntries: number;
    readonly replayMs: number;
  };
  /** Receipt to acknowledgement, per message type (ms). */
  readonly latencyMs: Record<string, LatencySummary>;
  /** One journal batch: append, apply, record answers (ms). */
  readonly batchMs: LatencySummary;
  readonly dispatch: Record<string, unknown>;
  readonly flows: FlowFigures;
}

/** Orders per flow (errand, trunk, preorder, rental…) by the step they are in, and flow counters. */
export interface FlowFigures {
  readonly orders: Record<string, { readonly orders: number; readonly byState: Record<string, number> }>;
  /** What the flows' machines count (`trunk.keysRefused`, `rental.upgrades`…), by `flow.counter`. */
  readonly counters: Record<string, number>;
}

/**
 * Counters and latency histograms of a running dispatch server: every message received, accepted,
 * refused (by kind) and sent, journal batches, and receipt-to-ack latency per message type.
 */
export class ServerMetrics {
  readonly latency = new LatencyHistograms();
  readonly batches = new LatencyHistograms();
  private readonly started = performance.now();
  private readonly openByRole = new Tally();
  private readonly refusedConnections = new Tally();
  private readonly acceptedByType = new Tally();
  private readonly errorsByKind = new Tally();
  private readonly sentByType = new Tally();
  private connectionsTotal = 0;
  received = 0;
  duplicates = 0;
  queries = 0;
  undeliverable = 0;
  replayedEntries = 0;
  replayMs = 0;

  connected(role: string): void {
    this.connectionsTotal++;
    this.openByRole.add(role);
  }

  disconnected(role: string): void {
    this.openByRole.add(role, -1);
  }

  refused(reason: string): void {
    this.refusedConnections.add(reason);
  }

  accepted(type: string): void {
    this.acceptedByType.add(type);
  }

  error(kind: string): void {
    this.errorsByKind.add(kind);
  }

  sent(type: string): void {
    this.sentByType.add(type);
  }

  snapshot(seq: number, dispatch: Record<string, unknown>, flows: FlowFigures): MetricsSnapshot {
    return {
      uptimeSeconds: Math.round((performance.now() - this.started) / 100) / 10,
      cpuSeconds: cpuSeconds(),
      connections: {
        open: this.openByRole.sorted(),
        total: this.connectionsTotal,
        refused: this.refusedConnections.sorted(),
      },
      messages: {
        received: this.received,
        accepted: this.acceptedByType.sorted(),
        duplicates: this.duplicates,
        queries: this.queries,
        errors: this.errorsByKind.sorted(),
      },
      outbound: { sent: this.sentByType.sorted(), undeliverable: this.undeliverable },
      journal: {
        seq,
        batches: this.batches.overall().count,
        replayedEntries: this.replayedEntries,
        replayMs: this.replayMs,
      },
      latencyMs: this.latency.summary(),
      batchMs: this.batches.overall(),
      dispatch,
      flows,
    };
  }
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000) / 1000;
}

const label = (v: string) => v.replace(/["\\\n]/g, '_');

/** The snapshot in Prometheus text exposition format, for scrapers. */
export function prometheusText(s: MetricsSnapshot): string {
  const lines: string[] = [];
  const family = (name: string, type: 'counter' | 'gauge', help: string) =>
    lines.push(`# HELP citytwin_dispatch_${name} ${help}`, `# TYPE citytwin_dispatch_${name} ${type}`);
  const series = (name: string, labels: Record<string, string>, value: number) => {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${label(v)}"`)
      .join(',');
    lines.push(`citytwin_dispatch_${name}${l ? `{${l}}` : ''} ${value}`);
  };
  family('uptime_seconds', 'gauge', 'Seconds since the server started.');
  series('uptime_seconds', {}, s.uptimeSeconds);
  family('process_cpu_seconds_total', 'counter', 'CPU time the server process has used, user + system.');
  series('process_cpu_seconds_total', {}, s.cpuSeconds);
  family('connections_open', 'gauge', 'Open socket.io connections by role.');
  for (const [role, n] of Object.entries(s.connections.open)) series('connections_open', { role }, n);
  family('messages_received_total', 'counter', 'Inbound messages received.');
  series('messages_received_total', {}, s.messages.received);
  family('commands_accepted_total', 'counter', 'Commands journaled and applied, by type.');
  for (const [type, n] of Object.entries(s.messages.accepted)) series('commands_accepted_total', { type }, n);
  family('commands_duplicate_total', 'counter', 'Retried commands answered from the journal.');
  series('commands_duplicate_total', {}, s.messages.duplicates);
  family('errors_total', 'counter', 'Error acknowledgements by kind.');
  for (const [kind, n] of Object.entries(s.messages.errors)) series('errors_total', { kind }, n);
  family('outbound_total', 'counter', 'Messages sent to principals, by type.');
  for (const [type, n] of Object.entries(s.outbound.sent)) series('outbound_total', { type }, n);
  family('orders', 'gauge', 'Orders by flow and the step they are in now.');
  for (const [flow, f] of Object.entries(s.flows.orders))
    for (const [state, n] of Object.entries(f.byState)) series('orders', { flow, state }, n);
  family('flow_events_total', 'counter', "Events the flows' machines count, by flow and counter.");
  for (const [key, n] of Object.entries(s.flows.counters)) {
    const dot = key.indexOf('.');
    series('flow_events_total', { flow: key.slice(0, dot), counter: key.slice(dot + 1) }, n);
  }
  family('journal_seq', 'gauge', 'Last journal sequence number.');
  series('journal_seq', {}, s.journal.seq);
  family('ack_latency_ms', 'gauge', 'Receipt-to-acknowledgement latency percentiles by type.');
  for (const [type, l] of Object.entries(s.latencyMs))
    for (const q of ['p50', 'p95', 'p99', 'max'] as const)
      series('ack_latency_ms', { type, quantile: q }, l[q]);
  return `${lines.join('\n')}\n`;
}
