import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../sim/kernel/event-log.ts';
import type { WallClock } from '../../sim/kernel/kernel.ts';
import { ReplayIndex } from '../../sim/twin/replay-index.ts';
import { ReplayLayout } from '../../sim/twin/replay-layout.ts';
import { ReplayView } from '../../sim/twin/replay-view.ts';
import { ReplayWorld } from '../../sim/twin/replay-world.ts';
import type { TwinView } from '../../sim/twin/twin-source.ts';

/** A wall clock the test moves: each `tick` advances it and wakes the replay's one pending sleep. */
class TestWall implements WallClock {
  private t = 0;
  private waiting: (() => void)[] = [];
  now(): number {
    return this.t;
  }
  sleep(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  async tick(ms: number): Promise<void> {
    this.t += ms;
    for (const wake of this.waiting.splice(0)) wake();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const ENTRIES: LogEntry[] = [
  { t: 0, kind: 'state', actor: 'C1', state: 'idle' },
  { t: 150, kind: 'state', actor: 'C1', state: 'accepting' },
  { t: 150, kind: 'fault', fault: 'drop', from: 'C1', to: 'dispatch', msg: { type: 'errand.accept' } },
  { t: 700, kind: 'state', actor: 'C1', state: 'working' },
  { t: 1000, kind: 'state', actor: 'C1', state: 'idle' },
];

/** Stops the replay: its loop ends after the sleep it is in, which only a tick ends. */
async function stop(world: ReplayWorld, wall: TestWall): Promise<void> {
  const stopped = world.stop();
  await wall.tick(100);
  await stopped;
}

function replay() {
  const index = new ReplayIndex(ENTRIES);
  const view = new ReplayView(index, new ReplayLayout(index, { minX: 0, minY: 0, maxX: 100, maxY: 100 }));
  const wall = new TestWall();
  const world = new ReplayWorld(view, index.endTime, { name: 'test', seed: 1, speed: 1, sliceMs: 100, wall });
  const heard: LogEntry[] = [];
  view.world.log.onEntry((e) => heard.push(e));
  const told = { rebuilt: 0, slices: 0, clock: 0 };
  const listener = {
    rebuilt: (_: TwinView) => void told.rebuilt++,
    slice: (_: TwinView) => void told.slices++,
    clockChanged: () => void told.clock++,
  };
  return { index, view, wall, world, heard, told, listener };
}

describe('the replay world plays a log like a live run', () => {
  it('advances by wall time × speed, tells each passed entry, pauses, and stops at the last entry', async () => {
    const { view, wall, world, heard, told, listener } = replay();
    await world.start(listener);
    expect(told.rebuilt).toBe(1);
    await wall.tick(100);
    expect(view.now).toBe(100);
    world.setSpeed(5);
    await wall.tick(100);
    expect(view.now).toBe(600);
    expect(heard.map((e) => e.t)).toEqual([150, 150]);
    expect(view.state('C1')).toBe('accepting');
    world.setPaused(true);
    await wall.tick(100);
    expect(view.now).toBe(600);
    world.setPaused(false);
    await wall.tick(100);
    await wall.tick(100);
    expect(view.now).toBe(1000);
    expect(world.paused).toBe(true);
    expect(view.state('C1')).toBe('idle');
    expect(told.slices).toBeGreaterThan(4);
    await stop(world, wall);
  });

  it('seeks exactly both ways, answering with the hash the log had there; play at the end starts over', async () => {
    const { index, view, wall, world, told, listener } = replay();
    await world.start(listener);
    world.setPaused(true);
    expect(await world.seek(700)).toEqual({ ok: true, simTime: 700, eventLogHash: index.hashAt(4) });
    expect(view.state('C1')).toBe('working');
    expect(await world.seek(149)).toEqual({ ok: true, simTime: 149, eventLogHash: index.hashAt(1) });
    expect(view.state('C1')).toBe('idle');
    expect(view.recent('C1').map((e) => e.kind)).toEqual(['state']);
    expect(told.rebuilt).toBe(3);
    await world.seek(1000);
    world.setPaused(false);
    expect(view.now).toBe(0);
    await wall.tick(100);
    expect(view.now).toBe(100);
    await stop(world, wall);
  });
});
