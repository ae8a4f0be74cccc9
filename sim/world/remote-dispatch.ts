import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CommandOutcome, DispatchClient, probeServer } from '../../adapters/socketio/dispatch-client.ts';
import { mintToken } from '../../adapters/socketio/principal-token.ts';
import type { CommandType, InboundBody, Role } from '../../adapters/socketio/wire-protocol.ts';
import { UserError } from '../cli/user-error.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { NetMessage, SimNet } from '../kernel/net.ts';
import type { SocketioAdapterSpec } from '../scenario/adapters-schema.ts';
import type { Population } from './population.ts';

/** Courier and customer messages of the errand flow: they go to the remote server only. */
const REMOTE_ONLY = new Set([
  'errand.publish',
  'errand.cancel',
  'errand.confirm',
  'errand.dispute',
  'errand.pull',
  'errand.accept',
  'errand.pickedUp',
  'errand.delivered',
  'chat.send',
]);
/**
 * A courier's presence and position go to both dispatches: the remote one offers errands, the
 * in-process one still runs the other flows (trunk jobs) for the same couriers.
 */
const BOTH = new Set(['courier.online', 'courier.offline', 'courier.position']);
/** Message fields that are instants: sim ms in the world, epoch ms on the wire. */
const TIME_FIELDS = ['dueBy', 'eta'] as const;
const KEY = 'adapters["dispatch"]';

export interface RemoteDispatchStats {
  url: string;
  principals: number;
  commands: number;
  acks: number;
  duplicates: number;
  timeouts: number;
  /** Error acks by kind (`rate_limited`, `not_found`, `forbidden`…). */
  errors: Record<string, number>;
  /** Messages the server sent to the world's actors, by type. */
  received: Record<string, number>;
  /** Errand outcomes as the customers were told them (`errand.closed`). */
  closed: Record<string, number>;
}

type Deliver = (message: NetMessage, from: string) => void;

/**
 * The `dispatch` adapter: the world's couriers and customers talk to a remote dispatch server over
 * socket.io instead of the in-process dispatch actor, for the errand flow. One `DispatchClient`
 * per principal (connected on the principal's first message, token minted with the shared
 * secret); a principal's commands go out in the order its machine sent them; every message the
 * server sends a principal reaches its actor through the sim net, at the world's current instant.
 * The server keeps the wall clock, so the world runs paced and instants are converted on the way.
 */
export class RemoteDispatch {
  private readonly clients = new Map<string, Promise<DispatchClient>>();
  /** Per principal, the tail of its command chain: commands leave in the order they were sent. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly runTag = randomBytes(4).toString('hex');
  private readonly stats: RemoteDispatchStats;
  private net: SimNet | undefined;
  private kernel: Kernel | undefined;
  private closed = false;

  private constructor(
    private readonly spec: SocketioAdapterSpec,
    private readonly secret: string,
  ) {
    this.stats = {
      url: spec.url,
      principals: 0,
      commands: 0,
      acks: 0,
      duplicates: 0,
      timeouts: 0,
      errors: {},
      received: {},
      closed: {},
    };
  }

  /**
   * Reads the secret and checks, before the world is built, that the server is reachable and takes
   * our tokens (a probe principal connects and leaves); undefined when dispatch is in-process.
   */
  static async open(
    adapters: Readonly<Record<string, { kind: string }>>,
  ): Promise<RemoteDispatch | undefined> {
    const spec = adapters.dispatch as SocketioAdapterSpec | undefined;
    if (spec?.kind !== 'socketio') return undefined;
    const remote = new RemoteDispatch(spec, readSecret(spec));
    const probe = `probe-${remote.runTag}`;
    const token = mintToken(remote.secret, { sub: probe, role: 'customer', ttlSeconds: 60 }, Date.now());
    const failure = await probeServer(spec.url, 'customer', token);
    if (failure?.kind === 'refused')
      throw new UserError(
        `${KEY}.${spec.secretFile ? 'secretFile' : 'url'}: the dispatch server at ${spec.url} refused our token (${failure.reason}); expected the server's secret ${spec.secretFile ? `in ${spec.secretFile}` : 'in $CITYTWIN_DISPATCH_SECRET'}`,
      );
    if (failure)
      throw new UserError(`${KEY}.url: cannot reach the dispatch server at ${spec.url} (${failure.reason})`);
    return remote;
  }

  get url(): string {
    return this.spec.url;
  }

  /**
   * The recipient of the world's `dispatch` address: courier and customer messages of the errand
   * flow go to the server (presence and position to both), everything else to the local actor.
   */
  bridge(net: SimNet, kernel: Kernel, roleOf: (id: string) => Role | undefined, local: Deliver): Deliver {
    this.net = net;
    this.kernel = kernel;
    return (message, from) => {
      const role = roleOf(from);
      const remote = role !== undefined && (REMOTE_ONLY.has(message.type) || BOTH.has(message.type));
      if (remote) this.forward(role, from, message);
      if (!remote || !REMOTE_ONLY.has(message.type)) local(message, from);
    };
  }

