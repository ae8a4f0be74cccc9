/**
 * The parties of the errand flow as socket.io clients of a real dispatch server: two publishers
 * and three couriers with tokens minted from the server's secret, each command journaled under a
 * client command id. It keeps what the server acknowledged (who won which order) and checks the
 * server's books over `GET /state`; every exchange goes to an `EventLog` so a failing run can be
 * read back.
 */
import { DispatchClient } from '../../adapters/socketio/dispatch-client.ts';
import { mintToken } from '../../adapters/socketio/principal-token.ts';
import type {
  Ack,
  CommandType,
  InboundBody,
  OrderStatus,
  Role,
} from '../../adapters/socketio/wire-protocol.ts';
import { PROTOCOL_ERRORS } from '../../adapters/socketio/wire-protocol.ts';
import type { EventLog } from '../kernel/event-log.ts';

export const REMOTE_PUBLISHERS = ['u1', 'u2'] as const;
export const REMOTE_COURIERS = ['c1', 'c2', 'c3'] as const;

interface Sent {
  readonly principal: string;
  readonly type: CommandType;
  readonly body: Record<string, unknown>;
  readonly cid: string;
}

interface Books {
  escrow: { held: number; paidOut: number; refunded: number; commission: number; stillHeld: number };
  violations: string[];
}

/** Final steps of an order (a disputed one settles on the server's customer-service timer). */
const ENDED = new Set(['completed', 'cancelled', 'refunded', 'rejected']);

export class RemoteTown {
  readonly violations: string[] = [];
  /** Order ids in the order the server opened them for this run. */
  readonly orders: string[] = [];
  private readonly clients = new Map<string, DispatchClient>();
  private readonly winners = new Map<string, string>();
  private readonly publisherOf = new Map<string, string>();
  private readonly disputed = new Set<string>();
  private readonly sent: Sent[] = [];
  private readonly started = performance.now();
  private cidSeq = 0;
  private requestSeq = 0;

  constructor(
    private readonly url: string,
    private readonly secret: string,
    /** Prefix of this run's principals (unique per run, so runs never share an order or a cid). */
    private readonly prefix: string,
    private readonly log: EventLog,
  ) {}

  id(party: string): string {
    return `${this.prefix}-${party}`;
  }

  async connect(): Promise<void> {
    const join = async (party: string, role: Role) => {
      const principal = this.id(party);
      const client = new DispatchClient({
        url: this.url,
        role,
        token: mintToken(this.secret, { sub: principal, role, ttlSeconds: 3600 }, Date.now()),
        cidPrefix: principal,
        attemptTimeoutMs: 2000,
        retryWindowMs: 10_000,
      });
      await client.connect();
      this.clients.set(party, client);
    };
    await Promise.all([
      ...REMOTE_PUBLISHERS.map((p) => join(p, 'customer')),
      ...REMOTE_COURIERS.map((c) => join(c, 'courier')),
    ]);
    for (const [i, c] of REMOTE_COURIERS.entries())
      await this.command(c, 'courier.online', {
        courierType: i < 2 ? 'professional' : 'ordinary',
        mode: 'bike',
        categories: ['deliver', 'parcel_pickup', 'buy_for_me', 'print', 'answer', 'other'],
        position: { x: 100 * i, y: 0 },
      });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
  }

  private note(from: string, to: string, msg: unknown): void {
    this.log.append({ t: Math.round(performance.now() - this.started), kind: 'msg', from, to, msg });
  }

  /** Sends a command (a fresh cid unless `cid` repeats an earlier one) and records the ack. */
  async command(
    party: string,
    type: CommandType,
    body: Record<string, unknown>,
    cid?: string,
  ): Promise<Ack | null> {
    const client = this.clients.get(party);
    if (!client) return null;
    const id = cid ?? `${this.id(party)}-${++this.cidSeq}`;
    if (cid === undefined) this.sent.push({ principal: party, type, body, cid: id });
    this.note(this.id(party), 'dispatch', { type, cid: id, ...body });
    const outcome = await client.command(type, body as InboundBody<typeof type>, id);
    if (outcome.kind === 'timeout') {
      this.violations.push(`liveness: ${type} from ${this.id(party)} (cid ${id}) never acknowledged`);
      return null;
    }
    const ack = outcome.ack;
    this.note('dispatch', this.id(party), ack);
    if (!ack.ok && PROTOCOL_ERRORS.includes(ack.error))
      this.violations.push(
        `protocol: ${type} from ${this.id(party)} refused as ${ack.error}: ${ack.message}`,
      );
    if (ack.ok && 'replies' in ack) for (const reply of ack.replies) this.heard(party, reply);
    // a disputed order settles on the server's customer-service timer, not within the run
    if (ack.ok && type === 'errand.dispute') this.disputed.add(String(body.orderId));
    return ack;
  }

