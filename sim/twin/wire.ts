/**
 * The twin's wire protocol: socket.io event maps, payload types and the layout of the binary
 * buffers. Both the server (`sim/twin/`) and the browser (`twin-ui/`) import this file, so it holds
 * only types and constants — no code that needs Node or the DOM.
 *
 * Coordinates are metres east (x) and north (y) of the city's projection reference, the same frame
 * the simulation uses; time is sim milliseconds since the scenario start (day 0, 00:00).
 */

/** Bumped whenever a payload or buffer layout changes; the viewer refuses a mismatch. */
export const WIRE_VERSION = 1;

/** Control limits, shared so the timeline's slider and the server's validation agree. */
export const SPEED_MIN = 1;
export const SPEED_MAX = 10_000;
/** Largest control or inspect message the server accepts (bytes of JSON); larger ones are refused. */
export const MAX_MESSAGE_BYTES = 2_048;
/** socket.io's own cap on one incoming packet; anything bigger closes that socket, never the server. */
export const MAX_PACKET_BYTES = 16_384;

/** Where the viewer fetches the city geometry (one binary buffer, gzip on the wire). */
export const CITY_GEOMETRY_PATH = '/city.bin';

/**
 * Position frame (`frame` event, binary, volatile). Little-endian, 4-byte aligned:
 *   Float64 simTime · Uint32 seq · Uint32 epoch · Uint32 flags · Uint32 count
 *   Uint32[count] actor index · Float32[2·count] x, y
 * Frames carry only actors that moved since the previous frame (or lately), except keyframes,
 * which carry every positioned actor so a dropped volatile frame heals within one keyframe period.
 */
export const FRAME_HEADER_BYTES = 24;
export const FRAME_FLAG_KEYFRAME = 1;
/** Bytes each actor adds to a frame: index + x + y. */
export const FRAME_BYTES_PER_ACTOR = 12;

/**
 * State changes (`states` event, reliable): Uint32 pairs (actor index, state code). Codes index the
 * state dictionary, which only grows; `names` carries the entries added since the last message.
 */
export interface StateChanges {
  readonly epoch: number;
  /** New dictionary entries; the first one gets code `firstCode`. */
  readonly firstCode: number;
  readonly names: readonly string[];
  /** Uint32Array of (index, code) pairs. */
  readonly changes: ArrayBuffer;
}

/**
 * City geometry buffer (`GET /city.bin`). Little-endian, 4-byte aligned sections, each preceded by
 * its Uint32 element count. Header: Uint32 magic, Uint32 version, then Float32 minX, minY, maxX, maxY.
 *   roads      Float32[4·n]  drive segments x1, y1, x2, y2 (each undirected segment once)
 *   paths      Float32[4·n]  walk-only segments (walk edges with no drive edge between the nodes)
 *   rings      Uint32[n+1]   building ring starts (vertex indexes), then
 *   vertices   Float32[2·n]  building ring vertices, then
 *   heights    Float32[n]    building heights (metres)
 *   parking    Float32[3·n]  x, y, capacity
 *   areas      Uint32[n+1]   coverage-area ring starts (vertex indexes), then Float32[2·n] vertices,
 *              then Uint32[n] area index of each ring (rings of one area share the index)
 */
export const CITY_MAGIC = 0x43545731; // "CTW1"
export const CITY_HEADER_BYTES = 24;

/** Server → viewer, once per connection and again after a reload. */
export interface Hello {
  readonly version: number;
  readonly scenario: string;
  readonly description: string;
  readonly city: string;
  readonly attribution: string;
  readonly seed: number;
  /** Extent of the city in metres. */
  readonly bbox: { minX: number; minY: number; maxX: number; maxY: number };
  /** Coverage areas in the order of the `areas` section of the city buffer. */
  readonly areas: readonly { id: string; name: string }[];
  /** Wall milliseconds between position frames (the viewer interpolates over this). */
  readonly frameIntervalMs: number;
  readonly speedRange: readonly [number, number];
  /**
   * Sim-time range (ms) the timeline spans when it is not a day: a recorded log's first to last
   * entry (a protocol check's log lasts seconds). Absent for live worlds, which seek within the day.
   */
  readonly span?: { readonly start: number; readonly end: number };
  /** A recording being replayed: no live KPIs to show. */
  readonly replay?: boolean;
}

