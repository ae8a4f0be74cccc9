import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioHomes } from '../../sim/twin/replay-homes.ts';
import { ReplayIndex } from '../../sim/twin/replay-index.ts';
import { ReplayLayout, reportsInCity } from '../../sim/twin/replay-layout.ts';
import { readReplayLog } from '../../sim/twin/replay-log.ts';
import { ReplayView } from '../../sim/twin/replay-view.ts';
import { World } from '../../sim/world/world.ts';
import { WorldView } from '../../sim/world/world-view.ts';
import { expectedCounts, monacoCity, smallScenario } from './twin-fixture.ts';

const LOG = join('test-artifacts/twin-replay', 'small-run.jsonl');
const UNTIL = 20 * 60_000;

describe('a citytwin run --log of a Monaco scenario replays with its actors where the run had them', () => {
  it('draws every positioned actor of the scenario by kind, stands them at their homes, states as logged', async () => {
    const city = await monacoCity();
    const world = new World(smallScenario(), city, { seed: 7, logPath: LOG });
    const live = new WorldView(world);
    world.run(UNTIL);
    const liveStates = new Map(live.actors().map((a) => [a.id, live.state(a.id)]));
    const stores = new Map(
      live.actors().flatMap((a) => (a.kind === 'store' ? [[a.id, live.locate(a)]] : [])),
    );
    const hash = world.log.digest();
    await world.close(); // closes the log file too

    const index = new ReplayIndex(await readReplayLog(LOG));
    expect(reportsInCity(index, city.bbox)).toBe(true);
    const homes = await scenarioHomes(smallScenario(), city, 7);
    const view = new ReplayView(index, new ReplayLayout(index, city.bbox, homes));
    view.moveTo(UNTIL);
    expect(view.eventLogHash()).toBe(hash);

    const counts: Record<string, number> = {};
    for (const a of view.actors()) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
    // the same actors by kind as the live twin draws for this scenario
    expect(counts).toEqual(await expectedCounts());
    const replayed = view.actors().filter((a) => a.kind === 'store');
    expect(new Map(replayed.map((a) => [a.id, view.locate(a)]))).toEqual(stores);
    // a state entry is logged on every change, so the replay ends where the run ended
    for (const a of view.actors())
      if (liveStates.has(a.id)) expect(view.state(a.id), a.id).toBe(liveStates.get(a.id));
  });
});
