import {
  BrokerUnreachableError,
  type CommandOutcome,
  type DeviceStreams,
  emptyLinkStats,
  type LinkStats,
  MqttDeviceLink,
} from '../../adapters/mqtt/device-link.ts';
import type { DeviceKind } from '../../adapters/mqtt/topic-schema.ts';
import { UserError } from '../cli/user-error.ts';
import type { MqttAdapterSpec } from '../scenario/adapters-schema.ts';
import type { Scenario } from '../scenario/schema.ts';

/** One actor of the world that a real device plays: its link, its inbound streams, its timing. */
export interface RealDevice {
  /** The scenario key, e.g. `vehicle:V12`. */
  readonly key: string;
  readonly kind: DeviceKind;
  /** The world's actor id (for a gateway: the id of the store whose curb it scans). */
  readonly id: string;
  readonly url: string;
  /** Wall ms a command waits for the device's ack before the link answers `timeout`. */
  readonly commandTimeoutMs: number;
  readonly streams: DeviceStreams;
  command(
    action: string,
    extra?: { keyId?: string; params?: Record<string, string | number | boolean> },
  ): Promise<CommandOutcome>;
}

/**
 * The actors of one run that are real devices, connected before the world is built so that an
 * unreachable broker stops the run at once with the URL. One link per distinct broker connection;
 * the world owns the set and closes it with itself.
 */
export class RealDevices {
  private constructor(
    private readonly byId: ReadonlyMap<string, RealDevice>,
    private readonly links: readonly MqttDeviceLink[],
  ) {}

  /** Connects every `mqtt` adapter of the scenario; undefined when every actor is simulated. */
  static async connect(adapters: Scenario['adapters']): Promise<RealDevices | undefined> {
    const specs = Object.entries(adapters).filter(
      (e): e is [string, MqttAdapterSpec] => e[1].kind === 'mqtt',
    );
    if (specs.length === 0) return undefined;
    const links = new Map<string, MqttDeviceLink>();
    const byId = new Map<string, RealDevice>();
    try {
      for (const [key, spec] of specs) {
        const connection = JSON.stringify([spec.url, spec.username, spec.caFile, spec.certFile]);
        let link = links.get(connection);
        if (!link) {
          link = await connectOrExplain(key, spec);
          links.set(connection, link);
        }
        const [kind, id] = key.split(':') as [DeviceKind, string];
        const bound = link;
        byId.set(id, {
          key,
          kind,
          id,
          url: spec.url,
          commandTimeoutMs: spec.commandTimeoutMs,
          streams: await link.attach(kind, id),
          command: (action, extra = {}) =>
            bound.command(
              kind,
              id,
              { action, ...extra },
              {
                timeoutMs: spec.commandTimeoutMs,
                ...(spec.retryMs !== undefined ? { retryMs: spec.retryMs } : {}),
              },
            ),
        });
      }
    } catch (err) {
      await Promise.all([...links.values()].map((l) => l.close()));
      throw err;
    }
    return new RealDevices(byId, [...links.values()]);
  }

  /** Whether the actor with this world id is played by a real device. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): RealDevice | undefined {
    return this.byId.get(id);
  }

  of(kind: DeviceKind): RealDevice[] {
    return [...this.byId.values()].filter((d) => d.kind === kind);
  }

  /** Counters of every link together: commands, acks, timeouts, retries, payloads rejected by reason. */
  stats(): LinkStats {
    const total = emptyLinkStats();
    for (const { stats } of this.links) {
      total.commands += stats.commands;
      total.acks += stats.acks;
      total.duplicateAcks += stats.duplicateAcks;
      total.timeouts += stats.timeouts;
      total.retries += stats.retries;
      for (const [reason, n] of Object.entries(stats.rejected))
        total.rejected[reason] = (total.rejected[reason] ?? 0) + n;
    }
    return total;
  }

  /** One line per real actor, for the run's banner. */
  describe(): string[] {
    return [...this.byId.values()].map((d) => `${d.key} over ${d.url}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.links.map((l) => l.close()));
  }
}

async function connectOrExplain(key: string, spec: MqttAdapterSpec): Promise<MqttDeviceLink> {
  try {
    return await MqttDeviceLink.connect({
      url: spec.url,
      username: spec.username,
      password: spec.password,
      caFile: spec.caFile,
      certFile: spec.certFile,
      keyFile: spec.keyFile,
      rejectUnauthorized: spec.rejectUnauthorized,
      connectTimeoutMs: spec.connectTimeoutMs,
    });
  } catch (err) {
    if (err instanceof BrokerUnreachableError) throw new UserError(`adapters["${key}"].url: ${err.message}`);
    // TLS files that cannot be read are the user's too
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UserError(`adapters["${key}"]: expected readable TLS files, got ${(err as Error).message}`);
    throw err;
  }
}
