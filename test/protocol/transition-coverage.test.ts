import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { caseArbitrary, playCase } from '../../sim/check/check-run.ts';
import { listTransitions } from '../machines/transition-coverage.ts';
import { type CoveragePlan, discoverMachines, discoverPlans, Reached, runPlan } from './coverage-plan.ts';

const MACHINES = fileURLToPath(new URL('../../machines/', import.meta.url));
const TESTS = fileURLToPath(new URL('../', import.meta.url));

/** Harness runs feeding the coverage: every flow, every fault (broken runs reach transitions too). */
const HARNESS_RUNS = 300;
const HARNESS_SEED = 2024;

const reached = new Reached();
let machines: Map<string, { machine: AnyStateMachine; file: string }>;
let plans: { file: string; plans: readonly CoveragePlan[] }[];
const planErrors: string[] = [];

/**
 * Per machine, the transitions the protocol harness and the xstate/graph coverage plans reached.
 * Machines are discovered from machines/ (every exported state machine), so a new machine is
 * included automatically and fails here until something reaches each of its transitions.
 */
describe(`transition coverage of every machine (harness seed ${HARNESS_SEED}, ${HARNESS_RUNS} runs, plus graph plans)`, () => {
  beforeAll(async () => {
    machines = await discoverMachines(MACHINES);
    plans = await discoverPlans(TESTS);
    for (const c of fc.sample(caseArbitrary({ runs: HARNESS_RUNS, seed: HARNESS_SEED }, undefined), {
      numRuns: HARNESS_RUNS,
      seed: HARNESS_SEED,
    }))
      playCase(c, { inspect: reached.inspect });
    for (const { plans: list } of plans) for (const p of list) planErrors.push(...runPlan(p, reached));
  });

  it('finds the machines and the coverage plans', () => {
    expect(machines.size).toBeGreaterThan(10);
    expect(plans.length).toBeGreaterThan(0);
    for (const { file, plans: list } of plans)
      expect(list.length, `${file} exports no coveragePlans`).toBeGreaterThan(0);
  });

  it('the coverage plans replay without errors', () => {
    expect(planErrors).toEqual([]);
  });

  it('reaches every transition of every machine', () => {
    const lines: string[] = [];
    const uncovered: string[] = [];
    for (const [id, { machine, file }] of [...machines].sort(([a], [b]) => a.localeCompare(b))) {
      const all = listTransitions(machine);
      const missing = all.filter((t) => !reached.has(id, t.key));
      lines.push(`${id} (${file}): ${all.length - missing.length}/${all.length} transitions reached`);
      for (const t of missing) {
        lines.push(`  uncovered ${t.key}${t.guard ? ` [${t.guard}]` : ''}`);
        uncovered.push(`${id}: ${t.key}`);
      }
    }
    console.log(lines.join('\n'));
    expect(uncovered, 'add the missing paths to a *.coverage.ts plan or to the harness').toEqual([]);
  });
});
