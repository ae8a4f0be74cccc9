import { describe, expect, it } from 'vitest';
import { PositionFrames } from '../../sim/twin/position-frames.ts';
import { FRAME_BYTES_PER_ACTOR, FRAME_HEADER_BYTES } from '../../sim/twin/wire.ts';
import { decodeFrame } from '../../twin-ui/frame-decoder.ts';

describe('binary position frames', () => {
  it('a keyframe carries every placed actor; later frames only movers, 12 bytes each', () => {
    const frames = new PositionFrames(4, 3);
    const at = [{ x: 1, y: 2 }, { x: 10, y: 20 }, null, { x: -5.5, y: 7.25 }];
    const key = decodeFrame(frames.encode(1000, [1], (i) => at[i], true));
    expect(key).toMatchObject({ simTime: 1000, seq: 0, epoch: 3, keyframe: true });
    expect([...key.indexes]).toEqual([0, 1, 3]);
    expect([...key.coords]).toEqual([1, 2, 10, 20, -5.5, 7.25]);

    at[1] = { x: 11, y: 20 };
    const buffer = frames.encode(1100, [1], (i) => at[i], false);
    expect(buffer.byteLength).toBe(FRAME_HEADER_BYTES + FRAME_BYTES_PER_ACTOR);
    const moved = decodeFrame(buffer);
    expect(moved.keyframe).toBe(false);
    expect([...moved.indexes]).toEqual([1]);
    expect([...moved.coords]).toEqual([11, 20]);
  });

  it('resends a mover for three frames after it stops (dropped volatile frames heal), then drops it', () => {
    const frames = new PositionFrames(1, 1);
    const p = { x: 0, y: 0 };
    frames.encode(0, [0], () => p, true);
    p.x = 5;
    const counts: number[] = [];
    for (let f = 0; f < 6; f++)
      counts.push(decodeFrame(frames.encode(f, [0], () => p, false)).indexes.length);
    expect(counts).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('rejects a truncated buffer instead of misreading it', () => {
    const frames = new PositionFrames(2, 1);
    const buffer = frames.encode(0, [], () => ({ x: 1, y: 1 }), true);
    expect(() => decodeFrame(buffer.slice(0, buffer.byteLength - 4))).toThrow(/2 actors/);
    expect(() => decodeFrame(new ArrayBuffer(8))).toThrow(/too short/);
  });
});
