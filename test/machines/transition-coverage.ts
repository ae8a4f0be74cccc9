/**
 * Transition coverage for XState v5 machines, built on `xstate/graph`.
 *
 * 1. `listTransitions` enumerates every transition of a machine definition (event, delayed `after`
 *    and eventless `always` transitions of every state node), each with a stable key
 *    `<sourceStateId>:<event>#<index>` (`after.<delay>` for delayed ones, `always` for eventless).
 * 2. `coverTransitions` explores the machine with `getAdjacencyMap` / `getShortestPaths` over an
 *    abstract state (`key`) the caller chooses, then builds one path per edge of that graph: the
 *    shortest path to the edge's source followed by the edge's event.
 * 3. Every path is replayed on a real actor (`SimulatedClock`, a recording parent) and the
 *    `@xstate.microstep` inspection events say which transitions the actor really took; the
 *    report compares them with `listTransitions` and checks that each replay ends in the state the
 *    graph predicted.
 *
 * Delayed transitions appear in the graph as their `xstate.after.<delay>.<stateId>` events, which
 * `coverTransitions` offers automatically while the state is active and the replay sends directly
 * (the clock never advances during a replay, so the real timers never interfere).
 */

import { expect } from 'vitest';
import type {
  AnyEventObject,
  AnyMachineSnapshot,
  AnyStateMachine,
  EventFromLogic,
  EventObject,
  InputFrom,
  SnapshotFrom,
} from 'xstate';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import {
  delayedEvents,
  graphView,
  listTransitions,
  type RecordedActor,
  startRecorded,
  type TransitionInfo,
} from './recorded-actor.ts';

export {
  advance,
  delayedEvents,
  type Effect,
  graphView,
  initialSnapshot,
  listTransitions,
  type RecordedActor,
  startRecorded,
  type TransitionInfo,
  transitionIndex,
} from './recorded-actor.ts';

/** One way to explore the machine: an input, the events offered in each state, the abstract state. */
export interface Scenario<TSnapshot extends AnyMachineSnapshot, TEvent extends EventObject, TInput> {
  readonly name: string;
  readonly input: TInput;
  /**
   * Events worth sending in this snapshot (concrete payloads; delayed-transition events are added
   * automatically). Offer events conditionally to keep the graph finite.
   */
  readonly events: (snapshot: TSnapshot) => readonly TEvent[];
  /**
   * The abstract state: the state value plus the context fields the guards and the offered events
   * depend on. Snapshots with the same key are one vertex of the graph.
   */
  readonly key: (snapshot: TSnapshot) => string;
}

/** The scenario type of one machine. */
export type ScenarioOf<TMachine extends AnyStateMachine> = Scenario<
  SnapshotFrom<TMachine>,
  EventFromLogic<TMachine>,
  InputFrom<TMachine>
>;

export interface PathRun<TMachine extends AnyStateMachine> {
  readonly scenario: string;
  readonly events: readonly EventFromLogic<TMachine>[];
  /** Abstract state the graph predicts at the end of the path, and the one the actor reached. */
  readonly expectedKey: string;
  readonly actualKey: string;
  readonly snapshot: SnapshotFrom<TMachine>;
  readonly recorded: RecordedActor<TMachine>;
}

export interface CoverageReport<TMachine extends AnyStateMachine> {
  readonly machineId: string;
  readonly transitions: readonly TransitionInfo[];
  readonly reached: ReadonlySet<string>;
  readonly uncovered: readonly TransitionInfo[];
  /** Vertices of the explored graphs (all scenarios). */
  readonly states: number;
  readonly runs: readonly PathRun<TMachine>[];
  /** Replays that did not end where the graph said, or where the actor failed. */
  readonly mismatches: readonly string[];
}

export interface CoverageOptions {
  /** Traversal limit per scenario (guards against an unbounded abstract state). */
  readonly limit?: number;
}

/** The events to send to replay a graph path (`xstate/graph` puts `xstate.init` first, then the event
 * that led to each step's state). */
export function pathEvents<TEvent extends EventObject>(path: {
  steps: readonly { event: TEvent }[];
}): TEvent[] {
  return path.steps.slice(1).map((s) => s.event);
}

type AnyScenario = Scenario<AnyMachineSnapshot, AnyEventObject, unknown>;

/**
 * Explores every scenario, replays one path per graph edge on a real actor and reports which of the
 * machine's transitions were taken. `machine` must be the very object whose transitions are listed
 * (a `.provide()` copy has its own transition objects): pass the provided machine everywhere.
 */
