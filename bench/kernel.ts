import { assign, createActor, setup } from 'xstate';
import { EventLog } from '../sim/kernel/event-log.ts';
import { Kernel } from '../sim/kernel/kernel.ts';
import { SimNet } from '../sim/kernel/net.ts';
import type { BenchCase } from './bench-case.ts';

const ACTORS = 100;
const MESSAGES = 300_000;
const BATCH = 10_000;

/** A small machine of the shape our actors have: two states, a guard, an assign per event. */
const pingMachine = setup({
  types: { context: {} as { received: number }, events: {} as { type: 'ping'; n: number } },
  guards: { even: ({ event }) => event.n % 2 === 0 },
}).createMachine({
  context: { received: 0 },
  initial: 'idle',
  states: {
    idle: {
      on: {
        ping: {
          target: 'busy',
          guard: 'even',
          actions: assign({ received: ({ context }) => context.received + 1 }),
        },
      },
    },
    busy: {
      on: { ping: { target: 'idle', actions: assign({ received: ({ context }) => context.received + 1 }) } },
    },
  },
});

function bareXState(): number {
  const actors = Array.from({ length: ACTORS }, () => createActor(pingMachine).start());
  const t = performance.now();
  for (let i = 0; i < MESSAGES; i++) actors[i % ACTORS].send({ type: 'ping', n: i });
  const ms = performance.now() - t;
  return (MESSAGES / ms) * 1000;
}

/** The same sends, but each one scheduled by the net port, delivered by the kernel and hashed into the event log. */
function throughKernel(): { perSec: number; hash: string } {
  const kernel = new Kernel();
  const log = new EventLog();
  const net = new SimNet(kernel, log, 50);
  const actors = Array.from({ length: ACTORS }, (_, i) => {
    const actor = createActor(pingMachine, { clock: kernel.clock }).start();
    net.register(`a${i}`, (message) => actor.send(message as { type: 'ping'; n: number }));
    return actor;
  });
  const t = performance.now();
  for (let start = 0; start < MESSAGES; start += BATCH) {
    for (let i = start; i < start + BATCH; i++) net.send('driver', `a${i % ACTORS}`, { type: 'ping', n: i });
    kernel.runUntil(Number.POSITIVE_INFINITY);
  }
  const ms = performance.now() - t;
  if (actors.reduce((sum, a) => sum + a.getSnapshot().context.received, 0) === 0)
    throw new Error('no delivery');
  return { perSec: (MESSAGES / ms) * 1000, hash: log.digest().slice(0, 16) };
}

/** Rounds of (bare, kernel) measured back to back; the ratio is the median of the rounds' ratios. */
const ROUNDS = 7;

/**
 * Kernel overhead: events/s of the kernel delivering net messages to XState actors (queue, virtual
 * clock, event-log hashing included) against a bare XState actor receiving the same `send` calls.
 * They run in adjacent pairs and the ratio is taken per pair (then the median), so JIT warm-up, GC
 * and the host's drifting speed hit both sides of a pair alike; the events/s figures are each
 * side's best round.
 */
export async function run(): Promise<BenchCase[]> {
  let bare = 0;
  let kernel = 0;
  let hash = '';
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const b = bareXState();
    const k = throughKernel();
    bare = Math.max(bare, b);
    kernel = Math.max(kernel, k.perSec);
    hash = k.hash;
    if (round > 0) ratios.push(k.perSec / b); // the first pair warms the JIT up
  }
  ratios.sort((x, y) => x - y);
  const median = ratios[Math.floor(ratios.length / 2)];
  return [
    {
      name: 'kernel',
      figures: {
        messages: MESSAGES,
        actors: ACTORS,
        kernelEventsPerSec: Math.round(kernel),
        bareXStateEventsPerSec: Math.round(bare),
        ratioPerRound: ratios.map((r) => r.toFixed(3)).join(' '),
        eventLogHash: hash,
      },
      baseline: 'bare XState actor, same sends (median of back-to-back pairs)',
      ratio: Number(median.toFixed(3)),
      aim: '>= 0.8',
    },
  ];
}