  /**
   * Connects every courier and customer before the clock starts (a few at a time): a storm of
   * first connections mid-run would cost wall seconds, which a fast paced run multiplies into sim
   * minutes of silence (a customer gives up on an order the server then opens).
   */
  async connectPopulation(
    population: Pick<Population, 'couriers' | 'customers'>,
    concurrency = 32,
  ): Promise<void> {
    const principals = [
      ...population.couriers.map((c) => ({ id: c.id, role: 'courier' as const })),
      ...population.customers.map((c) => ({ id: c.id, role: 'customer' as const })),
    ];
    let next = 0;
    const worker = async () => {
      while (next < principals.length) {
        const p = principals[next++];
        await this.principal(p.role, p.id).catch((err: Error) => {
          throw new UserError(
            `${KEY}.url: the dispatch server at ${this.spec.url} refused ${p.role} ${p.id} (${err.message})`,
          );
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, principals.length) }, worker));
  }

  report(): RemoteDispatchStats {
    return structuredClone(this.stats);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.tails.values());
    for (const c of this.clients.values()) void c.then((client) => client.close()).catch(() => {});
  }

  private forward(role: Role, id: string, message: NetMessage): void {
    if (this.closed) return;
    const { type, at: _at, ...body } = message;
    const wire = this.convertTimes(body, (t) => this.toWire(t));
    const tail = (this.tails.get(id) ?? Promise.resolve())
      .then(() => this.principal(role, id))
      .then((client) => client.command(type as CommandType, wire as InboundBody<CommandType>))
      .then((outcome) => this.count(outcome))
      .catch(() => {
        this.stats.errors.unreachable = (this.stats.errors.unreachable ?? 0) + 1;
      });
    this.tails.set(id, tail);
  }

  private count(outcome: CommandOutcome): void {
    this.stats.commands++;
    if (outcome.kind === 'timeout') this.stats.timeouts++;
    else if (outcome.ack.ok) {
      this.stats.acks++;
      if ('duplicate' in outcome.ack && outcome.ack.duplicate) this.stats.duplicates++;
    } else this.stats.errors[outcome.ack.error] = (this.stats.errors[outcome.ack.error] ?? 0) + 1;
  }

  /** The principal's connected client, connected on first use; its server events reach its actor. */
  private principal(role: Role, id: string): Promise<DispatchClient> {
    let pending = this.clients.get(id);
    if (!pending) {
      const client = this.client(role, id);
      client.socket.onAny((event: string, payload: unknown) => this.receive(id, event, payload));
      pending = client.connect().then(() => {
        this.stats.principals++;
        return client;
      });
      this.clients.set(id, pending);
    }
    return pending;
  }

  private client(role: Role, id: string): DispatchClient {
    return new DispatchClient({
      url: this.spec.url,
      role,
      token: mintToken(this.secret, { sub: id, role, ttlSeconds: 7 * 86_400 }, Date.now()),
      cidPrefix: `${id}.${this.runTag}`,
      attemptTimeoutMs: Math.min(3_000, this.spec.commandTimeoutMs),
      retryWindowMs: this.spec.commandTimeoutMs,
    });
  }

  private receive(id: string, event: string, payload: unknown): void {
    if (this.closed || event === 'protocol.error' || typeof payload !== 'object' || payload === null) return;
    this.stats.received[event] = (this.stats.received[event] ?? 0) + 1;
    const message = {
      ...this.convertTimes(payload as Record<string, unknown>, (t) => this.toSim(t)),
      type: event,
    };
    if (event === 'errand.closed') {
      const outcome = String((message as { outcome?: unknown }).outcome);
      this.stats.closed[outcome] = (this.stats.closed[outcome] ?? 0) + 1;
    }
    this.net?.send('dispatch', id, message);
  }

  /** Copies `body`, converting its instants (top level and in `request`). */
  private convertTimes(
    body: Record<string, unknown>,
    convert: (t: number) => number,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = { ...body };
    for (const f of TIME_FIELDS) if (typeof out[f] === 'number') out[f] = convert(out[f] as number);
    if (typeof out.request === 'object' && out.request !== null)
      out.request = this.convertTimes(out.request as Record<string, unknown>, convert);
    return out;
  }

  /** A sim instant as the server's clock reads it (the world runs at the kernel's speed). */
  private toWire(simMs: number): number {
    const k = this.kernel!;
    return Math.max(0, Math.round(Date.now() + (simMs - k.now) / k.currentSpeed));
  }

  private toSim(wallMs: number): number {
    const k = this.kernel!;
    return Math.max(0, Math.round(k.now + (wallMs - Date.now()) * k.currentSpeed));
  }
}

function readSecret(spec: SocketioAdapterSpec): string {
  if (spec.secretFile !== undefined) {
    try {
      const secret = readFileSync(spec.secretFile, 'utf8').split(/\r?\n/)[0].trim();
      if (secret) return secret;
    } catch (err) {
      throw new UserError(`${KEY}.secretFile: expected a readable file, got ${(err as Error).message}`);
    }
    throw new UserError(
      `${KEY}.secretFile: expected the server's secret on the first line, got an empty file`,
    );
  }
  const secret = process.env.CITYTWIN_DISPATCH_SECRET;
  if (!secret)
    throw new UserError(
      `${KEY}.secretFile: expected a secret file or $CITYTWIN_DISPATCH_SECRET (the dispatch server's token secret), got neither`,
    );
  return secret;
}
