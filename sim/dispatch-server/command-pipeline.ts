import type { Ack, CommandAck, OutboundMessage, Role } from '../../adapters/socketio/wire-protocol.ts';
import { LruCache } from '../city/lru-cache.ts';
import type { DispatchHost, Outbound } from './dispatch-host.ts';
import type { Journal } from './journal.ts';
import type { ServerMetrics } from './server-metrics.ts';

/** A validated inbound message waiting for its batch. */
export interface PendingMessage {
  readonly kind: 'command' | 'query';
  readonly principal: string;
  readonly role: Role;
  /** Client command id (commands only). */
  readonly cid: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
  /** performance.now() at receipt, for the latency histogram. */
  readonly receivedAt: number;
  readonly respond: (ack: Ack) => void;
}

/** Answers a query against the state as of its place in the batch. */
export type QueryAnswerer = (message: PendingMessage) => Ack;

const cacheKey = (principal: string, cid: string) => `${principal}\u0000${cid}`;

/**
 * Most messages one batch takes, and the estimated time it may take (ms). A batch runs once per
 * event-loop turn, so it must take at least what one turn's socket reads bring in (hundreds of
 * cheap position updates under load; a cap of 64 let the queue, and every ack's latency, grow at a
 * few thousand messages/s while the CPU still had room), yet stay short (an order publish routes a
 * fee quote, about a millisecond) so the loop gets back to sockets and timers between batches and
 * no ack waits behind hundreds of expensive commands.
 */
const MAX_BATCH = 512;
const BATCH_BUDGET_MS = 15;

/**
 * Group commit: messages validated during one event-loop turn form a batch, appended to the journal
 * in one transaction, then applied to dispatch in journal order, then the port answers they caused
 * are journaled, and only then are outbound messages routed and acks sent. So nothing a client sees
 * (an ack, an order id, a fee) can be lost by a crash, and one fsync covers many commands.
 *
 * A command whose (principal, cid) is already journaled is not applied again; its ack repeats the
 * original sequence number and replies (kept for the most recent commands) with `duplicate: true`.
 */
