import type { EventLog } from './event-log.ts';
import type { Kernel, ScheduledTask } from './kernel.ts';

/** A message between actors: a plain object with a `type`, as XState events are. */
export interface NetMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** What a fault injector decides for one message; all optional, default is a clean delivery. */
export interface FaultDecision {
  drop?: boolean;
  duplicate?: boolean;
  extraDelayMs?: number;
}

export type FaultInjector = (from: string, to: string, message: NetMessage, now: number) => FaultDecision;

type Recipient = (message: NetMessage, from: string) => void;

/** A message in flight: its own queue task, so a send allocates one object, not a closure and a wrapper. */
class Delivery implements ScheduledTask {
  cancelled = false;
  constructor(
    private readonly net: SimNet,
    private readonly from: string,
    private readonly to: string,
    private readonly message: NetMessage,
  ) {}

  run(): void {
    this.net.deliver(this.from, this.to, this.message);
  }
}

/**
 * The sim implementation of the `net` port. Actors never call each other: a send becomes a queue
 * item at now + latency, logged when it is delivered. Tests plug a `FaultInjector` in to drop,
 * duplicate, delay or (by uneven delays) reorder messages.
 */
export class SimNet {
  private readonly recipients = new Map<string, Recipient>();
  private faults: FaultInjector | undefined;
  private undeliverable = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly log: EventLog,
    private readonly latencyMs: number,
  ) {}

  register(address: string, recipient: Recipient): void {
    if (this.recipients.has(address)) throw new Error(`net address already registered: ${address}`);
    this.recipients.set(address, recipient);
  }

  unregister(address: string): void {
    this.recipients.delete(address);
  }

  setFaults(injector: FaultInjector | undefined): void {
    this.faults = injector;
  }

  /** Messages addressed to nobody (counted, never thrown: a real network loses them too). */
  get undeliverableCount(): number {
    return this.undeliverable;
  }

  send(from: string, to: string, message: NetMessage, extraDelayMs = 0): void {
    const decision = this.faults?.(from, to, message, this.kernel.now);
    if (decision?.drop) {
      this.log.append({ t: this.kernel.now, kind: 'fault', fault: 'drop', from, to, msg: message });
      return;
    }
    const injected = decision?.extraDelayMs ?? 0;
    // Logged at the send, so a reader of the log (or the twin replaying it) sees why it came late.
    if (injected > 0)
      this.log.append({
        t: this.kernel.now,
        kind: 'fault',
        fault: 'delay',
        from,
        to,
        msg: message,
        delayMs: injected,
      });
    const delay = this.latencyMs + extraDelayMs + injected;
    const at = this.kernel.now + delay;
    this.kernel.scheduleTask(at, new Delivery(this, from, to, message));
    if (decision?.duplicate) {
      this.log.append({ t: this.kernel.now, kind: 'fault', fault: 'duplicate', from, to, msg: message });
      this.kernel.scheduleTask(at, new Delivery(this, from, to, message));
    }
  }

  /** @internal called by `Delivery` when its instant comes. */
  deliver(from: string, to: string, message: NetMessage): void {
    const recipient = this.recipients.get(to);
    this.log.appendMessage(this.kernel.now, from, to, message);
    if (!recipient) {
      this.undeliverable++;
      return;
    }
    recipient(message, from);
  }
}
