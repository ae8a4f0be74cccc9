import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type AnyActorRef, createActor } from 'xstate';
import { loadCity } from '../sim/city/index.ts';
import { loadScenario } from '../sim/scenario/load-scenario.ts';
import { World } from '../sim/world/world.ts';
import type { BenchCase } from './bench-case.ts';

const COPIES = 2_000;

/** A full collection, so heap deltas count only what is still referenced. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

/** The world's actors of one kind, as XState refs (its private tables, read for measurement only). */
function actorsOf(world: World, id: string): AnyActorRef | undefined {
  const w = world as unknown as {
    actors: Map<string, AnyActorRef>;
    adopted: Map<string, { actor: AnyActorRef }>;
  };
  return w.actors.get(id) ?? w.adopted.get(id)?.actor;
}

/**
 * Bytes per idle actor of each kind: for one actor of every kind in the Monaco world at t = 0, start
 * COPIES more actors of the same logic and input on the world's clock and divide the heap growth
 * (after full collections) by COPIES. The actors stay idle: nothing runs the kernel.
 */
export async function run(): Promise<BenchCase[]> {
  const gc = collector();
  const scenario = loadScenario(resolve('scenarios/monaco.json'));
  const city = await loadCity({ osm: resolve('data/monaco.osm.pbf') });
  const world = new World(scenario, city, { seed: 42 });
  const firstOfKind = new Map<string, string>();
  for (const { id, kind } of world.actorIds()) if (!firstOfKind.has(kind)) firstOfKind.set(kind, id);
  const figures: Record<string, number> = {};
  for (const [kind, id] of [...firstOfKind].sort()) {
    const sample = actorsOf(world, id) as
      | (AnyActorRef & { logic: never; options: { input?: unknown } })
      | undefined;
    if (!sample) continue;
    gc();
    const before = process.memoryUsage().heapUsed;
    const copies = Array.from({ length: COPIES }, (_, i) =>
      createActor(sample.logic, {
        id: `${id}#${i}`,
        input: sample.options.input as never,
        clock: world.kernel.clock,
      }).start(),
    );
    gc();
    const bytes = (process.memoryUsage().heapUsed - before) / COPIES;
    for (const c of copies) c.stop();
    // an interpreted frame keeps every register alive: empty the array so the next kind's baseline
    // does not still hold these copies (they would be freed during, not before, its measurement)
    copies.length = 0;
    figures[`${kind}.bytesPerIdleActor`] = Math.round(bytes);
  }
  await world.close();
  return [{ name: `memory (bytes per idle actor, ${COPIES} copies of each kind)`, figures }];
}
