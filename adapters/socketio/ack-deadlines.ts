interface Waiter {
  readonly deadline: number;
  settled: boolean;
  readonly expire: () => void;
}

/** Waiters sharing one timeout: they expire in the order they were added. */
interface Fifo {
  items: Waiter[];
  head: number;
}

/**
 * Deadlines of acks in flight, checked by one sweep timer instead of a timer per message: a load
 * driver keeps thousands of commands in flight, and creating and clearing a timer for each was a
 * measurable share of its CPU. Waiters with the same timeout expire in the order they were added,
 * so each timeout keeps a queue and a sweep looks only at the fronts. A deadline fires up to one
 * sweep period late, which only delays a retry.
 */
export class AckDeadlines {
  private readonly fifos = new Map<number, Fifo>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private pending = 0;

  constructor(private readonly sweepMs = 20) {}

  /**
   * Calls `expire` once `timeoutMs` have passed, unless the returned `settle` is called first.
   * `settle` answers whether it came first (false once the waiter has expired or was settled).
   */
  add(timeoutMs: number, expire: () => void): () => boolean {
    const waiter: Waiter = { deadline: performance.now() + timeoutMs, settled: false, expire };
    let fifo = this.fifos.get(timeoutMs);
    if (!fifo) {
      fifo = { items: [], head: 0 };
      this.fifos.set(timeoutMs, fifo);
    }
    fifo.items.push(waiter);
    this.pending++;
    this.timer ??= setInterval(() => this.sweep(), this.sweepMs);
    return () => {
      if (waiter.settled) return false;
      this.finish(waiter);
      return true;
    };
  }

  private finish(waiter: Waiter): void {
    waiter.settled = true;
    if (--this.pending > 0) return;
    // nothing in flight: drop the settled leftovers and stop sweeping
    this.fifos.clear();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    const now = performance.now();
    for (const fifo of [...this.fifos.values()]) {
      while (fifo.head < fifo.items.length) {
        const front = fifo.items[fifo.head];
        if (!front.settled && front.deadline > now) break;
        fifo.head++;
        if (!front.settled) {
          this.finish(front);
          front.expire();
        }
      }
      if (fifo.head > 1024 && fifo.head * 2 > fifo.items.length) {
        fifo.items = fifo.items.slice(fifo.head);
        fifo.head = 0;
      }
    }
  }
}