export class CommandPipeline {
  /**
   * Waiting messages are `queue[head..]`; the consumed front is dropped now and then, not per batch.
   * Each keeps the cost it was estimated at when queued, and exactly that leaves the backlog when it
   * is taken: subtracting the estimate current at that time instead let the backlog drift up for
   * good once a type's first, cold applications had been measured slow (every later message then
   * refused as `overloaded` while the queue never quite emptied).
   */
  private queue: { readonly m: PendingMessage; readonly cost: number }[] = [];
  private head = 0;
  private scheduled = false;
  private lastAt = 0;
  private readonly acks = new LruCache<string, CommandAck>(100_000);
  /** Moving average of the time applying one message of each type takes (ms). */
  private readonly applyCost = new Map<string, number>();
  /** Moving average of the rest of a batch per message: journal, acks, routing (ms). */
  private overheadMs = 0.05;
  /** Estimated time to work through everything queued (ms). */
  private queuedCostMs = 0;
  /** Highest journal sequence number applied. */
  lastSeq = 0;
  /** Set when dispatch itself failed: every later message gets `internal`. */
  failure: string | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly host: DispatchHost,
    private readonly metrics: ServerMetrics,
    private readonly route: (outbound: readonly Outbound[]) => void,
    private readonly answer: QueryAnswerer,
  ) {}

  /** Server time for the next step: the wall clock, never going backwards. */
  now(): number {
    this.lastAt = Math.max(this.lastAt, Date.now());
    return this.lastAt;
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  /**
   * Rebuilds dispatch from the journal: every entry applied at its own instant, outbound messages
   * dropped (they were delivered when the commands were live), replies kept for duplicate acks.
   */
  replay(): number {
    let count = 0;
    for (const entry of this.journal.entries()) {
      this.host.advanceTo(entry.at);
      const outbound = this.host.apply({ at: entry.at, type: entry.type, body: JSON.parse(entry.body) });
      this.remember(entry.principal, entry.cid, entry.seq, outbound);
      this.lastAt = Math.max(this.lastAt, entry.at);
      this.lastSeq = entry.seq;
      count++;
    }
    this.route(this.host.advanceTo(this.now()));
    this.journal.recordAnswers(this.host.takeFreshAnswers());
    return count;
  }

  /**
   * How long a message queued now would wait: the measured cost of what is queued, or how long the
   * oldest queued message has waited already, whichever is more: the gateway refuses new messages
   * (`overloaded`) beyond a bound, so an overloaded server answers quickly instead of letting every
   * ack's latency grow without limit. The costs alone miss what happens between batches (socket
   * reads, handshakes, timers, a CPU shared with other processes) and under such load let acks
   * wait several times the bound.
   */
  get estimatedWaitMs(): number {
    const oldest = this.queued > 0 ? performance.now() - this.queue[this.head].m.receivedAt : 0;
    return Math.max(this.queuedCostMs, oldest);
  }

  private costOf(type: string): number {
    return (this.applyCost.get(type) ?? 0) + this.overheadMs;
  }

  enqueue(message: PendingMessage): void {
    const cost = this.costOf(message.type);
    this.queue.push({ m: message, cost });
    this.queuedCostMs += cost;
    this.schedule();
  }

  private schedule(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Runs the delayed transitions due by now (the server's tick). */
  tick(): void {
    if (this.failure === undefined) this.route(this.host.advanceTo(this.now()));
  }

  /** Processes every queued message now, batch by batch (also called on shutdown). */
  flushAll(): void {
    while (this.queued > 0) this.flush();
  }

  /** Processes the next batch; schedules another turn when more is queued. */
  flush(): void {
    this.scheduled = false;
    const batch = this.takeBatch();
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 4096) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.queued > 0) this.schedule();
    if (batch.length === 0) return;
    if (this.queued === 0 || this.queuedCostMs < 0) this.queuedCostMs = 0;
    if (this.failure !== undefined) {
      for (const m of batch) this.fail(m, this.failure);
      return;
    }
    const started = performance.now();
    const at = this.now();
    const commands = batch.filter((m) => m.kind === 'command');
    let appended: ReturnType<Journal['append']>;
    try {
      appended = this.journal.append(
        commands.map((m) => ({
          at,
          principal: m.principal,
          role: m.role,
          cid: m.cid,
          type: m.type,
          body: JSON.stringify(m.body),
        })),
      );
    } catch (err) {
      for (const m of batch) this.fail(m, `journal write failed: ${(err as Error).message}`);
      return;
    }
    const acks: [PendingMessage, Ack][] = [];
    let applied = 0;
    const outbound: Outbound[] = this.host.advanceTo(at);
    let c = 0;
    for (const m of batch) {
      if (m.kind === 'query') {
        this.metrics.queries++;
        acks.push([m, this.answer(m)]);
        continue;
      }
      const { seq, duplicate } = appended[c++];
      if (seq > this.lastSeq) this.lastSeq = seq;
      if (duplicate) {
        this.metrics.duplicates++;
        const original = this.acks.get(cacheKey(m.principal, m.cid));
        acks.push([m, { ok: true, seq, duplicate: true, replies: original?.replies ?? [] }]);
        continue;
      }
      try {
        const applyStarted = performance.now();
        const out = this.host.apply({ at, type: m.type, body: m.body });
        const cost = performance.now() - applyStarted;
        applied += cost;
        this.applyCost.set(m.type, 0.8 * (this.applyCost.get(m.type) ?? cost) + 0.2 * cost);
        outbound.push(...out);
        acks.push([m, this.remember(m.principal, m.cid, seq, out)]);
        this.metrics.accepted(m.type);
      } catch (err) {
        this.failure = (err as Error).message;
        acks.push([m, { ok: false, error: 'internal', message: this.failure }]);
      }
    }
    this.journal.recordAnswers(this.host.takeFreshAnswers());
    this.route(outbound);
    for (const [m, ack] of acks) this.respond(m, ack);
    const elapsed = performance.now() - started;
    this.overheadMs = 0.8 * this.overheadMs + (0.2 * (elapsed - applied)) / batch.length;
    this.metrics.batches.record('batch', elapsed);
  }

  /** Takes the next batch off the queue: up to MAX_BATCH messages or BATCH_BUDGET_MS of work. */
  private takeBatch(): PendingMessage[] {
    const batch: PendingMessage[] = [];
    let cost = 0;
    while (this.head < this.queue.length && batch.length < MAX_BATCH && cost < BATCH_BUDGET_MS) {
      const next = this.queue[this.head++];
      cost += this.costOf(next.m.type);
      this.queuedCostMs -= next.cost;
      batch.push(next.m);
    }
    return batch;
  }

  /** Builds a command's ack from what dispatch said to its sender; keeps it for retries. */
  private remember(principal: string, cid: string, seq: number, outbound: readonly Outbound[]): CommandAck {
    const replies: OutboundMessage[] = [];
    for (const o of outbound) if (o.to === principal) replies.push(o.message);
    const ack: CommandAck = { ok: true, seq, duplicate: false, replies };
    if (replies.length > 0) this.acks.set(cacheKey(principal, cid), ack);
    return ack;
  }

  private fail(m: PendingMessage, message: string): void {
    this.respond(m, { ok: false, error: 'internal', message });
  }

  private respond(m: PendingMessage, ack: Ack): void {
    if (!ack.ok) this.metrics.error(ack.error);
    this.metrics.latency.record(m.type, performance.now() - m.receivedAt);
    m.respond(ack);
  }
}
