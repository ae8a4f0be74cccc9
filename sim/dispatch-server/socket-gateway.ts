import type { Server, Socket } from 'socket.io';
import { verifyToken } from '../../adapters/socketio/principal-token.ts';
import {
  type Ack,
  actingIdOf,
  type ClientToServerEvents,
  type ErrorAck,
  type ErrorKind,
  INBOUND,
  type InboundType,
  inboundSchemas,
  type Limits,
  namespaceOf,
  ROLES,
  type Role,
  type ServerToClientEvents,
  specOf,
} from '../../adapters/socketio/wire-protocol.ts';
import { cidSchema, firstIssue } from '../../adapters/socketio/wire-schemas.ts';
import type { CommandPipeline, PendingMessage } from './command-pipeline.ts';
import type { Outbound } from './dispatch-host.ts';
import type { Journal } from './journal.ts';
import { TokenBucket } from './rate-limiter.ts';
import type { ServerMetrics } from './server-metrics.ts';

interface SocketData {
  principal: string;
  role: Role;
  bucket: TokenBucket;
}

/** A room seen without the event map: outbound types come from the machines at run time. */
type Untyped = { emit(event: string, ...args: unknown[]): boolean };

type DispatchSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type DispatchIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export interface GatewayOptions {
  readonly secret: string;
  readonly limits: Limits;
  /** Messages waiting for their batch beyond which new ones get `overloaded`. */
  readonly maxQueue: number;
  /** Estimated queue wait (ms) beyond which new messages get `overloaded`. */
  readonly maxWaitMs: number;
  /**
   * Checks beyond shape and identity that need dispatch's secrets (a presented key must carry
   * dispatch's signature): the reason to refuse (`forbidden`), or undefined to admit.
   */
  readonly authorise?: (type: string, body: Record<string, unknown>) => string | undefined;
}

function refuse(error: ErrorKind, message: string, retryAfterMs?: number): ErrorAck {
  return retryAfterMs === undefined
    ? { ok: false, error, message }
    : { ok: false, error, message, retryAfterMs };
}

/**
 * Makes every field at the `paths` name `principal`: fills the absent ones, reports the first one
 * that names somebody else (a courier accepting for another courier).
 */
