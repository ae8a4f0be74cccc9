import type { AnyActorRef } from 'xstate';

interface RegisteringSystem {
  _register(sessionId: string, actor: AnyActorRef): string;
}

/** What `observeSystemSnapshots` reports about each actor of a system. */
export interface SystemSnapshotObserver {
  /** After each snapshot the actor emits while active, and its final one when it is done. */
  next(id: string, snapshot: { value?: unknown; status?: string }): void;
  /** When the actor is done or stopped: it emits nothing more. */
  end(id: string): void;
}

/**
 * Follows the snapshots of every actor that starts in `root`'s system (root included); call it
 * before `root.start()`.
 *
 * XState's `inspect` option reports the same snapshots, but once anything inspects a system XState
 * builds an inspection record for every event, action and microstep of every actor in it; dispatch
 * hosts every open order, so that was 3 % of a city day's time plus its garbage. Subscribing to
 * each actor as the system registers it costs one observer per actor and nothing per step.
 */
export function observeSystemSnapshots(root: AnyActorRef, observer: SystemSnapshotObserver): void {
  const system = root.system as unknown as RegisteringSystem;
  const register = system._register.bind(system);
  system._register = (sessionId, actor) => {
    const id = actor.id;
    actor.subscribe({
      next: (snapshot: { value?: unknown; status?: string }) => observer.next(id, snapshot),
      complete: () => observer.end(id),
      error: () => observer.end(id),
    });
    return register(sessionId, actor);
  };
}
