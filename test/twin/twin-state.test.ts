import { describe, expect, it } from 'vitest';
import type { Roster } from '../../sim/twin/wire.ts';
import type { PositionFrame } from '../../twin-ui/frame-decoder.ts';
import { type DrawnPosition, TwinState } from '../../twin-ui/twin-state.ts';

const roster: Roster = {
  epoch: 1,
  ids: ['S1', 'C1', 'C2'],
  classOf: [0, 1, 1],
  classes: [
    { key: 'store', kind: 'store', variant: null, moving: false },
    { key: 'courier:ordinary', kind: 'courier', variant: 'ordinary', moving: true },
  ],
};

function frame(simTime: number, keyframe: boolean, moves: [number, number, number][]): PositionFrame {
  return {
    simTime,
    seq: 0,
    epoch: 1,
    keyframe,
    indexes: Uint32Array.from(moves.map((m) => m[0])),
    coords: Float32Array.from(moves.flatMap((m) => [m[1], m[2]])),
  };
}

/** A state whose three actors were placed by a keyframe at wall time 0 (frames every 100 ms). */
function placedAtZero(): TwinState {
  const state = new TwinState();
  state.applyHello({ frameIntervalMs: 100 } as never);
  state.applyRoster(roster);
  state.applyFrame(
    frame(1000, true, [
      [0, 5, 5],
      [1, 0, 0],
      [2, 10, 10],
    ]),
    0,
  );
  return state;
}

describe("the viewer's state (no three.js)", () => {
  it('places actors from a keyframe, then glides each mover over the frame gap, heading along its move', () => {
    const state = placedAtZero();
    expect(state.countsByKind()).toEqual({ store: 1, courier: 2 });
    state.applyFrame(frame(1100, false, [[1, 10, 0]]), 100);
    const at = (i: number, now: number): DrawnPosition => state.position(i, now, { x: 0, y: 0, heading: 0 });
    expect(at(1, 100)).toMatchObject({ x: 0, y: 0 });
    expect(at(1, 150).x).toBeCloseTo(5, 5);
    expect(at(1, 150).heading).toBeCloseTo(0, 5);
    expect(at(1, 400)).toMatchObject({ x: 10, y: 0 });
    expect(at(2, 150)).toMatchObject({ x: 10, y: 10 });
    expect(state.simTime).toBe(1100);
    // A frame of another epoch (a roster not received yet) is ignored.
    state.applyFrame({ ...frame(1200, false, [[1, 99, 99]]), epoch: 2 }, 200);
    expect(at(1, 1000)).toMatchObject({ x: 10, y: 0 });
  });

  it('tells a layer which classes moved since it last drew them, so resting markers are left alone', () => {
    const state = placedAtZero();
    // Placed at 0: a class drawn before then must be redrawn, one drawn after need not.
    expect(state.classMovedSince(0, -1)).toBe(true);
    expect(state.classMovedSince(0, 1)).toBe(false);
    // The store is reported again where it was, a courier moves: only the courier's class is live,
    // and it stays live while the courier may still be gliding.
    state.applyFrame(
      frame(1100, false, [
        [0, 5, 5],
        [1, 10, 0],
      ]),
      100,
    );
    expect(state.classMovedSince(0, 1)).toBe(false);
    expect(state.classMovedSince(1, 150)).toBe(true);
    expect(state.classMovedSince(1, 250)).toBe(true);
    expect(state.classMovedSince(1, 301)).toBe(false);
    // A new roster (a seek to another epoch, a reload) starts clean.
    state.applyRoster({ ...roster, epoch: 2 });
    expect(state.classMovedSince(1, 1)).toBe(false);
  });

  it('decodes state changes through the growing dictionary and marks those actors for recolouring', () => {
    const state = new TwinState();
    state.applyRoster(roster);
    const pairs = (p: number[]) => Uint32Array.from(p).buffer;
    state.applyStates({
      epoch: 1,
      firstCode: 0,
      names: ['open', 'idle'],
      changes: pairs([0, 0, 1, 1, 2, 1]),
    });
    state.applyStates({ epoch: 1, firstCode: 2, names: ['working(job.toPickup)'], changes: pairs([2, 2]) });
    expect([0, 1, 2].map((i) => state.stateOf(i))).toEqual(['open', 'idle', 'working(job.toPickup)']);
    expect([...state.dirtyColors].sort()).toEqual([0, 1, 2]);
    expect(state.stateCounts(1)).toEqual(
      new Map([
        ['idle', 1],
        ['working(job.toPickup)', 1],
      ]),
    );
    // A late joiner's full dictionary restarts at code 0 and replaces what it overlaps.
    state.applyStates({
      epoch: 1,
      firstCode: 0,
      names: ['open', 'idle', 'working(job.toPickup)'],
      changes: pairs([]),
    });
    expect(state.names).toHaveLength(3);
  });
});
