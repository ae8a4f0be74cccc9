/**
 * JSON with object keys in sorted order at every depth, so the same value always serialises to the
 * same bytes regardless of how it was built. The event log and its hash depend on this.
 */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return value === undefined ? 'null' : JSON.stringify(value);
  }
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
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined || typeof v === 'function') continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(key)}:${stableStringify(v)}`;
  }
  return `${out}}`;
}
