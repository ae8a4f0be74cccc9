import type { FaultDecision, FaultInjector, NetMessage } from '../kernel/net.ts';
import { type RandomStream, RandomStreams } from '../kernel/random-streams.ts';

/**
 * How unreliable the network is during one check run. Rates are per message; the decisions come
 * from a seeded stream, so the same profile over the same messages faults the same ones.
 */
export interface FaultProfile {
  readonly seed: number;
  /** Lost for good. */
  readonly drop: number;
  /** Delivered twice. */
  readonly duplicate: number;
  /**
   * Held back by up to `maxDelayMs`, which reorders it against other connections' messages (and,
   * when `lossy`, against later messages of its own connection too).
   */
  readonly delay: number;
  readonly maxDelayMs: number;
  /**
   * Without it (the default) a drop is what remains of one through the real transports: a command
   * to dispatch and dispatch's reply to it travel in an acknowledged exchange that the client
   * retries (socket.io with command ids, MQTT QoS 1), so a lost attempt arrives a retry later; only
   * what dispatch pushes unasked (offers, tracking, news of an order) is lost for good. `lossy`
   * loses any network message for good, as a transport without retries would.
   */
  readonly lossy: boolean;
}

export const NO_FAULTS: FaultProfile = {
  seed: 0,
  drop: 0,
  duplicate: 0,
  delay: 0,
  maxDelayMs: 0,
  lossy: false,
};

/** A client's retry after a lost attempt waits this long (the socket.io client's attempt timeout). */
export const RETRY_MS = 3_000;

/** Addresses that stand for dispatch's own ports (routing, spatial index, vehicle telemetry). */
export const PORT_ADDRESSES: ReadonlySet<string> = new Set(['routing', 'spatial', 'vehicles']);

/**
 * Whether a message crosses the network and so may be faulted: anything to or from dispatch, except
 * the answers of dispatch's own ports, which in a real server are reads of its own database.
 * Face-to-face and Bluetooth exchanges (a phone presenting a key to a car, a courier at a store's
 * counter, a user at a robot) are local and are not faulted; a silenced device loses those too.
 */
export function overNetwork(from: string, to: string): boolean {
  if (PORT_ADDRESSES.has(from)) return false;
  return from === 'dispatch' || to === 'dispatch';
}

export function describeProfile(p: FaultProfile): string {
  if (p.drop === 0 && p.duplicate === 0 && p.delay === 0) return 'no faults';
  const parts: string[] = [];
  if (p.drop > 0) parts.push(`drop ${p.drop}`);
  if (p.duplicate > 0) parts.push(`duplicate ${p.duplicate}`);
  if (p.delay > 0) parts.push(`delay ${p.delay} up to ${p.maxDelayMs} ms`);
  return `${parts.join(', ')}${p.lossy ? ', lossy' : ''} (fault seed ${p.seed})`;
}

/**
 * The bench's `FaultInjector`: the profile's random faults on network messages while faults are on,
 * plus silenced devices (a device that never answers: everything it sends is lost, network or
 * local). `calm()` turns everything off, which is when every order must go on to its end.
 */
export class FaultPlan {
  private readonly stream: RandomStream;
  private readonly silenced = new Set<string>();
  private readonly flaky = new Map<string, number>();
  private active = true;
  /** Counts of what was injected, for the report. */
  readonly injected = { drop: 0, retried: 0, duplicate: 0, delay: 0, silenced: 0 };
  /** While dispatch handles a message from this party, what it sends that party is the reply. */
  replyingTo: string | null = null;

  /** Per link (`from>to`), when its latest message is due: one connection delivers in order. */
  private readonly linkDue = new Map<string, number>();

  constructor(
    readonly profile: FaultProfile,
    private readonly latencyMs: number,
  ) {
    this.stream = new RandomStreams(profile.seed).stream('faults');
  }

  get on(): boolean {
    return this.active;
  }

  /** Until `until` (sim ms), every network message `from` sends is delivered twice (QoS 1 redelivery). */
  redeliver(from: string, until: number): void {
    if (this.active) this.flaky.set(from, until);
  }

  silence(deviceId: string): void {
    if (this.active) this.silenced.add(deviceId);
  }

  isSilenced(deviceId: string): boolean {
    return this.silenced.has(deviceId);
  }

  /** Faults stop: no more random faults, every device answers again. */
  calm(): void {
    this.active = false;
    this.silenced.clear();
    this.flaky.clear();
  }

  readonly injector: FaultInjector = (
    from: string,
    to: string,
    message: NetMessage,
    now: number,
  ): FaultDecision => {
    if (this.silenced.has(from)) {
      this.injected.silenced++;
      return { drop: true };
    }
    if (!overNetwork(from, to)) return {};
    const decision = this.decide(from, to, message);
    if (!decision.drop && (this.flaky.get(from) ?? -1) >= now) {
      this.injected.duplicate++;
      decision.duplicate = true;
    }
    if (decision.drop || this.profile.lossy) return decision;
    // a delayed or retried message holds back the later ones of its connection (TCP, MQTT session)
    const link = `${from}>${to}`;
    const due = Math.max(now + this.latencyMs + (decision.extraDelayMs ?? 0), this.linkDue.get(link) ?? 0);
    this.linkDue.set(link, due);
    const extra = due - now - this.latencyMs;
    return extra > 0 ? { ...decision, extraDelayMs: extra } : decision;
  };

  private decide(
    from: string,
    to: string,
    _message: NetMessage,
  ): { drop?: boolean; duplicate?: boolean; extraDelayMs?: number } {
    if (!this.active) return {};
    const p = this.profile;
    const decision: { duplicate?: boolean; extraDelayMs?: number } = {};
    if (p.drop > 0 && this.stream.float() < p.drop) {
      const pushed = from === 'dispatch' && to !== this.replyingTo;
      if (p.lossy || pushed) {
        this.injected.drop++;
        return { drop: true };
      }
      // the attempt is lost; the client's retry delivers it one attempt timeout later
      this.injected.retried++;
      decision.extraDelayMs = RETRY_MS;
    }
    if (p.duplicate > 0 && this.stream.float() < p.duplicate) {
      this.injected.duplicate++;
      decision.duplicate = true;
    }
    if (p.delay > 0 && this.stream.float() < p.delay) {
      this.injected.delay++;
      decision.extraDelayMs =
        (decision.extraDelayMs ?? 0) + 1 + Math.floor(this.stream.float() * p.maxDelayMs);
    }
    return decision;
  }
}
