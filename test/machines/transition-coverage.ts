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
import {
  type Actor,
  type AnyEventObject,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  createActor,
  createEmptyActor,
  type EventFromLogic,
  type EventObject,
  fromCallback,
  type InputFrom,
  type InspectionEvent,
  initialTransition,
  SimulatedClock,
  type SnapshotFrom,
} from 'xstate';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';

export interface TransitionInfo {
  /** `<sourceStateId>:<event>#<index>`, stable across runs and `.provide()` copies. */
  readonly key: string;
  /** Id of the state node that owns the transition. */
  readonly source: string;
  /** The event type (`xstate.after.…` for delayed, `''` for eventless transitions). */
  readonly eventType: string;
  readonly index: number;
  /** Target state ids; empty for targetless (actions-only) transitions. */
  readonly targets: readonly string[];
  readonly guard: string | null;
  readonly definition: AnyTransitionDefinition;
}

function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return 'inline';
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') return guard.type;
  return 'guard';
}

function describe(node: AnyStateNode, def: AnyTransitionDefinition, index: number): TransitionInfo {
  const delay: unknown = 'delay' in def ? def.delay : undefined;
  const eventType = def.eventType ?? '';
  const label = delay !== undefined ? `after.${String(delay)}` : eventType === '' ? 'always' : eventType;
  return {
    key: `${node.id}:${label}#${index}`,
    source: node.id,
    eventType,
    index,
    targets: (def.target ?? []).map((t) => t.id),
    guard: guardName(def.guard),
    definition: def,
  };
}

