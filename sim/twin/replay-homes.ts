import type { Point } from '../../machines/protocol.ts';
import type { City } from '../city/city.ts';
import type { Scenario } from '../scenario/schema.ts';
import { World } from '../world/world.ts';
import { WorldView } from '../world/world-view.ts';

/**
 * Where the scenario's world has each actor at 00:00 (stores, customers' homes, parked cars,
 * couriers' starts), for replaying a `citytwin run --log` of that scenario: the log does not say
 * where actors stand, but the world it came from places them deterministically from the seed. The
 * world is built, read once and closed; nothing of it runs.
 */
export async function scenarioHomes(
  scenario: Scenario,
  city: City,
  seed: number,
): Promise<Map<string, Point>> {
  const world = new World(scenario, city, { seed });
  try {
    const view = new WorldView(world);
    const homes = new Map<string, Point>();
    for (const actor of view.actors()) {
      const at = view.locate(actor, 0);
      if (at) homes.set(actor.id, { x: at.x, y: at.y });
    }
    return homes;
  } finally {
    await world.close();
  }
}