/** One drawable class of actors: a kind, optionally split by a variant (couriers by type). */
export interface ActorClass {
  /** `kind` or `kind:variant`, e.g. `courier:professional`. */
  readonly key: string;
  readonly kind: string;
  readonly variant: string | null;
  /** Whether actors of this class move (the viewer draws movers above static markers). */
  readonly moving: boolean;
}

/** Every drawn actor. Indexes into `ids` are the actor indexes used by frames and state changes. */
export interface Roster {
  readonly epoch: number;
  readonly ids: readonly string[];
  /** Class index (into `classes`) of each actor. */
  readonly classOf: readonly number[];
  readonly classes: readonly ActorClass[];
}

/** Time control status, sent on every change and every second. */
export interface ClockStatus {
  readonly simTime: number;
  readonly speed: number;
  readonly paused: boolean;
  /** Sim seconds per wall second actually achieved over the last second (≤ speed when compute-bound). */
  readonly effectiveSpeed: number;
  /** Set while the world re-runs to a seek target. */
  readonly seeking: { target: number; at: number } | null;
  readonly epoch: number;
  readonly viewers: number;
  /** Set when a machine or world bug stopped the run (it is paused there; seek back or reload). */
  readonly failure: string | null;
}

/** Live KPIs, once per wall second. */
export interface KpiSnapshot {
  readonly simTime: number;
  readonly byFlow: Record<string, { created: number; completed: number; cancelled: number; open: number }>;
  readonly onTimeRate: number;
  readonly courierUtilization: number;
  readonly waitingOrders: number;
  readonly lateOrders: number;
  readonly meanWaitMinutes: number;
  readonly invariantViolations: number;
}

/**
 * Heat points of open orders (`heat` event): Float32 triples x, y, weight where weight 1 marks a
 * waiting (unassigned) order and 2 a late one (past its due time, not yet delivered).
 */
export interface HeatPoints {
  readonly simTime: number;
  readonly points: ArrayBuffer;
}

/** One line of an actor's recent history, already formatted by the server. */
export interface RecentEvent {
  readonly t: number;
  readonly kind: 'sent' | 'received' | 'state' | 'note' | 'fault';
  readonly text: string;
}

/** Answer to `inspect`: what the panel shows about one actor. */
export interface Inspection {
  readonly id: string;
  readonly kind: string;
  readonly variant: string | null;
  readonly state: string;
  readonly status: string;
  /** Key context values, flattened to short strings (large collections are summarised). */
  readonly context: Record<string, string>;
  readonly recent: readonly RecentEvent[];
  readonly position: { x: number; y: number } | null;
  /** Remaining route of a travelling actor: Float32 x, y pairs from its current position. */
  readonly route: ArrayBuffer | null;
  readonly destination: { x: number; y: number } | null;
  readonly simTime: number;
}

export type ControlAction =
  | { action: 'pause' }
  | { action: 'play' }
  | { action: 'speed'; speed: number }
  | { action: 'seek'; time: number }
  | { action: 'reload'; seed?: number };

/** A control message as sent by the viewer; the server validates it with zod before acting. */
export type ControlMessage = ControlAction & { token: string };

export type ControlReply =
  | { ok: true; simTime: number; eventLogHash: string }
  | { ok: false; error: string; code: TwinErrorCode };

export type TwinErrorCode = 'unauthorized' | 'invalid' | 'too_large' | 'not_found' | 'failed';

export interface TwinError {
  readonly code: TwinErrorCode;
  readonly message: string;
  /** The event the error answers (e.g. `control`). */
  readonly about: string;
}

export interface ServerToClientEvents {
  hello: (hello: Hello) => void;
  roster: (roster: Roster) => void;
  frame: (frame: ArrayBuffer) => void;
  states: (changes: StateChanges) => void;
  clock: (status: ClockStatus) => void;
  kpis: (kpis: KpiSnapshot) => void;
  heat: (heat: HeatPoints) => void;
  error: (error: TwinError) => void;
}

export interface ClientToServerEvents {
  control: (message: unknown, reply?: (reply: ControlReply) => void) => void;
  inspect: (id: unknown, reply?: (inspection: Inspection | null) => void) => void;
}
