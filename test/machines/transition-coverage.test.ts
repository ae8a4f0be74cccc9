import { describe, expect, it } from 'vitest';
import { assign, sendParent, setup } from 'xstate';
import { coverTransitions, listTransitions, startRecorded } from './transition-coverage.ts';

/** A small machine with every kind of transition, one of them unreachable, and a `sendParent`. */
const toy = setup({
  types: {
    context: {} as { n: number },
    events: {} as { type: 'go' } | { type: 'bump' } | { type: 'never' },
  },
  guards: { impossible: () => false },
  delays: { soon: 5 },
}).createMachine({
  id: 'toy',
  context: { n: 0 },
  initial: 'a',
  states: {
    a: {
      always: { guard: ({ context }) => context.n > 1, target: 'c' },
      on: { go: 'b', bump: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
    },
    b: {
      entry: sendParent({ type: 'in.b' }),
      after: { soon: 'a' },
      on: { never: { guard: 'impossible', target: 'c' } },
    },
    c: { type: 'final' },
  },
});

describe('transition-coverage helpers', () => {
  it('lists event, delayed and eventless transitions with stable keys', () => {
    expect(listTransitions(toy).map((t) => [t.key, t.targets, t.guard])).toEqual([
      ['toy.a:go#0', ['toy.b'], null],
      ['toy.a:bump#0', [], null],
      ['toy.a:always#0', ['toy.c'], 'inline'],
      ['toy.b:never#0', ['toy.c'], 'impossible'],
      ['toy.b:after.soon#0', ['toy.a'], null],
    ]);
  });

  it('reports exactly the transitions no path takes', () => {
    const report = coverTransitions(toy, [
      {
        name: 'toy',
        input: undefined,
        events: (s) =>
          s.context.n < 3 ? ([{ type: 'go' }, { type: 'bump' }, { type: 'never' }] as const) : [],
        key: (s) => JSON.stringify([s.value, s.context.n]),
      },
    ]);
    expect(report.mismatches).toEqual([]);
    expect(report.uncovered.map((t) => t.key)).toEqual(['toy.b:never#0']);
  });

  it('records transitions, effects, messages to the parent, and runs timers on the simulated clock', () => {
    const run = startRecorded(toy, undefined);
    run.send({ type: 'go' });
    expect(run.toParent).toEqual([{ type: 'in.b' }]);
    run.clock.increment(5);
    expect(run.actor.getSnapshot().value).toBe('a');
    expect(run.taken).toEqual(['toy.a:go#0', 'toy.b:after.soon#0']);
    expect(run.effects.map((e) => e.type)).toEqual(['xstate.sendTo', 'xstate.raise', 'xstate.cancel']);
  });
});
