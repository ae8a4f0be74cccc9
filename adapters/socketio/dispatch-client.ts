import { io, type Socket } from 'socket.io-client';
import { AckDeadlines } from './ack-deadlines.ts';
import type {
  Ack,
  ClientToServerEvents,
  CommandType,
  InboundBody,
  QueryType,
  Role,
  ServerToClientEvents,
} from './wire-protocol.ts';
import { namespaceOf } from './wire-protocol.ts';

/** Attempt timeouts of every client in this process, swept by one timer. */
const deadlines = new AckDeadlines();

export interface DispatchClientOptions {
  /** Server base URL, e.g. http://127.0.0.1:7400 (the role's namespace is appended). */
  readonly url: string;
  readonly role: Role;
  readonly token: string;
  /** Prefix of this client's command ids; must be unique per principal across runs. */
  readonly cidPrefix: string;
  /** How long one attempt waits for its ack before it is retried with the same cid. */
  readonly attemptTimeoutMs?: number;
  /** How long a command keeps being retried (across reconnects) before it is given up. */
  readonly retryWindowMs?: number;
}

/** How a command ended: an ack from the server, or no ack within the retry window. */
export type CommandOutcome =
  | { readonly kind: 'ack'; readonly ack: Ack; readonly cid: string; readonly attempts: number }
  | { readonly kind: 'timeout'; readonly cid: string; readonly attempts: number };

export type DispatchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One principal's connection to a dispatch server. Commands get a fresh client id and are retried
 * with the same id after a timeout or a reconnect, which is safe because the server journals ids and
 * answers a repeat with the original outcome: the retry acts once. Used by the load driver and by
 * the socketio adapter.
 */
export class DispatchClient {
  readonly socket: DispatchSocket;
  private nextCid = 0;
  private closed = false;
  private readonly attemptTimeoutMs: number;
  private readonly retryWindowMs: number;

  constructor(private readonly options: DispatchClientOptions) {
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 3000;
    this.retryWindowMs = options.retryWindowMs ?? 30_000;
    this.socket = io(`${options.url.replace(/\/+$/, '')}${namespaceOf(options.role)}`, {
      auth: { token: options.token },
      transports: ['websocket'],
      forceNew: true,
      autoConnect: false,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
      timeout: 5000,
    });
  }

  /** Connects; rejects with the server's reason (e.g. `unauthorised: expired`) if refused. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        this.socket.off('connect_error', onError);
        resolve();
      };
      const onError = (err: Error) => {
        this.socket.off('connect', onConnect);
        this.socket.disconnect();
        reject(err);
      };
      this.socket.once('connect', onConnect);
      this.socket.once('connect_error', onError);
      this.socket.connect();
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Sends a command and waits for its ack, retrying transport failures under the same cid. */
  async command<T extends CommandType>(type: T, body: InboundBody<T>, cid?: string): Promise<CommandOutcome> {
    const id = cid ?? `${this.options.cidPrefix}-${++this.nextCid}`;
    return this.send(type, { ...body, cid: id }, id);
  }

  /** Sends a query (not journaled, no cid); one attempt. */
  async query<T extends QueryType>(type: T, body: InboundBody<T>): Promise<CommandOutcome> {
    return this.send(type, body, '', 1);
  }

  /**
   * Emits a raw event, bypassing types and validation (tests use it to send malformed input):
   * its ack, or `timeout` when none came within the attempt timeout or the socket disconnected.
   */
  raw(type: string, body: unknown): Promise<Ack | 'timeout'> {
    return new Promise((resolve) => {
      const settle = deadlines.add(this.attemptTimeoutMs, () => resolve('timeout'));
      const untyped = this.socket as unknown as Socket;
      untyped.emitWithAck(type, body).then(
        (ack: Ack) => settle() && resolve(ack),
        () => settle() && resolve('timeout'),
      );
    });
  }

  close(): void {
    this.closed = true;
    this.socket.disconnect();
  }

  private async send(
    type: string,
    body: unknown,
    cid: string,
    maxAttempts = Infinity,
  ): Promise<CommandOutcome> {
    const deadline = performance.now() + this.retryWindowMs;
    let attempts = 0;
    while (!this.closed && attempts < maxAttempts && performance.now() < deadline) {
      if (!this.socket.connected && !(await this.reconnected(deadline))) break;
      attempts++;
      const ack = await this.raw(type, body);
      if (ack !== 'timeout') return { kind: 'ack', ack, cid, attempts };
    }
    return { kind: 'timeout', cid, attempts };
  }

  /** Waits until the socket is connected again (socket.io reconnects by itself) or the deadline. */
  private reconnected(deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), Math.max(0, deadline - performance.now()));
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.socket.off('connect', onConnect);
        resolve(ok);
      };
      const onConnect = () => finish(true);
      this.socket.on('connect', onConnect);
      if (this.socket.connected) finish(true);
      else if (!this.socket.active && !this.closed) this.socket.connect();
    });
  }
}

/** Why a server could not be joined: it refused our token, or it could not be reached at all. */
export type JoinFailure = { readonly kind: 'refused' | 'unreachable'; readonly reason: string };

/**
 * Connects one throw-away principal and leaves: tells a caller, before it builds anything, whether
 * the server is there and takes tokens minted with `token`; undefined when it does.
 */
export async function probeServer(url: string, role: Role, token: string): Promise<JoinFailure | undefined> {
  const client = new DispatchClient({ url, role, token, cidPrefix: 'probe' });
  try {
    await client.connect();
    return undefined;
  } catch (err) {
    const reason = (err as Error).message;
    return {
      kind: /unauthori[sz]ed|signature|expired|token/i.test(reason) ? 'refused' : 'unreachable',
      reason,
    };
  } finally {
    client.close();
  }
}
