import {
  type Actor,
  type AnyEventObject,
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  createActor,
  createEmptyActor,
  type EventFromLogic,
  fromCallback,
  type InputFrom,
  type InspectionEvent,
  initialTransition,
  SimulatedClock,
  type SnapshotFrom,
} from 'xstate';

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
