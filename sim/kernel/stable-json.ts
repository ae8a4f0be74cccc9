let quotedStrings = new Map<string, string>();

/**
 * A string as JSON, memoised: the event log writes the same keys, actor ids, message types and
 * state names millions of times, and a map hit costs a fraction of `JSON.stringify`. The memo is
 * dropped whole when it fills, so one-off strings (order ids) cannot grow it without bound.
 */
export function quoteString(text: string): string {
  if (text.length > 32) return JSON.stringify(text);
  let quoted = quotedStrings.get(text);
  if (quoted === undefined) {
    quoted = JSON.stringify(text);
    if (quotedStrings.size >= 50_000) quotedStrings = new Map();
    quotedStrings.set(text, quoted);
  }
  return quoted;
}

/** Keys in code-unit order; most objects are built in a fixed order, so sorting is usually skipped. */
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) return keys.sort();
  }
  return keys;
}

/** A set of keys as met by `for…in`, one trie level per key, ending in their sorted order. */
interface Shape {
  readonly next: Map<string, Shape>;
  readonly path: readonly string[];
  sorted?: { keys: string[]; prefixes: string[] };
}

const shapes: Shape = { next: new Map(), path: [] };
let shapeCount = 0;

/**
 * The sorted keys (and their `"key":` prefixes) of a plain object, found by walking its keys with
 * `for…in` through a trie of the key sequences seen before: no key array, no sort, no quoting per
 * call. Messages come in a few dozen shapes; undefined once the trie is full (the caller sorts).
 * Only for plain objects: `for…in` also walks inherited keys.
 */
function shapeOf(record: Record<string, unknown>): { keys: string[]; prefixes: string[] } | undefined {
  let node = shapes;
  for (const key in record) {
    let child = node.next.get(key);
    if (child === undefined) {
      if (shapeCount >= 10_000) return undefined;
      shapeCount++;
      child = { next: new Map(), path: [...node.path, key] };
      node.next.set(key, child);
    }
    node = child;
  }
  if (node.sorted === undefined) {
    const keys = [...node.path].sort();
    node.sorted = { keys, prefixes: keys.map((k) => `${quoteString(k)}:`) };
  }
  return node.sorted;
}

function writeShaped(record: Record<string, unknown>, shape: { keys: string[]; prefixes: string[] }): string {
  const { keys, prefixes } = shape;
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const v = record[keys[i]];
    if (v === undefined || typeof v === 'function') continue;
    if (out.length > 1) out += ',';
    out += prefixes[i] + stableStringify(v);
  }
  return `${out}}`;
}

type IntegerArray =
  | Uint8Array
  | Int8Array
  | Uint8ClampedArray
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array;

function isIntegerArray(view: ArrayBufferView): view is IntegerArray {
  return (
    view instanceof Uint8Array ||
    view instanceof Int8Array ||
    view instanceof Uint8ClampedArray ||
    view instanceof Uint16Array ||
    view instanceof Int16Array ||
    view instanceof Uint32Array ||
    view instanceof Int32Array
  );
}

/**
 * JSON with object keys in sorted order at every depth, so the same value always serialises to the
 * same bytes regardless of how it was built. The event log and its hash depend on this.
 */
export function stableStringify(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return value === undefined ? 'null' : JSON.stringify(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += stableStringify(value[i]);
    }
    return `${out}]`;
  }
  if (ArrayBuffer.isView(value)) {
    // integers print the same through `join` as one by one (key signatures are 64-byte arrays)
    if (isIntegerArray(value)) return `[${value.join(',')}]`;
    return stableStringify(Array.from(value as unknown as ArrayLike<number>));
  }
  const record = value as Record<string, unknown>;
  const proto = Object.getPrototypeOf(record);
  if (proto === Object.prototype || proto === null) {
    const shape = shapeOf(record);
    if (shape !== undefined) return writeShaped(record, shape);
  }
  let out = '{';
  let first = true;
  for (const key of sortedKeys(record)) {
    const v = record[key];
    if (v === undefined || typeof v === 'function') continue;
    if (!first) out += ',';
    first = false;
    out += `${quoteString(key)}:${stableStringify(v)}`;
  }
  return `${out}}`;
}
