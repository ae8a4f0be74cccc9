/**
 * The world's single agenda: a binary min-heap ordered by (time, sequence number).
 *
 * Sequence numbers are assigned at insertion, so two items scheduled for the same instant are
 * delivered in the order they were scheduled — never in an order that depends on object
 * iteration or on the heap's internal layout. That is what makes a seeded run reproducible.
 */
export class EventQueue<T> {
  private times: Float64Array;
  private seqs: Float64Array;
  private items: (T | undefined)[] = [];
  private count = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.seqs = new Float64Array(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest item, or Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.times[0];
  }

  /** The earliest item without removing it, or undefined when empty. */
  peekItem(): T | undefined {
    return this.count === 0 ? undefined : (this.items[0] as T);
  }

  /** Schedules `item` at `time`; returns its sequence number (unique, increasing). */
  push(time: number, item: T): number {
    if (!Number.isFinite(time)) throw new RangeError(`event time must be finite, got ${time}`);
    if (this.count === this.times.length) this.grow();
    const seq = this.nextSeq++;
    let i = this.count++;
    // sift up
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(time, seq, this.times[parent], this.seqs[parent])) break;
      this.times[i] = this.times[parent];
      this.seqs[i] = this.seqs[parent];
      this.items[i] = this.items[parent];
      i = parent;
    }
    this.times[i] = time;
    this.seqs[i] = seq;
    this.items[i] = item;
    return seq;
  }

  /** Removes and returns the earliest item with its time and sequence, or undefined when empty. */
  pop(): { time: number; seq: number; item: T } | undefined {
    if (this.count === 0) return undefined;
    const time = this.times[0];
    const seq = this.seqs[0];
    const item = this.popItem() as T;
    return { time, seq, item };
  }

  /**
   * Removes and returns the earliest item (undefined when empty) without allocating a result
   * object: the kernel's hot loop reads the time with `peekTime` first.
   */
  popItem(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[0] as T;
    const last = --this.count;
    if (last > 0) {
      const lt = this.times[last];
      const ls = this.seqs[last];
      const li = this.items[last];
      let i = 0;
      const half = last >> 1;
      while (i < half) {
        let child = 2 * i + 1;
        const right = child + 1;
        if (
          right < last &&
          this.before(this.times[right], this.seqs[right], this.times[child], this.seqs[child])
        )
          child = right;
        if (!this.before(this.times[child], this.seqs[child], lt, ls)) break;
        this.times[i] = this.times[child];
        this.seqs[i] = this.seqs[child];
        this.items[i] = this.items[child];
        i = child;
      }
      this.times[i] = lt;
      this.seqs[i] = ls;
      this.items[i] = li;
    }
    this.items[last] = undefined;
    return item;
  }

  private before(t1: number, s1: number, t2: number, s2: number): boolean {
    return t1 < t2 || (t1 === t2 && s1 < s2);
  }

  private grow(): void {
    const n = this.times.length * 2;
    const times = new Float64Array(n);
    times.set(this.times);
    const seqs = new Float64Array(n);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
  }
}
