/**
 * The world's single agenda, ordered by (time, sequence number).
 *
 * Sequence numbers are assigned at insertion, so two items scheduled for the same instant are
 * delivered in the order they were scheduled — never in an order that depends on object
 * iteration or on the heap's internal layout. That is what makes a seeded run reproducible.
 *
 * Two lanes hold the items: a binary min-heap for anything, and a FIFO ring for items pushed with
 * `pushInOrder` whose time is not before the ring's last one. Net deliveries under a constant
 * latency arrive in that order, so most of them cost O(1) instead of a heap sift. Both lanes are
 * sorted by (time, seq) and sequence numbers are shared, so taking the smaller head of the two
 * yields exactly the order a single heap would.
 */
export class EventQueue<T> {
  private times: Float64Array;
  private seqs: Float64Array;
  private items: (T | undefined)[] = [];
  private count = 0;
  private nextSeq = 0;

  // FIFO lane: a ring of capacity `ringTimes.length` (a power of two) from `head`, `ringCount` long.
  private ringTimes: Float64Array;
  private ringSeqs: Float64Array;
  private ringItems: (T | undefined)[];
  private head = 0;
  private ringCount = 0;
  private ringLastTime = Number.NEGATIVE_INFINITY;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.seqs = new Float64Array(initialCapacity);
    let ring = 16;
    while (ring < initialCapacity) ring *= 2;
    this.ringTimes = new Float64Array(ring);
    this.ringSeqs = new Float64Array(ring);
    this.ringItems = new Array<T | undefined>(ring).fill(undefined);
  }

  get size(): number {
    return this.count + this.ringCount;
  }

  /** Whether the FIFO lane holds the earliest item (both lanes non-empty is the only contest). */
  private ringFirst(): boolean {
    if (this.ringCount === 0) return false;
    if (this.count === 0) return true;
    const h = this.head;
    return this.before(this.ringTimes[h], this.ringSeqs[h], this.times[0], this.seqs[0]);
  }

  /** Time of the earliest item, or Infinity when empty. */
  peekTime(): number {
    if (this.ringFirst()) return this.ringTimes[this.head];
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.times[0];
  }

  /** The earliest item without removing it, or undefined when empty. */
  peekItem(): T | undefined {
    if (this.ringFirst()) return this.ringItems[this.head] as T;
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

  /**
   * Same contract as `push`, for items that usually come in time order (net deliveries): those go
   * to the FIFO lane; one earlier than the lane's last item goes to the heap, so order is exact.
   */
  pushInOrder(time: number, item: T): number {
    if (time < this.ringLastTime || !Number.isFinite(time)) return this.push(time, item);
    if (this.ringCount === this.ringTimes.length) this.growRing();
    const seq = this.nextSeq++;
    const at = (this.head + this.ringCount++) & (this.ringTimes.length - 1);
    this.ringTimes[at] = time;
    this.ringSeqs[at] = seq;
    this.ringItems[at] = item;
    this.ringLastTime = time;
    return seq;
  }

  /** Removes and returns the earliest item with its time and sequence, or undefined when empty. */
  pop(): { time: number; seq: number; item: T } | undefined {
    if (this.ringFirst()) {
      const h = this.head;
      const time = this.ringTimes[h];
      const seq = this.ringSeqs[h];
      return { time, seq, item: this.popItem() as T };
    }
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
    if (this.ringFirst()) {
      const h = this.head;
      const item = this.ringItems[h] as T;
      this.ringItems[h] = undefined;
      this.head = (h + 1) & (this.ringTimes.length - 1);
      if (--this.ringCount === 0) {
        this.head = 0;
        this.ringLastTime = Number.NEGATIVE_INFINITY;
      }
      return item;
    }
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

  /** Doubles the ring, unwrapping it so the head lands at 0. */
  private growRing(): void {
    const old = this.ringTimes.length;
    const times = new Float64Array(old * 2);
    const seqs = new Float64Array(old * 2);
    const items = new Array<T | undefined>(old * 2).fill(undefined);
    for (let k = 0; k < this.ringCount; k++) {
      const from = (this.head + k) & (old - 1);
      times[k] = this.ringTimes[from];
      seqs[k] = this.ringSeqs[from];
      items[k] = this.ringItems[from];
    }
    this.ringTimes = times;
    this.ringSeqs = seqs;
    this.ringItems = items;
    this.head = 0;
  }
}
