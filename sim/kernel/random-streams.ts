import { xoroshiro128plus } from 'pure-rand';

type Generator = ReturnType<typeof xoroshiro128plus>;

/** FNV-1a over the stream name: a stable, order-independent way to derive a sub-seed. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * One seeded random stream. Streams are derived from (world seed, stream name), not from the
 * order in which actors ask for them, so adding an actor never shifts another actor's numbers.
 */
export class RandomStream {
  private readonly gen: Generator;

  constructor(seed: number, name: string) {
    this.gen = xoroshiro128plus((seed ^ hashName(name)) | 0);
    // decorrelate neighbouring seeds
    for (let i = 0; i < 4; i++) this.gen.unsafeNext();
  }

  /** Uniform in [0, 1) with 53 bits. */
  float(): number {
    const hi = (this.gen.unsafeNext() >>> 0) >>> 5; // 27 bits
    const lo = (this.gen.unsafeNext() >>> 0) >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Integer uniform in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** Exponential variate with the given rate (events per unit). */
  exponential(rate: number): number {
    return -Math.log(1 - this.float()) / rate;
  }

  /** Normal variate (Box–Muller), used for noise such as beacon signal strength. */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.float();
    const v = this.float();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[Math.floor(this.float() * items.length)];
  }

  /** Picks an index with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}

/** The world's factory of named streams ("courier:C12", "demand:errand", "net"). */
export class RandomStreams {
  constructor(readonly seed: number) {}

  stream(name: string): RandomStream {
    return new RandomStream(this.seed, name);
  }
}
