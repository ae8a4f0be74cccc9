import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { Subject } from 'rxjs';
import {
  ackSchema,
  commandSchema,
  type DeviceAck,
  type DeviceEvent,
  type DeviceKind,
  type DeviceTelemetry,
  deviceEventSchema,
  parseTopic,
  statusSchema,
  TOPIC_ROOT,
  telemetrySchema,
  topicOf,
} from './topic-schema.ts';

/** How to reach the broker; TLS material is read from files so secrets never sit in scenarios. */
export interface MqttConnectOptions {
  url: string;
  username?: string;
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  rejectUnauthorized?: boolean;
  clientId?: string;
  connectTimeoutMs?: number;
}

/** The broker could not be reached at start: a user-facing error naming the URL. */
export class BrokerUnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: string,
  ) {
    super(`cannot reach the MQTT broker at ${url}: ${cause}`);
    this.name = 'BrokerUnreachableError';
  }
}

export interface CommandOutcome {
  ok: boolean;
  /** Device's reason when refused; `timeout` when no ack came in time; `disconnected` when closed. */
  reason?: string;
  state?: DeviceAck['state'];
  attempts: number;
}

export interface LinkStats {
  commands: number;
  acks: number;
  duplicateAcks: number;
  timeouts: number;
  retries: number;
  /** Inbound payloads refused, by reason (bad topic, bad JSON, bad fields, unknown device). */
  rejected: Record<string, number>;
}

/** Counters at zero, for one link or a sum over several. */
export function emptyLinkStats(): LinkStats {
  return { commands: 0, acks: 0, duplicateAcks: 0, timeouts: 0, retries: 0, rejected: {} };
}

interface Pending {
  resolve: (outcome: CommandOutcome) => void;
  attempts: number;
  retryTimer: NodeJS.Timeout;
  deadline: NodeJS.Timeout;
}

export interface DeviceStreams {
  telemetry: Subject<DeviceTelemetry>;
  events: Subject<DeviceEvent>;
  online: Subject<boolean>;
}

function buildClientOptions(o: MqttConnectOptions): IClientOptions {
  return {
    clientId: o.clientId ?? `citytwin-${randomUUID().slice(0, 8)}`,
    username: o.username,
    password: o.password,
    ca: o.caFile ? readFileSync(o.caFile) : undefined,
    cert: o.certFile ? readFileSync(o.certFile) : undefined,
    key: o.keyFile ? readFileSync(o.keyFile) : undefined,
    rejectUnauthorized: o.rejectUnauthorized ?? true,
    connectTimeout: o.connectTimeoutMs ?? 5_000,
    reconnectPeriod: 1_000,
    clean: true,
  };
}

/**
 * The world's side of the MQTT adapter: commands with ids, QoS 1 and retries until an ack or a
 * timeout (a clear outcome, never a hang); telemetry and sensor events as observables the world
 * turns into actor input. Every inbound payload is validated; bad ones are counted and dropped.
 */
export class MqttDeviceLink {
  readonly stats: LinkStats = emptyLinkStats();
  private readonly pending = new Map<string, Pending>();
  private readonly devices = new Map<string, DeviceStreams>();
  /** Ids of commands already answered or timed out: a late ack for one is a duplicate, not an error. */
  private readonly finished = new Set<string>();
  private readonly session = randomUUID().slice(0, 8);
  private sequence = 0;

  private constructor(
    private readonly client: MqttClient,
    readonly url: string,
  ) {
    client.on('message', (topic, payload) => this.receive(topic, payload));
  }