function claimAsSelf(
  body: Record<string, unknown>,
  paths: readonly string[],
  principal: string,
): string | undefined {
  for (const path of paths) {
    const keys = path.split('.');
    let parent: Record<string, unknown> = body;
    for (const key of keys.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
    const last = keys[keys.length - 1];
    const value = parent[last];
    if (value === undefined) parent[last] = principal;
    else if (value !== principal)
      return `${path} is "${String(value)}" but this connection is "${principal}"`;
  }
  return undefined;
}

/**
 * The socket.io face of the server: one namespace per role, a signed token per connection, and the
 * checks every inbound message passes before it may reach dispatch, cheapest first: shutting down,
 * rate limit, known type, role, size, shape (zod), acting as itself, queue room. A message that
 * fails any check gets an error ack and changes nothing. Outbound messages go to the room named by
 * the recipient's principal id, in its role's namespace, so nobody receives another's messages.
 */
export class SocketGateway {
  accepting = true;
  private readonly roleOf: Map<string, string>;

  constructor(
    private readonly io: DispatchIo,
    private readonly journal: Journal,
    private readonly pipeline: () => CommandPipeline,
    private readonly metrics: ServerMetrics,
    private readonly options: GatewayOptions,
  ) {
    this.roleOf = journal.principals();
    for (const role of ROLES) {
      const nsp = io.of(namespaceOf(role));
      nsp.use((socket, next) => {
        const problem = this.authenticate(socket, role);
        if (problem === undefined) return next();
        this.metrics.refused(problem);
        next(new Error(`unauthorised: ${problem}`));
      });
      nsp.on('connection', (socket) => this.attach(socket));
    }
  }

  /**
   * Routes outbound messages to their principals' rooms. A run of one message to many principals of
   * one role (an offer pushed to the couriers near a pickup) is emitted once to all their rooms, so
   * socket.io encodes it once instead of once per recipient; each principal still gets its
   * messages in the order dispatch sent them, since only consecutive entries are joined.
   */
  deliver(outbound: readonly Outbound[]): void {
    let rooms: string[] = [];
    let runRole: string | undefined;
    let runMessage: Outbound['message'] | undefined;
    const flush = () => {
      if (runMessage === undefined || runRole === undefined) return;
      const room = this.io.of(namespaceOf(runRole as Role)).to(rooms) as unknown as Untyped;
      room.emit(runMessage.type, runMessage);
      for (let i = 0; i < rooms.length; i++) this.metrics.sent(runMessage.type);
      rooms = [];
      runMessage = undefined;
    };
    for (const { to, message } of outbound) {
      const role = this.roleOf.get(to);
      if (role === undefined) {
        this.metrics.undeliverable++;
        continue;
      }
      // a room already in the run would get the message once, not twice: start a new run then
      if (message !== runMessage || role !== runRole || rooms.includes(to)) flush();
      runRole = role;
      runMessage = message;
      rooms.push(to);
    }
    flush();
  }

  private authenticate(socket: DispatchSocket, role: Role): string | undefined {
    if (!this.accepting) return 'server is shutting down';
    const check = verifyToken(this.options.secret, socket.handshake.auth?.token, Date.now());
    if (!check.ok) return check.reason;
    if (check.claims.role !== role) return `token is for role ${check.claims.role}, not ${role}`;
    const id = check.claims.sub;
    let bound = this.roleOf.get(id);
    if (bound === undefined) {
      bound = this.journal.bindPrincipal(id, role);
      this.roleOf.set(id, bound);
    }
    if (bound !== role) return `principal ${id} is a ${bound}`;
    socket.data = {
      principal: id,
      role,
      bucket: new TokenBucket(
        this.options.limits.ratePerSecond,
        this.options.limits.burst,
        performance.now(),
      ),
    };
    return undefined;
  }

  private attach(socket: DispatchSocket): void {
    const { principal, role } = socket.data;
    this.metrics.connected(role);
    socket.join(principal);
    socket.on('disconnect', () => this.metrics.disconnected(role));
    socket.onAny((event: string, ...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (args.pop() as (a: Ack) => void) : undefined;
      const respond = (a: Ack) => {
        if (ack) ack(a);
        else if (!a.ok) socket.emit('protocol.error', { about: event, error: a.error, message: a.message });
      };
      this.receive(socket, event, args[0], respond);
    });
  }

  private receive(socket: DispatchSocket, type: string, raw: unknown, respond: (a: Ack) => void): void {
    const receivedAt = performance.now();
    this.metrics.received++;
    const admitted = this.admit(socket.data, type, raw, receivedAt);
    if ('ok' in admitted) {
      this.metrics.error(admitted.error);
      this.metrics.latency.record(type in INBOUND ? type : '(unknown)', performance.now() - receivedAt);
      respond(admitted);
      return;
    }
    this.pipeline().enqueue({ ...admitted, receivedAt, respond });
  }

  /** Every check an inbound message must pass, cheapest first: the message to queue, or why not. */
  private admit(
    data: SocketData,
    type: string,
    raw: unknown,
    receivedAt: number,
  ): ErrorAck | Omit<PendingMessage, 'receivedAt' | 'respond'> {
    const { principal, role, bucket } = data;
    if (!this.accepting)
      return refuse('shutting_down', 'the server is shutting down; retry elsewhere or later');
    const wait = bucket.take(receivedAt);
    if (wait > 0) return refuse('rate_limited', 'too many messages on this connection', wait);
    if (!Object.hasOwn(INBOUND, type))
      return refuse('unknown_type', `unknown message type "${type.slice(0, 64)}"`);
    const spec = specOf(type as InboundType);
    if (!spec.roles.includes(role)) return refuse('forbidden', `a ${role} may not send ${type}`);
    const size = Buffer.byteLength(JSON.stringify(raw ?? null) ?? '');
    if (size > this.options.limits.maxMessageBytes)
      return refuse(
        'oversized',
        `message is ${size} bytes; the limit is ${this.options.limits.maxMessageBytes}`,
      );
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      return refuse('malformed', '(message): expected an object');
    let cid = '';
    let fields = raw as Record<string, unknown>;
    if (spec.kind === 'command') {
      const { cid: given, ...rest } = fields;
      const parsedCid = cidSchema.safeParse(given);
      if (!parsedCid.success)
        return refuse('malformed', `cid: ${parsedCid.error.issues[0]?.message ?? 'invalid'}`);
      cid = parsedCid.data;
      fields = rest;
    }
    const parsed = inboundSchemas[type as InboundType].safeParse(fields);
    if (!parsed.success) return refuse('malformed', firstIssue(parsed.error));
    const body = parsed.data as Record<string, unknown>;
    const notSelf = claimAsSelf(body, spec.principalFields, actingIdOf(role, principal));
    if (notSelf !== undefined) return refuse('forbidden', notSelf);
    const refused = this.options.authorise?.(type, body);
    if (refused !== undefined) return refuse('forbidden', refused);
    const pipeline = this.pipeline();
    const backlog = pipeline.estimatedWaitMs;
    if (pipeline.queued >= this.options.maxQueue || backlog > this.options.maxWaitMs)
      return refuse('overloaded', 'the server is saturated', Math.max(50, Math.round(backlog)));
    return { kind: spec.kind, principal, role, cid, type, body };
  }
}
