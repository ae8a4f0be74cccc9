import {
  type Actor,
  type AnyActorRef,
  type AnyStateMachine,
  createActor,
  type EventObject,
  type InputFrom,
  type InspectionEvent,
} from 'xstate';
import type { Kernel } from '../kernel/kernel.ts';

/** A delayed event the actor had armed when it crashed, by where its source and target sit. */
interface DurableTimer {
  readonly sourcePath: readonly string[];
  readonly targetPath: readonly string[];
  readonly event: EventObject;
  readonly id: string;
  /** Absolute sim time it falls due. */
  readonly due: number;
}

export interface DurableActorOptions<TLogic extends AnyStateMachine> {
  readonly id: string;
  readonly logic: TLogic;
  readonly input: InputFrom<TLogic>;
  readonly kernel: Kernel;
  readonly inspect?: (event: InspectionEvent) => void;
  /** Called with every snapshot of the root actor (state log, telemetry). */
  readonly observe?: (snapshot: { value: unknown; context: unknown; status: string }) => void;
  /** Called with each new actor before it starts (the bench maps its system to itself). */
  readonly launched?: (actor: Actor<TLogic>) => void;
  /** The actor failed (an action, guard or assigner threw): it is stopped by XState. */
  readonly failed?: (error: unknown) => void;
}

/** The chain of actor ids from the root down to `ref` (empty for the root itself). */
function pathOf(ref: AnyActorRef, root: AnyActorRef): string[] {
  const path: string[] = [];
  let at: AnyActorRef | undefined = ref;
  while (at && at !== root) {
    path.unshift(at.id);
    at = (at as { _parent?: AnyActorRef })._parent;
  }
  return path;
}

function refAt(root: AnyActorRef, path: readonly string[]): AnyActorRef | undefined {
  let at: AnyActorRef | undefined = root;
  for (const id of path) {
    const snapshot: { children?: Record<string, AnyActorRef> } | undefined = at?.getSnapshot();
    at = snapshot?.children?.[id];
  }
  return at;
}

/**
 * An actor that can crash and restart from its persisted snapshot, as a process backed by durable
 * storage would: `crash()` keeps `getPersistedSnapshot()` and the timers it had armed (delayed
 * transitions, delayed raises of it and its children), stops it, and from then on it receives
 * nothing; `restart()` creates it again from the snapshot and re-arms each timer for the instant it
 * was due (at once if that passed while it was down).
 *
 * Why the timers: XState's persisted snapshot holds state and context but not the scheduler, so a
 * restored order would wait forever for a timeout it had armed. A real server keeps its timers
 * durable (the dispatch server re-derives them from its journal); the check does the same here.
 */
export class DurableActor<TLogic extends AnyStateMachine> {
  private current: Actor<TLogic> | null = null;
  private saved: { snapshot: unknown; timers: DurableTimer[] } | null = null;
  /** `<source session>.<timer id>` → due time, for every timer armed since the last (re)start. */
  private readonly dueAt = new Map<string, number>();
  private timerSeq = 0;
  crashes = 0;

  constructor(private readonly options: DurableActorOptions<TLogic>) {}

  get id(): string {
    return this.options.id;
  }

  get up(): boolean {
    return this.current !== null;
  }

  /** The running actor; throws while it is down (a caller bug: check `up` first). */
  get actor(): Actor<TLogic> {
    if (!this.current) throw new Error(`${this.options.id} is down`);
    return this.current;
  }

  /** The live snapshot, or while down the persisted one it will restart from. */
  snapshot(): { value: unknown; context: unknown } | null {
    if (this.current) return this.current.getSnapshot() as { value: unknown; context: unknown };
    return (this.saved?.snapshot as { value: unknown; context: unknown } | undefined) ?? null;
  }

  start(): this {
    this.launch(undefined);
    return this;
  }

  /** Delivers an event; returns false (and the event is lost) while the actor is down. */
  send(event: EventObject): boolean {
    if (!this.current) return false;
    this.current.send(event as never);
    return true;
  }

  crash(): void {
    const actor = this.current;
    if (!actor) return;
    const pending = actor.system.getSnapshot()._scheduledEvents;
    const timers: DurableTimer[] = [];
    for (const key of Object.keys(pending).sort()) {
      const t = pending[key]!;
      const due = this.dueAt.get(`${t.source.sessionId}.${t.id}`);
      if (due === undefined) continue;
      timers.push({
        sourcePath: pathOf(t.source, actor),
        targetPath: pathOf(t.target, actor),
        event: t.event,
        id: t.id,
        due,
      });
    }
    this.saved = { snapshot: actor.getPersistedSnapshot(), timers };
    this.current = null;
    this.crashes++;
    actor.stop();
  }

  restart(): void {
    if (this.current || !this.saved) return;
    const { snapshot, timers } = this.saved;
    this.saved = null;
    const actor = this.launch(snapshot);
    for (const t of timers) {
      const source = refAt(actor, t.sourcePath);
      const target = refAt(actor, t.targetPath);
      if (!source || !target) continue;
      actor.system.scheduler.schedule(
        source,
        target,
        t.event,
        Math.max(0, t.due - this.options.kernel.now),
        t.id,
      );
    }
  }

  stop(): void {
    this.current?.stop();
    this.current = null;
  }

  private launch(snapshot: unknown): Actor<TLogic> {
    const { logic, input, kernel, inspect, id } = this.options;
    this.dueAt.clear();
    const options = {
      id,
      clock: kernel.clock,
      ...(snapshot === undefined ? { input } : { snapshot }),
      ...(inspect ? { inspect } : {}),
    };
    const actor = (createActor as (logic: AnyStateMachine, options: object) => Actor<TLogic>)(logic, options);
    const scheduler = actor.system.scheduler;
    const schedule = scheduler.schedule;
    // records when each timer falls due; XState's own id for an unnamed delayed event is random
    scheduler.schedule = (source, target, event, delay, timerId) => {
      const resolved = timerId ?? `timer-${++this.timerSeq}`;
      this.dueAt.set(`${source.sessionId}.${resolved}`, kernel.now + delay);
      schedule(source, target, event, delay, resolved);
    };
    this.current = actor;
    this.options.launched?.(actor);
    const { observe, failed } = this.options;
    actor.subscribe({
      next: (snap) => observe?.(snap as never),
      error: (err) => failed?.(err),
    });
    actor.start();
    return actor;
  }
}
