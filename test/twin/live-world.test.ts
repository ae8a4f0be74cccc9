import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../sim/scenario/load-scenario.ts';
import { LiveWorld, type LiveWorldListener } from '../../sim/twin/live-world.ts';
import { World } from '../../sim/world/world.ts';
import { FakeWall, monacoCity, smallScenario, straightRunHash, turnsUntil } from './twin-fixture.ts';

const HOUR = 3_600_000;

async function liveWorld(
  wall: FakeWall,
  speed: number,
  readScenario = smallScenario,
  prepare: (world: World) => void = () => {},
) {
  const city = await monacoCity();
  const counts = { rebuilt: 0, slices: 0, failures: 0 };
  const listener: LiveWorldListener = {
    rebuilt: () => counts.rebuilt++,
    slice: () => counts.slices++,
    clockChanged: () => {},
  };
  const live = new LiveWorld({
    scenario: smallScenario(),
    seed: 7,
    startMs: 0,
    speed,
    sliceMs: 100,
    wall,
    createWorld: async (s, seed) => {
      const world = new World(s, city, { seed });
      prepare(world);
      return world;
    },
    readScenario,
    onFailure: () => counts.failures++,
  });
  await live.start(listener);
  return { live, counts };
}

describe('the live world (paced, with pause, speed, seek and reload)', () => {
  it('follows the wall clock × speed, stops while paused, and changes pace with speed', async () => {
    const wall = new FakeWall();
    const { live, counts } = await liveWorld(wall, 60);
    await turnsUntil(() => wall.t >= 10_000);
    const at10s = live.view.now;
    expect(at10s).toBeGreaterThan(0.9 * 60 * 10_000);
    expect(at10s).toBeLessThanOrEqual(60 * (wall.t + 100));
    live.setPaused(true);
    const paused = live.view.now;
    const wallAtPause = wall.t;
    await turnsUntil(() => wall.t >= wallAtPause + 5_000);
    expect(live.view.now).toBe(paused);
    live.setSpeed(600);
    live.setPaused(false);
    const resumedAt = wall.t;
    await turnsUntil(() => wall.t >= resumedAt + 5_000);
    const ratio = (live.view.now - paused) / (wall.t - resumedAt);
    expect(ratio).toBeGreaterThan(500);
    expect(ratio).toBeLessThanOrEqual(600 * 1.05);
    expect(counts.slices).toBeGreaterThan(100);
    await live.stop();
  });

  it('seeks exactly: forward, back (a fresh re-run) and forward again match a straight run', async () => {
    const wall = new FakeWall();
    const { live, counts } = await liveWorld(wall, 1);
    const forward = await live.seek(2 * HOUR);
    expect(forward).toEqual({
      ok: true,
      simTime: expect.closeTo(2 * HOUR, 2),
      eventLogHash: await straightRunHash(7, 2 * HOUR),
    });
    const rebuiltBefore = counts.rebuilt;
    const back = await live.seek(HOUR);
    expect(counts.rebuilt).toBe(rebuiltBefore + 1);
    expect(back).toEqual({
      ok: true,
      simTime: expect.closeTo(HOUR, 2),
      eventLogHash: await straightRunHash(7, HOUR),
    });
    const again = await live.seek(2 * HOUR);
    expect(again).toEqual(forward);
    await live.stop();
  });

  it('a later seek supersedes an earlier one, which reports it', async () => {
    const wall = new FakeWall(0.5);
    const { live } = await liveWorld(wall, 1);
    const first = live.seek(3 * HOUR);
    const second = live.seek(HOUR / 2);
    expect(await first).toEqual({ ok: false, error: 'superseded by a later seek' });
    expect(await second).toMatchObject({ ok: true, simTime: expect.closeTo(HOUR / 2, 2) });
    await live.stop();
  });

  it('stays responsive when compute-bound: at 10 000× it slices on and reports the speed it reaches', async () => {
    // Every clock read costs 20 ms: the small scenario has about 2 kernel tasks per sim second, so a
    // 100 ms slice at 10 000× (≈2 000 tasks, a clock check every 256) overruns its 60 ms budget.
    const wall = new FakeWall(20);
    const { live, counts } = await liveWorld(wall, 10_000);
    await live.seek(4 * HOUR);
    const slicesBefore = counts.slices;
    const startWall = wall.t;
    await turnsUntil(() => counts.slices >= slicesBefore + 30);
    expect(wall.t - startWall).toBeLessThan(30 * 400);
    expect(live.effectiveSpeed).toBeGreaterThan(0);
    expect(live.effectiveSpeed).toBeLessThan(10_000);
    await live.stop();
  });

  it('reload re-reads the scenario: a broken file is refused and the run goes on; a new seed restarts', async () => {
    const wall = new FakeWall();
    let broken = true;
    const read = () => {
      if (broken)
        throw new ScenarioError('twin-small.json', ['fleet.customers: expected >= 1, got number 0']);
      return smallScenario();
    };
    const { live } = await liveWorld(wall, 60, read);
    const world = live.world;
    const refused = await live.reload();
    expect(refused).toEqual({ ok: false, error: expect.stringContaining('fleet.customers: expected >= 1') });
    expect(live.world).toBe(world);
    broken = false;
    const reloaded = await live.reload(8);
    expect(reloaded).toMatchObject({ ok: true, simTime: 0 });
    expect(live.currentSeed).toBe(8);
    expect(live.world).not.toBe(world);
    await live.stop();
  });

  it('outlives a bug in the world: pauses where it threw, reports it once, and a seek back starts over', async () => {
    const wall = new FakeWall();
    const { live, counts } = await liveWorld(wall, 600, smallScenario, (world) =>
      world.kernel.schedule(HOUR / 4, () => {
        throw new Error('boom in a machine');
      }),
    );
    await turnsUntil(() => live.failure !== null);
    expect(live.failure).toBe('the world failed at 00:15:00: boom in a machine');
    expect(live.paused).toBe(true);
    const wallAtFailure = wall.t;
    await turnsUntil(() => wall.t > wallAtFailure + 2_000);
    expect(counts.failures).toBe(1);
    const back = await live.seek(HOUR / 8);
    expect(back).toMatchObject({ ok: true, simTime: expect.closeTo(HOUR / 8, 2) });
    expect(live.failure).toBeNull();
    expect(await live.seek(HOUR / 2)).toEqual({
      ok: false,
      error: expect.stringContaining('boom in a machine'),
    });
    await live.stop();
  });
});
