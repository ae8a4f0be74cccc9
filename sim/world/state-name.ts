/**
 * A state value as one stable string: "idle", "idle.pulling", "working(job.toPickup|tracker.ticking)".
 * Key order follows the machine definition, which is fixed, so the string is deterministic.
 */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.length === 1) {
    const child = record[keys[0]];
    const inner = stateName(child);
    return typeof child === 'object' && child !== null && Object.keys(child).length > 1
      ? `${keys[0]}(${inner})`
      : `${keys[0]}.${inner}`;
  }
  return keys.map((k) => `${k}.${stateName(record[k])}`).join('|');
}