export function coverTransitions<TMachine extends AnyStateMachine>(
  machine: TMachine,
  scenarios: readonly ScenarioOf<TMachine>[],
  options: CoverageOptions = {},
): CoverageReport<TMachine> {
  return coverAny(
    machine,
    scenarios as unknown as readonly AnyScenario[],
    options,
  ) as unknown as CoverageReport<TMachine>;
}

function coverAny(
  machine: AnyStateMachine,
  scenarios: readonly AnyScenario[],
  options: CoverageOptions,
): CoverageReport<AnyStateMachine> {
  const transitions = listTransitions(machine);
  const reached = new Set<string>();
  const runs: PathRun<AnyStateMachine>[] = [];
  const mismatches: string[] = [];
  const logic = graphView(machine);
  let states = 0;
  for (const scenario of scenarios) {
    const traversal = {
      input: scenario.input,
      limit: options.limit ?? 50_000,
      serializeState: (snapshot: AnyMachineSnapshot) => scenario.key(snapshot),
      events: (snapshot: AnyMachineSnapshot): AnyEventObject[] =>
        snapshot.status === 'active' ? [...scenario.events(snapshot), ...delayedEvents(snapshot)] : [],
    };
    const adjacency = getAdjacencyMap(logic, traversal);
    const shortest = new Map<string, AnyEventObject[]>();
    for (const path of getShortestPaths(logic, traversal)) {
      shortest.set(scenario.key(path.state), pathEvents(path));
    }
    states += Object.keys(adjacency).length;
    for (const [sourceKey, vertex] of Object.entries(adjacency)) {
      const prefix = shortest.get(sourceKey);
      if (!prefix) {
        mismatches.push(`${scenario.name}: no shortest path to ${sourceKey}`);
        continue;
      }
      // the empty path proves the initial (eventless) transitions. Every edge is replayed, even one
      // that returns the very same snapshot: a targetless transition without `assign` does that.
      const paths = prefix.length === 0 ? [{ events: prefix, expected: sourceKey }] : [];
      const edges = Object.values(vertex.transitions) as {
        event: AnyEventObject;
        state: AnyMachineSnapshot;
      }[];
      for (const edge of edges) {
        paths.push({ events: [...prefix, edge.event], expected: scenario.key(edge.state) });
      }
      for (const p of paths) {
        const recorded = startRecorded(machine, scenario.input);
        for (const event of p.events) recorded.send(event);
        const snapshot: AnyMachineSnapshot = recorded.actor.getSnapshot();
        const actualKey = scenario.key(snapshot);
        for (const k of recorded.taken) reached.add(k);
        runs.push({
          scenario: scenario.name,
          events: p.events,
          expectedKey: p.expected,
          actualKey,
          snapshot,
          recorded,
        });
        if (actualKey !== p.expected || recorded.errors.length > 0) {
          const errs = recorded.errors.map(String).join('; ');
          mismatches.push(
            `${scenario.name}: [${p.events.map((e) => e.type).join(' → ')}] expected ${p.expected}, got ${actualKey}${errs ? ` (errors: ${errs})` : ''}`,
          );
        }
      }
    }
  }
  const uncovered = transitions.filter((t) => !reached.has(t.key));
  return { machineId: machine.id, transitions, reached, uncovered, states, runs, mismatches };
}

/** One line per machine for the test output, plus the uncovered transitions if any. */
export function formatCoverage(report: CoverageReport<AnyStateMachine>): string {
  const head =
    `${report.machineId}: ${report.reached.size}/${report.transitions.length} transitions reached ` +
    `(${report.states} graph states, ${report.runs.length} path replays)`;
  const lines = report.uncovered.map((t) => `  uncovered ${t.key}${t.guard ? ` [${t.guard}]` : ''}`);
  return [head, ...lines].join('\n');
}

export function printCoverage(report: CoverageReport<AnyStateMachine>): void {
  console.log(formatCoverage(report));
}

/** A machine's coverage, explored once per test file on first use (several tests read its paths). */
export function lazyCoverage<TMachine extends AnyStateMachine>(
  machine: TMachine,
  scenarios: readonly ScenarioOf<TMachine>[],
): () => CoverageReport<TMachine> {
  let report: CoverageReport<TMachine> | undefined;
  return () => {
    report ??= coverTransitions(machine, scenarios);
    return report;
  };
}

/** What every machine's coverage test asserts: each transition reached, every replay as explored. */
export function expectFullCoverage(report: CoverageReport<AnyStateMachine>): void {
  printCoverage(report);
  expect(report.mismatches).toEqual([]);
  expect(report.uncovered.map((t) => t.key)).toEqual([]);
}
