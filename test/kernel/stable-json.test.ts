import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { stableStringify } from '../../sim/kernel/stable-json.ts';

/**
 * The obvious, slow definition the fast one must match: keys sorted at every depth. (Rebuilding a
 * sorted object and calling JSON.stringify would not do: JS puts integer-like keys first.)
 */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('stableStringify', () => {
  test.prop([fc.jsonValue()], { seed: 1703, numRuns: 500 })(
    'matches key-sorted JSON for any JSON value — seed 1703',
    (value) => {
      expect(stableStringify(value)).toBe(reference(value));
    },
  );

  test.prop([fc.oneof(fc.uint8Array(), fc.int32Array(), fc.uint16Array(), fc.float64Array())], {
    seed: 1705,
    numRuns: 300,
  })('typed arrays print as the array of their numbers — seed 1705', (view) => {
    expect(stableStringify({ signature: view })).toBe(stableStringify({ signature: Array.from(view) }));
  });

  test.prop([fc.dictionary(fc.string(), fc.integer())], { seed: 1704, numRuns: 300 })(
    'the same entries inserted in any order give the same bytes — seed 1704',
    (record) => {
      const reversed = Object.fromEntries(Object.entries(record).reverse());
      expect(stableStringify(reversed)).toBe(stableStringify(record));
    },
  );
});
