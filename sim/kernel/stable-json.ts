const quotedKeys = new Map<string, string>();

/** JSON-quoted key, memoised: the event log writes the same few dozen keys millions of times. */
function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
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

/**
 * JSON with object keys in sorted order at every depth, so the same value always serialises to the
 * same bytes regardless of how it was built. The event log and its hash depend on this.
 */
export function stableStringify(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
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
    return stableStringify(Array.from(value as unknown as ArrayLike<number>));
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of sortedKeys(record)) {
    const v = record[key];
    if (v === undefined || typeof v === 'function') continue;
    if (!first) out += ',';
    first = false;
    out += `${quoteKey(key)}:${stableStringify(v)}`;
  }
  return `${out}}`;
}
