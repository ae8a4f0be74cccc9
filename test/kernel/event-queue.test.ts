import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { EventQueue } from '../../sim/kernel/event-queue.ts';

describe('EventQueue', () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 400 })], { seed: 1701, numRuns: 300 })(
    'orders any random schedule by (time, sequence) — seed 1701',
    (times) => {
      const q = new EventQueue<number>(4);
      for (const [i, t] of times.entries()) q.push(t, i);
      const out: { time: number; seq: number; item: number }[] = [];
      for (let e = q.pop(); e; e = q.pop()) out.push(e);
      const expected = times
        .map((t, i) => ({ time: t, seq: i, item: i }))
        .sort((a, b) => a.time - b.time || a.seq - b.seq);
      expect(out).toEqual(expected);
    },
  );

  test.prop([fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 })), { maxLength: 300 })], {
    seed: 1702,
    numRuns: 200,
  })('interleaved pushes and pops still pop the minimum (time, sequence) — seed 1702', (ops) => {
    const q = new EventQueue<number>(2);
    const model: { time: number; seq: number }[] = [];
    let seq = 0;
    for (const [isPush, t] of ops) {
      if (isPush || model.length === 0) {
        q.push(t, seq);
        model.push({ time: t, seq: seq++ });
      } else {
        model.sort((a, b) => a.time - b.time || a.seq - b.seq);
        const want = model.shift();
        const got = q.pop();
        expect(got && { time: got.time, seq: got.seq }).toEqual(want);
      }
    }
    expect(q.size).toBe(model.length);
  });

  test.prop(
    [fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 20 })), { maxLength: 300 })],
    { seed: 1703, numRuns: 200 },
  )('the in-order lane and the heap merge into one (time, sequence) order — seed 1703', (ops) => {
    const q = new EventQueue<number>(2);
    const model: { time: number; seq: number }[] = [];
    let seq = 0;
    let now = 0;
    for (const [op, t] of ops) {
      if (op === 2 && model.length > 0) {
        model.sort((a, b) => a.time - b.time || a.seq - b.seq);
        const want = model.shift();
        const got = q.pop();
        expect(got && { time: got.time, seq: got.seq }).toEqual(want);
        now = got?.time ?? now;
      } else {
        // a mostly monotone stream (like net deliveries) beside arbitrary timers
        const time = op === 0 ? now + t : now + (t % 3);
        if (op === 0) q.push(time, seq);
        else q.pushInOrder(time, seq);
        model.push({ time, seq: seq++ });
      }
    }
    expect(q.size).toBe(model.length);
    model.sort((a, b) => a.time - b.time || a.seq - b.seq);
    for (const want of model) {
      expect(q.peekTime()).toBe(want.time);
      expect(q.popItem()).toBe(want.seq);
    }
    expect(q.popItem()).toBeUndefined();
  });

  test('refuses a non-finite time with a clear error', () => {
    expect(() => new EventQueue<number>().push(Number.NaN, 1)).toThrow(/finite/);
  });
});
