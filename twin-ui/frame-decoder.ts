import { FRAME_FLAG_KEYFRAME, FRAME_HEADER_BYTES, type StateChanges } from '../sim/twin/wire.ts';

/** A position frame as typed-array views over the received buffer (no copies). */
export interface PositionFrame {
  readonly simTime: number;
  readonly seq: number;
  readonly epoch: number;
  readonly keyframe: boolean;
  readonly indexes: Uint32Array;
  readonly coords: Float32Array;
}

/** socket.io hands binary payloads over as ArrayBuffer in browsers and Buffer/Uint8Array in Node. */
export function asArrayBuffer(data: ArrayBuffer | ArrayBufferView): ArrayBuffer {
  if (data instanceof ArrayBuffer) return data;
  const view = data as ArrayBufferView;
  return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer;
}

/** Decodes a `frame` event (layout in wire.ts); throws on a truncated buffer rather than misreading it. */
export function decodeFrame(data: ArrayBuffer | ArrayBufferView): PositionFrame {
  const buffer = asArrayBuffer(data);
  if (buffer.byteLength < FRAME_HEADER_BYTES) throw new Error(`frame too short: ${buffer.byteLength} bytes`);
  const view = new DataView(buffer);
  const count = view.getUint32(20, true);
  if (buffer.byteLength !== FRAME_HEADER_BYTES + count * 12)
    throw new Error(`frame of ${count} actors has ${buffer.byteLength} bytes`);
  return {
    simTime: view.getFloat64(0, true),
    seq: view.getUint32(8, true),
    epoch: view.getUint32(12, true),
    keyframe: (view.getUint32(16, true) & FRAME_FLAG_KEYFRAME) !== 0,
    indexes: new Uint32Array(buffer, FRAME_HEADER_BYTES, count),
    coords: new Float32Array(buffer, FRAME_HEADER_BYTES + count * 4, count * 2),
  };
}

/** The (index, code) pairs of a `states` event. */
export function decodeStateChanges(changes: StateChanges): Uint32Array {
  return new Uint32Array(asArrayBuffer(changes.changes as ArrayBuffer | ArrayBufferView));
}
