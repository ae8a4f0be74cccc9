import { FRAME_BYTES_PER_ACTOR, FRAME_FLAG_KEYFRAME, FRAME_HEADER_BYTES } from './wire.ts';

/** Frames after its last move during which an actor is still resent (heals dropped volatile frames). */
const RESEND_FRAMES = 3;
/** Smallest move, in metres, that counts as a move. */
const MIN_MOVE = 0.01;

/**
 * Builds the binary position frames of one roster (layout in wire.ts). It remembers what it last
 * sent for each actor so that a frame carries only actors that moved — the couriers on the road,
 * not the thousands of customers at home — and resends a mover for a few frames after it stops, so
 * a volatile frame the transport dropped costs at most a short glitch. Keyframes carry everyone.
 */
export class PositionFrames {
  private readonly lastX: Float64Array;
  private readonly lastY: Float64Array;
  /** Frame sequence number of the last move; -Infinity before the first. */
  private readonly movedAt: Float64Array;
  private readonly known: Uint8Array;
  private readonly indexes: Uint32Array;
  private readonly coords: Float32Array;
  private seq = 0;

  constructor(
    readonly actorCount: number,
    readonly epoch: number,
  ) {
    this.lastX = new Float64Array(actorCount);
    this.lastY = new Float64Array(actorCount);
    this.movedAt = new Float64Array(actorCount).fill(Number.NEGATIVE_INFINITY);
    this.known = new Uint8Array(actorCount);
    this.indexes = new Uint32Array(actorCount);
    this.coords = new Float32Array(actorCount * 2);
  }

  /** Sequence number the next frame gets. */
  get nextSeq(): number {
    return this.seq;
  }

  /**
   * Encodes one frame. `sample(i)` returns actor i's position at the frame instant, or null when
   * the actor has none (or, outside keyframes, when the caller knows it cannot have moved).
   */
  encode(
    simTime: number,
    candidates: ArrayLike<number>,
    sample: (index: number) => { x: number; y: number } | null,
    keyframe: boolean,
  ): ArrayBuffer {
    const seq = this.seq++;
    let count = 0;
    const n = keyframe ? this.actorCount : candidates.length;
    for (let k = 0; k < n; k++) {
      const i = keyframe ? k : candidates[k];
      const p = sample(i);
      if (!p) continue;
      const moved =
        !this.known[i] ||
        Math.abs(p.x - this.lastX[i]) > MIN_MOVE ||
        Math.abs(p.y - this.lastY[i]) > MIN_MOVE;
      if (moved) {
        this.movedAt[i] = seq;
        this.lastX[i] = p.x;
        this.lastY[i] = p.y;
        this.known[i] = 1;
      }
      if (!keyframe && seq - this.movedAt[i] > RESEND_FRAMES) continue;
      this.indexes[count] = i;
      this.coords[2 * count] = p.x;
      this.coords[2 * count + 1] = p.y;
      count++;
    }
    const buffer = new ArrayBuffer(FRAME_HEADER_BYTES + count * FRAME_BYTES_PER_ACTOR);
    const view = new DataView(buffer);
    view.setFloat64(0, simTime, true);
    view.setUint32(8, seq, true);
    view.setUint32(12, this.epoch, true);
    view.setUint32(16, keyframe ? FRAME_FLAG_KEYFRAME : 0, true);
    view.setUint32(20, count, true);
    new Uint32Array(buffer, FRAME_HEADER_BYTES, count).set(this.indexes.subarray(0, count));
    new Float32Array(buffer, FRAME_HEADER_BYTES + count * 4, count * 2).set(
      this.coords.subarray(0, count * 2),
    );
    return buffer;
  }
}