/** Every transition of the machine, in document order (per state node: `on`/`after`, then `always`). */
export function listTransitions(machine: AnyStateMachine): TransitionInfo[] {
  const out: TransitionInfo[] = [];
  const walk = (node: AnyStateNode): void => {
    for (const defs of node.transitions.values()) {
      defs.forEach((def, i) => {
        out.push(describe(node, def, i));
      });
    }
    (node.always ?? []).forEach((def, i) => {
      out.push(describe(node, def, i));
    });
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  return out;
}

/** The delayed-transition events (`xstate.after.<delay>.<stateId>`) armed in this snapshot. */
export function delayedEvents(snapshot: { _nodes: readonly AnyStateNode[] }): AnyEventObject[] {
  const types = new Set<string>();
  for (const node of snapshot._nodes) for (const t of node.after) types.add(t.eventType);
  return [...types].map((type) => ({ type }));
}

/**
 * The machine as seen by the graph traversal. `xstate/graph` runs transitions in a mock actor scope
 * without a parent, where `sendParent` throws; this view gives each transition a fresh scope whose
 * `self` has an inert parent (and its own system, so spawned children's system ids never collide).
 */
export function graphView<TMachine extends AnyStateMachine>(machine: TMachine): TMachine {
  type Scope = Parameters<TMachine['transition']>[2];
  const withParent = (scope: Scope): Scope => {
    const self = createEmptyActor();
    self._parent = createEmptyActor();
    return { ...scope, self, system: self.system };
  };
  return new Proxy(machine, {
    get(target, prop) {
      if (prop === 'transition') {
        return (snapshot: SnapshotFrom<TMachine>, event: EventFromLogic<TMachine>, scope: Scope) =>
          target.transition(snapshot, event, withParent(scope));
      }
      if (prop === 'getInitialSnapshot') {
        return (scope: Scope, input?: InputFrom<TMachine>) =>
          target.getInitialSnapshot(withParent(scope), input);
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The initial snapshot of `machine` for `input`, as the graph traversal sees it (`fromState`). */
export function initialSnapshot<TMachine extends AnyStateMachine>(
  machine: TMachine,
  input: InputFrom<TMachine>,
): SnapshotFrom<TMachine> {
  const [snapshot] = initialTransition(graphView(machine), input);
  return snapshot;
}

/**
 * Advances a `SimulatedClock` one millisecond at a time. `SimulatedClock.increment(ms)` moves `now`
 * first and then fires what is due, so a timer re-armed by a fired timer starts from the new `now`;
 * small steps keep periodic timers (re-push, tracking) firing at their real times.
 */
export function advance(clock: SimulatedClock, ms: number, step = 1): void {
  for (let t = 0; t < ms; t += step) clock.increment(Math.min(step, ms - t));
}

export interface Effect {
  /** The action type: a named action (`send`, `lifecycle`…) or a built-in (`xstate.sendTo`…). */
  readonly type: string;
  readonly params: unknown;
}

/** A real actor of `machine` under a recording parent, a simulated clock and an inspector. */
export interface RecordedActor<TMachine extends AnyStateMachine> {
  readonly actor: Actor<TMachine>;
  readonly clock: SimulatedClock;
  /** Transitions the actor took, in order (keys of `listTransitions`). */
  readonly taken: string[];
  /** Actions the actor itself executed, in order. */
  readonly effects: Effect[];
  /** Actions every actor of the system executed (the machine and the children it spawned). */
  readonly allEffects: (Effect & { readonly actorId: string })[];
  /** Events the actor sent to its parent (`sendParent`, done events). */
  readonly toParent: AnyEventObject[];
  /** Errors the actor reported (a thrown action, guard or assigner). */
  readonly errors: unknown[];
  send(event: EventFromLogic<TMachine>): void;
  /** Effects of one named type, as their params. */
  effectsOf<TParams = unknown>(type: string): TParams[];
}

const indexCache = new WeakMap<AnyStateMachine, Map<AnyTransitionDefinition, TransitionInfo>>();

/** Transition definition object → its description, for the microstep inspector. */
export function transitionIndex(machine: AnyStateMachine): Map<AnyTransitionDefinition, TransitionInfo> {
  let index = indexCache.get(machine);
  if (!index) {
    index = new Map(listTransitions(machine).map((t) => [t.definition, t]));
    indexCache.set(machine, index);
  }
  return index;
}

/**
 * Starts `machine` with `input` as the child of a recording parent, on a `SimulatedClock`, and
 * records the transitions it takes (from `@xstate.microstep` inspection events) and the actions it
 * runs (from `@xstate.action`). Children the machine spawns run too; their transitions are not
 * this machine's and are not recorded.
 */
export function startRecorded<TMachine extends AnyStateMachine>(
  machine: TMachine,
  input: InputFrom<TMachine>,
): RecordedActor<TMachine> {
  const index = transitionIndex(machine);
  const clock = new SimulatedClock();
  const taken: string[] = [];
  const actionLog: { actor: unknown; actorId: string; effect: Effect }[] = [];
  const toParent: AnyEventObject[] = [];
  const errors: unknown[] = [];
  const inspect = (ev: InspectionEvent): void => {
    if (ev.type === '@xstate.microstep') {
      for (const t of ev._transitions) {
        const info = index.get(t);
        if (info) taken.push(info.key);
      }
    } else if (ev.type === '@xstate.action') {
      actionLog.push({
        actor: ev.actorRef,
        actorId: 'id' in ev.actorRef && typeof ev.actorRef.id === 'string' ? ev.actorRef.id : '',
        effect: { type: ev.action.type, params: ev.action.params },
      });
    }
  };
  const parent = createActor(
    fromCallback<AnyEventObject>(({ receive }) => {
      receive((event) => {
        toParent.push(event);
      });
    }),
    { clock, inspect },
  );
  parent.start();
  const actor = createActor(machine, { input, parent, clock }) as Actor<TMachine>;
  actor.subscribe({
    error: (err) => {
      errors.push(err);
    },
  });
  actor.start();
  const own = (): Effect[] => actionLog.filter((a) => a.actor === actor).map((a) => a.effect);
  return {
    actor,
    clock,
    taken,
    get effects() {
      return own();
    },
    get allEffects() {
      return actionLog.map((a) => ({ actorId: a.actorId, ...a.effect }));
    },
    toParent,
    errors,
    send: (event) => {
      actor.send(event);
    },
    effectsOf: <TParams>(type: string) =>
      own()
        .filter((e) => e.type === type)
        .map((e) => e.params as TParams),
  };
}

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
