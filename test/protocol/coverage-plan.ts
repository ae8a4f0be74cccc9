/**
 * Transition coverage across the tests: which transitions of which machine something reached.
 * Two sources feed it — the protocol harness's runs (every actor of the town inspected, each
 * `@xstate.microstep` mapped to its transition key) and `xstate/graph` coverage plans, modules
 * named `*.coverage.ts` under test/ that export `coveragePlans`: a machine with the scenarios
 * `coverTransitions` explores. Keys (`<state id>:<event>#<index>`) are the same for a machine and
 * every `.provide()` copy of it, so reached sets merge by machine id.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AnyStateMachine, InspectionEvent } from 'xstate';
import { StateMachine } from 'xstate';
import { coverTransitions, type ScenarioOf, transitionIndex } from '../machines/transition-coverage.ts';

export interface CoveragePlan<TMachine extends AnyStateMachine = AnyStateMachine> {
  readonly machine: TMachine;
  readonly scenarios: readonly ScenarioOf<TMachine>[];
  /** Traversal limit per scenario (default 5 000 graph states). */
  readonly limit?: number;
}

/** Type-checks a plan against its machine; the list holds plans of many machines. */
export function plan<TMachine extends AnyStateMachine>(p: CoveragePlan<TMachine>): CoveragePlan {
  return p as unknown as CoveragePlan;
}

/** Reached transition keys, by machine id. */
export class Reached {
  readonly byMachine = new Map<string, Set<string>>();

  add(machineId: string, key: string): void {
    let set = this.byMachine.get(machineId);
    if (!set) {
      set = new Set();
      this.byMachine.set(machineId, set);
    }
    set.add(key);
  }

  has(machineId: string, key: string): boolean {
    return this.byMachine.get(machineId)?.has(key) === true;
  }

  /** An inspector that records every transition any actor takes (pass it to the bench). */
  readonly inspect = (ev: InspectionEvent): void => {
    if (ev.type !== '@xstate.microstep') return;
    const logic = (ev.actorRef as { logic?: unknown }).logic;
    if (!(logic instanceof StateMachine)) return;
    const index = transitionIndex(logic as AnyStateMachine);
    for (const t of ev._transitions) {
      const info = index.get(t);
      if (info) this.add((logic as AnyStateMachine).id, info.key);
    }
  };
}

/** Every exported state machine of `dir` (each file's exports), by machine id. */
export async function discoverMachines(
  dir: string,
): Promise<Map<string, { machine: AnyStateMachine; file: string }>> {
  const found = new Map<string, { machine: AnyStateMachine; file: string }>();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const mod = (await import(join(dir, file))) as Record<string, unknown>;
    for (const value of Object.values(mod))
      if (value instanceof StateMachine && !found.has(value.id))
        found.set(value.id, { machine: value, file });
  }
  return found;
}

/** The coverage plan modules under `root` (files ending in `.coverage.ts`), with their plans. */
export async function discoverPlans(
  root: string,
): Promise<{ file: string; plans: readonly CoveragePlan[] }[]> {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.coverage.ts')) files.push(path);
    }
  };
  walk(root);
  const out: { file: string; plans: readonly CoveragePlan[] }[] = [];
  for (const file of files.sort()) {
    const mod = (await import(file)) as { coveragePlans?: readonly CoveragePlan[] };
    out.push({ file: relative(root, file), plans: mod.coveragePlans ?? [] });
  }
  return out;
}

/** Runs a plan's graph exploration and adds what its replays reached; returns replay errors. */
export function runPlan(p: CoveragePlan, into: Reached): string[] {
  const report = coverTransitions(p.machine, p.scenarios, { limit: p.limit ?? 5_000 });
  for (const key of report.reached) into.add(p.machine.id, key);
  return report.runs.flatMap((r) =>
    r.recorded.errors.map((e) => `${p.machine.id} (${r.scenario}): ${String(e)}`),
  );
}
