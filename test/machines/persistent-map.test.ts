import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  emptyMap,
  mapDelete,
  mapEntries,
  mapGet,
  mapHas,
  mapKeys,
  mapSet,
  type PersistentMap,
} from '../../machines/persistent-map.ts';

const SEED = 77;

/**
 * The model: 64 buckets by FNV-1a of the key, insertion order inside each, a key that is set again
 * keeping its place. Every context table's iteration order (and so every event log) rests on it.
 */
class Model {
  readonly buckets = Array.from({ length: 64 }, () => new Map<string, number>());
  static bucketOf(key: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0) % 64;
  }
  set(k: string, v: number) {
    this.buckets[Model.bucketOf(k)].set(k, v);
  }
  delete(k: string) {
    this.buckets[Model.bucketOf(k)].delete(k);
  }
  entries(): [string, number][] {
    return this.buckets.flatMap((b) => [...b]);
  }
}

/** Three sets to one delete over 8 000 keys: buckets grow well past the plain-Map size. */
const op = fc.tuple(
  fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
  fc.integer({ min: 0, max: 8_000 }),
  fc.integer(),
);

describe('persistent map', () => {
  test.prop([fc.array(op, { minLength: 8_000, maxLength: 12_000 })], {
    seed: SEED,
    numRuns: 12,
    endOnFailure: true,
  })(
    `large buckets (hash tries) keep the order, contents and history of small ones (seed ${SEED})`,
    (ops) => {
      const model = new Model();
      let map: PersistentMap<number> = emptyMap();
      const history: { map: PersistentMap<number>; entries: [string, number][] }[] = [];
      ops.forEach(([set, n, v], i) => {
        const key = `K${n}`;
        if (set) {
          model.set(key, v);
          map = mapSet(map, key, v);
        } else {
          model.delete(key);
          map = mapDelete(map, key);
        }
        if (i % 997 === 0) history.push({ map, entries: model.entries() });
      });
      const entries = model.entries();
      expect([...mapEntries(map)]).toEqual(entries);
      expect(map.size).toBe(entries.length);
      expect(mapKeys(map)).toEqual(entries.map(([k]) => k).sort());
      for (const [k, v] of entries.slice(0, 200)) {
        expect(mapGet(map, k)).toBe(v);
        expect(mapHas(map, k)).toBe(true);
      }
      expect(mapHas(map, 'absent')).toBe(false);
      // earlier versions are untouched by later updates
      for (const h of history) expect([...mapEntries(h.map)]).toEqual(h.entries);
    },
  );
});
