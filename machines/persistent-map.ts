import { OrderedMap } from 'immutable';

/**
 * An immutable string-keyed map for machine contexts that grow to thousands of entries (orders,
 * requests, receipts, handed-over ids).
 *
 * Why: XState contexts are replaced, never mutated, so every update of a table copies it. A plain
 * object of a few hundred keys falls into V8's dictionary mode and a spread copy then costs
 * ~100 µs; over a day of tens of thousands of updates that dominated the run. Here the entries are
 * spread over a fixed number of buckets and an update copies one bucket and the bucket array. A
 * small bucket is a plain `Map` (copying a few entries is the cheapest update there is); a bucket
 * past `LARGE_BUCKET` entries becomes an immutable `OrderedMap` (a hash trie: an update copies a
 * path, not the bucket), because tables that only grow — the request ids of a day, half a million
 * in a large city — made every copy of a plain bucket cost thousands of entries. Plain functions
 * over plain data, like the other domain modules; iteration order is deterministic and the same for
 * both kinds of bucket (bucket, then insertion order).
 */

const BUCKETS = 64;
/** Above this many entries a bucket is an `OrderedMap` rather than a copied `Map`. */
const LARGE_BUCKET = 48;

/** A bucket's entries in insertion order: small ones a plain Map, large ones a hash trie. */
type Bucket<V> = ReadonlyMap<string, V> | OrderedMap<string, V>;

export interface PersistentMap<V> {
  readonly size: number;
  readonly buckets: readonly (Bucket<V> | undefined)[];
}

const EMPTY: PersistentMap<never> = { size: 0, buckets: new Array(BUCKETS).fill(undefined) };

/** The empty map (shared: it is never mutated). */
export function emptyMap<V>(): PersistentMap<V> {
  return EMPTY;
}

function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
}

export function mapGet<V>(map: PersistentMap<V>, key: string): V | undefined {
  return map.buckets[bucketOf(key)]?.get(key);
}

export function mapHas<V>(map: PersistentMap<V>, key: string): boolean {
  return map.buckets[bucketOf(key)]?.has(key) === true;
}

/** A new map with `key` set to `value`; the old map is untouched. */
export function mapSet<V>(map: PersistentMap<V>, key: string, value: V): PersistentMap<V> {
  const b = bucketOf(key);
  const old = map.buckets[b];
  const added = old?.has(key) ? 0 : 1;
  let bucket: Bucket<V>;
  if (OrderedMap.isOrderedMap(old)) bucket = (old as OrderedMap<string, V>).set(key, value);
  else if (old !== undefined && old.size + added > LARGE_BUCKET)
    bucket = OrderedMap<string, V>(old as ReadonlyMap<string, V>).set(key, value);
  else {
    const copy = new Map(old as ReadonlyMap<string, V> | undefined);
    copy.set(key, value);
    bucket = copy;
  }
  const buckets = map.buckets.slice();
  buckets[b] = bucket;
  return { size: map.size + added, buckets };
}

/** A new map without `key` (the same map when the key is absent). */
export function mapDelete<V>(map: PersistentMap<V>, key: string): PersistentMap<V> {
  const b = bucketOf(key);
  const old = map.buckets[b];
  if (!old?.has(key)) return map;
  const buckets = map.buckets.slice();
  if (old.size === 1) buckets[b] = undefined;
  else if (OrderedMap.isOrderedMap(old)) buckets[b] = (old as OrderedMap<string, V>).delete(key);
  else {
    const bucket = new Map(old as ReadonlyMap<string, V>);
    bucket.delete(key);
    buckets[b] = bucket;
  }
  return { size: map.size - 1, buckets };
}

/** Every entry, in the map's deterministic order. */
export function* mapEntries<V>(map: PersistentMap<V>): Generator<[string, V]> {
  for (const bucket of map.buckets) if (bucket) yield* bucket;
}

/** The keys, sorted: for tests, reports and anything that must not depend on bucket order. */
export function mapKeys<V>(map: PersistentMap<V>): string[] {
  const keys: string[] = [];
  for (const bucket of map.buckets) if (bucket) for (const [k] of bucket) keys.push(k);
  return keys.sort();
}

/** The map as a plain object with sorted keys, for tests and snapshots. */
export function mapToObject<V>(map: PersistentMap<V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of mapKeys(map)) out[k] = mapGet(map, k) as V;
  return out;
}
