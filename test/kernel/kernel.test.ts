import { describe, expect, it } from 'vitest';
import { assign, createActor, setup } from 'xstate';
import { EventLog } from '../../sim/kernel/event-log.ts';
import { Kernel } from '../../sim/kernel/kernel.ts';
import { SimNet } from '../../sim/kernel/net.ts';
import { RandomStreams } from '../../sim/kernel/random-streams.ts';

const ticker = setup({
  types: { context: {} as { ticks: number }, events: {} as { type: 'poke' } },
  delays: { tick: 1000 },
}).createMachine({
  context: { ticks: 0 },
  initial: 'waiting',
  states: {
    waiting: {
      after: {
        tick: {
          target: 'waiting',
          reenter: true,
          actions: assign({ ticks: ({ context }) => context.ticks + 1 }),
        },
      },
    },
  },
});

describe('Kernel', () => {
  it('runs XState delayed transitions on sim time, not wall time', () => {
    const kernel = new Kernel();
    const actor = createActor(ticker, { clock: kernel.clock }).start();
    kernel.runUntil(10_500);
    expect(actor.getSnapshot().context.ticks).toBe(10);
    expect(kernel.now).toBe(10_500);
  });

  it('cancelled timers never run', () => {
    const kernel = new Kernel();
    let ran = false;
    const id = kernel.clock.setTimeout(() => {
      ran = true;
    }, 100);
    kernel.clock.clearTimeout(id);
    kernel.runUntil(1000);
    expect(ran).toBe(false);
  });

  it('running until infinity drains the agenda and returns, keeping the last event time', () => {
    const kernel = new Kernel();
    const seen: number[] = [];
    kernel.schedule(300, () => seen.push(kernel.now));
    kernel.schedule(100, () => kernel.after(50, () => seen.push(kernel.now)));
    kernel.runUntil(Number.POSITIVE_INFINITY);
    expect(seen).toEqual([150, 300]);
    expect(kernel.now).toBe(300);
    expect(kernel.pending).toBe(0);
  });

  it('a cancelled task at the head never lets a later task run before its time', () => {
    const kernel = new Kernel();
    const ran: number[] = [];
    const early = kernel.schedule(100, () => ran.push(100));
    early.cancelled = true;
    kernel.schedule(500, () => ran.push(500));
    kernel.runUntil(200);
    expect(ran).toEqual([]);
    expect(kernel.now).toBe(200);
    kernel.runUntil(500);
    expect(ran).toEqual([500]);
  });

  it('tasks at the same instant run in scheduling order', () => {
    const kernel = new Kernel();
    const order: number[] = [];
    for (let i = 0; i < 50; i++) kernel.schedule(500, () => order.push(i));
    kernel.runUntil(500);
    expect(order).toEqual([...Array(50).keys()]);
  });

  it('paced mode follows wall time × speed from an injected wall clock', async () => {
    const kernel = new Kernel();
    let wall = 0;
    const fired: number[] = [];
    for (let t = 0; t <= 10_000; t += 1000) kernel.schedule(t, () => fired.push(kernel.now));
    kernel.setSpeed(100);
    await kernel.runPaced(10_000, {
      now: () => wall,
      sleep: async (ms) => {
        wall += ms;
      },
    });
    expect(fired).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]);
    expect(wall).toBeGreaterThanOrEqual(100);
    expect(wall).toBeLessThanOrEqual(120);
  });

  it('the net delivers at now + latency and a fault injector can drop, duplicate and delay, each logged', () => {
    const kernel = new Kernel();
    const log = new EventLog();
    const faults: string[] = [];
    log.onEntry((e) => {
      if (e.kind === 'fault')
        faults.push(`${e.t} ${e.fault} ${(e.msg as { type: string }).type} ${e.delayMs ?? ''}`);
    });
    const net = new SimNet(kernel, log, 40);
    const got: [number, string][] = [];
    net.register('b', (m) => got.push([kernel.now, m.type]));
    net.setFaults((_f, _t, m) =>
      m.type === 'lost'
        ? { drop: true }
        : m.type === 'twice'
          ? { duplicate: true }
          : m.type === 'late'
            ? { extraDelayMs: 500 }
            : {},
    );
    net.send('a', 'b', { type: 'late' });
    net.send('a', 'b', { type: 'hello' });
    net.send('a', 'b', { type: 'lost' });
    net.send('a', 'b', { type: 'twice' });
    kernel.runUntil(1000);
    expect(got).toEqual([
      [40, 'hello'],
      [40, 'twice'],
      [40, 'twice'],
      [540, 'late'],
    ]);
    expect(faults).toEqual(['0 delay late 500', '0 drop lost ', '0 duplicate twice ']);
  });
});

describe('RandomStreams', () => {
  it('a stream depends on (seed, name) only, not on creation order', () => {
    const a = new RandomStreams(7);
    const b = new RandomStreams(7);
    b.stream('other').float();
    const x = a.stream('courier:C1');
    const y = b.stream('courier:C1');
    expect([x.float(), x.float(), x.int(1, 6)]).toEqual([y.float(), y.float(), y.int(1, 6)]);
    expect(new RandomStreams(8).stream('courier:C1').float()).not.toBe(
      new RandomStreams(7).stream('courier:C1').float(),
    );
  });

  it('floats are uniform in [0, 1)', () => {
    const s = new RandomStreams(3).stream('u');
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const v = s.float();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      sum += v;
    }
    expect(sum / 20_000).toBeCloseTo(0.5, 1);
  });
});
