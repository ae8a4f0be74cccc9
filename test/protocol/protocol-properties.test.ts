import { describe, expect, it } from 'vitest';
import { type CheckOptions, checkProtocol, formatReport } from '../../sim/check/check-run.ts';

/**
 * The protocol properties of the five flows, each run on fresh seeded cases with every invariant
 * checked after each step and at the end. The configurations here are the ones the machines are
 * meant to pass as they stand; `citytwin check` with its defaults runs every flow under every kind
 * of fault at once (see the README's "Protocol checks").
 */
const CASES: (Omit<CheckOptions, 'seed' | 'runs'> & { name: string; seed: number; runs: number })[] = [
  { name: 'all five flows together, no faults', seed: 101, runs: 120, faults: [] },
  {
    name: 'errands under network faults, crashes, device faults and attacks',
    seed: 202,
    runs: 150,
    flows: ['errand'],
    faults: ['network', 'crash', 'devices', 'attacks'],
  },
  { name: 'rentals under every fault', seed: 303, runs: 120, flows: ['rental'] },
  { name: 'preorders under every fault', seed: 404, runs: 120, flows: ['preorder'] },
  {
    name: 'robot carts under crashes, silent devices and device faults',
    seed: 505,
    runs: 120,
    flows: ['robot'],
    faults: ['crash', 'silence', 'devices'],
  },
  {
    name: 'trunk deliveries under device faults and attacks',
    seed: 606,
    runs: 120,
    flows: ['trunk'],
    faults: ['devices', 'attacks'],
  },
];

describe('protocol properties (seeded fast-check model runs)', () => {
  for (const c of CASES) {
    it(`${c.name} (seed ${c.seed}, ${c.runs} runs)`, async () => {
      const report = await checkProtocol({ ...c, logDir: 'test-artifacts/protocol' });
      expect(report.ok, formatReport(report)).toBe(true);
      expect(report.runs).toBe(c.runs);
    });
  }
});
