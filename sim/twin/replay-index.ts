import { createHash, type Hash } from 'node:crypto';
import type { Point } from '../../machines/protocol.ts';
import type { LogEntry } from '../kernel/event-log.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import { isPoint } from '../world/world-view.ts';

/** Message fields where an actor reports where it is (a courier's `courier.position`, …). */
const POSITION_FIELDS = ['position'] as const;
/** Message fields that name the sender's variant (a courier's type), as the live twin reads context. */
const VARIANT_FIELDS = ['variant', 'courierType'] as const;

/** Lines between two kept hash states: a hash at any cursor re-serialises at most this many. */
const HASH_STEP = 16_384;

/** How many of the ascending `list` are below `bound` (or at most `bound`, when `orEqual`). */
function countBelow(list: ArrayLike<number>, bound: number, orEqual = false): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < bound || (orEqual && list[mid] === bound)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A recorded run indexed for random access in time. Why an index and not a re-run: a replay has
 * no machines to run, and a seek must be exact and instant at any point of a day-long log. The
 * state of the run at time t is the prefix of entries with `entry.t ≤ t` (the cursor); an actor's
 * state then is its last state entry before the cursor, its recent events the last entries that
 * involve it before the cursor — each one binary search in that actor's list of entry indexes.
 */
export class ReplayIndex {
  /** Ids with state entries (the run's actors, dispatch and orders), in order of first appearance. */
  readonly ids: readonly string[];
  private readonly times: Float64Array;
  private readonly involving = new Map<string, number[]>();
  private readonly stateEntries = new Map<string, number[]>();
  private readonly reports = new Map<string, { at: number[]; points: Point[] }>();
  private readonly variants = new Map<string, string>();
  private hashed = { cursor: -1, hash: '' };
  /** `hashStates[k]`: SHA-256 state after the first k × HASH_STEP lines, filled in as needed. */
  private readonly hashStates: Hash[] = [createHash('sha256')];

  constructor(readonly entries: readonly LogEntry[]) {
    this.times = Float64Array.from(entries, (e) => e.t);
    const ids: string[] = [];
    entries.forEach((entry, i) => {
      if (entry.kind === 'state') {
        if (!this.stateEntries.has(entry.actor)) {
          ids.push(entry.actor);
          this.stateEntries.set(entry.actor, []);
        }
        this.stateEntries.get(entry.actor)?.push(i);
      }
      if (entry.kind === 'msg' || entry.kind === 'fault') {
        this.involve(entry.from, i);
        if (entry.to !== entry.from) this.involve(entry.to, i);
        if (entry.kind === 'msg') this.noteSender(entry.from, entry.msg, i);
      } else {
        this.involve(entry.actor, i);
      }
    });
    this.ids = ids;
  }

  get startTime(): number {
    return this.times[0] ?? 0;
  }

  get endTime(): number {
    return this.times[this.times.length - 1] ?? 0;
  }

  /** How many entries happened at or before `t`: the replay at `t` has applied exactly these. */
  cursorAt(t: number): number {
    return countBelow(this.times, t, true);
  }

  /** Whether the log mentions `id` at all (as an actor, a sender or a receiver). */
  knows(id: string): boolean {
    return this.involving.has(id);
  }

  /** `id`'s statechart state after the first `cursor` entries; null before its first state entry. */
  stateAt(id: string, cursor: number): string | null {
    const list = this.stateEntries.get(id);
    if (!list) return null;
    const k = countBelow(list, cursor) - 1;
    return k < 0 ? null : (this.entries[list[k]] as { state: string }).state;
  }

  /** The last `limit` entries involving `id` among the first `cursor`, oldest first. */
  recentAt(id: string, cursor: number, limit: number): LogEntry[] {
    const list = this.involving.get(id);
    if (!list) return [];
    const end = countBelow(list, cursor);
    return list.slice(Math.max(0, end - limit), end).map((i) => this.entries[i]);
  }

  /** How many entries involving `id` among the first `cursor` are of each kind (faults, messages, …). */
  countsAt(id: string, cursor: number): { sent: number; received: number; faults: number; notes: number } {
    const counts = { sent: 0, received: 0, faults: 0, notes: 0 };
    const list = this.involving.get(id) ?? [];
    for (let k = 0, end = countBelow(list, cursor); k < end; k++) {
      const e = this.entries[list[k]];
      if (e.kind === 'fault') counts.faults++;
      else if (e.kind === 'note') counts.notes++;
      else if (e.kind === 'msg') counts[e.from === id ? 'sent' : 'received']++;
    }
    return counts;
  }

  /** Whether `id` ever reports a position in a message it sends. */
  reportsPosition(id: string): boolean {
    return this.reports.has(id);
  }

  /**
   * Where `id` last said it was, among the first `cursor` entries; before its first report, its
   * first report (so it is drawn from the start); null if it never reports one.
   */
  positionAt(id: string, cursor: number): Point | null {
    const r = this.reports.get(id);
    if (!r) return null;
    return r.points[Math.max(0, countBelow(r.at, cursor) - 1)];
  }

  /** Every position any actor reports (to decide which frame the log's coordinates are in). */
  reportedPoints(): Point[] {
    return [...this.reports.values()].flatMap((r) => r.points);
  }

  /** The variant an actor names itself in its messages (e.g. a courier's type), if any. */
  variantOf(id: string): string | null {
    return this.variants.get(id) ?? null;
  }

  /**
   * SHA-256 of the first `cursor` lines, re-serialised exactly as the event log writes them — so a
   * replay at time t answers with the same hash the original run had at t.
   */
  hashAt(cursor: number): string {
    if (this.hashed.cursor !== cursor) {
      const k = Math.floor(cursor / HASH_STEP);
      while (this.hashStates.length <= k) {
        const last = this.hashStates.length - 1;
        this.hashStates.push(
          this.feed(this.hashStates[last].copy(), last * HASH_STEP, (last + 1) * HASH_STEP),
        );
      }
      const hash = this.feed(this.hashStates[k].copy(), k * HASH_STEP, cursor);
      this.hashed = { cursor, hash: hash.digest('hex') };
    }
    return this.hashed.hash;
  }

  private feed(hash: Hash, from: number, to: number): Hash {
    for (let i = from; i < to; i++) hash.update(`${stableStringify(this.entries[i])}\n`);
    return hash;
  }

  private involve(id: string, index: number): void {
    let list = this.involving.get(id);
    if (!list) {
      list = [];
      this.involving.set(id, list);
    }
    if (list[list.length - 1] !== index) list.push(index);
  }

  private noteSender(from: string, msg: unknown, index: number): void {
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as Record<string, unknown>;
    for (const field of POSITION_FIELDS) {
      const p = m[field];
      if (!isPoint(p)) continue;
      let r = this.reports.get(from);
      if (!r) {
        r = { at: [], points: [] };
        this.reports.set(from, r);
      }
      r.at.push(index);
      r.points.push({ x: p.x, y: p.y });
    }
    if (!this.variants.has(from))
      for (const field of VARIANT_FIELDS)
        if (typeof m[field] === 'string') {
          this.variants.set(from, m[field] as string);
          break;
        }
  }
}