  private heard(party: string, reply: { type: string; [k: string]: unknown }): void {
    if (
      reply.type === 'errand.published' &&
      typeof reply.orderId === 'string' &&
      !this.orders.includes(reply.orderId)
    ) {
      this.orders.push(reply.orderId);
      this.publisherOf.set(reply.orderId, party);
    }
    if (reply.type === 'errand.acceptResult' && reply.ok === true) {
      const orderId = String(reply.orderId);
      const first = this.winners.get(orderId);
      if (first === undefined) this.winners.set(orderId, party);
      else if (first !== party)
        this.violations.push(
          `single assignment: ${orderId} was won by ${this.id(first)} and ${this.id(party)}`,
        );
    }
  }

  orderAt(k: number): string | undefined {
    return this.orders.length === 0 ? undefined : this.orders[k % this.orders.length];
  }

  publish(publisher: string, fee: number, category: string): Promise<Ack | null> {
    return this.command(publisher, 'errand.publish', {
      request: {
        requestId: `${this.id(publisher)}-R${++this.requestSeq}`,
        category,
        description: 'a check errand',
        recipient: 'check',
        phone: '+377-600-000000',
        pickup: { x: 0, y: 0 },
        dropoff: { x: 800, y: 300 },
        feeMode: 'ordinary',
        offeredFee: fee,
        dueBy: Date.now() + 3_600_000,
      },
    });
  }

  /** The k-th command sent so far, sent again: under its own cid (a retry) or a new one (a repeat). */
  async resend(k: number, sameCid: boolean): Promise<void> {
    if (this.sent.length === 0) return;
    const s = this.sent[k % this.sent.length]!;
    await this.command(s.principal, s.type, s.body, sameCid ? s.cid : undefined);
  }

  private async status(orderId: string, party: string): Promise<OrderStatus | null> {
    const outcome = await this.clients.get(party)?.query('order.status', { orderId });
    if (outcome?.kind !== 'ack' || !outcome.ack.ok || !('result' in outcome.ack)) return null;
    return outcome.ack.result as OrderStatus;
  }

  /** The server's books: escrow must balance and dispatch must report no violation. */
  async checkBooks(): Promise<void> {
    const token = mintToken(
      this.secret,
      { sub: 'citytwin-check', role: 'admin', ttlSeconds: 600 },
      Date.now(),
    );
    const res = await fetch(`${this.url.replace(/\/+$/, '')}/state`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) {
      this.violations.push(`books: GET /state answered ${res.status}`);
      return;
    }
    const books = (await res.json()) as Books;
    const e = books.escrow;
    if (e.held !== e.paidOut + e.refunded + e.commission + e.stillHeld)
      this.violations.push(
        `money: held ${e.held} ≠ paid out ${e.paidOut} + refunded ${e.refunded} + commission ${e.commission} + still held ${e.stillHeld}`,
      );
    for (const v of books.violations) this.violations.push(`server: ${v}`);
  }

  /**
   * The parties finish what they started: a delivered order is confirmed, one picked up is
   * delivered and confirmed, anything else is cancelled. Then every order of the run must have
   * ended (a disputed one is left to the server's customer-service timer).
   */
  async finish(): Promise<void> {
    for (const orderId of this.orders) {
      const publisher = this.publisherOf.get(orderId) ?? REMOTE_PUBLISHERS[0];
      const s = await this.status(orderId, publisher);
      if (!s || ENDED.has(s.step) || (this.disputed.has(orderId) && s.step === 'delivered')) continue;
      const courier = REMOTE_COURIERS.find((c) => this.id(c) === s.courierId);
      if (s.step === 'pickedUp' && courier) await this.command(courier, 'errand.delivered', { orderId });
      if (s.step === 'pickedUp' || s.step === 'delivered')
        await this.command(publisher, 'errand.confirm', { orderId });
      else await this.command(publisher, 'errand.cancel', { orderId });
    }
    for (const orderId of this.orders) {
      const s = await this.status(orderId, this.publisherOf.get(orderId) ?? REMOTE_PUBLISHERS[0]);
      if (!s) this.violations.push(`every order ends: ${orderId} has no status`);
      else if (!ENDED.has(s.step) && !(this.disputed.has(orderId) && s.step === 'delivered'))
        this.violations.push(`every order ends: ${orderId} is still ${s.step}`);
    }
    await this.checkBooks();
  }
}
