import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNS } from '../../sim/check/check-command.ts';
import { checkProtocol, formatReport } from '../../sim/check/check-run.ts';
import { MUTANTS } from './mutants.ts';

const LOG_DIR = 'test-artifacts/protocol-mutants';

/**
 * Proof that the harness finds bugs: every deliberately broken machine (test-only, see mutants.ts)
 * must break an invariant — the one it was made to break — within `citytwin check`'s default run
 * count, and the same configuration must hold with the product's own machines (see
 * protocol-properties.test.ts, which runs each of these configurations).
 */
describe('mutation check: the harness finds each broken machine', () => {
  for (const { mutant, rule, flows, faults } of MUTANTS) {
    it(`${mutant.name}: ${mutant.description} (seed 17)`, async () => {
      const report = await checkProtocol({
        runs: DEFAULT_RUNS,
        seed: 17,
        flows,
        ...(faults ? { faults } : {}),
        mutant,
        logDir: LOG_DIR,
      });
      const shown = formatReport(report);
      expect(report.ok, `not found in ${DEFAULT_RUNS} runs`).toBe(false);
      const c = report.counterexample!;
      expect(
        c.violations.some((v) => v.startsWith(`${rule}:`)),
        shown,
      ).toBe(true);
      expect(c.replay).toContain(`--seed 17 --path '${c.path}'`);
      expect(c.steps.length).toBeGreaterThan(0);
      expect(existsSync(c.logPath)).toBe(true);
    });
  }

  it('a counterexample replays from its seed and path: same violations, same event log (seed 17)', async () => {
    const { mutant, flows } = MUTANTS.find((m) => m.mutant.name === 'two-accepts-win')!;
    const dir = join(LOG_DIR, 'replay');
    rmSync(dir, { recursive: true, force: true });
    const found = await checkProtocol({ runs: DEFAULT_RUNS, seed: 17, flows, mutant, logDir: dir });
    const c = found.counterexample!;
    const firstLog = readFileSync(c.logPath, 'utf8');
    const replayed = await checkProtocol({ runs: 1, seed: 17, path: c.path, flows, mutant, logDir: dir });
    const r = replayed.counterexample!;
    expect(replayed.runs).toBe(1);
    expect(r.violations).toEqual(c.violations);
    expect(r.steps).toEqual(c.steps);
    expect(r.eventLogHash).toBe(c.eventLogHash);
    // the log is JSONL of the event-log schema, with the broken assignment in it
    const lines = readFileSync(r.logPath, 'utf8').trim().split('\n');
    expect(readFileSync(r.logPath, 'utf8')).toBe(firstLog);
    const entries = lines.map(
      (l) => JSON.parse(l) as { kind: string; msg?: { type?: string; ok?: boolean } },
    );
    expect(entries.filter((e) => e.msg?.type === 'errand.acceptResult' && e.msg.ok).length).toBeGreaterThan(
      1,
    );
  });
});