  /** Connects or throws `BrokerUnreachableError` after the connect timeout; reconnects on its own later. */
  static async connect(options: MqttConnectOptions): Promise<MqttDeviceLink> {
    const client = mqtt.connect(options.url, buildClientOptions(options));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer within ${options.connectTimeoutMs ?? 5_000} ms`)),
          options.connectTimeoutMs ?? 5_000,
        );
        client.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
        client.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
    } catch (err) {
      client.end(true);
      throw new BrokerUnreachableError(options.url, (err as Error).message);
    }
    return new MqttDeviceLink(client, options.url);
  }

  /**
   * Starts listening to one device (its ack, telemetry, event and status topics); resolves once
   * the broker confirmed the subscription, so nothing the device says afterwards is missed.
   */
  async attach(kind: DeviceKind, id: string): Promise<DeviceStreams> {
    const key = `${kind}/${id}`;
    let streams = this.devices.get(key);
    if (!streams) {
      streams = { telemetry: new Subject(), events: new Subject(), online: new Subject() };
      this.devices.set(key, streams);
      await this.client.subscribeAsync(`${TOPIC_ROOT}/${kind}/${id}/+`, { qos: 1 });
    }
    return streams;
  }

  /**
   * Sends one command and resolves with the device's ack, or `{ok: false, reason: 'timeout'}`.
   * The same id is re-published every `retryMs`, so a lost message is retried and the device's
   * id check makes the retry act once.
   */
  command(
    kind: DeviceKind,
    id: string,
    body: { action: string; keyId?: string; params?: Record<string, string | number | boolean> },
    timing: { timeoutMs: number; retryMs?: number } = { timeoutMs: 5_000 },
  ): Promise<CommandOutcome> {
    const commandId = `${this.session}-${++this.sequence}`;
    const command = commandSchema.parse({ id: commandId, ...body });
    const topic = topicOf(kind, id, 'cmd');
    const payload = JSON.stringify(command);
    this.stats.commands++;
    return new Promise((resolve) => {
      const publish = () => {
        if (this.client.connected) this.client.publish(topic, payload, { qos: 1 });
      };
      const entry: Pending = {
        resolve,
        attempts: 1,
        retryTimer: setInterval(
          () => {
            entry.attempts++;
            this.stats.retries++;
            publish();
          },
          timing.retryMs ?? Math.max(250, timing.timeoutMs / 4),
        ),
        deadline: setTimeout(() => {
          this.stats.timeouts++;
          this.finish(commandId, { ok: false, reason: 'timeout', attempts: entry.attempts });
        }, timing.timeoutMs),
      };
      this.pending.set(commandId, entry);
      publish();
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async close(): Promise<void> {
    for (const id of [...this.pending.keys()])
      this.finish(id, { ok: false, reason: 'disconnected', attempts: this.pending.get(id)?.attempts ?? 0 });
    for (const streams of this.devices.values()) {
      streams.telemetry.complete();
      streams.events.complete();
      streams.online.complete();
    }
    await this.client.endAsync();
  }

  private finish(commandId: string, outcome: CommandOutcome): void {
    const entry = this.pending.get(commandId);
    if (!entry) return;
    clearInterval(entry.retryTimer);
    clearTimeout(entry.deadline);
    this.pending.delete(commandId);
    this.finished.add(commandId);
    if (this.finished.size > 10_000) this.finished.delete(this.finished.values().next().value as string);
    entry.resolve(outcome);
  }

  private receive(topic: string, payload: Buffer): void {
    const refused = this.accept(topic, payload);
    if (refused) this.stats.rejected[refused] = (this.stats.rejected[refused] ?? 0) + 1;
  }

  /** Routes one inbound payload; returns why it was refused, or undefined when it was used. */
  private accept(topic: string, payload: Buffer): string | undefined {
    const where = parseTopic(topic);
    if (!where) return 'bad topic';
    if (where.channel === 'cmd') return undefined; // commands are ours, never inbound
    const streams = this.devices.get(`${where.kind}/${where.id}`);
    if (!streams) return 'unknown device';
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return 'malformed JSON';
    }
    switch (where.channel) {
      case 'ack':
        return this.acceptAck(json);
      case 'telemetry': {
        const t = telemetrySchema.safeParse(json);
        if (!t.success) return 'bad telemetry';
        streams.telemetry.next(t.data);
        return undefined;
      }
      case 'event': {
        const e = deviceEventSchema.safeParse(json);
        if (!e.success) return 'bad event';
        streams.events.next(e.data);
        return undefined;
      }
      case 'status': {
        const st = statusSchema.safeParse(json);
        if (!st.success) return 'bad status';
        streams.online.next(st.data.online);
        return undefined;
      }
    }
  }

  private acceptAck(json: unknown): string | undefined {
    const ack = ackSchema.safeParse(json);
    if (!ack.success) return 'bad ack';
    const entry = this.pending.get(ack.data.id);
    if (!entry) {
      if (!this.finished.has(ack.data.id)) return 'unknown command id';
      this.stats.duplicateAcks++;
      return undefined;
    }
    this.stats.acks++;
    this.finish(ack.data.id, {
      ok: ack.data.ok,
      reason: ack.data.reason,
      state: ack.data.state,
      attempts: entry.attempts,
    });
    return undefined;
  }
}
